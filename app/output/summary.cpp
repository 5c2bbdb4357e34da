// Summary over replications: mean, sd, Student-t 95 % CI per metric, and the targets' verdicts.
#include "app/output/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/output/csv.hpp"
#include "app/output/text.hpp"
#include "models/run/confidence.hpp"
#include "models/run/metrics.hpp"
#include "sim/statistics.hpp"

namespace qosim::app {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The first target on `metric`, or nullptr.
const models::Target* find_target(const models::Scenario& scenario, std::string_view metric) {
    for (const auto& t : scenario.targets) {
        if (t.metric == metric) return &t;
    }
    return nullptr;
}

/// The finite values of value(r) over the replications `results`, in replication order: a
/// per-stage or per-product figure that is undefined in a replication (NaN) is left out.
template <typename Value>
std::vector<double> defined_values(std::span<const models::ReplicationResult> results,
                                   const Value& value) {
    std::vector<double> out;
    out.reserve(results.size());
    for (const auto& r : results) {
        const double v = value(r);
        if (std::isfinite(v)) out.push_back(v);
    }
    return out;
}

double mean_of_values(std::span<const double> values) {
    sim::Tally tally;
    for (const double v : values) tally.add(v);
    return tally.mean();
}

/// `m` with the name, unit and count flag of its metric-table row.
template <typename Metric>
MetricSummary named(MetricSummary m, const Metric& metric) {
    m.name = std::string(metric.name);
    m.unit = std::string(metric.unit);
    m.is_count = metric.is_count;
    return m;
}

}  // namespace

std::string_view to_string(TargetStatus status) {
    switch (status) {
    case TargetStatus::none: return "";
    case TargetStatus::yes: return "yes";
    case TargetStatus::no: return "no";
    case TargetStatus::undecided: return "undecided";
    }
    return "";
}

