// `run`'s WIP trend warning: silent on a stable M/M/1 at rho = 0.8, raised at rho = 1.05.
//
// Design: the family-wise one of tests/support/family.hpp. This file's budget is 2 of the
// suite's K checks. The product's test is one-sided at kWipTrendAlpha = 1e-4, below the
// family's 0.01 / K per check, so the stable line's false warning stays inside the budget;
// at rho = 1.05 the expected t is about 20 against a critical value of 6 (10 replications of
// 10^5 time units), so a missed warning is far rarer still.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/run/wip_trend.hpp"
#include "support/family.hpp"

using qosim::models::wip_trend;
using qosim::test::load_validation;
using qosim::test::run_all;

namespace {

std::string mm1(const std::string& interarrival) {
    return "run: {horizon: 100000, warmup: 1000, seed: 41}\n"
           "stages:\n"
           "  in: {type: source, interarrival: {dist: exponential, mean: " +
           interarrival +
           "}}\n"
           "  m: {type: station, service: {dist: exponential, mean: 1}}\n"
           "  out: {type: sink}\n"
           "routes:\n  - {from: in, to: m}\n  - {from: m, to: out}\n";
}

}  // namespace

TEST_CASE("WIP trend: a stable M/M/1 (rho 0.8) does not warn", "[validation][wip_trend]") {
    const auto sc = load_validation(mm1("1.25"), "mm1_08.yaml");
    const auto trend = wip_trend(run_all(sc, 10));
    ++qosim::test::family_checks_run();
    INFO("t = " << trend.t << ", critical " << trend.critical << ", growth " << trend.growth);
    CHECK(trend.tested);
    CHECK_FALSE(trend.growing);
}

TEST_CASE("WIP trend: an overloaded M/M/1 (rho 1.05) warns", "[validation][wip_trend]") {
    const auto sc = load_validation(mm1("0.952380952380952"), "mm1_105.yaml");
    const auto trend = wip_trend(run_all(sc, 10));
    ++qosim::test::family_checks_run();
    INFO("t = " << trend.t << ", critical " << trend.critical << ", growth " << trend.growth);
    CHECK(trend.growing);
    // Growth about (lambda - mu) x 99000 = 4950 orders.
    CHECK(trend.growth > 4000);
    CHECK(trend.growth < 6000);
}
