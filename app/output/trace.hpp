// `--trace FILE`: per-replication part files written by the workers, joined atomically at the end.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "models/run/replication.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// The header of the trace CSV.
inline constexpr const char* kTraceHeader = "replication,time,order,stage,event\n";

/// The parts of one `--trace FILE`. Each replication writes its own part file next to FILE
/// (".FILE.rep<N>.part"), so workers never share a stream; commit() concatenates the parts of
/// the replications kept, in replication order, under one header into FILE atomically (temp
/// file + rename). Every part (and the temp file) is removed by commit() and, if commit() was
/// never reached (a replication failed), by the destructor: a failed run leaves nothing.
/// open() may be called concurrently from worker threads; commit() from one thread after
/// every sink has been destroyed.
class TraceParts {
public:
    /// `target` is FILE; its directory must exist. Stage names are taken from `scenario`.
    TraceParts(std::filesystem::path target, const models::Scenario& scenario);
    ~TraceParts();
    TraceParts(const TraceParts&) = delete;
    TraceParts& operator=(const TraceParts&) = delete;

    /// A sink writing replication `replication`'s rows (`replication,time,order,stage,event`)
    /// to its part file, buffered; the rows are flushed when the sink is destroyed. Write
    /// errors are remembered and reported by commit(). Throws std::runtime_error when the part
    /// file cannot be created.
    std::unique_ptr<models::TraceSink> open(std::size_t replication);

    /// Writes FILE from the parts of replications 0 .. kept-1 (all must have been opened and
    /// closed) and removes every part. Throws std::runtime_error on an I/O error (FILE is then
    /// left as it was).
    void commit(std::size_t kept);

    /// The part file of `replication`.
    [[nodiscard]] std::filesystem::path part_path(std::size_t replication) const;

private:
    friend class TraceFileSink;
    void report_error(std::size_t replication);
    void remove_parts() noexcept;

    std::filesystem::path target_;
    std::vector<std::string> stage_names_;   ///< already CSV-quoted
    std::vector<std::string> signal_paths_;  ///< every possible part, for the signal handler
    void (*previous_int_)(int) = nullptr;
    void (*previous_term_)(int) = nullptr;
    std::mutex mutex_;          ///< guards opened_ and failed_
    std::vector<bool> opened_;  ///< by replication: a part file may exist
    std::vector<bool> failed_;  ///< by replication: a write failed
};

}  // namespace qosim::app
