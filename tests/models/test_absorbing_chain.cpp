// Static quality analysis (absorbing Markov chain) against hand-computed closed forms.
#include <cmath>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include <catch2/catch.hpp>

#include "models/graph/absorbing_chain.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/graph/station_load.hpp"

using qosim::models::analyse_quality;
using qosim::models::OnScrap;
using qosim::models::Product;
using qosim::models::QualityAnalysis;
using qosim::models::QualityInputError;
using qosim::models::Route;
using qosim::models::RouteWhen;
using qosim::models::Scenario;
using qosim::models::StageSpec;
using qosim::models::StageType;
using qosim::models::TrappingLoopError;
using qosim::sim::Distribution;

namespace {

constexpr double kTol = 1e-12;

StageSpec source(const std::string& name, double mean_interarrival,
                 OnScrap on_scrap = OnScrap::remake) {
    StageSpec s;
    s.name = name;
    s.type = StageType::source;
    s.interarrival = Distribution::exponential(mean_interarrival);
    s.on_scrap = on_scrap;
    return s;
}

StageSpec station(const std::string& name, double defect_prob = 0.0, bool repairs = false,
                  int servers = 1, double mean_service = 0.1) {
    StageSpec s;
    s.name = name;
    s.type = StageType::station;
    s.servers = servers;
    s.service = Distribution::exponential(mean_service);
    s.defect_prob = defect_prob;
    s.repairs = repairs;
    return s;
}

StageSpec inspection(const std::string& name, double detect, double false_alarm) {
    StageSpec s = station(name);
    s.type = StageType::inspection;
    s.detect_prob = detect;
    s.false_alarm_prob = false_alarm;
    return s;
}

StageSpec link(const std::string& name, double loss, double damage) {
    StageSpec s;
    s.name = name;
    s.type = StageType::link;
    s.delay = Distribution::constant(1.0);
    s.loss_prob = loss;
    s.damage_prob = damage;
    return s;
}

StageSpec sink(const std::string& name) {
    StageSpec s;
    s.name = name;
    s.type = StageType::sink;
    return s;
}

std::size_t idx(const Scenario& sc, const std::string& name) { return *sc.find_stage(name); }

// Adds a route; `to == "scrap"` is the built-in scrap target.
void route(Scenario& sc, const std::string& from, const std::string& to, double prob = 1.0,
           RouteWhen when = RouteWhen::any) {
    Route r;
    r.to = to == "scrap" ? qosim::models::kScrapTarget : idx(sc, to);
    r.prob = prob;
    r.when = when;
    sc.stages[idx(sc, from)].routes.push_back(r);
}

// Adds a product of `source` and returns its index.
std::size_t product(Scenario& sc, const std::string& name, const std::string& source,
                    double share) {
    Product p;
    p.name = name;
    p.source = idx(sc, source);
    p.share = share;
    sc.products.push_back(p);
    return sc.products.size() - 1;
}

// Marks the last route out of `from` as taken by product `p` only.
void only_for(Scenario& sc, const std::string& from, std::size_t p) {
    sc.stages[idx(sc, from)].routes.back().product = p;
}

// (8) The four outcomes partition every order, whatever the scenario.
void check_outcomes_sum_to_one(const QualityAnalysis& qa) {
    CHECK(qa.p_delivered_good >= 0.0);
    CHECK(qa.p_delivered_defective >= 0.0);
    CHECK(qa.p_cancelled >= 0.0);
    CHECK(qa.p_lost >= 0.0);
    CHECK(qa.p_delivered_good + qa.p_delivered_defective + qa.p_cancelled + qa.p_lost ==
          Approx(1.0).margin(kTol));
}

// orders -> m1 (p1) -> m2 (p2) -> aoi (detect d, false alarm f); pass -> out, fail -> scrap.
Scenario two_defect_sources(double p1, double p2, double d, double f, OnScrap on_scrap) {
    Scenario sc;
    sc.stages = {source("orders", 1.0, on_scrap), station("m1", p1), station("m2", p2),
                 inspection("aoi", d, f), sink("out")};
    route(sc, "orders", "m1");
    route(sc, "m1", "m2");
    route(sc, "m2", "aoi");
    route(sc, "aoi", "out", 1.0, RouteWhen::pass);
    route(sc, "aoi", "scrap", 1.0, RouteWhen::fail);
    return sc;
}

}  // namespace

