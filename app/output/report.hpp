// report.html: one self-contained page (inline CSS and SVG, no script, no network) with the
// run's results as charts, written with the CSV files of `qosim run`.
#pragma once

#include <span>
#include <string>

#include "app/output/summary.hpp"
#include "app/runner/run_outcome.hpp"
#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// The section ids of report.html, in page order (the browser test looks for each).
inline constexpr const char* kReportSections[] = {"targets",   "metrics", "pipeline",  "errors",
                                                  "lead-time", "cost",    "timeseries"};

/// The page for a run: targets with their CIs, MORE-style plots of the key metrics, the
/// annotated pipeline, error attribution, the lead-time distribution, cost and cost of quality,
/// and the time series (with --timeseries). A pure function of its arguments: the same results
/// give the same bytes.
std::string report_html(const models::Scenario& scenario,
                        std::span<const models::ReplicationResult> results, const Summary& summary,
                        const RunOutcome& outcome);

}  // namespace qosim::app
