// Every file of the bad-input corpus, run through the real binary: exit 2, a file:line:column
// message on stderr, nothing on stdout, and no output directory.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
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
        const std::string cmd = "'" + std::string(QOSIM_BINARY) + "' run '" +
                                entry.path().string() + "' --out '" + out.string() + "' >'" +
                                (work / "stdout").string() + "' 2>'" + (work / "stderr").string() +
                                "' </dev/null";
        const int status = std::system(cmd.c_str());
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
    }
    CHECK(files >= 40);
    fs::remove_all(work);
}