TEST_CASE("plain tandem: every order delivered good, one visit each, rho = lambda E[S] / c",
          "[quality]") {
    Scenario sc;
    sc.stages = {source("orders", 0.5), station("a", 0.0, false, 2, 0.6),
                 station("b", 0.0, false, 1, 0.3), sink("out")};
    route(sc, "orders", "a");
    route(sc, "a", "b");
    route(sc, "b", "out");
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    CHECK(qa.p_delivered_good == Approx(1.0).margin(kTol));
    CHECK(qa.p_delivered_defective == Approx(0.0).margin(kTol));
    CHECK(qa.expected_scraps == Approx(0.0).margin(kTol));
    CHECK(qa.expected_reworks == Approx(0.0).margin(kTol));
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        INFO("stage " << sc.stages[i].name);
        CHECK(qa.visits[i] == Approx(1.0).margin(kTol));
        CHECK(qa.arrival_rate[i] == Approx(2.0).margin(kTol));  // lambda = 1 / 0.5
        CHECK(qa.defects_introduced[i] == 0.0);
    }
    CHECK(qa.utilization[idx(sc, "a")] == Approx(2.0 * 0.6 / 2).margin(kTol));
    CHECK(qa.utilization[idx(sc, "b")] == Approx(2.0 * 0.3 / 1).margin(kTol));
    CHECK(qa.utilization[idx(sc, "orders")] == 0.0);
    CHECK(qa.utilization[idx(sc, "out")] == 0.0);
}

TEST_CASE("the chain's utilisation is the station load's, from the work it routes there",
          "[quality]") {
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("smt", 0.0, false, 2, 0.8), link("ship", 0, 0),
                 sink("out")};
    route(sc, "orders", "smt");
    route(sc, "smt", "ship");
    route(sc, "ship", "out");
    StageSpec& smt = sc.stages[idx(sc, "smt")];
    smt.shifts = qosim::models::Shifts{24.0, {{0.0, 16.0, 2}, {16.0, 24.0, 1}}};
    smt.breakdowns =
        qosim::models::Breakdowns{Distribution::exponential(100.0), Distribution::constant(4.0)};
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    // One order per hour, 0.8 hours each (exponential: E[S^2] = 2 x 0.8^2).
    const std::size_t i = idx(sc, "smt");
    CHECK(qa.work[i] == Approx(0.8).margin(kTol));
    CHECK(qa.work_sq[i] == Approx(2 * 0.64).margin(kTol));
    const auto load = qosim::models::station_load(smt, 0.8, 2 * 0.64);
    CHECK(qa.utilization[i] == Approx(load.utilization).margin(kTol));
    CHECK(qa.utilization[idx(sc, "ship")] == 0.0);  // links: no servers
}

TEST_CASE("rework loop: a repaired unit is re-inspected and passes", "[quality]") {
    // p = 0.1, detect 0.9, no false alarms. A defective unit escapes w.p. 0.1 x 0.1; one caught
    // (0.09) is repaired and re-inspected good, so it passes: inspection sees 1 + 0.09 visits.
    Scenario sc;
    sc.stages = {source("orders", 0.5), station("smt", 0.1), inspection("aoi", 0.9, 0.0),
                 station("rework", 0.0, true), sink("out")};
    route(sc, "orders", "smt");
    route(sc, "smt", "aoi");
    route(sc, "aoi", "out", 1.0, RouteWhen::pass);
    route(sc, "aoi", "rework", 1.0, RouteWhen::fail);
    route(sc, "rework", "aoi");
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    CHECK(qa.p_delivered_defective == Approx(0.01).margin(kTol));
    CHECK(qa.p_delivered_good == Approx(0.99).margin(kTol));
    CHECK(qa.visits[idx(sc, "aoi")] == Approx(1.09).margin(kTol));
    CHECK(qa.visits[idx(sc, "rework")] == Approx(0.09).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "aoi")] == Approx(2.0 * 1.09).margin(kTol));
    CHECK(qa.expected_reworks == Approx(0.09).margin(kTol));
    CHECK(qa.expected_scraps == Approx(0.0).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "smt")] == Approx(0.1).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "rework")] == 0.0);
    CHECK(qa.defects_introduced[idx(sc, "aoi")] == 0.0);  // inspections never damage
}

