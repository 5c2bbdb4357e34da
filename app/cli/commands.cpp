// The command line: CLI11 declaration of the subcommands and the execution of run, check, graph.
#include "app/cli/commands.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <unistd.h>

#include "app/cli/trace_options.hpp"
#include "app/cli/whatif_commands.hpp"
#include "app/output/console.hpp"
#include "app/output/csv.hpp"
#include "app/output/render_dot.hpp"
#include "app/output/results_notes.hpp"
#include "app/output/summary.hpp"
#include "app/output/text.hpp"
#include "app/output/trace.hpp"
#include "app/output/writer.hpp"
#include "app/runner/experiment.hpp"
#include "app/runner/interrupt.hpp"
#include "app/runner/mpi_tasks.hpp"
#include "models/graph/absorbing_chain.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/graph/graph_notes.hpp"
#include "models/graph/promise_analysis.hpp"
#include "models/graph/stage_graph.hpp"
#include "models/input/json_schema.hpp"
#include "models/input/load.hpp"
#include "models/run/replication.hpp"
#include "models/run/run_control.hpp"
#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/schema.hpp"

namespace qosim::app {

namespace detail {

/// Accepts a whole number >= 1 (thread counts).
const CLI::Validator kAtLeastOne(
    [](std::string& value) -> std::string {
        unsigned long long n = 0;
        const char* first = value.data();
        const char* last = first + value.size();
        const auto [end, ec] = std::from_chars(first, last, n);
        if (ec != std::errc{} || end != last || n < 1) {
            return cat({"must be a whole number >= 1, got '", value, "'"});
        }
        return {};
    },
    "");

/// Fails early, before anything is computed or written, when `path` cannot become a directory.
void check_out_dir(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
        throw UsageError(cat({"--out ", dir.string(), ": exists and is not a directory"}));
    }
    // Fail before simulating when the directory could not be created or written: the
    // nearest existing ancestor must be a writable directory.
    fs::path probe = fs::absolute(dir, ec);
    while (!probe.empty() && !fs::exists(probe, ec) && probe.has_parent_path() &&
           probe.parent_path() != probe)
        probe = probe.parent_path();
    if (!fs::is_directory(probe, ec) || ::access(probe.c_str(), W_OK) != 0) {
        throw UsageError(cat({"--out ", dir.string(), ": cannot create or write it (",
                              probe.string(), " is not a writable directory)"}));
    }
}

OutputSet open_output_set(const std::filesystem::path& dir) {
    try {
        return OutputSet(dir);
    } catch (const OutputLockedError& e) {
        throw UsageError(e.what());
    }
}

namespace {

/// True when `a` and `b` name one existing file.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

/// The files `qosim run` may write into its --out directory.
constexpr std::array<const char*, 10> kRunOutputNames = {
    "runs.csv",          "stages.csv",        "classes.csv",  "timeseries.csv", "summary.csv",
    "stage_summary.csv", "class_summary.csv", "run_info.csv", "report.html",    kManifestName};

/// Refuses a --trace FILE that is the scenario or one of the run's own output files.
void refuse_trace_onto(const std::filesystem::path& trace, const std::filesystem::path& scenario,
                       const std::filesystem::path& out_dir) {
    if (same_file(trace, scenario)) {
        throw UsageError(
            cat({"--trace ", trace.string(), ": is the scenario file ", scenario.string(),
                 "; qosim never writes over its input, so "
                 "give the trace another name (e.g. trace.csv)"}));
    }
    const std::string name = trace.filename().string();
    if (same_file(trace.parent_path().empty() ? "." : trace.parent_path(), out_dir) &&
        std::any_of(kRunOutputNames.begin(), kRunOutputNames.end(),
                    [&](const char* n) { return name == n; })) {
        throw UsageError(cat({"--trace ", trace.string(), ": is one of the run's own results in ",
                              out_dir.string(), "; give the trace another name (e.g. trace.csv)"}));
    }
}

}  // namespace

void refuse_overwriting_input(const std::filesystem::path& input, const std::filesystem::path& dir,
                              std::span<const char* const> names) {
    for (const char* name : names) {
        if (same_file(dir / name, input)) {
            throw UsageError(cat({"--out ", dir.string(), ": would write ", name,
                                  " over the input ", input.string(),
                                  "; qosim never writes over what it reads, so "
                                  "choose another --out"}));
        }
    }
}

/// Fails early when -o FILE cannot be written into its directory.
void check_output_file(const std::filesystem::path& file) {
    std::error_code ec;
    const auto parent = file.parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        throw UsageError(
            cat({"-o ", file.string(), ": directory ", parent.string(), " does not exist"}));
    }
    if (std::filesystem::is_directory(file, ec)) {
        throw UsageError(cat({"-o ", file.string(), ": is a directory"}));
    }
}

