// Lateness attribution (stages.csv time_mean, time_mean_late, time_mean_on_time,
// late_time_share): an order's lead time splits exactly into its time at each stage.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"

using namespace qosim::models;

namespace {

double sum_of(const ReplicationResult& r, double StageResult::*field) {
    double sum = 0;
    for (const StageResult& s : r.stages) {
        if (!std::isnan(s.*field)) sum += s.*field;
    }
    return sum;
}

}  // namespace

TEST_CASE("attribution: deterministic times split the lead time by stage, late and on time",
          "[attribution]") {
    // Orders every 4 h, 3 h at the press (no queue), 5 h on the truck: every lead time is 8 h.
    // Product `slow` is due in 7 h (late), `fast` in 9 h (on time).
    const std::string yaml =
        "name: d\ntime_unit: hour\nrun: {horizon: 4000, warmup: 0, replications: 1, seed: 1}\n"
        "stages:\n"
        "  orders:\n"
        "    type: source\n"
        "    interarrival: 4\n"
        "    products: {slow: {share: 0.5, due_in: 7}, fast: {share: 0.5, due_in: 9}}\n"
        "  press: {type: station, service: 3}\n"
        "  truck: {type: link, delay: 5}\n"
        "  customer: {type: sink}\n"
        "routes:\n  - {from: orders, to: press}\n  - {from: press, to: truck}\n"
        "  - {from: truck, to: customer}\n";
    const auto r = run_replication(load_scenario_text(yaml, "d.yaml"), 0, 1);
    REQUIRE(r.orders_late > 100);
    REQUIRE(r.orders_late < r.orders_delivered);
    const StageResult& source = r.stages[0];
    const StageResult& press = r.stages[1];
    const StageResult& truck = r.stages[2];
    CHECK(source.time_mean == 0);
    CHECK(press.time_mean == Approx(3.0).epsilon(1e-12));
    CHECK(truck.time_mean == Approx(5.0).epsilon(1e-12));
    CHECK(press.time_mean_late == Approx(3.0).epsilon(1e-12));
    CHECK(press.time_mean_on_time == Approx(3.0).epsilon(1e-12));
    CHECK(truck.time_mean_late == Approx(5.0).epsilon(1e-12));
    CHECK(press.late_time_share == Approx(3.0 / 8).epsilon(1e-12));
    CHECK(truck.late_time_share == Approx(5.0 / 8).epsilon(1e-12));
    CHECK(sum_of(r, &StageResult::time_mean) == Approx(r.lead_time_mean).epsilon(1e-12));
}

TEST_CASE(
    "attribution: queueing, blocking, rework, scrap and re-sends still add up to the lead "
    "time, replication by replication",
    "[attribution]") {
    // Random times, a rework loop, scrap with remake, a bounded queue that blocks upstream and
    // a lossy link with re-sends: every moment of an order belongs to exactly one stage.
    const std::string yaml =
        "name: mix\ntime_unit: hour\nrun: {horizon: 3000, warmup: 300, replications: 4, seed: 7}\n"
        "stages:\n"
        "  orders:\n"
        "    type: source\n"
        "    interarrival: {dist: exponential, mean: 1}\n"
        "    due_in: 12\n"
        "  cut: {type: station, servers: 1, service: {dist: exponential, mean: 0.7},"
        " defect_prob: 0.1}\n"
        "  bend: {type: station, servers: 1, service: {dist: exponential, mean: 0.8},"
        " queue: {capacity: 2}}\n"
        "  check: {type: inspection, servers: 1, service: 0.1, detect_prob: 0.9}\n"
        "  fix: {type: station, repairs: true, service: {dist: exponential, mean: 1}}\n"
        "  post: {type: link, delay: {dist: triangular, min: 2, mode: 4, max: 12},"
        " loss_prob: 0.1, retry: {timeout: 1, max: 3}}\n"
        "  customer: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: cut}\n  - {from: cut, to: bend}\n  - {from: bend, to: check}\n"
        "  - {from: check, to: post, when: pass}\n"
        "  - {from: check, to: fix, when: fail, prob: 0.8}\n"
        "  - {from: check, to: scrap, when: fail, prob: 0.2}\n"
        "  - {from: fix, to: check}\n  - {from: post, to: customer}\n";
    const Scenario scenario = load_scenario_text(yaml, "mix.yaml");
    for (std::uint64_t rep = 0; rep < 4; ++rep) {
        const auto r = run_replication(scenario, rep, 7);
        INFO("replication " << rep);
        REQUIRE(r.orders_late > 0);
        REQUIRE(r.orders_late < r.orders_delivered);
        CHECK(sum_of(r, &StageResult::time_mean) == Approx(r.lead_time_mean).epsilon(1e-9));
        CHECK(sum_of(r, &StageResult::late_time_share) == Approx(1.0).epsilon(1e-12));
        const double late = r.orders_late / r.orders_delivered;
        for (const StageResult& s : r.stages) {
            if (std::isnan(s.time_mean_late)) continue;
            // all = late share x late mean + on-time share x on-time mean
            CHECK(s.time_mean == Approx(late * s.time_mean_late + (1 - late) * s.time_mean_on_time)
                                     .epsilon(1e-9)
                                     .margin(1e-12));
        }
        CHECK(r.stages[5].time_mean > 6.0);  // post: mean delay 6, plus 1 h per re-send
    }
}

TEST_CASE("attribution: without late orders the late columns are undefined (NaN)",
          "[attribution]") {
    const std::string yaml =
        "name: ok\ntime_unit: hour\nrun: {horizon: 200, warmup: 0, replications: 1, seed: 1}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 4, due_in: 100}\n"
        "  press: {type: station, service: 3}\n"
        "  customer: {type: sink}\n"
        "routes:\n  - {from: orders, to: press}\n  - {from: press, to: customer}\n";
    const auto r = run_replication(load_scenario_text(yaml, "ok.yaml"), 0, 1);
    REQUIRE(r.orders_late == 0);
    CHECK(std::isnan(r.stages[1].time_mean_late));
    CHECK(std::isnan(r.stages[1].late_time_share));
    CHECK(r.stages[1].time_mean_on_time == Approx(3.0));
}
