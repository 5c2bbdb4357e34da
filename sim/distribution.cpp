// Distribution factories (parameter validation), portable samplers and closed-form moments.
#include "sim/distribution.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <utility>

#include "sim/number_text.hpp"
#include "sim/portable_log.hpp"

namespace qosim::sim {

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Throws ParamError("<name>", "must be <rule>, got <value>") unless `ok`.
void require(bool ok, std::string_view name, std::string_view rule, double value) {
    if (ok) return;
    std::string problem = "must be ";
    problem += rule;
    problem += ", got ";
    problem += format_number(value);
    throw ParamError(std::string(name), std::move(problem));
}

/// "values[3]": the name of one element of a list parameter.
std::string indexed(std::string_view base, std::size_t i) {
    std::string s(base);
    s += '[';
    s += std::to_string(i);
    s += ']';
    return s;
}

// Each check is written so that NaN fails it (comparisons with NaN are false).
void require_finite_nonneg(std::string_view name, double x) {
    require(std::isfinite(x), name, "finite", x);
    require(x >= 0, name, ">= 0", x);
}
void require_finite_pos(std::string_view name, double x) {
    require(std::isfinite(x), name, "finite", x);
    require(x > 0, name, "> 0", x);
}

/// Standard normal by Marsaglia's polar method (Marsaglia & Bray 1964): draw (u1, u2)
/// uniformly in the square [-1, 1)^2 until it falls strictly inside the unit disc (probability
/// pi/4), then u1 * sqrt(-2 ln s / s) is N(0, 1). The second variate of the pair (u2 * ...) is
/// discarded so that sample() stays stateless and const; expected cost 8/pi ~ 2.55 uniforms.
double standard_normal(RandomStream& rng) {
    for (;;) {
        const double u1 = 2.0 * rng.uniform01() - 1.0;
        const double u2 = 2.0 * rng.uniform01() - 1.0;
        const double s = u1 * u1 + u2 * u2;
        if (s < 1.0 && s > 0.0) return u1 * std::sqrt(-2.0 * portable_log(s) / s);
    }
}

/// The Marsaglia & Tsang constant c = 1/sqrt(9 d), d = shape' - 1/3, where shape' = shape, or
/// shape + 1 when shape < 1 (the boost below).
double marsaglia_tsang_c(double shape) {
    const double s = shape < 1.0 ? shape + 1.0 : shape;
    return 1.0 / std::sqrt(9.0 * (s - 1.0 / 3.0));
}

/// Gamma(shape, scale) by Marsaglia & Tsang, "A simple method for generating gamma variables"
/// (ACM TOMS 26(3), 2000): for shape >= 1, with d = shape - 1/3 and c = 1/sqrt(9d), draw
/// Z ~ N(0,1), v = (1 + cZ)^3, accept d*v when v > 0 and U < 1 - 0.0331 Z^4 (squeeze) or
/// ln U < Z^2/2 + d(1 - v + ln v). Acceptance >= 0.95 for every shape >= 1. For shape < 1,
/// Gamma(shape) = Gamma(shape + 1) * U^(1/shape) (their section 6), U drawn after the loop.
double gamma_draw(RandomStream& rng, double shape, double c, double scale) {
    const bool boost = shape < 1.0;
    const double d = (boost ? shape + 1.0 : shape) - 1.0 / 3.0;
    double g = 0.0;
    for (;;) {
        const double z = standard_normal(rng);
        double v = 1.0 + c * z;
        if (v <= 0.0) continue;
        v = v * v * v;
        const double u = rng.uniform_open01();
        const double z2 = z * z;
        if (u < 1.0 - 0.0331 * z2 * z2 ||
            portable_log(u) < 0.5 * z2 + d * (1.0 - v + portable_log(v))) {
            g = d * v;
            break;
        }
    }
    if (boost) g *= std::pow(rng.uniform_open01(), 1.0 / shape);
    return g * scale;
}

}  // namespace

