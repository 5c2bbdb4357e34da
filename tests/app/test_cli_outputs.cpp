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

#include "cli_support.hpp"

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
