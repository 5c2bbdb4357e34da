// Progress inside a replication: the run loop's simulated-time fraction, the runner's partial
// progress, and the bar on a terminal.
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "app/runner/experiment.hpp"
#include "cli_support.hpp"
#include "models/input/load.hpp"
#include "models/run/replication.hpp"

namespace {

// One long replication of the CLI tests' M/M/1 (about a second).
qosim::models::Scenario long_mm1(const std::string& horizon) {
    return qosim::models::load_scenario(std::string(QOSIM_TEST_DATA_DIR) + "/cli/mm1.yaml",
                                        {"run.horizon=" + horizon, "run.replications=1"});
}

}  // namespace

TEST_CASE("the run loop reports a non-decreasing fraction of the horizon, and only observes",
          "[runner]") {
    const auto scenario = long_mm1("2e6");
    std::atomic<double> progress{0.0};
    std::atomic<bool> done{false};
    std::vector<double> seen;
    std::thread watcher([&] {
        while (!done.load()) {
            seen.push_back(progress.load());
            std::this_thread::yield();
        }
    });
    qosim::models::RunOptions with;
    with.progress = &progress;
    const auto r = qosim::models::run_replication(scenario, 0, 1, with);
    done = true;
    watcher.join();
    REQUIRE(seen.size() > 1);
    for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] >= seen[i - 1]);
    for (const double x : seen) CHECK((x >= 0.0 && x <= 1.0));
    // The last store is at most 4096 events before the end (millions of events here).
    CHECK(progress.load() > 0.99);
    CHECK(progress.load() <= 1.0);
    const auto without = qosim::models::run_replication(scenario, 0, 1, {});
    CHECK(r.events == without.events);
    CHECK(r.lead_time_mean == without.lead_time_mean);
}

TEST_CASE("run orders mode reports concluded orders over run.orders", "[runner]") {
    const auto scenario = qosim::models::load_scenario(
        std::string(QOSIM_TEST_DATA_DIR) + "/cli/mm1.yaml", {"run.orders=300000"});
    std::atomic<double> progress{0.0};
    qosim::models::RunOptions with;
    with.progress = &progress;
    (void)qosim::models::run_replication(scenario, 0, 1, with);
    CHECK(progress.load() > 0.99);
    CHECK(progress.load() <= 1.0);
}

TEST_CASE("one long replication moves the runner's partial progress, which ends at the total",
          "[runner]") {
    const auto scenario = long_mm1("8e6");
    std::vector<double> seen;
    qosim::app::ExperimentOptions eo;
    eo.jobs = 1;
    eo.on_partial_progress = [&seen](double done, std::size_t total) {
        CHECK(total == 1);
        seen.push_back(done);
    };
    const auto result = qosim::app::run_experiment(scenario, eo);
    REQUIRE(result.results.size() == 1);
    REQUIRE_FALSE(seen.empty());
    for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] >= seen[i - 1]);
    CHECK(seen.back() == 1.0);
    // Drawn about five times a second while the replication (about a second) runs: some
    // value lies strictly inside it.
    bool inside = false;
    for (const double x : seen) inside = inside || (x > 0.0 && x < 1.0);
    CHECK(inside);
}

TEST_CASE("on a terminal the bar shows a percentage inside the one replication; --quiet none",
          "[cli]") {
    using namespace cli_test;
    const TempDir tmp;
    const auto run = [&tmp](const std::string& extra) {
        // `script` gives qosim a terminal for stderr; its transcript holds what was drawn.
        const std::string inner = std::string(QOSIM_BINARY) + " run " + data("mm1.yaml") +
                                  " --reps 1 --horizon 8e6 --out " + quoted(tmp / "res") + extra;
        const std::string cmd =
            "script -qec \"" + inner + "\" " + quoted(tmp / "tty.txt") + " >/dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        return read_file(tmp / "tty.txt");
    };
    const std::string shown = run("");
    INFO(shown);
    CHECK(shown.find("0/1 replications") != std::string::npos);
    bool partial = false;
    for (int pct = 1; pct < 100 && !partial; ++pct)
        partial = shown.find("0/1 replications " + std::string(pct < 10 ? "  " : " ") +
                             std::to_string(pct) + " %") != std::string::npos;
    CHECK(partial);
    CHECK(run(" --quiet").find("replications") == std::string::npos);
}