TEST_CASE("a rework station that damages again: repaired units can be re-damaged", "[quality]") {
    // smt p = 0.1, aoi detect 1, rework repairs but damages w.p. r = 0.2. Every defective
    // unit is caught; each pass through rework yields a defective unit again w.p. r, so the
    // number of reworks per defective unit is geometric: 1 / (1 - r).
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("smt", 0.1), inspection("aoi", 1.0, 0.0),
                 station("rework", 0.2, true), sink("out")};
    route(sc, "orders", "smt");
    route(sc, "smt", "aoi");
    route(sc, "aoi", "out", 1.0, RouteWhen::pass);
    route(sc, "aoi", "rework", 1.0, RouteWhen::fail);
    route(sc, "rework", "aoi");
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    CHECK(qa.p_delivered_good == Approx(1.0).margin(kTol));
    CHECK(qa.expected_reworks == Approx(0.1 / 0.8).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "rework")] == Approx(0.1 / 0.8 * 0.2).margin(kTol));
    CHECK(qa.visits[idx(sc, "aoi")] == Approx(1.0 + 0.1 / 0.8).margin(kTol));
}

TEST_CASE("two defect sources, scrap and remake: geometric over remakes", "[quality]") {
    const double p1 = 0.05, p2 = 0.08, d = 0.9, f = 0.02;
    const Scenario sc = two_defect_sources(p1, p2, d, f, OnScrap::remake);
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    const double q = 1.0 - (1.0 - p1) * (1.0 - p2);  // P(defective at the inspection)
    const double pass_defective = q * (1.0 - d);
    const double pass_good = (1.0 - q) * (1.0 - f);
    const double scrap = 1.0 - pass_defective - pass_good;  // per attempt
    const double attempts = 1.0 / (1.0 - scrap);
    CHECK(qa.p_delivered_defective == Approx(pass_defective * attempts).margin(kTol));
    CHECK(qa.p_delivered_good == Approx(pass_good * attempts).margin(kTol));
    CHECK(qa.p_cancelled == Approx(0.0).margin(kTol));
    CHECK(qa.expected_scraps == Approx(scrap / (1.0 - scrap)).margin(kTol));
    CHECK(qa.visits[idx(sc, "orders")] == Approx(1.0).margin(kTol));  // remakes: same order
    CHECK(qa.visits[idx(sc, "m1")] == Approx(attempts).margin(kTol));
    CHECK(qa.visits[idx(sc, "aoi")] == Approx(attempts).margin(kTol));
    CHECK(qa.visits[idx(sc, "out")] == Approx(1.0).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "m1")] == Approx(p1 * attempts).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "m2")] == Approx((1.0 - p1) * p2 * attempts).margin(kTol));
}

TEST_CASE("two defect sources, scrap and cancel: scrap is absorbing", "[quality]") {
    const double p1 = 0.05, p2 = 0.08, d = 0.9, f = 0.02;
    const Scenario sc = two_defect_sources(p1, p2, d, f, OnScrap::cancel);
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    const double q = 1.0 - (1.0 - p1) * (1.0 - p2);
    const double pass_defective = q * (1.0 - d);
    const double pass_good = (1.0 - q) * (1.0 - f);
    const double scrap = 1.0 - pass_defective - pass_good;
    CHECK(qa.p_cancelled == Approx(scrap).margin(kTol));
    CHECK(qa.p_delivered_defective == Approx(pass_defective).margin(kTol));
    CHECK(qa.p_delivered_good == Approx(pass_good).margin(kTol));
    CHECK(qa.expected_scraps == Approx(scrap).margin(kTol));  // one scrap per cancelled order
    CHECK(qa.visits[idx(sc, "m1")] == Approx(1.0).margin(kTol));
    CHECK(qa.visits[idx(sc, "out")] == Approx(1.0 - scrap).margin(kTol));
}

