// Output files: one file written atomically (temp file + rename), and the set a run leaves.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/output/output_set.hpp"
#include "app/output/summary.hpp"
#include "app/runner/run_outcome.hpp"
#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// Writes `content` to `target` atomically: first to ".NAME.tmp" in the same directory, then
/// std::filesystem::rename over `target`, so a reader never sees a half-written file. The
/// directory must exist. Throws WriteError on failure (the temp file is removed).
void write_file_atomic(const std::filesystem::path& target, std::string_view content);

/// Publishes runs.csv, stages.csv, classes.csv (with products), timeseries.csv (with
/// outcome.timeseries_window), summary.csv, stage_summary.csv, class_summary.csv (with products),
/// run_info.csv and report.html as one set into `set`'s directory (OutputSet::publish).
/// `scenario` is the scenario as run. Call only once every replication has finished. Returns
/// the paths written, in that order.
std::vector<std::filesystem::path> write_run_outputs(
    OutputSet& set, const models::Scenario& scenario,
    std::span<const models::ReplicationResult> results, const Summary& summary,
    const RunOutcome& outcome = {});

}  // namespace qosim::app
