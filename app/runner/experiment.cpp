// Experiment runner: replications on worker threads, results ordered by index, never by completion.
#include "app/runner/experiment.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

#include "models/run/metrics.hpp"
#include "models/run/replication.hpp"
#include "models/run/run_control.hpp"

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
                 const ProgressFn& on_progress, const std::function<void()>& on_tick) {
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
    } catch (const std::system_error& e) {
        // The system refused a thread (a thread or memory limit). With at least one running the
        // work goes on, only slower; the results do not depend on the thread count.
        if (threads.empty() || e.code() != std::errc::resource_unavailable_try_again) {
            queue.failed.store(true);
            for (auto& th : threads) th.join();
            throw;
        }
        std::cerr << "qosim: warning: started " << threads.size() << " of " << n_threads
                  << " worker threads (the system refused more: " << e.what()
                  << "); the results are the same, only slower\n";
    } catch (...) {
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
            if (on_tick) {
                lock.unlock();
                on_tick();
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

namespace detail {

/// Runs replications [first, last) into results[first, last) (already sized); finished[i]
/// is set for each one that ran (all of them unless options.stop was raised).
void run_range(const models::Scenario& scenario, const ExperimentOptions& options,
               std::vector<models::ReplicationResult>& results, std::vector<char>& finished,
               std::size_t first, std::size_t last, std::size_t progress_total) {
    const std::uint64_t seed = scenario.run.seed;
    ProgressFn progress;
    if (options.on_progress) {
        progress = [&](std::size_t done, std::size_t) {
            options.on_progress(first + done, progress_total);
        };
    }
    // How far each replication of the range has come (the run loop stores it); 1 once done.
    std::vector<std::atomic<double>> partial(last - first);
    std::function<void()> tick;
    double shown = 0.0;
    const auto report_partial = [&] {
        double done = static_cast<double>(first);
        for (const auto& p : partial) done += p.load(std::memory_order_relaxed);
        shown = std::max(shown, done);  // non-decreasing, whatever the threads' timing
        options.on_partial_progress(shown, progress_total);
    };
    if (options.on_partial_progress) tick = report_partial;
    run_indexed(
        last - first, options.jobs,
        [&](std::size_t k) {
            const std::size_t i = first + k;
            if (options.stop != nullptr && options.stop->load()) return;
            models::RunOptions run_options;
            if (options.on_partial_progress) run_options.progress = &partial[k];
            run_options.timeseries_window = options.timeseries_window;
            std::unique_ptr<models::TraceSink> sink;
            if (options.open_trace) {
                sink = options.open_trace(i);
                run_options.trace = sink.get();
            }
            auto r = models::run_replication(scenario, i, seed, run_options);
            sink.reset();  // flushed and closed on this thread, before the slot is filled
            r.replication = i;
            r.seed = seed;
            results[i] = std::move(r);  // each slot written by exactly one worker
            finished[i] = 1;
            partial[k].store(1.0, std::memory_order_relaxed);
        },
        progress, tick);
    if (options.on_partial_progress) report_partial();
}

/// The runs.csv metric called `name`; throws std::invalid_argument when there is none.
const models::RunMetric& find_run_metric(std::string_view name) {
    for (const auto& m : models::run_metrics()) {
        if (m.name == name) return m;
    }
    throw std::invalid_argument(std::string("precision: unknown metric ") + std::string(name));
}

bool interrupted(const ExperimentOptions& options) {
    return options.stop != nullptr && options.stop->load();
}

/// After an interruption: only the replications that finished, in index order.
void keep_finished(ExperimentResult& out, const std::vector<char>& finished) {
    std::vector<models::ReplicationResult> kept;
    for (std::size_t i = 0; i < out.results.size(); ++i)
        if (i < finished.size() && finished[i] != 0) kept.push_back(std::move(out.results[i]));
    out.interrupted = kept.size() < out.results.size();
    out.results = std::move(kept);
}

ExperimentResult run_to_precision(const models::Scenario& scenario,
                                  const ExperimentOptions& options) {
    const models::Precision& precision = *scenario.run.precision;
    const models::RunMetric& metric = find_run_metric(precision.metric);
    const auto min_n = static_cast<std::size_t>(std::max(1, scenario.run.replications));
    const auto max_n =
        std::max(min_n, static_cast<std::size_t>(std::max(0, precision.max_replications)));
    const std::size_t wave = std::max(1u, options.jobs);

    ExperimentResult out;
    std::vector<double> values;
    std::optional<std::size_t> needed;
    std::size_t done = 0;
    std::vector<char> finished;
    while (done < max_n) {
        const std::size_t next = std::min(max_n, done == 0 ? std::max(min_n, wave) : done + wave);
        out.results.resize(next);
        finished.resize(next, 0);
        run_range(scenario, options, out.results, finished, done, next, max_n);
        if (interrupted(options)) {
            keep_finished(out, finished);
            if (out.interrupted) return out;
        }
        for (std::size_t i = done; i < next; ++i) values.push_back(out.results[i].*metric.field);
        done = next;
        needed = models::replications_needed(values, precision.half_width, min_n);
        if (needed) break;
    }
    const std::size_t kept = needed.value_or(done);
    out.results.resize(kept);

    PrecisionOutcome p;
    p.metric = precision.metric;
    p.goal = precision.half_width;
    p.reached = needed.has_value();
    p.half_width = models::ci95_half_width(std::span<const double>(values).first(kept));
    p.replications = kept;
    p.min_replications = min_n;
    p.max_replications = max_n;
    p.replications_run = done;
    out.precision = p;
    return out;
}

}  // namespace detail

ExperimentResult run_experiment(const models::Scenario& scenario,
                                const ExperimentOptions& options) {
    if (scenario.run.precision) return detail::run_to_precision(scenario, options);
    const auto reps = static_cast<std::size_t>(std::max(0, scenario.run.replications));
    ExperimentResult out;
    out.results.resize(reps);
    if (reps == 0) {
        if (options.on_progress) options.on_progress(0, 0);
        return out;
    }
    std::vector<char> finished(reps, 0);
    detail::run_range(scenario, options, out.results, finished, 0, reps, reps);
    if (detail::interrupted(options)) detail::keep_finished(out, finished);
    return out;
}

}  // namespace qosim::app
