// `qosim sweep | compare | merge`: design points and variants run with common random numbers.
#include "app/cli/whatif_commands.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "app/output/console.hpp"
#include "app/output/csv.hpp"
#include "app/output/text.hpp"
#include "app/output/whatif_csv.hpp"
#include "app/output/whatif_report.hpp"
#include "app/output/writer.hpp"
#include "app/runner/interrupt.hpp"
#include "app/runner/journal.hpp"
#include "app/runner/mpi_tasks.hpp"
#include "app/runner/whatif.hpp"
#include "models/input/load.hpp"
#include "models/run/metrics.hpp"
#include "models/run/replication.hpp"
#include "models/scenario/did_you_mean.hpp"
#include "sim/random.hpp"

namespace qosim::app::detail {

namespace fs = std::filesystem;

/// The files `qosim sweep` may write into its --out directory.
constexpr std::array<const char*, 7> kSweepOutputNames = {
    "sweep.csv",     "sweep_summary.csv", "run_info.csv", "report.html",
    "sweep.journal", "scenario.yaml",     kManifestName};

/// The files `qosim compare` may write into its --out directory.
constexpr std::array<const char*, 6> kCompareOutputNames = {"compare.csv",   "compare_runs.csv",
                                                            "selection.csv", "run_info.csv",
                                                            "report.html",   kManifestName};

namespace {

/// The most (point x replication) tasks one sweep may plan (each finished row is kept).
constexpr std::size_t kMaxTasks = 100'000'000;

/// --set items, then --seed and --horizon: the overrides a sweep's manifest records (--reps
/// is kept apart, so that `--resume --reps N` may grow a finished sweep).
std::vector<std::string> whatif_overrides(const std::vector<std::string>& sets,
                                          const std::optional<std::string>& seed,
                                          const std::optional<std::string>& horizon) {
    std::vector<std::string> out = sets;
    if (seed) out.push_back(cat({"run.seed=", *seed}));
    if (horizon) out.push_back(cat({"run.horizon=", *horizon}));
    return out;
}

std::vector<std::string> with_reps(std::vector<std::string> overrides,
                                   const std::optional<std::string>& reps) {
    if (reps) overrides.push_back(cat({"run.replications=", *reps}));
    return overrides;
}

/// What a sweep's rows depend on: the scenario's bytes, the overrides, the random-number
/// use and the program version. Not --reps, --jobs or --shard.
std::string manifest_hash(std::uint64_t content_hash, const std::vector<std::string>& overrides) {
    std::string key =
        cat({"qosim ", QOSIM_VERSION, "\nstream ", std::to_string(models::kStreamVersion),
             "\nscenario ", format_hash(content_hash), "\n"});
    for (const auto& o : overrides) key += cat({"set ", o, "\n"});
    return format_hash(sim::fnv1a64(key));
}

/// "--shard K/N" (1 <= K <= N) or "auto" (a Slurm job array's task id and count).
Shard parse_shard(const std::string& text) {
    auto number = [&](std::string_view s, const char* what) {
        std::size_t n = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
            throw UsageError(cat({"--shard ", text, ": ", what, " is not a whole number"}));
        return n;
    };
    if (text == "auto") {
        const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
        const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
        const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
        if (id == nullptr || count == nullptr)
            throw UsageError(
                "--shard auto: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set (run "
                "it inside a Slurm job array, e.g. sbatch --array=1-4, or give --shard K/N)");
        const char* step_text = std::getenv("SLURM_ARRAY_TASK_STEP");
        const std::size_t first = min != nullptr ? number(min, "SLURM_ARRAY_TASK_MIN") : 0;
        const std::size_t step =
            step_text != nullptr ? number(step_text, "SLURM_ARRAY_TASK_STEP") : 1;
        const std::size_t task = number(id, "SLURM_ARRAY_TASK_ID");
        const std::size_t n = number(count, "SLURM_ARRAY_TASK_COUNT");
        // Task ids run first, first + step, ...: the k-th of them is slice k.
        if (step < 1 || task < first || (task - first) % step != 0 || (task - first) / step >= n)
            throw UsageError(
                cat({"--shard auto: SLURM_ARRAY_TASK_ID ", id, " is not one of the array's ", count,
                     " ids (min ", std::to_string(first), ", step ", std::to_string(step),
                     "); use an array such as --array=1-N"}));
        return Shard{(task - first) / step + 1, n};
    }
    const auto slash = text.find('/');
    if (slash == std::string::npos)
        throw UsageError(cat({"--shard ", text, ": expected K/N (e.g. 2/4) or auto"}));
    const std::size_t k = number(std::string_view(text).substr(0, slash), "K");
    const std::size_t n = number(std::string_view(text).substr(slash + 1), "N");
    if (n < 1 || n > 1'000'000 || k < 1 || k > n)
        throw UsageError(cat({"--shard ", text, ": K must be 1..N and N 1..1000000"}));
    return Shard{k, n};
}

/// The file's bytes (for the copy a sweep keeps beside its journal).
std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in && !in.eof()) throw std::runtime_error(cat({path, ": cannot be read"}));
    return buffer.str();
}

/// The value of `key` in a run_info.csv (plain keys and values only), or none.
std::optional<std::string> run_info_value(const fs::path& file, std::string_view key) {
    std::ifstream in(file);
    std::string line;
    const std::string prefix = cat({key, ","});
    while (std::getline(in, line))
        if (line.starts_with(prefix)) return line.substr(prefix.size());
    return std::nullopt;
}

/// "stages.smt.servers=3, stages.aoi.escape_prob=0.05".
std::string describe_point(const models::SweepDesign& design, std::size_t p) {
    std::string out;
    for (std::size_t i = 0; i < design.parameters.size(); ++i) {
        if (i > 0) out += ", ";
        out += cat({design.parameters[i].path, "=", design.points.at(p).at(i)});
    }
    return out;
}

/// The unit of a run metric in words, for the console.
std::string unit_words(const models::Scenario& sc, std::string_view unit) {
    const std::string tu(models::to_string(sc.time_unit));
    if (unit == "time") return tu + "s";
    if (unit.ends_with("/time")) return cat({unit.substr(0, unit.size() - 4), tu});
    return std::string(unit);
}

bool stderr_is_terminal() { return ::isatty(::fileno(stderr)) == 1; }

