// Unit tests of CSV text and the replication summary: number forms, quoting, CIs, targets.
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "app/output/csv.hpp"
#include "app/output/summary.hpp"
#include "models/run/metrics.hpp"
#include "models/run/replication.hpp"

using namespace qosim::app;
namespace models = qosim::models;

TEST_CASE("numbers use the shortest round-trip form", "[csv]") {
    CHECK(format_number(0.1) == "0.1");
    CHECK(format_number(1.5) == "1.5");
    CHECK(format_number(2.0) == "2");
    CHECK(format_number(-3.25) == "-3.25");
    CHECK(format_number(1e-7) == "1e-07");
    CHECK(format_number(123456789012.0) == "123456789012");
    CHECK(format_number(1.0 / 3.0) == "0.3333333333333333");
    CHECK(std::stod(format_number(0.1 + 0.2)) == 0.1 + 0.2);
    CHECK(format_number(-0.0) == "0");
    CHECK(format_number(0.0) == "0");
    CHECK(format_number(std::numeric_limits<double>::quiet_NaN()).empty());
    CHECK(format_number(std::numeric_limits<double>::infinity()).empty());
    CHECK(format_number(-std::numeric_limits<double>::infinity()).empty());
}

TEST_CASE("counts are written as integers", "[csv]") {
    CHECK(format_count(123456789012.0) == "123456789012");
    CHECK(format_count(0.0) == "0");
    CHECK(format_count(-0.0) == "0");
    CHECK(format_count(42.0) == "42");
    CHECK(format_count(1e10) == "10000000000");
    CHECK(format_count(std::numeric_limits<double>::quiet_NaN()).empty());
}

