// SIGINT / SIGTERM handling: an async-signal-safe flag, and the default action on a second one.
#include "app/runner/interrupt.hpp"

#include <csignal>

namespace qosim::app {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler may only touch lock-free atomics");

struct sigaction g_old_int;
struct sigaction g_old_term;

extern "C" void on_signal(int sig) {
    if (g_stop.exchange(true)) {
        // Second signal: the user insists. Hand it to the handler that was there before us
        // (the trace's clean-up removes its part files, then ends the process), or to the
        // default action (terminate) right away.
        sigaction(sig, sig == SIGINT ? &g_old_int : &g_old_term, nullptr);
        std::raise(sig);
        return;
    }
    g_signal.store(sig);
}

}  // namespace

InterruptGuard::InterruptGuard() {
    g_stop.store(false);
    g_signal.store(0);
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &g_old_int);
    sigaction(SIGTERM, &action, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &g_old_int, nullptr);
    sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::stop_flag() { return g_stop; }

int InterruptGuard::signal_number() { return g_signal.load(); }

}  // namespace qosim::app
