// Statistical validation of faults and quality against closed forms (fixed seeds, 95 % CIs).
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "models/graph/absorbing_chain.hpp"
#include "support/replications.hpp"

using qosim::test::estimate_of;
using qosim::test::run_all;

namespace {

qosim::models::Scenario load(const std::string& yaml) {
    return qosim::models::load_scenario_text(yaml, "inline.yaml");
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
    const auto results = run_all(sc, 20);
    const auto a = estimate_of(results, [](auto& r) { return r.stages[1].availability; });
    INFO("availability " << a.mean << " +- " << a.half_width << " exact " << 50.0 / 55.0);
    CHECK(a.covers(50.0 / 55.0));
    // Downtime per breakdown is the mean repair time (5), measured independently of the
    // availability figure.
    const auto repair =
        estimate_of(results, [](auto& r) { return r.stages[1].downtime / r.stages[1].breakdowns; });
    INFO("downtime per breakdown " << repair.mean << " +- " << repair.half_width);
    CHECK(repair.covers(5.0));
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
    const auto results = run_all(sc, 20);
    const auto w = estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    INFO("W " << w.mean << " +- " << w.half_width << " exact " << W);
    CHECK(w.covers(W));
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
        const auto results = run_all(sc, 20);
        const auto esc = estimate_of(results, [](auto& r) { return r.escape_rate; });
        const auto good = estimate_of(results, [](auto& r) {
            return (r.orders_delivered - r.orders_defective) / r.orders_concluded;
        });
        const auto scraps =
            estimate_of(results, [](auto& r) { return r.scrapped / r.orders_concluded; });
        const auto cancelled =
            estimate_of(results, [](auto& r) { return r.orders_cancelled / r.orders_concluded; });
        INFO(mode << ": escape " << esc.mean << " +- " << esc.half_width << " chain "
                  << chain.p_delivered_defective);
        INFO("good " << good.mean << " +- " << good.half_width << " chain "
                     << chain.p_delivered_good);
        INFO("scraps/order " << scraps.mean << " +- " << scraps.half_width << " chain "
                             << chain.expected_scraps);
        CHECK(esc.covers(chain.p_delivered_defective));
        CHECK(good.covers(chain.p_delivered_good));
        CHECK(scraps.covers(chain.expected_scraps));
        if (mode == "cancel") CHECK(cancelled.covers(chain.p_cancelled));
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
    const auto results = run_all(sc, 20);
    const double lam = 1.0 / 0.75;
    const double rho_a = lam * 0.5, rho_b = lam * 0.6;
    CHECK(chain.arrival_rate[1] == Approx(lam));
    CHECK(chain.utilization[2] == Approx(rho_b));
    const auto ua = estimate_of(results, [](auto& r) { return r.stages[1].utilization; });
    const auto ub = estimate_of(results, [](auto& r) { return r.stages[2].utilization; });
    CHECK(ua.covers(rho_a));
    CHECK(ub.covers(rho_b));
    // Jackson: mean sojourn = sum of visits x M/M/1 sojourn at each station.
    const double W = lam * (0.5 / (1 - rho_a) + 0.6 / (1 - rho_b));
    const auto w = estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    INFO("W " << w.mean << " +- " << w.half_width << " exact " << W);
    CHECK(w.covers(W));
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
    const auto results = run_all(sc, 20);
    const auto frac =
        estimate_of(results, [](auto& r) { return r.orders_delivered / r.orders_concluded; });
    const auto lead = estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    INFO("delivered " << frac.mean << " +- " << frac.half_width << " exact " << delivered);
    INFO("lead " << lead.mean << " +- " << lead.half_width << " exact " << delay + extra);
    CHECK(frac.covers(delivered));
    CHECK(lead.covers(delay + extra));
    for (const auto& r : results) CHECK(r.stages[1].lost == r.orders_lost);
}
