// Tests for Distribution: known answers, moments vs theory, validation, empirical, scaled().
#include <array>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/distribution.hpp"
#include "sim/random.hpp"

using qosim::sim::DistKind;
using qosim::sim::Distribution;
using qosim::sim::RandomStream;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Raw moments E[X], E[X^2], E[X^3], E[X^4].
using RawMoments = std::array<double, 4>;

/// Raw moments of a density on [lo, hi] by composite Simpson with `n` (even) intervals,
/// normalised by the integral of the density itself (so `pdf` may be unnormalised).
RawMoments simpson_moments(const std::function<double(double)>& pdf, double lo, double hi,
                           int n = 20000) {
    const double h = (hi - lo) / n;
    std::array<double, 5> acc{};
    for (int i = 0; i <= n; ++i) {
        const double x = lo + h * i;
        const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        const double f = w * pdf(x);
        double xn = 1.0;
        for (double& a : acc) {
            a += f * xn;
            xn *= x;
        }
    }
    return {acc[1] / acc[0], acc[2] / acc[0], acc[3] / acc[0], acc[4] / acc[0]};
}

/// Adds moments of two disjoint pieces weighted by their probabilities.
RawMoments mix(const RawMoments& a, double pa, const RawMoments& b, double pb) {
    RawMoments m{};
    for (int i = 0; i < 4; ++i) m[i] = pa * a[i] + pb * b[i];
    return m;
}

struct Case {
    std::string label;
    Distribution dist;
    RawMoments raw;  // independent theoretical raw moments
    double rel;      // how exact `raw` is (closed form ~1e-12, Simpson looser)
};

RawMoments gamma_raw(double k, double theta) {
    // E[X^n] = theta^n k (k+1) ... (k+n-1)
    RawMoments m{};
    double prod = 1.0;
    for (int n = 1; n <= 4; ++n) {
        prod *= theta * (k + n - 1);
        m[n - 1] = prod;
    }
    return m;
}

RawMoments lognormal_raw(double mean, double sd) {
    // ln X ~ N(mu, s2) with E[X] = mean, Var X = sd^2; E[X^n] = exp(n mu + n^2 s2 / 2).
    const double s2 = std::log(1.0 + sd * sd / (mean * mean));
    const double mu = std::log(mean) - s2 / 2;
    RawMoments m{};
    for (int n = 1; n <= 4; ++n) m[n - 1] = std::exp(n * mu + n * n * s2 / 2);
    return m;
}

RawMoments weibull_raw(double k, double lambda) {
    RawMoments m{};  // E[X^n] = lambda^n Gamma(1 + n/k)
    for (int n = 1; n <= 4; ++n) m[n - 1] = std::pow(lambda, n) * std::tgamma(1.0 + n / k);
    return m;
}

RawMoments uniform_raw(double a, double b) {
    RawMoments m{};  // E[X^n] = (b^(n+1) - a^(n+1)) / ((n+1)(b-a))
    for (int n = 1; n <= 4; ++n)
        m[n - 1] = (std::pow(b, n + 1) - std::pow(a, n + 1)) / ((n + 1) * (b - a));
    return m;
}

RawMoments triangular_raw(double a, double c, double b) {
    // Density 2(x-a)/((b-a)(c-a)) on [a, c], 2(b-x)/((b-a)(b-c)) on [c, b]: integrate each
    // linear piece separately (Simpson is then accurate to ~1e-15) and weight by its mass.
    const double p_left = (c - a) / (b - a);
    RawMoments left{}, right{};
    if (c > a) left = simpson_moments([a](double x) { return x - a; }, a, c);
    if (b > c) right = simpson_moments([b](double x) { return b - x; }, c, b);
    return mix(left, p_left, right, 1.0 - p_left);
}

RawMoments truncated_normal_raw(double mu, double sd) {
    // Unnormalised N(mu, sd^2) density on [0, mu + 14 sd]: independent of the erfc closed form.
    return simpson_moments(
        [mu, sd](double x) { return std::exp(-0.5 * (x - mu) * (x - mu) / (sd * sd)); }, 0.0,
        mu + 14.0 * sd, 200000);
}

RawMoments empirical_raw(const std::vector<double>& v, const std::vector<double>& w) {
    double total = 0;
    for (double x : w) total += x;
    RawMoments m{};
    for (std::size_t i = 0; i < v.size(); ++i)
        for (int n = 1; n <= 4; ++n) m[n - 1] += w[i] / total * std::pow(v[i], n);
    return m;
}

