// End-to-end tests of run control and the optional outputs: time series, trace, classes,
// surveys, automatic warm-up, precision, order-count runs, quality targets and `check`.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <catch2/catch.hpp>

#include "cli_support.hpp"
#include "models/run/run_control.hpp"

namespace fs = std::filesystem;
using namespace cli_test;

namespace {

/// The column index of `name` in a CSV header line.
std::size_t column(const std::string& header, const std::string& name) {
    const auto cols = split_commas(header);
    const auto it = std::find(cols.begin(), cols.end(), name);
    REQUIRE(it != cols.end());
    return static_cast<std::size_t>(it - cols.begin());
}

/// The values of column `name` in the rows of `csv` (header first).
std::vector<double> column_values(const std::vector<std::string>& csv, const std::string& name) {
    const std::size_t c = column(csv.at(0), name);
    std::vector<double> out;
    for (std::size_t i = 1; i < csv.size(); ++i)
        out.push_back(std::stod(split_commas(csv[i]).at(c)));
    return out;
}

/// run_info.csv as key -> value.
std::map<std::string, std::string> run_info(const fs::path& dir) {
    std::map<std::string, std::string> out;
    const auto rows = lines(read_file(dir / "run_info.csv"));
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto cells = split_commas(rows[i]);
        out[cells.at(0)] = cells.size() > 1 ? cells[1] : "";
    }
    return out;
}

/// Every entry of `dir` (names), sorted.
std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("--timeseries writes one row per replication and window", "[cli][timeseries]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r =
        run_cli("run " + data("mm1.yaml") + " --quiet --timeseries 300 --out " + quoted(out));
    REQUIRE(r.code == 0);
    const auto ts = lines(read_file(out / "timeseries.csv"));
    REQUIRE_FALSE(ts.empty());
    CHECK(ts[0] ==
          "replication,window_start,window_end,orders_created,orders_delivered,customer_errors,"
          "customer_error_rate,wip_mean,lead_time_mean,util_machine");
    // 4 replications x ceil(2000 / 300) = 7 windows, the last one [1800, 2000).
    REQUIRE(ts.size() == 1 + 4 * 7);
    for (std::size_t i = 1; i < ts.size(); ++i) {
        const auto cells = split_commas(ts[i]);
        CHECK(cells.size() == 10);
        CHECK(cells[0] == std::to_string((i - 1) / 7));
    }
    CHECK(ts[1].rfind("0,0,300,", 0) == 0);
    CHECK(ts[7].rfind("0,1800,2000,", 0) == 0);
    // The windows' orders add up to the whole run's (warm-up included, so >= runs.csv).
    const auto created = column_values(ts, "orders_created");
    double first_rep = 0;
    for (std::size_t i = 0; i < 7; ++i) first_rep += created[i];
    CHECK(first_rep >= column_values(lines(read_file(out / "runs.csv")), "orders_created")[0]);
    CHECK(run_info(out).at("timeseries_window") == "300");

    SECTION("util_ columns for every station and inspection") {
        const auto q = tmp / "q";
        REQUIRE(run_cli("run " + data("quality_line.yaml") + " --quiet --timeseries 250 --out " +
                        quoted(q))
                    .code == 0);
        const auto qs = lines(read_file(q / "timeseries.csv"));
        CHECK(qs.at(0).substr(qs[0].find("lead_time_mean")) ==
              "lead_time_mean,util_machine,util_aoi");
        CHECK(qs.size() == 1 + 3 * 4);
    }
}

