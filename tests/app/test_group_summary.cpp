// stage_summary.csv and class_summary.csv: per-stage and per-product means and CIs across
// replications, checked against the stages.csv / classes.csv rows of the same run.
#include <cmath>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/output/csv.hpp"
#include "app/output/summary.hpp"
#include "cli_support.hpp"
#include "models/run/metrics.hpp"

using namespace cli_test;
namespace app = qosim::app;
namespace models = qosim::models;

namespace {

/// The rows of CSV `text` (header excluded) as column-name -> cell maps.
std::vector<std::map<std::string, std::string>> records(const std::string& text) {
    const auto rows = lines(text);
    std::vector<std::map<std::string, std::string>> out;
    if (rows.empty()) return out;
    const auto header = split_commas(rows[0]);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto cells = split_commas(rows[i]);
        std::map<std::string, std::string> rec;
        for (std::size_t c = 0; c < header.size() && c < cells.size(); ++c) {
            rec[header[c]] = cells[c];
        }
        out.push_back(std::move(rec));
    }
    return out;
}

/// The row of `recs` whose `key` column is `group` and `metric` column is `metric`.
std::map<std::string, std::string> find_row(
    const std::vector<std::map<std::string, std::string>>& recs, const std::string& key,
    const std::string& group, const std::string& metric) {
    for (const auto& r : recs) {
        if (r.at(key) == group && r.at("metric") == metric) return r;
    }
    FAIL("no row " << group << "," << metric);
    return {};
}

}  // namespace

TEST_CASE("stage_summary.csv: a row is the mean, sd and t CI of the stages.csv rows",
          "[cli][summary]") {
    const TempDir tmp;
    const auto out = tmp / "run";
    REQUIRE(run_cli("run " + data("mm1.yaml") + " --quiet --out " + quoted(out)).code == 0);
    const std::string text = read_file(out / "stage_summary.csv");
    REQUIRE(lines(text).at(0) == "stage,metric,mean,sd,ci95_low,ci95_high,n");
    const auto summary = records(text);

    // The four replications' wait_mean at `machine`, from stages.csv, by hand.
    std::vector<double> wait;
    for (const auto& r : records(read_file(out / "stages.csv"))) {
        if (r.at("stage") == "machine") wait.push_back(std::stod(r.at("wait_mean")));
    }
    REQUIRE(wait.size() == 4);
    double mean = 0;
    for (const double w : wait) mean += w / 4;
    double ss = 0;
    for (const double w : wait) ss += (w - mean) * (w - mean);
    const double sd = std::sqrt(ss / 3);
    const double half = 3.182446305284263 * sd / 2;  // t(0.975, 3) sd / sqrt(4)

    const auto row = find_row(summary, "stage", "machine", "wait_mean");
    CHECK(std::stod(row.at("mean")) == Approx(mean).epsilon(1e-12));
    CHECK(std::stod(row.at("sd")) == Approx(sd).epsilon(1e-10));
    CHECK(std::stod(row.at("ci95_low")) == Approx(mean - half).epsilon(1e-10));
    CHECK(std::stod(row.at("ci95_high")) == Approx(mean + half).epsilon(1e-10));
    CHECK(row.at("n") == "4");

    // Only metrics that apply to a stage's type have a row: a source has no wait, a sink no
    // utilisation; every applicable metric of the station has one.
    std::size_t machine_rows = 0;
    for (const auto& r : summary) {
        CHECK_FALSE((r.at("stage") == "orders" && r.at("metric") == "wait_mean"));
        CHECK_FALSE((r.at("stage") == "customer" && r.at("metric") == "utilization"));
        if (r.at("stage") == "machine") ++machine_rows;
    }
    std::size_t station_metrics = 0;
    for (const auto& m : models::stage_metrics()) {
        if (models::stage_metric_applies(m, models::StageType::station)) ++station_metrics;
    }
    CHECK(machine_rows == station_metrics);
    // Without products there is no class_summary.csv.
    CHECK_FALSE(fs::exists(out / "class_summary.csv"));
}

