// Experiment runner: replications on worker threads, results ordered by index, never by completion.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "app/runner/run_outcome.hpp"
#include "models/run/replication.hpp"
#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// Called on the calling (main) thread with (finished, total) while work runs, and once more
/// when everything has finished. Never called from a worker thread.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

/// The same with the replications still running counted by how far they have come (by
/// simulated time): `done` in [0, total], non-decreasing. Called on the calling thread about
/// five times a second while work runs, and with done == total at the end.
using PartialProgressFn = std::function<void(double done, std::size_t total)>;

/// Opens the trace sink of one replication (called on a worker thread, once per replication;
/// the sink is destroyed on that thread as soon as the replication returns).
using TraceOpener = std::function<std::unique_ptr<models::TraceSink>(std::size_t replication)>;

/// How to run an experiment.
struct ExperimentOptions {
    unsigned jobs = 1;       ///< worker threads (>= 1; capped at the number of tasks)
    ProgressFn on_progress;  ///< optional
    PartialProgressFn on_partial_progress;  ///< optional: progress inside replications
    double timeseries_window = 0.0;         ///< > 0: fill ReplicationResult::windows
    TraceOpener open_trace;                 ///< optional: trace every replication
    /// Optional: once raised (SIGINT/SIGTERM), no new replication starts; the ones running
    /// finish and are kept.
    const std::atomic<bool>* stop = nullptr;
};

/// The replications kept, and how the precision rule ended (with `precision:`).
struct ExperimentResult {
    /// In replication order; indexed by replication unless interrupted (then the finished
    /// ones only, each with its ReplicationResult::replication).
    std::vector<models::ReplicationResult> results;
    std::optional<PrecisionOutcome> precision;
    bool interrupted = false;  ///< `stop` was raised before every replication ran
};

/// Runs task(0) .. task(count-1) on `jobs` threads. Workers claim indices from an atomic
/// counter; after a task throws no new index is claimed, and once all threads have joined the
/// exception of the lowest failing index is rethrown (deterministic: every index below a
/// failing one was already claimed). `task` must be safe to call concurrently and must not
/// print. Blocks until done; `on_progress` runs on the calling thread, and so does `on_tick`,
/// at every wake-up of the watching loop (about five times a second) while tasks run.
void run_indexed(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& task,
                 const ProgressFn& on_progress = {}, const std::function<void()>& on_tick = {});

/// Runs replications with models::run_replication and seed = scenario.run.seed (the
/// replication index keys the random streams). The result vector is indexed by replication,
/// so it does not depend on `jobs` or completion order.
///
/// Without `precision:`: replications 0 .. run.replications-1.
/// With `precision: {metric, half_width, max_replications}` (run.replications = the minimum):
/// replications run in waves of max(jobs, 1) new indices (the first wave at least the
/// minimum) until models::replications_needed() over the values of `metric` so far returns
/// n; exactly the first n results are kept, the smallest count that meets the goal, so the
/// result does not depend on `jobs` either. At max_replications it stops with all of them
/// and reports the goal as not reached.
ExperimentResult run_experiment(const models::Scenario& scenario, const ExperimentOptions& options);

/// Default worker count: std::thread::hardware_concurrency(), at least 1.
unsigned default_jobs();

}  // namespace qosim::app
