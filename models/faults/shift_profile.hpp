// A station's staffing over time as the engine runs it: the shift pattern as change points.
#pragma once

#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// The number of servers on shift at a station, as a step function repeating over the cycle.
/// The engine schedules its shift changes from this profile and the static analysis averages
/// the same profile, so both see the same staffing. Without shifts the count never changes.
struct ShiftProfile {
    double cycle = 0.0;  ///< length of the repeating pattern; 0 without shifts
    int pool = 0;        ///< servers the station has (the largest count ever on shift)
    int initial = 0;     ///< servers on shift at phase 0 (time 0)
    /// Change points within one cycle, ascending, in (0, cycle]; the last is `cycle`, where
    /// the next cycle starts. Empty without shifts.
    std::vector<double> at;
    std::vector<int> servers;  ///< servers on shift from at[i] until the next change point

    [[nodiscard]] bool has_shifts() const { return cycle > 0.0; }
    /// Time-average of the servers on shift over a cycle (the pool without shifts).
    [[nodiscard]] double mean_on() const;
    /// Servers that go off shift per cycle, summed over the change points where the count
    /// drops (a server going off shift finishes its job first: overtime).
    [[nodiscard]] int drops_per_cycle() const;
};

/// The profile of a station or inspection from its `servers` and `shifts` (SPEC §2): windows
/// [from, to) within the cycle have their `servers` on, time outside every window has none.
[[nodiscard]] ShiftProfile shift_profile(const StageSpec& station);

}  // namespace qosim::models