std::vector<Case> moment_cases() {
    std::vector<Case> cs;
    const auto add = [&cs](std::string label, Distribution d, RawMoments raw, double rel) {
        cs.push_back(Case{std::move(label), std::move(d), raw, rel});
    };
    const auto exp_raw = [](double t) {
        return RawMoments{t, 2 * t * t, 6 * t * t * t, 24 * t * t * t * t};
    };
    add("exponential(0.5)", Distribution::exponential(0.5), exp_raw(0.5), 1e-12);
    add("exponential(100)", Distribution::exponential(100), exp_raw(100), 1e-12);
    add("uniform(1, 3)", Distribution::uniform(1, 3), uniform_raw(1, 3), 1e-12);
    add("uniform(0, 2)", Distribution::uniform(0, 2), uniform_raw(0, 2), 1e-12);
    add("triangular(0.5, 1, 3)", Distribution::triangular(0.5, 1, 3), triangular_raw(0.5, 1, 3),
        1e-10);
    add("triangular(0, 0, 1)", Distribution::triangular(0, 0, 1), triangular_raw(0, 0, 1), 1e-10);
    add("triangular(1, 2, 2)", Distribution::triangular(1, 2, 2), triangular_raw(1, 2, 2), 1e-10);
    add("normal(1, 0.3)", Distribution::normal(1, 0.3), truncated_normal_raw(1, 0.3), 1e-9);
    add("normal(0.5, 1)", Distribution::normal(0.5, 1), truncated_normal_raw(0.5, 1), 1e-9);
    add("normal(0, 2)", Distribution::normal(0, 2), truncated_normal_raw(0, 2), 1e-9);
    add("lognormal(0.8, 0.2)", Distribution::lognormal(0.8, 0.2), lognormal_raw(0.8, 0.2), 1e-12);
    add("lognormal(4, 2)", Distribution::lognormal(4, 2), lognormal_raw(4, 2), 1e-12);
    add("gamma(2.5, 0.4)", Distribution::gamma(2.5, 0.4), gamma_raw(2.5, 0.4), 1e-12);
    add("gamma(0.5, 2)", Distribution::gamma(0.5, 2), gamma_raw(0.5, 2), 1e-12);
    add("gamma(1, 1)", Distribution::gamma(1, 1), gamma_raw(1, 1), 1e-12);
    add("erlang(3, 2)", Distribution::erlang(3, 2), gamma_raw(3, 2.0 / 3), 1e-12);
    add("erlang(1, 0.7)", Distribution::erlang(1, 0.7), gamma_raw(1, 0.7), 1e-12);
    add("erlang(20, 5)", Distribution::erlang(20, 5), gamma_raw(20, 0.25), 1e-12);
    add("weibull(1.5, 2)", Distribution::weibull(1.5, 2), weibull_raw(1.5, 2), 1e-12);
    add("weibull(0.7, 1)", Distribution::weibull(0.7, 1), weibull_raw(0.7, 1), 1e-12);
    add("weibull(3, 10)", Distribution::weibull(3, 10), weibull_raw(3, 10), 1e-12);
    add("empirical", Distribution::empirical({1, 2, 5}, {0.2, 0.5, 0.3}),
        empirical_raw({1, 2, 5}, {0.2, 0.5, 0.3}), 1e-12);
    return cs;
}

/// Every kind once, for tests that loop over kinds.
std::vector<Distribution> one_of_each() {
    return {Distribution::constant(2.5),   Distribution::exponential(0.5),
            Distribution::uniform(1, 3),   Distribution::triangular(0.5, 1, 3),
            Distribution::normal(1, 0.3),  Distribution::lognormal(0.8, 0.2),
            Distribution::gamma(0.5, 2),   Distribution::erlang(3, 2),
            Distribution::weibull(1.5, 2), Distribution::empirical({1, 2, 5}, {0.2, 0.5, 0.3})};
}

}  // namespace

