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
#include "models/graph/order_classes.hpp"
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

Route make_route(std::size_t to, double prob, RouteWhen when, std::optional<std::size_t> product,
                 const SourceLoc& loc) {
    Route r;
    r.to = to;
    r.prob = prob;
    r.when = when;
    r.product = product;
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
    std::optional<std::size_t> product;  ///< index into Scenario::products
    Cursor cursor;
    Cursor prob_cursor;
};

/// How messages about one group of routes out of a stage (those sharing a `when` and a
/// `product`) name it.
struct RouteGroupWords {
    std::string all;    ///< "the routes out of `smt`" / "the `when: pass` routes out of `aoi`"
    std::string only;   ///< "the only route out of `smt`"
    std::string count;  ///< "`smt` has 3 routes out"
};

// `product` is the product's name, empty for the routes without `product`.
RouteGroupWords group_words(const std::string& stage, bool inspection, RouteWhen when,
                            const std::string& product, std::size_t size) {
    const std::string name = "`" + stage + "`";
    const std::string n = std::to_string(size);
    std::string qual;  // "`when: pass`, `product: premium` "
    if (when != RouteWhen::any) qual = std::string("`when: ") + to_string(when) + "`";
    if (!product.empty()) qual += (qual.empty() ? "`product: " : ", `product: ") + product + "`";
    if (!qual.empty()) qual += " ";
    const std::string without = inspection && when == RouteWhen::any ? " without `when`" : "";
    return {"the " + qual + "routes out of " + name + without,
            "the only " + qual + "route out of " + name + without,
            name + " has " + n + " " + qual + "routes" +
                (when == RouteWhen::any ? " out" + without : std::string())};
}

