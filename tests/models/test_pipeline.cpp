// Engine behaviour on small deterministic cases whose every figure can be worked out by hand.
#include <string>

#include <catch2/catch.hpp>

#include "models/engine/order_queue.hpp"
#include "models/input/load.hpp"
#include "models/run/replication.hpp"
#include "models/scenario/diagnostics.hpp"

using qosim::models::load_scenario_text;
using qosim::models::run_replication;
using qosim::models::RunLimitError;
using qosim::models::Scenario;
using qosim::models::ScenarioError;

namespace {

// Orders every 1 time unit (first at t = 1) into one station with constant service.
std::string single_station(const std::string& extra_source, const std::string& station,
                           const std::string& run = "{horizon: 10, seed: 1}") {
    return "name: det\n"
           "run: " +
           run +
           "\n"
           "costs: {late_penalty: 25, lost_penalty: 300}\n"
           "stages:\n"
           "  orders: {type: source, interarrival: 1" +
           extra_source +
           "}\n"
           "  m: {type: station, " +
           station +
           "}\n"
           "  out: {type: sink}\n"
           "routes:\n  - {from: orders, to: m}\n  - {from: m, to: out}\n";
}

/// What stops the first replication of `sc` (a RunLimitError's message), or "" when it runs
/// to its end.
std::string run_limit_message(const Scenario& sc) {
    try {
        (void)run_replication(sc, 0, 1);
    } catch (const RunLimitError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("constant arrivals and service: counts, lead time, utilisation, WIP", "[engine]") {
    const auto sc = load_scenario_text(single_station("", "service: 0.5"), "det.yaml");
    const auto r = run_replication(sc, 0, 1);
    // Arrivals at t = 1..10; the one at 10 is still in service at the horizon.
    CHECK(r.orders_created == 10);
    CHECK(r.orders_delivered == 9);
    CHECK(r.orders_lost == 0);
    CHECK(r.lead_time_mean == Approx(0.5));
    CHECK(r.lead_time_max == Approx(0.5));
    CHECK(r.lead_time_p95 == Approx(0.5).epsilon(0.001));  // the sketch's stated bound
    CHECK(r.stages[1].utilization == Approx(0.45));        // 9 x 0.5 busy in 10
    CHECK(r.wip_mean == Approx(0.45));
    CHECK(r.throughput == Approx(0.9));
    CHECK(r.on_time_rate == 1.0);
    CHECK(r.customer_error_rate == 0.0);
    CHECK(r.stages[1].wait_mean == 0.0);
    // events: 10 arrivals (t = 1..10; the one at 11 is past the horizon) + 9 completions.
    CHECK(r.events == 19);
}

TEST_CASE("due dates: late orders are customer-facing errors and cost the late penalty",
          "[engine]") {
    const auto sc = load_scenario_text(single_station(", due_in: 0.4", "service: 0.5"), "d.yaml");
    const auto r = run_replication(sc, 0, 1);
    CHECK(r.orders_delivered == 9);
    CHECK(r.on_time_rate == 0.0);
    CHECK(r.late_rate == 1.0);
    CHECK(r.customer_error_rate == 1.0);
    CHECK(r.cost_penalties == Approx(9 * 25.0));

    const auto ok = load_scenario_text(single_station(", due_in: 0.5", "service: 0.5"), "d.yaml");
    const auto r2 = run_replication(ok, 0, 1);
    CHECK(r2.on_time_rate == 1.0);  // delivered exactly at the due date is on time
}

TEST_CASE("resource, unit and penalty costs reconcile by hand", "[engine][cost]") {
    const auto sc = load_scenario_text(
        single_station(", due_in: 0.4",
                       "service: 0.5, cost: {per_busy_hour: 10, per_idle_hour: 2, per_unit: 1}"),
        "c.yaml");
    const auto r = run_replication(sc, 0, 1);
    // busy 4.5 h x 10 + idle 5.5 h x 2 = 56; 9 units x 1 = 9; 9 late x 25 = 225
    CHECK(r.cost_resource == Approx(56.0));
    CHECK(r.cost_units == Approx(9.0));
    CHECK(r.cost_penalties == Approx(225.0));
    CHECK(r.total_cost == Approx(290.0));
    CHECK(r.cost_per_order == Approx(290.0 / 9));
    CHECK(r.stages[1].cost == Approx(65.0));
}

TEST_CASE("a full first queue turns arrivals away as lost orders", "[engine]") {
    const auto sc =
        load_scenario_text(single_station("", "service: 1.5, queue: {capacity: 0}"), "b.yaml");
    const auto r = run_replication(sc, 0, 1);
    // Served at 1, 3, 5, 7, 9; turned away at 2, 4, 6, 8, 10; done at 2.5, 4.5, 6.5, 8.5.
    CHECK(r.orders_created == 10);
    CHECK(r.orders_lost == 5);
    CHECK(r.orders_delivered == 4);
    CHECK(r.stages[1].lost == 5);
    CHECK(r.loss_rate == Approx(5.0 / 9.0));
    CHECK(r.customer_error_rate == Approx(5.0 / 9.0));
    CHECK(r.cost_penalties == Approx(5 * 300.0));
}

TEST_CASE("a full downstream queue blocks the upstream server", "[engine][blocking]") {
    const std::string yaml =
        "name: blocking\n"
        "run: {horizon: 20, seed: 1}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  a: {type: station, service: 0.1}\n"
        "  b: {type: station, service: 2.5, queue: {capacity: 0}}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: orders, to: a}\n  - {from: a, to: b}\n  - {from: b, to: out}\n";
    const auto r = run_replication(load_scenario_text(yaml, "blk.yaml"), 0, 1);
    // b finishes at 3.6, 6.1, ..., 18.6: 7 deliveries; lead times 2.6, 4.1, ... (+1.5 each).
    CHECK(r.orders_delivered == 7);
    CHECK(r.orders_lost == 0);
    CHECK(r.lead_time_mean == Approx(2.6 + 3 * 1.5));
    CHECK(r.stages[3].arrivals == 7);
    CHECK(r.stages[2].utilization == Approx(18.9 / 20));  // busy from 1.1 on
    // a holds a finished unit over [2.1,3.6], six times 2.4, and [18.7,20].
    CHECK(r.stages[1].blocked_time == Approx(1.5 + 6 * 2.4 + 1.3));
    CHECK(r.stages[1].departures == 8);  // handed to b at 1.1, 3.6, ..., 18.6
}

TEST_CASE("warm-up discards statistics gathered before it", "[engine]") {
    const auto sc = load_scenario_text(
        single_station("", "service: 0.5", "{horizon: 10, warmup: 5, seed: 1}"), "w.yaml");
    const auto r = run_replication(sc, 0, 1);
    CHECK(r.orders_created == 6);    // t = 5..10 (the boundary precedes same-time events)
    CHECK(r.orders_delivered == 5);  // t = 5.5..9.5
    CHECK(r.observed_time == 5);
    CHECK(r.throughput == Approx(1.0));
    CHECK(r.stages[1].utilization == Approx(2.5 / 5));
}

TEST_CASE("a probabilistic split sends each share its probability", "[engine][routing]") {
    const std::string yaml =
        "name: split\n"
        "run: {horizon: 40000, seed: 8}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  left: {type: link, delay: 0}\n"
        "  right: {type: link, delay: 0}\n"
        "  out: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: left, prob: 0.25}\n"
        "  - {from: orders, to: right, prob: 0.75}\n"
        "  - {from: left, to: out}\n  - {from: right, to: out}\n";
    const auto r = run_replication(load_scenario_text(yaml, "s.yaml"), 0, 8);
    const double n = r.orders_created;
    const double left = r.stages[1].arrivals;
    // Binomial(n, 0.25): 5 standard deviations.
    const double sd = std::sqrt(n * 0.25 * 0.75);
    CHECK(std::abs(left - 0.25 * n) < 5 * sd);
    CHECK(left + r.stages[2].arrivals == n);
}

TEST_CASE("links delay without queueing", "[engine][link]") {
    const std::string yaml =
        "name: link\n"
        "run: {horizon: 100, seed: 1}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  ship: {type: link, delay: 24}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: orders, to: ship}\n  - {from: ship, to: out}\n";
    const auto r = run_replication(load_scenario_text(yaml, "l.yaml"), 0, 1);
    CHECK(r.orders_delivered == 76);  // created at 1..76 arrive by 100
    CHECK(r.lead_time_mean == Approx(24.0));
    // mean in transit: 76 full trips of 24, then 23 + 22 + ... + 0 for the 24 still on the way
    CHECK(r.stages[1].in_transit_mean == Approx((24.0 * 76 + 23 * 24 / 2.0) / 100));
}

TEST_CASE("an unstable line stops at max_wip with a clear error", "[engine]") {
    const auto sc = load_scenario_text(
        single_station("", "service: 2", "{horizon: 100000, seed: 1, max_wip: 100}"), "u.yaml");
    CHECK_THROWS_AS(run_replication(sc, 0, 1), qosim::models::RunLimitError);
    CHECK_THROWS_WITH(run_replication(sc, 0, 1), Catch::Contains("max_wip"));
}

TEST_CASE("queue disciplines serve in their order", "[engine][queue]") {
    using qosim::models::Discipline;
    using qosim::models::detail::OrderQueue;
    auto drain = [](OrderQueue q) {
        std::vector<unsigned> out;
        while (!q.empty()) out.push_back(q.pop());
        return out;
    };
    auto fill = [](Discipline d) {
        OrderQueue q(d);
        // ids 0..4 with keys: smaller key served first under priority/edd
        const double keys[5] = {3.0, 1.0, 2.0, 1.0, 0.5};
        for (unsigned i = 0; i < 5; ++i) q.push(i, keys[i]);
        return q;
    };
    CHECK(drain(fill(Discipline::fifo)) == std::vector<unsigned>{0, 1, 2, 3, 4});
    CHECK(drain(fill(Discipline::lifo)) == std::vector<unsigned>{4, 3, 2, 1, 0});
    CHECK(drain(fill(Discipline::edd)) == std::vector<unsigned>{4, 1, 3, 2, 0});  // ties FIFO
    CHECK(drain(fill(Discipline::priority)) == std::vector<unsigned>{4, 1, 3, 2, 0});

    OrderQueue ring(Discipline::fifo);  // wrap-around and growth keep FIFO order
    unsigned next_out = 0;
    for (unsigned i = 0; i < 1000; ++i) {
        ring.push(i, 0);
        if (i % 3 == 0) CHECK(ring.pop() == next_out++);
    }
    while (!ring.empty()) CHECK(ring.pop() == next_out++);
    CHECK(next_out == 1000);
}

TEST_CASE("progress guards: a clock that stands still or overflows, a source beyond max_events",
          "[pipeline][hardening]") {
    SECTION("time stands still: re-sends of 1e-300 at t = 1e16 do not move the clock") {
        // Eleven sources deliver at the same instant t = 1e16 into a link that always loses
        // and re-sends after 1e-300: 11 x 10^6 events at one instant, none moving time.
        std::string yaml =
            "name: s\ntime_unit: hour\nrun: {horizon: 1.5e16, warmup: 0, "
            "replications: 1, seed: 1}\nstages:\n";
        std::string routes = "routes:\n";
        for (int k = 0; k < 11; ++k) {
            yaml += "  src" + std::to_string(k) + ": {type: source, interarrival: 1e16}\n";
            routes += "  - {from: src" + std::to_string(k) + ", to: net}\n";
        }
        yaml +=
            "  net: {type: link, delay: 1, loss_prob: 1, retry: {timeout: 1e-300, max: "
            "1000000}}\n  out: {type: sink}\n";
        routes += "  - {from: net, to: out}\n";
        const std::string why = run_limit_message(load_scenario_text(yaml + routes, "s.yaml"));
        CHECK_THAT(why, Catch::Contains("time stands still at t = 1e+16"));
    }
    SECTION("the clock overflows: a service of 1e308 in an order-count run") {
        const std::string yaml =
            "name: i\ntime_unit: hour\nrun: {orders: 100, warmup: 0, replications: 1}\n"
            "stages:\n  orders: {type: source, interarrival: 1}\n"
            "  m: {type: station, service: 1e308}\n  out: {type: sink}\n"
            "routes:\n  - {from: orders, to: m}\n  - {from: m, to: out}\n";
        const std::string why = run_limit_message(load_scenario_text(yaml, "i.yaml"));
        CHECK_THAT(why, Catch::Contains("the clock passed the largest number"));
    }
    SECTION("a retry storm stops at run.max_events, saying how to raise it") {
        // 1 000 orders, each sent about 100 times before one gets through: some 10^5 events,
        // which no load-time estimate foresees (the source alone creates 1 000 orders).
        const std::string yaml =
            "name: r\ntime_unit: hour\nrun: {horizon: 1000, seed: 1, max_events: 10000}\n"
            "stages:\n  orders: {type: source, interarrival: 1}\n"
            "  net: {type: link, delay: 0.5, loss_prob: 0.99, retry: {timeout: 0.01, max: "
            "1000000}}\n  out: {type: sink}\n"
            "routes:\n  - {from: orders, to: net}\n  - {from: net, to: out}\n";
        const std::string why = run_limit_message(load_scenario_text(yaml, "r.yaml"));
        CHECK_THAT(why, Catch::Contains("more than run.max_events = 10000 events by t ="));
        CHECK_THAT(why, Catch::Contains("raise run.max_events (default 1e9)"));
    }
    SECTION("a source that alone needs more than run.max_events is refused before it starts") {
        const std::string yaml =
            "name: f\ntime_unit: hour\nrun: {horizon: 1000, warmup: 0, replications: 1}\n"
            "stages:\n  orders: {type: source, interarrival: 1e-300}\n  out: {type: sink}\n"
            "routes:\n  - {from: orders, to: out}\n";
        // The loader refuses it with its place in the file ...
        try {
            (void)load_scenario_text(yaml, "f.yaml");
            FAIL("the loader should have refused it");
        } catch (const ScenarioError& e) {
            CHECK_THAT(e.what(), Catch::Contains("f.yaml:5:40: stages.orders.interarrival"));
            CHECK_THAT(e.what(), Catch::Contains("creates about 1e+303 orders"));
            CHECK_THAT(e.what(), Catch::Contains("run.max_events = 1e+09"));
        }
        // ... and the engine, by the same rule, a Scenario changed after loading.
        const std::string fine =
            "name: f\ntime_unit: hour\nrun: {horizon: 1000, warmup: 0, replications: 1}\n"
            "stages:\n  orders: {type: source, interarrival: 0.001}\n  out: {type: sink}\n"
            "routes:\n  - {from: orders, to: out}\n";
        Scenario sc = load_scenario_text(fine, "f.yaml");
        sc.run.max_events = 1e5;
        const std::string why = run_limit_message(sc);
        CHECK_THAT(why, Catch::Contains("creates about 1e+06 orders"));
        CHECK_THAT(why, Catch::Contains("run.max_events = 1e+05"));
    }
}