/// The --timeseries WINDOW value: a positive, finite number of scenario time units.
double parse_window(const std::string& text) {
    double w = 0.0;
    const char* first = text.data();
    const char* last = first + text.size();
    const auto [end, ec] = std::from_chars(first, last, w);
    if (ec != std::errc{} || end != last || !std::isfinite(w) || !(w > 0.0)) {
        throw UsageError(
            cat({"--timeseries ", text, ": must be a positive number of scenario time units"}));
    }
    return w;
}

/// Fails early when --trace FILE cannot be written: its directory must exist.
void check_trace_file(const std::filesystem::path& file) {
    std::error_code ec;
    const auto parent = file.parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        throw UsageError(cat({"--trace ", file.string(), ": directory ", parent.string(),
                              " does not exist (create it first)"}));
    }
    if (std::filesystem::is_directory(file, ec)) {
        throw UsageError(cat({"--trace ", file.string(), ": is a directory"}));
    }
}

/// The scenario's warnings (valid, but probably not meant), each on stderr with its place.
void print_warnings(const models::Scenario& scenario) {
    for (const auto& w : scenario.warnings) std::cerr << "qosim: warning: " << w.render() << "\n";
}

void add_shared_run_options(CLI::App* sub, const SharedRunOptions& o, const std::string& out_help,
                            const std::string& reps_help, const std::string& set_help) {
    sub->add_option("--out", o.out, out_help)->type_name("DIR");
    sub->add_option("--reps", o.reps, reps_help)->type_name("N");
    sub->add_option("--seed", o.seed, "Base random seed (overrides run.seed)")->type_name("S");
    sub->add_option("--horizon", o.horizon,
                    "Simulated time per replication (overrides run.horizon)")
        ->type_name("T");
    sub->add_option("--set", o.sets, set_help)->type_name("PATH=VALUE")->allow_extra_args(false);
    sub->add_option("--jobs", o.jobs, "Worker threads (default: all cores)")
        ->type_name("N")
        ->check(kAtLeastOne);
}

const models::Variant& find_variant_or_throw(const models::ScenarioFile& file,
                                             const std::string& name) {
    if (const models::Variant* v = file.find_variant(name)) return *v;
    std::vector<std::string> known;
    std::string list;
    for (const auto& x : file.variants()) {
        known.push_back(x.name);
        list += cat({list.empty() ? "" : ", ", x.name});
    }
    throw UsageError(
        cat({"--variant ", name, ": no such variant in ", file.file(), "; ",
             models::suggestion_hint(name, known,
                                     list.empty() ? std::string("the file has no `variants:`")
                                                  : cat({"the variants are: ", list}))}));
}

