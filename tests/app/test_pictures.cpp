// Pictures: graph --results (annotated DOT from a results directory, its refusals), report.html
// (every section, the same bytes for any --jobs, nothing fetched), the SVG writer's helpers and
// the annotations computed in memory against those read back from the CSV files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/output/report.hpp"
#include "app/output/results_notes.hpp"
#include "app/output/svg.hpp"
#include "app/output/whatif_report.hpp"
#include "cli_support.hpp"
#include "models/graph/graph_notes.hpp"
#include "models/input/load.hpp"
#include "models/run/replication.hpp"

using namespace qosim;
using namespace cli_test;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("graph --results annotates the stages and edges from a run's files", "[pictures]") {
    const TempDir tmp;
    const auto res = tmp / "res";
    const auto run = run_cli("run " + data("quality_line.yaml") +
                             " --reps 2 --horizon 400 --quiet "
                             "--out " +
                             quoted(res));
    REQUIRE(run.code == 0);
    const auto g = run_cli("graph " + data("quality_line.yaml") + " --results " + quoted(res));
    REQUIRE(g.code == 0);
    CHECK(g.out.rfind("digraph G {", 0) == 0);
    // The machine (utilisation ~0.5) outweighs the inspection (~0.05): it is the bottleneck.
    CHECK(count_of(g.out, "BOTTLENECK") == 1);
    CHECK(g.out.find("machine\\nstation\\n1 server, service 1.00 hour\\nutilisation ") !=
          std::string::npos);
    CHECK(g.out.find("shape=hexagon") != std::string::npos);  // the inspection
    CHECK(count_of(g.out, "fillcolor=") == 2);                // machine and aoi
    CHECK(g.out.find("escaped") != std::string::npos);        // defects reach customers
    CHECK(g.out.find(" /hour\"]") != std::string::npos);      // edges carry flows
    // Every edge has a flow label.
    CHECK(count_of(g.out, "->") == count_of(g.out, "/hour\"]"));

    SECTION("results of another scenario are refused, exit 2") {
        const auto other = run_cli("graph " + data("mm1.yaml") + " --results " + quoted(res));
        CHECK(other.code == 2);
        CHECK(other.err.find("another scenario") != std::string::npos);
        CHECK(other.out.empty());
    }
    SECTION("late_time_share shows when the column is there and not zero; empty cells are fine") {
        // Rewrite stages.csv: machine's late_time_share 0.75 and no other, every utilization cell
        // of the inspection empty (a newer qosim leaves cells that do not apply empty).
        auto rows = lines(read_file(res / "stages.csv"));
        const auto header = split_commas(rows[0]);
        const auto col = [&](const std::string& name) {
            return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                            header.begin());
        };
        REQUIRE(col("late_time_share") < header.size());
        std::string text;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            auto cells = split_commas(rows[i]);
            if (i > 0) {  // only machine has a share: the label shows once
                cells[col("late_time_share")] = cells[col("stage")] == "machine" ? "0.75" : "";
            }
            if (i > 0 && cells[col("stage")] == "aoi") cells[col("utilization")] = "";
            for (std::size_t k = 0; k < cells.size(); ++k) text += (k ? "," : "") + cells[k];
            text += "\n";
        }
        {
            std::ofstream out(res / "stages.csv", std::ios::binary | std::ios::trunc);
            out << text;
        }
        const auto late =
            run_cli("graph " + data("quality_line.yaml") + " --results " + quoted(res));
        REQUIRE(late.code == 0);
        CHECK(late.out.find("late orders' time 75.0 %") != std::string::npos);
        CHECK(count_of(late.out, "late orders' time") == 1);
        CHECK(count_of(late.out, "fillcolor=") == 1);  // aoi has no utilisation now
    }
    SECTION("a directory without stages.csv is refused, exit 2") {
        fs::remove(res / "stages.csv");
        const auto bad =
            run_cli("graph " + data("quality_line.yaml") + " --results " + quoted(res));
        CHECK(bad.code == 2);
        CHECK(bad.err.find("stages.csv") != std::string::npos);
    }
}

