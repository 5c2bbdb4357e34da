// A scenario's scheduled faults as steps of (stage, parameter), resolved in one place.
#include "models/faults/fault_profile.hpp"

#include <algorithm>

namespace qosim::models {

FaultProfile::FaultProfile(const Scenario& scenario)
    : faults_(&scenario.faults),
      stages_(&scenario.stages),
      active_(scenario.stages.size()),
      affected_(scenario.stages.size(), 0) {
    for (const Fault& f : scenario.faults) affected_[f.stage] = 1;
}

FaultProfile::Change FaultProfile::step(std::size_t index, bool starting) {
    const Fault& f = (*faults_)[index];
    const FaultEffect& e = fault_effect(f.kind);
    Change c{static_cast<std::uint32_t>(f.stage), e.parameter, e.overlap, starting, 0.0};
    if (e.overlap == Overlap::stack) return c;
    auto& active = active_[f.stage];
    if (starting)
        active.push_back(static_cast<std::uint32_t>(index));
    else
        active.erase(std::find(active.begin(), active.end(), static_cast<std::uint32_t>(index)));
    const Fault* latest = nullptr;
    for (const std::uint32_t a : active)
        if ((*faults_)[a].kind == f.kind) latest = &(*faults_)[a];
    c.value = latest ? latest->*e.amount : e.base((*stages_)[f.stage]);
    return c;
}

}  // namespace qosim::models
