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

Route make_route(std::size_t to, double prob, const SourceLoc& loc) {
    Route r;
    r.to = to;
    r.prob = prob;
    r.loc = loc;
    return r;
}

/// One route as written, before it is attached to its stage.
struct RouteItem {
    std::size_t from = 0;
    std::size_t to = 0;
    std::optional<double> prob;
    bool prob_invalid = false;
    Cursor cursor;
    Cursor prob_cursor;
};

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
        if (graph_checkable_) check_graph();
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
        const std::string label = "a " + std::string(to_string(*type)) + " stage";
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
    }

    void read_station(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                      const std::string& label) {
        const Cursor servers = at(sc, "servers");
        if (const auto v = r_.integer(servers)) spec.servers = to_int(servers, *v, 1);
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
    }

    void read_link(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                   const std::string& label) {
        if (const auto d = r_.distribution(at(sc, "delay"))) spec.delay = *d;
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
        std::map<std::pair<std::size_t, std::size_t>, std::size_t> seen;
        for (std::size_t i = 0; i < routes.node->items.size(); ++i) {
            const Cursor rc = Reader::item(routes, i);
            if (!r_.check_map(rc)) continue;
            const Cursor from_c = at(rc, "from");
            const Cursor to_c = at(rc, "to");
            const Cursor prob_c = at(rc, "prob");
            const auto from_name = r_.text(from_c);
            const auto to_name = r_.text(to_c);
            RouteItem item;
            item.cursor = rc;
            item.prob_cursor = prob_c;
            if (prob_c.present()) {
                item.prob = r_.number(prob_c);
                item.prob_invalid = !item.prob;
            }
            if (names_.empty() || !from_name) continue;
            const auto from = stage_index(from_c, *from_name, &unsettled);
            const auto to = to_name ? stage_index(to_c, *to_name, nullptr) : std::nullopt;
            if (!from) continue;
            if (!to) {  // its stage has a route we could not read: skip its route-count checks
                unsettled.push_back(*from);
                continue;
            }
            item.from = *from;
            item.to = *to;
            bool ok = true;
            if (types_known_[*from] && sc_.stages[*from].type == StageType::sink) {
                r_.error(from_c.loc, from_c.path,
                         "`" + *from_name + "` is a sink, and a sink has no routes out",
                         "remove this route; orders end at a sink");
                ok = false;
            }
            if (types_known_[*to] && sc_.stages[*to].type == StageType::source) {
                r_.error(to_c.loc, to_c.path,
                         "`" + *to_name + "` is a source, and a source has no routes in",
                         "route to the stage after the source instead");
                ok = false;
            }
            const auto [it, fresh] = seen.emplace(std::make_pair(*from, *to), i);
            if (!fresh) {
                r_.error(rc.loc, rc.path,
                         "duplicate route " + *from_name + " -> " + *to_name + " (also routes." +
                             std::to_string(it->second) + ")",
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
                r_.error(
                    stage.loc, stages_.path + "." + stage.name,
                    "a " + std::string(to_string(stage.type)) + " needs at least one route out",
                    "add `- {from: " + stage.name + ", to: NEXT_STAGE}` under routes");
                continue;
            }
            bool probs_ok = true;
            if (out.size() == 1) {
                const RouteItem& only = *out.front();
                if (only.prob && *only.prob != 1.0) {
                    r_.error(only.prob_cursor.loc, only.prob_cursor.path,
                             "the only route out of `" + stage.name +
                                 "` must have prob 1 (or none), got " +
                                 only.prob_cursor.node->scalar,
                             "with one route out every unit takes it; add the other routes "
                             "of the split");
                }
                stage.routes.push_back(make_route(only.to, 1.0, only.cursor.loc));
                continue;
            }
            double sum = 0;
            std::string listing;
            for (const RouteItem* item : out) {
                if (item->prob_invalid) {
                    probs_ok = false;
                    continue;
                }
                if (!item->prob) {
                    r_.error(item->cursor.loc, item->cursor.path,
                             "`" + stage.name + "` has " + std::to_string(out.size()) +
                                 " routes out, so each needs a `prob`",
                             "give every route out of `" + stage.name +
                                 "` a prob; together they sum to 1");
                    probs_ok = false;
                    continue;
                }
                sum += *item->prob;
                listing += (listing.empty() ? "" : ", ") + stage.name + " -> " + names_[item->to] +
                           " " + item->prob_cursor.node->scalar;
            }
            if (probs_ok && std::abs(sum - 1.0) > 1e-9) {
                // Point at an override that set one of these probs, if any; else the first.
                const RouteItem* first = out.front();
                for (const RouteItem* item : out) {
                    if (item->prob_cursor.loc.line == 0) {
                        first = item;
                        break;
                    }
                }
                const Cursor& where =
                    first->prob_cursor.loc.line == 0 ? first->prob_cursor : first->cursor;
                r_.error(where.loc, where.path,
                         "the probs of the routes out of `" + stage.name + "` sum to " +
                             format_number(sum) + ", not 1: " + listing,
                         "make them add up to 1");
            }
            for (const RouteItem* item : out) {
                stage.routes.push_back(
                    make_route(item->to, item->prob.value_or(0.0), item->cursor.loc));
            }
        }
    }

    void check_graph() {
        const auto reachable = reachable_from_sources(sc_);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (!reachable[i]) {
                r_.error(s.loc, stages_.path + "." + s.name,
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
            r_.error(first.loc, stages_.path + "." + first.name,
                     what + ": units that enter it never reach a sink",
                     "give one of them a route (with prob > 0) out of the loop");
        }
        const auto to_sink = can_reach_sink(sc_);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (to_sink[i] || in_loop[i]) continue;
            r_.error(s.loc, stages_.path + "." + s.name,
                     "stage `" + s.name + "` cannot reach a sink",
                     "every path out of it ends in a loop with no exit; route it to a sink");
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
