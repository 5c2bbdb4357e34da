// A scenario's scheduled faults as steps of (stage, parameter), resolved in one place.
#pragma once

#include <cstdint>
#include <vector>

#include "models/faults/fault_effects.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// The scheduled faults of a scenario for one replication. Each fault is two steps, its start
/// and its end, which the engine schedules at start-up; `step` says what a step changes.
/// Overlapping faults of a `latest` kind do not cancel each other early: the parameter takes
/// the value of the latest-started fault of that kind still active, else its base value.
class FaultProfile {
public:
    explicit FaultProfile(const Scenario& scenario);

    /// What one step changes: `stack` kinds add (`starting`) or remove a cause, `latest` kinds
    /// set `parameter` of `stage` to `value`.
    struct Change {
        std::uint32_t stage;
        Parameter parameter;
        Overlap overlap;
        bool starting;
        double value;
    };

    /// Applies the start (or end) of fault `index` to the active set and returns the change.
    Change step(std::size_t index, bool starting);

    /// True when some fault targets `stage` (a stage without one takes the fast path).
    [[nodiscard]] bool affects(std::size_t stage) const { return affected_[stage] != 0; }

private:
    const std::vector<Fault>* faults_;
    const std::vector<StageSpec>* stages_;
    std::vector<std::vector<std::uint32_t>> active_;  ///< running `latest` faults by stage
    std::vector<std::uint8_t> affected_;
};

}  // namespace qosim::models
