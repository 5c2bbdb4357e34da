// The metric table: which result fields become which CSV columns, in one place.
#pragma once

#include <span>
#include <string_view>

#include "models/run/result.hpp"

namespace qosim::models {

/// A runs.csv metric column.
struct RunMetric {
    std::string_view name;                          ///< column name (SPEC §4)
    double ReplicationResult::*field;
    bool is_count;                                  ///< written as an integer
    std::string_view unit;                          ///< "time", "1/time", "share", "count", "money"
};

/// A stages.csv metric column.
struct StageMetric {
    std::string_view name;
    double StageResult::*field;
    bool is_count;
};

/// runs.csv columns after `replication, seed`, in output order.
std::span<const RunMetric> run_metrics();

/// stages.csv columns after `replication, stage, type`, in output order.
std::span<const StageMetric> stage_metrics();

}  // namespace qosim::models
