// `qosim check` and `qosim run` agree: the static analysis' scraps, outcome probabilities,
// utilisations and load verdicts against simulated replications.
//
// Design: the family-wise one of tests/support/family.hpp. This file's budget is 16 of the
// suite's K checks, each an interval at level 1 - 0.01 / K over 30-40 replications with a
// stated largest half-width, so a bias of twice that fails: scraps per order and outcome
// probabilities 0.4-1 point (6-8 % of scraps and cancellations), utilisations 2 points, the
// WIP trend 20 orders, the overloaded queue's loss 2 points (8 %).
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/graph/absorbing_chain.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/run/replication.hpp"
#include "support/family.hpp"

using qosim::models::analyse_flow;
using qosim::models::analyse_quality;
using qosim::models::LoadVerdict;
using qosim::models::ReplicationResult;
using qosim::models::Scenario;
using qosim::test::family_estimate_of;

namespace {

// Replications 0..reps-1 (run_all), with `window`-long time-series windows when > 0.
std::vector<ReplicationResult> replicate(const Scenario& sc, int reps, double window = 0.0) {
    qosim::models::RunOptions options;
    options.timeseries_window = window;
    return qosim::test::run_all(sc, reps, options);
}

double per_order(const ReplicationResult& r, double count) { return count / r.orders_created; }

// A queue that is stable has no trend in its work in progress: the mean WIP of the last
// quarter of the observed windows minus that of the second quarter, per replication.
double wip_trend(const ReplicationResult& r) {
    const std::size_t n = r.windows.size();
    double early = 0.0, late = 0.0;
    const std::size_t q = n / 4;
    for (std::size_t i = q; i < 2 * q; ++i) early += r.windows[i].wip_mean;
    for (std::size_t i = n - q; i < n; ++i) late += r.windows[i].wip_mean;
    return (late - early) / static_cast<double>(q);
}

const std::string kSplitRemake = R"(name: split with remake
run: {horizon: 20000, warmup: 500, seed: 101}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}, on_scrap: remake}
  a: {type: station, servers: 1, service: {dist: exponential, mean: 0.5}, defect_prob: 0.2}
  b: {type: station, servers: 1, service: {dist: exponential, mean: 0.6}, defect_prob: 0.05}
  aoi: {type: inspection, servers: 2, service: {dist: exponential, mean: 0.3}, detect_prob: 0.9}
  out: {type: sink}
routes:
  - {from: orders, to: a, prob: 0.5}
  - {from: orders, to: b, prob: 0.5}
  - {from: a, to: aoi}
  - {from: b, to: aoi}
  - {from: aoi, to: out, when: pass}
  - {from: aoi, to: scrap, when: fail}
)";

}  // namespace

TEST_CASE("split source with remake: scraps, outcomes and utilisations as check predicts",
          "[validation][check]") {
    // Only line a damages much; a scrapped unit re-enters through the source's 50/50 split.
    const Scenario sc = qosim::test::load_validation(kSplitRemake);
    const auto quality = analyse_quality(sc);
    const auto flow = analyse_flow(sc);
    const auto results = replicate(sc, 30);
    const auto a = *sc.find_stage("a");
    const auto b = *sc.find_stage("b");
    const auto aoi = *sc.find_stage("aoi");

    const auto scraps =
        family_estimate_of(results, [](const auto& r) { return per_order(r, r.scrapped); });
    QOSIM_FAMILY_CHECK(scraps, quality.expected_scraps, 0.005);
    const auto escape = family_estimate_of(results, [](const auto& r) { return r.escape_rate; });
    QOSIM_FAMILY_CHECK(escape, quality.p_delivered_defective, 0.002);
    const auto good = family_estimate_of(
        results, [](const auto& r) { return 1.0 - r.escape_rate - r.loss_rate; });
    QOSIM_FAMILY_CHECK(good, quality.p_delivered_good, 0.002);
    for (const std::size_t s : {a, b, aoi}) {
        INFO("stage " << sc.stages[s].name);
        REQUIRE(flow.loads[s].exact);
        const auto u =
            family_estimate_of(results, [s](const auto& r) { return r.stages[s].utilization; });
        QOSIM_FAMILY_CHECK(u, flow.utilization[s], 0.01);
        CHECK(flow.loads[s].verdict == LoadVerdict::fine);
    }
}

TEST_CASE(
    "shifts and breakdowns, busy and calendar clock: utilisation within 2 points, no "
    "false alarm on a stable queue",
    "[validation][check]") {
    // Three servers on two 8-hour shifts a day, five days a week, with breakdowns: the load
    // that the old analysis called 100 % SATURATED while the queue is stable.
    const std::string yaml = R"(name: cnc on shifts
run: {horizon: 20000, warmup: 2000, seed: 202}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 0.62}}
  cnc:
    type: station
    servers: 3
    service: {dist: exponential, mean: 0.75}
    breakdowns: {time_between: {dist: exponential, mean: 30}, repair: {dist: exponential, mean: 4},
                 clock: CLOCK}
    shifts:
      cycle: 168
      servers:
        - {from: 6, to: 22, servers: 3}
        - {from: 30, to: 46, servers: 3}
        - {from: 54, to: 70, servers: 3}
        - {from: 78, to: 94, servers: 3}
        - {from: 102, to: 118, servers: 3}
  done: {type: sink}
