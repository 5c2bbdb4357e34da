// Scenario loading: YAML text -> located raw tree -> overrides -> validation -> Scenario.
#include "models/scenario/loader.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <tuple>

#include "models/graph/absorbing_chain.hpp"
#include "models/graph/stage_graph.hpp"
#include "models/run/metrics.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/overrides.hpp"
#include "models/scenario/raw_tree.hpp"
#include "models/scenario/value_reader.hpp"
#include "sim/random.hpp"

namespace qosim::models {

namespace detail {

namespace {

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

// 12 significant digits, locale-independent: a sum like 0.7 + 0.2 prints as 0.9.
std::string format_number(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 12);
    return std::string(buf, res.ptr);
}

bool is_valid_stage_name(const std::string& s) {
    const auto head = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    const auto tail = [&head](char c) { return head(c) || (c >= '0' && c <= '9') || c == '-'; };
    if (s.empty() || !head(s.front())) return false;
    for (const char c : s) {
        if (!tail(c)) return false;
    }
    return true;
}

std::optional<StageType> stage_type_of(const std::string& s) {
    for (const StageType t : {StageType::source, StageType::station, StageType::inspection,
                              StageType::link, StageType::sink}) {
        if (s == to_string(t)) return t;
    }
    return std::nullopt;
}

template <class Enum, std::size_t N>
Enum enum_of(const std::string& s, const Enum (&values)[N], Enum fallback) {
    for (const Enum v : values) {
        if (s == to_string(v)) return v;
    }
    return fallback;
}

// "a station", "an inspection": stage types in running text.
std::string with_article(StageType t) {
    const std::string name = to_string(t);
    return (t == StageType::inspection ? "an " : "a ") + name;
}

Route make_route(std::size_t to, double prob, RouteWhen when, const SourceLoc& loc) {
    Route r;
    r.to = to;
    r.prob = prob;
    r.when = when;
    r.loc = loc;
    return r;
}

/// One route as written, before it is attached to its stage.
struct RouteItem {
    std::size_t from = 0;
    std::size_t to = 0;  ///< a stage index or kScrapTarget
    std::optional<double> prob;
    bool prob_invalid = false;
    RouteWhen when = RouteWhen::any;
    Cursor cursor;
    Cursor prob_cursor;
};

/// How messages about one group of routes out of a stage (those sharing a `when`) name it.
struct RouteGroupWords {
    std::string all;    ///< "the routes out of `smt`" / "the `when: pass` routes out of `aoi`"
    std::string only;   ///< "the only route out of `smt`"
    std::string count;  ///< "`smt` has 3 routes out"
};

RouteGroupWords group_words(const std::string& stage, bool inspection, RouteWhen when,
                            std::size_t size) {
    const std::string name = "`" + stage + "`";
    const std::string n = std::to_string(size);
    if (!inspection) {
        return {"the routes out of " + name, "the only route out of " + name,
                name + " has " + n + " routes out"};
    }
    if (when == RouteWhen::any) {
        return {"the routes out of " + name + " without `when`",
                "the only route out of " + name + " without `when`",
                name + " has " + n + " routes out without `when`"};
    }
    const std::string w = std::string("`when: ") + to_string(when) + "`";
    return {"the " + w + " routes out of " + name, "the only " + w + " route out of " + name,
            name + " has " + n + " " + w + " routes"};
}

/// The stage types a fault kind applies to, and those types in words.
StageTypeMask fault_stage_types(FaultKind k) {
    const auto bit = [](StageType t) { return stage_bit(t); };
    switch (k) {
    case FaultKind::outage: return bit(StageType::station) | bit(StageType::inspection);
    case FaultKind::surge: return bit(StageType::source);
    case FaultKind::defect_prob: return bit(StageType::station) | bit(StageType::link);
    case FaultKind::loss_prob: return bit(StageType::link);
    case FaultKind::service:
        return bit(StageType::station) | bit(StageType::inspection) | bit(StageType::link);
    }
    return 0;
}

const char* fault_stage_words(FaultKind k) {
    switch (k) {
    case FaultKind::outage: return "a station or inspection";
    case FaultKind::surge: return "a source";
    case FaultKind::defect_prob: return "a station or link";
    case FaultKind::loss_prob: return "a link";
    case FaultKind::service: return "a station, inspection or link";
    }
    return "?";
}

constexpr const char* kFaultKindsHint =
    "outage: a station or inspection; surge: a source (factor); defect_prob: a station or link "
    "(value); loss_prob: a link (value); service: a station, inspection or link (factor)";

/// The stage names in `text` (tokens of [A-Za-z0-9_-]), in order of first mention.
std::optional<std::size_t> first_stage_named(const std::string& text,
                                             const std::vector<std::string>& names) {
    const auto is_name_char = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    };
    for (std::size_t i = 0; i < text.size();) {
        if (!is_name_char(text[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && is_name_char(text[j])) ++j;
        const std::string token = text.substr(i, j - i);
        for (std::size_t k = 0; k < names.size(); ++k) {
            if (names[k] == token) return k;
        }
        i = j;
    }
    return std::nullopt;
}

/// Validates a raw tree into a Scenario, collecting every problem.
class ScenarioBuilder {
public:
    ScenarioBuilder(const RawNode& root, const std::string& file, std::vector<Diagnostic>& diags)
        : r_(diags), root_(root), top_(Reader::root(root)) {
        sc_.file = file;
    }

    Scenario build() {
        if (!root_.is_map()) {
            r_.error(root_.loc, "",
                     root_.is_null() ? std::string("the scenario is empty")
                                     : "a scenario must be a map of keys, got " + root_.describe(),
                     "start from a bundled scenario: it needs at least run, stages and routes");
            return std::move(sc_);
        }
        r_.check_map(top_);
        read_header();
        read_run();
        read_costs();
        read_targets();
        read_stages();
        read_routes();
        read_faults();
        if (graph_checkable_) check_graph();
        // The chain's preconditions are a fully valid scenario; its loop check needs them.
        if (r_.error_count() == 0) check_quality();
        return std::move(sc_);
    }

private:
    Cursor at(const Cursor& parent, std::string_view key) const {
        return Reader::child(parent, key);
    }

    int to_int(const Cursor& c, std::uint64_t v, int fallback) {
        if (v > static_cast<std::uint64_t>(INT_MAX)) {
            r_.error(c.loc, c.path,
                     "must be <= " + std::to_string(INT_MAX) + ", got " + std::to_string(v));
            return fallback;
        }
        return static_cast<int>(v);
    }

    std::string stage_path(const StageSpec& s) const { return stages_.path + "." + s.name; }

    std::string target_name(std::size_t to) const {
        return to == kScrapTarget ? std::string("scrap") : names_[to];
    }

    void read_header() {
        if (const auto name = r_.text(at(top_, "name"))) {
            sc_.name = *name;
        } else {
            sc_.name = std::filesystem::path(sc_.file).stem().string();
        }
        if (const auto unit = r_.text(at(top_, "time_unit"))) {
            sc_.time_unit =
                enum_of(*unit, {TimeUnit::minute, TimeUnit::hour, TimeUnit::day}, TimeUnit::hour);
        }
    }

    void read_run() {
        const Cursor run = at(top_, "run");
        if (!r_.check_map(run)) return;
        RunSpec& s = sc_.run;
        const auto horizon = r_.number(at(run, "horizon"));
        if (horizon) s.horizon = *horizon;
        const Cursor warmup = at(run, "warmup");
        if (const auto w = r_.number(warmup)) {
            s.warmup = *w;
            if (horizon && warmup.present() && !(*w < *horizon)) {
                r_.error(warmup.loc, warmup.path,
                         "must be < horizon (" + format_number(*horizon) + "), got " +
                             warmup.node->scalar,
                         "statistics are collected between warmup and horizon");
            }
        }
        const Cursor reps = at(run, "replications");
        if (const auto v = r_.integer(reps)) s.replications = to_int(reps, *v, s.replications);
        if (const auto v = r_.integer(at(run, "seed"))) s.seed = *v;
        if (const auto v = r_.integer(at(run, "max_wip"))) s.max_wip = *v;
        if (const auto v = r_.number(at(run, "max_events"))) s.max_events = *v;
    }

    void read_costs() {
        const Cursor costs = at(top_, "costs");
        if (!r_.check_map(costs)) return;
        if (const auto v = r_.number(at(costs, "late_penalty"))) sc_.costs.late_penalty = *v;
        if (const auto v = r_.number(at(costs, "escape_penalty"))) sc_.costs.escape_penalty = *v;
        if (const auto v = r_.number(at(costs, "lost_penalty"))) sc_.costs.lost_penalty = *v;
    }

    void read_targets() {
        const Cursor targets = at(top_, "targets");
        if (!r_.check_map(targets) || !targets.node->is_map()) return;
        std::vector<std::string_view> metrics;
        for (const auto& m : run_metrics()) metrics.push_back(m.name);
        for (const auto& e : targets.node->entries) {
            const Cursor t = at(targets, e.key);
            bool known = false;
            for (const auto m : metrics) known = known || m == e.key;
            if (!known) {
                std::string all;
                for (const auto m : metrics) all += (all.empty() ? "" : ", ") + std::string(m);
                r_.error(e.key_loc, t.path, "unknown metric `" + e.key + "`",
                         suggestion_hint(e.key, metrics, "targets name runs.csv metrics: " + all));
            }
            if (!r_.check_map(t)) continue;
            const Cursor min_c = at(t, "min");
            const Cursor max_c = at(t, "max");
            Target target{e.key, std::nullopt, std::nullopt, e.key_loc};
            if (min_c.present()) target.min = r_.number(min_c);
            if (max_c.present()) target.max = r_.number(max_c);
            if (!min_c.present() && !max_c.present()) {
                r_.error(e.key_loc, t.path, "a target needs `min` or `max` (or both)",
                         "e.g. " + e.key + ": {max: 0.02}");
            }
            if (target.min && target.max && *target.min > *target.max) {
                r_.error(min_c.loc, min_c.path,
                         "min (" + min_c.node->scalar + ") is above max (" + max_c.node->scalar +
                             "): no result can meet both",
                         "swap them, or drop one");
            }
            if (known) sc_.targets.push_back(std::move(target));
        }
    }

    void read_stages() {
        const Cursor stages = at(top_, "stages");
        if (!r_.check_map(stages) || !stages.node->is_map() || stages.node->entries.empty()) {
            if (stages.present() && (stages.node->is_null() || stages.node->is_map())) {
                r_.error(stages.key_loc, stages.path, "there are no stages",
                         "a scenario needs at least a source and a sink");
            }
            graph_checkable_ = false;
            return;
        }
        stages_ = stages;
        bool all_typed = true;
        for (const auto& e : stages.node->entries) {
            names_.push_back(e.key);
            sc_.stages.push_back(read_stage(stages, e));
            types_known_.push_back(last_type_known_);
            all_typed = all_typed && last_type_known_;
        }
        if (!all_typed) {
            graph_checkable_ = false;
            return;
        }
        for (const StageType t : {StageType::source, StageType::sink}) {
            bool found = false;
            for (const auto& s : sc_.stages) found = found || s.type == t;
            if (!found) {
                const std::string type = to_string(t);
                r_.error(stages.key_loc, stages.path, "there is no " + type + " stage",
                         t == StageType::source
                             ? "add a stage with `type: source` where orders are created"
                             : "add a stage with `type: sink` where orders are delivered");
                graph_checkable_ = false;
            }
        }
    }

    StageSpec read_stage(const Cursor& stages, const RawEntry& e) {
        StageSpec spec;
        spec.name = e.key;
        spec.loc = e.key_loc;
        last_type_known_ = false;
        const Cursor sc = at(stages, e.key);
        if (e.key == "scrap") {
            r_.error(e.key_loc, sc.path,
                     "the stage name `scrap` is reserved (the built-in scrap target)",
                     "rename the stage");
            graph_checkable_ = false;
        } else if (!is_valid_stage_name(e.key)) {
            graph_checkable_ = false;
            r_.error(e.key_loc, sc.path,
                     "a stage name must match [A-Za-z_][A-Za-z0-9_-]*, got `" + e.key + "`",
                     "use letters, digits, `_` and `-`, starting with a letter or `_`");
        }
        if (!sc.node->is_map()) {
            r_.error(sc.loc, sc.path, "a stage must be a map of keys, got " + sc.node->describe(),
                     "e.g. " + e.key + ": {type: station, service: 0.5}");
            return spec;
        }
        const auto type_text = r_.text(at(sc, "type"));
        const auto type = type_text ? stage_type_of(*type_text) : std::nullopt;
        if (!type) {
            r_.check_map(sc);
            return spec;
        }
        spec.type = *type;
        last_type_known_ = true;
        const StageTypeMask mask = stage_bit(*type);
        const std::string label = with_article(*type) + " stage";
        r_.check_map(sc, mask, label);
        switch (*type) {
        case StageType::source: read_source(sc, spec); break;
        case StageType::station:
        case StageType::inspection: read_station(sc, spec, mask, label); break;
        case StageType::link: read_link(sc, spec, mask, label); break;
        case StageType::sink: break;
        }
        return spec;
    }

    void read_source(const Cursor& sc, StageSpec& spec) {
        const Cursor ia = at(sc, "interarrival");
        if (const auto d = r_.distribution(ia)) {
            spec.interarrival = *d;
            if (!(d->mean() > 0)) {
                r_.error(ia.loc, ia.path, "must have a mean > 0, got a mean of 0",
                         "orders would arrive infinitely fast; give a positive time between "
                         "arrivals");
            }
        }
        const Cursor due = at(sc, "due_in");
        if (due.present()) spec.due_in = r_.distribution(due);
        if (const auto v = r_.text(at(sc, "on_scrap"))) {
            spec.on_scrap = enum_of(*v, {OnScrap::remake, OnScrap::cancel}, OnScrap::remake);
        }
    }

    void read_station(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                      const std::string& label) {
        const Cursor servers = at(sc, "servers");
        bool servers_ok = true;
        if (const auto v = r_.integer(servers)) {
            spec.servers = to_int(servers, *v, 1);
        } else {
            servers_ok = false;
        }
        if (const auto d = r_.distribution(at(sc, "service"))) spec.service = *d;
        const Cursor queue = at(sc, "queue");
        if (r_.check_map(queue, mask, label)) {
            const Cursor cap = at(queue, "capacity");
            if (cap.present()) {
                if (const auto v = r_.integer(cap))
                    spec.queue_capacity = static_cast<std::int64_t>(
                        std::min<std::uint64_t>(*v, static_cast<std::uint64_t>(INT64_MAX)));
            }
        }
        if (const auto d = r_.text(at(queue, "discipline"))) {
            spec.discipline = enum_of(
                *d, {Discipline::fifo, Discipline::lifo, Discipline::priority, Discipline::edd},
                Discipline::fifo);
        }
        read_cost(sc, spec, mask, label);
        if (spec.type == StageType::station) {
            if (const auto v = r_.number(at(sc, "defect_prob"))) spec.defect_prob = *v;
            if (const auto v = r_.boolean(at(sc, "repairs"))) spec.repairs = *v;
        } else {
            if (const auto v = r_.number(at(sc, "detect_prob"))) spec.detect_prob = *v;
            if (const auto v = r_.number(at(sc, "false_alarm_prob"))) spec.false_alarm_prob = *v;
        }
        read_breakdowns(sc, spec, mask, label);
        read_shifts(sc, spec, servers_ok ? &servers : nullptr, mask, label);
    }

    void read_breakdowns(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                         const std::string& label) {
        const Cursor b = at(sc, "breakdowns");
        if (!r_.check_map(b, mask, label)) return;
        const std::size_t errors_before = r_.error_count();
        Breakdowns bd;
        const Cursor between = at(b, "time_between");
        if (const auto d = r_.distribution(between)) {
            bd.time_between = *d;
            if (!(d->mean() > 0)) {
                r_.error(between.loc, between.path, "must have a mean > 0, got a mean of 0",
                         "a server would fail again the moment it is repaired; give the mean "
                         "time between failures (MTBF)");
            }
        }
        if (const auto d = r_.distribution(at(b, "repair"))) bd.repair = *d;
        if (const auto v = r_.number(at(b, "cost_per_repair"))) bd.cost_per_repair = *v;
        if (const auto v = r_.text(at(b, "on_failure"))) {
            bd.on_failure =
                enum_of(*v, {FailureMode::resume, FailureMode::restart, FailureMode::scrap},
                        FailureMode::resume);
        }
        if (const auto v = r_.text(at(b, "clock"))) {
            bd.clock = enum_of(*v, {BreakdownClock::calendar, BreakdownClock::busy},
                               BreakdownClock::calendar);
        }
        if (r_.error_count() == errors_before) spec.breakdowns = bd;
    }

    /// One shift window as written.
    struct WindowItem {
        ShiftWindow window;
        Cursor from;
        std::size_t index = 0;
    };

    // `servers` is the servers cursor when it was read without error, else null.
    void read_shifts(const Cursor& sc, StageSpec& spec, const Cursor* servers, StageTypeMask mask,
                     const std::string& label) {
        const Cursor sh = at(sc, "shifts");
        if (!r_.check_map(sh, mask, label)) return;
        const std::size_t errors_before = r_.error_count();
        const auto cycle = r_.number(at(sh, "cycle"));
        const Cursor list = at(sh, "servers");
        if (!r_.check_list(list)) return;
        std::vector<WindowItem> windows;
        for (std::size_t i = 0; i < list.node->items.size(); ++i) {
            const Cursor wc = Reader::item(list, i);
            if (!r_.check_map(wc, mask, label)) continue;
            const Cursor from_c = at(wc, "from");
            const Cursor to_c = at(wc, "to");
            const Cursor n_c = at(wc, "servers");
            const auto from = r_.number(from_c);
            const auto to = r_.number(to_c);
            const auto n = r_.integer(n_c);
            if (!from || !to || !n) continue;
            if (!(*from < *to)) {
                r_.error(
                    to_c.loc, to_c.path,
                    "must be after `from` (" + from_c.node->scalar + "), got " + to_c.node->scalar,
                    "a window is [from, to) within the cycle; one that runs past the "
                    "cycle's end is two windows, e.g. [20, 24) and [0, 4)");
                continue;
            }
            if (cycle && *to > *cycle) {
                r_.error(
                    to_c.loc, to_c.path,
                    "must be <= cycle (" + format_number(*cycle) + "), got " + to_c.node->scalar,
                    "windows lie within one cycle; split one that runs past its end");
                continue;
            }
            windows.push_back({ShiftWindow{*from, *to, to_int(n_c, *n, 0)}, from_c, i});
        }
        if (r_.error_count() != errors_before || !cycle) return;

        std::stable_sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) {
            return a.window.from < b.window.from;
        });
        int most = 0;
        for (std::size_t k = 0; k < windows.size(); ++k) {
            const ShiftWindow& w = windows[k].window;
            most = std::max(most, w.servers);
            if (k == 0) continue;
            const WindowItem& before = windows[k - 1];
            if (w.from < before.window.to) {
                r_.error(windows[k].from.loc, windows[k].from.path,
                         "the shift window [" + format_number(w.from) + ", " + format_number(w.to) +
                             ") overlaps [" + format_number(before.window.from) + ", " +
                             format_number(before.window.to) + ") (" + list.path + "." +
                             std::to_string(before.index) + ")",
                         "windows must not overlap; end one where the next begins, e.g. "
                         "[0, 8) then [8, 16)");
            }
        }
        if (most < 1) {
            r_.error(list.loc, list.path,
                     "no shift window has a server on: `" + spec.name + "` would never work",
                     "give at least one window `servers: 1` or more");
        }
        if (servers != nullptr && servers->present() && most >= 1 && spec.servers < most) {
            r_.error(servers->loc, servers->path,
                     "must be >= the largest shift window's servers (" + std::to_string(most) +
                         "), got " + servers->node->scalar,
                     "`servers` is the pool the shifts draw from; raise it to " +
                         std::to_string(most) + " or leave it out");
        }
        if (r_.error_count() != errors_before) return;
        if (servers == nullptr || !servers->present()) spec.servers = most;
        Shifts shifts;
        shifts.cycle = *cycle;
        for (const auto& w : windows) shifts.windows.push_back(w.window);
        spec.shifts = std::move(shifts);
    }

