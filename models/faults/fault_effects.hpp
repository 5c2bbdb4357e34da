// What each scheduled fault kind does to its stage: one table row per kind.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "models/scenario/scenario.hpp"
#include "models/scenario/schema.hpp"

namespace qosim::models {

/// A stage parameter a fault (or a shift) changes over time.
enum class Parameter : std::uint8_t {
    servers,       ///< servers up: an outage takes every server down (stacks with breakdowns)
    arrival_rate,  ///< a source's arrival rate multiplier
    defect_prob,   ///< a station's defect / a link's damage probability
    loss_prob,     ///< a link's loss probability
    service_time,  ///< service times (link delays) multiplier
};

/// How overlapping faults of one kind on one stage combine.
enum class Overlap : std::uint8_t {
    stack,   ///< each fault counts (an outage holds a down cause per server until it ends)
    latest,  ///< the latest-started fault still active sets the value, else the base value
};

/// One fault kind: the parameter it sets, how overlaps combine, which field of `Fault` holds
/// the value it sets (`latest` kinds), the parameter's value without any fault, and what the
/// loader checks: the stage types it applies to (and those in words) and, for a `factor`
/// kind, the hint when the factor is missing.
struct FaultEffect {
    FaultKind kind;
    Parameter parameter;
    Overlap overlap;
    double Fault::*amount;                  ///< the value while the fault is active
    double (*base)(const StageSpec& spec);  ///< the value without a fault
    StageTypeMask stages;                   ///< the stage types it applies to
    const char* stages_in_words;            ///< "a station or inspection"
    const char* factor_hint = "";           ///< `factor` kinds: what the factor multiplies
};

namespace detail {
constexpr double base_one(const StageSpec&) { return 1.0; }
constexpr double base_defect(const StageSpec& s) {
    return s.type == StageType::link ? s.damage_prob : s.defect_prob;
}
constexpr double base_loss(const StageSpec& s) { return s.loss_prob; }
}  // namespace detail

/// Every fault kind, in `FaultKind` order. Adding a kind: a row here, the enum value and its
/// name (models/scenario/enum_names.hpp), and a case in the engine's `apply_fault` if the
/// parameter is new. The loader's checks and hints read the row.
inline constexpr std::array<FaultEffect, 5> kFaultEffects{{
    {FaultKind::outage, Parameter::servers, Overlap::stack, nullptr, detail::base_one,
     stage_bit(StageType::station) | stage_bit(StageType::inspection), "a station or inspection"},
    {FaultKind::surge, Parameter::arrival_rate, Overlap::latest, &Fault::factor, detail::base_one,
     stage_bit(StageType::source), "a source",
     "the arrival rate is multiplied by it, e.g. factor: 2"},
    {FaultKind::defect_prob, Parameter::defect_prob, Overlap::latest, &Fault::value,
     detail::base_defect, stage_bit(StageType::station) | stage_bit(StageType::link),
     "a station or link"},
    {FaultKind::loss_prob, Parameter::loss_prob, Overlap::latest, &Fault::value, detail::base_loss,
     stage_bit(StageType::link), "a link"},
    {FaultKind::service, Parameter::service_time, Overlap::latest, &Fault::factor, detail::base_one,
     stage_bit(StageType::station) | stage_bit(StageType::inspection) | stage_bit(StageType::link),
     "a station, inspection or link",
     "service (or delay) times are multiplied by it, e.g. factor: 1.5"},
}};

/// The row of `kind`.
constexpr const FaultEffect& fault_effect(FaultKind kind) {
    return kFaultEffects[static_cast<std::size_t>(kind)];
}

static_assert([] {
    for (std::size_t i = 0; i < kFaultEffects.size(); ++i)
        if (static_cast<std::size_t>(kFaultEffects[i].kind) != i) return false;
    return true;
}());

}  // namespace qosim::models
