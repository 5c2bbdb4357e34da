// Cost, delivery and run control on deterministic scenarios worked out by hand.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"

using qosim::models::load_scenario_text;
using qosim::models::run_replication;

namespace {

// Orders at t = 1..10 (constant), each made (defective), caught, reworked, re-inspected, then
// delivered at t + 1.0; due after 0.9 h, so every delivery is late. The horizon, 10.2, keeps
// the delivery at 10.0 clear of it.
const char* const kCostLine = R"(name: cost line
time_unit: hour
run: {horizon: 10.2, seed: 1}
costs: {late_penalty: 25, escape_penalty: 200, lost_penalty: 300}
stages:
  orders: {type: source, interarrival: 1, due_in: 0.9}
  make:
    type: station
    service: 0.5
    defect_prob: 1.0
    cost: {per_busy_hour: 10, per_idle_hour: 2, per_unit: 1}
    breakdowns: {time_between: 2.7, repair: 0.25, cost_per_repair: 100}
  aoi: {type: inspection, service: 0.1, detect_prob: 1.0, cost: {per_busy_hour: 20, per_unit: 0.5}}
  fix: {type: station, repairs: true, service: 0.3, cost: {per_busy_hour: 30, per_idle_hour: 1}}
  customer: {type: sink}
routes:
  - {from: orders, to: make}
  - {from: make, to: aoi}
  - {from: aoi, to: customer, when: pass}
  - {from: aoi, to: fix, when: fail}
  - {from: fix, to: aoi}
)";

}  // namespace

TEST_CASE("cost totals reconcile to the cent with a hand computation", "[engine][cost]") {
    const auto r = run_replication(load_scenario_text(kCostLine, "cost.yaml"), 0, 1);
    // Breakdowns of `make` at 2.7, 5.65, 8.6 (calendar clock, repairs of 0.25), all while it
    // is idle, so the timeline is undisturbed: 9 orders delivered at 2.0 .. 10.0.
    REQUIRE(r.orders_delivered == 9);
    REQUIRE(r.breakdowns == 3);
    const auto cents = [](double x) { return Approx(x).margin(0.005); };
    // make: busy 9 x 0.5 + 0.2 (the order of t = 10) = 4.7 h x 10; idle 10.2 - 4.7 = 5.5 h x 2
    // (down time counts as idle); 9 units x 1; 3 repairs x 100
    CHECK(r.stages[1].busy_time == cents(4.7));
    CHECK(r.stages[1].idle_time == cents(5.5));
    CHECK(r.stages[1].cost == cents(47 + 11 + 9 + 300));
    // aoi: busy 18 x 0.1 = 1.8 h x 20; 18 departures x 0.5
    CHECK(r.stages[2].cost == cents(36 + 9));
    // fix: busy 9 x 0.3 = 2.7 h x 30; idle 7.5 h x 1
    CHECK(r.stages[3].cost == cents(81 + 7.5));
    CHECK(r.cost_resource == cents(47 + 11 + 36 + 81 + 7.5));
    CHECK(r.cost_units == cents(9 + 9));
    CHECK(r.cost_repairs == cents(300));
    CHECK(r.cost_penalties == cents(9 * 25));
    CHECK(r.total_cost == cents(182.5 + 18 + 300 + 225));
    CHECK(r.cost_per_order == cents(725.5 / 9));
    // cost of quality
    CHECK(r.cost_appraisal == cents(45));
    CHECK(r.cost_internal_failure == cents(88.5 + 300));
    CHECK(r.cost_external_failure == cents(225));
    // delivery: every order 0.1 h late
    CHECK(r.on_time_rate == 0.0);
    CHECK(r.lateness_mean == Approx(0.1));
    CHECK(r.lateness_p95 == Approx(0.1).epsilon(0.001));
}

