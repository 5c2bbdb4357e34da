// --set overrides: scalars, maps, list items, created keys, and every way an item can be wrong.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/overrides.hpp"

using namespace qosim::models;
using qosim::sim::DistKind;

namespace {

// Appended, not std::string(lit) + lit: GCC 12 under LTO warns (-Wstringop-overread, a false
// positive) on the concatenation.
std::string full() {
    std::string path = QOSIM_TEST_DATA_DIR;
    path += "/good/full.yaml";
    return path;
}

Scenario with(const std::vector<std::string>& sets) { return load_scenario(full(), sets); }

std::vector<Diagnostic> errors_with(const std::vector<std::string>& sets) {
    try {
        (void)load_scenario(full(), sets);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

std::size_t index_of(const Scenario& sc, const std::string& name) {
    const auto i = sc.find_stage(name);
    REQUIRE(i.has_value());
    return *i;
}

}  // namespace

TEST_CASE("--set replaces a scalar and records the item", "[overrides]") {
    const Scenario sc = with({"stages.smt.servers=3", "run.seed=7"});
    CHECK(sc.stages[index_of(sc, "smt")].servers == 3);
    CHECK(sc.run.seed == 7);
    CHECK(sc.overrides == std::vector<std::string>{"stages.smt.servers=3", "run.seed=7"});
    // the content hash is of the file, not of the overrides
    CHECK(sc.content_hash == load_scenario(full()).content_hash);
}

TEST_CASE("--set values are YAML: numbers, words and whole maps", "[overrides]") {
    const Scenario sc =
        with({"stages.test.service={dist: exponential, mean: 2}",
              "stages.smt.queue.discipline=lifo", "stages.smt.service.sd=0.5", "time_unit=hour"});
    const auto& test = sc.stages[index_of(sc, "test")];
    CHECK(test.service.kind() == DistKind::exponential);
    CHECK(test.service.mean() == 2);
    CHECK(sc.stages[index_of(sc, "smt")].discipline == Discipline::lifo);
    // time_unit now hour: 60 per busy hour stays 60 per time unit
    CHECK(sc.stages[index_of(sc, "smt")].cost.per_busy_time == 60);
}

TEST_CASE("--set indexes list items", "[overrides]") {
    const Scenario sc = with({"routes.2.prob=0.75", "routes.3.prob=0.25"});
    const auto& test = sc.stages[index_of(sc, "test")];
    REQUIRE(test.routes.size() == 2);
    CHECK(test.routes[0].prob == 0.75);
    CHECK(test.routes[1].prob == 0.25);
}

TEST_CASE("--set creates schema-valid keys that the file leaves out", "[overrides]") {
    const Scenario sc = with({"stages.test.queue.capacity=5", "stages.test.cost.per_unit=3",
                              "targets.lead_time_p99.max=100", "stages.orders.due_in=12"});
    const auto& test = sc.stages[index_of(sc, "test")];
    CHECK(test.queue_capacity == 5);
    CHECK(test.cost.per_unit == 3);
    REQUIRE(sc.targets.size() == 4);
    CHECK(sc.targets[3].metric == "lead_time_p99");
    CHECK(sc.targets[3].max == 100);
    CHECK(sc.stages[index_of(sc, "orders")].due_in->mean() == 12);
}

TEST_CASE("an unknown --set path is an error with did-you-mean, at the override", "[overrides]") {
    const auto d = errors_with({"stages.smt.srvers=3"});
    REQUIRE(d.size() == 1);
    CHECK(d[0].loc.file == "--set stages.smt.srvers=3");
    CHECK(d[0].loc.line == 0);
    CHECK(d[0].path == "stages.smt.srvers");
    CHECK(d[0].message == "unknown key `srvers` under `stages.smt`");
    CHECK(d[0].hint == "did you mean `servers`?");
    CHECK(d[0].render() ==
          "--set stages.smt.srvers=3: stages.smt.srvers: unknown key `srvers` under "
          "`stages.smt`\n  hint: did you mean `servers`?");

    const auto stage = errors_with({"stages.smtt.servers=3"});
    REQUIRE(stage.size() == 1);
    CHECK(stage[0].message.find("there is no `smtt` under `stages`") != std::string::npos);
    CHECK(stage[0].hint == "did you mean `smt`?");

    const auto top = errors_with({"rn.seed=3"});
    REQUIRE(top.size() == 1);
    CHECK(top[0].hint == "did you mean `run`?");

    const auto param = errors_with({"stages.smt.service.maen=3"});
    REQUIRE(param.size() == 1);
    CHECK(param[0].hint == "did you mean `mean`?");
}

TEST_CASE("a --set item without '=' is an error", "[overrides]") {
    const auto d = errors_with({"stages.smt.servers"});
    REQUIRE(d.size() == 1);
    CHECK(d[0].loc.file == "--set stages.smt.servers");
    CHECK(d[0].message.find("needs `=`") != std::string::npos);
    CHECK(errors_with({"=3"}).size() == 1);
    CHECK(errors_with({"stages..servers=3"}).size() == 1);
}

TEST_CASE("--set errors that only the tree can find", "[overrides]") {
    const auto index = errors_with({"routes.9.prob=0.5"});
    REQUIRE(index.size() == 1);
    CHECK(index[0].message == "`routes` has 6 items, so there is no index 9");

    const auto scalar = errors_with({"stages.orders.due_in.mean=3"});
    REQUIRE(scalar.size() == 1);
    CHECK(scalar[0].message.find("not a map") != std::string::npos);

    const auto yaml = errors_with({"stages.smt.servers=[1"});
    REQUIRE(yaml.size() == 1);
    CHECK(yaml[0].message.find("not valid YAML") != std::string::npos);

    const auto design = errors_with({"sweep.method=grid"});
    REQUIRE(design.size() == 1);
    CHECK(design[0].message.find("`sweep` describes other runs of the scenario") == 0);
}

TEST_CASE("problems with an override's value point at the override, not at the file",
          "[overrides]") {
    const auto d = errors_with({"stages.smt.servers=two"});
    REQUIRE(d.size() == 1);
    CHECK(d[0].loc.file == "--set stages.smt.servers=two");
    CHECK(d[0].loc.line == 0);
    CHECK(d[0].path == "stages.smt.servers");
    CHECK(d[0].message == "must be a whole number, got `two`");

    const auto dist = errors_with({"stages.smt.service={dist: normal, mean: 1, sd: -1}"});
    REQUIRE(dist.size() == 1);
    CHECK(dist[0].loc.line == 0);
    CHECK(dist[0].path == "stages.smt.service.sd");

    // A split that no longer sums to 1 because of an override blames the override.
    const auto sum = errors_with({"routes.2.prob=0.5"});
    REQUIRE(sum.size() == 1);
    CHECK(sum[0].loc.file == "--set routes.2.prob=0.5");
    CHECK(sum[0].message.find("sum to 0.6, not 1") != std::string::npos);

    // Several bad items: all reported, override problems first.
    CHECK(errors_with({"stages.smt.srvers=3", "run.horizon=-1", "bogus"}).size() == 3);
}

TEST_CASE("--set reaches the fault and quality keys", "[overrides][quality]") {
    const std::string quality = std::string(QOSIM_TEST_DATA_DIR) + "/good/quality.yaml";
    const Scenario sc =
        load_scenario(quality, {"stages.aoi.detect_prob=0.98", "faults.0.duration=10",
                                "stages.smt.breakdowns.clock=calendar",
                                "stages.smt.shifts.servers.0.servers=2", "stages.ship.retry.max=5",
                                "stages.orders.on_scrap=remake", "stages.rework.defect_prob=0.01",
                                "routes.4.when=fail", "routes.5.when=pass", "routes.6.when=pass"});
    const auto& aoi = sc.stages[index_of(sc, "aoi")];
    CHECK(aoi.detect_prob == 0.98);
    CHECK(sc.faults[0].duration == 10);
    const auto& smt = sc.stages[index_of(sc, "smt")];
    CHECK(smt.breakdowns->clock == BreakdownClock::calendar);
    CHECK(smt.shifts->windows.back().servers == 2);  // item 0 in the file is [16, 24)
    CHECK(sc.stages[index_of(sc, "ship")].retry->max == 5);
    CHECK(sc.stages[index_of(sc, "orders")].on_scrap == OnScrap::remake);
    CHECK(sc.stages[index_of(sc, "rework")].defect_prob == 0.01);
    // aoi's pass and fail routes swapped (odd, but valid): the groups are formed anew.
    REQUIRE(aoi.routes.size() == 3);
    CHECK(aoi.routes[0].to == index_of(sc, "final"));
    CHECK(aoi.routes[0].when == RouteWhen::fail);
    CHECK(aoi.routes[0].prob == 1.0);
    CHECK(aoi.routes[1].when == RouteWhen::pass);
    CHECK(aoi.routes[1].prob == 0.8);
    CHECK(aoi.routes[2].to == kScrapTarget);
    CHECK(aoi.routes[2].when == RouteWhen::pass);
    // ... and moving one route between groups breaks both.
    try {
        (void)load_scenario(quality, {"routes.5.when=pass"});
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 2);
        CHECK(e.diagnostics()[0].message ==
              "`aoi` has 2 `when: pass` routes, so each needs a `prob`");
        CHECK(e.diagnostics()[1].message ==
              "the only `when: fail` route out of `aoi` must have prob 1 (or none), got 0.2");
    }

    // A new fault can be created whole; problems point at the override.
    const Scenario added =
        load_scenario(quality, {"faults.1={stage: aoi, kind: outage, at: 1, duration: 2}"});
    CHECK(added.faults[1].stage == index_of(added, "aoi"));
    try {
        (void)load_scenario(quality, {"faults.2.factor=-1", "stages.aoi.detect_prob=2"});
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 2);
        for (const auto& d : e.diagnostics()) CHECK(d.loc.line == 0);
        CHECK(e.diagnostics()[0].path == "stages.aoi.detect_prob");  // stages before faults
        CHECK(e.diagnostics()[1].loc.file == "--set faults.2.factor=-1");
    }
    // A key that applies to another stage type, created by --set, is refused by type.
    try {
        (void)load_scenario(quality, {"stages.aoi.defect_prob=0.5"});
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].message == "`defect_prob` does not apply to an inspection stage");
    }
    CHECK(check_override_path("faults.0.kind", SourceLoc{"--set x", 0, 0}).empty());
    CHECK(
        check_override_path("stages.a.shifts.servers.1.from", SourceLoc{"--set x", 0, 0}).empty());
    const auto typo = check_override_path("faults.0.duratoin", SourceLoc{"--set x", 0, 0});
    REQUIRE(typo.size() == 1);
    CHECK(typo[0].hint == "did you mean `duration`?");
}