/// The metric called `name` in the runs.csv table, or null.
const RunMetric* find_run_metric(std::string_view name) {
    for (const auto& m : run_metrics()) {
        if (m.name == name) return &m;
    }
    return nullptr;
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
        check_survey_metrics();
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
        Cursor horizon_c = at(run, "horizon");
        Cursor orders_c = at(run, "orders");
        if (horizon_c.present() && orders_c.present()) {
            // An override of one (--horizon, --set run.orders=N) switches the file's mode.
            const bool horizon_set = horizon_c.key_loc.line == 0;
            const bool orders_set = orders_c.key_loc.line == 0;
            if (horizon_set && !orders_set) orders_c.node = nullptr;
            if (orders_set && !horizon_set) horizon_c.node = nullptr;
        }
        double horizon = 0.0;  // > 0 when read: warmup must be below it
        if (horizon_c.present()) {
            if (const auto v = r_.number(horizon_c)) horizon = s.horizon = *v;
        }
        if (orders_c.present()) {
            if (const auto v = r_.integer(orders_c)) s.orders = *v;
        }
        if (horizon_c.present() && orders_c.present()) {
            r_.error(orders_c.key_loc, orders_c.path, "give `horizon` or `orders`, not both",
                     "horizon runs each replication for a fixed simulated time; orders creates "
                     "N orders and runs until every one has concluded");
            horizon = 0.0;
        } else if (!horizon_c.present() && !orders_c.present()) {
            r_.error(run.key_loc, run.path,
                     "`run` needs `horizon` (simulated time per replication) or `orders` "
                     "(orders per replication)",
                     "e.g. run: {horizon: 2000} or run: {orders: 10000}");
        }
        read_warmup(run, horizon);
        const Cursor reps = at(run, "replications");
        const auto reps_v = r_.integer(reps);
        if (reps_v) s.replications = to_int(reps, *reps_v, s.replications);
        const bool reps_ok = reps_v.has_value();
        if (const auto v = r_.integer(at(run, "seed"))) s.seed = *v;
        if (const auto v = r_.integer(at(run, "max_wip"))) s.max_wip = *v;
        if (const auto v = r_.number(at(run, "max_events"))) s.max_events = *v;
        read_precision(run, reps, reps_ok);
    }

    // A number, or `auto`: MSER-5 picks the warm-up per replication. `horizon` 0: none given.
    void read_warmup(const Cursor& run, double horizon) {
        RunSpec& s = sc_.run;
        const Cursor warmup = at(run, "warmup");
        const bool word = warmup.present() && warmup.node->is_scalar() &&
                          !parse_number(warmup.node->scalar).has_value();
        if (word && warmup.node->scalar == "auto") {
            s.warmup_auto = true;
            s.warmup = 0.0;
            return;
        }
        if (word) {
            const std::string_view words[] = {"auto"};
            if (const auto guess = did_you_mean(warmup.node->scalar, words)) {
                r_.error(warmup.loc, warmup.path,
                         "must be a number or `auto`, got `" + warmup.node->scalar + "`",
                         "did you mean `" + *guess + "`?");
                return;
            }
        }
        if (const auto w = r_.number(warmup)) {
            s.warmup = *w;
            if (horizon > 0.0 && warmup.present() && !(*w < horizon)) {
                r_.error(warmup.loc, warmup.path,
                         "must be < horizon (" + format_number(horizon) + "), got " +
                             warmup.node->scalar,
                         "statistics are collected between warmup and horizon");
            }
        }
    }

    // `precision`: replications becomes the minimum (default 3), at most max_replications.
    void read_precision(const Cursor& run, const Cursor& reps, bool reps_ok) {
        const Cursor pc = at(run, "precision");
        if (!pc.present()) return;
        RunSpec& s = sc_.run;
        if (!reps.present()) s.replications = 3;
        if (!r_.check_map(pc)) return;
        const std::size_t errors_before = r_.error_count();
        Precision p;
        const Cursor metric_c = at(pc, "metric");
        if (const auto metric = r_.text(metric_c)) {
            p.metric = *metric;
            if (check_metric_name(*metric, metric_c.loc, metric_c.path,
                                  "precision names a runs.csv metric: ")) {
                survey_metric_uses_.push_back({*metric, metric_c.loc, metric_c.path});
            }
        }
        if (const auto v = r_.number(at(pc, "half_width"))) p.half_width = *v;
        const Cursor max_c = at(pc, "max_replications");
        const auto max = r_.integer(max_c);
        if (max) p.max_replications = to_int(max_c, *max, p.max_replications);
        if (max && reps.present() && reps_ok && s.replications > p.max_replications) {
            r_.error(reps.loc, reps.path,
                     "with `precision`, replications is the minimum number of replications "
                     "and must be <= precision.max_replications (" +
                         std::to_string(p.max_replications) + "), got " + reps.node->scalar,
                     "raise precision.max_replications, or lower replications (default 3 with "
                     "precision)");
        }
        if (r_.error_count() == errors_before) s.precision = std::move(p);
    }

    // True when `name` is a runs.csv metric; otherwise reports it (did you mean).
    bool check_metric_name(const std::string& name, const SourceLoc& loc, const std::string& path,
                           const std::string& list_prefix) {
        if (find_run_metric(name) != nullptr) return true;
        std::vector<std::string_view> metrics;
        std::string all;
        for (const auto& m : run_metrics()) {
            metrics.push_back(m.name);
            all += (all.empty() ? "" : ", ") + std::string(m.name);
        }
        r_.error(loc, path, "unknown metric `" + name + "`",
                 suggestion_hint(name, metrics, list_prefix + all));
        return false;
    }

    // Survey metrics (survey_error_rate ...) exist only when a sink runs a survey.
    void check_survey_metrics() {
        if (survey_written_) return;
        for (const auto& use : survey_metric_uses_) {
            const RunMetric* m = find_run_metric(use.metric);
            if (m == nullptr || m->presence != MetricPresence::survey) continue;
            r_.error(use.loc, use.path,
                     "`" + use.metric +
                         "` is measured only when a sink runs a survey, and no "
                         "sink does",
                     "add `survey: {response_rate: 0.1}` to a sink, or use another metric");
        }
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
        for (const auto& e : targets.node->entries) {
            const Cursor t = at(targets, e.key);
            const bool known =
                check_metric_name(e.key, e.key_loc, t.path, "targets name runs.csv metrics: ");
            if (known) survey_metric_uses_.push_back({e.key, e.key_loc, t.path});
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
        read_service_by_product();
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
        case StageType::source: read_source(sc, spec, mask, label); break;
        case StageType::station:
        case StageType::inspection: read_station(sc, spec, mask, label); break;
        case StageType::link: read_link(sc, spec, mask, label); break;
        case StageType::sink: read_sink(sc, spec, mask, label); break;
        }
        return spec;
    }

    void read_source(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                     const std::string& label) {
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
        read_products(sc, spec, mask, label);
    }

    // `products:` of the source being read (its index is sc_.stages.size()). Every product
    // named is added to sc_.products, even one with errors, so that routes naming it do not
    // repeat them as "no such product"; a duplicate name is added once.
    void read_products(const Cursor& sc, const StageSpec& spec, StageTypeMask mask,
                       const std::string& label) {
        const Cursor products = at(sc, "products");
        if (!products.present() || !r_.check_map(products, mask, label)) return;
        if (!products.node->is_map() || products.node->entries.empty()) {
            r_.error(products.key_loc, products.path, "there are no products under `products`",
                     "give each product its share, e.g. products: {basic: {share: 0.7}, "
                     "premium: {share: 0.3}}; or remove `products`");
            return;
        }
        const std::size_t source = sc_.stages.size();
        bool shares_ok = true;
        double sum = 0.0;
        std::string listing;
        std::optional<Cursor> overridden;  // a share set by --set: blame it for a bad sum
        for (const auto& e : products.node->entries) {
            const Cursor pc = at(products, e.key);
            Product p;
            p.name = e.key;
            p.source = source;
            p.loc = e.key_loc;
            if (e.key == "scrap") {
                r_.error(e.key_loc, pc.path,
                         "the name `scrap` is reserved (the built-in scrap target)",
                         "rename the product");
            } else if (!is_valid_stage_name(e.key)) {
                r_.error(e.key_loc, pc.path,
                         "a product name must match [A-Za-z_][A-Za-z0-9_-]*, got `" + e.key + "`",
                         "use letters, digits, `_` and `-`, starting with a letter or `_`");
            }
            const Product* twin = nullptr;
            for (const Product& q : sc_.products) {
                if (q.name == e.key) twin = &q;
            }
            if (twin != nullptr) {
                const std::string where = twin->source == source
                                              ? "this source"
                                              : "source `" + names_[twin->source] + "`";
                r_.error(e.key_loc, pc.path,
                         "product `" + e.key + "` is already defined by " + where +
                             (twin->loc.line > 0 ? " (line " + std::to_string(twin->loc.line) + ")"
                                                 : std::string()),
                         "product names are unique across the scenario; rename one");
            }
            if (r_.check_map(pc, mask, label)) {
                const Cursor share_c = at(pc, "share");
                if (const auto v = r_.number(share_c)) {
                    p.share = *v;
                    sum += *v;
                    listing += (listing.empty() ? "" : ", ") + e.key + " " + share_c.node->scalar;
                    if (share_c.loc.line == 0 && !overridden) overridden = share_c;
                } else {
                    shares_ok = false;
                }
                const Cursor due = at(pc, "due_in");
                if (due.present()) p.due_in = r_.distribution(due);
                const Cursor prio = at(pc, "priority");
                if (const auto v = r_.signed_integer(prio)) {
                    if (*v < INT_MIN || *v > INT_MAX) {
                        r_.error(prio.loc, prio.path,
                                 "must be from " + std::to_string(INT_MIN) + " to " +
                                     std::to_string(INT_MAX) + ", got " + prio.node->scalar);
                    } else {
                        p.priority = static_cast<int>(*v);
                    }
                }
            } else {
                shares_ok = false;
            }
            if (twin == nullptr) sc_.products.push_back(std::move(p));
        }
        if (shares_ok && std::abs(sum - 1.0) > 1e-9) {
            const Cursor& where = overridden ? *overridden : products;
            r_.error(overridden ? where.loc : where.key_loc, where.path,
                     "the shares of the products of `" + spec.name + "` sum to " +
                         format_number(sum) + ", not 1: " + listing,
                     "make them add up to 1: each order is one of them");
        }
    }

    // The product called `name`, or none after reporting it (did you mean).
    std::optional<std::size_t> product_index(const SourceLoc& loc, const std::string& path,
                                             const std::string& name) {
        std::vector<std::string> names;
        for (std::size_t p = 0; p < sc_.products.size(); ++p) {
            if (sc_.products[p].name == name) return p;
            names.push_back(sc_.products[p].name);
        }
        if (names.empty()) {
            r_.error(loc, path, "there is no product `" + name + "`: no source has `products`",
                     "define it under a source, e.g. products: {" + name +
                         ": {share: 1}}, or remove this");
            return std::nullopt;
        }
        const auto guess = did_you_mean(name, std::span<const std::string>(names));
        r_.error(
            loc, path, "there is no product `" + name + "`",
            guess ? "did you mean `" + *guess + "`?" : "the products are: " + join_names(names));
        return std::nullopt;
    }

    // Products may be defined by a source later in the file: resolve service_by_product
    // once every stage has been read.
    void read_service_by_product() {
        for (const auto& [stage, c] : service_by_product_) {
            for (const auto& e : c.node->entries) {
                const Cursor dc = at(c, e.key);
                const auto product = product_index(e.key_loc, dc.path, e.key);
                const auto d = r_.distribution(dc);
                if (product && d) sc_.stages[stage].service_by_product.emplace_back(*product, *d);
            }
        }
    }

    void read_sink(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                   const std::string& label) {
        const Cursor survey = at(sc, "survey");
        if (!survey.present()) return;
        survey_written_ = true;
        if (!r_.check_map(survey, mask, label)) return;
        const auto rate = r_.number(at(survey, "response_rate"));
        const auto bias = r_.number(at(survey, "bias"));
        if (rate && bias) spec.survey = Survey{*rate, *bias};
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
        const Cursor sbp = at(sc, "service_by_product");
        if (r_.check_map(sbp, mask, label) && sbp.node->is_map()) {
            service_by_product_.emplace_back(sc_.stages.size(), sbp);
        }
        read_initial_wip(sc, spec, servers_ok);
    }

    // Orders at time 0 fill the servers, then the queue: they must fit.
    void read_initial_wip(const Cursor& sc, StageSpec& spec, bool servers_ok) {
        const Cursor wip = at(sc, "initial_wip");
        const auto v = r_.integer(wip);
        if (!v) return;
        spec.initial_wip = static_cast<std::int64_t>(
            std::min<std::uint64_t>(*v, static_cast<std::uint64_t>(INT64_MAX)));
        if (!wip.present() || !servers_ok || !spec.queue_capacity) return;
        const std::int64_t room = spec.servers + *spec.queue_capacity;
        if (spec.initial_wip > room) {
            r_.error(wip.loc, wip.path,
                     "must be <= servers + queue.capacity (" + std::to_string(spec.servers) +
                         " + " + std::to_string(*spec.queue_capacity) + " = " +
                         std::to_string(room) + "), got " + wip.node->scalar,
                     "orders at time 0 fill the servers first, then the queue; raise "
                     "queue.capacity or lower initial_wip");
        }
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
        if (r_.error_count() != errors_before) return;
        // `servers` is the pool the shifts draw from: a window cannot staff more servers than
        // the station has (a sweep over `servers` keeps its staffing plan as far as it can).
        if (servers != nullptr && servers->present() && spec.servers < most) {
            sc_.warnings.push_back({servers->loc, servers->path,
                                    "the station has " + std::to_string(spec.servers) +
                                        " servers but its shift windows staff up to " +
                                        std::to_string(most) + ": those windows run with " +
                                        std::to_string(spec.servers),
                                    "raise `servers` to " + std::to_string(most) +
                                        " or lower the windows, if that is not what you mean"});
            for (auto& w : windows) w.window.servers = std::min(w.window.servers, spec.servers);
            most = spec.servers;
        }
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
        std::map<std::tuple<std::size_t, std::size_t, RouteWhen, std::size_t>, std::size_t> seen;
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
            const Cursor product_c = at(rc, "product");
            bool product_ok = true;
            if (product_c.present()) {
                const auto name = r_.text(product_c);
                if (name) item.product = product_index(product_c.loc, product_c.path, *name);
                product_ok = item.product.has_value();
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
            bool ok = when_ok && product_ok;
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
            const std::size_t product_key = item.product.value_or(sc_.products.size());
            const auto [it, fresh] =
                seen.emplace(std::make_tuple(*from, *to, item.when, product_key), i);
            if (!fresh) {
                std::string when_text =
                    item.when == RouteWhen::any ? "" : std::string(" when ") + to_string(item.when);
                if (item.product) when_text += " for product " + sc_.products[*item.product].name;
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
            // One route set per product with routes of its own here, and the shared routes:
            // each set is checked alone (a product with its own routes takes only those).
            std::vector<std::optional<std::size_t>> sets;
            for (const RouteItem* item : out) {
                if (std::find(sets.begin(), sets.end(), item->product) == sets.end()) {
                    sets.push_back(item->product);
                }
            }
            const bool inspection = stage.type == StageType::inspection;
            std::map<std::pair<RouteWhen, std::size_t>, std::size_t> group_size;
            for (const auto& product : sets) {
                std::vector<const RouteItem*> groups[3];  // by RouteWhen: any, pass, fail
                for (const RouteItem* item : out) {
                    if (item->product == product) {
                        groups[static_cast<std::size_t>(item->when)].push_back(item);
                    }
                }
                const std::string name = product ? sc_.products[*product].name : "";
                if (inspection) check_inspection_outcomes(stage, groups, name);
                for (const RouteWhen when : {RouteWhen::any, RouteWhen::pass, RouteWhen::fail}) {
                    const auto& group = groups[static_cast<std::size_t>(when)];
                    if (group.empty()) continue;
                    group_size[{when, product.value_or(sc_.products.size())}] = group.size();
                    check_route_group(stage, inspection, when, name, group);
                }
            }
            for (const RouteItem* item : out) {
                const bool alone =
                    group_size[{item->when, item->product.value_or(sc_.products.size())}] == 1;
                stage.routes.push_back(make_route(item->to, alone ? 1.0 : item->prob.value_or(0.0),
                                                  item->when, item->product, item->cursor.loc));
            }
        }
    }

    // An inspection sends passed units along its pass routes (else those without `when`) and
    // failed units along its fail routes (likewise): both need somewhere to go. `product` names
    // the product whose own routes these are (empty: the routes without `product`).
    void check_inspection_outcomes(const StageSpec& stage,
                                   const std::vector<const RouteItem*> (&groups)[3],
                                   const std::string& product) {
        const auto& any = groups[static_cast<std::size_t>(RouteWhen::any)];
        const auto& pass = groups[static_cast<std::size_t>(RouteWhen::pass)];
        const auto& fail = groups[static_cast<std::size_t>(RouteWhen::fail)];
        const std::string units = product.empty() ? "the units" : "the `" + product + "` units";
        const std::string tag = product.empty() ? "" : ", product: " + product;
        const std::string own = product.empty()
                                    ? ""
                                    : "; `" + product + "` has routes of its own out of `" +
                                          stage.name + "`, so it takes only those";
        if (pass.empty() && any.empty()) {
            r_.error(stage.loc, stage_path(stage),
                     "inspection `" + stage.name + "` has no route for " + units + " that pass",
                     "add `- {from: " + stage.name + ", to: NEXT_STAGE, when: pass" + tag +
                         "}` under routes (a route without `when` serves both results)" + own);
        }
        if (fail.empty() && any.empty()) {
            r_.error(stage.loc, stage_path(stage),
                     "inspection `" + stage.name + "` has no route for " + units + " that fail",
                     "add `- {from: " + stage.name + ", to: REWORK_STAGE, when: fail" + tag +
                         "}` or `to: scrap` under routes (a route without `when` serves both "
                         "results)" +
                         own);
        }
        if (!pass.empty() && !fail.empty() && !any.empty()) {
            const Cursor& c = any.front()->cursor;
            r_.error(c.loc, c.path,
                     "this route out of `" + stage.name + "` has no `when`, but `" + stage.name +
                         "` has both pass and fail routes" +
                         (product.empty() ? "" : " for `" + product + "`") +
                         ", so no unit takes it",
                     "add `when: pass` or `when: fail`, or remove the route");
        }
    }

    // The routes of one group (same stage, `when` and `product`) split the units by prob: one route
    // takes them all; several must each have a prob, summing to 1.
    void check_route_group(const StageSpec& stage, bool inspection, RouteWhen when,
                           const std::string& product, const std::vector<const RouteItem*>& group) {
        const RouteGroupWords words =
            group_words(stage.name, inspection, when, product, group.size());
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
        if (!check_class_routes()) return;
        const auto reachable = reachable_from_sources(sc_);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (!reachable[i]) {
                r_.error(s.loc, stage_path(s),
                         "stage `" + s.name + "` cannot be reached from any source",
                         "add a route into `" + s.name + "`, or remove the stage");
            }
        }
        // Loops of the routes without `product` first, then those only a product takes.
        std::vector<std::vector<std::size_t>> loops;
        std::vector<bool> in_loop(sc_.stages.size(), false);
        for (std::size_t k = 0; k <= sc_.products.size(); ++k) {
            const std::optional<std::size_t> product =
                k == 0 ? std::nullopt : std::optional<std::size_t>(k - 1);
            for (const auto& loop : closed_loops_of(sc_, product)) {
                if (std::find(loops.begin(), loops.end(), loop) != loops.end()) continue;
                loops.push_back(loop);
                report_loop(loop, product);
                for (const auto i : loop) in_loop[i] = true;
            }
        }
        // Every order class that gets to a stage must be able to go on to a sink (or scrap).
        const auto classes = order_classes(sc_);
        std::vector<std::vector<bool>> reach;
        std::vector<std::vector<bool>> exits;
        for (const OrderClass& c : classes) {
            reach.push_back(reachable_by(sc_, c));
            exits.push_back(can_reach_sink_as(sc_, c.product));
        }
        const auto to_sink = can_reach_sink(sc_);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (to_sink[i] || in_loop[i]) continue;
            std::optional<std::size_t> stuck;  // a product that cannot get on from here
            for (std::size_t k = 0; k < classes.size() && !stuck; ++k) {
                if (reach[k][i] && !exits[k][i] && classes[k].product) stuck = classes[k].product;
            }
            if (stuck && has_product_routes(sc_)) {
                const std::string& p = sc_.products[*stuck].name;
                r_.error(s.loc, stage_path(s),
                         "product `" + p + "` cannot reach a sink from stage `" + s.name + "`",
                         "every path `" + p +
                             "` takes out of it ends in a loop with no exit; route it to a sink");
                continue;
            }
            r_.error(s.loc, stage_path(s), "stage `" + s.name + "` cannot reach a sink",
                     "every path out of it ends in a loop with no exit; route it to a sink");
        }
    }

    void report_loop(const std::vector<std::size_t>& loop, std::optional<std::size_t> product) {
        std::vector<std::string> members;
        for (const auto i : loop) members.push_back("`" + sc_.stages[i].name + "`");
        const StageSpec& first = sc_.stages[loop.front()];
        std::string what = loop.size() == 1
                               ? "stage " + members.front() + " routes only to itself"
                               : "the stages " + join_names(members) + " form a loop with no exit";
        std::string hint = "give one of them a route (with prob > 0) out of the loop";
        if (product) {
            const std::string& p = sc_.products[*product].name;
            what += " for product `" + p + "`: its units that enter it never reach a sink";
            hint += " that `" + p + "` takes";
        } else {
            what += ": units that enter it never reach a sink";
        }
        r_.error(first.loc, stage_path(first), what, hint);
    }

    // Out of each stage an order class can get to, it needs a route it takes: a product's own
    // routes there, or the routes without `product`. Only routes naming a product can leave a
    // class without one (a stage with no route at all is reported by attach_routes).
    bool check_class_routes() {
        if (!has_product_routes(sc_)) return true;
        bool ok = true;
        std::vector<std::pair<std::size_t, std::optional<std::size_t>>> reported;
        for (const OrderClass& c : order_classes(sc_)) {
            const auto reach = reachable_by(sc_, c);
            for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
                const StageSpec& s = sc_.stages[i];
                if (!reach[i] || s.type == StageType::sink) continue;
                if (!routes_taken(s, c.product).empty()) continue;
                const std::pair key{i, c.product};
                if (std::find(reported.begin(), reported.end(), key) != reported.end()) continue;
                reported.push_back(key);
                ok = false;
                if (c.product) {
                    const std::string& p = sc_.products[*c.product].name;
                    r_.error(s.loc, stage_path(s),
                             "product `" + p + "` has no route out of stage `" + s.name + "`",
                             "the routes out of `" + s.name + "` all name other products; add `- " +
                                 "{from: " + s.name + ", to: NEXT_STAGE, product: " + p +
                                 "}`, or a route without `product` (taken by every product with "
                                 "no route of its own there)");
                } else {
                    const std::string& src = names_[c.source];
                    r_.error(s.loc, stage_path(s),
                             "orders from source `" + src + "` have no route out of stage `" +
                                 s.name + "`",
                             "`" + src +
                                 "` has no products, so its orders take the routes without "
                                 "`product`, and every route out of `" +
                                 s.name + "` names a product; add `- {from: " + s.name +
                                 ", to: NEXT_STAGE}`");
                }
            }
        }
        return ok;
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

    /// A metric named by a target or by precision (survey metrics need a survey).
    struct MetricUse {
        std::string metric;
        SourceLoc loc;
        std::string path;
    };

    Reader r_;
    const RawNode& root_;
    Cursor top_;
    Cursor stages_;
    Scenario sc_;
    std::vector<std::string> names_;  ///< every key under stages, in file order
    std::vector<bool> types_known_;   ///< per stage: its type was read
    bool last_type_known_ = false;
    bool graph_checkable_ = true;  ///< stages and routes sound enough for graph checks
    bool survey_written_ = false;  ///< some sink has a `survey` key (valid or not)
    std::vector<MetricUse> survey_metric_uses_;
    /// (stage index, its service_by_product map), resolved once every product is known.
    std::vector<std::pair<std::size_t, Cursor>> service_by_product_;
};

}  // namespace

}  // namespace detail

