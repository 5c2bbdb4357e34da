// Output-set behaviour of `run`: the --out lock, --trace selection and size warning, progress.
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "app/cli/trace_options.hpp"
#include "cli_support.hpp"
#include "models/input/load.hpp"

namespace fs = std::filesystem;
using namespace cli_test;

namespace {

// A child process that holds an exclusive flock on `path` until it is killed.
pid_t hold_lock_in_child(const fs::path& path) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
        const bool locked = fd >= 0 && ::flock(fd, LOCK_EX) == 0;
        const char c = locked ? 'y' : 'n';
        (void)!::write(ready[1], &c, 1);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    REQUIRE(c == 'y');
    return pid;
}

}  // namespace

TEST_CASE("a second run into a locked --out refuses; SIGKILL of the holder frees it", "[cli]") {
    const TempDir tmp;
    const fs::path out = tmp / "res";
    const pid_t holder = hold_lock_in_child(tmp / "res.lock");

    const auto refused = run_cli("run " + data("mm1.yaml") + " --quiet --out " + quoted(out));
    CHECK(refused.code == 2);
    CHECK(refused.err.find("--out " + out.string() + ": another qosim run is writing there") !=
          std::string::npos);
    CHECK(refused.err.find((tmp / "res.lock").string()) != std::string::npos);
    CHECK(refused.out.find("Results written") == std::string::npos);
    CHECK_FALSE(fs::exists(out));

    // The kernel drops a flock with its process, however the process ends: no stale lock.
    ::kill(holder, SIGKILL);
    int status = 0;
    ::waitpid(holder, &status, 0);
    const auto after = run_cli("run " + data("mm1.yaml") + " --quiet --out " + quoted(out));
    CHECK(after.code == 0);
    CHECK(after.out.find("Results written") != std::string::npos);
    CHECK(fs::exists(out / "runs.csv"));
    CHECK_FALSE(fs::exists(tmp / "res.lock"));  // removed by the run that held it
}

TEST_CASE("two runs started together into one --out: exactly one writes", "[cli]") {
    const TempDir tmp;
    const fs::path out = tmp / "res";
    // Long enough (about a second) that the two overlap.
    const std::string run = quoted(QOSIM_BINARY) + " run " + data("mm1.yaml") +
                            " --quiet --reps 2 --jobs 1 --horizon 3000000 --out " + quoted(out);
    const std::string cmd =
        "(" + run + " >" + quoted(tmp / "a.out") + " 2>" + quoted(tmp / "a.err") + "; echo $? >" +
        quoted(tmp / "a.rc") + ") & " + "(" + run + " >" + quoted(tmp / "b.out") + " 2>" +
        quoted(tmp / "b.err") + "; echo $? >" + quoted(tmp / "b.rc") + ") & wait";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string a = read_file(tmp / "a.out") + read_file(tmp / "a.err");
    const std::string b = read_file(tmp / "b.out") + read_file(tmp / "b.err");
    const int written = (a.find("Results written") != std::string::npos ? 1 : 0) +
                        (b.find("Results written") != std::string::npos ? 1 : 0);
    const int refused =
        (a.find("another qosim run is writing there") != std::string::npos ? 1 : 0) +
        (b.find("another qosim run is writing there") != std::string::npos ? 1 : 0);
    INFO(a << "\n---\n" << b);
    CHECK(written == 1);
    CHECK(refused == 1);
    const std::string rcs = read_file(tmp / "a.rc") + read_file(tmp / "b.rc");
    CHECK((rcs == "0\n2\n" || rcs == "2\n0\n"));
}

TEST_CASE("--trace-reps and --trace-window keep the rows asked for", "[cli]") {
    const TempDir tmp;
    const auto run = [&tmp](const std::string& extra) {
        return run_cli("run " + data("mm1.yaml") + " --quiet --out " + quoted(tmp / "res") +
                       " --trace " + quoted(tmp / "t.csv") + extra);
    };
    REQUIRE(run("").code == 0);
    const auto all = lines(read_file(tmp / "t.csv"));
    REQUIRE(run(" --trace-reps 0,2-3 --trace-window 100:200").code == 0);
    const auto some = lines(read_file(tmp / "t.csv"));
    REQUIRE(some.size() > 1);
    CHECK(some.front() == all.front());  // the header
    // Exactly the rows of the full trace with replication 0, 2 or 3 and 100 <= time <= 200,
    // in the same order.
    std::vector<std::string> expected{all.front()};
    for (std::size_t i = 1; i < all.size(); ++i) {
        const auto f = split_commas(all[i]);
        const double t = std::stod(f[1]);
        if ((f[0] == "0" || f[0] == "2" || f[0] == "3") && t >= 100 && t <= 200)
            expected.push_back(all[i]);
    }
    CHECK(some == expected);
    // An open end: from 1900 on.
    REQUIRE(run(" --trace-window 1900:").code == 0);
    for (const auto& row : lines(read_file(tmp / "t.csv"))) {
        if (row.starts_with("replication")) continue;
        CHECK(std::stod(split_commas(row)[1]) >= 1900);
    }
}

