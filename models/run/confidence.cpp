// Confidence intervals: Student t over replication means (clipped for shares), and the
// survey's Wilson score interval from raw counts.
#include "models/run/confidence.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>

namespace qosim::models {

double student_t_quantile(double df, double p) {
    return boost::math::quantile(boost::math::students_t(df), p);
}

double t_half_width95(double sd, std::size_t n) {
    return student_t_quantile(static_cast<double>(n - 1), 0.975) * sd /
           std::sqrt(static_cast<double>(n));
}

MeanInterval mean_interval95(double mean, double sd, std::size_t n, bool is_share) {
    const double half = t_half_width95(sd, n);
    MeanInterval ci{mean - half, mean + half, half};
    if (is_share) {
        ci.low = std::clamp(ci.low, 0.0, 1.0);
        ci.high = std::clamp(ci.high, 0.0, 1.0);
    }
    return ci;
}

ProportionInterval wilson_interval(std::uint64_t successes, std::uint64_t n, double z) {
    const auto trials = static_cast<double>(n);
    const double p = static_cast<double>(successes) / trials;
    const double z2n = z * z / trials;
    const double centre = (p + z2n / 2) / (1 + z2n);
    const double half = z * std::sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace qosim::models
