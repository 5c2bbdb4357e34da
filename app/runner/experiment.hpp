// Experiment runner: replications on worker threads, results ordered by index, never by completion.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// Called on the calling (main) thread with (finished, total) while work runs, and once more
/// when everything has finished. Never called from a worker thread.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

/// How to run an experiment.
struct ExperimentOptions {
    unsigned jobs = 1;       ///< worker threads (>= 1; capped at the number of tasks)
    ProgressFn on_progress;  ///< optional
};

/// Runs task(0) .. task(count-1) on `jobs` threads. Workers claim indices from an atomic
/// counter; after a task throws no new index is claimed, and once all threads have joined the
/// exception of the lowest failing index is rethrown (deterministic: every index below a
/// failing one was already claimed). `task` must be safe to call concurrently and must not
/// print. Blocks until done; `on_progress` runs on the calling thread.
void run_indexed(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& task,
                 const ProgressFn& on_progress = {});

/// Runs replications 0 .. scenario.run.replications-1 with models::run_replication and
/// seed = scenario.run.seed (the replication index keys the random streams). The result
/// vector is indexed by replication, so it does not depend on `jobs` or completion order.
std::vector<models::ReplicationResult> run_experiment(const models::Scenario& scenario,
                                                      const ExperimentOptions& options);

/// Default worker count: std::thread::hardware_concurrency(), at least 1.
unsigned default_jobs();

}  // namespace qosim::app