TEST_CASE("lossy link with retries and damage", "[quality]") {
    // loss 0.2, retry max 2: lost only if all 3 sends are lost, 0.2^3 = 0.008.
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("pack", 0.1), link("ship", 0.2, 0.05), sink("out")};
    route(sc, "orders", "pack");
    route(sc, "pack", "ship");
    route(sc, "ship", "out");
    sc.stages[idx(sc, "ship")].retry = qosim::models::Retry{0.5, 2};
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    const double arrive = 1.0 - 0.008;
    CHECK(qa.p_lost == Approx(0.008).margin(kTol));
    // Defective on arrival: damaged by pack, or good from pack and damaged on the way.
    CHECK(qa.p_delivered_defective == Approx(arrive * (1.0 - 0.9 * 0.95)).margin(kTol));
    CHECK(qa.p_delivered_good == Approx(arrive * 0.9 * 0.95).margin(kTol));
    // The link only damages units that arrive good: pack's defects are not counted twice.
    CHECK(qa.defects_introduced[idx(sc, "ship")] == Approx(arrive * 0.9 * 0.05).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "pack")] == Approx(0.1).margin(kTol));
    CHECK(qa.visits[idx(sc, "out")] == Approx(arrive).margin(kTol));

    SECTION("without retry, one loss draw") {
        sc.stages[idx(sc, "ship")].retry.reset();
        const QualityAnalysis once = analyse_quality(sc);
        check_outcomes_sum_to_one(once);
        CHECK(once.p_lost == Approx(0.2).margin(kTol));
    }
}

TEST_CASE("Jackson feedback: a station routing 30 % back to itself", "[quality]") {
    Scenario sc;
    sc.stages = {source("orders", 0.25), station("test", 0.0, false, 2, 0.3), sink("out")};
    route(sc, "orders", "test");
    route(sc, "test", "test", 0.3);
    route(sc, "test", "out", 0.7);
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    const double lambda = 4.0;
    CHECK(qa.visits[idx(sc, "test")] == Approx(1.0 / 0.7).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "test")] == Approx(lambda / 0.7).margin(kTol));
    CHECK(qa.utilization[idx(sc, "test")] == Approx(lambda / 0.7 * 0.3 / 2).margin(kTol));
    CHECK(qa.p_delivered_good == Approx(1.0).margin(kTol));
    // Agrees with the traffic equations solved on the stage graph.
    const auto flow = qosim::models::analyse_flow(sc);
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        CHECK(qa.arrival_rate[i] == Approx(flow.arrival_rate[i]).margin(1e-9));
    }
}

