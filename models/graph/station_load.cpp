// Station capacity and load: staffing profile, overtime at shift ends, breakdown downtime.
#include "models/graph/station_load.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qosim::models {

namespace {

constexpr double kHigh = 0.95;      // exact figures: long queues from here
constexpr double kEdgeBand = 0.05;  // estimates: within this of 100 % nobody can tell

// E[X^2] / (2 E[X]): the mean remaining time of an interval in progress at a random moment.
double residual(const sim::Distribution& d) {
    const double m = d.mean();
    return m > 0.0 ? m * (1.0 + d.scv()) / 2.0 : 0.0;
}

}  // namespace

LoadVerdict load_verdict(double load, bool exact, bool bounded) {
    const double full = exact ? 1.0 : 1.0 + kEdgeBand;
    if (load >= full) return bounded ? LoadVerdict::overloaded : LoadVerdict::saturated;
    if (!exact && load >= 1.0 - kEdgeBand) return LoadVerdict::edge;
    if (load >= kHigh) return LoadVerdict::high;
    return LoadVerdict::fine;
}

StationLoad station_load(const StageSpec& station, double work, double work_sq) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    StationLoad out;
    out.work = work;
    const ShiftProfile profile = shift_profile(station);
    out.staffed = profile.mean_on();
    const auto& b = station.breakdowns;
    out.exact = !profile.has_shifts() && (!b || b->on_failure == FailureMode::resume);

    const double mtbf = b ? b->time_between.mean() : kInf;
    const double mttr = b ? b->repair.mean() : 0.0;
    const bool busy_clock = b && b->clock == BreakdownClock::busy;
    // Calendar clock: the share of any moment a server is down (alternating renewal).
    const double down_share = b && !busy_clock ? mttr / (mtbf + mttr) : 0.0;
    const double job_rest = work > 0.0 ? work_sq / (2.0 * work) : 0.0;  // E[S^2] / 2E[S]
    const double repair_rest = b ? residual(b->repair) : 0.0;
    const double leaving = profile.has_shifts() ? profile.drops_per_cycle() / profile.cycle : 0.0;

    // Overtime depends on how often a leaving server holds a job, which depends on the
    // utilisation, which depends on the overtime: iterate to the fixed point (a contraction:
    // overtime is a small share of staffed time).
    double overtime = 0.0;
    double down = 0.0;
    double busy = 0.0;  // share of staffed time serving
    for (int it = 0; it < 100; ++it) {
        const double staffed = out.staffed + overtime;
        if (!(staffed > 0.0)) break;
        // Downtime while staffed: busy clock, every repair (the job is held through it);
        // calendar clock, the down share of on-shift time plus repairs run into overtime.
        const double holding_down_share =
            busy_clock ? std::min(1.0, work * (mttr / mtbf) / staffed) : down_share * busy;
        const double overtime_down = leaving * holding_down_share * repair_rest;
        down = busy_clock ? work * (mttr / mtbf) : down_share * out.staffed + overtime_down;
        // A station that cannot keep up serves whenever it is neither down nor idle.
        busy = std::min(work, std::max(0.0, staffed - down)) / staffed;
        const double next =
            leaving * (busy * job_rest + holding_down_share * (repair_rest + job_rest));
        const bool settled = std::fabs(next - overtime) <= 1e-12 * std::max(1.0, staffed);
        overtime = next;
        if (settled) break;
    }
    out.overtime = overtime;
    out.down = down;
    const double staffed = out.staffed + out.overtime;
    if (staffed > 0.0) {
        out.utilization = std::min(work, std::max(0.0, staffed - down)) / staffed;
        out.load = (work + down) / staffed;
    } else {
        out.utilization = work > 0.0 ? kInf : 0.0;
        out.load = work > 0.0 ? kInf : 0.0;
    }
    out.verdict = load_verdict(out.load, out.exact, station.queue_capacity.has_value());
    return out;
}

}  // namespace qosim::models
