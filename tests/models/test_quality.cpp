// Faults and quality on crafted deterministic cases: every count worked out by hand.
#include <string>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"

using qosim::models::load_scenario_text;
using qosim::models::run_replication;

TEST_CASE("customer_error_rate counts each order once: defective + late + lost over concluded",
          "[engine][quality]") {
    // Orders every 1 h split three ways by a deterministic-looking probability: the split is
    // random, but each path produces exactly one kind of outcome, so each sink's arrival count
    // is an independent tally of one category.
    const std::string yaml = R"(name: reconcile
run: {horizon: 1000, seed: 3}
costs: {late_penalty: 10, escape_penalty: 100, lost_penalty: 1000}
stages:
  orders: {type: source, interarrival: 1, due_in: 5}
  bad: {type: station, service: 0.1, defect_prob: 1.0}     # damages every unit
  both: {type: station, service: 9, servers: 20, defect_prob: 1.0}  # damages, and late
  slow: {type: link, delay: 6}                              # late, not defective
  void: {type: link, delay: 0.5, loss_prob: 1.0}           # loses everything
  good: {type: link, delay: 0.5}
  sink_bad: {type: sink}
  sink_both: {type: sink}
  sink_slow: {type: sink}
  sink_good: {type: sink}
routes:
  - {from: orders, to: bad, prob: 0.2}
  - {from: orders, to: both, prob: 0.1}
  - {from: orders, to: slow, prob: 0.2}
  - {from: orders, to: void, prob: 0.2}
  - {from: orders, to: good, prob: 0.3}
  - {from: bad, to: sink_bad}
  - {from: both, to: sink_both}
  - {from: slow, to: sink_slow}
  - {from: void, to: sink_good}
  - {from: good, to: sink_good}
)";
    const auto sc = load_scenario_text(yaml, "r.yaml");
    for (std::uint64_t rep = 0; rep < 5; ++rep) {
        const auto r = run_replication(sc, rep, 3);
        const double bad = r.stages[7 - 1].arrivals;    // sink_bad
        const double both = r.stages[8 - 1].arrivals;   // sink_both
        const double slow = r.stages[9 - 1].arrivals;   // sink_slow
        const double good = r.stages[10 - 1].arrivals;  // sink_good
        const double lost = r.stages[4].lost;           // void
        CHECK(r.orders_delivered == bad + both + slow + good);
        CHECK(r.orders_lost == lost);
        CHECK(r.orders_concluded == r.orders_delivered + lost);
        CHECK(r.orders_defective == bad + both);
        CHECK(r.orders_late == both + slow);
        CHECK(r.customer_errors == bad + both + slow + lost);  // `both` counted once
        CHECK(r.customer_error_rate == (bad + both + slow + lost) / r.orders_concluded);
        CHECK(r.escape_rate == (bad + both) / r.orders_concluded);
        CHECK(r.loss_rate == lost / r.orders_concluded);
        // Attribution: escapes charged to the stage that damaged them, losses to the link.
        CHECK(r.stages[1].defects_escaped == bad);
        CHECK(r.stages[2].defects_escaped == both);
        CHECK(r.stages[1].defects_introduced >= bad);
        CHECK(r.cost_penalties == Approx(10 * (both + slow) + 100 * (bad + both) + 1000 * lost));
        CHECK(lost > 0);
        CHECK(both > 0);
    }
}

TEST_CASE("the survey's Wilson interval is computed from answers and errors", "[engine][survey]") {
    // Orders every 1 h into a station of 1.5 h with no waiting room: served at 1, 3, 5, 7, 9
    // (delivered at 2.5 .. 8.5; the one of 9 is still in service), lost at 2, 4, 6, 8, 10.
    // Every customer answers (rate 1), so 9 answers of which 5 report an error (the lost).
    // Wilson 95 %, p = 5/9, k = z^2/9 = 0.426829: centre = (0.555556 + 0.213414) / 1.426829
    // = 0.538936, half = 1.959964 sqrt(0.246914/9 + 0.426829/36) / 1.426829 = 0.272285,
    // so [0.266651, 0.811221].
    const std::string yaml = R"(name: survey
run: {horizon: 10, seed: 1}
stages:
  orders: {type: source, interarrival: 1}
  m: {type: station, service: 1.5, queue: {capacity: 0}}
  out: {type: sink, survey: {response_rate: 1}}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    const auto r = run_replication(load_scenario_text(yaml, "survey.yaml"), 0, 1);
    REQUIRE(r.has_survey);
    CHECK(r.survey_responses == 9);
    CHECK(r.survey_error_rate == Approx(5.0 / 9));
    CHECK(r.survey_ci95_low == Approx(0.266651).epsilon(1e-5));
    CHECK(r.survey_ci95_high == Approx(0.811221).epsilon(1e-5));
}