TEST_CASE("--trace writes one ordered event log, identical for any --jobs", "[cli][trace]") {
    const TempDir tmp;
    const auto t1 = tmp / "t1" / "trace.csv";
    const auto t3 = tmp / "t3" / "trace.csv";
    fs::create_directories(t1.parent_path());
    fs::create_directories(t3.parent_path());
    const std::string args = " --quiet --reps 3 --horizon 300 --timeseries 50";
    REQUIRE(run_cli("run " + data("quality_line.yaml") + args + " --jobs 1 --trace " + quoted(t1) +
                    " --out " + quoted(tmp / "o1"))
                .code == 0);
    const auto r3 = run_cli("run " + data("quality_line.yaml") + args + " --jobs 3 --trace " +
                            quoted(t3) + " --out " + quoted(tmp / "o3"));
    REQUIRE(r3.code == 0);
    CHECK(r3.out.find("trace.csv") != std::string::npos);

    const std::string text = read_file(t1);
    CHECK(read_file(t3) == text);
    for (const auto* name : {"runs.csv", "stages.csv", "timeseries.csv", "summary.csv"}) {
        INFO(name);
        CHECK(read_file(tmp / "o1" / name) == read_file(tmp / "o3" / name));
    }
    // Only the trace is left next to it: no part or temp files.
    CHECK(entries(t1.parent_path()) == std::vector<std::string>{"trace.csv"});
    CHECK(entries(t3.parent_path()) == std::vector<std::string>{"trace.csv"});

    const auto rows = lines(text);
    REQUIRE(rows.size() > 100);
    CHECK(rows[0] == "replication,time,order,stage,event");
    std::set<std::string> events;
    std::size_t previous_rep = 0;
    double previous_time = 0;
    std::set<std::size_t> reps;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto cells = split_commas(rows[i]);
        REQUIRE(cells.size() == 5);
        const auto rep = static_cast<std::size_t>(std::stoul(cells[0]));
        const double time = std::stod(cells[1]);
        CHECK(rep >= previous_rep);                             // replications in order ...
        if (rep == previous_rep) CHECK(time >= previous_time);  // ... events in time order
        previous_rep = rep;
        previous_time = time;
        reps.insert(rep);
        events.insert(cells[4]);
    }
    CHECK(reps == std::set<std::size_t>{0, 1, 2});
    for (const auto* e : {"created", "arrive", "start", "done", "defect", "detected", "scrapped",
                          "remade", "delivered"}) {
        INFO(e);
        CHECK(events.count(e) == 1);
    }
    CHECK(text.find("\n0,") != std::string::npos);
    CHECK(std::regex_search(text, std::regex("\n0,[0-9.e+-]+,0,orders,created\n")));
    CHECK(run_info(tmp / "o1").at("trace") == t1.string());

    SECTION("a cancelled order has a blank stage") {
        const auto tc = tmp / "t1" / "cancel.csv";
        REQUIRE(run_cli("run " + data("quality_line.yaml") + args +
                        " --set stages.orders.on_scrap=cancel --trace " + quoted(tc) + " --out " +
                        quoted(tmp / "oc"))
                    .code == 0);
        CHECK(std::regex_search(read_file(tc),
                                std::regex("\n[0-9]+,[0-9.e+-]+,[0-9]+,,cancelled\n")));
    }
}

TEST_CASE("a failed run leaves no trace file and no parts", "[cli][trace]") {
    const TempDir tmp;
    const auto dir = tmp / "trace";
    fs::create_directories(dir);
    const auto r =
        run_cli("run " + data("saturated.yaml") + " --quiet --jobs 2 --set run.max_wip=5" +
                " --trace " + quoted(dir / "t.csv") + " --out " + quoted(tmp / "res"));
    CHECK(r.code == 1);
    CHECK(entries(dir).empty());
    CHECK_FALSE(fs::exists(tmp / "res"));
}

