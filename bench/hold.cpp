// The event queue alone: the classic "hold" benchmark (Vaucher & Duval 1975) on
// sim::EventQueue. The queue is filled with N pending events; each hold operation pops the
// earliest and schedules a new one an exponential time later, so N stays constant.
//
// Usage: qosim_hold [--ops K] N [N ...]
// Prints one line per N: pending, operations, ns per operation (one pop plus one push).
// The increments are drawn before the clock starts, so only the queue is timed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace {

double hold(std::size_t pending, std::size_t ops, const std::vector<double>& increments) {
    qosim::sim::EventQueue queue;
    std::size_t next = 0;
    const auto draw = [&] {
        const double x = increments[next];
        next = (next + 1) & (increments.size() - 1);  // a power of two
        return x;
    };
    for (std::size_t i = 0; i < pending; ++i)
        queue.schedule(qosim::sim::Time(draw()), 0, static_cast<std::uint32_t>(i));
    qosim::sim::Event ev{};
    double checksum = 0.0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < ops; ++i) {
        queue.pop(ev);
        checksum += ev.time;
        queue.schedule(qosim::sim::Time(ev.time + draw()), 0, ev.token);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (checksum < 0) std::puts("");  // keeps the loop from being optimised away
    return secs;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t ops = 10'000'000;
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--ops") && i + 1 < argc) {
            ops = std::strtoull(argv[++i], nullptr, 10);
        } else {
            const long long n = std::atoll(argv[i]);
            if (n <= 0 || n > 100'000'000) {
                std::fprintf(stderr, "usage: qosim_hold [--ops K] N [N ...]  (1 <= N <= 1e8)\n");
                return 2;
            }
            sizes.push_back(static_cast<std::size_t>(n));
        }
    }
    if (sizes.empty()) sizes = {10, 1000, 100000};

    qosim::sim::RandomStream rng(1, 0, "hold", "increments");
    const auto exp1 = qosim::sim::Distribution::exponential(1.0);
    std::vector<double> increments(std::size_t{1} << 16);  // a power of two (see draw)
    for (double& x : increments) x = exp1.sample(rng);

    std::printf("%10s %12s %10s\n", "pending", "operations", "ns/op");
    for (const std::size_t n : sizes) {
        const double secs = hold(n, ops, increments);
        std::printf("%10zu %12zu %10.2f\n", n, ops, secs / static_cast<double>(ops) * 1e9);
    }
    return 0;
}
