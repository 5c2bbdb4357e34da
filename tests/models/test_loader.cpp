// Loader: a good scenario round-trips every field, defaults, unit conversion, rendering.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/enum_names.hpp"
#include "models/scenario/schema.hpp"
#include "sim/random.hpp"

using namespace qosim::models;
using qosim::sim::DistKind;

namespace {

std::string data(const std::string& rel) { return std::string(QOSIM_TEST_DATA_DIR) + "/" + rel; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const StageSpec& stage(const Scenario& sc, const std::string& name) {
    const auto i = sc.find_stage(name);
    REQUIRE(i.has_value());
    return sc.stages[*i];
}

}  // namespace

TEST_CASE("a full scenario round-trips every field", "[loader]") {
    const std::string path = data("good/full.yaml");
    const Scenario sc = load_scenario(path);

    CHECK(sc.name == "Full round trip");
    CHECK(sc.file == path);
    CHECK(sc.content_hash == qosim::sim::fnv1a64(read_file(path)));
    CHECK(sc.overrides.empty());
    CHECK(sc.time_unit == TimeUnit::minute);

    CHECK(sc.run.horizon == 2000);
    CHECK(sc.run.warmup == 200);
    CHECK(sc.run.replications == 7);
    CHECK(sc.run.seed == 42);
    CHECK(sc.run.max_wip == 5000);
    CHECK(sc.run.max_events == 1e9);

    CHECK(sc.costs.late_penalty == 25);
    CHECK(sc.costs.escape_penalty == 200);
    CHECK(sc.costs.lost_penalty == 300);

    REQUIRE(sc.targets.size() == 3);
    CHECK(sc.targets[0].metric == "customer_error_rate");
    CHECK(sc.targets[0].max == 0.02);
    CHECK_FALSE(sc.targets[0].min.has_value());
    CHECK(sc.targets[1].metric == "on_time_rate");
    CHECK(sc.targets[1].min == 0.95);
    CHECK_FALSE(sc.targets[1].max.has_value());
    CHECK(sc.targets[2].metric == "lead_time_p95");
    CHECK(sc.targets[2].min == 1);
    CHECK(sc.targets[2].max == 48);
    CHECK(sc.targets[2].loc.line == 18);

    REQUIRE(sc.stages.size() == 6);
    const char* names[] = {"orders", "smt", "test", "rework", "ship", "customer"};
    for (std::size_t i = 0; i < 6; ++i) CHECK(sc.stages[i].name == names[i]);

    const auto& orders = stage(sc, "orders");
    CHECK(orders.type == StageType::source);
    CHECK(orders.loc.file == path);
    CHECK(orders.loc.line == 20);
    CHECK(orders.loc.column == 3);
    CHECK(orders.interarrival.kind() == DistKind::exponential);
    CHECK(orders.interarrival.mean() == Approx(0.5));  // rate: 2
    REQUIRE(orders.due_in.has_value());
    CHECK(orders.due_in->kind() == DistKind::constant);
    CHECK(orders.due_in->mean() == 24);

    const auto& smt = stage(sc, "smt");
    CHECK(smt.type == StageType::station);
    CHECK(smt.servers == 2);
    CHECK(smt.service.kind() == DistKind::lognormal);
    CHECK(smt.service.mean() == Approx(0.8));
    CHECK(smt.queue_capacity == 50);
    CHECK(smt.discipline == Discipline::edd);
    // per-hour costs are converted to the scenario's unit (minutes): 60/h = 1/min.
    CHECK(smt.cost.per_busy_time == Approx(1.0));
    CHECK(smt.cost.per_idle_time == Approx(0.2));
    CHECK(smt.cost.per_unit == 2);

    const auto& test = stage(sc, "test");  // defaults of a station
    CHECK(test.servers == 1);
    CHECK_FALSE(test.queue_capacity.has_value());
    CHECK(test.discipline == Discipline::fifo);
    CHECK(test.cost.per_busy_time == 0);
    CHECK(test.cost.per_idle_time == 0);
    CHECK(test.cost.per_unit == 0);
    CHECK(test.service.kind() == DistKind::triangular);

    CHECK(stage(sc, "rework").service.kind() == DistKind::erlang);
    CHECK(stage(sc, "rework").service.mean() == Approx(1.5));

    const auto& ship = stage(sc, "ship");
    CHECK(ship.type == StageType::link);
    CHECK(ship.delay.kind() == DistKind::uniform);
    CHECK(ship.delay.mean() == Approx(42));
    CHECK(ship.cost.per_unit == 1.5);
    CHECK(stage(sc, "customer").type == StageType::sink);

    // Routes hang off their stage, in file order, with indices and probabilities.
    REQUIRE(orders.routes.size() == 1);
    CHECK(orders.routes[0].to == 1);
    CHECK(orders.routes[0].prob == 1.0);
    CHECK(orders.routes[0].loc.line == 37);
    REQUIRE(test.routes.size() == 2);
    CHECK(test.routes[0].to == 4);
    CHECK(test.routes[0].prob == 0.9);
    CHECK(test.routes[1].to == 3);
    CHECK(test.routes[1].prob == 0.1);
    CHECK(stage(sc, "rework").routes[0].to == 2);
    CHECK(stage(sc, "customer").routes.empty());
}

TEST_CASE("faults and quality keys round-trip, with their defaults", "[loader][quality]") {
    const std::string path = data("good/quality.yaml");
    const Scenario sc = load_scenario(path);
    REQUIRE(sc.stages.size() == 9);
    const char* names[] = {"orders", "rush", "smt",     "aoi",     "final",
                           "rework", "ship", "courier", "customer"};
    for (std::size_t i = 0; i < 9; ++i) CHECK(sc.stages[i].name == names[i]);

    CHECK(stage(sc, "orders").on_scrap == OnScrap::cancel);
    CHECK(stage(sc, "rush").on_scrap == OnScrap::remake);  // default

    const auto& smt = stage(sc, "smt");
    CHECK(smt.type == StageType::station);
    CHECK(smt.servers == 3);
    CHECK(smt.defect_prob == 0.03);
    CHECK_FALSE(smt.repairs);
    REQUIRE(smt.breakdowns.has_value());
    CHECK(smt.breakdowns->time_between.kind() == DistKind::exponential);
    CHECK(smt.breakdowns->time_between.mean() == Approx(100));
    CHECK(smt.breakdowns->repair.kind() == DistKind::lognormal);
    CHECK(smt.breakdowns->repair.mean() == Approx(4));
    CHECK(smt.breakdowns->cost_per_repair == 500);
    CHECK(smt.breakdowns->on_failure == FailureMode::restart);
    CHECK(smt.breakdowns->clock == BreakdownClock::busy);
    REQUIRE(smt.shifts.has_value());
    CHECK(smt.shifts->cycle == 24);
    REQUIRE(smt.shifts->windows.size() == 3);  // sorted by `from`
    const double windows[3][3] = {{0, 8, 3}, {8, 16, 2}, {16, 24, 1}};
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("window " << k);
        CHECK(smt.shifts->windows[k].from == windows[k][0]);
        CHECK(smt.shifts->windows[k].to == windows[k][1]);
        CHECK(smt.shifts->windows[k].servers == windows[k][2]);
    }