TEST_CASE("classes.csv has a row per replication and product", "[cli][products]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r = run_cli("run " + data("products.yaml") + " --quiet --out " + quoted(out));
    REQUIRE(r.code == 0);
    const auto classes = lines(read_file(out / "classes.csv"));
    REQUIRE(classes.size() == 1 + 3 * 2);
    CHECK(starts_with_columns(
        classes[0],
        {"replication", "product", "orders_created", "orders_delivered", "lead_time_mean",
         "lead_time_p95", "on_time_rate", "customer_error_rate", "cost_per_order"}));
    CHECK(classes[1].rfind("0,basic,", 0) == 0);
    CHECK(classes[2].rfind("0,premium,", 0) == 0);
    CHECK(classes[6].rfind("2,premium,", 0) == 0);

    const auto per_class = column_values(classes, "orders_created");
    const auto runs = column_values(lines(read_file(out / "runs.csv")), "orders_created");
    REQUIRE(runs.size() == 3);
    for (std::size_t rep = 0; rep < 3; ++rep) {
        INFO("replication " << rep);
        CHECK(per_class[2 * rep] + per_class[2 * rep + 1] == runs[rep]);
        CHECK(per_class[2 * rep] > per_class[2 * rep + 1]);  // shares 0.7 / 0.3
    }
    // The console has a per-product table.
    CHECK(r.out.find("Products") != std::string::npos);
    CHECK(r.out.find("premium") != std::string::npos);
    CHECK(r.out.find("classes.csv") != std::string::npos);
}

TEST_CASE("survey columns appear only when a sink runs a survey", "[cli][survey]") {
    const TempDir tmp;
    const auto with = tmp / "with";
    const auto without = tmp / "without";
    const auto r = run_cli("run " + data("survey.yaml") + " --quiet --out " + quoted(with));
    REQUIRE(r.code == 0);
    REQUIRE(
        run_cli("run " + data("quality_line.yaml") + " --quiet --out " + quoted(without)).code ==
        0);

    const auto runs = lines(read_file(with / "runs.csv"));
    const auto header = split_commas(runs.at(0));
    CHECK(std::count(header.begin(), header.end(), "survey_responses") == 1);
    CHECK(std::count(header.begin(), header.end(), "survey_error_rate") == 1);
    CHECK(column_values(runs, "survey_responses").at(0) > 0);
    const auto summary = read_file(with / "summary.csv");
    CHECK(summary.find("\nsurvey_error_rate,") != std::string::npos);
    CHECK(r.out.find("survey estimate") != std::string::npos);

    CHECK(read_file(without / "runs.csv").find("survey") == std::string::npos);
    CHECK(read_file(without / "summary.csv").find("survey") == std::string::npos);
}

TEST_CASE("warmup: auto is chosen before the run and recorded", "[cli][warmup]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r =
        run_cli("run " + data("warmup_auto.yaml") + " --quiet --jobs 2 --out " + quoted(out));
    REQUIRE(r.code == 0);
    const auto info = run_info(out);
    CHECK(info.at("warmup_method") == "auto-mser5");
    const double warmup = std::stod(info.at("warmup"));
    CHECK(warmup > 0);  // 100 orders waiting at time 0 on a 90 % loaded line
    CHECK(warmup < 2000);
    // Every replication used it.
    for (const double w : column_values(lines(read_file(out / "runs.csv")), "warmup")) {
        CHECK(w == warmup);
    }
    CHECK(std::regex_search(r.out, std::regex("warm-up: auto \\(MSER-5\\) → [0-9.]+ hours")));

    // A fixed warm-up says so.
    REQUIRE(run_cli("run " + data("warmup_auto.yaml") + " --quiet --set run.warmup=10 --out " +
                    quoted(tmp / "fixed"))
                .code == 0);
    CHECK(run_info(tmp / "fixed").at("warmup_method") == "fixed");
    CHECK(run_info(tmp / "fixed").at("warmup") == "10");
}

