// What a run decided beyond its results: the warm-up chosen, the precision reached, the extras.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace qosim::app {

/// The outcome of the `precision:` rule (SPEC §2): replications were added until the 95 % CI
/// half-width of `metric` reached `goal`, or until `max_replications`.
struct PrecisionOutcome {
    std::string metric;                ///< a runs.csv column
    double goal = 0.0;                 ///< the half-width asked for, in the metric's unit
    bool reached = false;              ///< false: stopped at max_replications
    double half_width = 0.0;           ///< the half-width of the replications kept
    std::size_t replications = 0;      ///< replications kept (the smallest count meeting the goal)
    std::size_t min_replications = 0;  ///< run.replications (or --reps)
    std::size_t max_replications = 0;
    std::size_t replications_run = 0;  ///< simulated, incl. any of the last wave not kept
};

/// How a run was made, for run_info.csv and the console; the scenario holds the rest.
struct RunOutcome {
    bool warmup_auto = false;  ///< the warm-up was chosen by MSER-5 (`warmup: auto`)
    std::optional<PrecisionOutcome> precision;
    std::optional<double> timeseries_window;  ///< --timeseries WINDOW (time units)
    std::optional<std::string> trace_file;    ///< --trace FILE
    bool interrupted = false;  ///< stopped by SIGINT/SIGTERM: only the finished replications
};

}  // namespace qosim::app