    const auto& aoi = stage(sc, "aoi");
    CHECK(aoi.type == StageType::inspection);
    CHECK(aoi.detect_prob == 0.9);
    CHECK(aoi.false_alarm_prob == 0.01);
    CHECK(aoi.service.mean() == Approx(0.1));
    REQUIRE(aoi.breakdowns.has_value());  // defaults of breakdowns
    CHECK(aoi.breakdowns->time_between.kind() == DistKind::constant);
    CHECK(aoi.breakdowns->repair.mean() == 2);
    CHECK(aoi.breakdowns->cost_per_repair == 0);
    CHECK(aoi.breakdowns->on_failure == FailureMode::resume);
    CHECK(aoi.breakdowns->clock == BreakdownClock::calendar);
    REQUIRE(aoi.shifts.has_value());
    CHECK(aoi.shifts->cycle == 10);
    REQUIRE(aoi.shifts->windows.size() == 1);
    CHECK(aoi.servers == 2);  // servers omitted: the largest window's

    const auto& fin = stage(sc, "final");  // defaults of an inspection
    CHECK(fin.detect_prob == 1.0);
    CHECK(fin.false_alarm_prob == 0.0);
    CHECK(fin.servers == 1);
    CHECK_FALSE(fin.breakdowns.has_value());
    CHECK_FALSE(fin.shifts.has_value());

    const auto& rework = stage(sc, "rework");
    CHECK(rework.repairs);
    CHECK(rework.defect_prob == 0.0);  // default

    const auto& ship = stage(sc, "ship");
    CHECK(ship.loss_prob == 0.002);
    CHECK(ship.damage_prob == 0.005);
    REQUIRE(ship.retry.has_value());
    CHECK(ship.retry->timeout == 2);
    CHECK(ship.retry->max == 3);
    const auto& courier = stage(sc, "courier");  // defaults of a link
    CHECK(courier.loss_prob == 0.0);
    CHECK(courier.damage_prob == 0.0);
    CHECK_FALSE(courier.retry.has_value());