TEST_CASE("inspection catches, rework repairs, scrap remakes or cancels", "[engine][quality]") {
    const std::string yaml = R"(name: chain
run: {horizon: 100.5, seed: 1}
stages:
  orders: {type: source, interarrival: 1, on_scrap: MODE}
  make: {type: station, service: 0.1, defect_prob: 1.0}
  test: {type: inspection, service: 0.1, detect_prob: 1.0, false_alarm_prob: 0.0}
  fix: {type: station, service: 0.1, repairs: true}
  out: {type: sink}
routes:
  - {from: orders, to: make}
  - {from: make, to: test}
  - {from: test, to: out, when: pass}
  - {from: test, to: fix, when: fail}
  - {from: fix, to: test}
)";
    std::string y = yaml;
    y.replace(y.find("MODE"), 4, "remake");
    const auto r = run_replication(load_scenario_text(y, "c.yaml"), 0, 1);
    // Every unit: made defective, caught, repaired, re-inspected good, delivered at +0.4.
    CHECK(r.orders_delivered == 100);
    CHECK(r.orders_defective == 0);
    CHECK(r.defects_detected == 100);
    CHECK(r.reworked == 100);
    CHECK(r.stages[2].arrivals == 200);  // each unit inspected twice
    CHECK(r.lead_time_mean == Approx(0.4));
    CHECK(r.customer_error_rate == 0.0);
    CHECK(r.internal_errors == 200);

    const std::string scrap_yaml = R"(name: scrap
run: {horizon: 100.5, seed: 1}
stages:
  orders: {type: source, interarrival: 1, on_scrap: cancel}
  make: {type: station, service: 0.1, defect_prob: 1.0}
  test: {type: inspection, service: 0.1, detect_prob: 1.0}
  out: {type: sink}
routes:
  - {from: orders, to: make}
  - {from: make, to: test}
  - {from: test, to: out, when: pass}
  - {from: test, to: scrap, when: fail}
)";
    const auto c = run_replication(load_scenario_text(scrap_yaml, "s.yaml"), 0, 1);
    CHECK(c.orders_delivered == 0);
    CHECK(c.orders_cancelled == 100);
    CHECK(c.scrapped == 100);
    CHECK(c.stages[2].scrapped == 100);
    CHECK(c.customer_error_rate == 1.0);
    CHECK(c.loss_rate == 1.0);
}

TEST_CASE("an outage stops a station for its window and counts as downtime", "[engine][faults]") {
    const std::string yaml = R"(name: outage
run: {horizon: 40, seed: 1}
stages:
  orders: {type: source, interarrival: 1}
  m: {type: station, service: 0.5}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
faults:
  - {stage: m, kind: outage, at: 10.25, duration: 5}
)";
    const auto r = run_replication(load_scenario_text(yaml, "o.yaml"), 0, 1);
    // The job started at 10 is interrupted at 10.25 and resumes at 15.25 (0.25 left).
    // Units arriving at 11..15 wait; from 15.25 they go through back to back.
    CHECK(r.stages[1].downtime == Approx(5.0));
    CHECK(r.stages[1].availability == Approx(1 - 5.0 / 40));
    CHECK(r.stages[1].breakdowns == 0);
    CHECK(r.orders_created == 40);
    CHECK(r.orders_delivered == 39);        // all but the unit created at 40
    CHECK(r.lead_time_max == Approx(5.5));  // the unit caught at 10: 10 -> 15.5
}

TEST_CASE("a surge multiplies the arrival rate over its window", "[engine][faults]") {
    const std::string yaml = R"(name: surge
run: {horizon: 100, seed: 1}
stages:
  orders: {type: source, interarrival: 1}
  out: {type: sink}
routes:
  - {from: orders, to: out}
faults:
  - {stage: orders, kind: surge, at: 20, duration: 10, factor: 2.0}
)";
    const auto r = run_replication(load_scenario_text(yaml, "s.yaml"), 0, 1);
    // Gaps drawn in [20, 30) are 0.5 (the fault starts before the arrival at 20 and ends
    // before the one at 30): 20 arrivals in (20, 30] instead of 10.
    CHECK(r.orders_created == 100 + 10);
}

TEST_CASE("shifts: a server going off shift finishes its job first", "[engine][faults]") {
    const std::string yaml = R"(name: shifts
run: {horizon: 48, seed: 1}
stages:
  orders: {type: source, interarrival: 0.25}
  m:
    type: station
    service: 1
    shifts: {cycle: 24, servers: [{from: 0, to: 16, servers: 2}, {from: 16, to: 24, servers: 1}]}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
)";
    const auto r = run_replication(load_scenario_text(yaml, "sh.yaml"), 0, 1);
    // Always a queue: two servers from 0.25/0.5, one from 16, two again from 24.
    // Server-hours on shift per cycle: 2 x 16 + 8 = 40; utilisation near 1 of those.
    CHECK(r.orders_delivered >= 76);
    CHECK(r.orders_delivered <= 80);
    CHECK(r.stages[1].utilization > 0.97);
    CHECK(r.stages[1].utilization <= 1.0);
}
