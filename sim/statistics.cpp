// Tally (Welford/Chan), TimeWeighted and QuantileSketch (bucketed by the bits of the double).
#include "sim/statistics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/number_text.hpp"

namespace qosim::sim {

// --- Tally ----------------------------------------------------------------------------------

// Chan, Golub & LeVeque (1979): combine (n, mean, M2) of two disjoint samples.
void Tally::merge(const Tally& other) {
    if (other.n_ == 0) return;
    if (n_ == 0) {
        *this = other;
        return;
    }
    const double na = static_cast<double>(n_);
    const double nb = static_cast<double>(other.n_);
    const double n = na + nb;
    const double delta = other.mean_ - mean_;
    mean_ += delta * (nb / n);
    m2_ += other.m2_ + delta * delta * (na * nb / n);
    n_ += other.n_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

double Tally::variance() const { return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1); }

double Tally::sd() const { return std::sqrt(variance()); }

double Tally::min() const { return n_ ? min_ : 0.0; }

double Tally::max() const { return n_ ? max_ : 0.0; }

// --- TimeWeighted ---------------------------------------------------------------------------

void TimeWeighted::reset(double t, double v) {
    start_ = t;
    last_t_ = t;
    value_ = v;
    area_ = 0.0;
}

double TimeWeighted::mean(double t_end) const {
    const double span = t_end - start_;
    if (!(span > 0.0)) return value_;  // zero-length window: the current value
    return area(t_end) / span;
}

// --- QuantileSketch -------------------------------------------------------------------------

namespace {

constexpr int kDoubleMantissaBits = 52;

}  // namespace

QuantileSketch::QuantileSketch(double alpha, double min_value)
    : alpha_(alpha), min_value_(min_value) {
    if (!(alpha > 0.0 && alpha < 1.0))
        throw std::invalid_argument("alpha must be in (0, 1), got " + format_number(alpha));
    if (!(min_value >= std::numeric_limits<double>::min() && std::isfinite(min_value)))
        throw std::invalid_argument("min_value must be a normal number > 0, got " +
                                    format_number(min_value));
    // The narrowest bucket width that keeps the bound: 1 + 2^-M <= gamma. With all 52 bits
    // a bucket holds one double and the sketch is exact.
    const double gamma = (1.0 + alpha) / (1.0 - alpha);
    while (mantissa_bits_ < kDoubleMantissaBits && 1.0 + std::ldexp(1.0, -mantissa_bits_) > gamma)
        ++mantissa_bits_;
    shift_ = kDoubleMantissaBits - mantissa_bits_;
}

void QuantileSketch::add_outside(std::int64_t key) {
    if (counts_.empty()) {
        offset_ = key;
        counts_.push_back(0);
    } else if (key < offset_) {
        counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - key), 0);
        offset_ = key;
    } else {
        counts_.resize(static_cast<std::size_t>(key - offset_) + 1, 0);
    }
    ++counts_[static_cast<std::size_t>(key - offset_)];
}

// Bucket [lo, hi) with lo = 2^e (1 + j/2^M), hi = 2^e (1 + (j+1)/2^M): its representative
// 2 lo hi/(lo + hi) = lo * 2 (2^M + j + 1) / (2 (2^M + j) + 1), written so nothing overflows
// before the final product. The bucket of +infinity reports infinity.
double QuantileSketch::representative(std::int64_t key) const {
    const double lo = std::bit_cast<double>(static_cast<std::uint64_t>(key) << shift_);
    if (!std::isfinite(lo) || shift_ == 0) return lo;  // infinity; one double per bucket
    const std::int64_t one = std::int64_t{1} << mantissa_bits_;
    const double j = static_cast<double>(key & (one - 1));
    const double m = static_cast<double>(one);
    return lo * (2.0 * (m + j + 1.0) / (2.0 * (m + j) + 1.0));
}

void QuantileSketch::merge(const QuantileSketch& other) {
    if (other.alpha_ != alpha_ || other.min_value_ != min_value_)
        throw std::invalid_argument(
            "cannot merge quantile sketches with different alpha or "
            "min_value");
    n_ += other.n_;
    zero_count_ += other.zero_count_;
    if (other.counts_.empty()) return;
    if (counts_.empty()) {
        offset_ = other.offset_;
        counts_ = other.counts_;
        return;
    }
    const std::int64_t lo = std::min(offset_, other.offset_);
    const std::int64_t hi =
        std::max(offset_ + static_cast<std::int64_t>(counts_.size()),
                 other.offset_ + static_cast<std::int64_t>(other.counts_.size()));
    if (lo < offset_) counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - lo), 0);
    offset_ = lo;
    counts_.resize(static_cast<std::size_t>(hi - lo), 0);
    const auto shift = static_cast<std::size_t>(other.offset_ - lo);
    for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[shift + i] += other.counts_[i];
}

void QuantileSketch::reset() {
    n_ = 0;
    zero_count_ = 0;
    offset_ = 0;
    counts_.clear();
}

// Rank convention (see the header): the r-th smallest observation, r = ceil(q n) in [1, n].
double QuantileSketch::quantile(double q) const {
    if (n_ == 0) return 0.0;
    const double rank = std::ceil(q * static_cast<double>(n_));
    std::uint64_t r = 1;
    if (rank >= static_cast<double>(n_))
        r = n_;
    else if (rank > 1.0)
        r = static_cast<std::uint64_t>(rank);
    std::uint64_t seen = zero_count_;
    if (seen >= r) return 0.0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= r) return representative(offset_ + static_cast<std::int64_t>(i));
    }
    // unreachable: counts sum to n - zero_count
    return representative(offset_ + static_cast<std::int64_t>(counts_.size()) - 1);
}

}  // namespace qosim::sim