/// The results of every replication are kept in memory until they are written. Refuses, before
/// anything runs, a run whose results alone would take more than half of this machine's
/// memory (the replications times the stages, products and --timeseries windows of each).
void check_result_memory(const models::Scenario& sc, std::optional<double> window) {
    const double reps = std::max<double>(sc.run.replications,
                                         sc.run.precision ? sc.run.precision->max_replications : 0);
    double stations = 0;
    for (const auto& st : sc.stages)
        stations +=
            st.type == models::StageType::station || st.type == models::StageType::inspection ? 1
                                                                                              : 0;
    const double windows = window && !sc.run.orders ? std::ceil(sc.run.horizon / *window) : 0.0;
    const double per_rep =
        static_cast<double>(sizeof(models::ReplicationResult)) +
        static_cast<double>(sc.stages.size()) *
            static_cast<double>(sizeof(models::StageResult) + sizeof(models::StageWipAtEnd)) +
        static_cast<double>(sc.products.size()) * static_cast<double>(sizeof(models::ClassResult)) +
        windows * (static_cast<double>(sizeof(models::WindowResult)) + 8.0 * stations);
    const double bytes = reps * per_rep;
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return;
    const double limit = 0.5 * static_cast<double>(pages) * static_cast<double>(page);
    if (bytes <= limit) return;
    auto gib = [](double b) {
        return cat({format_number(std::ceil(b / 1073741824.0 * 10) / 10), " GiB"});
    };
    throw UsageError(
        cat({"the results of ", format_count(reps), " replications (",
             std::to_string(sc.stages.size()), " stages",
             windows > 0 ? cat({", ", format_count(windows), " --timeseries windows each"}) : "",
             ") would take about ", gib(bytes),
             " of memory until they are written, more than half of "
             "this machine's ",
             gib(2 * limit), "; use at most ", format_count(std::floor(limit / per_rep)),
             " replications", windows > 0 ? " or a wider --timeseries window" : ""}));
}

int run_command(const RunOptions& opt) {
    if (opt.jobs < 1) throw UsageError("--jobs must be >= 1");
    std::optional<double> window;
    if (opt.timeseries) window = parse_window(*opt.timeseries);
    if (opt.trace) check_trace_file(*opt.trace);

    const models::ScenarioFile file = models::ScenarioFile::read(opt.scenario);
    std::vector<models::Setting> settings;
    if (opt.variant) settings = find_variant_or_throw(file, *opt.variant).settings;
    (void)file.load_checked(run_overrides(opt));  // every variant and swept value, up front
    models::Scenario loaded = file.load(run_overrides(opt), settings);
    if (opt.variant) loaded.variant = *opt.variant;
    print_warnings(loaded);
    const TraceSelection trace_rows = trace_selection(opt, loaded);
    if (opt.trace) {
        if (const auto w = trace_size_warning(*opt.trace, estimate_trace(loaded, trace_rows)))
            std::cerr << "qosim: warning: " << *w << "\n";
    }
    // In orders mode the end is not known yet: the engine applies the same bound.
    constexpr auto kMaxWindows = static_cast<double>(models::kMaxTimeseriesWindows);
    if (window && !loaded.run.orders && loaded.run.horizon / *window > kMaxWindows) {
        throw UsageError(
            cat({"--timeseries ", *opt.timeseries, ": ",
                 format_number(std::ceil(loaded.run.horizon / *window)),
                 " windows per replication (horizon ", format_number(loaded.run.horizon),
                 "); at most ", format_count(kMaxWindows), ", so use a wider window"}));
    }
    check_result_memory(loaded, window);
    const std::filesystem::path out_dir = default_out_dir(opt);
    check_out_dir(out_dir);
    refuse_overwriting_input(opt.scenario, out_dir, kRunOutputNames);
    if (opt.trace) refuse_trace_onto(*opt.trace, opt.scenario, out_dir);
    // Holds the directory's lock until the results are published: a second run into the same
    // --out refuses (exit 2).
    OutputSet output = open_output_set(out_dir);
    const bool show_progress = !opt.quiet && ::isatty(::fileno(stderr)) == 1;

    RunOutcome outcome;
    outcome.timeseries_window = window;
    outcome.trace_file = opt.trace;
    models::Scenario scenario = loaded;
    if (scenario.run.warmup_auto) {
        // MSER-5 on pilot replications (pure and deterministic), before the main run.
        if (show_progress) std::cerr << "choosing the warm-up (MSER-5 on pilot runs)...\r";
        scenario.run.warmup = models::choose_warmup(loaded);
        if (show_progress) std::cerr << std::string(50, ' ') << '\r' << std::flush;
        outcome.warmup_auto = true;
    }

    // Replications first; the output directory appears only once all of them succeeded.
    std::optional<TraceParts> trace;
    if (opt.trace) trace.emplace(*opt.trace, scenario, trace_rows);
    ExperimentResult experiment;
    {
        const InterruptGuard guard;
        ProgressBar bar(std::cerr, show_progress);
        ExperimentOptions eo;
        eo.jobs = opt.jobs;
        eo.stop = &InterruptGuard::stop_flag();
        // By simulated time inside the replications running, so one long replication moves it.
        if (show_progress) {
            eo.on_partial_progress = [&bar](double done, std::size_t total) {
                bar.update_partial(done, total);
            };
        }
        if (window) eo.timeseries_window = *window;
        if (trace) eo.open_trace = [&trace](std::size_t rep) { return trace->open(rep); };
        experiment = run_experiment(scenario, eo);
        bar.finish();
    }
    const auto& results = experiment.results;
    outcome.precision = experiment.precision;
    outcome.interrupted = experiment.interrupted;
    scenario.run.replications = static_cast<int>(results.size());
    if (experiment.interrupted) {
        if (results.empty()) {
            std::cerr << "qosim: interrupted before any replication finished; nothing written\n";
            return kExitInterrupted;
        }
        // The trace's parts are numbered by replication and would not form one log; drop it.
        if (trace)
            std::cerr << "qosim: interrupted: the trace " << *opt.trace
                      << " is not written (a partial trace would have gaps)\n";
        outcome.trace_file.reset();
        trace.reset();
    }
    if (trace) trace->commit(results.size());

    const Summary summary = summarize(scenario, results);
    const auto files = write_run_outputs(output, scenario, results, summary, outcome);

    std::cout << render_run_report(scenario, summary, files, outcome) << std::flush;
    for (const std::string& w : run_warnings(scenario, summary, results))
        std::cerr << "qosim: warning: " << w << "\n";
    if (outcome.precision && !outcome.precision->reached) {
        std::cerr << "qosim: warning: precision goal not reached within "
                     "precision.max_replications ("
                  << outcome.precision->max_replications << ")\n";
    }
    if (experiment.interrupted) {
        std::cerr << "qosim: interrupted: wrote the " << results.size()
                  << " replications that had finished (marked interrupted in run_info.csv)\n";
        return kExitInterrupted;
    }
    if (opt.fail_on_target && summary.any_target_failed()) {
        std::cerr << "qosim: a target was missed (--fail-on-target)\n";
        return kExitTargetMissed;
    }
    return kExitOk;
}