TEST_CASE("fields are quoted per RFC 4180", "[csv]") {
    CHECK(quote_field("plain") == "plain");
    CHECK(quote_field("") == "");
    CHECK(quote_field("a,b") == "\"a,b\"");
    CHECK(quote_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(quote_field("two\nlines") == "\"two\nlines\"");
    CHECK(quote_field("cr\r") == "\"cr\r\"");
}

TEST_CASE("text that a spreadsheet would evaluate is escaped; numbers never", "[csv]") {
    // A leading apostrophe inside a quoted field: shown as text, not evaluated.
    CHECK(text_field("=1+1") == "\"'=1+1\"");
    CHECK(text_field("@x") == "\"'@x\"");
    CHECK(text_field("-y") == "\"'-y\"");
    CHECK(text_field("+y") == "\"'+y\"");
    CHECK(text_field("\tx") == "\"'\tx\"");
    CHECK(text_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
    CHECK(text_field("-inf") == "\"'-inf\"");
    CHECK(text_field("-1+1") == "\"'-1+1\"");
    CHECK(text_field("--1") == "\"'--1\"");
    CHECK(text_field("-") == "\"'-\"");
    // Plain numbers that reach text() stay as they are (a swept value "-2", a seed).
    CHECK(text_field("-2") == "-2");
    CHECK(text_field("-1.5e-07") == "-1.5e-07");
    CHECK(text_field("+0.5") == "+0.5");
    CHECK(text_field("-.5") == "-.5");
    CHECK(text_field("18446744073709551615") == "18446744073709551615");
    // Not at the start: unchanged.
    CHECK(text_field("a=b") == "a=b");
    CHECK(text_field("stages.smt.servers=3;run.seed=-1") == "stages.smt.servers=3;run.seed=-1");
    CHECK(text_field(">= 0.95") == ">= 0.95");
    CHECK(text_field("<= -1") == "<= -1");
    CHECK(text_field("") == "");

    CsvBuilder csv;
    csv.text("=1+1").number(-3.25).count(-4.0).text("-2").number(-1e-7).end_row();
    CHECK(csv.str() == "\"'=1+1\",-3.25,-4,-2,-1e-07\n");
}

TEST_CASE("no fixed header or enum value of the CSV files is escaped", "[csv]") {
    for (const auto& m : models::run_metrics()) CHECK_FALSE(looks_like_formula(m.name));
    for (const auto& m : models::stage_metrics()) CHECK_FALSE(looks_like_formula(m.name));
    for (const auto& m : models::class_metrics()) CHECK_FALSE(looks_like_formula(m.name));
    for (const auto t :
         {models::StageType::source, models::StageType::station, models::StageType::inspection,
          models::StageType::link, models::StageType::sink})
        CHECK_FALSE(looks_like_formula(models::to_string(t)));
    for (const auto t :
         {TargetStatus::none, TargetStatus::yes, TargetStatus::no, TargetStatus::undecided})
        CHECK_FALSE(looks_like_formula(to_string(t)));
    for (const std::string_view v :
         {"yes", "no", "fixed", "auto-mser5", "grid", "lhs", "key", "value", "metric", "mean", "sd",
          "ci95_low", "ci95_high", "n", "target", "target_met", "replication", "seed"})
        CHECK_FALSE(looks_like_formula(v));
    CHECK(looks_like_formula("=1+1"));
}

TEST_CASE("CsvBuilder joins fields and rows", "[csv]") {
    CsvBuilder csv;
    csv.text("name").text("x").text("n").end_row();
    csv.text("a, b").number(0.25).count(3.0).end_row();
    csv.text("").number(std::nan("")).value(7.0, true).end_row();
    CHECK(csv.str() == "name,x,n\n\"a, b\",0.25,3\n,,7\n");
}

TEST_CASE("scenario hash is 16 lower-case hex digits", "[csv]") {
    CHECK(format_hash(0) == "0000000000000000");
    CHECK(format_hash(0xcbf29ce484222325ull) == "cbf29ce484222325");
    CHECK(format_hash(0xABCull) == "0000000000000abc");
}

TEST_CASE("summary: mean sd and Student-t CI match a hand computation", "[summary]") {
    // 1..20: mean 10.5, sample variance n(n+1)/12 = 35, t_{0.975,19} = 2.093024.
    std::vector<double> v;
    for (int i = 1; i <= 20; ++i) v.push_back(i);
    const MetricSummary m = summarize_values(v);
    const double half = 2.093024 * std::sqrt(35.0) / std::sqrt(20.0);
    CHECK(m.n == 20);
    CHECK(m.mean == Approx(10.5).epsilon(1e-12));
    CHECK(m.sd == Approx(std::sqrt(35.0)).epsilon(1e-12));
    CHECK(m.ci95_low == Approx(10.5 - half).epsilon(1e-6));
    CHECK(m.ci95_high == Approx(10.5 + half).epsilon(1e-6));
    CHECK(m.half_width() == Approx(half).epsilon(1e-6));
}

TEST_CASE("summary: fewer than two values have no sd or CI", "[summary]") {
    const std::vector<double> one{4.0};
    const MetricSummary m = summarize_values(one);
    CHECK(m.n == 1);
    CHECK(m.mean == 4.0);
    CHECK(std::isnan(m.sd));
    CHECK(std::isnan(m.ci95_low));
    CHECK(std::isnan(m.ci95_high));
}

TEST_CASE("summary: a share's interval is clipped to [0, 1] and targets judge that interval",
          "[summary]") {
    // Every replication without errors: [0, 0], which meets "<= 0.02" and even "<= 0".
    const std::vector<double> zeros{0.0, 0.0, 0.0};
    const MetricSummary none = summarize_values(zeros, true);
    CHECK(none.ci95_low == 0.0);
    CHECK(none.ci95_high == 0.0);
    models::Target at_most;
    at_most.metric = "customer_error_rate";
    at_most.max = 0.02;
    CHECK(target_status(at_most, none) == TargetStatus::yes);
    at_most.max = 0.0;
    CHECK(target_status(at_most, none) == TargetStatus::yes);

    // One replication of four has 1 % errors: t interval [-0.0055, 0.0105] cut at 0; the
    // unclipped half-width is kept for the console and the precision rule.
    const std::vector<double> rare{0.0, 0.0, 0.0, 0.01};
    const MetricSummary r = summarize_values(rare, true);
    CHECK(r.ci95_low == 0.0);
    CHECK(r.ci95_high == Approx(0.0025 + 0.007956115763210658).epsilon(1e-9));
    CHECK(r.half_width() == Approx(0.007956115763210658).epsilon(1e-9));
    at_most.max = 0.02;
    CHECK(target_status(at_most, r) == TargetStatus::yes);
    at_most.max = 0.005;
    CHECK(target_status(at_most, r) == TargetStatus::undecided);

    // Near 1 the top is cut: on-time 0.99, 1, 1, 1 has ci95_high 1 and meets ">= 0.98"
    // only if its bottom does (0.9975 - 0.00796 = 0.9895).
    const std::vector<double> on_time{0.99, 1.0, 1.0, 1.0};
    const MetricSummary o = summarize_values(on_time, true);
    CHECK(o.ci95_high == 1.0);
    CHECK(o.ci95_low == Approx(0.9975 - 0.007956115763210658).epsilon(1e-9));
    models::Target at_least;
    at_least.metric = "on_time_rate";
    at_least.min = 0.98;
    CHECK(target_status(at_least, o) == TargetStatus::yes);
    at_least.min = 0.995;
    CHECK(target_status(at_least, o) == TargetStatus::undecided);

    // The same values as a plain number are not clipped.
    const MetricSummary plain = summarize_values(rare);
    CHECK(plain.ci95_low < 0);
}

TEST_CASE("target text and status", "[summary]") {
    models::Target max_t;
    max_t.metric = "customer_error_rate";
    max_t.max = 0.02;
    models::Target min_t;
    min_t.metric = "on_time_rate";
    min_t.min = 0.95;
    models::Target both;
    both.metric = "wip_mean";
    both.min = 1;
    both.max = 2.5;
    CHECK(target_text(max_t) == "<= 0.02");
    CHECK(target_text(min_t) == ">= 0.95");
    CHECK(target_text(both) == ">= 1 and <= 2.5");

    auto ci = [](double lo, double hi) {
        MetricSummary m;
        m.n = 10;
        m.mean = (lo + hi) / 2;
        m.ci95_low = lo;
        m.ci95_high = hi;
        return m;
    };
    CHECK(target_status(max_t, ci(0.010, 0.015)) == TargetStatus::yes);
    CHECK(target_status(max_t, ci(0.010, 0.020)) == TargetStatus::yes);  // bound inclusive
    CHECK(target_status(max_t, ci(0.025, 0.030)) == TargetStatus::no);
    CHECK(target_status(max_t, ci(0.015, 0.025)) == TargetStatus::undecided);

    CHECK(target_status(min_t, ci(0.96, 0.99)) == TargetStatus::yes);
    CHECK(target_status(min_t, ci(0.90, 0.94)) == TargetStatus::no);
    CHECK(target_status(min_t, ci(0.94, 0.96)) == TargetStatus::undecided);
    CHECK(target_status(min_t, ci(0.95, 0.99)) == TargetStatus::yes);  // bound inclusive
    // A CI touching the bound from the wrong side still reaches it: not a clear miss.
    CHECK(target_status(min_t, ci(0.90, 0.95)) == TargetStatus::undecided);
    CHECK(target_status(max_t, ci(0.020, 0.030)) == TargetStatus::undecided);

    CHECK(target_status(both, ci(1.2, 2.0)) == TargetStatus::yes);
    CHECK(target_status(both, ci(0.2, 0.8)) == TargetStatus::no);
    CHECK(target_status(both, ci(2.6, 3.0)) == TargetStatus::no);
    CHECK(target_status(both, ci(0.8, 1.2)) == TargetStatus::undecided);
    CHECK(target_status(both, ci(0.5, 3.0)) == TargetStatus::undecided);

    // n < 2: the mean alone decides.
    MetricSummary single;
    single.n = 1;
    single.mean = 0.01;
    single.ci95_low = single.ci95_high = std::numeric_limits<double>::quiet_NaN();
    CHECK(target_status(max_t, single) == TargetStatus::yes);
    single.mean = 0.03;
    CHECK(target_status(max_t, single) == TargetStatus::no);

    CHECK(to_string(TargetStatus::yes) == "yes");
    CHECK(to_string(TargetStatus::no) == "no");
    CHECK(to_string(TargetStatus::undecided) == "undecided");
    CHECK(to_string(TargetStatus::none).empty());
}

namespace {

models::ReplicationResult fake_result(std::uint64_t rep, double x, std::size_t stages) {
    models::ReplicationResult r;
    r.replication = rep;
    r.seed = 99;
    r.orders_created = 100 + static_cast<double>(rep);
    r.throughput = x;
    r.customer_error_rate = 0.01 * x;
    r.events = 1e6;
    r.stages.resize(stages);
    for (auto& s : r.stages) s.utilization = 0.5 * x;
    return r;
}

}  // namespace

TEST_CASE("summarize covers every run metric and checks the targets", "[summary]") {
    models::Scenario scenario;
    scenario.stages.resize(2);
    scenario.stages[0].name = "a";
    scenario.stages[1].name = "b";
    models::Target t;
    t.metric = "throughput";
    t.min = 100.0;
    scenario.targets.push_back(t);
    const std::vector<models::ReplicationResult> results{
        fake_result(0, 1.0, 2), fake_result(1, 2.0, 2), fake_result(2, 3.0, 2)};

    const Summary s = summarize(scenario, results);
    // Without a survey: every run metric but the survey ones, in metric-table order.
    std::vector<std::string_view> expected;
    for (const auto& m : models::run_metrics()) {
        if (models::metric_present(m, false)) expected.push_back(m.name);
    }
    REQUIRE(expected.size() < models::run_metrics().size());
    REQUIRE(s.metrics.size() == expected.size());
    for (std::size_t i = 0; i < s.metrics.size(); ++i) {
        CHECK(s.metrics[i].name == expected[i]);
        CHECK(s.metrics[i].n == 3);
    }
    CHECK(s.find("survey_error_rate") == nullptr);
    const MetricSummary* tp = s.find("throughput");
    REQUIRE(tp != nullptr);
    CHECK(tp->mean == Approx(2.0));
    CHECK(tp->sd == Approx(1.0));
    CHECK(tp->target == ">= 100");
    CHECK(tp->target_met == TargetStatus::no);
    CHECK(s.any_target_failed());
    CHECK(s.find("wip_mean")->target.empty());
    CHECK(s.find("wip_mean")->target_met == TargetStatus::none);
    REQUIRE(s.stage_means.size() == 2);
    REQUIRE(s.stage_means[0].size() == models::stage_metrics().size());

    const std::string csv = summary_csv(s);
    CHECK(csv.rfind("metric,mean,sd,ci95_low,ci95_high,n,target,target_met\n", 0) == 0);
    CHECK(csv.find("\nthroughput,2,1,") != std::string::npos);
    CHECK(csv.find(",3,>= 100,no\n") != std::string::npos);
    CHECK(csv.find("\nwip_mean,0,0,0,0,3,,\n") != std::string::npos);
}

TEST_CASE("a lead time no replication measured is left out of the summary", "[summary]") {
    // Replication 1 delivered nothing: its lead time and on-time rate are NaN (empty cells).
    models::Scenario scenario;
    scenario.stages.resize(1);
    models::Target t;
    t.metric = "on_time_rate";
    t.min = 0.9;
    scenario.targets.push_back(t);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<models::ReplicationResult> results{fake_result(0, 1.0, 1), fake_result(1, 2.0, 1),
                                                   fake_result(2, 3.0, 1)};
    const double lead[] = {2.0, nan, 4.0};
    for (std::size_t r = 0; r < 3; ++r) {
        results[r].lead_time_mean = lead[r];
        results[r].on_time_rate = std::isnan(lead[r]) ? nan : 1.0;
        results[r].classes.resize(1);
        results[r].classes[0].lead_time_mean = lead[r];
    }
    scenario.products.resize(1);
    scenario.products[0].name = "p";
    const Summary s = summarize(scenario, results);
    const MetricSummary* lt = s.find("lead_time_mean");
    REQUIRE(lt != nullptr);
    CHECK(lt->n == 2);
    CHECK(lt->mean == Approx(3.0));
    CHECK(s.find("throughput")->n == 3);
    CHECK(s.find("on_time_rate")->n == 2);
    CHECK(s.find("on_time_rate")->target_met == TargetStatus::yes);
    CHECK(s.class_summaries.at(0).at(2).name == "lead_time_mean");
    CHECK(s.class_summaries.at(0).at(2).n == 2);
    const std::string runs = runs_csv(results, false);
    CHECK(runs.find("\n1,99,101,0,0,2,,") != std::string::npos);  // lead_time_mean empty

    // No replication delivered: n = 0, empty cells, and a target on it is undecided.
    for (auto& r : results) r.lead_time_mean = r.on_time_rate = nan;
    const Summary none = summarize(scenario, results);
    CHECK(none.find("lead_time_mean")->n == 0);
    CHECK(none.find("on_time_rate")->target_met == TargetStatus::undecided);
    const std::string csv = summary_csv(none);
    CHECK(csv.find("\nlead_time_mean,,,,,0,,\n") != std::string::npos);
    CHECK(csv.find("\non_time_rate,,,,,0,>= 0.9,undecided\n") != std::string::npos);
}

TEST_CASE("runs.csv and stages.csv columns come from the metric table", "[csv]") {
    models::Scenario scenario;
    scenario.stages.resize(2);
    scenario.stages[0].name = "src";
    scenario.stages[0].type = models::StageType::source;
    scenario.stages[1].name = "the, sink";
    scenario.stages[1].type = models::StageType::sink;
    const std::vector<models::ReplicationResult> results{fake_result(0, 1.5, 2),
                                                         fake_result(1, 2.5, 2)};

    std::string header = "replication,seed";
    for (const auto& m : models::run_metrics()) {
        header += ',';
        header += m.name;
    }
    const std::string runs = runs_csv(results, true);
    CHECK(runs.rfind(header + "\n", 0) == 0);
    CHECK(runs.find("survey_error_rate") != std::string::npos);
    CHECK(runs_csv(results, false).find("survey") == std::string::npos);
    CHECK(runs.find("\n0,99,100,") != std::string::npos);
    CHECK(runs.find("\n1,99,101,") != std::string::npos);
    CHECK(runs.find(",1000000,") != std::string::npos);  // events, a count

    std::string stage_header = "replication,stage,type";
    for (const auto& m : models::stage_metrics()) {
        stage_header += ',';
        stage_header += m.name;
    }
    const std::string stages = stages_csv(scenario, results);
    CHECK(stages.rfind(stage_header + "\n", 0) == 0);
    CHECK(stages.find("\n0,src,source,") != std::string::npos);
    CHECK(stages.find("\n1,\"the, sink\",sink,") != std::string::npos);
}

TEST_CASE("run_info.csv records how the results were made", "[csv]") {
    models::Scenario scenario;
    scenario.name = "Line \"A\"";
    scenario.file = "scenarios/a.yaml";
    scenario.content_hash = 0x1234;
    scenario.overrides = {"stages.smt.servers=3", "run.seed=5"};
    scenario.run.seed = 5;
    scenario.run.replications = 12;
    scenario.run.horizon = 2000;
    scenario.run.warmup = 200.5;
    const std::string head = std::string("key,value\n") + "qosim_version," + QOSIM_VERSION + "\n" +
                             "stream_version," + std::to_string(qosim::models::kStreamVersion) +
                             "\n" +
                             "scenario_name,\"Line \"\"A\"\"\"\n"
                             "scenario_file,scenarios/a.yaml\n"
                             "scenario_hash,0000000000001234\n"
                             "time_unit,hour\n"
                             "seed,5\n"
                             "replications,12\n";
    CHECK(run_info_csv(scenario) == head +
                                        "horizon,2000\n"
                                        "orders,\n"
                                        "warmup,200.5\n"
                                        "warmup_method,fixed\n"
                                        "lead_time_quantile_rel_error,0.001\n"
                                        "overrides,stages.smt.servers=3;run.seed=5\n"
                                        "interrupted,no\n");

    // Orders mode, automatic warm-up, precision, time series and trace.
    scenario.run.orders = 5000;
    RunOutcome outcome;
    outcome.warmup_auto = true;
    outcome.timeseries_window = 50;
    outcome.trace_file = "t.csv";
    PrecisionOutcome p;
    p.metric = "lead_time_mean";
    p.goal = 0.5;
    p.reached = true;
    p.half_width = 0.25;
    p.replications = 12;
    p.min_replications = 3;
    p.max_replications = 40;
    outcome.precision = p;
    CHECK(run_info_csv(scenario, outcome) == head +
                                                 "horizon,\n"
                                                 "orders,5000\n"
                                                 "warmup,200.5\n"
                                                 "warmup_method,auto-mser5\n"
                                                 "precision_metric,lead_time_mean\n"
                                                 "precision_goal,0.5\n"
                                                 "precision_reached,yes\n"
                                                 "precision_half_width,0.25\n"
                                                 "precision_min_replications,3\n"
                                                 "precision_max_replications,40\n"
                                                 "lead_time_quantile_rel_error,0.001\n"
                                                 "timeseries_window,50\n"
                                                 "trace,t.csv\n"
                                                 "overrides,stages.smt.servers=3;run.seed=5\n"
                                                 "interrupted,no\n");
}

TEST_CASE("classes.csv and timeseries.csv rows come from the results", "[csv]") {
    models::Scenario scenario;
    scenario.stages.resize(4);
    scenario.stages[0].type = models::StageType::source;
    scenario.stages[1].name = "m";
    scenario.stages[1].type = models::StageType::station;
    scenario.stages[2].name = "q";
    scenario.stages[2].type = models::StageType::inspection;
    scenario.stages[3].type = models::StageType::sink;
    scenario.products.resize(2);
    scenario.products[0].name = "basic";
    scenario.products[1].name = "premium";

    std::vector<models::ReplicationResult> results(2);
    for (std::size_t r = 0; r < 2; ++r) {
        results[r].replication = r;
        results[r].classes.resize(2);
        results[r].classes[0].orders_created = 10 + static_cast<double>(r);
        results[r].classes[1].orders_created = 5;
        results[r].classes[1].lead_time_mean = 2.5;
        models::WindowResult w;
        w.window_start = 0;
        w.window_end = 50;
        w.orders_created = 7;
        w.customer_error_rate = 0.25;
        w.utilization = {0.5, 0.125};
        results[r].windows = {w, w};
        results[r].windows[1].window_start = 50;
        results[r].windows[1].window_end = 80;
    }

    CHECK(timeseries_stages(scenario) == std::vector<std::size_t>{1, 2});
    const std::string classes = classes_csv(scenario, results);
    std::string header = "replication,product";
    for (const auto& m : models::class_metrics()) {
        header += ',';
        header += m.name;
    }
    CHECK(classes.rfind(header + "\n", 0) == 0);
    CHECK(classes.find("\n0,basic,10,") != std::string::npos);
    CHECK(classes.find("\n0,premium,5,0,2.5,") != std::string::npos);
    CHECK(classes.find("\n1,basic,11,") != std::string::npos);

    CHECK(timeseries_csv(scenario, results) ==
          "replication,window_start,window_end,orders_created,orders_delivered,customer_errors,"
          "customer_error_rate,wip_mean,lead_time_mean,util_m,util_q\n"
          "0,0,50,7,0,0,0.25,0,0,0.5,0.125\n"
          "0,50,80,7,0,0,0.25,0,0,0.5,0.125\n"
          "1,0,50,7,0,0,0.25,0,0,0.5,0.125\n"
          "1,50,80,7,0,0,0.25,0,0,0.5,0.125\n");
}
