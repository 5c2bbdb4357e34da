// Command-line messages that need the whole command line: an unknown subcommand, and scenario
// errors caused by --reps, --seed or --horizon named as those options.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/cli/commands.hpp"
#include "models/scenario/diagnostics.hpp"

namespace qosim::app {

/// Throws UsageError "unknown subcommand 'X'" (with "did you mean" when one is close, else the
/// list of subcommands) when the first argument that is not an option names no subcommand of
/// `app`. CLI11 alone says "A subcommand is required", which hides the typo.
void reject_unknown_subcommand(const CLI::App& app, const std::vector<std::string>& args);

/// The text of a scenario error for stderr, with the diagnostics of the overrides that
/// --reps, --seed and --horizon became (run.replications=N ...) placed at the option as typed
/// ("--reps 0: ...") instead of at "--set run.replications=0". Ends in a newline.
[[nodiscard]] std::string render_scenario_error(const models::ScenarioError& error,
                                                const CommandLine& cmd);

}  // namespace qosim::app