TEST_CASE("class_summary.csv: one row per product and metric; shares stay in [0, 1]",
          "[cli][summary][products]") {
    const TempDir tmp;
    const auto out = tmp / "run";
    REQUIRE(run_cli("run " + data("products.yaml") + " --quiet --out " + quoted(out)).code == 0);
    const std::string text = read_file(out / "class_summary.csv");
    REQUIRE(lines(text).at(0) == "product,metric,mean,sd,ci95_low,ci95_high,n");
    const auto summary = records(text);
    CHECK(summary.size() == 2 * models::class_metrics().size());

    std::vector<double> on_time;
    for (const auto& r : records(read_file(out / "classes.csv"))) {
        if (r.at("product") == "premium") on_time.push_back(std::stod(r.at("on_time_rate")));
    }
    REQUIRE(on_time.size() == 3);
    const double mean = (on_time[0] + on_time[1] + on_time[2]) / 3;
    const auto row = find_row(summary, "product", "premium", "on_time_rate");
    CHECK(std::stod(row.at("mean")) == Approx(mean).epsilon(1e-12));
    CHECK(row.at("n") == "3");
    for (const auto& r : summary) {
        if (r.at("metric") != "on_time_rate" && r.at("metric") != "customer_error_rate") continue;
        INFO(r.at("product") << " " << r.at("metric"));
        CHECK(std::stod(r.at("ci95_low")) >= 0.0);
        CHECK(std::stod(r.at("ci95_high")) <= 1.0);
    }
}

TEST_CASE("stage summaries: a share's CI is clipped, undefined values are left out", "[summary]") {
    models::Scenario scenario;
    scenario.stages.resize(2);
    scenario.stages[0].name = "m";
    scenario.stages[0].type = models::StageType::station;
    scenario.stages[1].name = "out";
    scenario.stages[1].type = models::StageType::sink;
    std::vector<models::ReplicationResult> results(4);
    const double util[] = {0.0, 0.0, 0.0, 0.01};  // rare work: t interval reaches below 0
    for (std::size_t r = 0; r < results.size(); ++r) {
        results[r].stages.resize(2);
        results[r].stages[0].utilization = util[r];
        results[r].stages[0].wait_mean = r == 2 ? std::nan("") : 1.0 + static_cast<double>(r);
    }
    const app::Summary summary = app::summarize(scenario, results);
    auto find = [&](std::size_t s, const std::string& name) -> const app::MetricSummary* {
        for (const auto& m : summary.stage_summaries.at(s)) {
            if (m.name == name) return &m;
        }
        return nullptr;
    };
    const app::MetricSummary* u = find(0, "utilization");
    REQUIRE(u != nullptr);
    CHECK(u->mean == Approx(0.0025));
    CHECK(u->ci95_low == 0.0);
    CHECK(u->ci95_high == Approx(0.0025 + 0.007956115763210658).epsilon(1e-9));
    // wait_mean undefined in replication 2: summarised over the other three (1, 2, 4).
    const app::MetricSummary* w = find(0, "wait_mean");
    REQUIRE(w != nullptr);
    CHECK(w->n == 3);
    CHECK(w->mean == Approx(7.0 / 3));
    // A sink has no utilisation row.
    CHECK(find(1, "utilization") == nullptr);
    CHECK(find(1, "arrivals") != nullptr);
    const std::string csv = app::stage_summary_csv(scenario, summary);
    CHECK(csv.find("\nm,utilization,0.0025,0.005,0,") != std::string::npos);
    CHECK(csv.find("\nout,utilization,") == std::string::npos);
}

TEST_CASE("the run report shows rates in percent with their interval, targets included",
          "[cli][console]") {
    const TempDir tmp;
    const auto r =
        run_cli("run " + data("target_easy.yaml") + " --quiet --out " + quoted(tmp / "res"));
    REQUIRE(r.code == 0);
    INFO(r.out);
    // A rate: "xx.xx %  of delivered  95 % CI a–b %", never "±" on its line.
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m,
                              std::regex("on-time rate +([0-9.]+) %  of delivered  95 % CI "
                                         "([0-9.]+)–([0-9.]+) %\n")));
    CHECK(std::stod(m[2].str()) <= std::stod(m[1].str()));
    CHECK(std::stod(m[3].str()) <= 100.0);
    // The target on a rate is in percent (`max: 1` is 100 %), the other in its own number.
    CHECK(std::regex_search(r.out, std::regex("customer_error_rate +<= 100 % +[0-9.]+ % +95 % CI "
                                              "[0-9.]+–[0-9.]+ % +PASS")));
    CHECK(std::regex_search(r.out, std::regex("throughput +>= 0.1 +[0-9.]+ +95 % CI "
                                              "[0-9.]+–[0-9.]+ +PASS")));
    // Waits of about 3 hours stay in the scenario's unit.
    CHECK(r.out.find("wait (hours)") != std::string::npos);
}