    void read_link(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                   const std::string& label) {
        if (const auto d = r_.distribution(at(sc, "delay"))) spec.delay = *d;
        if (const auto v = r_.number(at(sc, "loss_prob"))) spec.loss_prob = *v;
        if (const auto v = r_.number(at(sc, "damage_prob"))) spec.damage_prob = *v;
        const Cursor retry = at(sc, "retry");
        if (r_.check_map(retry, mask, label)) {
            const auto timeout = r_.number(at(retry, "timeout"));
            const Cursor max_c = at(retry, "max");
            const auto max = r_.integer(max_c);
            if (timeout && max) spec.retry = Retry{*timeout, to_int(max_c, *max, 0)};
        }
        read_cost(sc, spec, mask, label);
    }

    // per_..._hour figures are per hour whatever the time unit: convert them here, once.
    void read_cost(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                   const std::string& label) {
        const Cursor cost = at(sc, "cost");
        if (!r_.check_map(cost, mask, label)) return;
        const double hours = hours_per_unit(sc_.time_unit);
        if (mask & stage_bit(StageType::station) || mask & stage_bit(StageType::inspection)) {
            if (const auto v = r_.number(at(cost, "per_busy_hour")))
                spec.cost.per_busy_time = *v * hours;
            if (const auto v = r_.number(at(cost, "per_idle_hour")))
                spec.cost.per_idle_time = *v * hours;
        }
        if (const auto v = r_.number(at(cost, "per_unit"))) spec.cost.per_unit = *v;
    }