TEST_CASE("several sources: weighted by arrival rate, each remakes at its own routes",
          "[quality]") {
    // a (rate 1, remake) and b (rate 1, cancel) feed one inspection through their own
    // stations (p = 0.5); the inspection catches every defect and scraps it.
    Scenario sc;
    sc.stages = {source("a", 1.0, OnScrap::remake),
                 source("b", 1.0, OnScrap::cancel),
                 station("ma", 0.5),
                 station("mb", 0.5),
                 inspection("aoi", 1.0, 0.0),
                 sink("out")};
    route(sc, "a", "ma");
    route(sc, "b", "mb");
    route(sc, "ma", "aoi");
    route(sc, "mb", "aoi");
    route(sc, "aoi", "out", 1.0, RouteWhen::pass);
    route(sc, "aoi", "scrap", 1.0, RouteWhen::fail);
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    // a: remade until good, 1 scrap on average, 2 visits to ma and aoi; b: cancelled w.p. 0.5.
    CHECK(qa.p_delivered_good == Approx(0.75).margin(kTol));
    CHECK(qa.p_cancelled == Approx(0.25).margin(kTol));
    CHECK(qa.expected_scraps == Approx(0.5 * 1.0 + 0.5 * 0.5).margin(kTol));
    CHECK(qa.visits[idx(sc, "a")] == Approx(0.5).margin(kTol));
    CHECK(qa.visits[idx(sc, "ma")] == Approx(0.5 * 2.0).margin(kTol));
    CHECK(qa.visits[idx(sc, "mb")] == Approx(0.5 * 1.0).margin(kTol));  // never remade
    CHECK(qa.visits[idx(sc, "aoi")] == Approx(0.5 * 2.0 + 0.5 * 1.0).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "aoi")] == Approx(2.0 * 1.5).margin(kTol));

    SECTION("unequal rates shift the weights") {
        sc.stages[idx(sc, "b")].interarrival = Distribution::exponential(1.0 / 3.0);
        const QualityAnalysis w = analyse_quality(sc);
        check_outcomes_sum_to_one(w);
        CHECK(w.p_cancelled == Approx(0.75 * 0.5).margin(kTol));
        CHECK(w.arrival_rate[idx(sc, "b")] == Approx(3.0).margin(kTol));
    }
}

TEST_CASE("a loop with no exit is named in the error", "[quality]") {
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("a"), station("b"), sink("out")};
    route(sc, "orders", "a");
    route(sc, "a", "b");
    route(sc, "b", "a");
    REQUIRE_THROWS_AS(analyse_quality(sc), std::runtime_error);
    REQUIRE_THROWS_WITH(analyse_quality(sc),
                        Catch::Matchers::Contains("the loop a -> b -> a has no exit") &&
                            Catch::Matchers::Contains("circulates forever"));
}

// The loader places and hints the errors from their fields, never from their text.
template <class Error>
Error error_of(const Scenario& sc) {
    try {
        (void)analyse_quality(sc);
    } catch (const Error& e) {
        return e;
    }
    FAIL("analyse_quality did not throw the expected error");
    throw std::logic_error("unreachable");
}

TEST_CASE("quality errors carry their stage and whether a remake closes the loop", "[quality]") {
    Scenario loop;
    loop.stages = {source("orders", 1.0), station("a"), station("b"), sink("out")};
    route(loop, "orders", "a");
    route(loop, "a", "b");
    route(loop, "b", "a");
    const auto trap = error_of<TrappingLoopError>(loop);
    CHECK(trap.stages() == std::vector<std::size_t>{1, 2});
    CHECK_FALSE(trap.through_remake());

    Scenario remake;
    remake.stages = {source("orders", 1.0), station("m"), inspection("aoi", 1.0, 1.0), sink("out")};
    route(remake, "orders", "m");
    route(remake, "m", "aoi");
    route(remake, "aoi", "out", 1.0, RouteWhen::pass);
    route(remake, "aoi", "scrap", 1.0, RouteWhen::fail);
    CHECK(error_of<TrappingLoopError>(remake).through_remake());

    // A stage named like a word of the message ("stage", "route") does not capture it.
    Scenario dead_end;
    dead_end.stages = {source("stage", 1.0), station("m"), sink("route")};
    route(dead_end, "stage", "m");
    const auto input = error_of<QualityInputError>(dead_end);
    CHECK(input.stage() == std::optional<std::size_t>(1));
    CHECK(input.reason() == "stage m has no route out, but units leave it that way");
    CHECK(std::string(input.what()) == "quality analysis: " + input.reason());

    Scenario none;
    none.stages = {station("m"), sink("out")};
    route(none, "m", "out");
    CHECK_FALSE(error_of<QualityInputError>(none).stage().has_value());
}

