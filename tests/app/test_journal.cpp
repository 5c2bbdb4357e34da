// Unit tests of the sweep journal: rows read back exactly, a torn tail and a damaged line are
// dropped without losing the rows around them, and the manifest guards what it describes.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "app/runner/journal.hpp"

using namespace qosim::app;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("qosim-journal-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir / "sweep.journal";
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_all(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

Manifest manifest() {
    Manifest m;
    m.hash = "0123456789abcdef";
    m.values = 3;
    m.shard = Shard{2, 5};
    m.scenario_file = "dir with space/line,1.yaml";
    m.overrides = {"stages.a.servers=3", "run.seed=7"};
    return m;
}

}  // namespace

TEST_CASE("journal rows, failures and the replication count read back exactly", "[journal]") {
    const auto path = scratch("roundtrip");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    {
        auto w = JournalWriter::create(path, manifest());
        w.append_replications(4);
        w.append(TaskRow{{0, 1}, {0.1, 1e-300, -2.5}});
        w.append(TaskRow{{3, 0}, {nan, std::numeric_limits<double>::infinity(), 123456789.0}});
        w.append(PointFailure{{2, 3}, "line 1\nline, 2 \"quoted\""});
        w.append(TaskRow{{0, 1}, {9, 9, 9}});  // a duplicate task: the first row counts
    }
    const auto j = read_journal(path);
    CHECK(j.manifest.hash == "0123456789abcdef");
    CHECK(j.manifest.values == 3);
    REQUIRE(j.manifest.shard.has_value());
    CHECK(*j.manifest.shard == Shard{2, 5});
    CHECK(j.manifest.scenario_file == "dir with space/line,1.yaml");
    CHECK(j.manifest.overrides == std::vector<std::string>{"stages.a.servers=3", "run.seed=7"});
    CHECK(j.replications == std::optional<std::size_t>(4));
    REQUIRE(j.rows.size() == 2);
    CHECK(j.rows[0].task == Task{0, 1});
    CHECK(j.rows[0].values == std::vector<double>{0.1, 1e-300, -2.5});  // bit-exact
    CHECK(std::isnan(j.rows[1].values[0]));
    CHECK(std::isinf(j.rows[1].values[1]));
    CHECK(j.rows[1].values[2] == 123456789.0);
    REQUIRE(j.failures.size() == 1);
    CHECK(j.failures[0].task == Task{2, 3});
    CHECK(j.failures[0].message == "line 1\nline, 2 \"quoted\"");
    CHECK(j.dropped_bytes == 0);
    CHECK(j.dropped_lines == 0);
}

TEST_CASE("a torn last line is cut off and a damaged line skipped, the rest kept", "[journal]") {
    const auto path = scratch("damage");
    {
        auto w = JournalWriter::create(path, manifest());
        for (std::size_t r = 0; r < 5; ++r)
            w.append(TaskRow{{1, r}, {double(r), 2.0 * double(r), 3.0}});
    }
    std::string text = read_all(path);
    // Damage row 2 (line 4): change one digit of a value; its checksum no longer matches.
    std::size_t at = 0;
    for (int line = 0; line < 3; ++line) at = text.find('\n', at) + 1;
    const auto comma = text.find(",2,", at);
    REQUIRE(comma != std::string::npos);
    text[comma + 1] = '7';
    // And tear a sixth row half-way, as a kill during its write would.
    text += "r,1,5,5,1";
    write_all(path, text);

    const auto j = read_journal(path);
    REQUIRE(j.rows.size() == 4);  // rows 0, 1, 3, 4
    CHECK(j.rows[2].task == Task{1, 3});
    CHECK(j.dropped_lines == 1);
    CHECK(j.dropped_bytes == 9);
    CHECK(j.valid_bytes == text.size() - 9);

    // Appending cuts the torn tail first, so the new row starts on a line of its own.
    {
        auto w = JournalWriter::append_to(path, j.valid_bytes);
        w.append(TaskRow{{1, 5}, {5, 10, 3}});
    }
    const auto again = read_journal(path);
    CHECK(again.rows.size() == 5);
    CHECK(again.dropped_bytes == 0);
    CHECK(again.dropped_lines == 1);
}

TEST_CASE("a file that is not a journal is refused, naming it", "[journal]") {
    const auto path = scratch("foreign");
    write_all(path, "");
    CHECK_THROWS_WITH(read_journal(path), Catch::Contains("sweep.journal"));
    write_all(path, "point,replication\n0,1\n");
    CHECK_THROWS_WITH(read_journal(path), Catch::Contains("not a qosim sweep journal"));
    CHECK_THROWS(read_journal(path.parent_path() / "missing.journal"));
}