TEST_CASE("check_override_path validates a path against the schema alone", "[overrides]") {
    const SourceLoc at{"--set x", 0, 0};
    CHECK(check_override_path("stages.anything.servers", at).empty());
    CHECK(check_override_path("stages.a.service.mean", at).empty());
    CHECK(check_override_path("stages.a.service.values.2", at).empty());
    CHECK(check_override_path("routes.4.prob", at).empty());
    CHECK(check_override_path("routes.x.prob", at).size() == 1);
    const auto d = check_override_path("costs.lost_penalt", at);
    REQUIRE(d.size() == 1);
    CHECK(d[0].hint == "did you mean `lost_penalty`?");
    CHECK(check_override_path("variants.a", at).size() == 1);  // reserved

    std::vector<Diagnostic> diags;
    const auto o = parse_override("stages.smt.service={dist: exponential, mean: 2}", diags);
    REQUIRE(o.has_value());
    CHECK(o->path == "stages.smt.service");
    CHECK(o->value == "{dist: exponential, mean: 2}");
    CHECK(o->loc.file == "--set stages.smt.service={dist: exponential, mean: 2}");
    CHECK(diags.empty());
}

TEST_CASE("--set reaches products, service_by_product, initial_wip, survey and run keys",
          "[overrides][products]") {
    const std::string products = std::string(QOSIM_TEST_DATA_DIR) + "/good/products.yaml";
    const Scenario sc = load_scenario(
        products,
        {"stages.orders.products.premium.share=0.4", "stages.orders.products.basic.share=0.6",
         "stages.orders.products.premium.priority=5", "stages.rush.products.express.due_in=3",
         "stages.test.service_by_product.basic={dist: exponential, mean: 0.1}",
         "stages.test.service_by_product.premium.mean=0.35", "stages.aoi.initial_wip=4",
         "stages.customer.survey.bias=1.5", "run.orders=800", "run.replications=4",
         "run.precision.max_replications=30", "run.precision.metric=lead_time_mean",
         "routes.3.product=basic"});
    REQUIRE(sc.products.size() == 3);
    CHECK(sc.products[0].share == 0.6);
    CHECK(sc.products[1].share == 0.4);
    CHECK(sc.products[1].priority == 5);
    REQUIRE(sc.products[2].due_in.has_value());
    CHECK(sc.products[2].due_in->mean() == 3);
    const auto& test = sc.stages[index_of(sc, "test")];
    REQUIRE(test.service_by_product.size() == 3);  // a new entry goes last
    CHECK(test.service_by_product[0].first == 1);
    CHECK(test.service_by_product[0].second.mean() == Approx(0.35));
    CHECK(test.service_by_product[2].first == 0);
    CHECK(test.service_by_product[2].second.kind() == DistKind::exponential);
    CHECK(sc.stages[index_of(sc, "aoi")].initial_wip == 4);
    CHECK(sc.stages[index_of(sc, "customer")].survey->bias == 1.5);
    CHECK(sc.run.orders == std::optional<std::uint64_t>(800));
    CHECK(sc.run.replications == 4);
    CHECK(sc.run.precision->max_replications == 30);
    CHECK(sc.run.precision->metric == "lead_time_mean");
    REQUIRE(test.routes.size() == 2);
    CHECK(test.routes[1].product == std::optional<std::size_t>(0));  // now basic's route

    // warmup: a number replaces auto, and auto a number.
    const Scenario fixed = load_scenario(products, {"run.warmup=5"});
    CHECK_FALSE(fixed.run.warmup_auto);
    CHECK(fixed.run.warmup == 5);
    const Scenario autowarm = with({"run.warmup=auto"});
    CHECK(autowarm.run.warmup_auto);
    CHECK(autowarm.run.warmup == 0);

    // An override of horizon or orders switches the file's mode (--horizon is one).
    const Scenario by_orders = with({"run.orders=500"});
    CHECK(by_orders.run.orders == std::optional<std::uint64_t>(500));
    CHECK(by_orders.run.horizon == 0);
    CHECK(by_orders.run.warmup == 200);
    const Scenario by_time = load_scenario(products, {"run.horizon=100"});
    CHECK_FALSE(by_time.run.orders.has_value());
    CHECK(by_time.run.horizon == 100);
    const auto both = errors_with({"run.orders=500", "run.horizon=300"});
    REQUIRE(both.size() == 1);
    CHECK(both[0].message == "give `horizon` or `orders`, not both");
    const auto short_run = errors_with({"run.horizon=100"});
    REQUIRE(short_run.size() == 1);
    CHECK(short_run[0].message == "must be < horizon (100), got 200");

    // Problems point at the override: an unknown product, a share sum, a route's product.
    auto d = [&products](const std::vector<std::string>& sets) {
        try {
            (void)load_scenario(products, sets);
        } catch (const ScenarioError& e) {
            return e.diagnostics();
        }
        return std::vector<Diagnostic>{};
    };
    auto e = d({"stages.orders.products.premum.share=0.4"});
    REQUIRE(e.size() == 1);
    CHECK(e[0].message == "there is no `premum` under `stages.orders.products` in the scenario");
    CHECK(e[0].hint == "did you mean `premium`?");
    e = d({"stages.orders.products.premium.share=0.4"});
    REQUIRE(e.size() == 1);
    CHECK(e[0].loc.file == "--set stages.orders.products.premium.share=0.4");
    CHECK(e[0].message ==
          "the shares of the products of `orders` sum to 1.1, not 1: basic 0.7, premium 0.4");
    e = d({"routes.3.product=premum"});
    REQUIRE(e.size() == 1);
    CHECK(e[0].loc.file == "--set routes.3.product=premum");
    CHECK(e[0].hint == "did you mean `premium`?");
    e = d({"stages.test.service_by_product.gold=1"});
    REQUIRE(e.size() == 1);
    CHECK(e[0].message == "there is no product `gold`");
    CHECK(e[0].hint == "the products are: basic, premium, express");
    e = d({"run.precision.metric=throughputt"});
    REQUIRE(e.size() == 1);
    CHECK(e[0].hint == "did you mean `throughput`?");

    const SourceLoc at{"--set x", 0, 0};
    CHECK(check_override_path("stages.a.products.b.share", at).empty());
    CHECK(check_override_path("stages.a.products.b.due_in.mean", at).empty());
    CHECK(check_override_path("stages.a.service_by_product.b.sd", at).empty());
    CHECK(check_override_path("stages.a.survey.response_rate", at).empty());
    CHECK(check_override_path("run.precision.half_width", at).empty());
    CHECK(check_override_path("routes.2.product", at).empty());
    const auto typo = check_override_path("stages.a.products.b.shares", at);
    REQUIRE(typo.size() == 1);
    CHECK(typo[0].hint == "did you mean `share`?");
}
