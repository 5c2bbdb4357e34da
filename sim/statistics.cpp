// Tally (Welford/Chan), TimeWeighted and QuantileSketch (log-bucketed, DDSketch-style).
#include "sim/statistics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace qosim::sim {

// --- Tally ----------------------------------------------------------------------------------

// Welford (1962): running mean and sum of squared deviations, stable for large offsets.
void Tally::add(double x) {
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
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
}

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

// Bucket keys are clamped to this range before the cast to int32 (x = inf, or tiny alpha).
constexpr double kMaxKey = 1 << 30;

/// Shortest round-trip, locale-independent text of `x`.
std::string format_number(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

}  // namespace

QuantileSketch::QuantileSketch(double alpha, double min_value)
    : alpha_(alpha), gamma_(0.0), inv_log_gamma_(0.0), min_value_(min_value) {
    if (!(alpha > 0.0 && alpha < 1.0))
        throw std::invalid_argument("alpha must be in (0, 1), got " + format_number(alpha));
    if (!(min_value > 0.0 && std::isfinite(min_value)))
        throw std::invalid_argument("min_value must be > 0, got " + format_number(min_value));
    gamma_ = (1.0 + alpha) / (1.0 - alpha);
    inv_log_gamma_ = 1.0 / std::log(gamma_);
}

// Bucket k holds (gamma^(k-1), gamma^k]: k = ceil(ln x / ln gamma).
void QuantileSketch::add(double x) {
    ++n_;
    if (!(x >= min_value_)) {  // also negatives and NaN
        ++zero_count_;
        return;
    }
    const double k = std::clamp(std::ceil(std::log(x) * inv_log_gamma_), -kMaxKey, kMaxKey);
    const auto key = static_cast<std::int32_t>(k);
    if (counts_.empty()) {
        offset_ = key;
        counts_.push_back(0);
    } else if (key < offset_) {
        counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - key), 0);
        offset_ = key;
    } else if (key - offset_ >= static_cast<std::int32_t>(counts_.size())) {
        counts_.resize(static_cast<std::size_t>(key - offset_) + 1, 0);
    }
    ++counts_[static_cast<std::size_t>(key - offset_)];
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
    const std::int32_t lo = std::min(offset_, other.offset_);
    const std::int32_t hi =
        std::max(offset_ + static_cast<std::int32_t>(counts_.size()),
                 other.offset_ + static_cast<std::int32_t>(other.counts_.size()));
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
        if (seen >= r) {
            const double key = static_cast<double>(offset_) + static_cast<double>(i);
            return 2.0 * std::pow(gamma_, key) / (gamma_ + 1.0);
        }
    }
    return 2.0 *
           std::pow(gamma_,
                    static_cast<double>(offset_) + static_cast<double>(counts_.size()) - 1.0) /
           (gamma_ + 1.0);  // unreachable: counts sum to n - zero_count
}

}  // namespace qosim::sim
