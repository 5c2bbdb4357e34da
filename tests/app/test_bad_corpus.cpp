// Every file of the bad-input corpus, run through the real binary: exit 2, a file:line:column
// message on stderr, nothing on stdout, and no output directory, within 2 s and 200 MB.
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "cli_support.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Finished {
    int status = -1;
    double seconds = 0;
    long peak_kib = 0;  ///< the child's own peak resident set (no shell in between)
};

// Runs `qosim run FILE --out OUT` as a direct child (stdout, stderr into files), measuring
// its wall time and peak memory.
Finished run_qosim(const fs::path& file, const fs::path& out, const fs::path& work) {
    const std::string bin = QOSIM_BINARY, in = file.string(), dir = out.string();
    const std::string so = (work / "stdout").string(), se = (work / "stderr").string();
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int o = ::open(so.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(se.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int z = ::open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || z < 0) ::_exit(127);
        ::dup2(o, 1);
        ::dup2(e, 2);
        ::dup2(z, 0);
        ::execl(bin.c_str(), bin.c_str(), "run", in.c_str(), "--out", dir.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    Finished f;
    rusage usage{};
    ::wait4(pid, &f.status, 0, &usage);
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    f.peak_kib = usage.ru_maxrss;
    return f;
}

}  // namespace

TEST_CASE("every bad-input class exits 2 with file:line:column and writes nothing", "[cli]") {
    const fs::path corpus = fs::path(QOSIM_TEST_DATA_DIR) / "bad";
    const fs::path work =
        fs::temp_directory_path() / ("qosim_bad_corpus_" + std::to_string(::getpid()));
    fs::create_directories(work);
    int files = 0;
    for (const auto& entry : fs::directory_iterator(corpus)) {
        if (entry.path().extension() != ".yaml") continue;
        ++files;
        const fs::path out = work / entry.path().stem();
        const Finished run = run_qosim(entry.path(), out, work);
        const int status = run.status;
        const std::string err = slurp(work / "stderr");
        INFO(entry.path().filename().string() << "\n" << err);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 2);
        CHECK_FALSE(fs::exists(out));
        CHECK(slurp(work / "stdout").empty());
        // "<file>:<line>:<column>: " names the place (an empty file has no line: file only).
        const std::regex place(
            std::regex_replace(entry.path().filename().string(), std::regex(R"([.])"), R"(\.)") +
            R"(:(\d+:\d+:)? )");
        CHECK(std::regex_search(err, place));
        if (!cli_test::kAddressSanitizer) {  // the bounds hold for the plain build
            INFO("wall " << run.seconds << " s, peak " << run.peak_kib << " KiB");
            CHECK(run.seconds < 2.0);
            CHECK(run.peak_kib < 200 * 1024);
        }
    }
    CHECK(files >= 40);
    fs::remove_all(work);
}
