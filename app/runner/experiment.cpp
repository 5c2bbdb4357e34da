// Experiment runner: replications on worker threads, results ordered by index, never by completion.
#include "app/runner/experiment.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "models/run/replication.hpp"

namespace qosim::app {

namespace detail {

/// Shared state of one run_indexed call.
struct WorkQueue {
    explicit WorkQueue(std::size_t n) : count(n), errors(n) {}

    const std::size_t count;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::exception_ptr> errors;  // by index; each slot written by one worker only

    std::mutex mutex;  // guards `done` together with `cv`
    std::condition_variable cv;
    std::size_t done = 0;

    void work(const std::function<void(std::size_t)>& task) {
        while (!failed.load(std::memory_order_acquire)) {
            const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= count) break;
            try {
                task(i);
            } catch (...) {
                errors[i] = std::current_exception();
                failed.store(true, std::memory_order_release);
            }
            {
                const std::lock_guard lock(mutex);
                ++done;
            }
            cv.notify_one();
        }
    }
};

}  // namespace detail

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

void run_indexed(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& task,
                 const ProgressFn& on_progress) {
    if (count == 0) {
        if (on_progress) on_progress(0, 0);
        return;
    }
    detail::WorkQueue queue(count);
    const std::size_t n_threads = std::clamp<std::size_t>(jobs, 1, count);
    std::vector<std::thread> threads;
    threads.reserve(n_threads);
    try {
        for (std::size_t t = 0; t < n_threads; ++t) {
            threads.emplace_back([&queue, &task] { queue.work(task); });
        }
    } catch (...) {
        // Could not start a thread: let the ones running drain the queue, then report.
        queue.failed.store(true);
        for (auto& th : threads) th.join();
        throw;
    }

    // The main thread only watches: progress is drawn here, never by a worker.
    {
        std::unique_lock lock(queue.mutex);
        std::size_t shown = static_cast<std::size_t>(-1);
        while (queue.done < count && !queue.failed.load()) {
            if (on_progress && queue.done != shown) {
                shown = queue.done;
                lock.unlock();
                on_progress(shown, count);
                lock.lock();
            }
            queue.cv.wait_for(lock, std::chrono::milliseconds(200));
        }
    }
    for (auto& th : threads) th.join();

    for (const auto& error : queue.errors) {
        if (error) std::rethrow_exception(error);  // the lowest failing index
    }
    if (on_progress) on_progress(count, count);
}

std::vector<models::ReplicationResult> run_experiment(const models::Scenario& scenario,
                                                      const ExperimentOptions& options) {
    const auto reps = static_cast<std::size_t>(std::max(0, scenario.run.replications));
    std::vector<models::ReplicationResult> results(reps);
    const std::uint64_t seed = scenario.run.seed;
    run_indexed(
        reps, options.jobs,
        [&](std::size_t i) {
            auto r = models::run_replication(scenario, i, seed);
            r.replication = i;
            r.seed = seed;
            results[i] = std::move(r);  // each slot written by exactly one worker
        },
        options.on_progress);
    return results;
}

}  // namespace qosim::app
