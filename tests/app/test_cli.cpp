// End-to-end tests of the qosim binary: exit codes, nothing written on error, CSV bytes.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "cli_support.hpp"

namespace fs = std::filesystem;
using namespace cli_test;

namespace {

const std::vector<std::string> kOutputFiles{"runs.csv", "stages.csv", "summary.csv",
                                            "run_info.csv"};

}  // namespace

TEST_CASE("help and version options exit 0", "[cli]") {
    const auto help = run_cli("--help");
    CHECK(help.code == 0);
    CHECK(help.out.find("run") != std::string::npos);
    CHECK(help.out.find("check") != std::string::npos);
    CHECK(help.out.find("graph") != std::string::npos);

    const auto version = run_cli("--version");
    CHECK(version.code == 0);
    CHECK(version.out.find(std::string("qosim ") + QOSIM_VERSION) != std::string::npos);

    const auto run_help = run_cli("run --help");
    CHECK(run_help.code == 0);
    CHECK(run_help.out.find("--fail-on-target") != std::string::npos);
    CHECK(run_help.out.find("--jobs") != std::string::npos);
}

TEST_CASE("check --help lists the scenario schema", "[cli]") {
    const auto r = run_cli("check --help");
    CHECK(r.code == 0);
    CHECK(r.out.find("Scenario keys:") != std::string::npos);
    CHECK(r.out.find("horizon") != std::string::npos);
}