    // Routes: `when` and the built-in scrap target; probs per group.
    REQUIRE(smt.routes.size() == 2);
    CHECK(smt.routes[1].to == kScrapTarget);
    CHECK(smt.routes[1].prob == 0.01);
    CHECK(smt.routes[1].when == RouteWhen::any);
    CHECK(smt.routes[1].loc.line == 50);
    REQUIRE(aoi.routes.size() == 3);
    CHECK(aoi.routes[0].to == 4);
    CHECK(aoi.routes[0].when == RouteWhen::pass);
    CHECK(aoi.routes[0].prob == 1.0);  // a group of one
    CHECK(aoi.routes[1].to == 5);
    CHECK(aoi.routes[1].when == RouteWhen::fail);
    CHECK(aoi.routes[1].prob == 0.8);
    CHECK(aoi.routes[2].to == kScrapTarget);
    CHECK(aoi.routes[2].when == RouteWhen::fail);
    CHECK(aoi.routes[2].prob == 0.2);
    REQUIRE(fin.routes.size() == 3);
    CHECK(fin.routes[0].when == RouteWhen::pass);
    CHECK(fin.routes[0].prob == 0.7);
    CHECK(fin.routes[1].prob == 0.3);
    CHECK(fin.routes[2].to == kScrapTarget);
    CHECK(fin.routes[2].when == RouteWhen::any);
    CHECK(fin.routes[2].prob == 1.0);

    // Faults in file order, with the stage as an index.
    REQUIRE(sc.faults.size() == 8);
    const auto& outage = sc.faults[0];
    CHECK(outage.stage == 2);
    CHECK(outage.kind == FaultKind::outage);
    CHECK(outage.at == 500);
    CHECK(outage.duration == 16);
    CHECK(outage.factor == 1.0);  // defaults: unused by an outage
    CHECK(outage.value == 0.0);
    CHECK(outage.loc.file == path);
    CHECK(outage.loc.line == 61);
    CHECK(outage.loc.column == 5);
    CHECK(sc.faults[1].at == 516);  // adjacent to the first, not overlapping
    CHECK(sc.faults[2].stage == 0);
    CHECK(sc.faults[2].kind == FaultKind::surge);
    CHECK(sc.faults[2].factor == 2.0);
    CHECK(sc.faults[3].kind == FaultKind::defect_prob);
    CHECK(sc.faults[3].value == 0.1);
    CHECK(sc.faults[4].stage == 6);  // defect_prob on a link
    CHECK(sc.faults[4].kind == FaultKind::defect_prob);
    CHECK(sc.faults[5].kind == FaultKind::loss_prob);
    CHECK(sc.faults[5].value == 0.05);
    CHECK(sc.faults[5].duration == 24);
    CHECK(sc.faults[6].stage == 3);
    CHECK(sc.faults[6].kind == FaultKind::service);
    CHECK(sc.faults[6].factor == 1.5);
    CHECK(sc.faults[7].stage == 7);  // service on a link
    CHECK(sc.faults[7].factor == 0.5);
}

