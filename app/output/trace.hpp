// `--trace FILE`: per-replication part files written by the workers, joined atomically at the end.
#pragma once

#include <cstddef>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "models/run/replication.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// The header of the trace CSV.
inline constexpr const char* kTraceHeader = "replication,time,order,stage,event\n";

/// Which rows a trace keeps: --trace-reps (replication ranges) and --trace-window (simulated
/// time). The default keeps everything.
struct TraceSelection {
    /// Inclusive replication ranges, as listed ("0,2-4" = {0,0},{2,4}); empty = every one.
    std::vector<std::pair<std::size_t, std::size_t>> reps;
    double from = 0.0;                                    ///< rows with time >= from ...
    double to = std::numeric_limits<double>::infinity();  ///< ... and time <= to

    [[nodiscard]] bool includes(std::size_t replication) const;
    [[nodiscard]] bool in_window(double time) const { return time >= from && time <= to; }
    /// How many of replications 0 .. n-1 are kept.
    [[nodiscard]] std::size_t count(std::size_t n) const;
};

/// The parts of one `--trace FILE`. Each replication writes its own part file next to FILE
/// (".FILE.rep<N>.part"), so workers never share a stream; commit() concatenates the parts of
/// the replications kept, in replication order, under one header into FILE atomically (temp
/// file + rename). Every part (and the temp file) is removed by commit() and, if commit() was
/// never reached (a replication failed), by the destructor or by the SIGINT/SIGTERM handler:
/// a failed run leaves nothing. The parts and temp file a killed run (SIGKILL) left behind are
/// removed by the next TraceParts of the same FILE.
/// open() may be called concurrently from worker threads; commit() from one thread after
/// every sink has been destroyed.
class TraceParts {
public:
    /// `target` is FILE; its directory must exist. Stage names are taken from `scenario`;
    /// `selection` says which replications and times are written.
    TraceParts(std::filesystem::path target, const models::Scenario& scenario,
               TraceSelection selection = {});
    ~TraceParts();
    TraceParts(const TraceParts&) = delete;
    TraceParts& operator=(const TraceParts&) = delete;

    /// Null when `replication` is not selected. Otherwise a sink writing replication
    /// `replication`'s rows within the selected window (`replication,time,order,stage,event`)
    /// to its part file, buffered; the rows are flushed when the sink is destroyed. Write
    /// errors are remembered and reported by commit(). Throws std::runtime_error when the part
    /// file cannot be created.
    std::unique_ptr<models::TraceSink> open(std::size_t replication);

    /// Writes FILE from the parts of the selected replications among 0 .. kept-1 (each must
    /// have been opened and closed) and removes every part. Throws std::runtime_error on an I/O
    /// error (FILE is then left as it was).
    void commit(std::size_t kept);

    /// The part file of `replication`.
    [[nodiscard]] std::filesystem::path part_path(std::size_t replication) const;

    /// The temp file commit() writes before renaming it to FILE.
    [[nodiscard]] std::filesystem::path temp_path() const;

private:
    friend class TraceFileSink;
    void remove_leftovers() noexcept;
    void report_error(std::size_t replication);
    void remove_parts() noexcept;

    std::filesystem::path target_;
    TraceSelection selection_;
    std::vector<std::string> stage_names_;   ///< already CSV-quoted
    std::vector<std::string> signal_paths_;  ///< every possible part, for the signal handler
    void (*previous_int_)(int) = nullptr;
    void (*previous_term_)(int) = nullptr;
    std::mutex mutex_;          ///< guards opened_ and failed_
    std::vector<bool> opened_;  ///< by replication: a part file may exist
    std::vector<bool> failed_;  ///< by replication: a write failed
};

}  // namespace qosim::app
