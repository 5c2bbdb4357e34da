// What-if tasks: (point, replication) pairs of a compare or a sweep, run on worker threads with
// common random numbers, each point's scenario loaded once while its tasks run.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/runner/experiment.hpp"
#include "models/input/load.hpp"
#include "models/scenario/design.hpp"

namespace qosim::app {

/// One configuration of a what-if: the base scenario, a named variant or a sweep point.
struct WhatIfPoint {
    std::string label;                      ///< "base", the variant's name, "point 7"
    std::vector<models::Setting> settings;  ///< applied before the --set overrides
};

/// One (point, replication) task.
struct Task {
    std::size_t point = 0;
    std::size_t replication = 0;
    friend bool operator==(const Task&, const Task&) = default;
    friend auto operator<=>(const Task&, const Task&) = default;
};

/// The result of one finished task: every models::run_metrics() value, in that table's order
/// (survey metrics included, whether or not they are written).
struct TaskRow {
    Task task;
    std::vector<double> values;
};

/// A point that could not be run: its scenario did not load with its settings, or a
/// replication stopped with an error. Its remaining tasks are skipped; the others still run.
struct PointFailure {
    Task task;  ///< the failing task (the lowest one, when several failed)
    std::string message;
};

/// How to run a list of tasks.
struct WhatIfOptions {
    unsigned jobs = 1;
    ProgressFn on_progress;  ///< (tasks finished or skipped, total), on the calling thread
    /// Checked before each task starts: once true, no new task starts (the ones running
    /// finish and are reported). Usually the SIGINT/SIGTERM flag.
    const std::atomic<bool>* stop = nullptr;
    /// Called once per finished task, serialised (never concurrently), from a worker thread;
    /// the journal's append. An exception thrown here stops the run and is rethrown.
    std::function<void(const TaskRow&)> on_row;
};

/// What came back: the finished rows sorted by task, and the points that failed.
struct WhatIfOutcome {
    std::vector<TaskRow> rows;
    std::vector<PointFailure> failures;  ///< sorted by point; the failure of the lowest task
    bool interrupted = false;            ///< `stop` was raised before every task ran
};

namespace detail {
class PointCache;
}

/// The points' scenarios, each loaded (with its warm-up chosen) the first time a task needs
/// it. With `keep_loaded` false a point is dropped once run_tasks has finished its last task,
/// so memory is bounded by the tasks in flight; true keeps every point (a selection calls
/// run_tasks once per replication round and must not reload).
class PointScenarios {
public:
    PointScenarios(const models::ScenarioFile& file, const std::vector<std::string>& overrides,
                   const std::vector<WhatIfPoint>& points, bool keep_loaded);
    ~PointScenarios();
    PointScenarios(const PointScenarios&) = delete;
    PointScenarios& operator=(const PointScenarios&) = delete;

    [[nodiscard]] const std::vector<WhatIfPoint>& points() const;
    detail::PointCache& cache() { return *cache_; }

private:
    std::unique_ptr<detail::PointCache> cache_;
};

/// Loads each point's scenario (file.load(overrides, point.settings), the warm-up chosen by
/// MSER-5 for `warmup: auto`) and the scenario's seed keys every replication's streams, so
/// replication r of every point shares its random numbers with the base (CRN). Points are
/// kept loaded only while they have tasks left. The rows do not depend on `jobs`.
WhatIfOutcome run_tasks(PointScenarios& scenarios, const std::vector<Task>& tasks,
                        const WhatIfOptions& options);

/// The outcome of finished rows and failures, in any order: the lowest failure of each point
/// kept, a failed point's rows dropped, the rows sorted by task.
WhatIfOutcome collect_outcome(std::vector<TaskRow> rows, std::vector<PointFailure> failures,
                              bool interrupted);

/// Runs one task on the calling thread (an MPI worker's unit of work): its row, or the message
/// of the error that stopped it. Keeps only this task's point loaded.
std::variant<TaskRow, std::string> run_task(PointScenarios& scenarios, const Task& task);

/// The values of `result` as a TaskRow's values.
std::vector<double> row_values(const models::ReplicationResult& result);

}  // namespace qosim::app