TEST_CASE("products, surveys, order-count runs and precision round-trip every field",
          "[loader][products]") {
    const std::string path = data("good/products.yaml");
    const Scenario sc = load_scenario(path);
    REQUIRE(sc.stages.size() == 8);
    const char* names[] = {"orders", "test", "aoi",      "premium_pack",
                           "rush",   "ship", "customer", "archive"};
    for (std::size_t i = 0; i < 8; ++i) CHECK(sc.stages[i].name == names[i]);

    // run: orders instead of horizon, warmup auto, precision with its defaults.
    REQUIRE(sc.run.orders.has_value());
    CHECK(*sc.run.orders == 500);
    CHECK(sc.run.horizon == 0);
    CHECK(sc.run.warmup_auto);
    CHECK(sc.run.warmup == 0);
    REQUIRE(sc.run.precision.has_value());
    CHECK(sc.run.precision->metric == "customer_error_rate");
    CHECK(sc.run.precision->half_width == 0.002);
    CHECK(sc.run.precision->max_replications == 200);  // default
    CHECK(sc.run.replications == 3);                   // the minimum, by default, with precision
    CHECK(sc.run.seed == 3);

    // Products: every source's, in file order, with the source's index.
    REQUIRE(sc.products.size() == 3);
    const Product& basic = sc.products[0];
    CHECK(basic.name == "basic");
    CHECK(basic.source == 0);
    CHECK(basic.share == 0.7);
    CHECK_FALSE(basic.due_in.has_value());  // the source's due_in applies
    CHECK(basic.priority == 0);             // default
    CHECK(basic.loc.file == path);
    CHECK(basic.loc.line == 15);
    CHECK(basic.loc.column == 7);
    const Product& premium = sc.products[1];
    CHECK(premium.name == "premium");
    CHECK(premium.source == 0);
    CHECK(premium.share == 0.3);
    REQUIRE(premium.due_in.has_value());
    CHECK(premium.due_in->kind() == DistKind::uniform);
    CHECK(premium.due_in->mean() == Approx(12));
    CHECK(premium.priority == 2);
    const Product& express = sc.products[2];
    CHECK(express.name == "express");
    CHECK(express.source == 4);  // rush
    CHECK(express.share == 1);
    CHECK(express.priority == -1);
    CHECK(stage(sc, "orders").due_in->mean() == 24);

    // service_by_product in file order as (product index, distribution); initial_wip.
    const auto& test = stage(sc, "test");
    REQUIRE(test.service_by_product.size() == 2);
    CHECK(test.service_by_product[0].first == 1);
    CHECK(test.service_by_product[0].second.kind() == DistKind::exponential);
    CHECK(test.service_by_product[0].second.mean() == Approx(0.3));
    CHECK(test.service_by_product[1].first == 2);
    CHECK(test.service_by_product[1].second.kind() == DistKind::constant);
    CHECK(test.service_by_product[1].second.mean() == 0.25);
    CHECK(test.initial_wip == 12);
    CHECK(test.discipline == Discipline::priority);
    CHECK(stage(sc, "aoi").initial_wip == 0);  // default
    CHECK(stage(sc, "aoi").service_by_product.empty());

    // Surveys, with bias defaulting to 1; other stages have none.
    const auto& customer = stage(sc, "customer");
    REQUIRE(customer.survey.has_value());
    CHECK(customer.survey->response_rate == 0.1);
    CHECK(customer.survey->bias == 2.0);
    const auto& archive = stage(sc, "archive");
    REQUIRE(archive.survey.has_value());
    CHECK(archive.survey->response_rate == 0.5);
    CHECK(archive.survey->bias == 1.0);
    CHECK_FALSE(stage(sc, "ship").survey.has_value());

    // Routes: `product` as an index; probabilities per (when, product) group.
    REQUIRE(test.routes.size() == 2);
    CHECK(test.routes[0].to == 2);
    CHECK_FALSE(test.routes[0].product.has_value());
    CHECK(test.routes[0].prob == 1.0);
    CHECK(test.routes[1].to == 3);
    CHECK(test.routes[1].product == std::optional<std::size_t>(1));
    CHECK(test.routes[1].prob == 1.0);  // a group of one
    CHECK(test.routes[1].loc.line == 41);
    const auto& aoi = stage(sc, "aoi");
    REQUIRE(aoi.routes.size() == 5);
    CHECK(aoi.routes[0].when == RouteWhen::pass);
    CHECK_FALSE(aoi.routes[0].product.has_value());
    CHECK(aoi.routes[1].to == kScrapTarget);
    CHECK(aoi.routes[2].product == std::optional<std::size_t>(2));
    CHECK(aoi.routes[2].when == RouteWhen::pass);
    CHECK(aoi.routes[2].prob == 0.5);
    CHECK(aoi.routes[3].to == 7);
    CHECK(aoi.routes[3].prob == 0.5);
    CHECK(aoi.routes[4].when == RouteWhen::fail);
    CHECK(aoi.routes[4].product == std::optional<std::size_t>(2));
    CHECK(aoi.routes[4].to == 1);
    for (const auto& s : sc.stages) {
        if (s.name != "test" && s.name != "aoi") {
            for (const auto& r : s.routes) CHECK_FALSE(r.product.has_value());
        }
    }
}

