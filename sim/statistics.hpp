// Streaming, mergeable statistics: Welford tally, time-weighted average, quantile sketch.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qosim::sim {

/// Mean, variance, min and max of a stream of observations in O(1) memory.
/// Welford's update; Chan, Golub & LeVeque's pairwise merge.
class Tally {
public:
    /// Welford (1962): running mean and sum of squared deviations, stable for large offsets.
    /// Inline: it runs several times per event.
    void add(double x) {
        ++n_;
        if (n_ == 1) {
            mean_ = x;
            m2_ = 0.0;
            min_ = max_ = x;
            return;
        }
        const double delta = x - mean_;
        mean_ += delta / static_cast<double>(n_);
        m2_ += delta * (x - mean_);
        min_ = x < min_ ? x : min_;  // std::min's choice on ties and NaN, without <algorithm>
        max_ = max_ < x ? x : max_;
    }
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

/// Quantiles of non-negative observations with a guaranteed relative error (a bucketed
/// histogram in the spirit of DDSketch, Masson, Rim & Lee 2019, indexed by the bits of the
/// double itself as in HdrHistogram, so an update needs no log, ceil or division).
///
/// Bound: for any q, the returned value v satisfies |v - x_q| <= alpha * x_q (up to
/// floating-point rounding, ~1e-15 relative), where x_q is the exact q-quantile of the
/// observations: the r-th smallest, r = ceil(q*n) computed in double and clamped to [1, n]
/// (so q = 0 gives the minimum and q = 1 the maximum), provided x_q >= min_value.
/// Why it holds: the key of x is its IEEE-754 bit pattern shifted right so that the exponent
/// and the top M mantissa bits remain, so a bucket is [lo, hi) with hi/lo = 1 + 1/(2^M + j)
/// <= 1 + 2^-M, where M is the smallest width with 1 + 2^-M <= gamma = (1+alpha)/(1-alpha);
/// it is reported as 2 lo hi/(lo+hi), within (hi-lo)/(hi+lo) <= alpha of every value in it.
/// Keys are monotone in x (positive doubles order like their bit patterns), so the bucket
/// where the cumulative count first reaches r is the bucket of the r-th smallest observation.
/// Default alpha = 0.005 (0.5 %, M = 7); qosim's runs use 0.1 % (M = 9).
/// Values below `min_value` (default 1e-9; also negatives and NaN) count in a zero bucket and
/// are reported as 0. Memory: one counter per bucket between the smallest and largest
/// observation, 2^M counters per doubling of the range (3,830 for nine decades at 0.5 %;
/// 540,000 = 4.3 MB for the whole range from 1e-9 to infinity at 0.1 %): independent of the
/// number of observations. Mergeable when alpha and min_value match.
class QuantileSketch {
public:
    /// alpha in (0, 1), min_value a normal double > 0; throws std::invalid_argument otherwise.
    explicit QuantileSketch(double alpha = 0.005, double min_value = 1e-9);

    void add(double x) {
        ++n_;
        if (!(x >= min_value_)) {  // also negatives and NaN
            ++zero_count_;
            return;
        }
        const std::int64_t key = key_of(x);
        const auto index = static_cast<std::uint64_t>(key - offset_);
        if (index < counts_.size()) {
            ++counts_[index];
            return;
        }
        add_outside(key);
    }
    /// Adds `other`'s observations; throws std::invalid_argument if alpha or min_value differ.
    void merge(const QuantileSketch& other);
    void reset();

    /// The q-quantile (q in [0, 1]); 0 when empty.
    [[nodiscard]] double quantile(double q) const;
    [[nodiscard]] std::uint64_t count() const { return n_; }
    [[nodiscard]] double relative_error() const { return alpha_; }
    /// Mantissa bits kept in a bucket key (M above).
    [[nodiscard]] int mantissa_bits() const { return mantissa_bits_; }
    /// Number of counters held (the memory bound above), excluding the zero bucket.
    [[nodiscard]] std::size_t bucket_count() const { return counts_.size(); }

    /// Same parameters and same counts in every bucket.
    bool operator==(const QuantileSketch& other) const = default;

private:
    [[nodiscard]] std::int64_t key_of(double x) const {
        return static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(x) >> shift_);
    }
    void add_outside(std::int64_t key);  // a key outside the counters held: grow, then count
    [[nodiscard]] double representative(std::int64_t key) const;

    double alpha_;
    double min_value_;
    int mantissa_bits_ = 0;
    int shift_ = 0;  // 52 - mantissa_bits_
    std::uint64_t n_ = 0;
    std::uint64_t zero_count_ = 0;
    std::int64_t offset_ = 0;            // bucket key of counts_[0]
    std::vector<std::uint64_t> counts_;  // contiguous keys offset_ .. offset_+size-1
};

}  // namespace qosim::sim
