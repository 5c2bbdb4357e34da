// Unit tests of the threaded runner and the atomic file writer.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "app/output/trace.hpp"
#include "app/output/writer.hpp"
#include "app/runner/experiment.hpp"

using namespace qosim::app;
namespace fs = std::filesystem;

TEST_CASE("run_indexed runs every index exactly once on any number of threads", "[runner]") {
    for (const unsigned jobs : {1u, 2u, 3u, 8u, 100u}) {
        INFO("jobs = " << jobs);
        constexpr std::size_t kCount = 50;
        std::vector<std::atomic<int>> hits(kCount);
        std::vector<std::size_t> progress;
        run_indexed(
            kCount, jobs, [&](std::size_t i) { hits[i].fetch_add(1); },
            [&](std::size_t done, std::size_t total) {
                CHECK(total == kCount);
                progress.push_back(done);
            });
        for (const auto& h : hits) CHECK(h.load() == 1);
        REQUIRE_FALSE(progress.empty());
        CHECK(progress.back() == kCount);
    }
}

TEST_CASE("run_indexed with nothing to do returns at once", "[runner]") {
    bool called = false;
    run_indexed(0, 4, [&](std::size_t) { called = true; });
    CHECK_FALSE(called);
}

TEST_CASE("run_indexed rethrows the exception of the lowest failing index", "[runner]") {
    for (const unsigned jobs : {1u, 2u, 4u}) {
        INFO("jobs = " << jobs);
        try {
            run_indexed(40, jobs, [](std::size_t i) {
                if (i == 17 || i == 5 || i == 30) {
                    // Let the later failures happen first when there are several threads.
                    if (i == 5) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    throw std::runtime_error("failed " + std::to_string(i));
                }
            });
            FAIL("no exception");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "failed 5");
        }
    }
}

TEST_CASE("default_jobs is at least one", "[runner]") { CHECK(default_jobs() >= 1); }

TEST_CASE("write_file_atomic replaces the target and leaves no temp file", "[writer]") {
    const fs::path dir =
        fs::temp_directory_path() /
        ("qosim_writer_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    const fs::path file = dir / "x.csv";
    write_file_atomic(file, "a,b\n1,2\n");
    write_file_atomic(file, "a,b\n3,4\n");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == "a,b\n3,4\n");
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"x.csv"});

    CHECK_THROWS(write_file_atomic(dir / "missing" / "y.csv", "z"));
    fs::remove_all(dir);
}

namespace {

/// A fresh directory under the system temp dir.
fs::path fresh_dir(const std::string& tag) {
    const fs::path dir =
        fs::temp_directory_path() /
        ("qosim_" + tag + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    return dir;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

qosim::models::Scenario two_stage_scenario() {
    qosim::models::Scenario scenario;
    scenario.stages.resize(2);
    scenario.stages[0].name = "src";
    scenario.stages[1].name = "a, b";  // quoted in the trace
    return scenario;
}

}  // namespace

TEST_CASE("trace parts are joined in replication order and removed", "[trace]") {
    const fs::path dir = fresh_dir("trace");
    const fs::path file = dir / "t.csv";
    {
        TraceParts parts(file, two_stage_scenario());
        // Opened out of order, as worker threads would.
        for (const std::size_t rep : {2u, 0u, 1u}) {
            auto sink = parts.open(rep);
            sink->record({1.5 + static_cast<double>(rep), 7, 0, "created"});
            sink->record({2.0 + static_cast<double>(rep), 7, 1, "arrive"});
            sink->record({3.0, 8, qosim::models::kNoTraceStage, "cancelled"});
        }
        CHECK(names_in(dir).size() == 3);  // three part files
        parts.commit(2);                   // replication 2 is not kept (e.g. precision)
        CHECK(names_in(dir) == std::vector<std::string>{"t.csv"});
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() ==
          "replication,time,order,stage,event\n"
          "0,1.5,7,src,created\n0,2,7,\"a, b\",arrive\n0,3,8,,cancelled\n"
          "1,2.5,7,src,created\n1,3,7,\"a, b\",arrive\n1,3,8,,cancelled\n");
    fs::remove_all(dir);
}

TEST_CASE("trace parts are removed when the run fails before commit", "[trace]") {
    const fs::path dir = fresh_dir("trace_fail");
    {
        TraceParts parts(dir / "t.csv", two_stage_scenario());
        auto sink = parts.open(0);
        sink->record({1.0, 0, 0, "created"});
        sink.reset();
        auto other = parts.open(3);
        CHECK(names_in(dir).size() == 2);
    }
    CHECK(names_in(dir).empty());
    fs::remove_all(dir);
}

TEST_CASE("trace commit of a replication that never ran is an error", "[trace]") {
    const fs::path dir = fresh_dir("trace_missing");
    {
        TraceParts parts(dir / "t.csv", two_stage_scenario());
        parts.open(1).reset();
        CHECK_THROWS(parts.commit(2));
    }
    CHECK(names_in(dir).empty());
    fs::remove_all(dir);
}
