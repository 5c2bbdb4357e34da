// Streaming, mergeable statistics: Welford tally, time-weighted average, quantile sketch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qosim::sim {

/// Mean, variance, min and max of a stream of observations in O(1) memory.
/// Welford's update; Chan, Golub & LeVeque's pairwise merge.
class Tally {
public:
    void add(double x);
    void merge(const Tally& other);
    void reset() { *this = Tally(); }

    [[nodiscard]] std::uint64_t count() const { return n_; }
    [[nodiscard]] double mean() const { return n_ ? mean_ : 0.0; }
    /// Sample variance (n-1 denominator); 0 when fewer than two observations.
    [[nodiscard]] double variance() const;
    [[nodiscard]] double sd() const;
    [[nodiscard]] double min() const;  ///< 0 when empty
    [[nodiscard]] double max() const;  ///< 0 when empty
    [[nodiscard]] double sum() const { return mean_ * static_cast<double>(n_); }

private:
    std::uint64_t n_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;
    double min_ = 0.0;
    double max_ = 0.0;
};

/// Time average of a piecewise-constant signal (queue length, busy servers, WIP).
/// Call update(t, v) whenever the value changes to v at time t (t non-decreasing).
class TimeWeighted {
public:
    /// Starts (or restarts, e.g. at the end of warm-up) integration at `t` with value `v`.
    void reset(double t, double v);
    /// The signal becomes `v` at time `t`.
    void update(double t, double v) {
        area_ += value_ * (t - last_t_);
        last_t_ = t;
        value_ = v;
    }
    /// Average over [start, t_end].
    [[nodiscard]] double mean(double t_end) const;
    /// Integral over [start, t_end].
    [[nodiscard]] double area(double t_end) const { return area_ + value_ * (t_end - last_t_); }
    [[nodiscard]] double current() const { return value_; }

private:
    double start_ = 0.0;
    double last_t_ = 0.0;
    double value_ = 0.0;
    double area_ = 0.0;
};

/// Quantiles of non-negative observations with a guaranteed relative error (a log-bucketed
/// histogram in the style of DDSketch, Masson, Rim & Lee 2019).
///
/// Bound: for any q, the returned value v satisfies |v - x_q| <= alpha * x_q (up to
/// floating-point rounding, ~1e-15 relative), where x_q is the exact q-quantile of the
/// observations: the r-th smallest, r = ceil(q*n) computed in double and clamped to [1, n]
/// (so q = 0 gives the minimum and q = 1 the maximum), provided x_q >= min_value.
/// Why it holds: bucket k holds (gamma^(k-1), gamma^k], gamma = (1+alpha)/(1-alpha), and is
/// reported as 2 gamma^k/(gamma+1), within alpha of every value in it; bucket keys are
/// monotone in x, so the bucket where the cumulative count first reaches r is the bucket of
/// the r-th smallest observation. Default alpha = 0.005 (0.5 %).
/// Values below `min_value` (default 1e-9; also negatives and NaN) count in a zero bucket and
/// are reported as 0. Memory: one counter per bucket between the smallest and largest
/// observation, ~ ln(max/min)/(2 alpha) counters (about 2,100 for nine decades at 0.5 %):
/// independent of the number of observations. Mergeable when alpha and min_value match.
class QuantileSketch {
public:
    /// alpha in (0, 1), min_value > 0; throws std::invalid_argument otherwise.
    explicit QuantileSketch(double alpha = 0.005, double min_value = 1e-9);

    void add(double x);
    /// Adds `other`'s observations; throws std::invalid_argument if alpha or min_value differ.
    void merge(const QuantileSketch& other);
    void reset();

    /// The q-quantile (q in [0, 1]); 0 when empty.
    [[nodiscard]] double quantile(double q) const;
    [[nodiscard]] std::uint64_t count() const { return n_; }
    [[nodiscard]] double relative_error() const { return alpha_; }
    /// Number of counters held (the memory bound above), excluding the zero bucket.
    [[nodiscard]] std::size_t bucket_count() const { return counts_.size(); }

    /// Same parameters and same counts in every bucket.
    bool operator==(const QuantileSketch& other) const = default;

private:
    double alpha_;
    double gamma_;
    double inv_log_gamma_;
    double min_value_;
    std::uint64_t n_ = 0;
    std::uint64_t zero_count_ = 0;
    std::int32_t offset_ = 0;            // bucket key of counts_[0]
    std::vector<std::uint64_t> counts_;  // contiguous keys offset_ .. offset_+size-1
};

}  // namespace qosim::sim