/// The sweep's tasks: point-major, replications 0..reps-1; with a shard only task i of that
/// order when i mod N == K - 1 (round-robin, so every slice gets every kind of point).
std::vector<Task> plan_tasks(std::size_t points, std::size_t reps,
                             const std::optional<Shard>& shard) {
    std::vector<Task> tasks;
    for (std::size_t p = 0; p < points; ++p)
        for (std::size_t r = 0; r < reps; ++r) {
            const std::size_t i = p * reps + r;
            if (!shard || i % shard->count == shard->index - 1) tasks.push_back({p, r});
        }
    return tasks;
}

/// Publishes sweep.csv, sweep_summary.csv, run_info.csv and report.html (plus whatever
/// `output` already keeps) from the rows of every
/// task (as collect_outcome leaves them: sorted, the lowest failure per point, no rows of a
/// failed point): the one place a sweep's final files are made, for a plain run, a resume
/// and a merge alike, so they are byte-identical.
std::vector<fs::path> write_sweep_outputs(OutputSet& output, const models::Scenario& base,
                                          const models::SweepDesign& design,
                                          const WhatIfOutcome& all, const std::string& objective,
                                          std::vector<PointSummary>& summaries) {
    const auto& rows = all.rows;
    const auto& failures = all.failures;
    summaries = summarize_points(base, design.points.size(), rows, failures, objective);

    RunOutcome outcome;
    outcome.warmup_auto = base.run.warmup_auto;
    std::string info = run_info_csv(base, outcome);
    CsvBuilder extra;
    extra.text("sweep_method")
        .text(design.method == models::SweepMethod::grid ? "grid" : "lhs")
        .end_row();
    extra.text("design_points").count(static_cast<double>(design.points.size())).end_row();
    extra.text("objective").text(objective).end_row();
    extra.text("failed_points").count(static_cast<double>(failures.size())).end_row();
    info += extra.str();

    output.add("sweep.csv", sweep_csv(base, design, rows));
    output.add("sweep_summary.csv", sweep_summary_csv(base, design, summaries));
    output.add("run_info.csv", info);
    output.add("report.html", sweep_report_html(base, design, summaries));
    return output.publish();
}

/// The console's account of a finished sweep.
void print_sweep_report(const models::Scenario& base, const models::SweepDesign& design,
                        const std::vector<PointSummary>& summaries, std::size_t reps,
                        const std::string& objective, const std::vector<fs::path>& files,
                        double seconds, std::size_t tasks_run) {
    std::size_t feasible = 0, pareto = 0, failed = 0;
    const PointSummary* selected = nullptr;
    for (const auto& s : summaries) {
        feasible += s.feasible == TargetStatus::yes ? 1 : 0;
        pareto += s.pareto ? 1 : 0;
        failed += s.error.empty() ? 0 : 1;
        if (s.selected) selected = &s;
    }
    std::ostringstream out;
    out << "sweep " << base.name << ": " << design.points.size() << " points x " << reps
        << " replications (common random numbers across points)\n";
    if (tasks_run > 0 && seconds > 0.0)
        out << "  ran " << tasks_run << " tasks in " << fixed(seconds, 1) << " s ("
            << significant(static_cast<double>(tasks_run) / seconds, 3) << " tasks/s)\n";
    out << "  feasible (every target met on its 95 % CI): " << feasible << " of "
        << summaries.size()
        << "; Pareto-optimal on cost per order vs customer error rate: " << pareto
        << (failed > 0 ? cat({"; failed: ", std::to_string(failed)}) : "") << "\n";
    if (selected != nullptr) {
        const MetricSummary* m = nullptr;
        for (const auto& x : selected->metrics)
            if (x.name == objective) m = &x;
        out << "  selected: point " << selected->point << " ("
            << describe_point(design, selected->point) << ")";
        if (m != nullptr && m->unit == "share") {
            out << ", " << objective << " " << significant(100 * m->mean, 4) << " % +- "
                << significant(100 * m->half_width(), 2) << " percentage points";
        } else if (m != nullptr) {
            out << ", " << objective << " " << significant(m->mean, 4) << " +- "
                << significant(m->half_width(), 2) << " " << unit_words(base, m->unit);
        }
        out << "\n";
    } else {
        out << "  selected: none (no point meets every target on its CI)\n";
    }
    out << "  wrote";
    for (const auto& f : files) out << " " << f.string();
    out << "\n";
    std::cout << out.str() << std::flush;
}

/// Progress "done of total" with the tasks already finished before this run counted.
ProgressFn offset_progress(ProgressBar& bar, std::size_t already, std::size_t total) {
    return [&bar, already, total](std::size_t done, std::size_t) {
        bar.update(already + done, total);
    };
}

/// The part of a sweep that only rank 0 (or the one process) does: the journal, the dispatch
/// of the tasks, the files and the report.
int sweep_coordinator(const SweepOptions& opt, const models::ScenarioFile& file,
                      const std::vector<std::string>& overrides, models::Scenario base,
                      const models::SweepDesign& sweep_design, const std::optional<Shard>& shard,
                      std::size_t reps, PointScenarios& scenarios, const MpiWorld& world,
                      bool& workers_released);

}  // namespace