namespace {

// In file order, like a compiler; override problems (line 0) first.
void sort_diagnostics(std::vector<Diagnostic>& diags) {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
    });
}

std::string read_text(const std::string& path) {
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
    return text;
}

// The problems of one variant or swept value, said as such: "in variant `x`: ...".
void add_prefixed(std::vector<Diagnostic>& diags, const std::vector<Diagnostic>& found,
                  const std::string& prefix) {
    for (Diagnostic d : found) {
        d.message = prefix + d.message;
        if (std::find_if(diags.begin(), diags.end(), [&](const Diagnostic& e) {
                return e.loc.file == d.loc.file && e.loc.line == d.loc.line &&
                       e.loc.column == d.loc.column && e.message == d.message;
            }) == diags.end())
            diags.push_back(std::move(d));
    }
}

}  // namespace

ScenarioFile ScenarioFile::read(const std::string& path) { return parse(read_text(path), path); }

ScenarioFile ScenarioFile::parse(const std::string& text, const std::string& file) {
    std::vector<Diagnostic> diags;
    auto root = detail::parse_yaml(text, file, diags);
    if (!root) throw ScenarioError(std::move(diags));
    ScenarioFile f;
    f.file_ = file;
    f.hash_ = sim::fnv1a64(text);
    f.variants_ = detail::read_variants(*root, diags);
    f.sweep_ = detail::read_sweep(*root, diags);
    if (!diags.empty()) {
        sort_diagnostics(diags);
        throw ScenarioError(std::move(diags));
    }
    f.root_ = std::make_shared<const detail::RawNode>(std::move(*root));
    return f;
}

