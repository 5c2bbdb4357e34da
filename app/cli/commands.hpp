// The command line: CLI11 declaration of `qosim run | check | graph` and their execution.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace qosim::app {

/// Exit codes (SPEC §1).
enum ExitCode : int {
    kExitOk = 0,            ///< success (also --help, --version, `check` with warnings)
    kExitError = 1,         ///< a run limit was hit, or anything unexpected
    kExitUsage = 2,         ///< invalid scenario or command line; nothing was written
    kExitTargetMissed = 3,  ///< --fail-on-target and some target's CI lies wholly outside it
};

/// A command-line problem found after parsing (e.g. an option this version does not support
/// yet). Exit code 2; thrown before any output exists.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// `qosim run` options as given.
struct RunOptions {
    std::string scenario;
    std::optional<std::string> out;         ///< default: out/<scenario file stem>
    std::optional<std::string> reps;        ///< becomes the override run.replications=N
    std::optional<std::string> seed;        ///< becomes run.seed=S
    std::optional<std::string> horizon;     ///< becomes run.horizon=T
    std::vector<std::string> sets;          ///< --set PATH=VALUE, in order
    unsigned jobs = 1;                      ///< worker threads (>= 1)
    std::optional<std::string> trace;       ///< --trace FILE: order-level event log
    std::optional<std::string> trace_reps;  ///< --trace-reps LIST: "0,2-4"
    std::optional<std::string> trace_time;  ///< --trace-window FROM:TO (simulated time)
    std::optional<std::string> timeseries;  ///< --timeseries WINDOW (scenario time units)
    std::optional<std::string> variant;     ///< --variant NAME of `variants:`
    bool fail_on_target = false;
    bool quiet = false;
};

/// `qosim sweep` options.
struct SweepOptions {
    std::string scenario;
    std::optional<std::string> out;  ///< default: out/<scenario file stem>
    std::optional<std::string> reps;
    std::optional<std::string> seed;
    std::optional<std::string> horizon;
    std::vector<std::string> sets;
    unsigned jobs = 1;
    bool resume = false;
    std::optional<std::string> shard;  ///< "K/N" or "auto"
    std::string objective = "cost_per_order";
    bool quiet = false;
};

/// `qosim compare` options.
struct CompareOptions {
    std::string scenario;
    std::vector<std::string> variants;  ///< --variant NAME, in order; none: every variant
    std::optional<std::string> out;
    std::optional<std::string> reps;
    std::optional<std::string> seed;
    std::optional<std::string> horizon;
    std::vector<std::string> sets;
    unsigned jobs = 1;
    bool select = false;
    std::string objective = "cost_per_order";
    std::optional<double> delta;  ///< indifference zone, in the objective's unit
    std::size_t max_reps = 1000;
    bool quiet = false;
};

/// `qosim merge` options.
struct MergeOptions {
    std::vector<std::string> dirs;
    std::string out;
    bool quiet = false;
};

/// `qosim check` options: the scenario overrides of `run`, validated the same way.
struct CheckOptions {
    std::string scenario;
    std::vector<std::string> sets;
    std::optional<std::string> reps;     ///< becomes run.replications=N
    std::optional<std::string> seed;     ///< becomes run.seed=S
    std::optional<std::string> horizon;  ///< becomes run.horizon=T
};

/// `qosim graph` options.
struct GraphOptions {
    std::string scenario;
    std::optional<std::string> output;   ///< -o FILE.dot|.svg|.png; default stdout
    std::optional<std::string> results;  ///< --results DIR of `qosim run --out DIR`
};

/// `qosim schema` options.
struct SchemaOptions {
    bool markdown = false;  ///< the key reference as Markdown tables (docs/scenario.md)
};

/// The parsed command line: option values plus the subcommands that own them.
struct CommandLine {
    RunOptions run;
    CheckOptions check;
    GraphOptions graph;
    SchemaOptions schema;
    SweepOptions sweep;
    CompareOptions compare;
    MergeOptions merge;
    CLI::App* sweep_cmd = nullptr;
    CLI::App* compare_cmd = nullptr;
    CLI::App* merge_cmd = nullptr;
    CLI::App* run_cmd = nullptr;
    CLI::App* check_cmd = nullptr;
    CLI::App* graph_cmd = nullptr;
    CLI::App* schema_cmd = nullptr;
};

/// Declares the `qosim` program on `app` (version flag, subcommands, options), binding the
/// values to `cmd`, which must outlive `app`'s parse.
void configure_cli(CLI::App& app, CommandLine& cmd);

/// The overrides handed to the loader for `run`: the --set items, then run.replications,
/// run.seed and run.horizon from --reps, --seed and --horizon when given.
std::vector<std::string> run_overrides(const RunOptions& options);

/// The same for `check` (the same order, so the same messages for the same mistakes).
std::vector<std::string> check_overrides(const CheckOptions& options);

/// The output directory of `run`: --out, or "out/<scenario file stem>".
std::string default_out_dir(const RunOptions& options);

/// Executes the subcommand selected by the parse. Returns kExitOk or kExitTargetMissed.
/// Throws UsageError, models::ScenarioError, models::RunLimitError or other exceptions,
/// which main() maps to exit codes in one place.
int execute(const CommandLine& cmd);

}  // namespace qosim::app