int sweep_command(const SweepOptions& opt) {
    if (opt.jobs < 1) throw UsageError("--jobs must be >= 1");
    const MpiSession mpi;
    const MpiWorld& world = mpi.world();
    if (const int launched = launcher_task_count(); launched > 1 && world.size == 1)
        throw UsageError(cat(
            {"the launcher started ", std::to_string(launched),
             " tasks, but this qosim sees one MPI process (",
             mpi_built_in() ? "its MPI does not match the launcher's" : "it was built without MPI",
             "): each task would run the whole sweep. Use a qosim built with "
             "the launcher's MPI, or one task per --shard K/N"}));
    const models::ScenarioFile file = models::ScenarioFile::read(opt.scenario);
    const std::vector<std::string> overrides = whatif_overrides(opt.sets, opt.seed, opt.horizon);
    models::Scenario base = file.load_checked(with_reps(overrides, opt.reps));
    const models::SweepDesign* design = file.sweep();
    if (design == nullptr)
        throw UsageError(cat({opt.scenario,
                              ": has no `sweep:` section, so there is nothing to "
                              "sweep; add one (docs/scenario.md, \"sweep\") or use `qosim run`"}));
    if (std::find_if(models::run_metrics().begin(), models::run_metrics().end(),
                     [&](const auto& m) { return m.name == opt.objective; }) ==
        models::run_metrics().end())
        throw UsageError(cat({"--objective ", opt.objective, ": not a runs.csv metric"}));
    if (world.rank == 0) print_warnings(base);
    if (base.run.precision && world.rank == 0)
        std::cerr << "qosim: warning: `run.precision` is not used by sweep: every point runs "
                     "the same replications (--reps), so the points stay paired\n";
    const std::optional<Shard> shard =
        opt.shard ? std::optional<Shard>(parse_shard(*opt.shard)) : std::nullopt;
    const auto reps = static_cast<std::size_t>(std::max(1, base.run.replications));
    const std::size_t n_points = design->points.size();
    if (n_points > kMaxTasks / reps)
        throw UsageError(
            cat({"sweep: ", std::to_string(n_points), " points x ", std::to_string(reps),
                 " replications is more than ", format_count(static_cast<double>(kMaxTasks)),
                 " tasks; use fewer points or replications, or split the sweep"}));
    std::vector<WhatIfPoint> points;
    points.reserve(n_points);
    for (std::size_t p = 0; p < n_points; ++p)
        points.push_back({cat({"point ", std::to_string(p)}), design->settings(p)});
    PointScenarios scenarios(file, overrides, points, false);
    if (world.rank != 0) {  // an MPI worker: run what rank 0 hands out, write nothing
        mpi_serve(scenarios, world);
        return kExitOk;
    }
    bool workers_released = false;
    try {
        return sweep_coordinator(opt, file, overrides, base, *design, shard, reps, scenarios, world,
                                 workers_released);
    } catch (...) {
        // An error before the tasks were handed out: tell the waiting workers to stop.
        if (world.size > 1 && !workers_released) (void)mpi_dispatch({}, {}, world);
        throw;
    }
}

