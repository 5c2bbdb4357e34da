// `check`'s lateness figure is a lower bound of what `run` measures: on an order-fulfilment
// line where waiting is short, so the bound is tight (7.19 % against about 7.4 %).
//
// Design: the family-wise one of tests/support/family.hpp. This file's budget is 1 of the
// suite's K checks: the family interval of the late rate over 20 replications must reach
// the bound from above (one side of a two-sided interval, so conservative), and its
// half-width be at most 0.25 points, so a bound too high by half a point fails.
#include <string>

#include <catch2/catch.hpp>

#include "models/graph/absorbing_chain.hpp"
#include "models/graph/promise_analysis.hpp"
#include "support/family.hpp"

using qosim::models::analyse_promises;
using qosim::models::analyse_quality;
using qosim::models::ReplicationResult;
using qosim::test::family_estimate_of;

TEST_CASE("check's late share is a lower bound of run's late rate", "[validation][promise]") {
    // scenarios/order_fulfilment.yaml with a warm-up longer than its delivery times.
    const auto sc = qosim::test::load_validation(
        "time_unit: minute\n"
        "run: {horizon: 60000, warmup: 5000, seed: 17}\n"
        "stages:\n"
        "  web:\n"
        "    type: source\n"
        "    interarrival: {dist: exponential, mean: 1.2}\n"
        "    due_in: {dist: empirical, values: [1440, 2880, 4320], weights: [0.2, 0.5, 0.3]}\n"
        "  pick: {type: station, servers: 4, service: {dist: erlang, k: 3, mean: 4.2},\n"
        "         queue: {capacity: 500, discipline: edd}}\n"
        "  pack: {type: station, servers: 2, service: {dist: normal, mean: 1.8, sd: 0.6}}\n"
        "  standard: {type: link, delay: {dist: lognormal, mean: 1500, sd: 400}}\n"
        "  express: {type: link, delay: {dist: weibull, shape: 3, scale: 700}}\n"
        "  customer: {type: sink}\n"
        "routes:\n"
        "  - {from: web, to: pick}\n"
        "  - {from: pick, to: pack}\n"
        "  - {from: pack, to: standard, prob: 0.7}\n"
        "  - {from: pack, to: express, prob: 0.3}\n"
        "  - {from: standard, to: customer}\n"
        "  - {from: express, to: customer}\n",
        "fulfilment.yaml");
    const double bound = analyse_promises(sc, analyse_quality(sc)).late_lower;
    CHECK(bound > 0.07);  // the delays alone: most of the lateness
    const auto results = qosim::test::run_all(sc, 20);
    const auto late =
        family_estimate_of(results, [](const ReplicationResult& r) { return r.late_rate; });
    ++qosim::test::family_checks_run();
    INFO("late_rate " << late.mean << " +- " << late.half_width << ", bound " << bound);
    CHECK(late.mean + late.half_width >= bound);
    CHECK(late.half_width <= 0.0025);
}
