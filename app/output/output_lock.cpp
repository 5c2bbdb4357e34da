// An advisory lock on an output directory (flock on DIR.lock), see output_lock.hpp.
#include "app/output/output_lock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <system_error>
#include <unistd.h>

#include "app/output/text.hpp"

namespace qosim::app {

std::filesystem::path OutputLock::lock_path(const std::filesystem::path& dir) {
    std::filesystem::path d = dir.lexically_normal();
    if (!d.has_filename()) d = d.parent_path();  // "out/x/" -> "out/x"
    return d.parent_path() / cat({d.filename().string(), ".lock"});
}

OutputLock::OutputLock(const std::filesystem::path& dir) {
    const std::filesystem::path lock = lock_path(dir);
    if (!lock.parent_path().empty()) std::filesystem::create_directories(lock.parent_path());
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw std::filesystem::filesystem_error("cannot create the lock file", lock,
                                                std::error_code(errno, std::generic_category()));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) {
            throw OutputLockedError(cat(
                {"--out ", dir.string(), ": another qosim run is writing there (it holds the lock ",
                 lock.string(), "); wait for it to finish or choose another --out"}));
        }
        throw std::filesystem::filesystem_error("cannot lock", lock,
                                                std::error_code(err, std::generic_category()));
    }
}

OutputLock::~OutputLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace qosim::app
