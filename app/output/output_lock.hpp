// An advisory lock on an output directory, so two runs into one --out cannot interleave.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace qosim::app {

/// Another process holds the lock of the output directory.
class OutputLockedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An exclusive flock(2) on the file DIR.lock next to the output directory DIR, held for the
/// object's lifetime and removed with it. The kernel drops a flock when its process ends
/// however it ends, so after SIGKILL the empty file may stay but never blocks a later run.
/// Creates DIR's parent directories if needed.
class OutputLock {
public:
    /// Takes the lock without waiting. Throws OutputLockedError naming the directory and the
    /// lock file when another process holds it, std::filesystem::filesystem_error when the lock
    /// file cannot be created.
    explicit OutputLock(const std::filesystem::path& dir);
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

    /// DIR.lock for the output directory DIR (a trailing slash is ignored).
    [[nodiscard]] static std::filesystem::path lock_path(const std::filesystem::path& dir);

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace qosim::app