TEST_CASE("usage errors exit 2 and write nothing", "[cli]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const std::string o = " --out " + quoted(out);

    SECTION("unknown option") {
        CHECK(run_cli("run " + data("mm1.yaml") + o + " --bogus").code == 2);
    }
    SECTION("no subcommand") { CHECK(run_cli("").code == 2); }
    SECTION("unknown subcommand") { CHECK(run_cli("simulate " + data("mm1.yaml")).code == 2); }
    SECTION("missing scenario argument") { CHECK(run_cli("run" + o).code == 2); }
    SECTION("--jobs 0") { CHECK(run_cli("run " + data("mm1.yaml") + o + " --jobs 0").code == 2); }
    SECTION("--jobs -1") { CHECK(run_cli("run " + data("mm1.yaml") + o + " --jobs -1").code == 2); }
    SECTION("--jobs x") { CHECK(run_cli("run " + data("mm1.yaml") + o + " --jobs x").code == 2); }
    SECTION("--timeseries 0") {
        const auto r = run_cli("run " + data("mm1.yaml") + o + " --timeseries 0");
        CHECK(r.code == 2);
        CHECK(r.err.find("--timeseries") != std::string::npos);
    }
    SECTION("--timeseries not a number") {
        CHECK(run_cli("run " + data("mm1.yaml") + o + " --timeseries ten").code == 2);
        CHECK(run_cli("run " + data("mm1.yaml") + o + " --timeseries 5h").code == 2);
        CHECK(run_cli("run " + data("mm1.yaml") + o + " --timeseries inf").code == 2);
    }
    SECTION("--timeseries with too many windows") {
        CHECK(run_cli("run " + data("mm1.yaml") + o + " --timeseries 1e-9").code == 2);
    }
    SECTION("--trace into a missing directory") {
        const auto r =
            run_cli("run " + data("mm1.yaml") + o + " --trace " + quoted(tmp / "no" / "t.csv"));
        CHECK(r.code == 2);
        CHECK(r.err.find("--trace") != std::string::npos);
        CHECK_FALSE(fs::exists(tmp / "no"));
    }
    SECTION("--set of an unknown path") {
        const auto r = run_cli("run " + data("mm1.yaml") + o + " --set stages.machine.sevrers=2");
        CHECK(r.code == 2);
        CHECK(r.err.find("sevrers") != std::string::npos);
    }
    SECTION("--reps 0 is validated by the loader") {
        CHECK(run_cli("run " + data("mm1.yaml") + o + " --reps 0").code == 2);
    }
    SECTION("missing scenario file") {
        const auto r = run_cli("run " + quoted(tmp / "nope.yaml") + o);
        CHECK(r.code == 2);
        CHECK(r.err.find("nope.yaml") != std::string::npos);
    }
    SECTION("graph --results of a directory that does not exist") {
        const auto r = run_cli("graph " + data("mm1.yaml") + " --results " + quoted(out));
        CHECK(r.code == 2);
        CHECK(r.err.find("no such directory") != std::string::npos);
    }
    SECTION("graph -o with an extension it cannot write") {
        const auto r = run_cli("graph " + data("mm1.yaml") + " -o " + quoted(tmp / "g.jpg"));
        CHECK(r.code == 2);
        CHECK(r.err.find("unknown extension") != std::string::npos);
        CHECK_FALSE(fs::exists(tmp / "g.jpg"));
    }
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("an invalid scenario exits 2 with file:line:col and writes nothing", "[cli]") {
    const TempDir tmp;
    const auto out = tmp / "res";

    SECTION("a value out of range") {
        const auto r = run_cli("run " + data("bad_servers.yaml") + " --out " + quoted(out));
        CHECK(r.code == 2);
        CHECK(std::regex_search(r.err, std::regex(R"(bad_servers\.yaml:9:\d+:)")));
        CHECK(r.err.find("servers") != std::string::npos);
        CHECK(r.out.empty());
    }
    SECTION("a YAML syntax error") {
        const auto r = run_cli("run " + data("bad_syntax.yaml") + " --out " + quoted(out));
        CHECK(r.code == 2);
        CHECK(std::regex_search(r.err, std::regex(R"(bad_syntax\.yaml:\d+:\d+:)")));
    }
    SECTION("check reports the same error") {
        const auto r = run_cli("check " + data("bad_servers.yaml"));
        CHECK(r.code == 2);
        CHECK(std::regex_search(r.err, std::regex(R"(bad_servers\.yaml:9:\d+:)")));
    }
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("bad-input corpus files exit 2 and create no output directory", "[cli]") {
    const fs::path bad = fs::path(QOSIM_TEST_DATA_DIR) / "bad";
    std::vector<fs::path> files;
    if (fs::is_directory(bad)) {
        for (const auto& e : fs::directory_iterator(bad)) {
            if (e.path().extension() == ".yaml") files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    if (files.size() > 4) files.resize(4);  // a few suffice here; the loader tests cover all
    for (const auto& f : files) {
        INFO(f.string());
        const TempDir tmp;
        const auto r = run_cli("run " + quoted(f) + " --out " + quoted(tmp / "res"));
        CHECK(r.code == 2);
        CHECK(std::regex_search(r.err, std::regex(R"(\.yaml:\d+:\d+:)")));
        CHECK_FALSE(fs::exists(tmp / "res"));
    }
}

TEST_CASE("a run limit exits 1 and writes nothing", "[cli]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r = run_cli("run " + data("saturated.yaml") + " --quiet --set run.max_wip=5 --out " +
                           quoted(out));
    CHECK(r.code == 1);
    CHECK(r.err.find("max_wip") != std::string::npos);
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run writes the four CSV files with the SPEC columns", "[cli]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r = run_cli("run " + data("mm1.yaml") + " --quiet --jobs 2 --out " + quoted(out));
    REQUIRE(r.code == 0);
    INFO(r.err);

    for (const auto& name : kOutputFiles) CHECK(fs::is_regular_file(out / name));
    for (const auto& e : fs::directory_iterator(out)) {
        CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
    }

    const auto runs = lines(read_file(out / "runs.csv"));
    REQUIRE(runs.size() == 1 + 4);
    CHECK(starts_with_columns(
        runs[0], {"replication",         "seed",           "orders_created", "orders_delivered",
                  "orders_lost",         "throughput",     "lead_time_mean", "lead_time_p50",
                  "lead_time_p90",       "lead_time_p95",  "lead_time_p99",  "on_time_rate",
                  "customer_error_rate", "escape_rate",    "late_rate",      "loss_rate",
                  "defects_detected",    "false_alarms",   "scrapped",       "reworked",
                  "total_cost",          "cost_per_order", "wip_mean",       "events"}));
    CHECK(runs[1].rfind("0,7,", 0) == 0);  // replication 0, seed 7
    CHECK(runs[4].rfind("3,7,", 0) == 0);
    CHECK(split_commas(runs[1]).size() == split_commas(runs[0]).size());

    const auto stages = lines(read_file(out / "stages.csv"));
    REQUIRE(stages.size() == 1 + 4 * 3);
    CHECK(starts_with_columns(
        stages[0],
        {"replication", "stage", "type", "arrivals", "departures", "utilization", "availability",
         "queue_len_mean", "wait_mean", "wait_p95", "defects_introduced", "defects_detected",
         "defects_escaped", "lost", "breakdowns", "downtime", "cost"}));
    CHECK(stages[2].rfind("0,machine,station,", 0) == 0);

    const auto summary = lines(read_file(out / "summary.csv"));
    CHECK(summary.at(0) == "metric,mean,sd,ci95_low,ci95_high,n,target,target_met");
    // One row per runs.csv metric column (all but replication and seed), plus the header.
    CHECK(summary.size() == split_commas(runs[0]).size() - 2 + 1);

    const auto info = lines(read_file(out / "run_info.csv"));
    REQUIRE(info.size() >= 11);
    CHECK(info[0] == "key,value");
    std::vector<std::string> keys;
    for (std::size_t i = 1; i < info.size(); ++i) keys.push_back(split_commas(info[i]).at(0));
    CHECK(keys == std::vector<std::string>{"qosim_version", "stream_version", "scenario_name",
                                           "scenario_file", "scenario_hash", "time_unit", "seed",
                                           "replications", "horizon", "orders", "warmup",
                                           "warmup_method", "lead_time_quantile_rel_error",
                                           "overrides", "interrupted"});
    CHECK(read_file(out / "run_info.csv").find("\nwarmup_method,fixed\n") != std::string::npos);
    CHECK(read_file(out / "run_info.csv").find("\nlead_time_quantile_rel_error,0.001\n") !=
          std::string::npos);
    // Without products, surveys or --timeseries those files and columns are absent.
    CHECK_FALSE(fs::exists(out / "classes.csv"));
    CHECK_FALSE(fs::exists(out / "timeseries.csv"));
    CHECK(runs[0].find("survey") == std::string::npos);
    CHECK(std::regex_search(read_file(out / "run_info.csv"),
                            std::regex("\nscenario_hash,[0-9a-f]{16}\n")));

    // The console summary is on stdout.
    CHECK(r.out.find("MM1 test") != std::string::npos);
    CHECK(r.out.find("±") != std::string::npos);
    CHECK(r.out.find("machine") != std::string::npos);
    CHECK(r.out.find(out.string()) != std::string::npos);
}

TEST_CASE("results are byte-identical for any --jobs", "[cli]") {
    const TempDir tmp;
    const auto a = tmp / "j1";
    const auto b = tmp / "j2";
    const auto c = tmp / "j3";
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --jobs 1 --out " + quoted(a)).code == 0);
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --jobs 2 --out " + quoted(b)).code == 0);
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --jobs 3 --out " + quoted(c)).code == 0);
    for (const auto& name : kOutputFiles) {
        INFO(name);
        const auto ref = read_file(a / name);
        CHECK_FALSE(ref.empty());
        CHECK(read_file(b / name) == ref);
        CHECK(read_file(c / name) == ref);
    }
}

TEST_CASE("seed reps horizon and set options become recorded overrides", "[cli]") {
    const TempDir tmp;
    const auto base = tmp / "base";
    const auto other = tmp / "other";
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --reps 2 --out " + quoted(base)).code ==
            0);
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --reps 2 --seed 8 --horizon 1500 --set " +
                    "stages.machine.servers=2 --out " + quoted(other))
                .code == 0);

    CHECK(lines(read_file(base / "runs.csv")).size() == 1 + 2);
    CHECK(read_file(base / "runs.csv") != read_file(other / "runs.csv"));
    const auto info = read_file(other / "run_info.csv");
    CHECK(info.find("\nseed,8\n") != std::string::npos);
    CHECK(info.find("\nreplications,2\n") != std::string::npos);
    CHECK(info.find("\nhorizon,1500\n") != std::string::npos);
    CHECK(info.find("\noverrides,stages.machine.servers=2;run.replications=2;run.seed=8;"
                    "run.horizon=1500\n") != std::string::npos);
    CHECK(lines(read_file(other / "runs.csv")).at(1).rfind("0,8,", 0) == 0);
}