namespace {

// The families, in SPEC §2 order (the order `check --help` lists them in).
constexpr std::array kFamilies{
    DistributionFamily{DistKind::exponential,
                       "exponential",
                       {"mean", "rate"},
                       true,
                       "mean, or rate = 1/mean (exactly one)"},
    DistributionFamily{DistKind::constant,
                       "constant",
                       {"value"},
                       false,
                       "always `value` (a bare number means the same)"},
    DistributionFamily{
        DistKind::uniform, "uniform", {"min", "max"}, false, "uniform on [min, max]"},
    DistributionFamily{DistKind::triangular,
                       "triangular",
                       {"min", "mode", "max"},
                       false,
                       "triangular on [min, max] peaking at mode"},
    DistributionFamily{DistKind::normal, "normal", {"mean", "sd"}, false, "normal, truncated at 0"},
    DistributionFamily{DistKind::lognormal,
                       "lognormal",
                       {"mean", "sd"},
                       false,
                       "lognormal with this mean and sd (of the distribution itself)"},
    DistributionFamily{
        DistKind::gamma, "gamma", {"shape", "scale"}, false, "gamma; mean = shape x scale"},
    DistributionFamily{DistKind::erlang,
                       "erlang",
                       {"k", "mean"},
                       false,
                       "sum of k exponential phases with total mean `mean` (k integer >= 1)"},
    DistributionFamily{DistKind::weibull, "weibull", {"shape", "scale"}, false, "Weibull"},
    DistributionFamily{DistKind::empirical,
                       "empirical",
                       {"values", "weights"},
                       false,
                       "one of `values` (a list) drawn with `weights` (a list, same length)"},
};

}  // namespace

std::span<const DistributionFamily> distribution_families() { return kFamilies; }

const DistributionFamily* find_distribution_family(std::string_view name) {
    for (const auto& f : kFamilies)
        if (f.name == name) return &f;
    return nullptr;
}

std::string_view to_string(DistKind kind) {
    for (const auto& f : kFamilies)
        if (f.kind == kind) return f.name;
    return "unknown";
}

// Parameter layout per kind (a_, b_, c_, k_):
//   constant     value, -, -, -
//   exponential  mean, -, -, -
//   uniform      min, max, -, -
//   triangular   min, mode, max, -
//   normal       mean mu and sd of the untruncated normal, -, -
//   lognormal    mu, sigma of ln X, mean of X, -
//   gamma        shape, scale, Marsaglia-Tsang c, -
//   erlang       mean, scale = mean/k, Marsaglia-Tsang c, k
//   weibull      shape, scale, 1/shape, -
//   empirical    -, -, -, - ; values_ and cumulative_

Distribution Distribution::constant(double value) {
    require_finite_nonneg("value", value);
    Distribution d;
    d.kind_ = DistKind::constant;
    d.a_ = value;
    return d;
}

Distribution Distribution::exponential(double mean) {
    require_finite_pos("mean", mean);
    Distribution d;
    d.kind_ = DistKind::exponential;
    d.a_ = mean;
    return d;
}

Distribution Distribution::uniform(double min, double max) {
    require_finite_nonneg("min", min);
    require(std::isfinite(max), "max", "finite", max);
    require(max >= min, "max", ">= min (" + format_number(min) + ")", max);
    Distribution d;
    d.kind_ = DistKind::uniform;
    d.a_ = min;
    d.b_ = max;
    return d;
}

Distribution Distribution::triangular(double min, double mode, double max) {
    require_finite_nonneg("min", min);
    require(std::isfinite(max), "max", "finite", max);
    require(max >= min, "max", ">= min (" + format_number(min) + ")", max);
    require(mode >= min && mode <= max, "mode",
            "in [min, max] = [" + format_number(min) + ", " + format_number(max) + "]", mode);
    Distribution d;
    d.kind_ = DistKind::triangular;
    d.a_ = min;
    d.b_ = mode;
    d.c_ = max;
    return d;
}

// Truncation at 0 is done by rejection. We require mean >= 0: then P(X >= 0) >= 1/2, so the
// loop takes at most 2 normal draws on average, whatever sd is. (A negative mean would make
// the acceptance probability Phi(mean/sd) arbitrarily small, and for a duration it is almost
// certainly a typo.)
Distribution Distribution::normal(double mean, double sd) {
    require_finite_nonneg("mean", mean);
    require_finite_nonneg("sd", sd);
    Distribution d;
    d.kind_ = DistKind::normal;
    d.a_ = mean;
    d.b_ = sd;
    return d;
}

// mean and sd are those of X itself; for ln X ~ N(mu, sigma^2):
//   sigma^2 = ln(1 + sd^2/mean^2),  mu = ln(mean) - sigma^2/2.
Distribution Distribution::lognormal(double mean, double sd) {
    require_finite_pos("mean", mean);
    require_finite_nonneg("sd", sd);
    const double cv = sd / mean;
    const double sigma2 = std::log1p(cv * cv);
    require(std::isfinite(sigma2), "sd", "finite relative to mean", sd);
    Distribution d;
    d.kind_ = DistKind::lognormal;
    d.a_ = std::log(mean) - 0.5 * sigma2;
    d.b_ = std::sqrt(sigma2);
    d.c_ = mean;
    return d;
}