TEST_CASE("report.html: every section, the same bytes for any --jobs, nothing to fetch",
          "[pictures]") {
    const TempDir tmp;
    const std::string args = " --reps 3 --horizon 400 --quiet --timeseries 50";
    REQUIRE(
        run_cli("run " + data("quality_line.yaml") + args + " --jobs 1 --out " + quoted(tmp / "a"))
            .code == 0);
    REQUIRE(
        run_cli("run " + data("quality_line.yaml") + args + " --jobs 3 --out " + quoted(tmp / "b"))
            .code == 0);
    const std::string html = read_file(tmp / "a" / "report.html");
    CHECK(html == read_file(tmp / "b" / "report.html"));
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    for (const char* id : app::kReportSections) {
        CHECK(count_of(html, std::string("<section id=\"") + id + "\">") == 1);
    }
    CHECK(count_of(html, "<section") == count_of(html, "</section>"));
    CHECK(count_of(html, "<svg ") == count_of(html, "</svg>"));
    CHECK(count_of(html, "<svg ") >= 8);
    // Self-contained: no script, no external resource (the SVG namespace is a name, not a fetch).
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(count_of(html, "http") == count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    // The time series is there (--timeseries) with its warm-up marked.
    CHECK(html.find("warm-up (discarded)") != std::string::npos);

    SECTION("without --timeseries the section says how to get it") {
        REQUIRE(run_cli("run " + data("quality_line.yaml") +
                        " --reps 2 --horizon 400 --quiet "
                        "--out " +
                        quoted(tmp / "c"))
                    .code == 0);
        const std::string plain = read_file(tmp / "c" / "report.html");
        CHECK(plain.find("--timeseries WINDOW") != std::string::npos);
        CHECK(plain.find("warm-up (discarded)") == std::string::npos);
    }
}

TEST_CASE("the annotations in memory equal those read back from the CSV files", "[pictures]") {
    const TempDir tmp;
    const auto res = tmp / "res";
    const fs::path file = fs::path(QOSIM_TEST_DATA_DIR) / "cli" / "quality_line.yaml";
    REQUIRE(run_cli("run " + quoted(file) + " --reps 2 --horizon 400 --quiet --out " + quoted(res))
                .code == 0);
    const auto sc = models::load_scenario(file.string(), {"run.replications=2", "run.horizon=400"});
    std::vector<models::ReplicationResult> results;
    for (std::uint64_t r = 0; r < 2; ++r)
        results.push_back(models::run_replication(sc, r, sc.run.seed));
    const auto mem = app::notes_from_results(sc, results);
    const auto disk = app::read_results_notes(res, sc);
    REQUIRE(mem.stages.size() == disk.stages.size());
    CHECK(mem.bottleneck == disk.bottleneck);
    CHECK(mem.bottleneck == sc.find_stage("machine"));
    for (std::size_t s = 0; s < mem.stages.size(); ++s) {
        CHECK(mem.stages[s].utilization.has_value() == disk.stages[s].utilization.has_value());
        if (mem.stages[s].utilization) {
            CHECK(*mem.stages[s].utilization == Approx(*disk.stages[s].utilization));
        }
        CHECK(mem.stages[s].departure_rate == Approx(disk.stages[s].departure_rate));
        CHECK(mem.stages[s].cost == Approx(disk.stages[s].cost));
        CHECK(mem.stages[s].defects_escaped == Approx(disk.stages[s].defects_escaped));
    }
    // The same DOT text either way.
    CHECK(models::to_graphviz(sc, mem) == models::to_graphviz(sc, disk));
}

TEST_CASE("svg helpers: fixed decimals, escaping, round ticks", "[pictures][svg]") {
    CHECK(app::svg::coord(1.25) == "1.2");  // round half to even in to_chars' fixed form
    CHECK(app::svg::coord(-0.01) == "0.0");
    CHECK(app::svg::coord(12) == "12.0");
    CHECK(app::svg::escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
    CHECK(app::svg::ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
    const auto [lo, hi] = app::svg::nice_range(0.013, 0.027, 5);
    CHECK(lo == Approx(0.01));
    CHECK(hi == Approx(0.03));
    const app::svg::Scale y{0, 10, 100, 0};
    CHECK(y(0) == 100);
    CHECK(y(5) == 50);
    app::svg::Canvas c(10, 20, "t<");
    c.text(1, 2, "x&y");
    const std::string s = c.str();
    CHECK(s.find("aria-label=\"t&lt;\"") != std::string::npos);
    CHECK(s.find(">x&amp;y</text>") != std::string::npos);
}

TEST_CASE("layered layout: columns by longest path, a loop back does not push columns",
          "[pictures][graph]") {
    // in -> a -> b -> out, with b -> a (rework loop) and in -> b (a shortcut).
    models::Scenario sc;
    for (const auto& [name, type] : std::vector<std::pair<std::string, models::StageType>>{
             {"in", models::StageType::source},
             {"a", models::StageType::station},
             {"b", models::StageType::inspection},
             {"out", models::StageType::sink}}) {
        models::StageSpec s;
        s.name = name;
        s.type = type;
        sc.stages.push_back(s);
    }
    const auto route = [&](std::size_t from, std::size_t to, double p) {
        models::Route r;
        r.to = to;
        r.prob = p;
        sc.stages[from].routes.push_back(r);
    };
    route(0, 1, 0.5);
    route(0, 2, 0.5);
    route(1, 2, 1.0);
    route(2, 3, 0.9);
    route(2, 1, 0.1);
    const auto lay = models::layered_layout(models::build_stage_graph(sc));
    CHECK(lay.layer == std::vector<std::size_t>{0, 1, 2, 3});
    CHECK(lay.layers == 4);
    CHECK(lay.max_slots == 1);

    models::GraphNotes notes;
    notes.stages.resize(4);
    notes.stages[0].departure_rate = 2.0;
    notes.stages[1].arrival_rate = 1.2;
    notes.stages[2].departure_rate = 2.2;
    notes.stages[3].arrival_rate = 2.0;
    bool exact = false;
    // in -> a: a has two routes in (from in and from b), so prob x departures, an estimate.
    CHECK(models::route_flow(sc, notes, 0, 0, exact) == Approx(1.0));
    CHECK_FALSE(exact);
    // b -> out: the only route into out: its arrivals, exact.
    CHECK(models::route_flow(sc, notes, 2, 0, exact) == Approx(2.0));
    CHECK(exact);
    // a -> b: a's only route: its departures.
    CHECK(models::route_flow(sc, notes, 1, 0, exact) == Approx(0.0));
    CHECK(exact);
    CHECK(models::utilization_colour(0) == "#7fd17f");
    CHECK(models::utilization_colour(1.5) == "#ff6b6b");
}

TEST_CASE("compare and sweep write report.html with their sections, the same for any --jobs",
          "[pictures][whatif]") {
    const TempDir tmp;
    const std::string scenario = quoted(fs::path(QOSIM_SCENARIO_DIR) / "electronics_whatif.yaml");
    const std::string args = " --reps 3 --horizon 600 --quiet";
    for (const std::string cmd : {"compare", "sweep"}) {
        INFO(cmd);
        REQUIRE(
            run_cli(cmd + " " + scenario + args + " --jobs 1 --out " + quoted(tmp / (cmd + "1")))
                .code == 0);
        REQUIRE(
            run_cli(cmd + " " + scenario + args + " --jobs 3 --out " + quoted(tmp / (cmd + "3")))
                .code == 0);
        const std::string html = read_file(tmp / (cmd + "1") / "report.html");
        CHECK(html == read_file(tmp / (cmd + "3") / "report.html"));
        CHECK(html.find("<script") == std::string::npos);
        CHECK(count_of(html, "<svg ") == count_of(html, "</svg>"));
        const auto& ids = cmd == "compare"
                              ? std::vector<std::string>(std::begin(app::kCompareReportSections),
                                                         std::end(app::kCompareReportSections))
                              : std::vector<std::string>(std::begin(app::kSweepReportSections),
                                                         std::end(app::kSweepReportSections));
        for (const auto& id : ids) CHECK(count_of(html, "<section id=\"" + id + "\">") == 1);
    }
    // The sweep's scatter marks its selected point; compare without --select says how to get one.
    CHECK(read_file(tmp / "sweep1" / "report.html").find("selected: point") != std::string::npos);
    CHECK(read_file(tmp / "compare1" / "report.html").find("--select") != std::string::npos);
}