TEST_CASE("different seeds give different results", "[cli]") {
    const TempDir tmp;
    REQUIRE(
        run_cli("run " + data("mm1.yaml") + " --quiet --seed 1 --out " + quoted(tmp / "a")).code ==
        0);
    REQUIRE(
        run_cli("run " + data("mm1.yaml") + " --quiet --seed 2 --out " + quoted(tmp / "b")).code ==
        0);
    CHECK(read_file(tmp / "a" / "runs.csv") != read_file(tmp / "b" / "runs.csv"));
}

TEST_CASE("fail-on-target exits 3 only when a target is missed", "[cli]") {
    const TempDir tmp;
    SECTION("impossible target") {
        const auto r = run_cli("run " + data("target_impossible.yaml") +
                               " --quiet --fail-on-target --out " + quoted(tmp / "res"));
        CHECK(r.code == 3);
        CHECK(r.out.find("FAIL") != std::string::npos);
        // The run finished, so its results are written.
        const auto summary = read_file(tmp / "res" / "summary.csv");
        CHECK(summary.find(",>= 80,no\n") != std::string::npos);
    }
    SECTION("easy targets") {
        const auto r = run_cli("run " + data("target_easy.yaml") +
                               " --quiet --fail-on-target --out " + quoted(tmp / "res"));
        CHECK(r.code == 0);
        CHECK(r.out.find("PASS") != std::string::npos);
        const auto summary = read_file(tmp / "res" / "summary.csv");
        CHECK(summary.find(",<= 1,yes\n") != std::string::npos);
        CHECK(summary.find(",>= 0.1,yes\n") != std::string::npos);
    }
    SECTION("a missed target without the flag exits 0") {
        const auto r = run_cli("run " + data("target_impossible.yaml") + " --quiet --out " +
                               quoted(tmp / "res"));
        CHECK(r.code == 0);
    }
}