Distribution Distribution::gamma(double shape, double scale) {
    require_finite_pos("shape", shape);
    require_finite_pos("scale", scale);
    Distribution d;
    d.kind_ = DistKind::gamma;
    d.a_ = shape;
    d.b_ = scale;
    d.c_ = marsaglia_tsang_c(shape);
    return d;
}

// Erlang(k, mean) is Gamma(k, mean/k), sampled by the same exact method (a sum of k
// exponentials would cost k logarithms, or underflow if done as a product of uniforms).
Distribution Distribution::erlang(int k, double mean) {
    require(k >= 1, "k", ">= 1", static_cast<double>(k));
    require_finite_pos("mean", mean);
    Distribution d;
    d.kind_ = DistKind::erlang;
    d.a_ = mean;
    d.b_ = mean / static_cast<double>(k);
    d.c_ = marsaglia_tsang_c(static_cast<double>(k));
    d.k_ = k;
    return d;
}

Distribution Distribution::weibull(double shape, double scale) {
    require_finite_pos("shape", shape);
    require_finite_pos("scale", scale);
    Distribution d;
    d.kind_ = DistKind::weibull;
    d.a_ = shape;
    d.b_ = scale;
    d.c_ = 1.0 / shape;
    return d;
}

Distribution Distribution::empirical(std::vector<double> values, std::vector<double> weights) {
    if (values.empty()) throw ParamError("values", "must not be empty");
    if (weights.size() != values.size())
        throw ParamError("weights", "must have as many entries as values (" +
                                        std::to_string(values.size()) + "), got " +
                                        std::to_string(weights.size()));
    double total = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        require_finite_nonneg(indexed("values", i), values[i]);
        require_finite_nonneg(indexed("weights", i), weights[i]);
        total += weights[i];
    }
    require(std::isfinite(total) && total > 0, "sum of weights", "finite and > 0", total);
    Distribution d;
    d.kind_ = DistKind::empirical;
    d.cumulative_.resize(weights.size());
    double run = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        run += weights[i];
        d.cumulative_[i] = run / total;
    }
    // The last positive-weight entry ends at exactly 1, so a uniform on [0, 1) always finds
    // an index and trailing zero-weight values are never chosen.
    for (std::size_t i = weights.size(); i-- > 0;) {
        d.cumulative_[i] = 1.0;
        if (weights[i] > 0) break;
    }
    d.values_ = std::move(values);
    return d;
}

double Distribution::sample(RandomStream& rng) const {
    switch (kind_) {
    case DistKind::constant:
        // Consumes no draw: a constant stage keeps its stream untouched.
        return a_;
    case DistKind::exponential:
        // Inversion: mean * (-ln U), U in (0, 1), with our own ln (same bits everywhere).
        return a_ * rng.standard_exponential();
    case DistKind::uniform: return a_ + (b_ - a_) * rng.uniform01();
    case DistKind::triangular: {
        // Inverse CDF: F(x) = (x-a)^2 / ((c-a)(b-a)) for x <= mode b, and
        // 1 - (c-x)^2 / ((c-a)(c-b)) above; one uniform per draw.
        const double u = rng.uniform01();
        const double width = c_ - a_;
        if (width <= 0.0) return a_;
        if (u * width < b_ - a_) return a_ + std::sqrt(u * width * (b_ - a_));
        return c_ - std::sqrt((1.0 - u) * width * (c_ - b_));
    }
    case DistKind::normal:
        // N(mu, sd^2) conditioned on X >= 0, by rejection (expected <= 2 tries, mu >= 0).
        for (;;) {
            const double x = a_ + b_ * standard_normal(rng);
            if (x >= 0.0) return x;
        }
    case DistKind::lognormal: return std::exp(a_ + b_ * standard_normal(rng));
    case DistKind::gamma: return gamma_draw(rng, a_, c_, b_);
    case DistKind::erlang: return gamma_draw(rng, static_cast<double>(k_), c_, b_);
    case DistKind::weibull:
        // Inversion: scale * (-ln U)^(1/shape), U in (0, 1).
        return b_ * std::pow(rng.standard_exponential(), c_);
    case DistKind::empirical: {
        // Inversion of the discrete CDF: the first cumulative weight strictly above U.
        const double u = rng.uniform01();
        const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
        return values_[static_cast<std::size_t>(it - cumulative_.begin())];
    }
    }
    return 0.0;
}