    std::optional<std::size_t> stage_index(const Cursor& c, const std::string& name,
                                           std::vector<std::size_t>* unsettled) {
        for (std::size_t i = 0; i < names_.size(); ++i) {
            if (names_[i] == name) return i;
        }
        const auto guess = did_you_mean(name, std::span<const std::string>(names_));
        if (guess && unsettled != nullptr) {
            for (std::size_t i = 0; i < names_.size(); ++i) {
                if (names_[i] == *guess) unsettled->push_back(i);
            }
        }
        r_.error(
            c.loc, c.path, "there is no stage `" + name + "`",
            guess ? "did you mean `" + *guess + "`?" : "the stages are: " + join_names(names_));
        return std::nullopt;
    }

    void read_routes() {
        const Cursor routes = at(top_, "routes");
        if (!r_.check_list(routes)) {
            graph_checkable_ = false;
            return;
        }
        const std::size_t errors_before = r_.error_count();
        std::vector<RouteItem> items;
        // Stages with a route we could not read (or that a misspelt `from` probably meant):
        // counting their routes would only repeat that error.
        std::vector<std::size_t> unsettled;
        std::map<std::tuple<std::size_t, std::size_t, RouteWhen>, std::size_t> seen;
        for (std::size_t i = 0; i < routes.node->items.size(); ++i) {
            const Cursor rc = Reader::item(routes, i);
            if (!r_.check_map(rc)) continue;
            const Cursor from_c = at(rc, "from");
            const Cursor to_c = at(rc, "to");
            const Cursor prob_c = at(rc, "prob");
            const Cursor when_c = at(rc, "when");
            const auto from_name = r_.text(from_c);
            const auto to_name = r_.text(to_c);
            RouteItem item;
            item.cursor = rc;
            item.prob_cursor = prob_c;
            if (prob_c.present()) {
                item.prob = r_.number(prob_c);
                item.prob_invalid = !item.prob;
            }
            bool when_ok = true;
            if (when_c.present()) {
                if (const auto w = r_.text(when_c)) {
                    item.when = enum_of(*w, {RouteWhen::pass, RouteWhen::fail}, RouteWhen::any);
                } else {
                    when_ok = false;
                }
            }
            if (names_.empty() || !from_name) continue;
            // (A stage named scrap is already an error: let its routes resolve to it.)
            const bool scrap_stage =
                std::find(names_.begin(), names_.end(), "scrap") != names_.end();
            if (*from_name == "scrap" && !scrap_stage) {
                r_.error(from_c.loc, from_c.path,
                         "`scrap` is the built-in scrap target, and no route leaves it",
                         "a scrapped unit is remade at its source's routes (on_scrap: remake) "
                         "or cancelled (on_scrap: cancel); route from the stage that scraps");
                continue;
            }
            const auto from = stage_index(from_c, *from_name, &unsettled);
            std::optional<std::size_t> to;
            if (to_name && *to_name == "scrap") {
                to = kScrapTarget;
            } else if (to_name) {
                to = stage_index(to_c, *to_name, nullptr);
            }
            if (!from) continue;
            if (!to) {  // its stage has a route we could not read: skip its route-count checks
                unsettled.push_back(*from);
                continue;
            }
            item.from = *from;
            item.to = *to;
            bool ok = when_ok;
            const bool from_known = types_known_[*from];
            const StageType from_type = sc_.stages[*from].type;
            if (from_known && from_type == StageType::sink) {
                r_.error(from_c.loc, from_c.path,
                         "`" + *from_name + "` is a sink, and a sink has no routes out",
                         "remove this route; orders end at a sink");
                ok = false;
            }
            if (*to == kScrapTarget) {
                if (from_known && from_type == StageType::source) {
                    r_.error(to_c.loc, to_c.path,
                             "`" + *from_name +
                                 "` is a source, and a source cannot route to "
                                 "`scrap`",
                             "stations, inspections and links scrap units; route the source to "
                             "its first stage");
                    ok = false;
                }
            } else if (types_known_[*to] && sc_.stages[*to].type == StageType::source) {
                r_.error(to_c.loc, to_c.path,
                         "`" + *to_name + "` is a source, and a source has no routes in",
                         "route to the stage after the source instead");
                ok = false;
            }
            if (when_c.present() && when_ok && from_known && from_type != StageType::inspection) {
                r_.error(when_c.loc, when_c.path,
                         "`when` is only for routes out of an inspection, and `" + *from_name +
                             "` is " + with_article(from_type),
                         "remove `when: " + when_c.node->scalar + "`, or make `" + *from_name +
                             "` an inspection (type: inspection) to route by its test result");
                ok = false;
            }
            const auto [it, fresh] = seen.emplace(std::make_tuple(*from, *to, item.when), i);
            if (!fresh) {
                const std::string when_text =
                    item.when == RouteWhen::any ? "" : std::string(" when ") + to_string(item.when);
                r_.error(rc.loc, rc.path,
                         "duplicate route " + *from_name + " -> " + *to_name + when_text +
                             " (also routes." + std::to_string(it->second) + ")",
                         "keep one route per pair of stages; put the whole share in its prob");
                ok = false;
            }
            if (ok) {
                items.push_back(std::move(item));
            } else {
                unsettled.push_back(*from);
            }
        }
        attach_routes(items, unsettled);
        if (r_.error_count() != errors_before) graph_checkable_ = false;
    }