TEST_CASE("--trace-reps and --trace-window refuse what they cannot mean", "[cli]") {
    const TempDir tmp;
    const std::string base =
        "run " + data("mm1.yaml") + " --quiet --out " + quoted(tmp / "res") + " ";
    const std::string trace = "--trace " + quoted(tmp / "t.csv") + " ";
    struct Case {
        std::string args, message;
    };
    for (const Case& c : std::vector<Case>{
             {trace + "--trace-reps 0,5-3", "--trace-reps 0,5-3: the range `5-3` runs backwards"},
             {trace + "--trace-reps 1,,2", "--trace-reps 1,,2: `` is not a number"},
             {trace + "--trace-reps 4",
              "--trace-reps 4: replication 4 is not run (replications "
              "are 0 to 3)"},
             {trace + "--trace-window 5:2", "--trace-window 5:2: TO must be above FROM"},
             {trace + "--trace-window 5", "--trace-window 5: no `:`"},
             {trace + "--trace-window -1:3", "--trace-window -1:3: FROM must be >= 0"},
             {"--trace-reps 0", "--trace-reps needs --trace FILE"},
             {"--trace-window 0:1", "--trace-window needs --trace FILE"},
         }) {
        INFO(c.args);
        const auto r = run_cli(base + c.args);
        CHECK(r.code == 2);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK_FALSE(fs::exists(tmp / "res"));
        CHECK_FALSE(fs::exists(tmp / "t.csv"));
    }
}

TEST_CASE("the trace size estimate is near the bytes written, and warns above 1 GB", "[cli]") {
    const TempDir tmp;
    for (const std::string name : {"mm1", "electronics_line", "electronics_quality",
                                   "data_pipeline", "job_shop", "order_fulfilment"}) {
        INFO(name);
        const std::string file = std::string(QOSIM_SCENARIO_DIR) + "/" + name + ".yaml";
        const auto scenario = qosim::models::load_scenario(file);
        qosim::app::TraceSelection sel;
        sel.reps = {{1, 1}};
        sel.from = 250;
        sel.to = 750;
        const auto estimate = qosim::app::estimate_trace(scenario, sel);
        const auto r =
            run_cli("run " + quoted(fs::path(file)) + " --quiet --out " + quoted(tmp / name) +
                    " --trace " + quoted(tmp / "t.csv") + " --trace-reps 1 --trace-window 250:750");
        REQUIRE(r.code == 0);
        CHECK(r.err.find("GB") == std::string::npos);  // no size warning for a small trace
        const auto written = static_cast<double>(fs::file_size(tmp / "t.csv"));
        CHECK(estimate.bytes() > 0.5 * written);
        CHECK(estimate.bytes() < 2.0 * written);
    }
    // The same scenario over a long horizon and every replication: warned, with the estimate.
    auto big = qosim::models::load_scenario(std::string(QOSIM_SCENARIO_DIR) + "/mm1.yaml",
                                            {"run.horizon=1e6"});
    const auto estimate = qosim::app::estimate_trace(big, {});
    CHECK(estimate.bytes() > 1e9);
    const auto warning = qosim::app::trace_size_warning("t.csv", estimate);
    REQUIRE(warning);
    CHECK(warning->find("--trace t.csv: the trace will be about ") != std::string::npos);
    CHECK(warning->find("--trace-reps") != std::string::npos);
    CHECK_FALSE(qosim::app::trace_size_warning("t.csv", qosim::app::estimate_trace(big, [] {
                                                   qosim::app::TraceSelection s;
                                                   s.reps = {{0, 0}};
                                                   s.to = 100;
                                                   return s;
                                               }())));
}

TEST_CASE("results that would not fit in memory are refused before the run", "[cli]") {
    const TempDir tmp;
    const fs::path out = tmp / "res";
    // 10^6 replications of 10^6 windows each: terabytes, on any machine.
    const auto r =
        run_cli("run " + data("mm1.yaml") +
                " --quiet --reps 1000000 --horizon 1000000 --timeseries 1 --out " + quoted(out));
    CHECK(r.code == 2);
    CHECK(r.err.find("would take about") != std::string::npos);
    CHECK(r.err.find("use at most") != std::string::npos);
    CHECK(r.err.find("wider --timeseries window") != std::string::npos);
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(out));
}
