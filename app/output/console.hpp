// Terminal output: the post-run summary, the `check` report and the progress bar.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "app/output/summary.hpp"
#include "app/runner/run_outcome.hpp"
#include "models/graph/absorbing_chain.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/graph/promise_analysis.hpp"
#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// The readable summary printed after `qosim run`: scenario, run settings (the warm-up chosen,
/// the precision reached), key metrics as "mean ± 95 % CI half-width" with units, the
/// customer-facing error split with its attribution to stages (and the survey estimate),
/// internal errors, cost by category and cost of quality, per-product and per-stage
/// replication means, target verdicts and the files written. `scenario` is the scenario as run.
std::string render_run_report(const models::Scenario& scenario, const Summary& summary,
                              const std::vector<std::filesystem::path>& files,
                              const RunOutcome& outcome = {});

/// The `qosim check` report: stages by type, routes, the static flow analysis table (arrival
/// rate, utilisation and load per stage with its verdict: high load, at the edge, SATURATED,
/// OVERLOADED) and the quality analysis of the absorbing chain (outcome probabilities per
/// order, expected scraps, reworks and visits per stage).
std::string render_check_report(const models::Scenario& scenario, const models::FlowAnalysis& flow,
                                const models::QualityAnalysis& quality);

/// The promise part of the `qosim check` report (printed after render_check_report): per
/// product and overall, the share of orders that the delays on their paths alone make late
/// (a lower bound, exact where it can be), and the targets that the static figures already
/// decide. Empty when there is nothing to say (no due dates and no such targets).
std::string render_promise_report(const models::Scenario& scenario,
                                  const models::PromiseAnalysis& promises);

/// One warning per target the static figures make impossible and per fault outside the
/// observed window (without "qosim: warning: "; faults with their file:line:column).
std::vector<std::string> promise_warnings(const models::Scenario& scenario,
                                          const models::PromiseAnalysis& promises);

/// The warnings of `run` from its replications (without "qosim: warning: "): WIP still
/// growing at the end (the trend test of models/run/wip_trend), stations at >= 99 %
/// utilisation, and, when either fires, where the orders sat when the run ended (queued,
/// in service, blocked, in transit; the stages holding most). Empty when all is well.
std::vector<std::string> run_warnings(const models::Scenario& scenario, const Summary& summary,
                                      const std::vector<models::ReplicationResult>& results);

/// Names of the stations in `flow` that cannot keep up (empty when none).
std::vector<std::string> saturated_stages(const models::Scenario& scenario,
                                          const models::FlowAnalysis& flow);

/// One warning per station whose load deserves one (without "qosim: warning: "): high load,
/// at the edge of capacity (estimates), saturated (unbounded queue: grows without bound) or
/// overloaded with a bounded queue (blocks its senders; orders balk at a first stage).
std::vector<std::string> check_warnings(const models::Scenario& scenario,
                                        const models::FlowAnalysis& flow);

/// A one-line progress bar with ETA, redrawn in place with '\r'. Draws nothing when disabled
/// (stderr is not a terminal, or --quiet). Not thread-safe: drive it from one thread.
class ProgressBar {
public:
    /// `out` is normally std::cerr. `unit` names what is counted; `baseline` of them were
    /// done before this bar started (a resumed sweep), so they do not speed up the ETA.
    ProgressBar(std::ostream& out, bool enabled, std::string unit = "replications",
                std::size_t baseline = 0);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Redraws the bar for `done` of `total` finished tasks.
    void update(std::size_t done, std::size_t total);
    /// The same with a fractional count: replications still running count by how far they
    /// have come, so one long replication moves the bar too.
    void update_partial(double done, std::size_t total);
    /// Erases the bar (idempotent).
    void finish();

private:
    std::ostream& out_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::string unit_;
    std::size_t baseline_ = 0;
};

/// "12.3 %"-style helpers used by the reports, exposed for tests: `x` with `decimals` digits
/// after the point, fixed notation, "." decimal point; "-" for NaN.
std::string fixed(double x, int decimals);

/// `x` with `digits` significant digits in the shortest of fixed and scientific notation
/// ("0.010989", "1.5e-07"); "-" for NaN.
std::string significant(double x, int digits);

}  // namespace qosim::app
