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

/// The 95 % confidence interval of a mean over independent replications.
struct MeanInterval {
    double low = 0.0;
    double high = 0.0;
    double half_width = 0.0;  ///< t(0.975, n-1) sd / sqrt(n), before any clipping
};

/// Student-t 95 % interval of the mean of n >= 2 replication values with sample standard
/// deviation sd: mean ± t_half_width95(sd, n). For a share (every value in [0, 1]: a rate,
/// a utilisation) the interval is clipped to [0, 1], because the symmetric t interval of a
/// rate with few events reaches below 0 (or above 1 near 1), where the rate cannot be; so
/// every replication at 0 gives [0, 0]. Clipping rather than a Wilson interval on the counts
/// pooled over replications: orders of one replication are not independent (they share
/// queues), so the replication means are the independent observations, and the pooled
/// binomial interval would be too narrow. A target judged on the clipped interval reaches
/// the same verdict as on the unclipped one for any bound inside [0, 1], except that a bound
/// at 0 or 1 itself is met instead of undecided.
MeanInterval mean_interval95(double mean, double sd, std::size_t n, bool is_share);

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