    void attach_routes(const std::vector<RouteItem>& items,
                       const std::vector<std::size_t>& unsettled) {
        for (std::size_t s = 0; s < sc_.stages.size(); ++s) {
            if (!types_known_[s]) continue;
            StageSpec& stage = sc_.stages[s];
            std::vector<const RouteItem*> out;
            for (const auto& item : items) {
                if (item.from == s) out.push_back(&item);
            }
            if (stage.type == StageType::sink) continue;
            if (std::find(unsettled.begin(), unsettled.end(), s) != unsettled.end()) continue;
            if (out.empty()) {
                r_.error(stage.loc, stage_path(stage),
                         with_article(stage.type) + " needs at least one route out",
                         "add `- {from: " + stage.name + ", to: NEXT_STAGE}` under routes");
                continue;
            }
            const bool inspection = stage.type == StageType::inspection;
            std::vector<const RouteItem*> groups[3];  // by RouteWhen: any, pass, fail
            for (const RouteItem* item : out) {
                groups[static_cast<std::size_t>(item->when)].push_back(item);
            }
            if (inspection) check_inspection_outcomes(stage, groups);
            for (const RouteWhen when : {RouteWhen::any, RouteWhen::pass, RouteWhen::fail}) {
                const auto& group = groups[static_cast<std::size_t>(when)];
                if (!group.empty()) check_route_group(stage, inspection, when, group);
            }
            for (const RouteItem* item : out) {
                const bool alone = groups[static_cast<std::size_t>(item->when)].size() == 1;
                stage.routes.push_back(make_route(item->to, alone ? 1.0 : item->prob.value_or(0.0),
                                                  item->when, item->cursor.loc));
            }
        }
    }

