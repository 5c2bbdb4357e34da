// The validated scenario's small helpers: enum names (from enum_names.hpp), time-unit
// conversion, stage lookup.
#include "models/scenario/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "models/scenario/enum_names.hpp"
#include "sim/number_text.hpp"

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

namespace {

/// Three significant digits ("2e+12", "1.5e+03" -> "1.5e+03"): an estimate, not a result.
std::string about(double n) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, n, std::chars_format::general, 3);
    return std::string(buf, r.ptr);
}

}  // namespace

StageEventEstimate expected_stage_events(const StageSpec& stage, double horizon) {
    if (!std::isfinite(horizon) || !(horizon > 0.0)) return {};
    if (stage.type == StageType::source && stage.interarrival.mean() > 0.0) {
        const double n = horizon / stage.interarrival.mean();
        return {n, "creates about " + about(n) + " orders"};
    }
    if (stage.shifts && stage.shifts->cycle > 0.0) {
        const double n =
            horizon / stage.shifts->cycle * 2.0 *
            static_cast<double>(std::max<std::size_t>(1, stage.shifts->windows.size()));
        return {n, "changes shift about " + about(n) + " times"};
    }
    return {};
}

std::pair<std::string, std::string> event_budget_message(const std::string& stage,
                                                         const StageEventEstimate& estimate,
                                                         double horizon, double max_events) {
    return {"stage `" + stage + "` " + estimate.what +
                " over run.horizon = " + sim::format_number(horizon) +
                ", more than run.max_events = " + sim::format_number(max_events) + " events",
            "check its times against the time_unit, or shorten run.horizon (raise "
            "run.max_events only if this is meant)"};
}

}  // namespace qosim::models