TEST_CASE("precision: the replication count is the smallest meeting the goal, for any --jobs",
          "[cli][precision]") {
    const TempDir tmp;
    const auto a = tmp / "j1";
    const auto b = tmp / "j4";
    const auto ra =
        run_cli("run " + data("precision.yaml") + " --quiet --jobs 1 --out " + quoted(a));
    REQUIRE(ra.code == 0);
    REQUIRE(
        run_cli("run " + data("precision.yaml") + " --quiet --jobs 4 --out " + quoted(b)).code ==
        0);
    for (const auto* name : {"runs.csv", "stages.csv", "summary.csv", "run_info.csv"}) {
        INFO(name);
        CHECK(read_file(a / name) == read_file(b / name));
    }

    const auto runs = lines(read_file(a / "runs.csv"));
    const std::size_t n = runs.size() - 1;
    const auto values = column_values(runs, "lead_time_mean");
    const auto needed = qosim::models::replications_needed(values, 0.25, 3);
    REQUIRE(needed.has_value());
    CHECK(*needed == n);
    CHECK(n > 3);   // the goal needs more than the minimum ...
    CHECK(n < 40);  // ... and is reached before the maximum
    CHECK(qosim::models::ci95_half_width(values) <= 0.25);

    const auto info = run_info(a);
    CHECK(info.at("replications") == std::to_string(n));
    CHECK(info.at("precision_metric") == "lead_time_mean");
    CHECK(info.at("precision_goal") == "0.25");
    CHECK(info.at("precision_reached") == "yes");
    CHECK(std::stod(info.at("precision_half_width")) ==
          Approx(qosim::models::ci95_half_width(values)).epsilon(1e-12));
    CHECK(ra.out.find("reached with " + std::to_string(n) + " replications") != std::string::npos);

    SECTION("--reps sets the minimum") {
        const auto c = tmp / "min";
        REQUIRE(run_cli("run " + data("precision.yaml") + " --quiet --reps 30 --out " + quoted(c))
                    .code == 0);
        CHECK(lines(read_file(c / "runs.csv")).size() == 1 + 30);
        CHECK(run_info(c).at("precision_reached") == "yes");
    }
    SECTION("stops at max_replications and says so") {
        const auto c = tmp / "max";
        const auto r =
            run_cli("run " + data("precision.yaml") +
                    " --quiet --jobs 3 --set run.precision.max_replications=5 --out " + quoted(c));
        REQUIRE(r.code == 0);
        CHECK(lines(read_file(c / "runs.csv")).size() == 1 + 5);
        CHECK(run_info(c).at("precision_reached") == "no");
        CHECK(run_info(c).at("replications") == "5");
        CHECK(r.out.find("NOT reached") != std::string::npos);
    }
}

TEST_CASE("an order-count run reports its order count", "[cli][orders]") {
    const TempDir tmp;
    const auto out = tmp / "res";
    const auto r = run_cli("run " + data("orders_mode.yaml") + " --quiet --out " + quoted(out));
    REQUIRE(r.code == 0);
    CHECK(r.out.find("until 300 orders concluded") != std::string::npos);
    const auto info = run_info(out);
    CHECK(info.at("orders") == "300");
    CHECK(info.at("horizon").empty());
    CHECK(info.at("time_unit") == "minute");
    for (const double c : column_values(lines(read_file(out / "runs.csv")), "orders_concluded")) {
        CHECK(c == 300);
    }
}

TEST_CASE("a quality target missed on a lossy link exits 3 with --fail-on-target",
          "[cli][targets]") {
    const TempDir tmp;
    const auto r = run_cli("run " + data("lossy_target.yaml") + " --quiet --fail-on-target --out " +
                           quoted(tmp / "res"));
    CHECK(r.code == 3);
    CHECK(r.out.find("FAIL") != std::string::npos);
    CHECK(read_file(tmp / "res" / "summary.csv").find(",<= 0.001,no\n") != std::string::npos);
    CHECK(r.out.find("lost at: ship") != std::string::npos);  // attribution
}

