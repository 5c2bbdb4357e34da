// report.html of `compare` and `sweep`: the what-if results as one self-contained page.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "app/output/whatif_csv.hpp"
#include "app/runner/whatif.hpp"
#include "models/run/selection.hpp"
#include "models/scenario/design.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// The section ids of compare's report.html, in page order.
inline constexpr const char* kCompareReportSections[] = {"differences", "selection"};

/// The section ids of sweep's report.html, in page order.
inline constexpr const char* kSweepReportSections[] = {"response", "heatmap", "pareto"};

/// compare: each variant's paired difference from the base with its 95 % CI per key metric,
/// and with --select (`selection` not null) the selection's verdict per variant.
std::string compare_report_html(const models::Scenario& base,
                                std::span<const VariantComparison> variants,
                                const std::vector<WhatIfPoint>& points,
                                const models::SelectionResult* selection,
                                const std::vector<std::string>& reasons);

/// sweep: response curves of the key metrics over each parameter, a heat map over the first
/// two parameters, and cost per order against customer error rate with the Pareto front and
/// the feasible points.
std::string sweep_report_html(const models::Scenario& base, const models::SweepDesign& design,
                              std::span<const PointSummary> summaries);

}  // namespace qosim::app
