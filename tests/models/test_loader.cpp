// Loader: a good scenario round-trips every field, defaults, unit conversion, rendering.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/loader.hpp"
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

TEST_CASE("omitted keys take the schema defaults", "[loader]") {
    const Scenario sc = load_scenario(data("good/minimal.yaml"));
    CHECK(sc.name == "minimal");  // the file stem
    CHECK(sc.time_unit == TimeUnit::hour);
    CHECK(sc.run.horizon == 100);
    CHECK(sc.run.warmup == 0);
    CHECK(sc.run.replications == 10);
    CHECK(sc.run.seed == 1);
    CHECK(sc.run.max_wip == 1'000'000);
    CHECK(sc.run.max_events == 1e10);
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
    CHECK(hours_per_unit(TimeUnit::minute) == Approx(1.0 / 60));
    CHECK(hours_per_unit(TimeUnit::day) == 24);
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
    CHECK(ref.find("integer >= 1 (count); default 1") != std::string::npos);
    CHECK(ref.find("fifo|lifo|priority|edd; default fifo") != std::string::npos);
    CHECK(ref.find("exponential") != std::string::npos);
    CHECK(ref.find("mean | rate") != std::string::npos);
    CHECK(ref.find("not supported by this version yet") != std::string::npos);
    CHECK(ref.find("stages.*.type: inspection") != std::string::npos);

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
