// Flow analysis: arrival rates and loads against hand-solved tandem, feedback and quality networks.
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "models/graph/flow_analysis.hpp"
#include "models/input/load.hpp"

using namespace qosim::models;

TEST_CASE("tandem line: every stage sees the source's rate", "[flow]") {
    const Scenario sc = load_scenario_text(
        "run: {horizon: 10}\n"
        "stages:\n"
        "  in: {type: source, interarrival: {dist: exponential, mean: 0.5}}\n"
        "  a: {type: station, service: {dist: exponential, mean: 0.4}}\n"
        "  b: {type: station, servers: 2, service: 0.9}\n"
        "  ship: {type: link, delay: 3}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: a}\n  - {from: a, to: b}\n  - {from: b, to: ship}\n"
        "  - {from: ship, to: out}\n",
        "tandem.yaml");
    const FlowAnalysis f = analyse_flow(sc);
    for (const double rate : f.arrival_rate) CHECK(rate == Approx(2.0));
    CHECK(f.utilization[0] == 0);
    CHECK(f.utilization[1] == Approx(0.8));
    CHECK(f.utilization[2] == Approx(0.9));  // 2 x 0.9 / 2 servers
    CHECK(f.utilization[3] == Approx(6.0));  // link: mean in transit, lambda x E[delay]
    CHECK(f.saturated == std::vector<bool>{false, false, false, false, false});
    CHECK_FALSE(f.any_saturated());
}

TEST_CASE("probabilistic feedback: lambda = gamma / (1 - p)", "[flow]") {
    // Rework loop: after `test`, a share p = 0.25 goes back through `fix` to `test`.
    const Scenario sc = load_scenario_text(
        "run: {horizon: 10}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 1}\n"
        "  test: {type: station, service: 0.8}\n"
        "  fix: {type: station, service: 2}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: test}\n  - {from: test, to: out, prob: 0.75}\n"
        "  - {from: test, to: fix, prob: 0.25}\n  - {from: fix, to: test}\n",
        "feedback.yaml");
    const FlowAnalysis f = analyse_flow(sc);
    const double lambda_test = 1.0 / (1.0 - 0.25);
    CHECK(f.arrival_rate[0] == Approx(1.0));
    CHECK(f.arrival_rate[1] == Approx(lambda_test));
    CHECK(f.arrival_rate[2] == Approx(0.25 * lambda_test));
    CHECK(f.arrival_rate[3] == Approx(1.0));              // everything that enters leaves
    CHECK(f.loads[1].load == Approx(0.8 * lambda_test));  // 1.067: cannot keep up
    CHECK(f.utilization[1] == Approx(1.0));  // so it is busy all the time it is staffed
    CHECK(f.loads[1].verdict == qosim::models::LoadVerdict::saturated);
    CHECK(f.utilization[2] == Approx(2 * 0.25 * lambda_test));
    CHECK(f.saturated[1] == true);
    CHECK(f.saturated[2] == false);
    CHECK(f.any_saturated());
}

namespace {

Route to(std::size_t stage) {
    Route r;
    r.to = stage;
    return r;
}

}  // namespace