    // An inspection sends passed units along its pass routes (else those without `when`) and
    // failed units along its fail routes (likewise): both need somewhere to go.
    void check_inspection_outcomes(const StageSpec& stage,
                                   const std::vector<const RouteItem*> (&groups)[3]) {
        const auto& any = groups[static_cast<std::size_t>(RouteWhen::any)];
        const auto& pass = groups[static_cast<std::size_t>(RouteWhen::pass)];
        const auto& fail = groups[static_cast<std::size_t>(RouteWhen::fail)];
        if (pass.empty() && any.empty()) {
            r_.error(stage.loc, stage_path(stage),
                     "inspection `" + stage.name + "` has no route for the units that pass",
                     "add `- {from: " + stage.name +
                         ", to: NEXT_STAGE, when: pass}` under routes (a route without `when` "
                         "serves both results)");
        }
        if (fail.empty() && any.empty()) {
            r_.error(stage.loc, stage_path(stage),
                     "inspection `" + stage.name + "` has no route for the units that fail",
                     "add `- {from: " + stage.name +
                         ", to: REWORK_STAGE, when: fail}` or `to: scrap` under routes (a route "
                         "without `when` serves both results)");
        }
        if (!pass.empty() && !fail.empty() && !any.empty()) {
            const Cursor& c = any.front()->cursor;
            r_.error(c.loc, c.path,
                     "this route out of `" + stage.name + "` has no `when`, but `" + stage.name +
                         "` has both pass and fail routes, so no unit takes it",
                     "add `when: pass` or `when: fail`, or remove the route");
        }
    }