Scenario ScenarioFile::load(const std::vector<std::string>& overrides,
                            const std::vector<Setting>& settings) const {
    std::vector<Diagnostic> diags;
    detail::RawNode root = *root_;
    for (const Setting& s : settings) detail::apply_value(root, s.path, *s.value, s.loc, diags);
    detail::apply_overrides(root, overrides, diags);
    Scenario sc = detail::ScenarioBuilder(root, file_, diags).build();
    if (!diags.empty()) {
        sort_diagnostics(diags);
        throw ScenarioError(std::move(diags));
    }
    sc.content_hash = hash_;
    sc.overrides = overrides;
    for (const Setting& s : settings) sc.settings.push_back(s.path + "=" + s.text);
    return sc;
}

Scenario ScenarioFile::load_checked(const std::vector<std::string>& overrides) const {
    Scenario base = load(overrides);  // throws: the base's own problems come first
    std::vector<Diagnostic> diags;
    for (const Variant& v : variants_) {
        try {
            (void)load(overrides, v.settings);
        } catch (const ScenarioError& e) {
            add_prefixed(diags, e.diagnostics(), "in variant `" + v.name + "`: ");
        }
    }
    if (sweep_) {
        // Each swept value on its own (a range's ends for a Latin hypercube): a combination
        // that fails only jointly is reported by the point that runs it.
        constexpr std::size_t kChecked = 100;  // values per parameter checked up front
        for (const SweepParameter& p : sweep_->parameters) {
            std::vector<std::string> values = p.values;
            if (p.range) values = {detail::format_number(p.from), detail::format_number(p.to)};
            if (values.size() > kChecked) {
                values = {values.front(), values[values.size() / 2], values.back()};
            }
            for (const std::string& v : values) {
                detail::RawNode node;
                node.kind = detail::RawNode::Kind::scalar;
                node.scalar = v;
                node.loc = p.loc;
                const Setting s{p.path, std::make_shared<const detail::RawNode>(node), v, p.loc};
                try {
                    (void)load(overrides, {s});
                } catch (const ScenarioError& e) {
                    add_prefixed(diags, e.diagnostics(),
                                 "in sweep value " + p.path + "=" + v + ": ");
                }
            }
        }
    }
    if (!diags.empty()) {
        sort_diagnostics(diags);
        throw ScenarioError(std::move(diags));
    }
    return base;
}

const Variant* ScenarioFile::find_variant(const std::string& name) const {
    for (const Variant& v : variants_)
        if (v.name == name) return &v;
    return nullptr;
}

Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides) {
    return ScenarioFile::parse(text, file).load_checked(overrides);
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
    return ScenarioFile::read(path).load_checked(overrides);
}

}  // namespace qosim::models
