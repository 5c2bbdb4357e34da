// SIGINT / SIGTERM while a run or sweep works: finish what is running, keep it, then stop.
#pragma once

#include <atomic>

namespace qosim::app {

/// While alive, the first SIGINT or SIGTERM raises stop_flag() (workers then start no new
/// replication or task) and a second one goes to the handler installed before the guard (or
/// the default action), which ends the process at once.
/// The previous handlers are restored on destruction. One guard at a time.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    /// Raised by the first signal.
    [[nodiscard]] static const std::atomic<bool>& stop_flag();
    /// The signal that raised the flag (0: none yet).
    [[nodiscard]] static int signal_number();
};

/// The exit code of a run stopped by a signal (SPEC §1: 130, as a shell reports SIGINT).
inline constexpr int kExitInterrupted = 130;

}  // namespace qosim::app
