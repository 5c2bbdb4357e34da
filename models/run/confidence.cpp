// Confidence intervals computed from raw counts: the survey's Wilson score interval.
#include "models/run/confidence.hpp"

#include <algorithm>
#include <cmath>

namespace qosim::models {

ProportionInterval wilson_interval(std::uint64_t successes, std::uint64_t n, double z) {
    const auto trials = static_cast<double>(n);
    const double p = static_cast<double>(successes) / trials;
    const double z2n = z * z / trials;
    const double centre = (p + z2n / 2) / (1 + z2n);
    const double half = z * std::sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace qosim::models
