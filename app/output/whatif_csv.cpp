// The what-if tables: sweep.csv, sweep_summary.csv, compare.csv and selection.csv.
#include "app/output/whatif_csv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "app/output/csv.hpp"
#include "models/run/metrics.hpp"

namespace qosim::app {

namespace detail {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The run metrics written for `scenario` (the survey columns only with a survey), with
/// their index in models::run_metrics().
std::vector<std::size_t> present_metrics(const models::Scenario& scenario) {
    std::vector<std::size_t> out;
    const auto metrics = models::run_metrics();
    const bool survey = has_survey(scenario);
    for (std::size_t k = 0; k < metrics.size(); ++k)
        if (models::metric_present(metrics[k], survey)) out.push_back(k);
    return out;
}

/// The rows of each point, in replication order (rows are sorted by task).
std::map<std::size_t, std::vector<const std::vector<double>*>> rows_by_point(
    std::span<const TaskRow> rows) {
    std::map<std::size_t, std::vector<const std::vector<double>*>> out;
    for (const TaskRow& r : rows) out[r.task.point].push_back(&r.values);
    return out;
}

const MetricSummary* find_metric(const std::vector<MetricSummary>& metrics,
                                 const std::string& name) {
    for (const auto& m : metrics)
        if (m.name == name) return &m;
    return nullptr;
}

/// Marks the points not dominated on (cost, error), both minimised: sorted by cost, a point
/// survives when its error is below every error of strictly cheaper points and is the least
/// among the points of its own cost. O(P log P).
void mark_pareto(std::vector<PointSummary>& points) {
    struct Entry {
        double cost, error;
        std::size_t index;
    };
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto* cost = find_metric(points[i].metrics, "cost_per_order");
        const auto* error = find_metric(points[i].metrics, "customer_error_rate");
        const auto* delivered = find_metric(points[i].metrics, "orders_delivered");
        if (cost == nullptr || error == nullptr || std::isnan(cost->mean) ||
            std::isnan(error->mean) || delivered == nullptr || !(delivered->mean > 0.0))
            continue;  // nothing delivered: cost per order and error rate mean nothing
        entries.push_back({cost->mean, error->mean, i});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.cost != b.cost ? a.cost < b.cost : a.error < b.error;
    });
    double cheaper_min = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < entries.size();) {
        std::size_t end = g;
        while (end < entries.size() && entries[end].cost == entries[g].cost) ++end;
        const double group_min = entries[g].error;  // sorted by error within a cost
        for (std::size_t i = g; i < end; ++i)
            points[entries[i].index].pareto =
                entries[i].error < cheaper_min && entries[i].error == group_min;
        cheaper_min = std::min(cheaper_min, group_min);
        g = end;
    }
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace detail

std::vector<PointSummary> summarize_points(const models::Scenario& base, std::size_t points,
                                           std::span<const TaskRow> rows,
                                           std::span<const PointFailure> failures,
                                           const std::string& objective) {
    std::vector<PointSummary> out(points);
    const auto by_point = detail::rows_by_point(rows);
    for (std::size_t p = 0; p < points; ++p) out[p].point = p;
    for (const PointFailure& f : failures)
        if (f.task.point < points) out[f.task.point].error = f.message;
    for (const auto& [p, point_rows] : by_point) {
        if (p >= points || !out[p].error.empty()) continue;
        PointSummary& s = out[p];
        s.replications = point_rows.size();
        s.metrics = summarize_rows(base, point_rows);
        bool any_no = false;
        bool all_yes = true;
        for (const auto& m : s.metrics) {
            if (m.target_met == TargetStatus::none) continue;
            any_no = any_no || m.target_met == TargetStatus::no;
            all_yes = all_yes && m.target_met == TargetStatus::yes;
        }
        s.feasible = any_no    ? TargetStatus::no
                     : all_yes ? TargetStatus::yes
                               : TargetStatus::undecided;
    }
    for (auto& s : out)
        if (s.metrics.empty()) s.feasible = TargetStatus::no;  // failed or not run
    detail::mark_pareto(out);
    std::optional<std::size_t> best;
    double best_value = std::numeric_limits<double>::infinity();
    for (const auto& s : out) {
        if (s.feasible != TargetStatus::yes) continue;
        const auto* m = detail::find_metric(s.metrics, objective);
        const auto* delivered = detail::find_metric(s.metrics, "orders_delivered");
        if (m == nullptr || std::isnan(m->mean) || delivered == nullptr || !(delivered->mean > 0.0))
            continue;
        if (!best || m->mean < best_value) {
            best = s.point;
            best_value = m->mean;
        }
    }
    if (best) out[*best].selected = true;
    return out;
}

