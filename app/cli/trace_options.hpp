// `run --trace FILE` options: --trace-reps LIST and --trace-window FROM:TO, and the size
// estimate that warns before a trace of more than 1 GB is written.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/output/trace.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// "0,2-4" -> {0,0},{2,4}: replication numbers and inclusive ranges, comma-separated. Throws
/// UsageError naming --trace-reps on anything else (an empty item, a descending range).
[[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> parse_trace_reps(
    const std::string& text);

/// "100:500" -> {100, 500} in simulated time (the scenario's time unit); an empty side is
/// open ("100:" = from 100 on). Throws UsageError unless 0 <= FROM < TO.
[[nodiscard]] std::pair<double, double> parse_trace_window(const std::string& text);

/// The selection of `run` (empty without --trace). Throws UsageError when --trace-reps or
/// --trace-window is given without --trace, or a listed replication is not run.
[[nodiscard]] TraceSelection trace_selection(const RunOptions& opt,
                                             const models::Scenario& scenario);

/// What a trace is expected to hold: rows from the expected rates of the events that write a
/// row (static flow analysis: creations, arrivals, starts and ends of service, deliveries),
/// times the selected replications and window, and a row's typical length.
struct TraceEstimate {
    double rows = 0.0;
    double bytes_per_row = 0.0;
    [[nodiscard]] double bytes() const { return rows * bytes_per_row; }
};

[[nodiscard]] TraceEstimate estimate_trace(const models::Scenario& scenario,
                                           const TraceSelection& selection);

/// Traces estimated above this many bytes get a warning before they are written.
inline constexpr double kTraceWarnBytes = 1e9;

/// The warning for `file` when the estimate is above kTraceWarnBytes; none otherwise. The run
/// goes on (the trace was asked for; Ctrl-C stops it and removes the parts).
[[nodiscard]] std::optional<std::string> trace_size_warning(const std::string& file,
                                                            const TraceEstimate& estimate);

}  // namespace qosim::app
