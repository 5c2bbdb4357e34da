// Variants and sweep designs: read, checked like --set, applied, points generated.
#include <algorithm>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"

using qosim::models::ScenarioError;
using qosim::models::ScenarioFile;
using qosim::models::SweepMethod;

namespace {

const std::string kBase =
    "run: {horizon: 100}\n"
    "stages:\n"
    "  orders: {type: source, interarrival: 1}\n"
    "  smt: {type: station, servers: 2, service: {dist: exponential, mean: 0.8}}\n"
    "  aoi: {type: inspection, service: 0.1, detect_prob: 0.9}\n"
    "  done: {type: sink}\n"
    "routes:\n"
    "  - {from: orders, to: smt}\n"
    "  - {from: smt, to: aoi}\n"
    "  - {from: aoi, to: done, when: pass}\n"
    "  - {from: aoi, to: scrap, when: fail}\n";

std::vector<qosim::models::Diagnostic> errors_of(const std::string& yaml) {
    try {
        (void)qosim::models::load_scenario_text(yaml, "design.yaml");
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

}  // namespace

TEST_CASE("variants are read, applied before --set, and recorded", "[design]") {
    const auto file =
        ScenarioFile::parse(kBase +
                                "variants:\n"
                                "  third_smt: {stages.smt.servers: 3}\n"
                                "  better_aoi: {stages.aoi.detect_prob: 0.98, "
                                "stages.smt.service: {dist: exponential, mean: 0.7}}\n",
                            "design.yaml");
    REQUIRE(file.variants().size() == 2);
    const auto* better = file.find_variant("better_aoi");
    REQUIRE(better != nullptr);
    CHECK(better->settings.size() == 2);
    CHECK(better->settings[1].text == "{dist: exponential, mean: 0.7}");
    CHECK(file.find_variant("worse") == nullptr);

    const auto base = file.load_checked();
    CHECK(base.stages[1].servers == 2);
    const auto third = file.load({}, file.find_variant("third_smt")->settings);
    CHECK(third.stages[1].servers == 3);
    CHECK(third.settings == std::vector<std::string>{"stages.smt.servers=3"});
    // --set applies on top of the variant.
    const auto both = file.load({"stages.smt.servers=5"}, file.find_variant("third_smt")->settings);
    CHECK(both.stages[1].servers == 5);
    const auto b = file.load({}, better->settings);
    CHECK(b.stages[2].detect_prob == 0.98);
    CHECK(b.stages[1].service.mean() == Approx(0.7));
}

TEST_CASE("a variant's unknown path and bad value are located errors", "[design]") {
    const auto path = errors_of(kBase +
                                "variants:\n"
                                "  third: {stages.smt.servres: 3}\n");
    REQUIRE(path.size() == 1);
    CHECK(path[0].loc.line == 13);
    CHECK(path[0].loc.column == 11);
    CHECK(path[0].message == "in variant `third`: unknown key `servres` under `stages.smt`");
    CHECK(path[0].hint.find("did you mean `servers`?") != std::string::npos);

    const auto value = errors_of(kBase +
                                 "variants:\n"
                                 "  sure: {stages.aoi.detect_prob: 1.5}\n");
    REQUIRE(value.size() == 1);
    CHECK(value[0].loc.line == 13);
    CHECK(value[0].loc.column == 34);
    CHECK(value[0].path == "stages.aoi.detect_prob");
    CHECK(value[0].message.find("in variant `sure`: must be in [0, 1]") == 0);

    const auto shape = errors_of(kBase + "variants:\n  empty: {}\n  bad-name!: {run.seed: 2}\n");
    CHECK(shape.size() == 2);
}

TEST_CASE("a grid sweeps every combination, the last parameter fastest", "[design]") {
    const auto file = ScenarioFile::parse(kBase +
                                              "sweep:\n"
                                              "  method: grid\n"
                                              "  parameters:\n"
                                              "    stages.smt.servers: [1, 2, 3]\n"
                                              "    stages.aoi.detect_prob: {from: 0.80, to: 0.99, "
                                              "steps: 5}\n",
                                          "design.yaml");
    const auto* sweep = file.sweep();
    REQUIRE(sweep != nullptr);
    CHECK(sweep->method == SweepMethod::grid);
    REQUIRE(sweep->points.size() == 15);
    CHECK(sweep->parameters[0].integer);
    CHECK_FALSE(sweep->parameters[1].integer);
    CHECK(sweep->parameters[1].values ==
          std::vector<std::string>{"0.8", "0.8475", "0.895", "0.9425", "0.99"});
    CHECK(sweep->points[0] == std::vector<std::string>{"1", "0.8"});
    CHECK(sweep->points[1] == std::vector<std::string>{"1", "0.8475"});
    CHECK(sweep->points[14] == std::vector<std::string>{"3", "0.99"});
    const auto sc = file.load({}, sweep->settings(7));  // servers 2, detect 0.895
    CHECK(sc.stages[1].servers == 2);
    CHECK(sc.stages[2].detect_prob == 0.895);
    CHECK(sc.settings ==
          std::vector<std::string>{"stages.smt.servers=2", "stages.aoi.detect_prob=0.895"});
    // Integers stay integers: evenly spaced whole numbers, or an error.
    const auto ok = ScenarioFile::parse(
        kBase + "sweep: {parameters: {stages.smt.servers: {from: 1, to: 7, steps: 4}}}\n",
        "d.yaml");
    CHECK(ok.sweep()->parameters[0].values == std::vector<std::string>{"1", "3", "5", "7"});
    const auto bad = errors_of(
        kBase + "sweep: {parameters: {stages.smt.servers: {from: 1, to: 4, steps: 3}}}\n");
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].message.find("are 1.5 apart, but `stages.smt.servers` takes whole numbers") !=
          std::string::npos);
}