namespace {

int sweep_coordinator(const SweepOptions& opt, const models::ScenarioFile& file,
                      const std::vector<std::string>& overrides, models::Scenario base,
                      const models::SweepDesign& sweep_design, const std::optional<Shard>& shard,
                      std::size_t reps, PointScenarios& scenarios, const MpiWorld& world,
                      bool& workers_released) {
    const models::SweepDesign* design = &sweep_design;
    const std::size_t n_points = design->points.size();
    const fs::path dir =
        opt.out ? fs::path(*opt.out) : fs::path("out") / fs::path(opt.scenario).stem();
    check_out_dir(dir);
    refuse_overwriting_input(opt.scenario, dir, kSweepOutputNames);
    // The lock is held from here: two sweeps into one --out would mix their journals.
    OutputSet output = open_output_set(dir);
    output.keep("scenario.yaml");
    output.keep("sweep.journal");

    base.overrides = overrides;  // run_info.csv: the same for a plain, resumed or merged sweep
    Manifest manifest;
    manifest.hash = manifest_hash(file.content_hash(), overrides);
    manifest.values = models::run_metrics().size();
    manifest.shard = shard;
    manifest.scenario_file = opt.scenario;
    manifest.overrides = overrides;

    const fs::path jpath = journal_path(dir);
    std::vector<TaskRow> rows;
    std::vector<PointFailure> failures;
    std::optional<JournalWriter> journal;
    std::error_code ec;
    if (fs::exists(jpath, ec)) {
        JournalContents old;
        try {
            old = read_journal(jpath);
        } catch (const std::runtime_error& e) {
            throw UsageError(cat({e.what(), "; choose another --out, or delete ", jpath.string(),
                                  " to start the sweep over"}));
        }
        if (!opt.resume)
            throw UsageError(
                cat({dir.string(), " already holds a sweep (", std::to_string(old.rows.size()),
                     " finished tasks); add --resume to continue it, or choose "
                     "another --out (nothing was changed)"}));
        if (old.manifest.hash != manifest.hash || old.manifest.values != manifest.values)
            throw UsageError(cat({"--resume: the rows in ", jpath.string(),
                                  " were computed from a different scenario file, --set/--seed/"
                                  "--horizon values or qosim version (manifest ",
                                  old.manifest.hash, ", now ", manifest.hash,
                                  "); resuming would mix two experiments. Use another --out, "
                                  "or delete the directory to start over"}));
        if (old.manifest.shard != manifest.shard) {
            auto text = [](const std::optional<Shard>& s) {
                return s ? cat({"--shard ", std::to_string(s->index), "/",
                                std::to_string(s->count)})
                         : std::string("no --shard");
            };
            throw UsageError(cat({"--resume: ", dir.string(), " holds the sweep of ",
                                  text(old.manifest.shard), ", not ", text(shard)}));
        }
        if (old.dropped_bytes > 0)
            std::cerr << "qosim: note: cut a torn last line (" << old.dropped_bytes
                      << " bytes) off " << jpath.string() << "; its task runs again\n";
        if (old.dropped_lines > 0)
            std::cerr << "qosim: warning: skipped " << old.dropped_lines << " damaged line"
                      << (old.dropped_lines == 1 ? "" : "s") << " of " << jpath.string()
                      << " (bad checksum); their tasks run again\n";
        if (!opt.reps && old.replications && *old.replications != reps) {
            // A plain --resume continues with the replications the sweep was started with.
            reps = *old.replications;
            base.run.replications = static_cast<int>(reps);
        }
        rows = std::move(old.rows);
        failures = std::move(old.failures);
        journal.emplace(JournalWriter::append_to(jpath, old.valid_bytes));
    } else {
        if (opt.resume)
            throw UsageError(cat({"--resume: ", dir.string(),
                                  " holds no sweep to resume (no sweep.journal); run without "
                                  "--resume to start it"}));
        fs::create_directories(dir);
        write_file_atomic(dir / "scenario.yaml", read_bytes(opt.scenario));
        journal.emplace(JournalWriter::create(jpath, manifest));
    }
    journal->append_replications(reps);
    const std::vector<Task> planned = plan_tasks(n_points, reps, shard);

    // What is left: the planned tasks without a row (a shard's or a smaller --reps's extra
    // rows stay in the journal but are not reported).
    const std::set<Task> planned_set(planned.begin(), planned.end());
    std::erase_if(rows, [&](const TaskRow& r) { return !planned_set.contains(r.task); });
    std::erase_if(failures, [&](const PointFailure& f) { return !planned_set.contains(f.task); });
    std::set<Task> done;
    for (const auto& r : rows) done.insert(r.task);
    std::vector<Task> todo;
    for (const Task& t : planned)
        if (!done.contains(t)) todo.push_back(t);

    const bool show_progress = !opt.quiet && stderr_is_terminal();
    const auto start = std::chrono::steady_clock::now();
    WhatIfOutcome outcome;
    {
        const InterruptGuard guard;
        ProgressBar bar(std::cerr, show_progress, "tasks", done.size());
        WhatIfOptions wo;
        wo.jobs = opt.jobs;
        wo.stop = &InterruptGuard::stop_flag();
        wo.on_progress = offset_progress(bar, done.size(), planned.size());
        wo.on_row = [&journal](const TaskRow& row) { journal->append(row); };
        workers_released = world.size > 1;  // mpi_dispatch stops them, whatever happens
        outcome = world.size > 1 ? mpi_dispatch(todo, wo, world) : run_tasks(scenarios, todo, wo);
        for (const auto& f : outcome.failures) journal->append(f);
        bar.finish();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t ran = outcome.rows.size();
    for (auto& r : outcome.rows) rows.push_back(std::move(r));
    for (auto& f : outcome.failures) failures.push_back(std::move(f));
    const WhatIfOutcome all = collect_outcome(std::move(rows), std::move(failures), false);

    if (outcome.interrupted) {
        std::cerr << "qosim: interrupted: " << done.size() + ran << " of " << planned.size()
                  << " tasks are finished and kept in " << jpath.string()
                  << "; finish with the same command plus --resume\n";
        return kExitInterrupted;
    }
    for (const auto& f : all.failures)
        std::cerr << "qosim: point " << f.task.point << " ("
                  << describe_point(*design, f.task.point) << ") failed at replication "
                  << f.task.replication << ": " << f.message << "\n";

    if (shard) {
        RunOutcome ro;
        ro.warmup_auto = base.run.warmup_auto;
        std::string info = run_info_csv(base, ro);
        CsvBuilder extra;
        extra.text("shard")
            .text(cat({std::to_string(shard->index), "/", std::to_string(shard->count)}))
            .end_row();
        extra.text("shard_tasks").count(static_cast<double>(planned.size())).end_row();
        extra.text("objective").text(opt.objective).end_row();
        output.add("sweep.csv", sweep_csv(base, *design, all.rows));
        output.add("run_info.csv", info + extra.str());
        (void)output.publish();
        std::cout << "shard " << shard->index << "/" << shard->count << ": " << planned.size()
                  << " tasks of " << n_points * reps << " finished in " << dir.string() << " ("
                  << ran << " run now, " << fixed(seconds, 1)
                  << " s); join all shards with: qosim merge DIR... --out DIR\n"
                  << std::flush;
        return all.failures.empty() ? kExitOk : kExitError;
    }

    std::vector<PointSummary> summaries;
    const auto files = write_sweep_outputs(output, base, *design, all, opt.objective, summaries);
    print_sweep_report(base, *design, summaries, reps, opt.objective, files, seconds, ran);
    return all.failures.empty() ? kExitOk : kExitError;
}

}  // namespace

int merge_command(const MergeOptions& opt) {
    if (opt.dirs.empty()) throw UsageError("merge: give the shard directories to join");
    check_out_dir(opt.out);
    for (const auto& d : opt.dirs) {
        std::error_code ec;
        if (fs::equivalent(d, opt.out, ec) && !ec)
            throw UsageError(cat({"merge: --out ", opt.out, " is the shard directory ", d,
                                  "; merging would write over a shard it reads, so choose "
                                  "another --out"}));
    }
    OutputSet output = open_output_set(opt.out);
    struct ShardDir {
        fs::path dir;
        JournalContents journal;
        std::size_t reps = 0;
    };
    std::vector<ShardDir> shards;
    for (const auto& d : opt.dirs) {
        const fs::path dir(d);
        if (!fs::exists(journal_path(dir)))
            throw UsageError(cat({"merge: ", d,
                                  " holds no sweep.journal (not the output "
                                  "directory of `qosim sweep --shard K/N`)"}));
        ShardDir s{dir, read_journal(journal_path(dir)), 0};
        if (!s.journal.manifest.shard)
            throw UsageError(cat({"merge: ", d,
                                  " is a whole sweep, not a shard (nothing to "
                                  "merge)"}));
        const auto reps = run_info_value(dir / "run_info.csv", "replications");
        if (!reps)
            throw UsageError(cat({"merge: shard ", std::to_string(s.journal.manifest.shard->index),
                                  "/", std::to_string(s.journal.manifest.shard->count), " in ", d,
                                  " has not finished; run it again with --resume"}));
        std::size_t n = 0;
        const auto [end, ec] = std::from_chars(reps->data(), reps->data() + reps->size(), n);
        if (ec != std::errc{} || end != reps->data() + reps->size() || n == 0)
            throw UsageError(cat({"merge: ", (dir / "run_info.csv").string(),
                                  ": `replications` is not a whole number (", *reps,
                                  "); the shard directory is damaged, so run the shard again"}));
        s.reps = n;
        shards.push_back(std::move(s));
    }
    const Manifest& first = shards.front().journal.manifest;
    std::set<std::size_t> seen;
    for (const auto& s : shards) {
        const Manifest& m = s.journal.manifest;
        if (m.hash != first.hash || m.values != first.values || m.overrides != first.overrides ||
            m.scenario_file != first.scenario_file)
            throw UsageError(
                cat({"merge: ", s.dir.string(), " belongs to another sweep than ",
                     shards.front().dir.string(), " (manifest ", m.hash, " vs ", first.hash, ")"}));
        if (m.shard->count != first.shard->count || s.reps != shards.front().reps)
            throw UsageError(
                cat({"merge: ", s.dir.string(), " was cut into ", std::to_string(m.shard->count),
                     " shards of ", std::to_string(s.reps), " replications, ",
                     shards.front().dir.string(), " into ", std::to_string(first.shard->count),
                     " of ", std::to_string(shards.front().reps)}));
        if (!seen.insert(m.shard->index).second)
            throw UsageError(cat({"merge: shard ", std::to_string(m.shard->index), "/",
                                  std::to_string(m.shard->count), " is given twice"}));
    }
    if (seen.size() != first.shard->count) {
        std::string missing;
        for (std::size_t k = 1; k <= first.shard->count; ++k)
            if (!seen.contains(k))
                missing += cat({missing.empty() ? "" : ", ", std::to_string(k), "/",
                                std::to_string(first.shard->count)});
        throw UsageError(cat({"merge: missing shard(s) ", missing}));
    }

    // The scenario as the shards ran it: the copy kept beside the first journal.
    const fs::path copy = shards.front().dir / "scenario.yaml";
    const models::ScenarioFile file =
        models::ScenarioFile::parse(read_bytes(copy.string()), first.scenario_file);
    if (manifest_hash(file.content_hash(), first.overrides) != first.hash)
        throw UsageError(cat({"merge: ", copy.string(),
                              " is not the scenario the shards ran "
                              "(it was changed)"}));
    const std::size_t reps = shards.front().reps;
    models::Scenario base = file.load_checked(with_reps(first.overrides, std::to_string(reps)));
    base.overrides = first.overrides;
    const models::SweepDesign* design = file.sweep();
    if (design == nullptr) throw UsageError(cat({"merge: ", copy.string(), " has no sweep"}));

    std::vector<TaskRow> rows;
    std::vector<PointFailure> failures;
    std::set<Task> have;
    for (auto& s : shards) {
        for (auto& r : s.journal.rows)
            if (r.task.replication < reps && have.insert(r.task).second)
                rows.push_back(std::move(r));
        for (auto& f : s.journal.failures)
            if (f.task.replication < reps) failures.push_back(std::move(f));
    }
    const WhatIfOutcome all = collect_outcome(std::move(rows), std::move(failures), false);
    std::set<std::size_t> failed;
    for (const auto& f : all.failures) failed.insert(f.task.point);
    std::size_t missing = 0;
    for (const Task& t : plan_tasks(design->points.size(), reps, std::nullopt))
        if (!have.contains(t) && !failed.contains(t.point)) ++missing;
    if (missing > 0)
        throw UsageError(cat({"merge: ", std::to_string(missing),
                              " tasks are in no shard; resume the shards with --resume"}));

    const std::string objective =
        run_info_value(shards.front().dir / "run_info.csv", "objective").value_or("cost_per_order");
    for (const auto& s : shards)
        if (run_info_value(s.dir / "run_info.csv", "objective").value_or("cost_per_order") !=
            objective)
            throw UsageError(
                cat({"merge: ", s.dir.string(), " was run with another --objective than ",
                     shards.front().dir.string(), " (", objective, ")"}));
    std::vector<PointSummary> summaries;
    const auto files = write_sweep_outputs(output, base, *design, all, objective, summaries);
    if (!opt.quiet) print_sweep_report(base, *design, summaries, reps, objective, files, 0.0, 0);
    return all.failures.empty() ? kExitOk : kExitError;
}

}  // namespace qosim::app::detail

