// Shift profiles: a station's repeating staffing pattern as change points.
#include "models/faults/shift_profile.hpp"

#include <algorithm>

namespace qosim::models {

namespace {

// Number of servers on shift at `phase` (within one cycle): windows are [from, to).
int servers_at(const Shifts& shifts, double phase) {
    for (const ShiftWindow& w : shifts.windows)
        if (w.from <= phase && phase < w.to) return w.servers;
    return 0;
}

}  // namespace

ShiftProfile shift_profile(const StageSpec& station) {
    ShiftProfile p;
    if (!station.shifts) {
        p.pool = station.servers;
        p.initial = station.servers;
        return p;
    }
    const Shifts& shifts = *station.shifts;
    p.cycle = shifts.cycle;
    for (const ShiftWindow& w : shifts.windows) {
        p.pool = std::max(p.pool, w.servers);
        p.at.push_back(w.from);
        p.at.push_back(w.to);
    }
    p.initial = servers_at(shifts, 0.0);
    std::sort(p.at.begin(), p.at.end());
    p.at.erase(std::unique(p.at.begin(), p.at.end()), p.at.end());
    std::erase_if(p.at, [&](double b) { return b <= 0.0 || b >= shifts.cycle; });
    p.at.push_back(shifts.cycle);  // the next cycle starts
    for (const double b : p.at) p.servers.push_back(servers_at(shifts, b < shifts.cycle ? b : 0.0));
    return p;
}

double ShiftProfile::mean_on() const {
    if (!has_shifts()) return pool;
    double area = 0.0;
    double from = 0.0;
    int on = initial;
    for (std::size_t i = 0; i < at.size(); ++i) {
        area += (at[i] - from) * on;
        from = at[i];
        on = servers[i];
    }
    return area / cycle;
}

int ShiftProfile::drops_per_cycle() const {
    int drops = 0;
    int on = initial;
    for (const int next : servers) {
        drops += std::max(0, on - next);
        on = next;
    }
    return drops;
}

}  // namespace qosim::models