TEST_CASE("precision with a replication minimum, and defaults without products",
          "[loader][products]") {
    const std::string head =
        "run: {horizon: 100, warmup: 10, replications: 5, precision: {metric: lead_time_p95, "
        "half_width: 0.5, max_replications: 40}}\n"
        "stages: {in: {type: source, interarrival: 1}, m: {type: station, service: 0.5}, "
        "out: {type: sink}}\n"
        "routes: [{from: in, to: m}, {from: m, to: out}]\n";
    const Scenario sc = load_scenario_text(head, "p.yaml");
    CHECK(sc.run.replications == 5);
    REQUIRE(sc.run.precision.has_value());
    CHECK(sc.run.precision->metric == "lead_time_p95");
    CHECK(sc.run.precision->half_width == 0.5);
    CHECK(sc.run.precision->max_replications == 40);
    CHECK(sc.run.horizon == 100);
    CHECK_FALSE(sc.run.orders.has_value());
    CHECK_FALSE(sc.run.warmup_auto);
    CHECK(sc.run.warmup == 10);
    CHECK(sc.products.empty());
    for (const auto& s : sc.stages) {
        CHECK(s.initial_wip == 0);
        CHECK(s.service_by_product.empty());
        CHECK_FALSE(s.survey.has_value());
        for (const auto& r : s.routes) CHECK_FALSE(r.product.has_value());
    }
    // Without precision: no precision, replications as given or 10.
    const Scenario plain = load_scenario(data("good/minimal.yaml"));
    CHECK_FALSE(plain.run.precision.has_value());
    CHECK_FALSE(plain.run.orders.has_value());
    CHECK_FALSE(plain.run.warmup_auto);
    // An order-count run checks warmup only for >= 0 (there is no horizon to be below).
    const Scenario orders = load_scenario_text(
        "run: {orders: 20, warmup: 1000}\n"
        "stages: {in: {type: source, interarrival: 1}, out: {type: sink}}\n"
        "routes: [{from: in, to: out}]\n",
        "o.yaml");
    CHECK(orders.run.orders == std::optional<std::uint64_t>(20));
    CHECK(orders.run.warmup == 1000);
    CHECK(orders.run.horizon == 0);
}

TEST_CASE("omitted quality keys take their defaults on every stage type", "[loader][quality]") {
    const Scenario sc = load_scenario(data("good/minimal.yaml"));
    CHECK(sc.faults.empty());
    for (const auto& s : sc.stages) {
        INFO(s.name);
        CHECK(s.on_scrap == OnScrap::remake);
        CHECK(s.defect_prob == 0.0);
        CHECK_FALSE(s.repairs);
        CHECK(s.detect_prob == 1.0);
        CHECK(s.false_alarm_prob == 0.0);
        CHECK_FALSE(s.breakdowns.has_value());
        CHECK_FALSE(s.shifts.has_value());
        CHECK(s.loss_prob == 0.0);
        CHECK(s.damage_prob == 0.0);
        CHECK_FALSE(s.retry.has_value());
        for (const auto& r : s.routes) CHECK(r.when == RouteWhen::any);
    }
}

TEST_CASE("omitted keys take the schema defaults", "[loader]") {
    const Scenario sc = load_scenario(data("good/minimal.yaml"));
    CHECK(sc.name == "minimal");  // the file stem
    CHECK(sc.time_unit == TimeUnit::hour);
    CHECK(sc.run.horizon == 100);
    CHECK(sc.run.warmup == 0);
    CHECK(sc.run.replications == 10);
    CHECK(sc.run.seed == 1);
    CHECK(sc.run.max_wip == 1'000'000);
    CHECK(sc.run.max_events == 1e9);
    CHECK(sc.costs.late_penalty == 0);
    CHECK(sc.costs.escape_penalty == 0);
    CHECK(sc.costs.lost_penalty == 0);
    CHECK(sc.targets.empty());
    const auto& work = stage(sc, "work");
    CHECK(work.servers == 1);
    CHECK(work.service.kind() == DistKind::constant);
    CHECK(work.service.mean() == 0.5);
    CHECK_FALSE(work.queue_capacity.has_value());
    CHECK(work.discipline == Discipline::fifo);
    CHECK_FALSE(stage(sc, "orders").due_in.has_value());
}

TEST_CASE("hourly costs convert to every time unit", "[loader]") {
    const std::string yaml =
        "time_unit: UNIT\n"
        "run: {horizon: 10}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  m: {type: station, service: 0.5, cost: {per_busy_hour: 48, per_idle_hour: 12}}\n"
        "  out: {type: sink}\n"
        "routes: [{from: orders, to: m}, {from: m, to: out}]\n";
    const auto with_unit = [&yaml](const std::string& unit) {
        std::string y = yaml;
        y.replace(y.find("UNIT"), 4, unit);
        return load_scenario_text(y, "u.yaml");
    };
    CHECK(with_unit("hour").stages[1].cost.per_busy_time == 48);
    CHECK(with_unit("minute").stages[1].cost.per_busy_time == Approx(0.8));
    CHECK(with_unit("day").stages[1].cost.per_busy_time == Approx(48 * 24));
    CHECK(with_unit("day").stages[1].cost.per_idle_time == Approx(12 * 24));
    CHECK(with_unit("second").stages[1].cost.per_busy_time == Approx(48.0 / 3600));
    CHECK(with_unit("second").stages[1].cost.per_idle_time == Approx(12.0 / 3600));
    CHECK(with_unit("week").stages[1].cost.per_busy_time == Approx(48 * 168));
    CHECK(with_unit("week").stages[1].cost.per_idle_time == Approx(12 * 168));
    CHECK(with_unit("second").time_unit == TimeUnit::second);
    CHECK(with_unit("week").time_unit == TimeUnit::week);
    CHECK(hours_per_unit(TimeUnit::second) == Approx(1.0 / 3600));
    CHECK(hours_per_unit(TimeUnit::minute) == Approx(1.0 / 60));
    CHECK(hours_per_unit(TimeUnit::day) == 24);
    CHECK(hours_per_unit(TimeUnit::week) == 168);
    CHECK(seconds_per_unit(TimeUnit::week) == 604800);
}