int check_command(const CheckOptions& opt) {
    const models::Scenario scenario = models::load_scenario(opt.scenario, check_overrides(opt));
    print_warnings(scenario);
    const models::QualityAnalysis quality = models::analyse_quality(scenario);
    const models::FlowAnalysis flow = models::analyse_flow(scenario, quality);
    const models::PromiseAnalysis promises = models::analyse_promises(scenario, quality);
    std::cout << render_check_report(scenario, flow, quality)
              << render_promise_report(scenario, promises) << std::flush;
    for (const std::string& w : check_warnings(scenario, flow))
        std::cerr << "qosim: warning: " << w << "\n";
    for (const std::string& w : promise_warnings(scenario, promises))
        std::cerr << "qosim: warning: " << w << "\n";
    return kExitOk;
}

int graph_command(const GraphOptions& opt) {
    // -o FILE: .dot is plain DOT; .svg and .png are rendered by Graphviz `dot`.
    std::string format;
    if (opt.output) {
        std::string ext = std::filesystem::path(*opt.output).extension().string();
        for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (ext == ".svg" || ext == ".png") {
            format = ext.substr(1);
        } else if (ext != ".dot" && ext != ".gv") {
            throw UsageError(cat({"-o ", *opt.output, ": unknown extension `", ext,
                                  "`; use FILE.dot (DOT text), FILE.svg or FILE.png (rendered "
                                  "with Graphviz)"}));
        }
        check_output_file(*opt.output);
        if (same_file(*opt.output, opt.scenario)) {
            throw UsageError(cat({"-o ", *opt.output,
                                  ": is the scenario file; qosim never "
                                  "writes over its input, so give the picture another name "
                                  "(e.g. line.svg)"}));
        }
        if (!format.empty() && !find_on_path("dot")) {
            throw UsageError(cat({"-o ", *opt.output,
                                  ": rendering needs Graphviz `dot`, which is not on PATH "
                                  "(install graphviz), or write plain DOT with -o FILE.dot"}));
        }
    }
    const models::Scenario scenario = models::load_scenario(opt.scenario);
    std::string dot;
    if (opt.results) {
        try {
            dot = models::to_graphviz(scenario, read_results_notes(*opt.results, scenario));
        } catch (const ResultsError& e) {
            throw UsageError(e.what());
        }
    } else {
        dot = models::to_graphviz(scenario);
    }
    if (!opt.output) {
        std::cout << dot << std::flush;
    } else if (format.empty()) {
        write_file_atomic(*opt.output, dot);
    } else {
        render_dot(dot, format, *opt.output);
    }
    return kExitOk;
}