TEST_CASE("a trap only defective units fall into is found when defects occur", "[quality]") {
    // aoi catches every defect and sends it to `fix`, which does not repair: a defective unit
    // circulates forever; good units pass. Harmless while nothing is ever damaged.
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("smt", 0.0), inspection("aoi", 1.0, 0.0),
                 station("fix"), sink("out")};
    route(sc, "orders", "smt");
    route(sc, "smt", "aoi");
    route(sc, "aoi", "out", 1.0, RouteWhen::pass);
    route(sc, "aoi", "fix", 1.0, RouteWhen::fail);
    route(sc, "fix", "aoi");
    const QualityAnalysis clean = analyse_quality(sc);
    check_outcomes_sum_to_one(clean);
    CHECK(clean.p_delivered_good == Approx(1.0).margin(kTol));

    sc.stages[idx(sc, "smt")].defect_prob = 0.01;
    REQUIRE_THROWS_WITH(analyse_quality(sc),
                        Catch::Matchers::Contains("the loop aoi -> fix -> aoi has no exit"));
}

TEST_CASE("an endless remake loop names the scrap step", "[quality]") {
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("m"), inspection("aoi", 1.0, 1.0), sink("out")};
    route(sc, "orders", "m");
    route(sc, "m", "aoi");
    route(sc, "aoi", "out", 1.0, RouteWhen::pass);
    route(sc, "aoi", "scrap", 1.0, RouteWhen::fail);  // false alarm 1: everything is scrapped
    REQUIRE_THROWS_WITH(analyse_quality(sc), Catch::Matchers::Contains(
                                                 "orders -> m -> aoi -> scrap (remake) -> orders"));
    sc.stages[idx(sc, "orders")].on_scrap = OnScrap::cancel;
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    CHECK(qa.p_cancelled == Approx(1.0).margin(kTol));
}

TEST_CASE("inspection outcomes fall back to when: any routes", "[quality]") {
    // fail -> rework (repairs), pass has no route of its own: takes the `any` route to out.
    Scenario sc;
    sc.stages = {source("orders", 1.0), station("smt", 0.2), inspection("aoi", 0.5, 0.0),
                 station("rework", 0.0, true), sink("out")};
    route(sc, "orders", "smt");
    route(sc, "smt", "aoi");
    route(sc, "aoi", "rework", 1.0, RouteWhen::fail);
    route(sc, "aoi", "out", 1.0, RouteWhen::any);
    route(sc, "rework", "aoi");
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    CHECK(qa.p_delivered_defective == Approx(0.2 * 0.5).margin(kTol));
    CHECK(qa.visits[idx(sc, "rework")] == Approx(0.1).margin(kTol));
}

TEST_CASE("scenarios validation would reject are reported, not solved", "[quality]") {
    Scenario none;
    none.stages = {station("m"), sink("out")};
    route(none, "m", "out");
    CHECK_THROWS_AS(analyse_quality(none), std::invalid_argument);

    Scenario dead_end;
    dead_end.stages = {source("orders", 1.0), station("m"), sink("out")};
    route(dead_end, "orders", "m");
    CHECK_THROWS_WITH(analyse_quality(dead_end), Catch::Matchers::Contains("m has no route out"));
}