const MetricSummary* Summary::find(std::string_view name) const {
    for (const auto& m : metrics) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

bool Summary::any_target_failed() const {
    for (const auto& m : metrics) {
        if (m.target_met == TargetStatus::no) return true;
    }
    return false;
}

MetricSummary summarize_values(std::span<const double> values, bool is_share) {
    sim::Tally tally;
    for (const double v : values) tally.add(v);

    MetricSummary m;
    m.n = values.size();
    m.mean = m.n > 0 ? tally.mean() : kNaN;
    if (m.n < 2) {
        m.sd = m.ci95_low = m.ci95_high = m.ci95_half_width = kNaN;
        return m;
    }
    m.sd = tally.sd();
    const models::MeanInterval ci = models::mean_interval95(m.mean, m.sd, m.n, is_share);
    m.ci95_half_width = ci.half_width;
    m.ci95_low = ci.low;
    m.ci95_high = ci.high;
    return m;
}

std::string target_text(const models::Target& target) {
    std::string text;
    if (target.min) text = cat({">= ", format_number(*target.min)});
    if (target.max) {
        if (!text.empty()) text += " and ";
        text += cat({"<= ", format_number(*target.max)});
    }
    return text;
}

TargetStatus target_status(const models::Target& target, const MetricSummary& m) {
    if (!target.min && !target.max) return TargetStatus::none;
    if (m.n == 0 || std::isnan(m.mean)) return TargetStatus::undecided;
    // With fewer than two replications there is no interval: judge the mean alone.
    const bool has_ci = m.n >= 2 && !std::isnan(m.ci95_low) && !std::isnan(m.ci95_high);
    const double lo = has_ci ? m.ci95_low : m.mean;
    const double hi = has_ci ? m.ci95_high : m.mean;

    bool all_satisfied = true;
    bool some_violated = false;
    if (target.min) {
        if (lo < *target.min) all_satisfied = false;
        if (hi < *target.min) some_violated = true;
    }
    if (target.max) {
        if (hi > *target.max) all_satisfied = false;
        if (lo > *target.max) some_violated = true;
    }
    if (some_violated) return TargetStatus::no;
    if (all_satisfied) return TargetStatus::yes;
    return TargetStatus::undecided;
}

bool has_survey(const models::Scenario& scenario) {
    for (const auto& s : scenario.stages) {
        if (s.type == models::StageType::sink && s.survey) return true;
    }
    return false;
}

namespace detail {

/// The run metrics present for `scenario`, each summarised over those of `n` replications
/// whose value of metric index `k` (value(k, r) for replication r) is defined (finite), so n
/// counts them; targets checked on the interval, which for a share is clipped to [0, 1]
/// (models::mean_interval95).
template <typename Value>
std::vector<MetricSummary> summarize_metrics(const models::Scenario& scenario, std::size_t n,
                                             const Value& value) {
    std::vector<MetricSummary> out;
    const bool survey = has_survey(scenario);
    std::vector<double> values;
    values.reserve(n);
    const auto metrics = models::run_metrics();
    for (std::size_t k = 0; k < metrics.size(); ++k) {
        const auto& metric = metrics[k];
        if (!models::metric_present(metric, survey)) continue;
        // Only the replications where the value is defined (a lead time needs a delivery).
        values.clear();
        for (std::size_t r = 0; r < n; ++r) {
            const double v = value(k, r);
            if (std::isfinite(v)) values.push_back(v);
        }
        MetricSummary m = summarize_values(values, metric.unit == "share");
        m.name = std::string(metric.name);
        m.unit = std::string(metric.unit);
        m.is_count = metric.is_count;
        if (const models::Target* target = find_target(scenario, metric.name)) {
            m.target = target_text(*target);
            m.target_met = target_status(*target, m);
        }
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace detail

std::vector<MetricSummary> summarize_rows(const models::Scenario& scenario,
                                          std::span<const std::vector<double>* const> rows) {
    return detail::summarize_metrics(scenario, rows.size(),
                                     [&](std::size_t k, std::size_t r) { return (*rows[r])[k]; });
}

Summary summarize(const models::Scenario& scenario,
                  std::span<const models::ReplicationResult> results) {
    Summary summary;
    const auto metrics = models::run_metrics();
    summary.metrics = detail::summarize_metrics(
        scenario, results.size(),
        [&](std::size_t k, std::size_t r) { return results[r].*metrics[k].field; });

    const auto stage_metrics = models::stage_metrics();
    summary.stage_means.assign(scenario.stages.size(),
                               std::vector<double>(stage_metrics.size(), kNaN));
    summary.stage_summaries.resize(scenario.stages.size());
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        for (std::size_t k = 0; k < stage_metrics.size(); ++k) {
            const auto& metric = stage_metrics[k];
            const std::vector<double> values =
                defined_values(results, [&](const models::ReplicationResult& r) {
                    return s < r.stages.size() ? r.stages[s].*metric.field : kNaN;
                });
            if (!values.empty()) summary.stage_means[s][k] = mean_of_values(values);
            if (!models::stage_metric_applies(metric, scenario.stages[s].type)) continue;
            summary.stage_summaries[s].push_back(
                named(summarize_values(values, metric.unit == "share"), metric));
        }
    }

    const auto class_metrics = models::class_metrics();
    summary.class_means.assign(scenario.products.size(),
                               std::vector<double>(class_metrics.size(), kNaN));
    summary.class_summaries.resize(scenario.products.size());
    for (std::size_t c = 0; c < scenario.products.size(); ++c) {
        for (std::size_t k = 0; k < class_metrics.size(); ++k) {
            const auto& metric = class_metrics[k];
            const std::vector<double> values =
                defined_values(results, [&](const models::ReplicationResult& r) {
                    return c < r.classes.size() ? r.classes[c].*metric.field : kNaN;
                });
            if (!values.empty()) summary.class_means[c][k] = mean_of_values(values);
            summary.class_summaries[c].push_back(
                named(summarize_values(values, metric.unit == "share"), metric));
        }
    }
    return summary;
}

}  // namespace qosim::app