std::string sweep_csv(const models::Scenario& base, const models::SweepDesign& design,
                      std::span<const TaskRow> rows) {
    const auto metrics = models::run_metrics();
    const auto present = detail::present_metrics(base);
    CsvBuilder csv;
    csv.text("point");
    for (const auto& p : design.parameters) csv.text(p.path);
    csv.text("replication").text("seed");
    for (const std::size_t k : present) csv.text(metrics[k].name);
    csv.end_row();
    for (const TaskRow& r : rows) {
        csv.count(static_cast<double>(r.task.point));
        for (const auto& v : design.points.at(r.task.point)) csv.text(v);
        csv.count(static_cast<double>(r.task.replication));
        csv.text(std::to_string(base.run.seed));
        for (const std::size_t k : present) csv.value(r.values.at(k), metrics[k].is_count);
        csv.end_row();
    }
    return csv.str();
}

std::string sweep_summary_csv(const models::Scenario& base, const models::SweepDesign& design,
                              std::span<const PointSummary> summaries) {
    const auto metrics = models::run_metrics();
    const auto present = detail::present_metrics(base);
    CsvBuilder csv;
    csv.text("point");
    for (const auto& p : design.parameters) csv.text(p.path);
    for (const std::size_t k : present) {
        const std::string name(metrics[k].name);
        csv.text(name + "_mean").text(name + "_ci95");
    }
    csv.text("feasible").text("pareto").text("selected").text("replications").text("error");
    csv.end_row();
    for (const PointSummary& s : summaries) {
        csv.count(static_cast<double>(s.point));
        for (const auto& v : design.points.at(s.point)) csv.text(v);
        for (std::size_t i = 0; i < present.size(); ++i) {
            if (i < s.metrics.size()) {
                const MetricSummary& m = s.metrics[i];
                csv.number(m.mean).number(m.half_width());
            } else {
                csv.text("").text("");
            }
        }
        csv.text(to_string(s.feasible)).text(detail::yes_no(s.pareto));
        csv.text(detail::yes_no(s.selected));
        csv.count(static_cast<double>(s.replications)).text(s.error);
        csv.end_row();
    }
    return csv.str();
}

