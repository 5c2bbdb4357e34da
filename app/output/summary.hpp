// Summary over replications: mean, sd, Student-t 95 % CI per metric, and the targets' verdicts.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// Verdict of a target on a metric's 95 % confidence interval.
enum class TargetStatus {
    none,       ///< the metric has no target
    yes,        ///< the whole CI satisfies the target (n < 2: the mean does)
    no,         ///< the whole CI violates it (n < 2: the mean does)
    undecided,  ///< the CI straddles a bound: more replications needed
};

/// summary.csv spelling: "", "yes", "no", "undecided".
std::string_view to_string(TargetStatus status);

/// Mean, spread and 95 % CI of one metric over the replications.
struct MetricSummary {
    std::string name;        ///< the runs.csv column name
    std::string unit;        ///< from the metric table ("time", "share", ...)
    bool is_count = false;   ///< an integer-valued metric
    std::size_t n = 0;       ///< replications where the value is defined (finite)
    double mean = 0.0;       ///< NaN when n == 0
    double sd = 0.0;         ///< sample sd (n-1 denominator); NaN when n < 2
    double ci95_low = 0.0;   ///< mean - t_{0.975,n-1} sd / sqrt(n); NaN when n < 2
    double ci95_high = 0.0;  ///< NaN when n < 2
    std::string target;      ///< "<= 0.02", ">= 0.95", ">= a and <= b"; empty: no target
    TargetStatus target_met = TargetStatus::none;

    /// t_{0.975,n-1} sd / sqrt(n), before a rate's interval is clipped to [0, 1]; NaN when
    /// n < 2.
    double ci95_half_width = 0.0;

    /// CI half-width (unclipped); NaN when n < 2.
    [[nodiscard]] double half_width() const { return ci95_half_width; }
};

/// Everything reported about a set of replications.
struct Summary {
    std::vector<MetricSummary> metrics;  ///< one per models::run_metrics() entry, same order
    /// stage_means[stage][k]: replication mean of models::stage_metrics()[k] at that stage.
    std::vector<std::vector<double>> stage_means;
    /// class_means[product][k]: replication mean of models::class_metrics()[k] for that
    /// product (Scenario::products order; empty without products).
    std::vector<std::vector<double>> class_means;
    /// stage_summaries[stage]: one MetricSummary per models::stage_metrics() entry that applies
    /// to the stage's type (models::stage_metric_applies), in that table's order, over the
    /// replications where the value is defined (finite); shares clipped to [0, 1].
    /// stage_summary.csv.
    std::vector<std::vector<MetricSummary>> stage_summaries;
    /// class_summaries[product]: one MetricSummary per models::class_metrics() entry, as
    /// stage_summaries (Scenario::products order; empty without products). class_summary.csv.
    std::vector<std::vector<MetricSummary>> class_summaries;

    /// The metric called `name`, or nullptr.
    [[nodiscard]] const MetricSummary* find(std::string_view name) const;
    /// True when some target's status is `no` (undecided does not count).
    [[nodiscard]] bool any_target_failed() const;
};

/// Mean, sd and Student-t 95 % CI of `values` (no target filled in); for a share
/// (`is_share`: values in [0, 1]) the interval is clipped to [0, 1] (models::mean_interval95).
MetricSummary summarize_values(std::span<const double> values, bool is_share = false);

/// The target as text: "<= max", ">= min" or ">= min and <= max".
std::string target_text(const models::Target& target);

/// The target's verdict on `m` (uses m.n, m.mean, m.ci95_low, m.ci95_high).
TargetStatus target_status(const models::Target& target, const MetricSummary& m);

/// True when some sink of `scenario` runs a customer survey (the survey columns are written).
bool has_survey(const models::Scenario& scenario);

/// Summarises every run metric of `results` present for the scenario (survey metrics only
/// with a survey: models::metric_present) over the replications where it is defined (a lead
/// time without deliveries is NaN and left out) and checks the scenario's targets.
Summary summarize(const models::Scenario& scenario,
                  std::span<const models::ReplicationResult> results);

/// The run metrics of summarize() from what-if rows: rows[r] holds replication r's values of
/// every models::run_metrics() entry, in that table's order.
std::vector<MetricSummary> summarize_rows(const models::Scenario& scenario,
                                          std::span<const std::vector<double>* const> rows);

}  // namespace qosim::app