int schema_command(const SchemaOptions& opt) {
    std::cout << (opt.markdown ? models::schema_markdown() : models::scenario_json_schema())
              << std::flush;
    return kExitOk;
}

}  // namespace detail

namespace detail {

/// --set items, then --reps, --seed and --horizon as the overrides they stand for.
std::vector<std::string> overrides_of(const std::vector<std::string>& sets,
                                      const std::optional<std::string>& reps,
                                      const std::optional<std::string>& seed,
                                      const std::optional<std::string>& horizon) {
    std::vector<std::string> overrides = sets;
    if (reps) overrides.push_back(cat({"run.replications=", *reps}));
    if (seed) overrides.push_back(cat({"run.seed=", *seed}));
    if (horizon) overrides.push_back(cat({"run.horizon=", *horizon}));
    return overrides;
}

}  // namespace detail

std::vector<std::string> run_overrides(const RunOptions& options) {
    return detail::overrides_of(options.sets, options.reps, options.seed, options.horizon);
}

std::vector<std::string> check_overrides(const CheckOptions& options) {
    return detail::overrides_of(options.sets, options.reps, options.seed, options.horizon);
}

std::string default_out_dir(const RunOptions& options) {
    if (options.out) return *options.out;
    return (std::filesystem::path("out") / std::filesystem::path(options.scenario).stem()).string();
}