TEST_CASE("products: each runs its own chain, outcomes are the share-weighted mixture",
          "[quality][products]") {
    // One source (rate 2): `std` (share 0.8) goes through `m` (defect 0.1) to `out`; `gold`
    // (share 0.2) has its own route out of `m` to `check` (detects everything, scraps it with
    // remake) and then `out`. gold: delivered good always, scraps 0.1 / 0.9 per order.
    Scenario sc;
    sc.stages = {source("orders", 0.5), station("m", 0.1, false, 2, 0.5),
                 inspection("check", 1.0, 0.0), sink("out")};
    const std::size_t std_p = product(sc, "std", "orders", 0.8);
    const std::size_t gold = product(sc, "gold", "orders", 0.2);
    route(sc, "orders", "m");
    route(sc, "m", "out");
    route(sc, "m", "check");
    only_for(sc, "m", gold);
    route(sc, "check", "out", 1.0, RouteWhen::pass);
    route(sc, "check", "scrap", 1.0, RouteWhen::fail);
    sc.stages[idx(sc, "m")].service_by_product = {{gold, Distribution::constant(2.0)}};
    (void)std_p;
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    const double gold_attempts = 1.0 / 0.9;
    CHECK(qa.p_delivered_defective == Approx(0.8 * 0.1).margin(kTol));
    CHECK(qa.p_delivered_good == Approx(0.8 * 0.9 + 0.2).margin(kTol));
    CHECK(qa.expected_scraps == Approx(0.2 * 0.1 * gold_attempts).margin(kTol));
    CHECK(qa.visits[idx(sc, "orders")] == Approx(1.0).margin(kTol));
    CHECK(qa.visits[idx(sc, "m")] == Approx(0.8 + 0.2 * gold_attempts).margin(kTol));
    CHECK(qa.visits[idx(sc, "check")] == Approx(0.2 * gold_attempts).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "check")] == Approx(2.0 * 0.2 * gold_attempts).margin(kTol));
    CHECK(qa.defects_introduced[idx(sc, "m")] ==
          Approx(0.1 * (0.8 + 0.2 * gold_attempts)).margin(kTol));
    // m's work: std 1.6 / time x 0.5 plus gold 0.4 x 10/9 / time x 2, over 2 servers.
    CHECK(qa.utilization[idx(sc, "m")] ==
          Approx((1.6 * 0.5 + 0.4 * gold_attempts * 2.0) / 2.0).margin(kTol));

    SECTION("a loop only one product is caught in is named with the product") {
        route(sc, "check", "m", 1.0, RouteWhen::fail);
        only_for(sc, "check", gold);
        route(sc, "check", "check", 1.0, RouteWhen::pass);
        only_for(sc, "check", gold);
        REQUIRE_THROWS_WITH(
            analyse_quality(sc),
            Catch::Matchers::Contains("has no exit: every `gold` order that enters it"));
    }
}

TEST_CASE("a source without products beside one with products keeps the shared routes",
          "[quality][products]") {
    // `plain` (rate 1) has no products and takes m's shared route to `out`; `web` (rate 1)
    // makes only `vip`, whose own route out of m goes through `lossy` (loss 0.5).
    Scenario sc;
    sc.stages = {source("plain", 1.0), source("web", 1.0), station("m"), link("lossy", 0.5, 0.0),
                 sink("out")};
    const std::size_t vip = product(sc, "vip", "web", 1.0);
    route(sc, "plain", "m");
    route(sc, "web", "m");
    route(sc, "m", "out");
    route(sc, "m", "lossy");
    only_for(sc, "m", vip);
    route(sc, "lossy", "out");
    const QualityAnalysis qa = analyse_quality(sc);
    check_outcomes_sum_to_one(qa);
    CHECK(qa.p_lost == Approx(0.5 * 0.5).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "m")] == Approx(2.0).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "lossy")] == Approx(1.0).margin(kTol));
    CHECK(qa.arrival_rate[idx(sc, "out")] == Approx(1.5).margin(kTol));

    SECTION("a product with no route it takes out of a stage it reaches is rejected") {
        sc.stages[idx(sc, "m")].routes[0].product = vip;  // now plain has nowhere to go
        CHECK_THROWS_WITH(analyse_quality(sc), Catch::Matchers::Contains("m has no route out"));
    }
}