routes:
  - {from: orders, to: cnc}
  - {from: cnc, to: done}
)";
    for (const std::string clock : {"busy", "calendar"}) {
        INFO("clock: " << clock);
        std::string text = yaml;
        text.replace(text.find("CLOCK"), 5, clock);
        const Scenario sc = qosim::test::load_validation(text);
        const auto flow = analyse_flow(sc);
        const std::size_t cnc = *sc.find_stage("cnc");
        const auto& load = flow.loads[cnc];
        REQUIRE_FALSE(load.exact);
        CHECK_FALSE(flow.saturated[cnc]);
        CHECK(load.verdict != LoadVerdict::saturated);
        CHECK(load.load < 1.0);

        const auto results = replicate(sc, 40, 500.0);
        const auto u =
            family_estimate_of(results, [cnc](const auto& r) { return r.stages[cnc].utilization; });
        // Shifts make the analysis an estimate (overtime at shift ends): it must lie within
        // 2 points of the run's utilisation, allowing for the run's own interval.
        ++qosim::test::family_checks_run();
        INFO("utilisation " << u.mean << " +- " << u.half_width << ", check " << load.utilization);
        CHECK(std::abs(u.mean - load.utilization) <= 0.02 + u.half_width);
        CHECK(u.half_width <= 0.01);
        // The queue is stable: no trend in WIP between the second and the last quarter.
        const auto trend = family_estimate_of(results, wip_trend);
        QOSIM_FAMILY_CHECK(trend, 0.0, 10.0);
    }
}

TEST_CASE("an outage: outcomes and utilisation unchanged in the long run, as check says",
          "[validation][check]") {
    // A 100-hour outage of the only press: work waits and is done later, so the busy share of
    // staffed time and every outcome probability stay what the analysis predicts.
    const std::string yaml = R"(name: outage
run: {horizon: 20000, warmup: 500, seed: 303}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}, on_scrap: cancel}
  press: {type: station, servers: 2, service: {dist: exponential, mean: 1.2}, defect_prob: 0.1}
  check: {type: inspection, service: {dist: exponential, mean: 0.4}, detect_prob: 0.8,
          false_alarm_prob: 0.02}
  out: {type: sink}
routes:
  - {from: orders, to: press}
  - {from: press, to: check}
  - {from: check, to: out, when: pass}
  - {from: check, to: scrap, when: fail}
faults:
  - {stage: press, kind: outage, at: 5000, duration: 100}
)";
    const Scenario sc = qosim::test::load_validation(yaml);
    const auto quality = analyse_quality(sc);
    const auto flow = analyse_flow(sc);
    const auto results = replicate(sc, 40);
    const std::size_t press = *sc.find_stage("press");

    const auto cancelled = family_estimate_of(
        results, [](const auto& r) { return r.orders_cancelled / r.orders_concluded; });
    QOSIM_FAMILY_CHECK(cancelled, quality.p_cancelled, 0.003);
    const auto escape = family_estimate_of(results, [](const auto& r) { return r.escape_rate; });
    QOSIM_FAMILY_CHECK(escape, quality.p_delivered_defective, 0.002);
    const auto scraps =
        family_estimate_of(results, [](const auto& r) { return per_order(r, r.scrapped); });
    QOSIM_FAMILY_CHECK(scraps, quality.expected_scraps, 0.003);
    REQUIRE(flow.loads[press].exact);
    const auto u =
        family_estimate_of(results, [press](const auto& r) { return r.stages[press].utilization; });
    QOSIM_FAMILY_CHECK(u, flow.utilization[press], 0.01);
}

TEST_CASE("a bounded overloaded queue: check says balking, and the run loses at least 1 - 1/load",
          "[validation][check]") {
    // 1.25 orders per hour of work for one server with five waiting places: the queue stays
    // full and arriving orders balk. M/M/1/6 loses (1 - rho) rho^6 / (1 - rho^7) = 25.3 %.
    const std::string yaml = R"(name: overloaded
run: {horizon: 20000, warmup: 200, seed: 404}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 0.8}}
  m: {type: station, service: {dist: exponential, mean: 1.0}, queue: {capacity: 5}}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    const Scenario sc = qosim::test::load_validation(yaml);
    const auto flow = analyse_flow(sc);
    const std::size_t m = *sc.find_stage("m");
    const auto& load = flow.loads[m];
    CHECK(load.load == Approx(1.25));
    CHECK(load.verdict == LoadVerdict::overloaded);  // not "grows without bound"
    const double bound = 1.0 - 1.0 / load.load;      // throughput cannot pass capacity

    const auto results = replicate(sc, 30);
    const auto loss = family_estimate_of(results, [](const auto& r) { return r.loss_rate; });
    ++qosim::test::family_checks_run();
    INFO("loss rate " << loss.mean << " +- " << loss.half_width << ", check's bound " << bound);
    CHECK(loss.mean + loss.half_width >= bound);
    CHECK(loss.half_width <= 0.01);
    const double rho = 1.25;
    const double exact = (1 - rho) * std::pow(rho, 6) / (1 - std::pow(rho, 7));
    QOSIM_FAMILY_CHECK(loss, exact, 0.01);
}
