// The engine's end-of-run WIP diagnostics on deterministic lines worked out by hand.
#include <string>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"

using qosim::models::kWipWindows;
using qosim::models::load_scenario_text;
using qosim::models::run_replication;

TEST_CASE("WIP at the end: in service at a station, in transit on a link", "[engine][wip]") {
    // Orders at t = 1, 2, ...; m serves each for 0.5; ship takes 10. At 100.25 the order of
    // t = 100 is in service, and those that left m at k + 0.5 > 90.25 (k = 90..99) travel.
    const auto sc = load_scenario_text(
        "run: {horizon: 100.25, seed: 1}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  m: {type: station, service: 0.5}\n"
        "  ship: {type: link, delay: 10}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: orders, to: m}\n  - {from: m, to: ship}\n  - {from: ship, to: out}\n",
        "det.yaml");
    const auto r = run_replication(sc, 0, 1);
    REQUIRE(r.wip_at_end.size() == 4);
    CHECK(r.wip_at_end[1].in_service == 1);
    CHECK(r.wip_at_end[1].queued == 0);
    CHECK(r.wip_at_end[1].blocked == 0);
    CHECK(r.wip_at_end[2].in_transit == 10);
    // Equal windows: their mean is the run's time-average WIP.
    REQUIRE(r.wip_windows.size() == kWipWindows);
    double sum = 0;
    for (const double w : r.wip_windows) sum += w;
    CHECK(sum / static_cast<double>(kWipWindows) == Approx(r.wip_mean).epsilon(1e-12));
}

TEST_CASE("WIP at the end: a full queue blocks its sender, whose queue grows", "[engine][wip]") {
    // a (0.5 per order) feeds b (2 per order, one waiting place): b holds one in service and
    // one waiting, a holds a finished unit, and a's own queue grows by about 1/2 per time.
    const auto sc = load_scenario_text(
        "run: {horizon: 200, warmup: 20, seed: 1}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  a: {type: station, service: 0.5}\n"
        "  b: {type: station, service: 2, queue: {capacity: 1}}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: orders, to: a}\n  - {from: a, to: b}\n  - {from: b, to: out}\n",
        "block.yaml");
    const auto r = run_replication(sc, 0, 1);
    REQUIRE(r.wip_at_end.size() == 4);
    CHECK(r.wip_at_end[2].in_service == 1);
    CHECK(r.wip_at_end[2].queued == 1);
    CHECK(r.wip_at_end[1].blocked == 1);
    CHECK(r.wip_at_end[1].in_service == 0);
    CHECK(r.wip_at_end[1].queued == Approx(0.5 * 200).margin(3));
    REQUIRE(r.wip_windows.size() == kWipWindows);
    // Linear growth: the last window's mean is ahead of the first by the span's growth.
    CHECK(r.wip_windows.back() - r.wip_windows.front() == Approx(0.5 * 180 * 31 / 32).margin(3));
}

TEST_CASE("no WIP windows with run.orders (no horizon)", "[engine][wip]") {
    const auto sc = load_scenario_text(
        "run: {orders: 50, seed: 1}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  m: {type: station, service: 0.5}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: orders, to: m}\n  - {from: m, to: out}\n",
        "orders.yaml");
    const auto r = run_replication(sc, 0, 1);
    CHECK(r.wip_windows.empty());
    CHECK(r.wip_at_end.size() == 3);
}