TEST_CASE("DistKind names are the SPEC's dist: values", "[distribution]") {
    using qosim::sim::to_string;
    CHECK(to_string(DistKind::constant) == "constant");
    CHECK(to_string(DistKind::exponential) == "exponential");
    CHECK(to_string(DistKind::uniform) == "uniform");
    CHECK(to_string(DistKind::triangular) == "triangular");
    CHECK(to_string(DistKind::normal) == "normal");
    CHECK(to_string(DistKind::lognormal) == "lognormal");
    CHECK(to_string(DistKind::gamma) == "gamma");
    CHECK(to_string(DistKind::erlang) == "erlang");
    CHECK(to_string(DistKind::weibull) == "weibull");
    CHECK(to_string(DistKind::empirical) == "empirical");
}

TEST_CASE("distributions give pinned known answers", "[distribution]") {
    // Literal values computed once from this implementation with RandomStream(7, 0, "kat", name):
    // they catch any accidental change of algorithm, parameterisation or draw order.
    struct Kat {
        const char* name;
        Distribution dist;
        std::array<double, 3> expected;
    };
    const Kat kats[] = {
        {"constant", Distribution::constant(2.5), {2.5, 2.5, 2.5}},
        {"exponential",
         Distribution::exponential(0.5),
         {0.82628982268366913, 0.4786943341484966, 0.13218723333648275}},
        {"uniform",
         Distribution::uniform(1, 3),
         {1.5010034779282118, 2.0592823864011187, 2.2036634854643493}},
        {"triangular",
         Distribution::triangular(0.5, 1, 3),
         {1.4528177368948731, 1.5061685472863597, 1.0820704818742819}},
        {"normal",
         Distribution::normal(1, 0.3),
         {1.065607943193144, 1.4062943727707695, 1.173412022702564}},
        {"lognormal",
         Distribution::lognormal(0.8, 0.2),
         {0.88180289455597405, 0.7732448153291881, 0.51037177399672906}},
        {"gamma",
         Distribution::gamma(2.5, 0.4),
         {0.60411706940754506, 1.0910549742399167, 1.8642122529583789}},
        {"gamma_small",
         Distribution::gamma(0.5, 2),
         {0.12802626776611881, 0.087960157743173326, 0.27114937041641424}},
        {"erlang",
         Distribution::erlang(3, 2),
         {1.247458987686846, 3.5903737278444141, 0.79225621728984863}},
        {"weibull",
         Distribution::weibull(1.5, 2),
         {1.2601809527249057, 2.2598378885365111, 4.6373114873319787}},
        {"empirical", Distribution::empirical({1, 2, 5}, {0.2, 0.5, 0.3}), {5, 2, 1}},
    };
    for (const Kat& k : kats) {
        INFO(k.name);
        RandomStream rng(7, 0, "kat", k.name);
        for (double e : k.expected) CHECK(k.dist.sample(rng) == Approx(e).epsilon(1e-12));
    }
}

TEST_CASE("constant consumes no draws", "[distribution]") {
    RandomStream a(3, 0, "c", "d");
    RandomStream b(3, 0, "c", "d");
    const Distribution c = Distribution::constant(4.0);
    for (int i = 0; i < 10; ++i) CHECK(c.sample(a) == 4.0);
    CHECK(a.next_u64() == b.next_u64());
    CHECK(Distribution().sample(a) == 0.0);  // default: constant 0
    CHECK(Distribution().kind() == DistKind::constant);
}

// For N iid draws with mean m, variance v and fourth central moment mu4:
//   sd(sample mean)     = sqrt(v / N)
//   sd(sample variance) ~ sqrt((mu4 - v^2) / N)   (large-N, either denominator)
// Each check allows 5 of those sds (two-sided miss probability ~ 6e-7 per check, and the
// seeds are fixed, so a pass is reproducible). The theoretical moments come from closed-form
// raw moments or from numerical integration of the density, independently of mean()/scv().
TEST_CASE("sample moments match theory and mean()/scv() closed forms",
          "[distribution][validation]") {
    constexpr int kN = 200000;
    for (const Case& c : moment_cases()) {
        INFO(c.label);
        const auto& [m1, m2, m3, m4] = c.raw;
        const double var = m2 - m1 * m1;
        const double mu4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1;

        // Closed forms against independent moments.
        CHECK(c.dist.mean() == Approx(m1).epsilon(c.rel));
        CHECK(c.dist.scv() == Approx(var / (m1 * m1)).epsilon(c.rel * 100));

        RandomStream rng(2024, 0, "moments", c.label);
        std::vector<double> xs(kN);
        double sum = 0;
        bool non_negative = true;
        for (double& x : xs) {
            x = c.dist.sample(rng);
            non_negative = non_negative && x >= 0.0 && std::isfinite(x);
            sum += x;
        }
        CHECK(non_negative);
        const double mean = sum / kN;
        double ss = 0;
        for (double x : xs) ss += (x - mean) * (x - mean);
        const double sample_var = ss / (kN - 1);

        CHECK(std::abs(mean - m1) <= 5.0 * std::sqrt(var / kN));
        CHECK(std::abs(sample_var - var) <= 5.0 * std::sqrt((mu4 - var * var) / kN));
    }
}