TEST_CASE("the default output directory is out/<scenario stem>", "[cli]") {
    const TempDir tmp;
    const fs::path scenario = fs::path(QOSIM_TEST_DATA_DIR) / "cli" / "mm1.yaml";
    const auto r = run_cli("run " + quoted(scenario) + " --quiet --reps 2", tmp.path());
    CHECK(r.code == 0);
    CHECK(fs::is_regular_file(tmp / "out" / "mm1" / "runs.csv"));
}

TEST_CASE("check validates and summarises and flags saturation", "[cli]") {
    const auto ok = run_cli("check " + data("mm1.yaml"));
    CHECK(ok.code == 0);
    CHECK(ok.out.find("machine") != std::string::npos);
    CHECK(ok.out.find("0.8") != std::string::npos);  // arrival rate 1/1.25
    CHECK(ok.out.find("SATURATED") == std::string::npos);

    const auto sat = run_cli("check " + data("saturated.yaml"));
    CHECK(sat.code == 0);
    CHECK(sat.out.find("SATURATED") != std::string::npos);
    CHECK(sat.err.find("machine") != std::string::npos);

    const auto fixed =
        run_cli("check " + data("saturated.yaml") + " --set stages.machine.servers=2");
    CHECK(fixed.code == 0);
    CHECK(fixed.out.find("SATURATED") == std::string::npos);
}

TEST_CASE("graph writes Graphviz DOT to stdout or atomically to a file", "[cli]") {
    const auto r = run_cli("graph " + data("mm1.yaml"));
    CHECK(r.code == 0);
    CHECK(r.out.find("digraph") != std::string::npos);

    const TempDir tmp;
    const auto dot = tmp / "line.dot";
    const auto f = run_cli("graph " + data("mm1.yaml") + " -o " + quoted(dot));
    CHECK(f.code == 0);
    CHECK(read_file(dot) == r.out);
    for (const auto& e : fs::directory_iterator(tmp.path())) {
        CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
    }
}
