// What-if tasks: (point, replication) pairs run on worker threads with common random numbers.
#include "app/runner/whatif.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "models/run/metrics.hpp"
#include "models/run/replication.hpp"
#include "models/run/run_control.hpp"

namespace qosim::app {

std::vector<double> row_values(const models::ReplicationResult& result) {
    std::vector<double> values;
    values.reserve(models::run_metrics().size());
    for (const auto& m : models::run_metrics()) values.push_back(result.*m.field);
    return values;
}

namespace detail {

/// A point's scenario, loaded by the first of its tasks to need it.
struct LoadedPoint {
    std::once_flag once;
    std::shared_ptr<const models::Scenario> scenario;
    std::string error;  ///< non-empty: the point does not load
    /// The lowest replication of the point that failed so far (none: SIZE_MAX). Only higher
    /// replications are skipped, so the lowest failing one always runs and is the one
    /// reported, whatever the thread count.
    std::atomic<std::size_t> failed_replication{static_cast<std::size_t>(-1)};
    std::size_t remaining;  ///< tasks of this point not yet finished
};

/// The points in play, each loaded once; without keep_loaded dropped when its last task of
/// the current run_tasks call has finished.
class PointCache {
public:
    PointCache(const models::ScenarioFile& file, const std::vector<std::string>& overrides,
               const std::vector<WhatIfPoint>& points, bool keep_loaded)
        : file_(file), overrides_(overrides), points_(points), keep_(keep_loaded) {}

    /// Counts the tasks of each point in this round (for dropping points when done).
    void plan(const std::vector<Task>& tasks) {
        const std::lock_guard lock(mutex_);
        counts_.clear();
        for (const Task& t : tasks) ++counts_[t.point];
        for (auto& [p, slot] : live_) slot->remaining = counts_[p];
    }

    std::shared_ptr<LoadedPoint> acquire(std::size_t point) {
        std::shared_ptr<LoadedPoint> slot;
        {
            const std::lock_guard lock(mutex_);
            auto& entry = live_[point];
            if (!entry) {
                entry = std::make_shared<LoadedPoint>();
                entry->remaining = counts_[point];
            }
            slot = entry;
        }
        std::call_once(slot->once, [&] { load(point, *slot); });
        return slot;
    }

    void release(std::size_t point) {
        const std::lock_guard lock(mutex_);
        const auto it = live_.find(point);
        if (it != live_.end() && --it->second->remaining == 0 && !keep_) live_.erase(it);
    }

    [[nodiscard]] const std::vector<WhatIfPoint>& points() const { return points_; }

    /// Drops every loaded point but `point`.
    void retain_only(std::size_t point) {
        const std::lock_guard lock(mutex_);
        std::erase_if(live_, [point](const auto& entry) { return entry.first != point; });
    }

private:
    void load(std::size_t point, LoadedPoint& slot) const {
        try {
            auto sc =
                std::make_shared<models::Scenario>(file_.load(overrides_, points_[point].settings));
            if (sc->run.warmup_auto) sc->run.warmup = models::choose_warmup(*sc);
            slot.scenario = std::move(sc);
        } catch (const std::exception& e) {
            slot.error = e.what();
        }
    }

    const models::ScenarioFile& file_;
    const std::vector<std::string> overrides_;
    const std::vector<WhatIfPoint> points_;
    const bool keep_;
    std::map<std::size_t, std::size_t> counts_;
    std::mutex mutex_;
    std::map<std::size_t, std::shared_ptr<LoadedPoint>> live_;
};

}  // namespace detail

PointScenarios::PointScenarios(const models::ScenarioFile& file,
                               const std::vector<std::string>& overrides,
                               const std::vector<WhatIfPoint>& points, bool keep_loaded)
    : cache_(std::make_unique<detail::PointCache>(file, overrides, points, keep_loaded)) {}

PointScenarios::~PointScenarios() = default;

const std::vector<WhatIfPoint>& PointScenarios::points() const { return cache_->points(); }

WhatIfOutcome run_tasks(PointScenarios& scenarios, const std::vector<Task>& tasks,
                        const WhatIfOptions& options) {
    detail::PointCache& cache = scenarios.cache();
    cache.plan(tasks);
    std::vector<std::optional<TaskRow>> rows(tasks.size());
    std::vector<std::string> errors(tasks.size());  // by task; each slot written by one worker
    std::mutex row_mutex;                           // serialises on_row
    std::atomic<bool> interrupted{false};

    run_indexed(
        tasks.size(), options.jobs,
        [&](std::size_t i) {
            if (options.stop != nullptr && options.stop->load()) {
                interrupted.store(true);
                return;
            }
            const Task& task = tasks[i];
            const auto slot = cache.acquire(task.point);
            std::optional<TaskRow> row;
            std::string error = slot->error;
            if (error.empty() && task.replication < slot->failed_replication.load()) {
                try {
                    const models::Scenario& sc = *slot->scenario;
                    row = TaskRow{task, row_values(models::run_replication(sc, task.replication,
                                                                           sc.run.seed, {}))};
                } catch (const std::exception& e) {
                    error = e.what();
                    // Higher replications of the point are skipped from now on.
                    auto seen = slot->failed_replication.load();
                    while (
                        task.replication < seen &&
                        !slot->failed_replication.compare_exchange_weak(seen, task.replication)) {
                    }
                }
            }
            cache.release(task.point);
            if (!error.empty()) {
                errors[i] = std::move(error);
                return;
            }
            if (!row) return;  // skipped: a lower replication of this point failed
            if (options.on_row) {
                const std::lock_guard lock(row_mutex);
                options.on_row(*row);  // may throw (disk full): run_indexed rethrows it
            }
            rows[i] = std::move(row);
        },
        options.on_progress);

    std::vector<TaskRow> done;
    std::vector<PointFailure> failures;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        if (rows[i]) done.push_back(std::move(*rows[i]));
        if (!errors[i].empty()) failures.push_back({tasks[i], errors[i]});
    }
    return collect_outcome(std::move(done), std::move(failures), interrupted.load());
}

WhatIfOutcome collect_outcome(std::vector<TaskRow> rows, std::vector<PointFailure> failures,
                              bool interrupted) {
    WhatIfOutcome out;
    out.interrupted = interrupted;
    std::sort(failures.begin(), failures.end(),
              [](const PointFailure& a, const PointFailure& b) { return a.task < b.task; });
    std::set<std::size_t> failed;
    for (auto& f : failures)
        if (failed.insert(f.task.point).second) out.failures.push_back(std::move(f));
    // A failed point keeps none of its rows, whichever of its replications happened to run.
    for (auto& r : rows)
        if (!failed.contains(r.task.point)) out.rows.push_back(std::move(r));
    std::sort(out.rows.begin(), out.rows.end(),
              [](const TaskRow& a, const TaskRow& b) { return a.task < b.task; });
    return out;
}

std::variant<TaskRow, std::string> run_task(PointScenarios& scenarios, const Task& task) {
    detail::PointCache& cache = scenarios.cache();
    cache.retain_only(task.point);
    const auto slot = cache.acquire(task.point);
    if (!slot->error.empty()) return slot->error;
    try {
        const models::Scenario& sc = *slot->scenario;
        return TaskRow{task,
                       row_values(models::run_replication(sc, task.replication, sc.run.seed, {}))};
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
}

}  // namespace qosim::app