TEST_CASE("truncated normal mean() and scv() are those of the truncated law", "[distribution]") {
    // Half-normal (mean 0): E = sd sqrt(2/pi), Var = sd^2 (1 - 2/pi).
    const Distribution half = Distribution::normal(0, 2);
    CHECK(half.mean() == Approx(2 * std::sqrt(2 / kPi)).epsilon(1e-14));
    CHECK(half.scv() == Approx((1 - 2 / kPi) / (2 / kPi)).epsilon(1e-13));
    // Far from 0 the truncation is invisible.
    const Distribution far = Distribution::normal(100, 1);
    CHECK(far.mean() == Approx(100).epsilon(1e-15));
    CHECK(far.scv() == Approx(1e-4).epsilon(1e-12));
    // sd = 0 is a point mass.
    const Distribution point = Distribution::normal(3, 0);
    CHECK(point.mean() == 3);
    CHECK(point.scv() == 0);
    RandomStream rng(1, 0, "n", "0");
    CHECK(point.sample(rng) == 3);
}

TEST_CASE("degenerate parameters give point masses", "[distribution]") {
    RandomStream rng(1, 0, "degenerate", "x");
    CHECK(Distribution::uniform(2, 2).sample(rng) == 2);
    CHECK(Distribution::triangular(2, 2, 2).sample(rng) == 2);
    CHECK(Distribution::lognormal(3, 0).sample(rng) == Approx(3).epsilon(1e-15));
    CHECK(Distribution::uniform(0, 0).scv() == 0);
    CHECK(Distribution::constant(0).scv() == 0);
    CHECK(Distribution::empirical({4}, {1}).sample(rng) == 4);
}

TEST_CASE("invalid parameters throw with the parameter, rule and value", "[distribution]") {
    using Catch::Contains;
    const double nan = std::nan("");
    const double inf = INFINITY;
    CHECK_THROWS_WITH(Distribution::constant(-1), "value must be >= 0, got -1");
    CHECK_THROWS_WITH(Distribution::exponential(0), "mean must be > 0, got 0");
    CHECK_THROWS_WITH(Distribution::exponential(nan), Contains("mean must be finite"));
    CHECK_THROWS_WITH(Distribution::uniform(-1, 1), "min must be >= 0, got -1");
    CHECK_THROWS_WITH(Distribution::uniform(2, 1), "max must be >= min (2), got 1");
    CHECK_THROWS_WITH(Distribution::triangular(0, 5, 3),
                      "mode must be in [min, max] = [0, 3], got 5");
    CHECK_THROWS_WITH(Distribution::triangular(2, 1, 0.5), "max must be >= min (2), got 0.5");
    CHECK_THROWS_WITH(Distribution::normal(1, -0.2), "sd must be >= 0, got -0.2");
    CHECK_THROWS_WITH(Distribution::normal(-1, 1), "mean must be >= 0, got -1");
    CHECK_THROWS_WITH(Distribution::lognormal(0, 1), "mean must be > 0, got 0");
    CHECK_THROWS_WITH(Distribution::lognormal(1, -1), "sd must be >= 0, got -1");
    CHECK_THROWS_WITH(Distribution::gamma(0, 1), "shape must be > 0, got 0");
    CHECK_THROWS_WITH(Distribution::gamma(1, -2), "scale must be > 0, got -2");
    CHECK_THROWS_WITH(Distribution::erlang(0, 1), "k must be >= 1, got 0");
    CHECK_THROWS_WITH(Distribution::erlang(2, 0), "mean must be > 0, got 0");
    CHECK_THROWS_WITH(Distribution::weibull(-1, 1), "shape must be > 0, got -1");
    CHECK_THROWS_WITH(Distribution::weibull(1, inf), "scale must be finite, got inf");
    CHECK_THROWS_WITH(Distribution::empirical({}, {}), "values must not be empty");
    CHECK_THROWS_WITH(Distribution::empirical({1, 2}, {1}),
                      "weights must have as many entries as values (2), got 1");
    CHECK_THROWS_WITH(Distribution::empirical({1, -2}, {1, 1}), "values[1] must be >= 0, got -2");
    CHECK_THROWS_WITH(Distribution::empirical({1, 2}, {1, -1}), "weights[1] must be >= 0, got -1");
    CHECK_THROWS_WITH(Distribution::empirical({1, 2}, {0, 0}),
                      "sum of weights must be finite and > 0, got 0");
    CHECK_THROWS_WITH(Distribution::exponential(1).scaled(0), "factor must be > 0, got 0");
    CHECK_THROWS_AS(Distribution::gamma(1, 1).scaled(-1), std::invalid_argument);
}