TEST_CASE("products pay their own cost and share idle and repair cost by busy time",
          "[engine][cost][products]") {
    // Two sources, one product each, into one station without waiting room. A arrives at
    // t = 2, 4, 6, 8 (0.5 h each), B at t = 5 (1.25 h), so A's order of t = 6 finds the
    // station busy and is lost: A has 3 delivered of 4. Breakdowns at 3.6 and 7.45 (repairs
    // 0.25, calendar clock) fall while the station is idle.
    const std::string yaml = R"(name: two products
time_unit: hour
run: {horizon: 9.5, seed: 1}
stages:
  a: {type: source, interarrival: 2, products: {A: {share: 1}}}
  b: {type: source, interarrival: 5, products: {B: {share: 1}}}
  m:
    type: station
    service: 0.5
    service_by_product: {B: 1.25}
    queue: {capacity: 0}
    cost: {per_busy_hour: 10, per_idle_hour: 2, per_unit: 1}
    breakdowns: {time_between: 3.6, repair: 0.25, cost_per_repair: 100}
  out: {type: sink}
routes:
  - {from: a, to: m}
  - {from: b, to: m}
  - {from: m, to: out}
)";
    const auto r = run_replication(load_scenario_text(yaml, "p.yaml"), 0, 1);
    REQUIRE(r.classes.size() == 2);
    REQUIRE(r.classes[0].orders_created == 4);
    REQUIRE(r.classes[0].orders_delivered == 3);
    REQUIRE(r.classes[1].orders_delivered == 1);
    REQUIRE(r.breakdowns == 2);
    // Station: busy 3 x 0.5 + 1.25 = 2.75 h; idle 9.5 - 2.75 = 6.75 h (down time is idle).
    // Direct: A 1.5 h x 10 + 3 units x 1 = 18; B 1.25 h x 10 + 1 unit x 1 = 13.5.
    // Shared: idle 6.75 x 2 + 2 repairs x 100 = 213.5, split by busy time 1.5 : 1.25 of 2.75:
    //   A 213.5 x 1.5 / 2.75 = 116.4545..., B 213.5 x 1.25 / 2.75 = 97.0454...
    // Per delivered order: A (18 + 116.4545) / 3 = 44.8182, B (13.5 + 97.0455) / 1 = 110.5455.
    CHECK(r.classes[0].cost_per_order == Approx((18 + 213.5 * 1.5 / 2.75) / 3));
    CHECK(r.classes[1].cost_per_order == Approx(13.5 + 213.5 * 1.25 / 2.75));
    CHECK(r.classes[0].cost_per_order == Approx(44.81818181818182));
    CHECK(r.classes[1].cost_per_order == Approx(110.54545454545455));
    // All cost is allocated: 3 x 44.8182 + 110.5455 = 245 = 27.5 + 13.5 + 4 + 200 in total.
    CHECK(r.total_cost == Approx(245.0));
    CHECK(3 * r.classes[0].cost_per_order + r.classes[1].cost_per_order == Approx(r.total_cost));
}

TEST_CASE("lateness is averaged over late orders only", "[engine][delivery]") {
    // The blocking line of test_pipeline.cpp: lead times 2.6, 4.1, 5.6, 7.1, 8.6, 10.1, 11.6.
    // Due 5 h after creation, the last five are late by 0.6, 2.1, 3.6, 5.1, 6.6:
    // lateness_mean = 18 / 5 = 3.6 (not 18 / 7 over all deliveries), lateness_p95 = the 5th
    // of 5 (rank ceil(0.95 x 5) = 5) = 6.6; on time 2 of 7 delivered.
    const std::string yaml = R"(name: lateness
run: {horizon: 20, seed: 1}
costs: {late_penalty: 25}
stages:
  orders: {type: source, interarrival: 1, due_in: 5}
  a: {type: station, service: 0.1}
  b: {type: station, service: 2.5, queue: {capacity: 0}}
  out: {type: sink}
routes:
  - {from: orders, to: a}
  - {from: a, to: b}
  - {from: b, to: out}
)";
    const auto r = run_replication(load_scenario_text(yaml, "late.yaml"), 0, 1);
    REQUIRE(r.orders_delivered == 7);
    CHECK(r.orders_late == 5);
    CHECK(r.lateness_mean == Approx(3.6));
    CHECK(r.lateness_p95 == Approx(6.6).epsilon(0.001));
    CHECK(r.on_time_rate == Approx(2.0 / 7));
    CHECK(r.late_rate == Approx(5.0 / 7));  // of 7 concluded
    CHECK(r.cost_penalties == Approx(5 * 25.0));
}

TEST_CASE("the same costs in minutes convert per-hour rates", "[engine][cost]") {
    // A station busy 30 of 60 minutes at 60/h busy and 6/h idle costs 30 + 3.
    const std::string yaml = R"(name: minutes
time_unit: minute
run: {horizon: 60, seed: 1}
stages:
  orders: {type: source, interarrival: 60}
  m: {type: station, service: 30, cost: {per_busy_hour: 60, per_idle_hour: 6}}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    // the only order arrives at 60 = horizon: no busy time; make it arrive at 0 via initial_wip
    const auto r =
        run_replication(load_scenario_text(yaml, "m.yaml", {"stages.m.initial_wip=1"}), 0, 1);
    CHECK(r.stages[1].busy_time == Approx(30));
    CHECK(r.stages[1].cost == Approx(30 + 3));
}

