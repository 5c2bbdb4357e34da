// `qosim sweep | compare | merge`: the what-if commands (declared for commands.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app::detail {

int sweep_command(const SweepOptions& options);
int compare_command(const CompareOptions& options);
int merge_command(const MergeOptions& options);

/// Declares sweep, compare and merge on `app`, bound to `cmd`.
void configure_whatif_cli(CLI::App& app, CommandLine& cmd);

/// Fails early, before anything is computed or written, when `dir` cannot become a directory
/// (defined in commands.cpp).
void check_out_dir(const std::filesystem::path& dir);

/// The scenario's warnings on stderr (defined in commands.cpp).
void print_warnings(const models::Scenario& scenario);

/// Accepts a whole number >= 1 (defined in commands.cpp).
extern const CLI::Validator kAtLeastOne;

}  // namespace qosim::app::detail
