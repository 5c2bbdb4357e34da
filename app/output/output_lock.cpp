// An advisory lock on an output directory (flock on DIR.lock), see output_lock.hpp.
#include "app/output/output_lock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "app/output/text.hpp"

namespace qosim::app {

std::filesystem::path OutputLock::lock_path(const std::filesystem::path& dir) {
    std::filesystem::path d = dir.lexically_normal();
    if (!d.has_filename()) d = d.parent_path();  // "out/x/" -> "out/x"
    return d.parent_path() / cat({d.filename().string(), ".lock"});
}

OutputLock::OutputLock(const std::filesystem::path& dir) : path_(lock_path(dir)) {
    if (!path_.parent_path().empty()) std::filesystem::create_directories(path_.parent_path());
    // The holder removes the file when it is done, so a process that opened it just before may
    // lock a file that is no longer there: it checks that the path is still the file it
    // locked, and starts again if not (the usual open-lock-verify loop).
    for (;;) {
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            throw std::filesystem::filesystem_error(
                "cannot create the lock file", path_,
                std::error_code(errno, std::generic_category()));
        }
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            ::close(fd_);
            fd_ = -1;
            if (err == EWOULDBLOCK) {
                throw OutputLockedError(
                    cat({"--out ", dir.string(),
                         ": another qosim run is writing there (it holds "
                         "the lock ",
                         path_.string(), "); wait for it to finish or choose another --out"}));
            }
            throw std::filesystem::filesystem_error("cannot lock", path_,
                                                    std::error_code(err, std::generic_category()));
        }
        struct stat held {};
        struct stat named {};
        if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino)
            return;
        ::close(fd_);
        fd_ = -1;
    }
}

OutputLock::~OutputLock() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());  // while still locked: see the constructor
    ::close(fd_);             // releases the flock
}

}  // namespace qosim::app