TEST_CASE("run.orders stops when that many orders have concluded", "[engine][run]") {
    const std::string yaml = R"(name: orders
run: {orders: 50, seed: 2}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}}
  m: {type: station, service: {dist: exponential, mean: 0.5}}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    const auto r = run_replication(load_scenario_text(yaml, "o.yaml"), 0, 2);
    CHECK(r.orders_created == 50);
    CHECK(r.orders_delivered == 50);
    CHECK(r.orders_concluded == 50);
    CHECK(r.observed_time > 0);
    CHECK(r.throughput == Approx(50 / r.observed_time));
}

TEST_CASE("initial WIP starts the run with orders already waiting", "[engine][run]") {
    const std::string yaml = R"(name: wip
run: {horizon: 5.5, seed: 1}
stages:
  orders: {type: source, interarrival: 100}
  m: {type: station, service: 1, initial_wip: 5}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    const auto r = run_replication(load_scenario_text(yaml, "w.yaml"), 0, 1);
    // five orders created at 0, served back to back: delivered at 1, 2, 3, 4, 5
    CHECK(r.orders_created == 5);
    CHECK(r.orders_delivered == 5);
    CHECK(r.lead_time_mean == Approx(3.0));
    CHECK(r.stages[1].wait_mean == Approx(2.0));
}

TEST_CASE("time series windows partition the run", "[engine][timeseries]") {
    const std::string yaml = R"(name: ts
run: {horizon: 10, seed: 1}
stages:
  orders: {type: source, interarrival: 1}
  m: {type: station, service: 0.5}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    qosim::models::RunOptions options;
    options.timeseries_window = 4;
    const auto r = run_replication(load_scenario_text(yaml, "t.yaml"), 0, 1, options);
    REQUIRE(r.windows.size() == 3);  // [0,4) [4,8) [8,10]
    CHECK(r.windows[0].window_start == 0);
    CHECK(r.windows[2].window_end == 10);
    CHECK(r.windows[0].orders_created == 3);    // 1, 2, 3: the boundary at 4 comes first
    CHECK(r.windows[0].orders_delivered == 3);  // 1.5, 2.5, 3.5
    CHECK(r.windows[0].utilization.at(0) == Approx(1.5 / 4));
    // WIP: one order in the system for 0.5 h after each of t = 1, 2, 3: area 1.5 over 4 h;
    // in [8, 10]: after t = 8 and 9 (the order of t = 10 arrives at the end): 1.0 over 2 h.
    CHECK(r.windows[0].wip_mean == Approx(1.5 / 4));
    CHECK(r.windows[2].wip_mean == Approx(1.0 / 2));
    CHECK(r.windows[2].utilization.at(0) == Approx(1.0 / 2));
    double created = 0, delivered = 0;
    for (const auto& w : r.windows) {
        created += w.orders_created;
        delivered += w.orders_delivered;
        CHECK(w.lead_time_mean == Approx(w.orders_delivered > 0 ? 0.5 : 0.0));
    }
    CHECK(created == r.orders_created);
    CHECK(delivered == r.orders_delivered);
}

TEST_CASE("the trace observer sees every order's life in order", "[engine][trace]") {
    struct Recorder : qosim::models::TraceSink {
        std::vector<qosim::models::TraceRecord> rows;
        void record(const qosim::models::TraceRecord& r) override { rows.push_back(r); }
    } rec;
    const std::string yaml = R"(name: trace
run: {horizon: 3, seed: 1}
stages:
  orders: {type: source, interarrival: 1}
  m: {type: station, service: 0.5}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    qosim::models::RunOptions options;
    options.trace = &rec;
    const auto sc = load_scenario_text(yaml, "tr.yaml");
    const auto r = run_replication(sc, 0, 1, options);
    // order 0: created, arrive, start, done, arrive (sink), delivered
    std::vector<std::string> first;
    for (const auto& row : rec.rows)
        if (row.order == 0) first.emplace_back(row.event);
    CHECK(first ==
          std::vector<std::string>{"created", "arrive", "start", "done", "arrive", "delivered"});
    for (std::size_t i = 1; i < rec.rows.size(); ++i)
        CHECK(rec.rows[i].time >= rec.rows[i - 1].time);
    // observing does not change the result
    const auto plain = run_replication(sc, 0, 1);
    CHECK(plain.lead_time_mean == r.lead_time_mean);
    CHECK(plain.events == r.events);
}
