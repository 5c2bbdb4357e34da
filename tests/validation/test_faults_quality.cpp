// Statistical validation of faults and quality against closed forms.
//
// Design: the family-wise one of tests/support/family.hpp. This file's budget is 15 of the
// suite's K checks; each asks that the exact value lie in a Student-t interval at level
// 1 - 0.01 / K over R replications, and that the interval be no wider than a stated
// half-width, so a relative bias of twice that fails: availability 1 % and downtime per
// breakdown 6 %; the M/G/1 with breakdowns 6 % of W; escapes 12 %, scraps and cancellations
// 6 % of their probabilities, delivered-good 0.2 points; the rework loop 3 % (utilisations)
// and 6 % (sojourn); the lossy link 6 % of its loss and 4 % of the delay its retries add.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "models/graph/absorbing_chain.hpp"
#include "support/family.hpp"

using qosim::test::family_estimate_of;
using qosim::test::run_all;

namespace {

qosim::models::Scenario load(const std::string& yaml) {
    return qosim::test::load_validation(yaml, "inline.yaml");
}

}  // namespace

TEST_CASE("availability of a breakdown-prone server is MTBF / (MTBF + MTTR)", "[validation]") {
    const auto sc = load(R"(name: availability
run: {horizon: 20000, warmup: 500, seed: 21}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 2.0}}
  m:
    type: station
    service: {dist: exponential, mean: 1.0}
    breakdowns:
      time_between: {dist: exponential, mean: 50}
      repair: {dist: exponential, mean: 5}
      clock: calendar
  done: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: done}
)");
    const auto results = run_all(sc, 160);
    const auto a = family_estimate_of(results, [](auto& r) { return r.stages[1].availability; });
    QOSIM_FAMILY_CHECK(a, 50.0 / 55.0, 0.005);
    // Downtime per breakdown is the mean repair time (5), measured independently of the
    // availability figure.
    const auto repair = family_estimate_of(
        results, [](auto& r) { return r.stages[1].downtime / r.stages[1].breakdowns; });
    QOSIM_FAMILY_CHECK(repair, 5.0, 0.15);
}

TEST_CASE("M/M/1 with preemptive-resume breakdowns in busy time is M/G/1 on completion times",
          "[validation]") {
    // Completion time C = S + repairs during S; failures at rate xi per busy time:
    //   E[C] = E[S](1 + xi E[R]),  E[C^2] = E[S^2](1 + xi E[R])^2 + xi E[S] E[R^2]
    // and the Pollaczek-Khinchine formula gives W = lambda E[C^2] / (2 (1 - lambda E[C])) + E[C].
    const double lambda = 0.5, ES = 1.0, ES2 = 2.0, xi = 1.0 / 20, ER = 2.0, ER2 = 8.0;
    const double EC = ES * (1 + xi * ER);
    const double EC2 = ES2 * (1 + xi * ER) * (1 + xi * ER) + xi * ES * ER2;
    const double W = lambda * EC2 / (2 * (1 - lambda * EC)) + EC;
    const auto sc = load(R"(name: mg1 breakdowns
run: {horizon: 40000, warmup: 1000, seed: 4}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 2.0}}
  m:
    type: station
    service: {dist: exponential, mean: 1.0}
    breakdowns:
      time_between: {dist: exponential, mean: 20}
      repair: {dist: exponential, mean: 2}
      clock: busy
      on_failure: resume
  done: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: done}
)");
    const auto results = run_all(sc, 60);
    const auto w = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    QOSIM_FAMILY_CHECK(w, W, 0.08);
}

TEST_CASE("escape, scrap and delivered-good fractions agree with the absorbing chain",
          "[validation][quality]") {
    const std::string base = R"(name: quality line
run: {horizon: 20000, warmup: 200, seed: 17}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}, on_scrap: ON_SCRAP}
  smt: {type: station, servers: 2, service: {dist: exponential, mean: 0.6}, defect_prob: 0.05}
  reflow: {type: station, servers: 2, service: {dist: exponential, mean: 0.5}, defect_prob: 0.03}
  aoi: {type: inspection, service: {dist: exponential, mean: 0.2}, detect_prob: 0.9, false_alarm_prob: 0.02}
  rework: {type: station, repairs: true, service: {dist: exponential, mean: 1.0}}
  customer: {type: sink}