namespace {

/// Moments of N(mu, sd^2) truncated to [0, inf): with a = -mu/sd, Z = 1 - Phi(a) and
/// lambda = phi(a)/Z (the inverse Mills ratio),
///   mean = mu + sd lambda,  var = sd^2 (1 + a lambda - lambda^2).
/// mu >= 0 gives a <= 0 and Z >= 1/2: no cancellation in erfc.
std::pair<double, double> truncated_normal_moments(double mu, double sd) {
    if (sd == 0.0) return {mu, 0.0};
    const double a = -mu / sd;
    const double phi = std::exp(-0.5 * a * a) / std::sqrt(2.0 * kPi);
    const double tail = 0.5 * std::erfc(a / std::sqrt(2.0));
    const double lambda = phi / tail;
    return {mu + sd * lambda, sd * sd * (1.0 + a * lambda - lambda * lambda)};
}

/// var / mean^2, defined as 0 for a law concentrated at 0.
double ratio(double var, double mean) { return mean == 0.0 ? 0.0 : var / (mean * mean); }

}  // namespace

double Distribution::mean() const {
    switch (kind_) {
    case DistKind::constant: return a_;
    case DistKind::exponential: return a_;
    case DistKind::uniform: return 0.5 * (a_ + b_);
    case DistKind::triangular: return (a_ + b_ + c_) / 3.0;
    case DistKind::normal: return truncated_normal_moments(a_, b_).first;
    case DistKind::lognormal: return c_;
    case DistKind::gamma: return a_ * b_;
    case DistKind::erlang: return a_;
    case DistKind::weibull: return b_ * std::tgamma(1.0 + c_);  // scale Gamma(1 + 1/k)
    case DistKind::empirical: {
        double m = 0.0, prev = 0.0;
        for (std::size_t i = 0; i < values_.size(); ++i) {
            m += (cumulative_[i] - prev) * values_[i];
            prev = cumulative_[i];
        }
        return m;
    }
    }
    return 0.0;
}

double Distribution::scv() const {
    switch (kind_) {
    case DistKind::constant: return 0.0;
    case DistKind::exponential: return 1.0;
    case DistKind::uniform: {
        const double w = b_ - a_;
        return ratio(w * w / 12.0, mean());
    }
    case DistKind::triangular: {
        const double var = (a_ * a_ + b_ * b_ + c_ * c_ - a_ * b_ - a_ * c_ - b_ * c_) / 18.0;
        return ratio(var, mean());
    }
    case DistKind::normal: {
        const auto [m, var] = truncated_normal_moments(a_, b_);
        return ratio(var, m);
    }
    case DistKind::lognormal: return std::expm1(b_ * b_);  // = sd^2 / mean^2
    case DistKind::gamma: return 1.0 / a_;
    case DistKind::erlang: return 1.0 / static_cast<double>(k_);
    case DistKind::weibull: {
        // Gamma(1 + 2/k) / Gamma(1 + 1/k)^2 - 1, in logs to delay overflow for small k.
        return std::expm1(std::lgamma(1.0 + 2.0 * c_) - 2.0 * std::lgamma(1.0 + c_));
    }
    case DistKind::empirical: {
        const double m = mean();
        double var = 0.0, prev = 0.0;
        for (std::size_t i = 0; i < values_.size(); ++i) {
            const double dev = values_[i] - m;
            var += (cumulative_[i] - prev) * dev * dev;
            prev = cumulative_[i];
        }
        return ratio(var, m);
    }
    }
    return 0.0;
}

namespace {

/// Phi(z), the standard normal distribution function, from erfc (accurate in both tails).
double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// The regularised lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), a > 0,
/// x >= 0: the series sum x^n / (a (a+1) ... (a+n)) for x < a + 1, else 1 - Q(a, x) with Q by
/// Legendre's continued fraction evaluated by the modified Lentz method (Numerical Recipes,
/// 2nd ed., section 6.2). Both converge to double precision in O(sqrt(a)) terms.
double regularized_gamma_p(double a, double x) {
    if (!(x > 0.0)) return 0.0;
    if (std::isinf(x)) return 1.0;
    const double log_prefix = a * std::log(x) - x - std::lgamma(a);
    constexpr int kMaxTerms = 100000;
    constexpr double kEps = 1e-16;
    if (x < a + 1.0) {
        double term = 1.0 / a;
        double sum = term;
        for (int n = 1; n < kMaxTerms; ++n) {
            term *= x / (a + n);
            sum += term;
            if (std::fabs(term) < std::fabs(sum) * kEps) break;
        }
        return std::min(1.0, sum * std::exp(log_prefix));
    }
    constexpr double kTiny = 1e-300;
    double b = x + 1.0 - a;
    double c = 1.0 / kTiny;
    double d = 1.0 / b;
    double h = d;
    for (int i = 1; i < kMaxTerms; ++i) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = b + an / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::fabs(delta - 1.0) < kEps) break;
    }
    return std::max(0.0, 1.0 - std::exp(log_prefix) * h);
}

}  // namespace

