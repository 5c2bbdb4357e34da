// Confidence intervals: Student t over replication means, and the survey's Wilson score
// interval from raw counts. The one place each formula is written.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qosim::models {

/// The standard normal quantile at 0.975: a two-sided 95 % interval.
inline constexpr double kZ95 = 1.959963984540054;

/// The p-quantile of Student's t with `df` degrees of freedom (Boost.Math), df > 0.
[[nodiscard]] double student_t_quantile(double df, double p);

/// Half-width of the two-sided 95 % Student-t interval of a mean of n >= 2 observations with
/// sample standard deviation sd: t(0.975, n-1) sd / sqrt(n).
[[nodiscard]] double t_half_width95(double sd, std::size_t n);

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