TEST_CASE("every distribution family loads with its parameters", "[loader]") {
    const Scenario sc = load_scenario(data("good/distributions.yaml"));
    const std::pair<const char*, DistKind> expected[] = {
        {"s_constant", DistKind::constant},     {"s_uniform", DistKind::uniform},
        {"s_triangular", DistKind::triangular}, {"s_normal", DistKind::normal},
        {"s_lognormal", DistKind::lognormal},   {"s_gamma", DistKind::gamma},
        {"s_erlang", DistKind::erlang},         {"s_weibull", DistKind::weibull},
        {"s_empirical", DistKind::empirical},
    };
    for (const auto& [name, kind] : expected) {
        INFO(name);
        CHECK(stage(sc, name).service.kind() == kind);
    }
    CHECK(stage(sc, "s_constant").service.mean() == Approx(0.3));
    CHECK(stage(sc, "s_gamma").service.mean() == Approx(0.3));
    CHECK(stage(sc, "s_empirical").service.mean() == Approx(0.3));  // (0.1 + 0.6 + 0.5) / 4
    CHECK(stage(sc, "orders").routes.size() == 9);
}

TEST_CASE("text scenarios: name from the file stem, hash of the text", "[loader]") {
    const std::string yaml =
        "run: {horizon: 5, max_events: 1e10, seed: 18446744073709551615, max_wip: 1e6}\n"
        "stages: {a: {type: source, interarrival: 1}, z: {type: sink}}\n"
        "routes: [{from: a, to: z}]\n";
    const Scenario sc = load_scenario_text(yaml, "dir/my-line.yaml");
    CHECK(sc.name == "my-line");
    CHECK(sc.file == "dir/my-line.yaml");
    CHECK(sc.content_hash == qosim::sim::fnv1a64(yaml));
    CHECK(sc.run.max_events == 1e10);
    CHECK(sc.run.seed == 18446744073709551615ull);
    CHECK(sc.run.max_wip == 1'000'000);
}

TEST_CASE("an unreadable file is a diagnostic naming only the file", "[loader]") {
    const std::string missing = data("good/no_such_file.yaml");
    try {
        (void)load_scenario(missing);
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        const auto& d = e.diagnostics()[0];
        CHECK(d.loc.file == missing);
        CHECK(d.loc.line == 0);
        CHECK(std::string(e.what()).rfind(missing + ": the scenario file does not exist", 0) == 0);
    }
    CHECK_THROWS_AS(load_scenario(data("good")), ScenarioError);  // a directory
}

TEST_CASE("diagnostics render as FILE:LINE:COL: PATH: MESSAGE plus a hint line",
          "[loader][diagnostics]") {
    Diagnostic full;
    full.loc = SourceLoc{"s.yaml", 14, 18};
    full.path = "stages.smt.service.sd";
    full.message = "must be >= 0, got -0.2";
    full.hint = "use a positive sd";
    CHECK(full.render() ==
          "s.yaml:14:18: stages.smt.service.sd: must be >= 0, got -0.2\n  hint: use a positive sd");
    Diagnostic bare;
    bare.loc = SourceLoc{"--set x=1", 0, 0};
    bare.message = "an override needs `=`";
    CHECK(bare.render() == "--set x=1: an override needs `=`");
    std::vector<Diagnostic> both;
    both.push_back(full);
    both.push_back(bare);
    const ScenarioError err(both);
    CHECK(std::string(err.what()) == full.render() + "\n" + bare.render());
    CHECK(err.diagnostics().size() == 2);
}