routes:
  - {from: orders, to: smt}
  - {from: smt, to: reflow}
  - {from: reflow, to: aoi}
  - {from: aoi, to: customer, when: pass}
  - {from: aoi, to: rework, when: fail, prob: 0.7}
  - {from: aoi, to: scrap, when: fail, prob: 0.3}
  - {from: rework, to: aoi}
)";
    for (const std::string mode : {"remake", "cancel"}) {
        std::string yaml = base;
        yaml.replace(yaml.find("ON_SCRAP"), 8, mode);
        const auto sc = load(yaml);
        const auto chain = qosim::models::analyse_quality(sc);
        const auto results = run_all(sc, 100);
        const auto esc = family_estimate_of(results, [](auto& r) { return r.escape_rate; });
        const auto good = family_estimate_of(results, [](auto& r) {
            return (r.orders_delivered - r.orders_defective) / r.orders_concluded;
        });
        const auto scraps =
            family_estimate_of(results, [](auto& r) { return r.scrapped / r.orders_concluded; });
        const auto cancelled = family_estimate_of(
            results, [](auto& r) { return r.orders_cancelled / r.orders_concluded; });
        INFO("on_scrap: " << mode);
        QOSIM_FAMILY_CHECK(esc, chain.p_delivered_defective, 0.06 * chain.p_delivered_defective);
        QOSIM_FAMILY_CHECK(good, chain.p_delivered_good, 0.001);
        QOSIM_FAMILY_CHECK(scraps, chain.expected_scraps, 0.03 * chain.expected_scraps);
        if (mode == "cancel")
            QOSIM_FAMILY_CHECK(cancelled, chain.p_cancelled, 0.03 * chain.p_cancelled);
    }
}

TEST_CASE("Jackson network with a probabilistic rework loop matches the traffic equations",
          "[validation]") {
    // a -> b; b -> a with 0.25 (rework), -> done with 0.75. Visits: 1/0.75 each.
    const auto sc = load(R"(name: loop
run: {horizon: 30000, warmup: 1500, seed: 31}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}}
  a: {type: station, service: {dist: exponential, mean: 0.5}}
  b: {type: station, service: {dist: exponential, mean: 0.6}}
  done: {type: sink}
routes:
  - {from: orders, to: a}
  - {from: a, to: b}
  - {from: b, to: a, prob: 0.25}
  - {from: b, to: done, prob: 0.75}
)");
    const auto chain = qosim::models::analyse_quality(sc);
    const auto results = run_all(sc, 80);
    const double lam = 1.0 / 0.75;
    const double rho_a = lam * 0.5, rho_b = lam * 0.6;
    CHECK(chain.arrival_rate[1] == Approx(lam));
    CHECK(chain.utilization[2] == Approx(rho_b));
    const auto ua = family_estimate_of(results, [](auto& r) { return r.stages[1].utilization; });
    const auto ub = family_estimate_of(results, [](auto& r) { return r.stages[2].utilization; });
    QOSIM_FAMILY_CHECK(ua, rho_a, 0.01);
    QOSIM_FAMILY_CHECK(ub, rho_b, 0.01);
    // Jackson: mean sojourn = sum of visits x M/M/1 sojourn at each station.
    const double W = lam * (0.5 / (1 - rho_a) + 0.6 / (1 - rho_b));
    const auto w = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    QOSIM_FAMILY_CHECK(w, W, 0.18);
}

TEST_CASE("lossy link with retries: delivered fraction and extra delay", "[validation]") {
    // p = 0.3, max = 2 re-sends: delivered 1 - p^3; a delivered order needed k re-sends with
    // probability p^k (1-p) / (1 - p^3), each costing `timeout` before the fresh attempt.
    const double p = 0.3, timeout = 0.5, delay = 1.0;
    const double delivered = 1 - p * p * p;
    const double extra = timeout * (p * (1 - p) * 1 + p * p * (1 - p) * 2) / delivered;
    const auto sc = load(R"(name: uplink
run: {horizon: 20000, warmup: 100, seed: 12}
stages:
  sensor: {type: source, interarrival: {dist: exponential, mean: 1.0}}
  uplink: {type: link, delay: 1.0, loss_prob: 0.3, retry: {timeout: 0.5, max: 2}}
  server: {type: sink}
routes:
  - {from: sensor, to: uplink}
  - {from: uplink, to: server}
)");
    const auto results = run_all(sc, 100);
    const auto frac = family_estimate_of(
        results, [](auto& r) { return r.orders_delivered / r.orders_concluded; });
    const auto lead = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    QOSIM_FAMILY_CHECK(frac, delivered, 0.0008);
    QOSIM_FAMILY_CHECK(lead, delay + extra, 0.003);
    for (const auto& r : results) CHECK(r.stages[1].lost == r.orders_lost);
}
