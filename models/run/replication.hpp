// run_replication: the pure function from (scenario, replication, seed) to its results.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// How the engine uses random numbers. The same scenario and seed give the same results only
/// under the same stream version; every change of which draws are made, from which stream, in
/// which order, bumps it (and regenerates the golden outputs in the same commit).
///  1  qosim 0.1.0
///  2  a remade unit draws a fresh route from its source's routing stream (it used to restart
///     at its first stage); initial WIP draws no route; routes of probability 0 are left out
///     of the tables, so a stage with one route of positive probability draws nothing.
///  3  draws take their logarithms (exponential and Weibull inversion, the normal's polar
///     method, the gamma's acceptance test) from sim::portable_log instead of std::log: the
///     same uniforms, values within 1 ulp of before, but not always the same bits; and
///     exponential and Weibull draws take -ln U from a batch of eight per stream, so a stream
///     that also serves another kind of draw (a breakdown clock with an exponential time
///     between failures and a lognormal repair) consumes its uniforms in another order.
inline constexpr int kStreamVersion = 3;

/// A run stopped by a safety limit (max_wip, max_events). Exit code 1.
class RunLimitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One line of the opt-in order-level trace.
struct TraceRecord {
    double time;
    std::uint64_t order;  ///< order number within the replication (creation order)
    std::uint32_t stage;  ///< index into Scenario::stages; kNoTraceStage when none
    const char* event;    ///< created, initial_wip, arrive, start, done, blocked, defect,
                          ///< detected, false_alarm, repaired, scrapped, remade, delivered,
                          ///< lost, cancelled
};
inline constexpr std::uint32_t kNoTraceStage = 0xFFFFFFFFu;

/// Receives trace records of one replication, in event order. Implemented by the app.
class TraceSink {
public:
    virtual ~TraceSink() = default;
    virtual void record(const TraceRecord& r) = 0;
};

/// At most this many `--timeseries` windows per replication (memory is per window). With a
/// horizon the command line refuses more before the run; with run.orders the end is known only
/// at the end, so the engine stops with a RunLimitError when one more window would pass it.
inline constexpr std::size_t kMaxTimeseriesWindows = 1'000'000;

/// Per-run options that are not part of the scenario.
struct RunOptions {
    double timeseries_window = 0.0;  ///< > 0: fill ReplicationResult::windows (at most
                                     ///< kMaxTimeseriesWindows + 1: a last sliver of rounding)
    bool record_lead_times = false;  ///< fill ReplicationResult::lead_time_batches (warm-up search)
    TraceSink* trace = nullptr;      ///< receives every order event (observer; may be null)
    /// Optional: every 4096 events the run loop stores how far the replication has come, in
    /// [0, 1] (simulated time / horizon, or concluded / run.orders), for a progress bar.
    /// Only observes: the results do not depend on it.
    std::atomic<double>* progress = nullptr;
};

/// Simulates one replication. Pure: the result depends only on the arguments (a trace sink
/// only observes), so replications may run on any thread in any order. Random streams are
/// keyed by (seed, replication, stage name, purpose).
ReplicationResult run_replication(const Scenario& scenario, std::uint64_t replication,
                                  std::uint64_t seed, const RunOptions& options = {});

}  // namespace qosim::models