TEST_CASE("did you mean: restricted Damerau-Levenshtein with a length-aware threshold",
          "[loader][did_you_mean]") {
    CHECK(edit_distance("srvers", "servers") == 1);
    CHECK(edit_distance("dsit", "dist") == 1);  // adjacent transposition
    CHECK(edit_distance("SERVERS", "servers") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
    const std::string_view keys[] = {"servers", "service", "queue", "cost"};
    CHECK(did_you_mean("srvers", keys) == std::optional<std::string>("servers"));
    CHECK(did_you_mean("queu", keys) == std::optional<std::string>("queue"));
    CHECK_FALSE(did_you_mean("banana", keys).has_value());
    CHECK_FALSE(did_you_mean("xy", keys).has_value());
    CHECK(suggestion_hint("cots", keys, "none") == "did you mean `cost`?");
    CHECK(suggestion_hint("zzzzzz", keys, "none") == "none");
}

TEST_CASE("the key reference is generated from the schema table", "[loader][schema]") {
    const std::string ref = schema_reference();
    for (const auto& k : schema_keys()) {
        INFO(k.path);
        CHECK(ref.find(std::string(k.path)) != std::string::npos);
    }
    CHECK(ref.find("stages.*.servers") != std::string::npos);
    CHECK(ref.find("integer in [1, 100000] (count); default 1") != std::string::npos);
    CHECK(ref.find("fifo|lifo|priority|edd; default fifo") != std::string::npos);
    CHECK(ref.find("exponential") != std::string::npos);
    CHECK(ref.find("mean | rate") != std::string::npos);
    CHECK(ref.find("run.warmup: auto") == std::string::npos);  // supported now
    CHECK(ref.find("number >= 0 or auto (time); default 0") != std::string::npos);
    CHECK(ref.find("stages.*.products.*.share") != std::string::npos);
    CHECK(ref.find("number in (0, 1] (share); required; source") != std::string::npos);
    CHECK(ref.find("run.precision.max_replications") != std::string::npos);
    CHECK(ref.find("integer in [3, 1000000] (count); default 200") != std::string::npos);
    CHECK(ref.find("Exactly one of horizon and orders") != std::string::npos);
    CHECK(ref.find("source|station|inspection|link|sink") != std::string::npos);
    CHECK(ref.find("stages.*.type: inspection") == std::string::npos);  // supported now
    CHECK(ref.find("faults.#.kind") != std::string::npos);
    CHECK(ref.find("outage|surge|defect_prob|loss_prob|service") != std::string::npos);
    CHECK(ref.find("Rules across keys") != std::string::npos);
    // Every key of the format is supported now: no "planned" section.
    CHECK(ref.find("not supported by this version yet") == std::string::npos);
    CHECK(ref.find("variants.*.*") != std::string::npos);
    CHECK(ref.find("sweep.parameters.*.steps") != std::string::npos);

    // Every key's parent is declared before it, and patterns are unique.
    for (const auto& k : schema_keys()) {
        INFO(k.path);
        const auto dot = k.path.rfind('.');
        if (dot != std::string_view::npos) CHECK(find_schema_key(k.path.substr(0, dot)) != nullptr);
        CHECK(find_schema_key(k.path) == &k);
    }
    CHECK(resolve_schema_child("stages", "anything")->path == "stages.*");
    CHECK(resolve_schema_child("routes", "3")->path == "routes.#");
    CHECK(resolve_schema_child("routes", "x") == nullptr);
    CHECK(resolve_schema_child("stages.*", "servers")->path == "stages.*.servers");
}

TEST_CASE("enum tables: names round-trip and give the schema's choices", "[loader]") {
    for (const auto& e : kStageTypeNames) {
        CHECK(std::string(to_string(e.value)) == e.name);
        CHECK(parse_in(kStageTypeNames, e.name) == e.value);
    }
    CHECK_FALSE(parse_in(kFaultKindNames, "outages").has_value());
    CHECK(choices_of<kStageTypeNames>() == "source|station|inspection|link|sink");
    CHECK(choices_of<kRouteWhenNames, 1>() == "pass|fail");  // `any` is no `when:` at all
    CHECK(choices_of<kFaultKindNames>() == "outage|surge|defect_prob|loss_prob|service");
}

// A default is written twice, in the schema (what an absent key reads as) and in the struct
// initialiser (what code that builds a Scenario by hand gets). Loading scenarios that leave
// every optional key out shows the two agree.
TEST_CASE("schema defaults agree with the struct initialisers", "[loader]") {
    const Scenario minimal = load_scenario(data("good/minimal.yaml"));
    const Scenario plain;
    CHECK(minimal.time_unit == plain.time_unit);
    const RunSpec run;
    CHECK(minimal.run.warmup == run.warmup);
    CHECK(minimal.run.replications == run.replications);
    CHECK(minimal.run.seed == run.seed);
    CHECK(minimal.run.max_wip == run.max_wip);
    CHECK(minimal.run.max_events == run.max_events);
    const Costs costs;
    CHECK(minimal.costs.late_penalty == costs.late_penalty);
    CHECK(minimal.costs.escape_penalty == costs.escape_penalty);
    CHECK(minimal.costs.lost_penalty == costs.lost_penalty);

    const Scenario sc = load_scenario_text(R"(
run: {horizon: 100, precision: {metric: lead_time_mean, half_width: 1}}
stages:
  orders: {type: source, interarrival: 1}
  work: {type: station, service: 0.5, breakdowns: {time_between: 10, repair: 1}}
  aoi: {type: inspection, service: 0.1}
  ship: {type: link, delay: 1}
  done: {type: sink}
routes:
  - {from: orders, to: work}
  - {from: work, to: aoi}
  - {from: aoi, to: ship}
  - {from: ship, to: done}
)",
                                           "defaults.yaml");
    const StageSpec spec;
    const StageSpec& source = sc.stages[0];
    const StageSpec& station = sc.stages[1];
    const StageSpec& inspection = sc.stages[2];
    const StageSpec& link = sc.stages[3];
    CHECK(source.on_scrap == spec.on_scrap);
    for (const StageSpec* s : {&station, &inspection}) {
        CHECK(s->servers == spec.servers);
        CHECK(s->discipline == spec.discipline);
        CHECK(s->initial_wip == spec.initial_wip);
        CHECK(s->cost.per_busy_time == spec.cost.per_busy_time);
        CHECK(s->cost.per_idle_time == spec.cost.per_idle_time);
        CHECK(s->cost.per_unit == spec.cost.per_unit);
    }
    CHECK(station.defect_prob == spec.defect_prob);
    CHECK(station.repairs == spec.repairs);
    CHECK(inspection.detect_prob == spec.detect_prob);
    CHECK(inspection.false_alarm_prob == spec.false_alarm_prob);
    CHECK(link.loss_prob == spec.loss_prob);
    CHECK(link.damage_prob == spec.damage_prob);
    REQUIRE(station.breakdowns);
    const Breakdowns bd;
    CHECK(station.breakdowns->cost_per_repair == bd.cost_per_repair);
    CHECK(station.breakdowns->on_failure == bd.on_failure);
    CHECK(station.breakdowns->clock == bd.clock);
    REQUIRE(sc.run.precision);
    CHECK(sc.run.precision->max_replications == Precision{}.max_replications);
}