    // The routes of one group (same stage, same `when`) split the units by prob: one route
    // takes them all; several must each have a prob, summing to 1.
    void check_route_group(const StageSpec& stage, bool inspection, RouteWhen when,
                           const std::vector<const RouteItem*>& group) {
        const RouteGroupWords words = group_words(stage.name, inspection, when, group.size());
        if (group.size() == 1) {
            const RouteItem& only = *group.front();
            if (only.prob && *only.prob != 1.0) {
                r_.error(only.prob_cursor.loc, only.prob_cursor.path,
                         words.only + " must have prob 1 (or none), got " +
                             only.prob_cursor.node->scalar,
                         "with one route out every unit takes it; add the other routes "
                         "of the split");
            }
            return;
        }
        bool probs_ok = true;
        double sum = 0;
        std::string listing;
        for (const RouteItem* item : group) {
            if (item->prob_invalid) {
                probs_ok = false;
                continue;
            }
            if (!item->prob) {
                r_.error(item->cursor.loc, item->cursor.path,
                         words.count + ", so each needs a `prob`",
                         "give each of " + words.all + " a prob; together they sum to 1");
                probs_ok = false;
                continue;
            }
            sum += *item->prob;
            listing += (listing.empty() ? "" : ", ") + stage.name + " -> " + target_name(item->to) +
                       " " + item->prob_cursor.node->scalar;
        }
        if (probs_ok && std::abs(sum - 1.0) > 1e-9) {
            // Point at an override that set one of these probs, if any; else the first.
            const RouteItem* first = group.front();
            for (const RouteItem* item : group) {
                if (item->prob_cursor.loc.line == 0) {
                    first = item;
                    break;
                }
            }
            const Cursor& where =
                first->prob_cursor.loc.line == 0 ? first->prob_cursor : first->cursor;
            r_.error(where.loc, where.path,
                     "the probs of " + words.all + " sum to " + format_number(sum) +
                         ", not 1: " + listing,
                     "make them add up to 1");
        }
    }

