// Unit tests for ranking and selection: KN's constants, its boundaries, AK's feasibility rule.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "models/run/selection.hpp"

using qosim::models::fabian_eta;
using qosim::models::Feasibility;
using qosim::models::feasibility_h2;
using qosim::models::feasibility_r;
using qosim::models::kn_h2;
using qosim::models::kn_w;
using qosim::models::select_best;
using qosim::models::SelectionConstraint;
using qosim::models::SelectionObservation;
using qosim::models::SelectionOptions;
using qosim::models::SelectionResult;
using qosim::models::SelectionSampler;

namespace {

/// SplitMix64 finaliser of seed and replication: one generator seed per replication.
std::uint64_t mix(std::uint64_t seed, std::uint64_t r) {
    std::uint64_t z = seed + (r + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// Standard normal by Box-Muller (cosine branch) on 53-bit uniforms of mt19937_64, whose
/// output the standard fixes; std::normal_distribution's algorithm differs between libraries.
double normal(std::mt19937_64& g) {
    const double u1 = (static_cast<double>(g() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
    const double u2 = static_cast<double>(g() >> 11) * 0x1.0p-53;          // [0, 1)
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

/// A synthetic experiment with common random numbers. Replication r of system i observes
///   objective     = offset[i] + shared_sd Z_r + own_sd Z_ri
///   constraint j  = constraint_mean[i][j] + constraint_sd Z'_rij
/// with every Z drawn from one generator seeded by (seed, r), always for all systems in the
/// same order, so an observation depends only on (system, replication).
struct Synthetic {
    std::uint64_t seed = 1;
    std::vector<double> offset;
    double shared_sd = 0.0;
    double own_sd = 0.0;
    std::vector<std::vector<double>> constraint_mean;  // empty: no constraints
    double constraint_sd = 0.0;

    std::vector<SelectionObservation> operator()(const std::vector<std::size_t>& systems,
                                                 std::size_t r) const {
        std::mt19937_64 g(mix(seed, r));
        const double shared = normal(g);
        const std::size_t c = constraint_mean.empty() ? 0 : constraint_mean.front().size();
        std::vector<SelectionObservation> all(offset.size());
        for (std::size_t i = 0; i < offset.size(); ++i) {
            all[i].objective = offset[i] + shared_sd * shared + own_sd * normal(g);
            for (std::size_t j = 0; j < c; ++j)
                all[i].constraints.push_back(constraint_mean[i][j] + constraint_sd * normal(g));
        }
        std::vector<SelectionObservation> out;
        for (const std::size_t i : systems) out.push_back(all[i]);
        return out;
    }
};

SelectionOptions options_with(double delta, std::size_t n0 = 10, std::size_t max_reps = 1000) {
    SelectionOptions o;
    o.delta = delta;
    o.n0 = n0;
    o.max_reps = max_reps;
    return o;
}

SelectionConstraint at_most(const char* name, double q, double eps) { return {name, q, true, eps}; }
SelectionConstraint at_least(const char* name, double q, double eps) {
    return {name, q, false, eps};
}

}  // namespace

TEST_CASE("KN's eta and h^2 match the hand computation", "[selection]") {
    // k = 4, n0 = 10, alpha2 = 0.025: beta = 0.025/3, 2 beta = 1/60, ln(1/60) = -4.0943446,
    // x (-2/9) = 0.9098543, exp = 2.4839607, eta = (2.4839607 - 1)/2 = 0.7419804,
    // h^2 = 2 x 0.7419804 x 9 = 13.355646.
    CHECK(fabian_eta(0.025 / 3, 10) == Approx(0.7419804).epsilon(1e-6));
    CHECK(kn_h2(4, 0.025, 10) == Approx(13.355646).epsilon(1e-6));
    // alpha2 = 0.05: 2 beta = 1/30, (1/30)^(-2/9) = 2.1293604, eta = 0.5646802, h^2 = 10.164243.
    CHECK(kn_h2(4, 0.05, 10) == Approx(10.164243).epsilon(1e-6));
    CHECK(kn_h2(1, 0.05, 10) == 0.0);  // one system: nothing to compare
    // Feasibility, k = 4 systems x c = 2 constraints, alpha1 = 0.025: beta = 0.003125,
    // 2 beta = 0.00625, ln = -5.0751738, x (-2/9) = 1.1278164, exp = 3.0889042,
    // eta = 1.0444521, h1^2 = 18 x 1.0444521 = 18.800138.
    CHECK(feasibility_h2(4, 2, 0.025, 10) == Approx(18.800138).epsilon(1e-6));

    // select_best reports KN's h^2 of its error split: alpha2 = alpha/2 with constraints,
    // alpha2 = alpha without.
    Synthetic syn;
    syn.offset = {0, 1, 2, 3};
    syn.own_sd = 1.0;
    syn.constraint_mean = {{0.0}, {0.0}, {0.0}, {0.0}};
    syn.constraint_sd = 0.1;
    const SelectionResult with = select_best(4, options_with(0.5), {at_most("m", 1.0, 0.1)}, syn);
    CHECK(with.h2 == Approx(13.355646).epsilon(1e-6));
    syn.constraint_mean.clear();
    const SelectionResult without = select_best(4, options_with(0.5), {}, syn);
    CHECK(without.h2 == Approx(10.164243).epsilon(1e-6));
}

TEST_CASE("KN's W and the feasibility R shrink linearly to 0", "[selection]") {
    // h^2 = 10, S^2 = 1, delta = 0.5: r W(r) = 10 x 1/(2 x 0.5) - 0.5 r/2 = 10 - r/4, zero
    // from r = h^2 S^2/delta^2 = 40 on.
    CHECK(kn_w(10, 1, 0.5, 10) == Approx(0.75));  // 7.5 / 10
    CHECK(kn_w(10, 1, 0.5, 20) == Approx(0.25));  // 5 / 20
    CHECK(kn_w(10, 1, 0.5, 39) == Approx(0.25 / 39));
    CHECK(kn_w(10, 1, 0.5, 40) == 0.0);
    CHECK(kn_w(10, 1, 0.5, 41) == 0.0);
    CHECK(kn_w(10, 0, 0.5, 2) == 0.0);  // no variance: no continuation region
    for (std::size_t r = 1; r < 45; ++r) CHECK(kn_w(10, 1, 0.5, r + 1) <= kn_w(10, 1, 0.5, r));
    // R(r) = h^2 S^2/(2 eps) - eps r/2 = 10 - r/4 for eps = 0.5; halving eps doubles the start
    // and quadruples the end point (h^2 S^2/eps^2 = 160).
    CHECK(feasibility_r(10, 1, 0.5, 0) == Approx(10.0));
    CHECK(feasibility_r(10, 1, 0.5, 20) == Approx(5.0));
    CHECK(feasibility_r(10, 1, 0.5, 40) == 0.0);
    CHECK(feasibility_r(10, 1, 0.5, 100) == 0.0);
    CHECK(feasibility_r(10, 1, 0.25, 0) == Approx(20.0));
    CHECK(feasibility_r(10, 1, 0.25, 159) == Approx(0.125));
    CHECK(feasibility_r(10, 1, 0.25, 160) == 0.0);
}

TEST_CASE("KN picks the clearly best of four systems and beats the fixed-sample design",
          "[selection]") {
    Synthetic syn;
    syn.seed = 20010701;
    syn.offset = {0, 1, 2, 3};
    syn.shared_sd = 3.0;  // common random numbers: cancels in every difference
    syn.own_sd = 1.0;
    // Record every call to check the sampler contract.
    std::vector<std::vector<std::size_t>> calls;
    std::vector<std::size_t> indices;
    std::vector<double> sums(4, 0.0);
    const SelectionSampler sampler = [&](const std::vector<std::size_t>& systems, std::size_t r) {
        calls.push_back(systems);
        indices.push_back(r);
        auto obs = syn(systems, r);
        for (std::size_t a = 0; a < systems.size(); ++a) sums[systems[a]] += obs[a].objective;
        return obs;
    };
    const SelectionResult res = select_best(4, options_with(0.5), {}, sampler);

    REQUIRE(res.selected == 0u);
    CHECK(res.systems[0].selected);
    CHECK_FALSE(res.budget_exhausted);
    CHECK(res.h2 == Approx(10.164243).epsilon(1e-6));
    CHECK_FALSE(res.systems[0].eliminated_at);
    for (std::size_t i = 1; i < 4; ++i) {
        CHECK_FALSE(res.systems[i].selected);
        CHECK(res.systems[i].feasibility == Feasibility::feasible);  // no constraints
        CHECK(res.systems[i].eliminated_by.has_value());
        CHECK(res.systems[i].eliminated_at == res.systems[i].replications);
        CHECK(res.systems[i].replications >= 10u);
    }
    // The worst systems leave no later than the better ones.
    CHECK(res.systems[3].replications <= res.systems[1].replications);
    CHECK(res.systems[2].replications <= res.systems[1].replications);
    // S^2 of a difference is about 2 (own noise only), so N_fixed is near 10.16 x 2 / 0.25 = 81.
    CHECK(res.fixed_sample_replications > 4 * 40u);
    CHECK(res.total_replications < res.fixed_sample_replications);

    // The sampler contract: replications 0, 1, 2, ... in order, the first n0 for every
    // system, later ones for a shrinking ascending set.
    std::size_t total = 0;
    for (std::size_t c = 0; c < calls.size(); ++c) {
        CHECK(indices[c] == c);
        if (c < 10) CHECK(calls[c] == std::vector<std::size_t>{0, 1, 2, 3});
        if (c > 0)
            for (const std::size_t i : calls[c])
                CHECK(std::find(calls[c - 1].begin(), calls[c - 1].end(), i) != calls[c - 1].end());
        total += calls[c].size();
    }
    CHECK(total == res.total_replications);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(res.systems[i].objective_mean ==
              Approx(sums[i] / static_cast<double>(res.systems[i].replications)));

    // Deterministic: the same sampler gives the same result.
    const SelectionResult again = select_best(4, options_with(0.5), {}, syn);
    CHECK(again.selected == res.selected);
    CHECK(again.total_replications == res.total_replications);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(again.systems[i].replications == res.systems[i].replications);
        CHECK(again.systems[i].eliminated_by == res.systems[i].eliminated_by);
        CHECK(again.systems[i].objective_mean == res.systems[i].objective_mean);
    }
}

TEST_CASE("KN without variance in the differences decides after the first stage", "[selection]") {
    Synthetic syn;
    syn.offset = {2, 0, 1};
    syn.shared_sd = 5.0;  // only shared noise: every difference is constant, S^2 = 0, W = 0
    const SelectionResult res = select_best(3, options_with(0.5), {}, syn);
    CHECK(res.selected == 1u);
    CHECK(res.total_replications == 30u);
    CHECK(res.fixed_sample_replications == 30u);  // k n0
    CHECK(res.systems[0].eliminated_at == 10u);
    CHECK(res.systems[0].eliminated_by == 1u);  // the largest excess: 2 - 0 beats 2 - 1
    CHECK(res.systems[2].eliminated_by == 1u);

    // Identical systems tie for ever; the lower index is kept.
    syn.offset = {1, 1, 1};
    const SelectionResult tie = select_best(3, options_with(0.5), {}, syn);
    CHECK(tie.selected == 0u);
    CHECK(tie.total_replications == 30u);
    CHECK(tie.systems[2].eliminated_by == 0u);
}

TEST_CASE("An infeasible system is not selected however good its objective", "[selection]") {
    Synthetic syn;
    syn.seed = 7;
    syn.offset = {0, 1, 2};
    syn.own_sd = 0.5;
    syn.constraint_sd = 0.005;
    const std::vector<SelectionConstraint> cons{at_most("customer_error_rate", 0.02, 0.002)};

    SECTION("the best feasible system wins") {
        syn.constraint_mean = {{0.05}, {0.01}, {0.01}};
        const SelectionResult res = select_best(3, options_with(0.5), cons, syn);
        REQUIRE(res.selected == 1u);
        CHECK(res.systems[0].feasibility == Feasibility::infeasible);
        CHECK(res.systems[0].failed_constraint == 0u);
        CHECK_FALSE(res.systems[0].eliminated_by);
        CHECK(res.systems[0].eliminated_at == res.systems[0].replications);
        CHECK(res.systems[1].feasibility == Feasibility::feasible);
        CHECK(res.systems[2].eliminated_by == 1u);
        CHECK_FALSE(res.budget_exhausted);
    }
    SECTION("every system infeasible: none selected") {
        syn.constraint_mean = {{0.05}, {0.04}, {0.03}};
        const SelectionResult res = select_best(3, options_with(0.5), cons, syn);
        CHECK_FALSE(res.selected);
        CHECK_FALSE(res.budget_exhausted);
        for (const auto& s : res.systems) {
            CHECK(s.feasibility == Feasibility::infeasible);
            CHECK(s.failed_constraint == 0u);
            CHECK(s.eliminated_at.has_value());
            CHECK_FALSE(s.selected);
        }
    }
    SECTION("a lower bound, and the constraint that failed is reported") {
        // Constraint 0: error rate <= 0.02; constraint 1: on-time rate >= 0.95.
        syn.constraint_mean = {{0.01, 0.90}, {0.05, 0.99}, {0.01, 0.99}};
        const std::vector<SelectionConstraint> two{cons[0], at_least("on_time_rate", 0.95, 0.01)};
        const SelectionResult res = select_best(3, options_with(0.5), two, syn);
        REQUIRE(res.selected == 2u);
        CHECK(res.systems[0].failed_constraint == 1u);
        CHECK(res.systems[1].failed_constraint == 0u);
        CHECK(res.systems[2].feasibility == Feasibility::feasible);
    }
}

TEST_CASE("An undecided system keeps receiving replications but eliminates no one", "[selection]") {
    // System 0 is far better but its constraint mean sits 2 epsilon above the bound with
    // large noise, so its feasibility takes many replications; system 1 is feasible at once.
    // Were an undecided system allowed to eliminate, system 1 would leave at r = n0.
    Synthetic syn;
    syn.seed = 11;
    syn.offset = {-5, 0};
    syn.own_sd = 0.1;
    syn.constraint_mean = {{0.02}, {-1.0}};
    syn.constraint_sd = 0.05;
    const SelectionResult res = select_best(2, options_with(0.5), {at_most("m", 0.0, 0.01)}, syn);
    REQUIRE(res.selected == 1u);
    CHECK(res.systems[0].feasibility == Feasibility::infeasible);
    CHECK(res.systems[0].replications > 20u);
    CHECK_FALSE(res.systems[1].eliminated_at);
    CHECK(res.systems[1].replications == res.systems[0].replications);
}

TEST_CASE("One system: only the feasibility check runs", "[selection]") {
    Synthetic syn;
    syn.offset = {3};
    syn.own_sd = 1.0;
    const SelectionResult plain = select_best(1, options_with(0.5), {}, syn);
    CHECK(plain.selected == 0u);
    CHECK(plain.total_replications == 10u);
    CHECK(plain.fixed_sample_replications == 10u);
    CHECK(plain.h2 == 0.0);

    syn.constraint_sd = 0.01;
    syn.constraint_mean = {{0.5}};
    const std::vector<SelectionConstraint> cons{at_most("m", 1.0, 0.05)};
    CHECK(select_best(1, options_with(0.5), cons, syn).selected == 0u);
    syn.constraint_mean = {{1.5}};
    const SelectionResult bad = select_best(1, options_with(0.5), cons, syn);
    CHECK_FALSE(bad.selected);
    CHECK(bad.systems[0].feasibility == Feasibility::infeasible);
}

TEST_CASE("The budget runs out with equal systems in play", "[selection]") {
    Synthetic syn;
    syn.seed = 3;
    syn.offset = {1, 1};
    syn.own_sd = 1.0;  // S^2 about 2: W stays positive for about 80 replications
    const SelectionResult res = select_best(2, options_with(0.5, 10, 15), {}, syn);
    CHECK(res.budget_exhausted);
    REQUIRE(res.selected.has_value());
    const std::size_t other = 1 - *res.selected;
    CHECK(res.systems[*res.selected].objective_mean <= res.systems[other].objective_mean);
    CHECK_FALSE(res.systems[other].eliminated_at);
    CHECK_FALSE(res.systems[other].selected);
    CHECK(res.total_replications == 30u);
}

TEST_CASE("Bad options and bad samples are rejected with a message", "[selection]") {
    Synthetic syn;
    syn.offset = {0, 1};
    syn.own_sd = 1.0;
    using Catch::Matchers::Contains;
    auto with = [](auto change) {
        SelectionOptions o = options_with(0.5);
        change(o);
        return o;
    };
    CHECK_THROWS_WITH(select_best(2, with([](auto& o) { o.delta = 0; }), {}, syn),
                      Contains("delta"));
    CHECK_THROWS_WITH(select_best(2, with([](auto& o) { o.delta = -1; }), {}, syn),
                      Contains("delta"));
    CHECK_THROWS_WITH(select_best(2, with([](auto& o) { o.alpha = 0; }), {}, syn),
                      Contains("alpha"));
    CHECK_THROWS_WITH(select_best(2, with([](auto& o) { o.alpha = 1; }), {}, syn),
                      Contains("alpha"));
    CHECK_THROWS_WITH(select_best(2, with([](auto& o) { o.n0 = 1; }), {}, syn), Contains("n0"));
    CHECK_THROWS_WITH(select_best(2, with([](auto& o) { o.max_reps = 9; }), {}, syn),
                      Contains("max_reps"));
    CHECK_THROWS_AS(select_best(0, options_with(0.5), {}, syn), std::invalid_argument);
    CHECK_THROWS_WITH(select_best(2, options_with(0.5), {at_most("late_rate", 0.1, 0.0)}, syn),
                      Contains("late_rate") && Contains("epsilon"));

    const SelectionSampler short_answer = [](const std::vector<std::size_t>&, std::size_t) {
        return std::vector<SelectionObservation>(1);
    };
    CHECK_THROWS_WITH(select_best(2, options_with(0.5), {}, short_answer),
                      Contains("1 observations for 2 systems"));
    const SelectionSampler nan_answer = [](const std::vector<std::size_t>& s, std::size_t) {
        std::vector<SelectionObservation> obs(s.size());
        obs.back().objective = std::nan("");
        return obs;
    };
    CHECK_THROWS_WITH(select_best(2, options_with(0.5), {}, nan_answer), Contains("not finite"));
    // Constraint values missing for a declared constraint.
    CHECK_THROWS_WITH(select_best(2, options_with(0.5), {at_most("m", 1.0, 0.1)}, syn),
                      Contains("0 constraint values for 1 constraints"));
}

// Probability of correct selection over 400 independent macro-replications (fresh seeds) of
// the slippage configuration, the least favourable one for KN: the best at 0, the other three
// exactly delta worse. KN guarantees PCS >= 0.95 here (alpha2 = alpha without constraints). If
// PCS were exactly 0.95, the number of correct selections X ~ Binomial(400, 0.95) (mean 380,
// sd 4.36) would give P(X < 369) = P(X <= 368) = 0.0067; P(X < 370) = 0.0114 would exceed
// the suite's 1 % budget alone. The constrained check below asserts X >= 367:
// P(X <= 366) = 0.0021. Together at most 0.9 % false failures; KN is conservative (true PCS
// above 0.95), so the real rate is lower.
TEST_CASE("KN's probability of correct selection holds in the slippage configuration",
          "[selection]") {
    constexpr double kDelta = 0.5;
    std::size_t correct = 0;
    for (std::uint64_t m = 0; m < 400; ++m) {
        Synthetic syn;
        syn.seed = mix(0x4B4E2001, m);  // "KN" 2001, macro-replication m
        syn.offset = {0, kDelta, kDelta, kDelta};
        syn.shared_sd = 2.0;
        syn.own_sd = 1.0;
        const SelectionResult res = select_best(4, options_with(kDelta), {}, syn);
        REQUIRE_FALSE(res.budget_exhausted);
        if (res.selected == 0u) ++correct;
    }
    CHECK(correct >= 369u);
}

TEST_CASE("AK's probability of correct selection holds with a constraint", "[selection]") {
    // System 0 is delta better but infeasible by exactly epsilon; system 1 is the best
    // feasible one, feasible by exactly epsilon; systems 2 and 3 are feasible and delta worse.
    // AK guarantees PCS >= 1 - alpha1 - alpha2 = 0.95.
    constexpr double kDelta = 0.5, kQ = 0.02, kEps = 0.002;
    std::size_t correct = 0;
    for (std::uint64_t m = 0; m < 400; ++m) {
        Synthetic syn;
        syn.seed = mix(0x414B2010, m);  // "AK" 2010, macro-replication m
        syn.offset = {-kDelta, 0, kDelta, kDelta};
        syn.shared_sd = 2.0;
        syn.own_sd = 1.0;
        syn.constraint_mean = {{kQ + kEps}, {kQ - kEps}, {kQ - kEps}, {kQ - kEps}};
        syn.constraint_sd = kEps;
        const SelectionResult res =
            select_best(4, options_with(kDelta), {at_most("customer_error_rate", kQ, kEps)}, syn);
        REQUIRE_FALSE(res.budget_exhausted);
        if (res.selected == 1u) ++correct;
    }
    CHECK(correct >= 367u);
}