TEST_CASE("a large scenario: names found through the map index, long name lists cut short",
          "[loader]") {
    // 300 stations: every map past eight entries is looked up by hash (RawNode::add).
    const std::size_t n = 300;
    std::string stages = "stages:\n  src: {type: source, interarrival: 1}\n";
    std::string routes = "routes:\n  - {from: src, to: st0}\n";
    for (std::size_t i = 0; i < n; ++i) {
        const std::string name = "st" + std::to_string(i);
        stages += "  " + name + ": {type: station, service: 0.001}\n";
        const std::string next = i + 1 < n ? "st" + std::to_string(i + 1) : std::string("out");
        routes += "  - {from: " + name + ", to: " + next + "}\n";
    }
    stages += "  out: {type: sink}\n";
    const std::string head = "run: {horizon: 5}\n";
    const Scenario sc =
        load_scenario_text(head + stages + routes, "big.yaml", {"stages.st250.servers=3"});
    REQUIRE(sc.stages.size() == n + 2);
    for (std::size_t i = 0; i + 1 < sc.stages.size(); ++i) {
        REQUIRE(sc.stages[i].routes.size() == 1);
        CHECK(sc.stages[i].routes[0].to == i + 1);
    }
    CHECK(stage(sc, "st250").servers == 3);
    CHECK(stage(sc, "st249").servers == 1);

    // A repeated key far into a big map is caught and placed at its line.
    try {
        (void)load_scenario_text(head + stages + "  st7: {type: sink}\n" + routes, "big.yaml");
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].loc.line == static_cast<int>(n) + 5);  // after the sink
        CHECK(e.diagnostics()[0].message == "duplicate key `st7` (first given at line 11)");
    }

    // An unknown name with no near miss lists the first 20 stages and the count.
    try {
        (void)load_scenario_text(head + stages + routes + "  - {from: out, to: zzzzzzzzzz}\n",
                                 "big.yaml");
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        bool found = false;
        for (const Diagnostic& d : e.diagnostics()) {
            if (d.message != "there is no stage `zzzzzzzzzz`") continue;
            found = true;
            CHECK(d.hint.rfind("the stages are: src, st0, st1, ", 0) == 0);
            CHECK(d.hint.find(", st18 ... (302 in all)") != std::string::npos);
            CHECK(d.hint.find("st19") == std::string::npos);
        }
        CHECK(found);
    }
}