TEST_CASE("a Latin hypercube uses each stratum once per parameter, from its own seed", "[design]") {
    const std::string yaml = kBase +
                             "sweep:\n"
                             "  method: lhs\n"
                             "  samples: 8\n"
                             "  seed: 5\n"
                             "  parameters:\n"
                             "    stages.aoi.detect_prob: {from: 0.8, to: 1.0}\n"
                             "    stages.smt.servers: {from: 1, to: 8}\n"
                             "    stages.smt.service.mean: {from: 0.4, to: 0.8}\n";
    const auto file = ScenarioFile::parse(yaml, "lhs.yaml");
    const auto* sweep = file.sweep();
    REQUIRE(sweep->points.size() == 8);
    std::set<int> strata_detect;
    std::set<std::string> servers;
    for (const auto& p : sweep->points) {
        const double d = std::stod(p[0]);
        CHECK(d >= 0.8);
        CHECK(d < 1.0);
        strata_detect.insert(static_cast<int>((d - 0.8) / 0.2 * 8));
        servers.insert(p[1]);
        CHECK(p[1].find('.') == std::string::npos);  // whole numbers
    }
    CHECK(strata_detect.size() == 8);  // one point in each eighth of the range
    CHECK(servers.size() == 8);        // 1..8, each once
    // Same seed, same points; another seed, other points; run.seed plays no part.
    CHECK(ScenarioFile::parse(yaml + "", "lhs.yaml").sweep()->points == sweep->points);
    std::string other = yaml;
    other.replace(other.find("seed: 5"), 7, "seed: 6");
    CHECK(ScenarioFile::parse(other, "lhs.yaml").sweep()->points != sweep->points);
    CHECK(errors_of(kBase + "sweep: {method: lhs, parameters: {run.seed: [1, 2]}}\n").size() == 1);
}

TEST_CASE("swept values are checked against the scenario when it loads", "[design]") {
    const auto d = errors_of(kBase + "sweep: {parameters: {stages.aoi.detect_prob: [0.5, 2]}}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message.find("in sweep value stages.aoi.detect_prob=2: must be in [0, 1]") == 0);
    CHECK(d[0].loc.line == 12);
}

TEST_CASE("a shift window cannot staff more servers than the station has: capped, with a warning",
          "[design]") {
    const auto sc = qosim::models::load_scenario_text(
        "run: {horizon: 100}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  smt:\n"
        "    type: station\n"
        "    servers: 2\n"
        "    service: 0.5\n"
        "    shifts: {cycle: 24, servers: [{from: 0, to: 16, servers: 3}, {from: 16, to: 24, "
        "servers: 1}]}\n"
        "  done: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: smt}\n"
        "  - {from: smt, to: done}\n",
        "cap.yaml");
    REQUIRE(sc.warnings.size() == 1);
    CHECK(sc.warnings[0].loc.line == 6);
    CHECK(sc.warnings[0].message ==
          "the station has 2 servers but its shift windows staff up to 3: those windows run "
          "with 2");
    REQUIRE(sc.stages[1].shifts.has_value());
    CHECK(sc.stages[1].shifts->windows[0].servers == 2);
    CHECK(sc.stages[1].shifts->windows[1].servers == 1);
}