    void read_faults() {
        const Cursor faults = at(top_, "faults");
        if (!faults.present() || faults.node->is_null()) return;
        if (!r_.check_list(faults)) return;
        std::vector<std::size_t> item_of;  // sc_.faults[k] came from faults.item_of[k]
        for (std::size_t i = 0; i < faults.node->items.size(); ++i) {
            const Cursor fc = Reader::item(faults, i);
            if (!r_.check_map(fc)) continue;
            if (auto f = read_fault(fc)) {
                sc_.faults.push_back(*f);
                item_of.push_back(i);
            }
        }
        // Two faults of one kind on one stage at once would end each other's effect early.
        for (std::size_t k = 0; k < sc_.faults.size(); ++k) {
            const Fault& f = sc_.faults[k];
            for (std::size_t j = 0; j < k; ++j) {
                const Fault& g = sc_.faults[j];
                if (g.stage != f.stage || g.kind != f.kind) continue;
                if (f.at < g.at + g.duration && g.at < f.at + f.duration) {
                    const Cursor at_c = at(Reader::item(faults, item_of[k]), "at");
                    r_.error(at_c.loc, at_c.path,
                             "this " + std::string(to_string(f.kind)) + " fault on `" +
                                 names_[f.stage] + "` overlaps faults." +
                                 std::to_string(item_of[j]) + " ([" + format_number(g.at) + ", " +
                                 format_number(g.at + g.duration) + "))",
                             "merge them into one fault, or move one so they do not overlap");
                    break;
                }
            }
        }
    }

    std::optional<Fault> read_fault(const Cursor& fc) {
        const std::size_t errors_before = r_.error_count();
        Fault f;
        f.loc = fc.loc;
        const Cursor stage_c = at(fc, "stage");
        const Cursor kind_c = at(fc, "kind");
        const Cursor factor_c = at(fc, "factor");
        const Cursor value_c = at(fc, "value");
        const auto name = r_.text(stage_c);
        const auto kind_text = r_.text(kind_c);
        const auto at_v = r_.number(at(fc, "at"));
        const auto duration = r_.number(at(fc, "duration"));
        if (at_v) f.at = *at_v;
        if (duration) f.duration = *duration;
        const auto factor = factor_c.present() ? r_.number(factor_c) : std::nullopt;
        const auto value = value_c.present() ? r_.number(value_c) : std::nullopt;
        std::optional<std::size_t> stage;
        if (name && !names_.empty()) stage = stage_index(stage_c, *name, nullptr);
        if (stage) f.stage = *stage;
        if (kind_text) {
            f.kind = enum_of(*kind_text,
                             {FaultKind::outage, FaultKind::surge, FaultKind::defect_prob,
                              FaultKind::loss_prob, FaultKind::service},
                             FaultKind::outage);
            const bool takes_factor = f.kind == FaultKind::surge || f.kind == FaultKind::service;
            const bool takes_value =
                f.kind == FaultKind::defect_prob || f.kind == FaultKind::loss_prob;
            const std::string kind = to_string(f.kind);
            const std::string a_kind = (f.kind == FaultKind::outage ? "an " : "a ") + kind;
            const std::string takes = a_kind + " fault takes: stage, kind, at, duration" +
                                      (takes_factor  ? ", factor"
                                       : takes_value ? ", value"
                                                     : "");
            for (const auto& [c, allowed] :
                 {std::pair{&factor_c, takes_factor}, std::pair{&value_c, takes_value}}) {
                if (c->present() && !allowed) {
                    r_.error(
                        c->key_loc, c->path,
                        "`" + std::string(c->name()) + "` does not apply to " + a_kind + " fault",
                        takes);
                }
            }
            if (takes_factor && !factor_c.present()) {
                r_.error(fc.loc, factor_c.path, a_kind + " fault needs `factor` (> 0)",
                         f.kind == FaultKind::surge
                             ? "the arrival rate is multiplied by it, e.g. factor: 2"
                             : "service (or delay) times are multiplied by it, e.g. factor: 1.5");
            }
            if (takes_value && !value_c.present()) {
                r_.error(fc.loc, value_c.path, a_kind + " fault needs `value` (in [0, 1])",
                         "the stage's " + kind + " during the fault, e.g. value: 0.1");
            }
            if (factor) f.factor = *factor;
            if (value) f.value = *value;
            if (stage && types_known_[*stage] &&
                (fault_stage_types(f.kind) & stage_bit(sc_.stages[*stage].type)) == 0) {
                r_.error(stage_c.loc, stage_c.path,
                         a_kind + " fault needs " + fault_stage_words(f.kind) + ", and `" + *name +
                             "` is " + with_article(sc_.stages[*stage].type),
                         kFaultKindsHint);
            }
        }
        if (r_.error_count() != errors_before || !stage || !kind_text) return std::nullopt;
        return f;
    }