TEST_CASE("the console report shows errors, internal errors, cost and cost of quality",
          "[cli][console]") {
    const TempDir tmp;
    const auto r =
        run_cli("run " + data("quality_line.yaml") + " --quiet --out " + quoted(tmp / "res"));
    REQUIRE(r.code == 0);
    for (const auto* text :
         {"Customer-facing errors", "delivered defective (escape)", "by origin: machine",
          "Internal errors", "defects detected", "scrapped",
          "Cost (per replication, over 900 hours observed):", "per order delivered",
          "cost of quality: appraisal", "internal failure", "external failure", "lateness mean"}) {
        INFO(text);
        CHECK(r.out.find(text) != std::string::npos);
    }
    // Cost per day of operation: the mean total cost over 900 hours = 37.5 days.
    double total = 0;
    for (const auto& row : lines(read_file(tmp / "res" / "summary.csv"))) {
        if (row.rfind("total_cost,", 0) == 0) total = std::stod(split_commas(row).at(1));
    }
    REQUIRE(total > 0);
    const auto at = r.out.find("per day of operation");
    REQUIRE(at != std::string::npos);
    const double per_day = std::stod(r.out.substr(at + std::string("per day of operation").size()));
    CHECK(per_day == Approx(total / 37.5).epsilon(0.01));
}

TEST_CASE("check prints the absorbing-chain quality analysis and the full routes", "[cli][check]") {
    const auto r = run_cli("check " + data("quality_line.yaml"));
    REQUIRE(r.code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex(R"(P\(delivered defective\)\s+([0-9.]+) %)")));
    // One station damages 10 %, the inspection catches 90 % and scraps, the source remakes:
    // P(escape) = 0.1 x 0.1 / (1 - 0.1 x 0.9) = 1.0989 %, printed in percent with three
    // significant digits of the smaller of p and 1 - p: "1.10 %", and P(good) "98.90 %".
    CHECK(m[1].str() == "1.10");
    CHECK(std::stod(m[1].str()) / 100 == Approx(0.01 / (1 - 0.09)).epsilon(5e-3));
    REQUIRE(std::regex_search(r.out, m, std::regex(R"(P\(delivered good\)\s+([0-9.]+) %)")));
    CHECK(m[1].str() == "98.90");
    CHECK(std::stod(m[1].str()) / 100 == Approx(0.9 / (1 - 0.09)).epsilon(1e-4));
    REQUIRE(std::regex_search(r.out, m, std::regex(R"(expected scraps\s+([0-9.e+-]+))")));
    CHECK(std::stod(m[1].str()) == Approx(0.09 / (1 - 0.09)).epsilon(1e-5));
    CHECK(r.out.find("P(lost)") != std::string::npos);
    CHECK(r.out.find("P(cancelled)") != std::string::npos);
    CHECK(r.out.find("expected reworks") != std::string::npos);
    CHECK(r.out.find("visits") != std::string::npos);
    CHECK(std::regex_search(r.out, std::regex(R"(aoi\s+->\s+scrap\s+when: fail)")));
    CHECK(std::regex_search(r.out, std::regex(R"(aoi\s+->\s+customer\s+when: pass)")));

    const auto p = run_cli("check " + data("products.yaml"));
    REQUIRE(p.code == 0);
    CHECK(std::regex_search(p.out, std::regex(R"(machine\s+->\s+pack\s+product: premium)")));
}

TEST_CASE("check warns about stations near saturation", "[cli][check]") {
    const auto hot = run_cli("check " + data("high_load.yaml"));
    CHECK(hot.code == 0);
    CHECK_THAT(hot.err, Catch::Contains("stage 'm' runs at 97.0 % load"));
    const auto calm = run_cli("check " + data("mm1.yaml"));
    CHECK(calm.code == 0);
    CHECK_THAT(calm.err, !Catch::Contains("load"));
}

TEST_CASE("the console names the carrier link as the main holder of late orders' time",
          "[cli][console][attribution]") {
    // electronics_line: the carrier's delay (triangular 12/18/40 h against due_in 36) makes
    // orders late, not the machines; order_fulfilment: the standard courier.
    const std::pair<const char*, const char*> cases[] = {
        {"electronics_line.yaml", "time held by: ship "},
        {"order_fulfilment.yaml", "time held by: standard "},
    };
    for (const auto& [file, expected] : cases) {
        INFO(file);
        const auto path = fs::path(QOSIM_TEST_DATA_DIR) / ".." / ".." / "scenarios" / file;
        const auto r = run_cli("run " + quoted(path) + " --quiet --reps 3");
        REQUIRE(r.code == 0);
        const auto at = r.out.find("\n    late ");
        REQUIRE(at != std::string::npos);
        const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
        INFO(line);
        CHECK(line.find(expected) != std::string::npos);
    }
}

