// `qosim sweep | compare | merge`: the what-if commands (declared for commands.cpp).
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/output/output_set.hpp"
#include "models/input/load.hpp"
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

/// The output set of `dir`, holding its lock; another qosim writing there is a UsageError
/// (defined in commands.cpp).
OutputSet open_output_set(const std::filesystem::path& dir);

/// Refuses (UsageError) an output directory `dir` in which one of `names` would replace the
/// input file `input`: qosim never writes over what it reads (defined in commands.cpp).
void refuse_overwriting_input(const std::filesystem::path& input, const std::filesystem::path& dir,
                              std::span<const char* const> names);

/// The scenario's warnings on stderr (defined in commands.cpp).
void print_warnings(const models::Scenario& scenario);

/// Accepts a whole number >= 1 (defined in commands.cpp).
extern const CLI::Validator kAtLeastOne;

/// Where the options that run, sweep and compare share are stored.
struct SharedRunOptions {
    std::optional<std::string>& out;
    std::optional<std::string>& reps;
    std::optional<std::string>& seed;
    std::optional<std::string>& horizon;
    std::vector<std::string>& sets;
    unsigned& jobs;
};

/// Declares --out, --reps, --seed, --horizon, --set and --jobs on `sub` (defined in
/// commands.cpp); the help texts of --out, --reps and --set are the subcommand's own.
void add_shared_run_options(CLI::App* sub, const SharedRunOptions& o, const std::string& out_help,
                            const std::string& reps_help, const std::string& set_help);

/// The variant `name` of `file`; a UsageError with a "did you mean" or the list of variants
/// when there is none (defined in commands.cpp).
const models::Variant& find_variant_or_throw(const models::ScenarioFile& file,
                                             const std::string& name);

}  // namespace qosim::app::detail
