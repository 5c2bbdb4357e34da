// End-to-end tests of values at the edges: text a spreadsheet would evaluate, replications with
// nothing to measure, distributions without a finite mean, too many time-series windows in an
// order-count run, and a scenario with more errors than anyone reads.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli_support.hpp"

namespace fs = std::filesystem;
using namespace cli_test;

namespace {

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

/// run_info.csv as key -> raw cell (quotes kept, so an escape is visible).
std::map<std::string, std::string> run_info_cells(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& line : lines(read_file(dir / "run_info.csv"))) {
        const auto comma = line.find(',');
        if (comma != std::string::npos) out[line.substr(0, comma)] = line.substr(comma + 1);
    }
    return out;
}

}  // namespace

TEST_CASE("a scenario name a spreadsheet would evaluate reaches run_info.csv escaped",
          "[cli][hardening]") {
    const TempDir tmp;
    const fs::path scenario = tmp / "s.yaml";
    write_text(scenario,
               "name: \"=1+1\"\n"
               "run: {horizon: 100, replications: 2, seed: 1}\n"
               "stages:\n"
               "  src: {type: source, interarrival: 1}\n"
               "  work: {type: station, service: 0.5}\n"
               "  done: {type: sink}\n"
               "routes:\n"
               "  - {from: src, to: work}\n"
               "  - {from: work, to: done}\n");
    const auto out = tmp / "res";
    const auto r =
        run_cli("run " + quoted(scenario) + " --quiet --out " + quoted(out) + " --set run.seed=7");
    REQUIRE(r.code == 0);
    const auto info = run_info_cells(out);
    CHECK(info.at("scenario_name") == "\"'=1+1\"");
    CHECK(info.at("overrides") == "run.seed=7");
    CHECK(info.at("warmup_method") == "fixed");
    CHECK(info.at("interrupted") == "no");
    // The headers and stage types are as SPEC §4 spells them.
    const auto stages = lines(read_file(out / "stages.csv"));
    REQUIRE(stages.size() == 7);
    CHECK(stages[0].rfind("replication,stage,type,arrivals,departures,", 0) == 0);
    CHECK(stages[1].rfind("0,src,source,", 0) == 0);
    // Stage and product names cannot start with = + - @ (the name rule refuses them), so only
    // free text (the scenario's name, file, overrides, swept values) can need the escape.
    write_text(tmp / "bad.yaml",
               "name: x\n"
               "run: {horizon: 100}\n"
               "stages:\n"
               "  \"@x\": {type: source, interarrival: 1}\n"
               "  done: {type: sink}\n"
               "routes: [{from: \"@x\", to: done}]\n");
    const auto bad = run_cli("check " + quoted(tmp / "bad.yaml"));
    CHECK(bad.code == 2);
    CHECK(bad.err.find("a stage name must match") != std::string::npos);
}

TEST_CASE("a negative swept value stays a number in sweep.csv", "[cli][hardening]") {
    const TempDir tmp;
    const fs::path scenario = tmp / "s.yaml";
    write_text(scenario,
               "name: sweep negative\n"
               "run: {horizon: 50, replications: 2, seed: 1}\n"
               "stages:\n"
               "  src:\n"
               "    type: source\n"
               "    interarrival: 1\n"
               "    products: {a: {share: 0.5, priority: 0}, b: {share: 0.5}}\n"
               "  work: {type: station, service: 0.5, queue: {discipline: priority}}\n"
               "  done: {type: sink}\n"
               "routes:\n"
               "  - {from: src, to: work}\n"
               "  - {from: work, to: done}\n"
               "sweep:\n"
               "  parameters:\n"
               "    stages.src.products.a.priority: [-2, 3]\n");
    const auto out = tmp / "sw";
    const auto r = run_cli("sweep " + quoted(scenario) + " --quiet --out " + quoted(out));
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto rows = lines(read_file(out / "sweep.csv"));
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].rfind("point,stages.src.products.a.priority,replication,seed,", 0) == 0);
    CHECK(rows[1].rfind("0,-2,0,1,", 0) == 0);
    CHECK(rows[3].rfind("1,3,0,1,", 0) == 0);
}