namespace {

// A random line of `n` stages with loops: stations that damage units, links that lose and
// damage them, inspections sending failures back to an earlier stage or to scrap, and
// feedback routes from stations to earlier stages. Every stage has a way forward, so no loop
// traps orders. Two products, one with routes of its own out of one station.
Scenario random_looped_line(std::mt19937_64& gen, std::size_t n) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Scenario sc;
    sc.stages.push_back(source("src", 1.0, u(gen) < 0.5 ? OnScrap::remake : OnScrap::cancel));
    for (std::size_t i = 1; i + 1 < n; ++i) {
        std::string name = "s";  // appended: GCC 12 -Wrestrict misreports "lit" + string
        name += std::to_string(i);
        const double kind = u(gen);
        if (kind < 0.5) {
            sc.stages.push_back(station(name, 0.05 * u(gen), u(gen) < 0.2));
        } else if (kind < 0.75) {
            sc.stages.push_back(link(name, 0.02 * u(gen), 0.05 * u(gen)));
        } else {
            sc.stages.push_back(inspection(name, 0.5 + 0.5 * u(gen), 0.05 * u(gen)));
        }
    }
    sc.stages.push_back(sink("out"));
    const std::size_t p0 = product(sc, "p0", "src", 0.4);
    (void)product(sc, "p1", "src", 0.6);
    route(sc, "src", "s1");
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const StageSpec& s = sc.stages[i];
        const std::string from = s.name;
        const std::string next = sc.stages[i + 1].name;
        const std::string back = sc.stages[1 + gen() % i].name;
        if (s.type == StageType::inspection) {
            route(sc, from, next, 1.0, RouteWhen::pass);
            const double rework = 0.3 + 0.6 * u(gen);
            route(sc, from, back, rework, RouteWhen::fail);
            route(sc, from, "scrap", 1.0 - rework, RouteWhen::fail);
        } else if (s.type == StageType::station && u(gen) < 0.4) {
            const double loop = 0.4 * u(gen);
            route(sc, from, next, 1.0 - loop);
            route(sc, from, back, loop);
            if (u(gen) < 0.3) {  // p0 has its own way out of here: straight on
                route(sc, from, next);
                only_for(sc, from, p0);
            }
        } else {
            route(sc, from, next);
        }
    }
    return sc;
}

}  // namespace

TEST_CASE("the sparse solve agrees with a dense inverse on random looped lines", "[quality]") {
    // The dense oracle: N = (I - Q)^-1 by full-pivoting LU and B = N R, as check solved it
    // before the sparse solver. Deterministic: fixed seeds, no statistics.
    std::mt19937_64 gen(20261202);
    for (int trial = 0; trial < 12; ++trial) {
        const Scenario sc = random_looped_line(gen, 50);
        for (std::size_t k = 0; k < 2; ++k) {
            const auto chain = qosim::models::detail::solved_chain(sc, k);
            const auto m = static_cast<Eigen::Index>(chain.states);
            Eigen::MatrixXd q = Eigen::MatrixXd::Zero(m, m);
            Eigen::MatrixXd r = Eigen::MatrixXd::Zero(m, static_cast<Eigen::Index>(chain.outcomes));
            for (const auto& st : chain.steps) {
                const auto x = static_cast<Eigen::Index>(st.from);
                const auto y = static_cast<Eigen::Index>(st.to);
                if (st.absorbing) {
                    r(x, y) += st.p;
                } else {
                    q(x, y) += st.p;
                }
            }
            const Eigen::FullPivLU<Eigen::MatrixXd> lu(Eigen::MatrixXd::Identity(m, m) - q);
            REQUIRE(lu.isInvertible());
            const Eigen::MatrixXd n = lu.inverse();
            const Eigen::MatrixXd b = n * r;
            REQUIRE(chain.visits.size() == chain.states);
            REQUIRE(chain.absorbed.size() == chain.outcomes);
            INFO("trial " << trial << ", class " << k << ", " << m << " states");
            double worst_visit = 0.0;
            for (Eigen::Index x = 0; x < m; ++x) {
                worst_visit = std::max(worst_visit, std::abs(chain.visits[x] - n(0, x)) /
                                                        std::max(1.0, std::abs(n(0, x))));
            }
            double worst_outcome = 0.0;
            double total = 0.0;
            for (Eigen::Index j = 0; j < b.cols(); ++j) {
                worst_outcome = std::max(
                    worst_outcome, std::abs(chain.absorbed[static_cast<std::size_t>(j)] - b(0, j)));
                total += chain.absorbed[static_cast<std::size_t>(j)];
            }
            CHECK(worst_visit < 1e-12);
            CHECK(worst_outcome < 1e-12);
            CHECK(total == Approx(1.0).margin(1e-12));
            CHECK(m > 40);  // the chain has the stages it should (good and defective states)
        }
        check_outcomes_sum_to_one(analyse_quality(sc));
    }
}