TEST_CASE("a scenario must be a regular file of at most 16 MiB", "[cli][hardening]") {
    const TempDir tmp;
    // A device and a FIFO would never end; a huge file is refused before it is read.
    const fs::path fifo = tmp / "pipe.yaml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const fs::path huge = tmp / "huge.yaml";
    {
        std::ofstream f(huge);
        f << "name: x\n";
    }
    fs::resize_file(huge, (std::uintmax_t{16} << 20) + 1);
    const std::pair<fs::path, const char*> cases[] = {
        {"/dev/zero", "is not a regular file"},
        {fifo, "is not a regular file"},
        {huge, "more than the 16777216 a scenario may have"},
    };
    for (const auto& [path, message] : cases) {
        INFO(path);
        const auto r = run_cli("check " + quoted(path));
        CHECK(r.code == 2);
        CHECK(r.err.find(message) != std::string::npos);
    }
}

TEST_CASE("an alias cycle in --set is refused, not a stack overflow", "[cli][hardening]") {
    const TempDir tmp;
    const auto r = run_cli("run " + data("mm1.yaml") + " --out " + quoted(tmp / "o") +
                           " --set 'name=&a [*a]'");
    CHECK_FALSE(fs::exists(tmp / "o"));
    CHECK(r.code == 2);
    CHECK(r.err.find("an alias refers to the anchor that contains it") != std::string::npos);
}

TEST_CASE("a list index too large for any number is a located error, exit 2", "[cli][hardening]") {
    const auto r =
        run_cli("check " + data("mm1.yaml") + " --set routes.99999999999999999999.prob=1");
    CHECK(r.code == 2);
    CHECK(r.err.find("so there is no index 99999999999999999999") != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
}

TEST_CASE("out of memory and a thread limit each get their own message", "[cli][hardening]") {
    if (kAddressSanitizer) {  // `ulimit -v` cannot apply; the release and clang builds run it
        SUCCEED("not under ASan");
        return;
    }
    const TempDir tmp;
    const auto out = tmp / "res";
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --reps 64 --out " + quoted(out)).code ==
            0);
    const std::string runs = read_file(out / "runs.csv"), summary = read_file(out / "summary.csv");

    SECTION("out of memory: a message of its own, and the previous output set is untouched") {
        // A million replications' results do not fit in 150 MB of address space.
        const auto r = run_cli("run " + data("mm1.yaml") + " --reps 1000000 --out " + quoted(out),
                               {}, 150 * 1024);
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("qosim: out of memory") != std::string::npos);
        CHECK(r.err.find("The output directory is unchanged") != std::string::npos);
        CHECK(r.err.find("internal error") == std::string::npos);
        CHECK(read_file(out / "runs.csv") == runs);
        CHECK(read_file(out / "summary.csv") == summary);
    }
    SECTION("too many threads: a warning, and the same results with the threads it got") {
        // Each thread takes address space for its stack and its malloc arena: 200 MB holds a
        // few, not 64.
        const auto few = tmp / "few";
        const auto r =
            run_cli("run " + data("mm1.yaml") + " --quiet --reps 64 --jobs 64 --out " + quoted(few),
                    {}, 200 * 1024);
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(r.err.find("worker threads (the system refused more") != std::string::npos);
        CHECK(r.err.find("the results are the same, only slower") != std::string::npos);
        CHECK(read_file(few / "runs.csv") == runs);
        CHECK(read_file(few / "summary.csv") == summary);
    }
}
