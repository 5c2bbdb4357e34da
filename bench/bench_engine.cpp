// Engine benchmark: orders/s and events/s on an M/M/1 (rho = 0.9) and a 5-station tandem line.
//
// Usage: qosim_bench [--horizon T] [--reps N]
// Prints one line per model; single-threaded, so the figures are per core.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"

namespace {

const char* const kMM1 = R"(name: bench M/M/1
run: {horizon: 1, seed: 1}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}}
  machine: {type: station, service: {dist: exponential, mean: 0.9}}
  done: {type: sink}
routes:
  - {from: orders, to: machine}
  - {from: machine, to: done}
)";

const char* const kTandem = R"(name: bench tandem
run: {horizon: 1, seed: 1}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}, due_in: 20}
  s1: {type: station, service: {dist: exponential, mean: 0.8}}
  s2: {type: station, servers: 2, service: {dist: lognormal, mean: 1.6, sd: 0.5}}
  s3: {type: station, service: {dist: exponential, mean: 0.7}, queue: {capacity: 20}}
  s4: {type: station, service: {dist: triangular, min: 0.3, mode: 0.6, max: 1.2}}
  s5: {type: station, service: {dist: exponential, mean: 0.85}}
  done: {type: sink}
routes:
  - {from: orders, to: s1}
  - {from: s1, to: s2}
  - {from: s2, to: s3}
  - {from: s3, to: s4}
  - {from: s4, to: s5}
  - {from: s5, to: done}
)";

void bench(const char* label, const char* yaml, double horizon, int reps) {
    const std::string h = "run.horizon=" + std::to_string(horizon);
    const auto scenario = qosim::models::load_scenario_text(yaml, label, {h});
    double orders = 0, events = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) {
        const auto res = qosim::models::run_replication(scenario, static_cast<std::uint64_t>(r), 1);
        orders += res.orders_created;
        events += res.events;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "%-14s orders %12.0f  events %12.0f  time %7.3f s  %6.2f M orders/s  %6.2f M events/s\n",
        label, orders, events, secs, orders / secs / 1e6, events / secs / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
    double horizon = 2e6;
    int reps = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--horizon"))
            horizon = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--reps"))
            reps = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: qosim_bench [--horizon T] [--reps N]\n");
            return 2;
        }
    }
    bench("mm1_rho0.9", kMM1, horizon, reps);
    bench("tandem5", kTandem, horizon, reps);
    return 0;
}