namespace qosim::app::detail {

namespace {

/// The metrics the console compares (all of them are in compare.csv).
constexpr std::string_view kKeyMetrics[] = {"cost_per_order", "customer_error_rate", "on_time_rate",
                                            "lead_time_mean", "lead_time_p95",       "throughput",
                                            "loss_rate"};

std::string signed_number(double x, int digits) {
    if (std::isnan(x)) return "-";
    return (x > 0 ? "+" : "") + significant(x, digits);
}

/// "cut the variance of the differences to 12 % (intervals 2.9 x narrower)".
std::string crn_words(const VariantComparison& v) {
    std::vector<double> ratios;
    for (const auto& c : v.metrics)
        for (const auto key : kKeyMetrics)
            if (c.metric == key && std::isfinite(c.crn_variance_ratio))
                ratios.push_back(c.crn_variance_ratio);
    if (ratios.empty()) return "common random numbers: no spread to compare";
    std::sort(ratios.begin(), ratios.end());
    const double median = ratios[ratios.size() / 2];
    if (median >= 1.0)
        return cat({"common random numbers did not help here (variance ratio ",
                    significant(median, 2), ")"});
    return cat({"common random numbers cut the variance of the differences to ",
                fixed(100.0 * median, 0),
                " % of what independent runs give (median over the "
                "key metrics): intervals ",
                significant(1.0 / std::sqrt(std::max(median, 1e-12)), 2), " times narrower"});
}

void print_compare_report(const models::Scenario& base, const std::vector<WhatIfPoint>& points,
                          const std::vector<VariantComparison>& variants,
                          const std::vector<fs::path>& files) {
    std::ostringstream out;
    std::size_t n = 0;
    for (const auto& v : variants)
        if (v.base && !v.metrics.empty()) n = v.metrics.front().n;
    out << "compare " << base.name << ": base and " << variants.size() - 1 << " variant"
        << (variants.size() == 2 ? "" : "s") << ", paired by replication (common random "
        << "numbers), " << n << " replications of the base\n";
    for (std::size_t i = 1; i < variants.size(); ++i) {
        const auto& v = variants[i];
        std::string settings;
        for (const auto& s : points[i].settings)
            settings += cat({settings.empty() ? "" : ", ", s.path, "=", s.text});
        out << "\n" << v.label << " vs base (" << settings << ")\n";
        if (!v.error.empty()) {
            out << "  FAILED: " << v.error << "\n";
            continue;
        }
        for (const auto key : kKeyMetrics) {
            for (const auto& c : v.metrics) {
                if (c.metric != key) continue;
                std::string line = cat({"  ", c.metric});
                line.resize(std::max<std::size_t>(line.size() + 1, 24), ' ');
                // A rate in %, its difference in percentage points.
                const bool share = c.unit == "share";
                const double k = share ? 100.0 : 1.0;
                line += share ? cat({significant(k * c.base_mean, 4), " % -> ",
                                     significant(k * c.mean, 4), " %"})
                              : cat({significant(c.base_mean, 4), " -> ", significant(c.mean, 4),
                                     " ", unit_words(base, c.unit)});
                line.resize(std::max<std::size_t>(line.size() + 1, 58), ' ');
                line += cat({signed_number(k * c.diff, 3), "  (95 % CI ",
                             signed_number(k * c.diff_low, 3), " .. ",
                             signed_number(k * c.diff_high, 3), ")", c.significant() ? "  *" : ""});
                out << line << "\n";
            }
        }
        out << "  " << crn_words(v) << "\n";
    }
    out << "\n* the difference is significant: its 95 % CI excludes 0. Rates are in %, their\n";
    out << "  differences in percentage points. Every metric is in compare.csv.\n  wrote";
    for (const auto& f : files) out << " " << f.string();
    out << "\n";
    std::cout << out.str() << std::flush;
}

/// compare_runs.csv: `variant`, then runs.csv's columns; one row per variant and replication.
std::string compare_runs_csv(const models::Scenario& base, const std::vector<WhatIfPoint>& points,
                             std::span<const TaskRow> rows) {
    const auto metrics = models::run_metrics();
    const bool survey = has_survey(base);
    CsvBuilder csv;
    csv.text("variant").text("replication").text("seed");
    for (const auto& m : metrics)
        if (models::metric_present(m, survey)) csv.text(m.name);
    csv.end_row();
    for (const auto& r : rows) {
        csv.text(points.at(r.task.point).label).count(static_cast<double>(r.task.replication));
        csv.text(std::to_string(base.run.seed));
        for (std::size_t k = 0; k < metrics.size(); ++k)
            if (models::metric_present(metrics[k], survey))
                csv.value(r.values[k], metrics[k].is_count);
        csv.end_row();
    }
    return csv.str();
}

/// The targets as selection constraints, each with its tolerance (docs/selection.md): 10 %
/// of the limit, or of 1 - limit for a `min:` on a share.
std::vector<models::SelectionConstraint> target_constraints(
    const models::Scenario& sc, std::vector<std::size_t>& metric_index) {
    std::vector<models::SelectionConstraint> out;
    const auto metrics = models::run_metrics();
    for (const auto& t : sc.targets) {
        std::size_t k = 0;
        while (k < metrics.size() && metrics[k].name != t.metric) ++k;
        if (k == metrics.size()) continue;
        const bool share = metrics[k].unit == "share";
        auto add = [&](double bound, bool upper) {
            const double eps = share && !upper ? 0.1 * (1.0 - bound) : 0.1 * std::abs(bound);
            if (!(eps > 0.0))
                throw UsageError(cat({"--select: the target ", t.metric,
                                      upper ? " <= " : " >= ", format_number(bound),
                                      " leaves no tolerance (docs/"
                                      "selection.md): no number of replications can tell "
                                      "a mean of exactly that limit from one just past it; "
                                      "use a limit just off it, e.g. ",
                                      upper ? "{max: 0.001}" : "{min: 0.999}"}));
            out.push_back({t.metric, bound, upper, eps});
            metric_index.push_back(k);
        };
        if (t.max) add(*t.max, true);
        if (t.min) add(*t.min, false);
    }
    return out;
}

}  // namespace

int compare_command(const CompareOptions& opt) {
    if (opt.jobs < 1) throw UsageError("--jobs must be >= 1");
    const models::ScenarioFile file = models::ScenarioFile::read(opt.scenario);
    std::vector<std::string> overrides =
        with_reps(whatif_overrides(opt.sets, opt.seed, opt.horizon), opt.reps);
    const models::Scenario base = file.load_checked(overrides);
    print_warnings(base);
    if (file.variants().empty())
        throw UsageError(cat({opt.scenario,
                              ": has no `variants:` to compare; add some "
                              "(docs/scenario.md, \"variants\")"}));
    std::vector<std::string> names = opt.variants;
    if (names.empty())
        for (const auto& v : file.variants()) names.push_back(v.name);
    std::vector<WhatIfPoint> points{{"base", {}}};
    for (const auto& name : names) {
        if (name == "base")
            throw UsageError("--variant base: `base` is the scenario itself, always compared");
        const models::Variant* v = &find_variant_or_throw(file, name);
        for (const auto& p : points)
            if (p.label == name) throw UsageError(cat({"--variant ", name, ": given twice"}));
        points.push_back({name, v->settings});
    }
    const auto metrics = models::run_metrics();
    std::size_t objective = 0;
    while (objective < metrics.size() && metrics[objective].name != opt.objective) ++objective;
    if (objective == metrics.size()) {
        std::vector<std::string> names_known;
        for (const auto& m : metrics) names_known.emplace_back(m.name);
        throw UsageError(cat({"--objective ", opt.objective, ": not a runs.csv metric; ",
                              models::suggestion_hint(opt.objective, names_known,
                                                      "e.g. cost_per_order or lead_time_mean")}));
    }
    const fs::path dir =
        opt.out ? fs::path(*opt.out)
                : fs::path("out") / (fs::path(opt.scenario).stem().string() + "-compare");
    check_out_dir(dir);
    refuse_overwriting_input(opt.scenario, dir, kCompareOutputNames);
    OutputSet output = open_output_set(dir);

    PointScenarios scenarios(file, overrides, points, opt.select);
    const bool show_progress = !opt.quiet && stderr_is_terminal();
    const InterruptGuard guard;
    std::vector<TaskRow> rows;
    std::vector<PointFailure> failures;
    std::optional<models::SelectionResult> selection;
    std::vector<std::string> reasons;

    std::vector<std::size_t> constraint_metric;  // --select: the targets' metrics
    std::vector<models::SelectionConstraint> constraints;
    if (opt.select) {
        constraints = target_constraints(base, constraint_metric);  // a bad target: exit 2
        if (!opt.delta || !(*opt.delta > 0.0) || !std::isfinite(*opt.delta))
            throw UsageError(
                cat({"--select needs --delta D > 0: the smallest difference in ", opt.objective,
                     " (", unit_words(base, metrics[objective].unit), ") worth telling apart"}));
        if (opt.max_reps < static_cast<std::size_t>(std::max(2, base.run.replications)))
            throw UsageError(cat({"--max-reps ", std::to_string(opt.max_reps),
                                  " is below the first stage's replications (--reps or "
                                  "run.replications: ",
                                  std::to_string(base.run.replications), ")"}));
    }

    // Every variant's first replications (all of them without --select; the first stage of
    // the selection with it). A variant that fails is named and left out; the others go on.
    {
        const auto reps =
            static_cast<std::size_t>(std::max(opt.select ? 2 : 1, base.run.replications));
        ProgressBar bar(std::cerr, show_progress, "tasks");
        WhatIfOptions wo;
        wo.jobs = opt.jobs;
        wo.stop = &InterruptGuard::stop_flag();
        wo.on_progress = [&bar](std::size_t d, std::size_t t) { bar.update(d, t); };
        WhatIfOutcome outcome =
            run_tasks(scenarios, plan_tasks(points.size(), reps, std::nullopt), wo);
        bar.finish();
        if (outcome.interrupted) {
            std::cerr << "qosim: interrupted: nothing written (compare keeps no partial "
                         "results; run it again)\n";
            return kExitInterrupted;
        }
        rows = std::move(outcome.rows);
        failures = std::move(outcome.failures);
    }
    if (opt.select) {
        models::SelectionOptions so;
        so.delta = *opt.delta;
        so.n0 = static_cast<std::size_t>(std::max(2, base.run.replications));
        so.max_reps = opt.max_reps;
        std::vector<std::size_t> in_play;  // selection system index -> point
        for (std::size_t p = 0; p < points.size(); ++p)
            if (std::none_of(failures.begin(), failures.end(),
                             [p](const PointFailure& f) { return f.task.point == p; }))
                in_play.push_back(p);
        std::map<Task, std::size_t> first_stage;  // task -> index in rows
        for (std::size_t i = 0; i < rows.size(); ++i) first_stage[rows[i].task] = i;
        auto observe = [&](const TaskRow& row) {
            models::SelectionObservation o;
            o.objective = row.values[objective];
            for (const auto k : constraint_metric) o.constraints.push_back(row.values[k]);
            return o;
        };
        const auto sampler = [&](const std::vector<std::size_t>& systems, std::size_t r) {
            std::vector<models::SelectionObservation> obs;
            if (r < so.n0) {
                for (const auto s : systems)
                    obs.push_back(observe(rows[first_stage.at({in_play[s], r})]));
                return obs;
            }
            if (InterruptGuard::stop_flag().load()) throw std::runtime_error("interrupted");
            std::vector<Task> tasks;
            for (const auto s : systems) tasks.push_back({in_play[s], r});
            WhatIfOptions wo;
            wo.jobs = opt.jobs;
            WhatIfOutcome got = run_tasks(scenarios, tasks, wo);
            if (!got.failures.empty()) {
                const auto& f = got.failures.front();
                throw std::runtime_error(cat(
                    {"--select: variant ", points[f.task.point].label, " failed at replication ",
                     std::to_string(f.task.replication), ": ", f.message,
                     " (the selection cannot go on without it; leave it out "
                     "with --variant, or fix it)"}));
            }
            for (const auto& row : got.rows) {
                obs.push_back(observe(row));
                rows.push_back(row);
            }
            if (show_progress)
                std::cerr << "selecting: replication " << r + 1 << ", " << systems.size()
                          << " in play   \r" << std::flush;
            return obs;
        };
        models::SelectionResult chosen;
        if (!in_play.empty()) {
            try {
                chosen = models::select_best(in_play.size(), so, constraints, sampler);
            } catch (const std::invalid_argument& e) {
                std::string what = e.what();
                for (std::size_t s = in_play.size(); s-- > 0;)  // "system 2" -> its name
                    for (const auto& form : {cat({"system ", std::to_string(s)})})
                        if (const auto at = what.find(form); at != std::string::npos)
                            what.replace(at, form.size(), points[in_play[s]].label);
                throw std::runtime_error(cat({"--select: ", what}));
            } catch (const std::runtime_error&) {
                if (!InterruptGuard::stop_flag().load()) throw;
                std::cerr << "\nqosim: interrupted: nothing written (a selection stopped "
                             "half-way decides nothing; run it again)\n";
                return kExitInterrupted;
            }
        }
        if (show_progress) std::cerr << std::string(50, ' ') << "\r" << std::flush;
        std::sort(rows.begin(), rows.end(),
                  [](const TaskRow& a, const TaskRow& b) { return a.task < b.task; });

        // Back to one entry per point, the failed ones included.
        selection.emplace();
        selection->systems.resize(points.size());
        selection->budget_exhausted = chosen.budget_exhausted;
        selection->total_replications = chosen.total_replications;
        selection->fixed_sample_replications = chosen.fixed_sample_replications;
        selection->h2 = chosen.h2;
        for (std::size_t s = 0; s < in_play.size(); ++s) {
            auto sys = chosen.systems[s];
            if (sys.eliminated_by) sys.eliminated_by = in_play[*sys.eliminated_by];
            selection->systems[in_play[s]] = sys;
        }
        if (chosen.selected) selection->selected = in_play[*chosen.selected];
        reasons.assign(points.size(), "");
        for (const auto& f : failures) {
            auto& sys = selection->systems[f.task.point];
            sys.eliminated_at = f.task.replication;
            sys.replications = f.task.replication;
            selection->total_replications += f.task.replication;
            reasons[f.task.point] = cat(
                {"failed at replication ", std::to_string(f.task.replication), ": ", f.message});
        }
        const std::string unit = unit_words(base, metrics[objective].unit);
        for (std::size_t p : in_play) {
            const auto& sys = selection->systems[p];
            std::string reason;
            if (sys.selected) {
                reason = selection->budget_exhausted
                             ? "best sample mean when the budget ran out (no guarantee)"
                             : "best feasible";
            } else if (sys.failed_constraint) {
                const auto& c = constraints[*sys.failed_constraint];
                reason = cat({"infeasible: misses ", c.name,
                              c.upper ? " <= " : " >= ", format_number(c.bound)});
            } else if (sys.eliminated_by) {
                const auto& by = selection->systems[*sys.eliminated_by];
                const double gap = sys.objective_mean - by.objective_mean;
                reason =
                    gap > 0.0
                        ? cat({"worse ", opt.objective, " than ", points[*sys.eliminated_by].label,
                               " (by ", significant(gap, 3), " ", unit, " on the means)"})
                        : cat({"as good as ", points[*sys.eliminated_by].label, " on ",
                               opt.objective, " within the indifference zone (",
                               points[*sys.eliminated_by].label, " kept)"});
            } else {
                reason = "in contention when --max-reps ran out";
            }
            reasons[p] = std::move(reason);
        }
    }

    const auto variants = compare_points(base, points, rows, failures);
    output.add("compare.csv", compare_csv(variants));
    output.add("compare_runs.csv", compare_runs_csv(base, points, rows));
    if (selection) output.add("selection.csv", selection_csv(points, *selection, reasons));
    RunOutcome ro;
    ro.warmup_auto = base.run.warmup_auto;
    std::string info = run_info_csv(base, ro);
    CsvBuilder extra;
    std::string variant_list;
    for (std::size_t i = 1; i < points.size(); ++i)
        variant_list += cat({i > 1 ? ";" : "", points[i].label});
    extra.text("variants").text(variant_list).end_row();
    if (selection) {
        extra.text("objective").text(opt.objective).end_row();
        extra.text("delta").number(*opt.delta).end_row();
        extra.text("selection_h2").number(selection->h2).end_row();
        extra.text("selection_replications")
            .count(static_cast<double>(selection->total_replications))
            .end_row();
        extra.text("fixed_sample_replications")
            .count(static_cast<double>(selection->fixed_sample_replications))
            .end_row();
    }
    output.add("run_info.csv", info + extra.str());
    output.add("report.html", compare_report_html(base, variants, points,
                                                  selection ? &*selection : nullptr, reasons));
    const std::vector<fs::path> files = output.publish();

    print_compare_report(base, points, variants, files);
    if (selection) {
        std::ostringstream out;
        out << "\nselection (lowest " << opt.objective << " among the variants meeting every "
            << "target; PCS >= 95 % for differences >= " << format_number(*opt.delta) << " "
            << unit_words(base, metrics[objective].unit) << "):\n";
        for (std::size_t i = 0; i < points.size(); ++i) {
            const auto& s = selection->systems[i];
            std::string line = cat({"  ", points[i].label});
            line.resize(std::max<std::size_t>(line.size() + 1, 22), ' ');
            line += cat({std::to_string(s.replications), " reps, mean ",
                         significant(s.objective_mean, 4), ": ", reasons[i]});
            if (s.eliminated_at)
                line += cat({" (after ", std::to_string(*s.eliminated_at), " replications)"});
            out << line << (s.selected ? "   <== selected" : "") << "\n";
        }
        if (!selection->selected) out << "  no variant meets every target\n";
        if (selection->budget_exhausted)
            out << "  budget exhausted at --max-reps " << opt.max_reps
                << ": the guarantee does not hold; widen --delta or allow more replications\n";
        out << "  spent " << selection->total_replications
            << " replications; a fixed-sample design with the same guarantee would need "
            << selection->fixed_sample_replications << "\n";
        std::cout << out.str() << std::flush;
    }
    for (const auto& f : failures)
        std::cerr << "qosim: variant " << points[f.task.point].label << " failed at replication "
                  << f.task.replication << ": " << f.message << "\n";
    return failures.empty() ? kExitOk : kExitError;
}

}  // namespace qosim::app::detail