TEST_CASE("empirical picks values in proportion to their weights", "[distribution]") {
    // Zero weights at both ends must never be drawn.
    const std::vector<double> values = {9, 1, 2, 3, 4, 7};
    const std::vector<double> weights = {0, 1, 2, 3, 4, 0};
    const Distribution d = Distribution::empirical(values, weights);
    constexpr int kN = 100000;
    std::array<int, 6> counts{};
    RandomStream rng(11, 0, "empirical", "chi2");
    for (int i = 0; i < kN; ++i) {
        const double x = d.sample(rng);
        bool found = false;
        for (std::size_t j = 0; j < values.size(); ++j)
            if (x == values[j]) {
                ++counts[j];
                found = true;
            }
        REQUIRE(found);
    }
    CHECK(counts[0] == 0);
    CHECK(counts[5] == 0);
    // Pearson chi-square over the 4 positive cells, 3 degrees of freedom:
    // P(chi2_3 > 30) ~ 1.4e-6.
    double chi2 = 0;
    for (std::size_t j = 1; j <= 4; ++j) {
        const double expected = kN * weights[j] / 10.0;
        chi2 += (counts[j] - expected) * (counts[j] - expected) / expected;
    }
    CHECK(chi2 < 30.0);
    CHECK(d.mean() == Approx(3.0).epsilon(1e-14));  // (1 + 4 + 9 + 16) / 10
}

TEST_CASE("scaled() multiplies every draw and the mean, keeps scv", "[distribution]") {
    constexpr double kFactor = 2.5;
    for (const Distribution& d : one_of_each()) {
        INFO(qosim::sim::to_string(d.kind()));
        const Distribution s = d.scaled(kFactor);
        CHECK(s.kind() == d.kind());
        CHECK(s.mean() == Approx(kFactor * d.mean()).epsilon(1e-12));
        CHECK(s.scv() == Approx(d.scv()).epsilon(1e-12).margin(1e-15));
        // Same stream, same draws consumed: each scaled draw is factor times the original one.
        RandomStream a(5, 0, "scaled", "x");
        RandomStream b(5, 0, "scaled", "x");
        for (int i = 0; i < 1000; ++i) {
            const double x = d.sample(a);
            REQUIRE(s.sample(b) == Approx(kFactor * x).epsilon(1e-12));
        }
        CHECK(a.next_u64() == b.next_u64());
    }
}

