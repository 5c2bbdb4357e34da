// Run control: automatic warm-up by MSER-5 on pilot runs, and the sequential precision rule.
#include "models/run/run_control.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/run/confidence.hpp"
#include "models/run/replication.hpp"
#include "models/run/warmup.hpp"

namespace qosim::models {

double choose_warmup(const Scenario& scenario, int pilots) {
    Scenario pilot = scenario;
    pilot.run.warmup = 0.0;
    pilot.run.warmup_auto = false;
    RunOptions options;
    options.record_lead_times = true;
    std::vector<double> cuts;
    for (int r = 0; r < pilots; ++r) {
        const ReplicationResult res =
            run_replication(pilot, static_cast<std::uint64_t>(r), scenario.run.seed, options);
        cuts.push_back(mser5_warmup(res.lead_time_batches));
    }
    return warmup_from_pilot_cuts(cuts, scenario.run.horizon);
}

double ci95_half_width(std::span<const double> values) {
    std::size_t n = 0;
    double mean = 0.0;
    for (const double v : values) {
        if (!std::isfinite(v)) continue;
        mean += v;
        ++n;
    }
    if (n < 2) return std::numeric_limits<double>::infinity();
    mean /= static_cast<double>(n);
    double ss = 0.0;
    for (const double v : values)
        if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    const double sd = std::sqrt(ss / static_cast<double>(n - 1));
    return t_half_width95(sd, n);
}

std::optional<std::size_t> replications_needed(std::span<const double> values, double goal,
                                               std::size_t min_n) {
    for (std::size_t n = std::max<std::size_t>(min_n, 2); n <= values.size(); ++n)
        if (ci95_half_width(values.first(n)) <= goal) return n;
    return std::nullopt;
}

}  // namespace qosim::models