double Distribution::cdf(double x) const {
    if (std::isnan(x)) return 0.0;
    switch (kind_) {
    case DistKind::constant: return x >= a_ ? 1.0 : 0.0;
    case DistKind::exponential: return x <= 0.0 ? 0.0 : -std::expm1(-x / a_);
    case DistKind::uniform:
        if (x >= b_) return 1.0;
        if (x < a_) return 0.0;
        return (x - a_) / (b_ - a_);
    case DistKind::triangular: {
        // (x-a)^2 / ((c-a)(b-a)) up to the mode b, 1 - (c-x)^2 / ((c-a)(c-b)) above.
        if (x >= c_) return 1.0;
        if (x < a_) return 0.0;
        const double width = c_ - a_;
        if (x <= b_) return (x - a_) * (x - a_) / (width * (b_ - a_));
        return 1.0 - (c_ - x) * (c_ - x) / (width * (c_ - b_));
    }
    case DistKind::normal: {
        // N(mu, sd^2) conditioned on X >= 0: (Phi((x-mu)/sd) - Phi(-mu/sd)) / (1 - Phi(-mu/sd)).
        if (x < 0.0) return 0.0;
        if (b_ == 0.0) return x >= a_ ? 1.0 : 0.0;
        const double below0 = standard_normal_cdf(-a_ / b_);
        const double num = standard_normal_cdf((x - a_) / b_) - below0;
        return std::clamp(num / (1.0 - below0), 0.0, 1.0);
    }
    case DistKind::lognormal:
        if (x <= 0.0) return 0.0;
        if (b_ == 0.0) return x >= c_ ? 1.0 : 0.0;
        return standard_normal_cdf((std::log(x) - a_) / b_);
    case DistKind::gamma: return regularized_gamma_p(a_, x / b_);
    case DistKind::erlang: return regularized_gamma_p(static_cast<double>(k_), x / b_);
    case DistKind::weibull: return x <= 0.0 ? 0.0 : -std::expm1(-std::pow(x / b_, a_));
    case DistKind::empirical: {
        double p = 0.0, prev = 0.0;
        for (std::size_t i = 0; i < values_.size(); ++i) {
            if (values_[i] <= x) p += cumulative_[i] - prev;
            prev = cumulative_[i];
        }
        return std::min(1.0, p);
    }
    }
    return 0.0;
}

double Distribution::upper(double tail) const {
    switch (kind_) {
    case DistKind::constant: return a_;
    case DistKind::uniform: return b_;
    case DistKind::triangular: return c_;
    case DistKind::empirical: {
        double top = 0.0, prev = 0.0;
        for (std::size_t i = 0; i < values_.size(); ++i) {
            if (cumulative_[i] > prev) top = std::max(top, values_[i]);
            prev = cumulative_[i];
        }
        return top;
    }
    default: break;
    }
    // Unbounded: double from the mean until the tail is small enough (the survival function
    // decreases, so the first such point works).
    double x = std::max(mean(), 1e-300);
    for (int i = 0; i < 2000 && 1.0 - cdf(x) > tail; ++i) x *= 2.0;
    return x;
}

Distribution Distribution::scaled(double factor) const {
    require_finite_pos("factor", factor);
    switch (kind_) {
    case DistKind::constant: return constant(a_ * factor);
    case DistKind::exponential: return exponential(a_ * factor);
    case DistKind::uniform: return uniform(a_ * factor, b_ * factor);
    case DistKind::triangular: return triangular(a_ * factor, b_ * factor, c_ * factor);
    case DistKind::normal: return normal(a_ * factor, b_ * factor);  // truncation commutes
    case DistKind::lognormal: {
        // c X is lognormal with mu + ln c and the same sigma.
        require(std::isfinite(c_ * factor), "mean", "finite", c_ * factor);
        Distribution d = *this;
        d.a_ = a_ + std::log(factor);
        d.c_ = c_ * factor;
        return d;
    }
    case DistKind::gamma: return gamma(a_, b_ * factor);
    case DistKind::erlang: return erlang(k_, a_ * factor);
    case DistKind::weibull: return weibull(a_, b_ * factor);
    case DistKind::empirical: {
        Distribution d = *this;
        for (double& v : d.values_) {
            v *= factor;
            require(std::isfinite(v), "values", "finite", v);
        }
        return d;
    }
    }
    return *this;
}

}  // namespace qosim::sim
