// Section builders for `costs:` and `targets:`, and the runs.csv metric names that targets and
// run.precision refer to (survey metrics need a sink with a survey).
#include "models/input/builder.hpp"
#include "models/run/metrics.hpp"
#include "models/scenario/did_you_mean.hpp"

namespace qosim::models::detail {

namespace {

/// The metric called `name` in the runs.csv table, or null.
const RunMetric* find_run_metric(std::string_view name) {
    for (const auto& m : run_metrics()) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

}  // namespace

// True when `name` is a runs.csv metric; otherwise reports it (did you mean).
bool ScenarioBuilder::check_metric_name(const std::string& name, const SourceLoc& loc,
                                        const std::string& path, const std::string& list_prefix) {
    if (find_run_metric(name) != nullptr) return true;
    std::vector<std::string_view> metrics;
    std::string all;
    for (const auto& m : run_metrics()) {
        metrics.push_back(m.name);
        all += (all.empty() ? "" : ", ") + std::string(m.name);
    }
    r_.error(loc, path, "unknown metric `" + name + "`",
             suggestion_hint(name, metrics, list_prefix + all));
    return false;
}

// Survey metrics (survey_error_rate ...) exist only when a sink runs a survey.
void ScenarioBuilder::check_survey_metrics() {
    if (survey_written_) return;
    for (const auto& use : survey_metric_uses_) {
        const RunMetric* m = find_run_metric(use.metric);
        if (m == nullptr || m->presence != MetricPresence::survey) continue;
        r_.error(use.loc, use.path,
                 "`" + use.metric +
                     "` is measured only when a sink runs a survey, and no "
                     "sink does",
                 "add `survey: {response_rate: 0.1}` to a sink, or use another metric");
    }
}

void ScenarioBuilder::read_costs() {
    const Cursor costs = at(top_, "costs");
    if (!r_.check_map(costs)) return;
    if (const auto v = r_.number(at(costs, "late_penalty"))) sc_.costs.late_penalty = *v;
    if (const auto v = r_.number(at(costs, "escape_penalty"))) sc_.costs.escape_penalty = *v;
    if (const auto v = r_.number(at(costs, "lost_penalty"))) sc_.costs.lost_penalty = *v;
}

void ScenarioBuilder::read_targets() {
    const Cursor targets = at(top_, "targets");
    if (!r_.check_map(targets) || !targets.node->is_map()) return;
    for (const auto& e : targets.node->entries) {
        const Cursor t = at(targets, e.key);
        const bool known =
            check_metric_name(e.key, e.key_loc, t.path, "targets name runs.csv metrics: ");
        if (known) survey_metric_uses_.push_back({e.key, e.key_loc, t.path});
        if (!r_.check_map(t)) continue;
        const Cursor min_c = at(t, "min");
        const Cursor max_c = at(t, "max");
        Target target{e.key, std::nullopt, std::nullopt, e.key_loc};
        if (min_c.present()) target.min = r_.number(min_c);
        if (max_c.present()) target.max = r_.number(max_c);
        if (!min_c.present() && !max_c.present()) {
            r_.error(e.key_loc, t.path, "a target needs `min` or `max` (or both)",
                     "e.g. " + e.key + ": {max: 0.02}");
        }
        if (target.min && target.max && *target.min > *target.max) {
            r_.error(min_c.loc, min_c.path,
                     "min (" + min_c.node->scalar + ") is above max (" + max_c.node->scalar +
                         "): no result can meet both",
                     "swap them, or drop one");
        }
        if (known) sc_.targets.push_back(std::move(target));
    }
}

}  // namespace qosim::models::detail
