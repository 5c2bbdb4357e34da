// The validation suite's family-wise error design: every statistical check shares one budget.
//
// A statistical check compares a simulated mean over R independent replications with an exact
// value (a closed form, or `qosim check`'s analysis). With K such checks in the suite, each
// uses a two-sided Student-t interval at level 1 - alpha / K, alpha = 0.01 (Bonferroni), so a
// correct simulator fails the whole suite by chance with probability at most 1 %, whatever the
// seed. K is the sum of the per-file budgets below; the validation executable counts the checks
// it ran and fails when the count differs from K (so a new check cannot dilute the budget
// unnoticed). Seeds are never chosen to pass: QOSIM_VALIDATION_SEED_OFFSET=N shifts every
// validation scenario's seed by N, and scripts/validation-seeds.sh runs the suite under 20
// other offsets.
//
// Power: every check also states the largest half-width it accepts, in the metric's unit
// (`max_half_width`), chosen so that a bias of about twice that size - the size that matters
// for a planner, a few percent of the exact value - fails the check. The replications and
// horizons of each test are sized to meet it.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/statistics.hpp"

namespace qosim::test {

/// The family-wise false-failure rate of the whole validation suite.
inline constexpr double kFamilyAlpha = 0.01;

/// Statistical checks per validation file; their sum is K.
namespace budget {
inline constexpr int closed_forms = 20;
inline constexpr int faults_quality = 15;
inline constexpr int products_runcontrol = 19;
inline constexpr int check_vs_run = 16;
inline constexpr int compare = 3;
inline constexpr int run_warnings = 2;
inline constexpr int promise_vs_run = 1;
}  // namespace budget

inline constexpr int kFamilyChecks =
    budget::closed_forms + budget::faults_quality + budget::products_runcontrol +
    budget::check_vs_run + budget::compare + budget::run_warnings + budget::promise_vs_run;

/// The number of family checks run so far in this process.
inline int& family_checks_run() {
    static int count = 0;
    return count;
}

/// QOSIM_VALIDATION_SEED_OFFSET, or 0: added to every validation scenario's seed.
inline std::uint64_t seed_offset() {
    const char* text = std::getenv("QOSIM_VALIDATION_SEED_OFFSET");
    return text != nullptr ? std::strtoull(text, nullptr, 10) : 0;
}

/// Loads a validation scenario from YAML text with its seed shifted by seed_offset().
inline models::Scenario load_validation(const std::string& yaml,
                                        const std::string& file = "validation.yaml") {
    models::Scenario sc = models::load_scenario_text(yaml, file);
    sc.run.seed += seed_offset();
    return sc;
}

/// A replication mean with its family-level confidence interval.
struct Estimate {
    double mean = 0.0;
    double sd = 0.0;
    double half_width = 0.0;  ///< two-sided, level 1 - kFamilyAlpha / kFamilyChecks
    std::size_t n = 0;
    [[nodiscard]] bool covers(double exact) const { return std::abs(mean - exact) <= half_width; }
};

/// The two-sided Student-t quantile of the family level for n replications.
inline double family_quantile(std::size_t n) {
    const boost::math::students_t dist(static_cast<double>(n) - 1.0);
    return boost::math::quantile(dist, 1.0 - kFamilyAlpha / (2.0 * kFamilyChecks));
}

inline Estimate family_estimate(const std::vector<double>& xs) {
    sim::Tally t;
    for (const double x : xs) t.add(x);
    Estimate e;
    e.n = static_cast<std::size_t>(t.count());
    e.mean = t.mean();
    e.sd = t.sd();
    e.half_width = family_quantile(e.n) * e.sd / std::sqrt(static_cast<double>(e.n));
    return e;
}

/// Runs replications 0..reps-1 of `scenario` with its (offset) seed.
inline std::vector<models::ReplicationResult> run_all(const models::Scenario& scenario, int reps,
                                                      const models::RunOptions& options = {}) {
    std::vector<models::ReplicationResult> out;
    for (int r = 0; r < reps; ++r)
        out.push_back(models::run_replication(scenario, static_cast<std::uint64_t>(r),
                                              scenario.run.seed, options));
    return out;
}

template <class Results, class F>
Estimate family_estimate_of(const Results& results, F&& metric) {
    std::vector<double> xs;
    for (const auto& r : results) xs.push_back(metric(r));
    return family_estimate(xs);
}

}  // namespace qosim::test

/// One check of the family: `exact` lies in the estimate's interval, and the interval is no
/// wider than `max_half_width` (so a bias of the size that matters would fail).
#define QOSIM_FAMILY_CHECK(estimate, exact, max_half_width)                                   \
    do {                                                                                      \
        ++::qosim::test::family_checks_run();                                                 \
        const ::qosim::test::Estimate& family_e_ = (estimate);                                \
        const double family_x_ = (exact);                                                     \
        INFO(#estimate << " = " << family_e_.mean << " +- " << family_e_.half_width << " (n " \
                       << family_e_.n << ", seed offset " << ::qosim::test::seed_offset()     \
                       << "), exact " << family_x_);                                          \
        CHECK(family_e_.covers(family_x_));                                                   \
        CHECK(family_e_.half_width <= (max_half_width));                                      \
    } while (false)