void configure_cli(CLI::App& app, CommandLine& cmd) {
    app.description(
        "qosim: discrete-event simulation of production and delivery pipelines.\n"
        "Measures cost, lead time and customer-facing error rate of a YAML scenario.");
    app.set_version_flag(
        "--version",
        [] {
            return cat({"qosim ", QOSIM_VERSION, "\nMPI: ",
                        mpi_built_in() ? cat({"yes (", mpi_library_version(),
                                              "; mpirun -n N qosim sweep ...)"})
                                       : std::string("no (built without MPI)")});
        },
        "Print the version (and whether MPI is built in) and exit");
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 success, 1 run limit or internal error, 2 invalid scenario or usage\n"
        "(nothing written), 3 a target was missed with --fail-on-target.\n"
        "Run `qosim SUBCOMMAND --help` for the options of a subcommand.");

    // --- run ---------------------------------------------------------------------------------
    RunOptions& run = cmd.run;
    run.jobs = default_jobs();
    cmd.run_cmd = app.add_subcommand("run", "Simulate a scenario and write CSV results");
    CLI::App* r = cmd.run_cmd;
    r->add_option("SCENARIO", run.scenario, "Scenario file (YAML)")->required()->type_name("FILE");
    detail::add_shared_run_options(
        r, {run.out, run.reps, run.seed, run.horizon, run.sets, run.jobs},
        "Output directory (default: out/<scenario file stem>)",
        "Replications (overrides run.replications)",
        "Override a scenario value, e.g. --set stages.smt.servers=3 (repeatable)");
    r->add_option("--trace", run.trace,
                  "Write an order-level event log CSV (replication,time,order,stage,event)")
        ->type_name("FILE");
    r->add_option("--trace-reps", run.trace_reps,
                  "With --trace: only these replications, e.g. 0,2-4 (default: all)")
        ->type_name("LIST");
    r->add_option("--trace-window", run.trace_time,
                  "With --trace: only rows with FROM <= time <= TO (scenario time units)")
        ->type_name("FROM:TO");
    r->add_option("--timeseries", run.timeseries,
                  "Write DIR/timeseries.csv with windows of WINDOW scenario time units")
        ->type_name("WINDOW");
    r->add_flag("--fail-on-target", run.fail_on_target,
                "Exit with code 3 when a target's 95 % CI lies wholly outside it");
    r->add_flag("--quiet", run.quiet, "No progress bar");

    r->add_option("--variant", run.variant, "Run the named variant of `variants:`")
        ->type_name("NAME");

    detail::configure_whatif_cli(app, cmd);

    // --- check -------------------------------------------------------------------------------
    CheckOptions& check = cmd.check;
    cmd.check_cmd = app.add_subcommand(
        "check", "Validate a scenario and show its static flow analysis (no simulation)");
    CLI::App* c = cmd.check_cmd;
    c->add_option("SCENARIO", check.scenario, "Scenario file (YAML)")
        ->required()
        ->type_name("FILE");
    c->add_option("--set", check.sets, "Override a scenario value (repeatable), as for `run`")
        ->type_name("PATH=VALUE")
        ->allow_extra_args(false);
    c->add_option("--reps", check.reps, "Replications (overrides run.replications)")
        ->type_name("N");
    c->add_option("--seed", check.seed, "Base random seed (overrides run.seed)")->type_name("S");
    c->add_option("--horizon", check.horizon,
                  "Simulated time per replication (overrides run.horizon)")
        ->type_name("T");
    c->footer([] { return cat({"Scenario keys:\n", models::schema_reference()}); });

    // --- graph -------------------------------------------------------------------------------
    GraphOptions& graph = cmd.graph;
    cmd.graph_cmd =
        app.add_subcommand("graph", "Write the stage graph as Graphviz DOT, SVG or PNG");
    CLI::App* g = cmd.graph_cmd;
    g->add_option("SCENARIO", graph.scenario, "Scenario file (YAML)")
        ->required()
        ->type_name("FILE");
    g->add_option("-o,--output", graph.output,
                  "Write to FILE instead of stdout: FILE.dot (DOT text), FILE.svg or "
                  "FILE.png (rendered with Graphviz `dot`)")
        ->type_name("FILE.dot|FILE.svg|FILE.png");
    // --- schema ------------------------------------------------------------------------------
    cmd.schema_cmd = app.add_subcommand(
        "schema",
        "Print the scenario format as JSON Schema (draft-07; every key, from the schema table)");
    cmd.schema_cmd->add_flag("--markdown", cmd.schema.markdown,
                             "The key reference as Markdown tables (as in docs/scenario.md)");

    g->add_option("--results", graph.results,
                  "Annotate with the results of `qosim run --out DIR`: utilisation, bottleneck, "
                  "flows, errors reaching customers, cost")
        ->type_name("DIR");
}

int execute(const CommandLine& cmd) {
    if (cmd.run_cmd != nullptr && cmd.run_cmd->parsed()) return detail::run_command(cmd.run);
    if (cmd.check_cmd != nullptr && cmd.check_cmd->parsed()) {
        return detail::check_command(cmd.check);
    }
    if (cmd.graph_cmd != nullptr && cmd.graph_cmd->parsed()) {
        return detail::graph_command(cmd.graph);
    }
    if (cmd.sweep_cmd != nullptr && cmd.sweep_cmd->parsed())
        return detail::sweep_command(cmd.sweep);
    if (cmd.compare_cmd != nullptr && cmd.compare_cmd->parsed())
        return detail::compare_command(cmd.compare);
    if (cmd.merge_cmd != nullptr && cmd.merge_cmd->parsed())
        return detail::merge_command(cmd.merge);
    if (cmd.schema_cmd != nullptr && cmd.schema_cmd->parsed()) {
        return detail::schema_command(cmd.schema);
    }
    throw UsageError("a subcommand is required (run, check or graph); see qosim --help");
}

}  // namespace qosim::app