TEST_CASE("flow follows quality: inspection outcomes, rework, scrap and link loads", "[flow]") {
    // Every unit is damaged at `make`; `aoi` catches 80 % of the defects (and fails 10 % of
    // good units), failed units go to `fix` (which repairs) and back: visits to aoi solve
    // v = 1 + v (0.8 P(defective) + 0.1 P(good)) with the first visit defective, later good.
    const Scenario sc = load_scenario_text(
        "run: {horizon: 10}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 0.5}\n"
        "  make: {type: station, service: 0.1, defect_prob: 1}\n"
        "  aoi: {type: inspection, service: 0.2, detect_prob: 0.8, false_alarm_prob: 0.1,\n"
        "        shifts: {cycle: 10, servers: [{from: 0, to: 5, servers: 2}]}}\n"
        "  fix: {type: station, service: 0.1, repairs: true}\n"
        "  ship: {type: link, delay: 4, loss_prob: 0.5, retry: {timeout: 1, max: 1}}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: make}\n  - {from: make, to: aoi}\n"
        "  - {from: aoi, to: ship, when: pass}\n  - {from: aoi, to: fix, when: fail}\n"
        "  - {from: fix, to: aoi}\n  - {from: ship, to: out}\n",
        "quality_flow.yaml");
    const FlowAnalysis f = analyse_flow(sc);
    // First visit: fail 0.8 (to fix, then good); pass 0.2 (defective, leaves). Good units
    // fail 0.1 each visit: expected visits of a good unit 1 / 0.9.
    const double visits_aoi = 1.0 + 0.8 / 0.9;
    CHECK(f.arrival_rate[0] == Approx(2.0));
    CHECK(f.arrival_rate[1] == Approx(2.0));
    CHECK(f.arrival_rate[2] == Approx(2.0 * visits_aoi));
    CHECK(f.arrival_rate[3] == Approx(2.0 * (visits_aoi - 1.0)));
    CHECK(f.arrival_rate[4] == Approx(2.0));
    CHECK(f.arrival_rate[5] == Approx(2.0 * (1 - 0.25)));  // lost unless one of two sends lands
    // Shift-averaged servers: 2 x 5 / 10 = 1, plus the overtime of the two servers that go off
    // shift each cycle finishing a job (station_load() is tested on its own).
    const auto& aoi = f.loads[2];
    CHECK(aoi.work == Approx(2.0 * visits_aoi * 0.2));
    CHECK(aoi.staffed == Approx(1.0));
    CHECK(aoi.overtime > 0.0);
    CHECK(f.utilization[2] == Approx(aoi.work / (aoi.staffed + aoi.overtime)));
    CHECK(f.utilization[4] == Approx(8.0));  // link: in transit, lambda x E[delay]
    CHECK_FALSE(f.any_saturated());
}

TEST_CASE("a trapping loop has no solution", "[flow]") {
    Scenario sc;
    StageSpec in;
    in.name = "in";
    in.type = StageType::source;
    in.interarrival = qosim::sim::Distribution::constant(1);
    in.routes = {to(1)};
    StageSpec a;
    a.name = "a";
    a.routes = {to(2)};
    StageSpec b;
    b.name = "b";
    b.routes = {to(1)};
    sc.stages = {in, a, b};
    CHECK_THROWS_AS(analyse_flow(sc), std::runtime_error);
    CHECK_THROWS_WITH(analyse_flow(sc),
                      "the loop a -> b -> a has no exit: every order that "
                      "enters it circulates forever");
}

TEST_CASE("two products with routes of their own: rates by share, service by product",
          "[flow][products]") {
    // Source rate 2: product a (share 0.25, rate 0.5) goes m -> x -> out; product b (share
    // 0.75, rate 1.5) takes m's shared route to y, which sends 40 % back to m. b's visits to m
    // and y: v = 1 + 0.4 v, so v = 1 / 0.6 = 5/3.
    const Scenario sc = load_scenario_text(
        "run: {horizon: 10}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 0.5,\n"
        "       products: {a: {share: 0.25}, b: {share: 0.75}}}\n"
        "  m: {type: station, servers: 3, service: 0.4, service_by_product: {b: 0.8}}\n"
        "  x: {type: station, service: 1}\n"
        "  y: {type: station, service: 0.2}\n"
        "  out: {type: sink}\n"
        "routes:\n"
        "  - {from: in, to: m}\n"
        "  - {from: m, to: x, product: a}\n"
        "  - {from: m, to: y}\n"
        "  - {from: x, to: out}\n"
        "  - {from: y, to: out, prob: 0.6}\n"
        "  - {from: y, to: m, prob: 0.4}\n",
        "products_flow.yaml");
    const FlowAnalysis f = analyse_flow(sc);
    const double b_visits = 1.0 / 0.6;
    CHECK(f.arrival_rate[0] == Approx(2.0));
    CHECK(f.arrival_rate[1] == Approx(0.5 + 1.5 * b_visits));  // 3.0
    CHECK(f.arrival_rate[1] == Approx(3.0));
    CHECK(f.arrival_rate[2] == Approx(0.5));             // only a
    CHECK(f.arrival_rate[3] == Approx(1.5 * b_visits));  // only b: 2.5
    CHECK(f.arrival_rate[4] == Approx(2.0));
    // m: (0.5 x 0.4 + 2.5 x 0.8) / 3 servers; x: 0.5 x 1; y: 2.5 x 0.2.
    CHECK(f.utilization[1] == Approx((0.5 * 0.4 + 2.5 * 0.8) / 3.0));
    CHECK(f.utilization[2] == Approx(0.5));
    CHECK(f.utilization[3] == Approx(0.5));
    CHECK_FALSE(f.any_saturated());
}