    void check_graph() {
        const auto reachable = reachable_from_sources(sc_);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (!reachable[i]) {
                r_.error(s.loc, stage_path(s),
                         "stage `" + s.name + "` cannot be reached from any source",
                         "add a route into `" + s.name + "`, or remove the stage");
            }
        }
        const auto loops = closed_loops(sc_);
        std::vector<bool> in_loop(sc_.stages.size(), false);
        for (const auto& loop : loops) {
            std::vector<std::string> members;
            for (const auto i : loop) {
                in_loop[i] = true;
                members.push_back("`" + sc_.stages[i].name + "`");
            }
            const StageSpec& first = sc_.stages[loop.front()];
            const std::string what =
                loop.size() == 1
                    ? "stage " + members.front() + " routes only to itself"
                    : "the stages " + join_names(members) + " form a loop with no exit";
            r_.error(first.loc, stage_path(first),
                     what + ": units that enter it never reach a sink",
                     "give one of them a route (with prob > 0) out of the loop");
        }
        const auto to_sink = can_reach_sink(sc_);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (to_sink[i] || in_loop[i]) continue;
            r_.error(s.loc, stage_path(s), "stage `" + s.name + "` cannot reach a sink",
                     "every path out of it ends in a loop with no exit; route it to a sink");
        }
    }

    // Loops that the routes leave on paper but the probabilities never do (an inspection that
    // catches every defect and a rework station that always re-damages; a scrap-and-remake
    // cycle that no unit survives) are found by the absorbing chain.
    void check_quality() {
        constexpr const char* kLoopHint =
            "with these probabilities no order ever leaves it: lower a defect_prob, "
            "detect_prob, false_alarm_prob or damage_prob of 1, or give a route out of the "
            "loop a prob > 0";
        try {
            (void)analyse_quality(sc_);
        } catch (const TrappingLoopError& e) {
            const std::string msg = e.what();
            const bool remake = msg.find("(remake)") != std::string::npos;
            const StageSpec& s = sc_.stages[e.stages().front()];
            r_.error(s.loc, stage_path(s), msg,
                     std::string(kLoopHint) +
                         (remake ? "; or cancel scrapped orders (on_scrap: cancel)" : ""));
        } catch (const std::exception& e) {
            std::string msg = e.what();
            const std::string prefix = "quality analysis: ";
            if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
            const auto first = first_stage_named(msg, names_);
            const Cursor routes = at(top_, "routes");
            const SourceLoc loc = first ? sc_.stages[*first].loc : routes.key_loc;
            r_.error(loc, first ? stage_path(sc_.stages[*first]) : routes.path, msg,
                     "the quality analysis of the routes and probabilities failed; check the "
                     "probabilities of the stages it names");
        }
    }

    Reader r_;
    const RawNode& root_;
    Cursor top_;
    Cursor stages_;
    Scenario sc_;
    std::vector<std::string> names_;  ///< every key under stages, in file order
    std::vector<bool> types_known_;   ///< per stage: its type was read
    bool last_type_known_ = false;
    bool graph_checkable_ = true;  ///< stages and routes sound enough for graph checks
};

}  // namespace

}  // namespace detail

Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides) {
    std::vector<Diagnostic> diags;
    auto root = detail::parse_yaml(text, file, diags);
    if (!root) throw ScenarioError(std::move(diags));
    detail::apply_overrides(*root, overrides, diags);
    Scenario sc = detail::ScenarioBuilder(*root, file, diags).build();
    if (!diags.empty()) {
        // In file order, like a compiler; override problems (line 0) first.
        std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
            return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
        });
        throw ScenarioError(std::move(diags));
    }
    sc.content_hash = sim::fnv1a64(text);
    sc.overrides = overrides;
    return sc;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    const bool is_dir = std::filesystem::is_directory(path, ec);
    std::ifstream in(path, std::ios::binary);
    if (!exists || is_dir || !in) {
        throw ScenarioError(
            {Diagnostic{SourceLoc{path, 0, 0}, "",
                        !exists  ? "the scenario file does not exist"
                        : is_dir ? "is a directory, not a scenario file"
                                 : "cannot read the scenario file",
                        !exists ? "check the path (relative to the working directory)"
                                : "give the path of a .yaml scenario you can read"}});
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw ScenarioError({Diagnostic{SourceLoc{path, 0, 0}, "",
                                        "reading the scenario file failed", "check the file"}});
    }
    return load_scenario_text(text, path, overrides);
}

}  // namespace qosim::models
