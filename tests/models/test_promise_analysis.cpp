// Promise analysis: the lateness lower bound against hand-computed probabilities, targets the
// static figures decide, and faults outside the observed window.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/graph/absorbing_chain.hpp"
#include "models/graph/promise_analysis.hpp"
#include "models/input/load.hpp"

using namespace qosim::models;
using qosim::sim::Distribution;

TEST_CASE("late_probability_lower: exact for one random delay and a constant due date",
          "[promise]") {
    bool exact = false;
    // P(U(0, 10) > 7) = 0.3.
    CHECK(late_probability_lower({Distribution::uniform(0, 10)}, 0, Distribution::constant(7),
                                 &exact) == Approx(0.3).margin(1e-15));
    CHECK(exact);
    // Constants add exactly: P(2 + U(0, 10) > 9) = 0.3; lateness is strict (a delivery at the
    // due time is on time).
    CHECK(late_probability_lower({Distribution::uniform(0, 10), Distribution::constant(1)}, 1,
                                 Distribution::constant(9), &exact) == Approx(0.3));
    CHECK(exact);
    CHECK(late_probability_lower({}, 5, Distribution::constant(4)) == 1.0);
    CHECK(late_probability_lower({}, 5, Distribution::constant(5)) == 0.0);
    // Triangular 12/18/40 against 36 (the electronics line's carrier): 4^2 / (28 x 22).
    CHECK(late_probability_lower({Distribution::triangular(12, 18, 40)}, 0,
                                 Distribution::constant(36)) == Approx(16.0 / 616.0));
}

TEST_CASE("late_probability_lower: a bound, close to the exact value, for sums", "[promise]") {
    bool exact = true;
    // U(0,1) + U(0,1) > 1.5 with probability 1/8.
    const double two =
        late_probability_lower({Distribution::uniform(0, 1), Distribution::uniform(0, 1)}, 0,
                               Distribution::constant(1.5), &exact);
    CHECK_FALSE(exact);
    CHECK(two <= 0.125);
    CHECK(two >= 0.125 - 0.01);
    // Erlang-2 as two exponentials: P(E1 + E2 > t) = e^-t (1 + t), mean 1 each, t = 3.
    const double erl = late_probability_lower(
        {Distribution::exponential(1), Distribution::exponential(1)}, 0, Distribution::constant(3));
    const double exact_erl = std::exp(-3.0) * 4.0;
    CHECK(erl <= exact_erl + 1e-12);
    CHECK(erl >= exact_erl - 0.01);
    // A random due date: P(5 > T), T ~ U(0, 10), is 0.5; rounded up onto the grid.
    const double due = late_probability_lower({}, 5, Distribution::uniform(0, 10), &exact);
    CHECK_FALSE(exact);
    CHECK(due <= 0.5);
    CHECK(due >= 0.49);
    // P(X > T) for X ~ U(0, 10), T ~ U(0, 10) independent: 1/2.
    const double both =
        late_probability_lower({Distribution::uniform(0, 10)}, 0, Distribution::uniform(0, 10));
    CHECK(both <= 0.5 + 1e-12);
    CHECK(both >= 0.49);
}

namespace {

const char* kSplit =
    "run: {horizon: 1000, warmup: 100}\n"
    "stages:\n"
    "  in: {type: source, interarrival: 1, due_in: 8}\n"
    "  pack: {type: station, service: 1}\n"
    "  fast: {type: link, delay: 1}\n"
    "  slow: {type: link, delay: {dist: uniform, min: 0, max: 10}}\n"
    "  out: {type: sink}\n"
    "routes:\n"
    "  - {from: in, to: pack}\n"
    "  - {from: pack, to: fast, prob: 0.5}\n"
    "  - {from: pack, to: slow, prob: 0.5}\n"
    "  - {from: fast, to: out}\n"
    "  - {from: slow, to: out}\n";

}  // namespace

