// The metric table: which result fields become which CSV columns, in one place.
#pragma once

#include <span>
#include <string_view>

#include "models/run/result.hpp"
#include "models/scenario/schema.hpp"  // StageTypeMask, stage_bit

namespace qosim::models {

/// When a runs.csv column is present.
enum class MetricPresence { always, survey };  ///< survey: only when a sink runs a survey

/// A runs.csv metric column.
struct RunMetric {
    std::string_view name;  ///< column name (SPEC §4)
    double ReplicationResult::*field;
    bool is_count;          ///< written as an integer
    std::string_view unit;  ///< "time", "1/time", "share", "count", "money"
    MetricPresence presence = MetricPresence::always;
};

/// A classes.csv metric column.
struct ClassMetric {
    std::string_view name;
    double ClassResult::*field;
    bool is_count;
    std::string_view unit;  ///< "time", "share", "count", "money"
};

/// A stages.csv metric column.
struct StageMetric {
    std::string_view name;
    double StageResult::*field;
    bool is_count;
    std::string_view unit;                   ///< "time", "share", "count", "money", "units"
    StageTypeMask applies = kAllStageTypes;  ///< stage types the field is defined for
};

/// True when `m` means something for a stage of type `t`; otherwise its cell is empty.
constexpr bool stage_metric_applies(const StageMetric& m, StageType t) {
    return (m.applies & stage_bit(t)) != 0;
}

/// runs.csv columns after `replication, seed`, in output order.
std::span<const RunMetric> run_metrics();

/// stages.csv columns after `replication, stage, type`, in output order.
std::span<const StageMetric> stage_metrics();

/// classes.csv columns after `replication, product`, in output order.
std::span<const ClassMetric> class_metrics();

/// True when `m` is written for a scenario (survey columns only when a sink has a survey).
bool metric_present(const RunMetric& m, bool has_survey);

}  // namespace qosim::models