TEST_CASE("cdf() gives hand-computed values for every family", "[distribution][cdf]") {
    using Catch::Matchers::WithinAbs;
    constexpr double kTol = 1e-12;
    SECTION("constant: a step at the value") {
        const auto d = Distribution::constant(5);
        CHECK(d.cdf(4.999) == 0.0);
        CHECK(d.cdf(5) == 1.0);
    }
    SECTION("exponential: 1 - exp(-x/mean)") {
        const auto d = Distribution::exponential(2);
        CHECK(d.cdf(-1) == 0.0);
        CHECK_THAT(d.cdf(2), WithinAbs(1 - std::exp(-1.0), kTol));
    }
    SECTION("uniform") {
        const auto d = Distribution::uniform(2, 6);
        CHECK(d.cdf(1.9) == 0.0);
        CHECK_THAT(d.cdf(3), WithinAbs(0.25, kTol));
        CHECK(d.cdf(6) == 1.0);
        CHECK(Distribution::uniform(3, 3).cdf(3) == 1.0);
        CHECK(Distribution::uniform(3, 3).cdf(2.9) == 0.0);
    }
    SECTION("triangular: both sides of the mode") {
        const auto d = Distribution::triangular(12, 18, 40);
        CHECK_THAT(d.cdf(15), WithinAbs(9.0 / 168.0, kTol));         // (15-12)^2 / (28 x 6)
        CHECK_THAT(d.cdf(36), WithinAbs(1.0 - 16.0 / 616.0, kTol));  // 1 - 4^2 / (28 x 22)
        CHECK(d.cdf(40) == 1.0);
        CHECK(d.cdf(11) == 0.0);
    }
    SECTION("normal, truncated at 0") {
        // mean 0: the half-normal, 2 Phi(1) - 1 at 1.
        CHECK_THAT(Distribution::normal(0, 1).cdf(1), WithinAbs(0.6826894921370859, kTol));
        // (Phi(1) - Phi(-5)) / (1 - Phi(-5)) at mean + sd.
        CHECK_THAT(Distribution::normal(10, 2).cdf(12), WithinAbs(0.841344700589752, kTol));
        CHECK(Distribution::normal(10, 2).cdf(-0.1) == 0.0);
    }
    SECTION("lognormal: Phi((ln x - mu) / sigma)") {
        // mu = 0, sigma = 1: mean e^0.5, sd sqrt((e - 1) e).
        const auto d =
            Distribution::lognormal(std::exp(0.5), std::sqrt((std::exp(1.0) - 1) * std::exp(1.0)));
        CHECK_THAT(d.cdf(1), WithinAbs(0.5, 1e-12));
        CHECK_THAT(d.cdf(std::exp(1.0)), WithinAbs(0.8413447460685429, 1e-12));
        CHECK(d.cdf(0) == 0.0);
    }
    SECTION("gamma: series and continued fraction branches") {
        // shape 2: 1 - e^{-x/s} (1 + x/s).
        CHECK_THAT(Distribution::gamma(2, 3).cdf(3), WithinAbs(1 - 2 * std::exp(-1.0), kTol));
        CHECK_THAT(Distribution::gamma(2, 1).cdf(10), WithinAbs(1 - 11 * std::exp(-10.0), kTol));
        // shape 1/2, scale 2: chi-square with one degree of freedom, erf(1/sqrt 2) at 1.
        CHECK_THAT(Distribution::gamma(0.5, 2).cdf(1), WithinAbs(0.6826894921370859, kTol));
        CHECK_THAT(Distribution::gamma(0.5, 2).cdf(9),
                   WithinAbs(std::erf(3 / std::sqrt(2.0)), kTol));
    }
    SECTION("erlang: 1 - e^{-x/s} sum_{i<k} (x/s)^i / i!") {
        // k = 3, mean 6, scale 2, at 4: 1 - e^-2 (1 + 2 + 2).
        CHECK_THAT(Distribution::erlang(3, 6).cdf(4), WithinAbs(1 - 5 * std::exp(-2.0), kTol));
    }
    SECTION("weibull: 1 - exp(-(x/scale)^shape)") {
        CHECK_THAT(Distribution::weibull(2, 3).cdf(3), WithinAbs(1 - std::exp(-1.0), kTol));
        CHECK_THAT(Distribution::weibull(2, 3).cdf(6), WithinAbs(1 - std::exp(-4.0), kTol));
    }
    SECTION("empirical: the weights of the values <= x") {
        const auto d = Distribution::empirical({1, 2, 5}, {1, 1, 2});
        CHECK(d.cdf(0.5) == 0.0);
        CHECK_THAT(d.cdf(1.5), WithinAbs(0.25, kTol));
        CHECK_THAT(d.cdf(2), WithinAbs(0.5, kTol));
        CHECK(d.cdf(5) == 1.0);
    }
}

TEST_CASE("upper() bounds the tail", "[distribution][cdf]") {
    CHECK(Distribution::uniform(2, 6).upper(1e-9) == 6.0);
    CHECK(Distribution::triangular(12, 18, 40).upper(1e-9) == 40.0);
    CHECK(Distribution::empirical({1, 7, 5}, {1, 0, 2}).upper(1e-9) == 5.0);
    for (const auto& d :
         {Distribution::exponential(3), Distribution::gamma(0.5, 2), Distribution::lognormal(2, 3),
          Distribution::normal(1, 4), Distribution::weibull(0.7, 2)}) {
        const double u = d.upper(1e-9);
        CHECK(1.0 - d.cdf(u) <= 1e-9);
        CHECK(u > d.mean());
    }
}