TEST_CASE("analyse_promises weights the paths by their routing probabilities", "[promise]") {
    const Scenario sc = load_scenario_text(std::string(kSplit) +
                                               "targets:\n  late_rate: {max: 0.1}\n"
                                               "  on_time_rate: {min: 0.9}\n"
                                               "  customer_error_rate: {max: 0.5}\n",
                                           "split.yaml");
    const PromiseAnalysis p = analyse_promises(sc, analyse_quality(sc));
    REQUIRE(p.classes.size() == 1);
    // slow path: P(1 + U(0,10) > 8) = 0.3, taken by half the orders.
    CHECK(p.classes[0].late_lower == Approx(0.15));
    CHECK(p.classes[0].exact);
    CHECK(p.classes[0].covered == Approx(1.0));
    CHECK(p.late_lower == Approx(0.15));
    CHECK(p.on_time_upper == Approx(0.85));
    REQUIRE(p.targets.size() == 3);
    CHECK(p.targets[0].kind == TargetPromise::Kind::lower_bound);
    CHECK(p.targets[0].impossible);        // late_rate >= 0.15 > 0.1
    CHECK(p.targets[1].impossible);        // on_time_rate <= 0.85 < 0.9
    CHECK_FALSE(p.targets[2].impossible);  // customer_error_rate >= 0.15, max 0.5
}

TEST_CASE("analyse_promises: products with their own due dates, a service fault", "[promise]") {
    const Scenario sc = load_scenario_text(
        "run: {horizon: 1000}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 1, due_in: 100,\n"
        "       products: {std: {share: 0.75}, rush: {share: 0.25, due_in: 5}}}\n"
        "  ship: {type: link, delay: {dist: uniform, min: 0, max: 10}}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: ship}\n  - {from: ship, to: out}\n"
        "faults:\n  - {stage: ship, kind: service, at: 10, duration: 5, factor: 0.5}\n",
        "products.yaml");
    const PromiseAnalysis p = analyse_promises(sc, analyse_quality(sc));
    REQUIRE(p.classes.size() == 2);
    CHECK(p.classes[0].late_lower == 0.0);
    // The fault can halve the delay: P(U(0, 5) > 5) = 0 is the bound that stays true.
    CHECK(p.classes[1].late_lower == Approx(0.0).margin(1e-15));
    CHECK(p.classes[1].weight == Approx(0.25));
}

TEST_CASE("analyse_promises walks rework loops down to rare paths", "[promise]") {
    // Each pass through `a` takes 1; the inspection sends half the units back (false alarm),
    // so an order needs k passes with probability 2^-k: late (more than 2.5) when k >= 3.
    const Scenario sc = load_scenario_text(
        "run: {horizon: 1000}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 10, due_in: 2.5}\n"
        "  a: {type: station, service: 1}\n"
        "  q: {type: inspection, service: 0, false_alarm_prob: 0.5}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: a}\n  - {from: a, to: q}\n"
        "  - {from: q, to: out, when: pass}\n  - {from: q, to: a, when: fail}\n",
        "loop.yaml");
    const PromiseAnalysis p = analyse_promises(sc, analyse_quality(sc));
    REQUIRE(p.classes.size() == 1);
    CHECK(p.classes[0].late_lower <= 0.25);
    CHECK(p.classes[0].late_lower >= 0.25 - 1e-6);
    CHECK(p.classes[0].covered < 1.0);
    CHECK_FALSE(p.classes[0].exact);
}

TEST_CASE("fault_timing names faults outside the observed window", "[promise]") {
    const Scenario sc = load_scenario_text(
        "run: {horizon: 1000, warmup: 100}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 1}\n"
        "  a: {type: station, service: 0.5}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: a}\n  - {from: a, to: out}\n"
        "faults:\n"
        "  - {stage: a, kind: outage, at: 10, duration: 20}\n"
        "  - {stage: a, kind: outage, at: 90, duration: 20}\n"
        "  - {stage: a, kind: outage, at: 500, duration: 20}\n"
        "  - {stage: a, kind: outage, at: 990, duration: 20}\n"
        "  - {stage: in, kind: surge, at: 1000, duration: 20, factor: 2}\n",
        "faults.yaml");
    const std::vector<FaultPromise> f = fault_timing(sc);
    REQUIRE(f.size() == 4);
    CHECK((f[0].fault == 0 && f[0].timing == FaultTiming::in_warmup));
    CHECK((f[1].fault == 1 && f[1].timing == FaultTiming::partly_in_warmup));
    CHECK((f[2].fault == 3 && f[2].timing == FaultTiming::partly_after_horizon));
    CHECK((f[3].fault == 4 && f[3].timing == FaultTiming::after_horizon));
}