TEST_CASE("with no delivery, lead times and on-time rate are empty cells, not 0 and 1",
          "[cli][hardening]") {
    // The horizon ends before the first service does: orders are made, none is delivered.
    const TempDir tmp;
    const fs::path scenario = tmp / "s.yaml";
    write_text(scenario,
               "name: nothing delivered\n"
               "run: {horizon: 5, replications: 3, seed: 1}\n"
               "stages:\n"
               "  src:\n"
               "    type: source\n"
               "    interarrival: 1\n"
               "    products: {a: {share: 0.5, due_in: 3}, b: {share: 0.5}}\n"
               "  work: {type: station, service: 10}\n"
               "  done: {type: sink}\n"
               "routes:\n"
               "  - {from: src, to: work}\n"
               "  - {from: work, to: done}\n"
               "targets:\n"
               "  on_time_rate: {min: 0.9}\n");
    const auto out = tmp / "res";
    const auto r = run_cli("run " + quoted(scenario) + " --out " + quoted(out));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const std::vector<std::string> empty_run_columns{
        "lead_time_mean", "lead_time_p50", "lead_time_p90", "lead_time_p95",
        "lead_time_p99",  "lead_time_max", "on_time_rate"};
    const auto runs = lines(read_file(out / "runs.csv"));
    REQUIRE(runs.size() == 4);
    const auto header = split_commas(runs[0]);
    auto col = [&](const std::vector<std::string>& cols, const std::string& name) {
        const auto it = std::find(cols.begin(), cols.end(), name);
        REQUIRE(it != cols.end());
        return static_cast<std::size_t>(it - cols.begin());
    };
    for (std::size_t i = 1; i < runs.size(); ++i) {
        const auto cells = split_commas(runs[i]);
        REQUIRE(cells.size() == header.size());
        CHECK(cells[col(header, "orders_created")] == "5");
        CHECK(cells[col(header, "orders_delivered")] == "0");
        for (const auto& name : empty_run_columns) {
            INFO(name);
            CHECK(cells[col(header, name)].empty());
        }
        CHECK(cells[col(header, "customer_error_rate")] == "0");  // still 0: a rate of none
    }
    const auto classes = lines(read_file(out / "classes.csv"));
    REQUIRE(classes.size() == 7);
    const auto class_header = split_commas(classes[0]);
    for (std::size_t i = 1; i < classes.size(); ++i) {
        const auto cells = split_commas(classes[i]);
        for (const std::string name : {"lead_time_mean", "lead_time_p95", "on_time_rate"})
            CHECK(cells[col(class_header, name)].empty());
    }
    const std::string summary = read_file(out / "summary.csv");
    CHECK(summary.find("\nlead_time_mean,,,,,0,,\n") != std::string::npos);
    CHECK(summary.find("\nlead_time_p95,,,,,0,,\n") != std::string::npos);
    CHECK(summary.find("\non_time_rate,,,,,0,>= 0.9,undecided\n") != std::string::npos);
    CHECK(summary.find("\norders_created,5,0,5,5,3,,\n") != std::string::npos);
    CHECK(read_file(out / "class_summary.csv").find("\na,lead_time_mean,,,,,0\n") !=
          std::string::npos);
    // The console says so instead of printing a lead time of 0 or an on-time rate of 100 %.
    CHECK(std::regex_search(r.out, std::regex(R"(lead time mean +- +no order delivered)")));
    CHECK(std::regex_search(r.out, std::regex(R"(lead time p95 +- +no order delivered)")));
    CHECK(std::regex_search(r.out,
                            std::regex(R"(on-time rate +- +of delivered +no order delivered)")));
    CHECK(std::regex_search(r.out, std::regex(R"(on_time_rate +>= 90 % +- +not measured in any )"
                                              R"(replication +UNDECIDED)")));
}

TEST_CASE("--timeseries in an order-count run stops at the window cap, not out of memory",
          "[cli][hardening]") {
    // The end of a run.orders run is unknown beforehand, so the command line cannot count the
    // windows: the engine stops before window 1 000 001 and says what to do.
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r = run_cli("run " + data("orders_mode.yaml") + " --quiet --jobs 1 --out " +
                           quoted(out) + " --timeseries 1e-4");
    CHECK(r.code == 1);
    CHECK(r.err.find("--timeseries 1e-04 needs more than 1000000 windows") != std::string::npos);
    CHECK(r.err.find("run.orders") != std::string::npos);
    CHECK(r.err.find("use a wider window") != std::string::npos);
    CHECK(r.err.find("--timeseries 0.01 or more") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
    // A window the cap allows gives the time series as before.
    const auto ok = run_cli("run " + data("orders_mode.yaml") + " --quiet --out " +
                            quoted(tmp / "ok") + " --timeseries 1");
    CHECK(ok.code == 0);
    CHECK(lines(read_file(tmp / "ok" / "timeseries.csv")).size() > 100);
}

TEST_CASE("a scenario with 200 000 bad keys prints the first 50 and a count, not 34 MB",
          "[cli][hardening]") {
    const TempDir tmp;
    const fs::path scenario = tmp / "keys.yaml";
    {
        std::ofstream f(scenario, std::ios::binary);
        f << "run: {horizon: 10}\n"
             "stages: {src: {type: source, interarrival: 1}, sink: {type: sink}}\n"
             "routes: [{from: src, to: sink}]\n";
        for (int i = 0; i < 200000; ++i) f << "junk" << i << ": 1\n";
    }
    const auto r = run_cli("run " + quoted(scenario) + " --out " + quoted(tmp / "res"));
    CHECK(r.code == 2);
    CHECK_FALSE(fs::exists(tmp / "res"));
    CHECK(r.out.empty());
    CHECK(r.err.size() < 20000);
    const auto err = lines(r.err);
    std::size_t located = 0;
    for (const auto& line : err)
        if (line.rfind(scenario.string() + ":", 0) == 0 &&
            line.find(": unknown key `junk") != std::string::npos)
            ++located;
    CHECK(located == 50);
    CHECK(r.err.find("keys.yaml:4:1: junk0: unknown key `junk0`") != std::string::npos);
    CHECK(r.err.find("keys.yaml:53:1: junk49: unknown key `junk49`") != std::string::npos);
    CHECK(r.err.find("junk50`") == std::string::npos);
    REQUIRE_FALSE(err.empty());
    CHECK(err.back().rfind("\u2026 and 199950 more errors (200000 in all, the first 50 shown)",
                           0) == 0);
}