std::vector<VariantComparison> compare_points(const models::Scenario& base,
                                              const std::vector<WhatIfPoint>& points,
                                              std::span<const TaskRow> rows,
                                              std::span<const PointFailure> failures) {
    const auto metrics = models::run_metrics();
    const auto present = detail::present_metrics(base);
    std::map<std::size_t, std::map<std::size_t, const std::vector<double>*>> by_point;
    for (const TaskRow& r : rows) by_point[r.task.point][r.task.replication] = &r.values;
    const auto& base_rows = by_point[0];

    std::vector<VariantComparison> out;
    for (std::size_t p = 0; p < points.size(); ++p) {
        VariantComparison v;
        v.label = points[p].label;
        v.base = p == 0;
        for (const PointFailure& f : failures)
            if (f.task.point == p) v.error = f.message;
        if (v.error.empty()) {
            // Replications that both the variant and the base finished, in index order.
            std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>> pairs;
            for (const auto& [rep, values] : by_point[p]) {
                const auto it = base_rows.find(rep);
                if (it != base_rows.end()) pairs.emplace_back(values, it->second);
            }
            for (const std::size_t k : present) {
                Comparison c;
                c.metric = std::string(metrics[k].name);
                c.unit = std::string(metrics[k].unit);
                c.is_count = metrics[k].is_count;
                // Only the replications where the metric is defined (a lead time needs a
                // delivery): a pair needs it on both sides.
                std::vector<double> a, b, d, own, base_own;
                for (const auto& [vp, bp] : pairs) {
                    if (!std::isfinite((*vp)[k]) || !std::isfinite((*bp)[k])) continue;
                    a.push_back((*vp)[k]);
                    b.push_back((*bp)[k]);
                    d.push_back((*vp)[k] - (*bp)[k]);
                }
                for (const auto& [rep, values] : by_point[p])
                    if (std::isfinite((*values)[k])) own.push_back((*values)[k]);
                for (const auto& [rep, values] : base_rows)
                    if (std::isfinite((*values)[k])) base_own.push_back((*values)[k]);
                c.n = own.size();
                c.n_paired = d.size();
                const MetricSummary sa = summarize_values(a);
                const MetricSummary sb = summarize_values(b);
                const MetricSummary sd = summarize_values(d);
                // The means over every replication each ran (with --select the counts
                // differ); the difference and its interval over the pairs only.
                c.mean = summarize_values(own).mean;
                c.base_mean = summarize_values(base_own).mean;
                c.diff = sd.mean;
                c.diff_low = sd.ci95_low;
                c.diff_high = sd.ci95_high;
                if (c.unit == "share" && c.n >= 2) {  // a difference of rates lies in [-1, 1]
                    c.diff_low = std::clamp(c.diff_low, -1.0, 1.0);
                    c.diff_high = std::clamp(c.diff_high, -1.0, 1.0);
                }
                const double sum = sa.sd * sa.sd + sb.sd * sb.sd;
                c.crn_variance_ratio = sum > 0.0 ? sd.sd * sd.sd / sum : detail::kNaN;
                v.metrics.push_back(std::move(c));
            }
        }
        out.push_back(std::move(v));
    }
    return out;
}

std::string compare_csv(std::span<const VariantComparison> variants) {
    CsvBuilder csv;
    for (const char* h : {"variant", "metric", "mean", "diff_vs_base", "diff_ci95_low",
                          "diff_ci95_high", "crn_variance_ratio", "unit", "n", "n_paired"})
        csv.text(h);
    csv.end_row();
    for (const VariantComparison& v : variants) {
        for (const Comparison& c : v.metrics) {
            csv.text(v.label).text(c.metric).number(c.mean);
            if (v.base) {
                csv.text("").text("").text("").text("");
            } else {
                csv.number(c.diff).number(c.diff_low).number(c.diff_high);
                csv.number(c.crn_variance_ratio);
            }
            csv.text(c.unit).count(static_cast<double>(c.n));
            csv.count(static_cast<double>(c.n_paired));
            csv.end_row();
        }
    }
    return csv.str();
}

std::string selection_csv(const std::vector<WhatIfPoint>& points,
                          const models::SelectionResult& result,
                          const std::vector<std::string>& reasons) {
    CsvBuilder csv;
    for (const char* h :
         {"variant", "feasible", "replications", "eliminated_at", "reason", "selected"})
        csv.text(h);
    csv.end_row();
    for (std::size_t i = 0; i < points.size() && i < result.systems.size(); ++i) {
        const auto& s = result.systems[i];
        csv.text(points[i].label);
        switch (s.feasibility) {
        case models::Feasibility::feasible: csv.text("yes"); break;
        case models::Feasibility::infeasible: csv.text("no"); break;
        case models::Feasibility::undecided: csv.text("undecided"); break;
        }
        csv.count(static_cast<double>(s.replications));
        if (s.eliminated_at) {
            csv.count(static_cast<double>(*s.eliminated_at));
        } else {
            csv.text("");
        }
        csv.text(i < reasons.size() ? reasons[i] : "").text(detail::yes_no(s.selected));
        csv.end_row();
    }
    return csv.str();
}

}  // namespace qosim::app
