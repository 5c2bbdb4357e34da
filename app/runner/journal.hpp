// The sweep journal: finished (point, replication) rows appended as they finish, in a form a
// kill cannot corrupt, so that `--resume` runs only what is missing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/runner/whatif.hpp"

namespace qosim::app {

/// A slice of the tasks: the K-th of N (1-based), task i of the full order in slice i mod N.
struct Shard {
    std::size_t index = 1;  ///< K
    std::size_t count = 1;  ///< N
    friend bool operator==(const Shard&, const Shard&) = default;
};

/// What the rows of a journal were computed from. A resume or a merge refuses a journal whose
/// manifest differs from its own: the rows would mix two experiments.
struct Manifest {
    std::string hash;        ///< 16 hex digits: scenario bytes, overrides, stream_version, version
    std::size_t values = 0;  ///< values per row (models::run_metrics().size())
    std::optional<Shard> shard;
    std::string scenario_file;           ///< the path as given (run_info.csv's scenario_file)
    std::vector<std::string> overrides;  ///< --set, --seed, --horizon (not --reps: it may grow)
};

/// The journal file of a sweep directory.
std::filesystem::path journal_path(const std::filesystem::path& dir);

/// The rows of a journal, and what was cut off its end (a line torn by a kill).
struct JournalContents {
    Manifest manifest;
    std::vector<TaskRow> rows;           ///< in file order; a (point, replication) at most once
    std::vector<PointFailure> failures;  ///< in file order
    /// The replications per point of the latest run that wrote to the journal (its
    /// `--reps`), so that a plain `--resume` continues with the same count.
    std::optional<std::size_t> replications;
    std::size_t valid_bytes = 0;    ///< the prefix of whole lines (newline-terminated)
    std::size_t dropped_bytes = 0;  ///< after it: a torn last line, cut off on append
    std::size_t dropped_lines = 0;  ///< whole lines with a bad checksum or form, skipped
};

/// Reads `path`. Throws std::runtime_error naming the file when it is not a qosim journal
/// (no whole, checksummed manifest line); damaged lines and a torn tail are counted, not
/// thrown: their tasks simply run again.
JournalContents read_journal(const std::filesystem::path& path);

/// Appends rows to a journal. Each row is one line with its own checksum, written by one
/// write(2) call straight to the kernel (no user-space buffer), so a kill at any moment
/// leaves every earlier row whole and at most one torn line, which read_journal drops.
class JournalWriter {
public:
    /// Creates `path` with `manifest` as its first line (replacing any file there).
    static JournalWriter create(const std::filesystem::path& path, const Manifest& manifest);
    /// Opens an existing journal for appending after its first `valid_bytes` (cutting off a
    /// torn tail).
    static JournalWriter append_to(const std::filesystem::path& path, std::size_t valid_bytes);

    JournalWriter(JournalWriter&& other) noexcept;
    JournalWriter& operator=(JournalWriter&&) = delete;
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;
    ~JournalWriter();

    /// Appends one row; throws std::runtime_error (disk full, ...) naming the file.
    void append(const TaskRow& row);
    /// Records the replications per point this run works to (read back on --resume).
    void append_replications(std::size_t replications);
    /// Appends the record of a failed task (its message hex-encoded: any bytes survive).
    void append(const PointFailure& failure);

private:
    JournalWriter(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    void write_all(const std::string& text);

    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace qosim::app
