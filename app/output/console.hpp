// Terminal output: the post-run summary, the `check` report and the progress bar.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "app/output/summary.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// The readable summary printed after `qosim run`: scenario, run settings, key metrics as
/// "mean ± 95 % CI half-width" with units, per-stage replication means, target verdicts and
/// the files written.
std::string render_run_report(const models::Scenario& scenario, const Summary& summary,
                              const std::vector<std::filesystem::path>& files);

/// The `qosim check` report: stages by type, routes, and the static flow analysis table
/// (arrival rate and utilisation per stage, SATURATED when utilisation >= 1).
std::string render_check_report(const models::Scenario& scenario, const models::FlowAnalysis& flow);

/// Names of the stations whose utilisation in `flow` is >= 1 (empty when none).
std::vector<std::string> saturated_stages(const models::Scenario& scenario,
                                          const models::FlowAnalysis& flow);

/// A one-line progress bar with ETA, redrawn in place with '\r'. Draws nothing when disabled
/// (stderr is not a terminal, or --quiet). Not thread-safe: drive it from one thread.
class ProgressBar {
public:
    /// `out` is normally std::cerr.
    ProgressBar(std::ostream& out, bool enabled);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Redraws the bar for `done` of `total` finished tasks.
    void update(std::size_t done, std::size_t total);
    /// Erases the bar (idempotent).
    void finish();

private:
    std::ostream& out_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
};

/// "12.3 %"-style helpers used by the reports, exposed for tests: `x` with `decimals` digits
/// after the point, fixed notation, "." decimal point; "-" for NaN.
std::string fixed(double x, int decimals);

}  // namespace qosim::app
