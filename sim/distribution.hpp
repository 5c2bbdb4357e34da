// Probability distributions named in SPEC §2, sampled with portable algorithms.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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

/// A parameter that breaks its rule, thrown by the factories: what() is "<param> <problem>"
/// ("sd must be >= 0, got -0.2"); param() is the name as written in scenarios ("sd") or an
/// element or aggregate of one ("values[3]", "sum of weights"), problem() the rest. Readers
/// place the problem at the parameter from these fields, not by parsing what().
class ParamError : public std::invalid_argument {
public:
    ParamError(std::string param, std::string problem)
        : std::invalid_argument(param + " " + problem),
          param_(std::move(param)),
          problem_(std::move(problem)) {}
    [[nodiscard]] const std::string& param() const { return param_; }
    [[nodiscard]] const std::string& problem() const { return problem_; }

private:
    std::string param_;
    std::string problem_;
};

/// One distribution family as a scenario writes it: the one table of families, which the
/// scenario schema (help, `check --help`, JSON schema), the reader and to_string iterate.
struct DistributionFamily {
    DistKind kind;
    std::string_view name;                   ///< the `dist:` value (fixed by SPEC §2)
    std::array<std::string_view, 3> params;  ///< parameter keys (unused slots empty)
    bool one_of = false;                     ///< exactly one of `params` (exponential)
    std::string_view help;
};

/// Every family, in SPEC §2 order.
[[nodiscard]] std::span<const DistributionFamily> distribution_families();

/// The family called `name`, or null.
[[nodiscard]] const DistributionFamily* find_distribution_family(std::string_view name);

/// Name of a kind as written in scenarios ("exponential").
std::string_view to_string(DistKind kind);

/// A validated, immutable distribution: plain data, cheap to copy, sampled without allocation.
///
/// Parameters are checked once by the factory functions (they throw ParamError, a
/// std::invalid_argument naming the parameter and the rule); sample() never checks again. Every
/// algorithm is our own (the standard library's <random> distributions differ between
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

    /// P(X <= x), the distribution function of what sample() draws (normal: of the law
    /// truncated at 0). Closed forms except gamma and erlang (the regularised incomplete
    /// gamma function, by series or continued fraction, relative error ~1e-14). Monotone in x,
    /// 0 below the support, 1 at or above its top.
    [[nodiscard]] double cdf(double x) const;

    /// A point at or above which at most `tail` of the mass lies: P(X > upper(tail)) <= tail
    /// (the top of the support when it is bounded). For static bounds that cut a grid.
    [[nodiscard]] double upper(double tail) const;

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
