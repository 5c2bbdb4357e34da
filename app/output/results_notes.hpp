// The numbers the annotated stage graph shows, from in-memory results or from a results
// directory written by `qosim run --out DIR` (stages.csv and runs.csv, read by column name).
#pragma once

#include <filesystem>
#include <span>
#include <stdexcept>

#include "models/graph/graph_notes.hpp"
#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// A results directory that is missing, unreadable or not from this scenario.
class ResultsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Replication means per stage: rates are per time unit of each replication's observed window.
models::GraphNotes notes_from_results(const models::Scenario& scenario,
                                      std::span<const models::ReplicationResult> results);

/// The same from DIR/stages.csv and DIR/runs.csv (observed_time). Columns are found by header
/// name; empty cells mean "does not apply". Throws ResultsError when a file is missing or
/// malformed, or when its stages are not the scenario's (names and types, in order).
models::GraphNotes read_results_notes(const std::filesystem::path& dir,
                                      const models::Scenario& scenario);

}  // namespace qosim::app
