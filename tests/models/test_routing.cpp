// The routing module: which routes an order class takes, inspection fallbacks, remakes.
#include <string>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/scenario/routing.hpp"

using qosim::models::kScrapStage;
using qosim::models::Outcome;
using qosim::models::Routing;
using qosim::models::Scenario;

namespace {

Scenario load(const std::string& stages_and_routes) {
    return qosim::models::load_scenario_text("run: {horizon: 100}\n" + stages_and_routes,
                                             "routing.yaml");
}

std::uint32_t idx(const Scenario& sc, const std::string& name) {
    return static_cast<std::uint32_t>(*sc.find_stage(name));
}

}  // namespace

TEST_CASE("a product with routes of its own out of a stage takes only those", "[routing]") {
    const Scenario sc = load(
        "stages:\n"
        "  orders:\n"
        "    type: source\n"
        "    interarrival: 1\n"
        "    products: {basic: {share: 0.6}, premium: {share: 0.4}}\n"
        "  a: {type: station, service: 0.1}\n"
        "  b: {type: station, service: 0.1}\n"
        "  c: {type: station, service: 0.1}\n"
        "  out: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: a}\n"
        "  - {from: a, to: b, prob: 0.25}\n"
        "  - {from: a, to: out, prob: 0.75}\n"
        "  - {from: a, to: c, product: premium}\n"
        "  - {from: b, to: out}\n"
        "  - {from: c, to: out}\n");
    const Routing routing(sc);
    REQUIRE(routing.class_count() == 3);
    const auto basic = routing.class_of(0);
    const auto premium = routing.class_of(1);
    const auto& shared = routing.table(idx(sc, "a"), basic);
    REQUIRE(shared.to.size() == 2);
    CHECK(shared.to[0] == idx(sc, "b"));
    CHECK(shared.to[1] == idx(sc, "out"));
    CHECK(shared.prob[0] == 0.25);
    CHECK(shared.cum.back() == 1.0);
    const auto& own = routing.table(idx(sc, "a"), premium);
    REQUIRE(own.single());
    CHECK(own.to[0] == idx(sc, "c"));
    // A stage whose routes name no product gives every class the same table.
    CHECK(&routing.table(idx(sc, "orders"), basic) == &routing.table(idx(sc, "orders"), premium));
}

TEST_CASE("an inspection's outcome without routes of its own takes the routes without when",
          "[routing]") {
    const Scenario sc = load(
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  aoi: {type: inspection, service: 0.1, detect_prob: 0.9}\n"
        "  fix: {type: station, service: 0.1, repairs: true}\n"
        "  out: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: aoi}\n"
        "  - {from: aoi, to: fix, when: fail, prob: 0.5}\n"
        "  - {from: aoi, to: scrap, when: fail, prob: 0.5}\n"
        "  - {from: aoi, to: out}\n"
        "  - {from: fix, to: aoi}\n");
    const Routing routing(sc);
    const auto cls = routing.class_of(std::nullopt);
    const auto& pass = routing.table(idx(sc, "aoi"), cls, Outcome::pass);
    REQUIRE(pass.single());
    CHECK(pass.to[0] == idx(sc, "out"));
    const auto& fail = routing.table(idx(sc, "aoi"), cls, Outcome::fail);
    REQUIRE(fail.to.size() == 2);
    CHECK(fail.to[0] == idx(sc, "fix"));
    CHECK(fail.to[1] == kScrapStage);
    CHECK(fail.prob[1] == 0.5);
    // Stages that test nothing have one way out, whatever the outcome asked for.
    CHECK(&routing.table(idx(sc, "fix"), cls, Outcome::fail) ==
          &routing.table(idx(sc, "fix"), cls, Outcome::pass));
}

TEST_CASE("routes of probability 0 are left out, so a stage with one real route draws nothing",
          "[routing]") {
    const Scenario sc = load(
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  a: {type: station, service: 0.1}\n"
        "  b: {type: station, service: 0.1}\n"
        "  out: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: a, prob: 0}\n"
        "  - {from: orders, to: b, prob: 1}\n"
        "  - {from: a, to: out}\n"
        "  - {from: b, to: out}\n");
    const Routing routing(sc);
    const auto& t = routing.table(idx(sc, "orders"), routing.class_of(std::nullopt));
    REQUIRE(t.single());
    CHECK(t.to[0] == idx(sc, "b"));
}

TEST_CASE("a remade unit re-enters through its source's own routes", "[routing]") {
    const Scenario sc = load(
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  a: {type: station, service: 0.1}\n"
        "  b: {type: station, service: 0.1}\n"
        "  out: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: a, prob: 0.5}\n"
        "  - {from: orders, to: b, prob: 0.5}\n"
        "  - {from: a, to: scrap, prob: 0.5}\n"
        "  - {from: a, to: out, prob: 0.5}\n"
        "  - {from: b, to: out}\n");
    const Routing routing(sc);
    const auto cls = routing.class_of(std::nullopt);
    CHECK(&routing.remake_routes(idx(sc, "orders"), cls) == &routing.table(idx(sc, "orders"), cls));
    CHECK(routing.remake_routes(idx(sc, "orders"), cls).to.size() == 2);
}

TEST_CASE("a uniform draw picks the first running share above it", "[routing]") {
    const std::vector<double> cum = qosim::models::cumulative_shares({1.0, 0.0, 3.0});
    REQUIRE(cum.size() == 3);
    CHECK(cum[0] == 0.25);
    CHECK(cum[1] == 0.25);
    CHECK(cum[2] == 1.0);
    CHECK(qosim::models::pick_cumulative(cum, 0.0) == 0);
    CHECK(qosim::models::pick_cumulative(cum, 0.2499) == 0);
    CHECK(qosim::models::pick_cumulative(cum, 0.25) == 2);  // the empty share is never picked
    CHECK(qosim::models::pick_cumulative(cum, 0.9999999) == 2);
}
