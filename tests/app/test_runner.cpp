// Unit tests of the threaded runner and the atomic file writer.
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
