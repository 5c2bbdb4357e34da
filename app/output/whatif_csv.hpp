// The what-if tables: sweep.csv, sweep_summary.csv, compare.csv and selection.csv.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/output/summary.hpp"
#include "app/runner/whatif.hpp"
#include "models/run/selection.hpp"
#include "models/scenario/design.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// One design point's summary over its replications, as sweep_summary.csv reports it.
struct PointSummary {
    std::size_t point = 0;
    std::size_t replications = 0;
    std::vector<MetricSummary> metrics;  ///< summarize_rows order; empty for a failed point
    TargetStatus feasible = TargetStatus::undecided;  ///< every target met on its CI
    bool pareto = false;    ///< not dominated on cost per order and customer error rate
    bool selected = false;  ///< the lowest objective mean among the feasible points
    std::string error;      ///< the point failed: why
};

/// Summarises every point of `points` from `rows` (sorted by task; a failed point has none).
/// Feasible: yes when every target's verdict is yes (also without targets), no when one is
/// no, else undecided. Pareto: judged on cost_per_order and customer_error_rate means, both
/// minimised, among the points that ran and delivered orders. Selected: the feasible point
/// with the lowest mean of `objective` (lowest point index on a tie) among those that
/// delivered orders; none when no point qualifies.
std::vector<PointSummary> summarize_points(const models::Scenario& base, std::size_t points,
                                           std::span<const TaskRow> rows,
                                           std::span<const PointFailure> failures,
                                           const std::string& objective);

/// sweep.csv: `point`, one column per swept path, `replication, seed`, then the runs.csv
/// metrics; one row per task, sorted by point then replication.
std::string sweep_csv(const models::Scenario& base, const models::SweepDesign& design,
                      std::span<const TaskRow> rows);

/// sweep_summary.csv: `point`, the swept paths, `<metric>_mean, <metric>_ci95` (the CI's
/// half-width) per metric, `feasible, pareto, selected`, then `replications, error`.
std::string sweep_summary_csv(const models::Scenario& base, const models::SweepDesign& design,
                              std::span<const PointSummary> summaries);

/// One variant's paired comparison with the base on one metric.
struct Comparison {
    std::string metric;
    std::string unit;
    bool is_count = false;
    std::size_t n = 0;         ///< the variant's replications (where the metric is defined)
    std::size_t n_paired = 0;  ///< replications both the variant and the base ran (and
                               ///< where the metric is defined on both sides)
    double mean = 0.0;         ///< the variant's mean over its n replications
    double base_mean = 0.0;    ///< the base's mean over all of its replications
    double diff = 0.0;         ///< mean of (variant - base), paired by replication
    double diff_low = 0.0;     ///< 95 % Student-t CI of the paired difference
    double diff_high = 0.0;
    double crn_variance_ratio = 0.0;  ///< var(diff) / (var(variant) + var(base)); NaN if 0/0
    /// The CI excludes 0.
    [[nodiscard]] bool significant() const { return diff_low > 0.0 || diff_high < 0.0; }
};

/// A compared variant: its label and one Comparison per run metric present.
struct VariantComparison {
    std::string label;
    bool base = false;
    std::vector<Comparison> metrics;
    std::string error;  ///< the variant failed: why (no metrics)
};

/// Pairs each point's rows with point 0's (the base) by replication index.
std::vector<VariantComparison> compare_points(const models::Scenario& base,
                                              const std::vector<WhatIfPoint>& points,
                                              std::span<const TaskRow> rows,
                                              std::span<const PointFailure> failures);

/// compare.csv: `variant, metric, mean, diff_vs_base, diff_ci95_low, diff_ci95_high,
/// crn_variance_ratio`, then `unit, n, n_paired`; the base's rows have empty difference cells.
std::string compare_csv(std::span<const VariantComparison> variants);

/// selection.csv: `variant, feasible, replications, eliminated_at, reason, selected`.
std::string selection_csv(const std::vector<WhatIfPoint>& points,
                          const models::SelectionResult& result,
                          const std::vector<std::string>& reasons);

}  // namespace qosim::app
