// The validated scenario's small helpers: enum names, time-unit conversion, stage lookup.
#include "models/scenario/scenario.hpp"

namespace qosim::models {

const char* to_string(TimeUnit u) {
    switch (u) {
    case TimeUnit::minute: return "minute";
    case TimeUnit::hour: return "hour";
    case TimeUnit::day: return "day";
    }
    return "?";
}

const char* to_string(StageType t) {
    switch (t) {
    case StageType::source: return "source";
    case StageType::station: return "station";
    case StageType::inspection: return "inspection";
    case StageType::link: return "link";
    case StageType::sink: return "sink";
    }
    return "?";
}

const char* to_string(Discipline d) {
    switch (d) {
    case Discipline::fifo: return "fifo";
    case Discipline::lifo: return "lifo";
    case Discipline::priority: return "priority";
    case Discipline::edd: return "edd";
    }
    return "?";
}

const char* to_string(RouteWhen w) {
    switch (w) {
    case RouteWhen::any: return "any";
    case RouteWhen::pass: return "pass";
    case RouteWhen::fail: return "fail";
    }
    return "?";
}

const char* to_string(FailureMode m) {
    switch (m) {
    case FailureMode::resume: return "resume";
    case FailureMode::restart: return "restart";
    case FailureMode::scrap: return "scrap";
    }
    return "?";
}

const char* to_string(BreakdownClock c) {
    switch (c) {
    case BreakdownClock::calendar: return "calendar";
    case BreakdownClock::busy: return "busy";
    }
    return "?";
}

const char* to_string(OnScrap o) {
    switch (o) {
    case OnScrap::remake: return "remake";
    case OnScrap::cancel: return "cancel";
    }
    return "?";
}

const char* to_string(FaultKind k) {
    switch (k) {
    case FaultKind::outage: return "outage";
    case FaultKind::surge: return "surge";
    case FaultKind::defect_prob: return "defect_prob";
    case FaultKind::loss_prob: return "loss_prob";
    case FaultKind::service: return "service";
    }
    return "?";
}

double hours_per_unit(TimeUnit u) {
    switch (u) {
    case TimeUnit::minute: return 1.0 / 60.0;
    case TimeUnit::hour: return 1.0;
    case TimeUnit::day: return 24.0;
    }
    return 1.0;
}

std::optional<std::size_t> Scenario::find_stage(const std::string& name) const {
    for (std::size_t i = 0; i < stages.size(); ++i) {
        if (stages[i].name == name) return i;
    }
    return std::nullopt;
}

}  // namespace qosim::models
