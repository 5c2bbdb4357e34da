// The validated scenario's small helpers: enum names (from enum_names.hpp), time-unit
// conversion, stage lookup.
#include "models/scenario/scenario.hpp"

#include "models/scenario/enum_names.hpp"

namespace qosim::models {

const char* to_string(TimeUnit u) { return name_in(kTimeUnitNames, u); }

const char* to_string(StageType t) { return name_in(kStageTypeNames, t); }

const char* to_string(Discipline d) { return name_in(kDisciplineNames, d); }

const char* to_string(RouteWhen w) { return name_in(kRouteWhenNames, w); }

const char* to_string(FailureMode m) { return name_in(kFailureModeNames, m); }

const char* to_string(BreakdownClock c) { return name_in(kBreakdownClockNames, c); }

const char* to_string(OnScrap o) { return name_in(kOnScrapNames, o); }

const char* to_string(FaultKind k) { return name_in(kFaultKindNames, k); }

double seconds_per_unit(TimeUnit u) {
    switch (u) {
    case TimeUnit::second: return 1.0;
    case TimeUnit::minute: return 60.0;
    case TimeUnit::hour: return 3600.0;
    case TimeUnit::day: return 86400.0;
    case TimeUnit::week: return 604800.0;
    }
    return 3600.0;
}

double hours_per_unit(TimeUnit u) { return seconds_per_unit(u) / 3600.0; }

std::optional<std::size_t> Scenario::find_stage(const std::string& name) const {
    for (std::size_t i = 0; i < stages.size(); ++i) {
        if (stages[i].name == name) return i;
    }
    return std::nullopt;
}

}  // namespace qosim::models
