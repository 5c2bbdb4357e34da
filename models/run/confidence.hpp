// Confidence intervals computed from raw counts: the survey's Wilson score interval.
#pragma once

#include <cstdint>

namespace qosim::models {

/// The standard normal quantile at 0.975: a two-sided 95 % interval.
inline constexpr double kZ95 = 1.959963984540054;

/// A closed interval [low, high] of a proportion (a share, in [0, 1]).
struct ProportionInterval {
    double low = 0.0;
    double high = 0.0;
};

/// Wilson score interval (Wilson 1927) of the proportion successes / n at normal quantile z
/// (kZ95 for 95 %). With p = successes / n and k = z^2 / n:
///   centre = (p + k/2) / (1 + k),  half = z sqrt(p (1-p) / n + k / (4n)) / (1 + k),
/// clamped to [0, 1] against rounding. Precondition: 0 <= successes <= n, n > 0.
ProportionInterval wilson_interval(std::uint64_t successes, std::uint64_t n, double z);

}  // namespace qosim::models
