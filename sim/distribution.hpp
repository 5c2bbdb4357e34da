// Probability distributions named in SPEC §2, sampled with portable algorithms.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/random.hpp"

namespace qosim::sim {

/// Distribution kinds; names are the scenario's `dist:` values (fixed by SPEC §2).
enum class DistKind : std::uint8_t {
    constant,     ///< value
    exponential,  ///< mean (or rate = 1/mean)
    uniform,      ///< min, max
    triangular,   ///< min, mode, max
    normal,       ///< mean, sd; truncated at 0 by rejection
    lognormal,    ///< mean, sd of the distribution itself (not of log X)
    gamma,        ///< shape, scale
    erlang,       ///< k, mean (of the whole sum)
    weibull,      ///< shape, scale
    empirical,    ///< values, weights (discrete)
};

/// Name of a kind as written in scenarios ("exponential").
std::string_view to_string(DistKind kind);

/// A validated, immutable distribution: plain data, cheap to copy, sampled without allocation.
///
/// Parameters are checked once by the factory functions (they throw std::invalid_argument with
/// a message naming the parameter and the rule); sample() never checks again. Every algorithm
/// is our own (the standard library's <random> distributions differ between
/// implementations), so a seed gives the same numbers on every platform.
class Distribution {
public:
    /// Constant 0 (a placeholder for "not set").
    Distribution() = default;

    static Distribution constant(double value);                           // value >= 0
    static Distribution exponential(double mean);                         // mean > 0
    static Distribution uniform(double min, double max);                  // 0 <= min <= max
    static Distribution triangular(double min, double mode, double max);  // min<=mode<=max, min>=0
    static Distribution normal(double mean, double sd);       // mean >= 0, sd >= 0; truncated at 0
    static Distribution lognormal(double mean, double sd);    // mean > 0, sd >= 0
    static Distribution gamma(double shape, double scale);    // shape > 0, scale > 0
    static Distribution erlang(int k, double mean);           // k >= 1, mean > 0
    static Distribution weibull(double shape, double scale);  // shape > 0, scale > 0
    static Distribution empirical(std::vector<double> values, std::vector<double> weights);
    // values >= 0, weights >= 0, sum > 0

    /// One draw (>= 0). Cost: O(1) except empirical (O(log n)) and rejection loops
    /// (normal truncation, gamma) whose expected iteration count is bounded.
    /// constant consumes no draw from `rng`; every other kind consumes at least one.
    double sample(RandomStream& rng) const;

    /// The distribution's mean (exact, closed form; for normal, of the truncated law).
    [[nodiscard]] double mean() const;

    /// Squared coefficient of variation Var/mean^2 (used by static analysis, M/G/1 checks).
    [[nodiscard]] double scv() const;

    [[nodiscard]] DistKind kind() const { return kind_; }

    /// Returns this distribution with every draw multiplied by `factor` (> 0).
    [[nodiscard]] Distribution scaled(double factor) const;

private:
    DistKind kind_ = DistKind::constant;
    double a_ = 0, b_ = 0, c_ = 0;  // kind-specific precomputed parameters
    int k_ = 0;
    std::vector<double> values_;      // empirical only
    std::vector<double> cumulative_;  // empirical only: cumulative normalised weights
};

}  // namespace qosim::sim