namespace qosim::app::detail {

void configure_whatif_cli(CLI::App& app, CommandLine& cmd) {
    // --- sweep -------------------------------------------------------------------------------
    SweepOptions& sw = cmd.sweep;
    sw.jobs = default_jobs();
    cmd.sweep_cmd = app.add_subcommand(
        "sweep", "Run every point of the scenario's `sweep:` design (CSV per point and summary)");
    CLI::App* s = cmd.sweep_cmd;
    s->add_option("SCENARIO", sw.scenario, "Scenario file (YAML) with a `sweep:` section")
        ->required()
        ->type_name("FILE");
    add_shared_run_options(s, {sw.out, sw.reps, sw.seed, sw.horizon, sw.sets, sw.jobs},
                           "Output directory (default: out/<scenario file stem>)",
                           "Replications per point (overrides run.replications)",
                           "Override a scenario value at every point (repeatable)");
    s->add_flag("--resume", sw.resume,
                "Continue the sweep in DIR: run only the tasks it does not have (also to grow "
                "it with a larger --reps)");
    s->add_option("--shard", sw.shard,
                  "Run only the K-th of N slices of the tasks (K/N, or auto in a Slurm job "
                  "array); join the slices with `qosim merge`")
        ->type_name("K/N|auto");
    s->add_option("--objective", sw.objective,
                  "Metric whose lowest mean marks the selected feasible point (default "
                  "cost_per_order)")
        ->type_name("METRIC");
    s->add_flag("--quiet", sw.quiet, "No progress bar");

    // --- compare -----------------------------------------------------------------------------
    CompareOptions& co = cmd.compare;
    co.jobs = default_jobs();
    cmd.compare_cmd = app.add_subcommand(
        "compare", "Compare variants with the base, paired by replication (common random numbers)");
    CLI::App* c = cmd.compare_cmd;
    c->add_option("SCENARIO", co.scenario, "Scenario file (YAML) with `variants:`")
        ->required()
        ->type_name("FILE");
    c->add_option("--variant", co.variants,
                  "A variant to compare (repeatable; default: every variant)")
        ->type_name("NAME")
        ->allow_extra_args(false);
    add_shared_run_options(
        c, {co.out, co.reps, co.seed, co.horizon, co.sets, co.jobs},
        "Output directory (default: out/<scenario file stem>-compare)",
        "Replications (overrides run.replications; with --select: the first stage)",
        "Override a scenario value in base and variants (repeatable)");
    c->add_flag("--select", co.select,
                "Pick the best variant meeting the targets (KN with feasibility checks, "
                "docs/selection.md)");
    c->add_option("--objective", co.objective,
                  "Metric to minimise with --select (default cost_per_order)")
        ->type_name("METRIC");
    c->add_option("--delta", co.delta, "Indifference zone for --select, in the objective's unit")
        ->type_name("D");
    c->add_option("--max-reps", co.max_reps,
                  "Most replications per variant with --select (default 1000)")
        ->type_name("N")
        ->check(CLI::Range(static_cast<std::size_t>(2), static_cast<std::size_t>(1'000'000)));
    c->add_flag("--quiet", co.quiet, "No progress output");

    // --- merge -------------------------------------------------------------------------------
    cmd.merge_cmd = app.add_subcommand("merge", "Join the shard directories of one sweep into one");
    CLI::App* m = cmd.merge_cmd;
    m->add_option("DIR", cmd.merge.dirs, "The shard output directories")
        ->required()
        ->type_name("DIR...");
    m->add_option("--out", cmd.merge.out, "Output directory of the joined sweep")
        ->required()
        ->type_name("DIR");
    m->add_flag("--quiet", cmd.merge.quiet, "No report on stdout");
}

}  // namespace qosim::app::detail
