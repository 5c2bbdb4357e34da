// The scenario schema table (SPEC §2), its lookups and the generated key reference.
#include "models/scenario/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "models/scenario/enum_names.hpp"
#include "sim/number_text.hpp"

namespace qosim::models {

namespace {

constexpr StageTypeMask kSource = stage_bit(StageType::source);
constexpr StageTypeMask kStation = stage_bit(StageType::station);
constexpr StageTypeMask kInspection = stage_bit(StageType::inspection);
constexpr StageTypeMask kLink = stage_bit(StageType::link);
constexpr StageTypeMask kSink = stage_bit(StageType::sink);
constexpr StageTypeMask kServing = kStation | kInspection;  // stages with servers and a queue

constexpr Range ge(double x) {
    Range r;
    r.lo = x;
    return r;
}
constexpr Range gt(double x) {
    Range r = ge(x);
    r.lo_open = true;
    return r;
}
constexpr Range between(double lo, double hi) {  // [lo, hi]
    Range r = ge(lo);
    r.hi = hi;
    return r;
}
constexpr Range unit_interval() {
    Range r = ge(0);
    r.hi = 1;
    return r;
}
constexpr Range share_interval() {  // (0, 1]
    Range r = unit_interval();
    r.lo_open = true;
    return r;
}

// Builds one table row: key("run.horizon", KeyType::number).required().range(gt(0)) ...
class KeyBuilder {
    // Defined before its callers: clang 14 does not instantiate a member template used in a
    // constant expression when its definition comes later in the class.
    template <class F>
    constexpr KeyBuilder with(F f) const {
        KeyBuilder b = *this;
        f(b.k_);
        return b;
    }

public:
    constexpr KeyBuilder(std::string_view path, KeyType type) {
        k_.path = path;
        k_.type = type;
    }
    constexpr KeyBuilder reserved() const {
        return with([](SchemaKey& k) { k.status = KeyStatus::reserved; });
    }
    constexpr KeyBuilder required() const {
        return with([](SchemaKey& k) { k.required = true; });
    }
    constexpr KeyBuilder existing_names() const {
        return with([](SchemaKey& k) { k.names_must_exist = true; });
    }
    constexpr KeyBuilder default_value(std::string_view v) const {
        return with([v](SchemaKey& k) { k.default_value = v; });
    }
    constexpr KeyBuilder range(Range r) const {
        return with([r](SchemaKey& k) { k.range = r; });
    }
    constexpr KeyBuilder choices(std::string_view v) const {
        return with([v](SchemaKey& k) { k.choices = v; });
    }
    constexpr KeyBuilder planned_values(std::string_view v) const {
        return with([v](SchemaKey& k) { k.reserved_values = v; });
    }
    constexpr KeyBuilder types(StageTypeMask m) const {
        return with([m](SchemaKey& k) { k.stage_types = m; });
    }
    constexpr KeyBuilder unit(std::string_view v) const {
        return with([v](SchemaKey& k) { k.unit = v; });
    }
    constexpr KeyBuilder help(std::string_view v) const {
        return with([v](SchemaKey& k) { k.help = v; });
    }
    constexpr operator SchemaKey() const { return k_; }  // NOLINT: rows convert implicitly

private:
    SchemaKey k_;
};

constexpr KeyBuilder key(std::string_view path, KeyType type) { return KeyBuilder(path, type); }

// One row per key. Reading, unknown-key detection, "did you mean", --set validation and
// schema_reference() all come from here; turning a reserved key on is a change of `status`
// plus the code that gives it meaning.
constexpr auto kSchema = std::to_array<SchemaKey>({
    // --- top level ---------------------------------------------------------------------------
    key("name", KeyType::string)
        .help("free text naming the scenario (default: the file name without extension)"),
    key("time_unit", KeyType::choice)
        .default_value("hour")
        .choices(choices_of<kTimeUnitNames>())
        .help("the unit of every duration in the file (horizon, service, delay ...)"),
    key("run", KeyType::map).required().help("how long and how often to simulate"),
    key("costs", KeyType::map).help("penalties per order (currency-free numbers)"),
    key("targets", KeyType::map)
        .help("service-level targets checked on the replication mean and its 95 % CI"),
    key("stages", KeyType::map).required().help("the process stages, by name (file order is kept)"),
    key("routes", KeyType::list)
        .required()
        .help("the routes between stages: a list of {from, to, prob}"),
    key("faults", KeyType::list)
        .help("scheduled fault injection: a list of {stage, kind, at, duration, factor | value}"),
    key("variants", KeyType::map)
        .help("named what-ifs for `qosim compare` and `--variant`: {NAME: {PATH: value ...}}"),
    key("sweep", KeyType::map)
        .help("parameter sweep design for `qosim sweep`: {method, parameters, samples, seed}"),

    // --- run ---------------------------------------------------------------------------------
    key("run.horizon", KeyType::number)
        .range(gt(0))
        .unit("time")
        .help("simulated time per replication (give horizon or orders)"),
    key("run.orders", KeyType::integer)
        .range(gt(0))
        .unit("orders")
        .help("instead of horizon: create N orders, end when all have concluded (an "
              "override of either replaces the other from the file)"),
    key("run.warmup", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .choices("auto")
        .unit("time")
        .help("statistics before this time are discarded; must be < horizon; `auto` runs "
              "five pilot replications and uses an upper prediction bound of their MSER-5 "
              "cuts for all"),
    key("run.replications", KeyType::integer)
        .default_value("10")
        .range(between(1, kMaxReplications))
        .unit("count")
        .help("independent replications (with precision: the minimum, default 3)"),
    key("run.seed", KeyType::integer)
        .default_value("1")
        .range(ge(0))
        .help("base random seed (non-negative integer)"),
    key("run.max_wip", KeyType::integer)
        .default_value("1000000")
        .range(gt(0))
        .unit("orders")
        .help("stop with an error when work in progress passes this"),
    key("run.max_events", KeyType::number)
        .default_value("1e9")
        .range(gt(0))
        .unit("count")
        .help("stop with an error when a replication processes more events"),
    key("run.precision", KeyType::map)
        .help("add replications until a metric's 95 % CI half-width is reached: "
              "{metric, half_width, max_replications}"),
    key("run.precision.metric", KeyType::string)
        .required()
        .help("a runs.csv metric name, e.g. customer_error_rate"),
    key("run.precision.half_width", KeyType::number)
        .required()
        .range(gt(0))
        .unit("metric's unit")
        .help("stop once the metric's 95 % CI half-width is at most this"),
    key("run.precision.max_replications", KeyType::integer)
        .default_value("200")
        .range(between(3, kMaxReplications))
        .unit("count")
        .help("stop here even if the half-width is not reached (>= run.replications)"),

    // --- costs -------------------------------------------------------------------------------
    key("costs.late_penalty", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .unit("money/order")
        .help("per order delivered after its due date"),
    key("costs.escape_penalty", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .unit("money/order")
        .help("per defective order that reaches the customer"),
    key("costs.lost_penalty", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .unit("money/order")
        .help("per order lost on the way or cancelled"),

    // --- targets -----------------------------------------------------------------------------
    key("targets.*", KeyType::map).help("a runs.csv metric name: {max: x} and/or {min: x}"),
    key("targets.*.max", KeyType::number).help("the metric's mean must not exceed this"),
    key("targets.*.min", KeyType::number).help("the metric's mean must not fall below this"),

    // --- stages ------------------------------------------------------------------------------
    key("stages.*", KeyType::map)
        .help("a stage; the name matches [A-Za-z_][A-Za-z0-9_-]* and is not `scrap`")
        .existing_names(),
    key("stages.*.type", KeyType::choice)
        .required()
        .choices(choices_of<kStageTypeNames>())
        .help("what the stage does (an inspection is a station that also tests units)"),
    // source
    key("stages.*.interarrival", KeyType::distribution)
        .required()
        .types(kSource)
        .unit("time")
        .help("time between order arrivals"),
    key("stages.*.due_in", KeyType::distribution)
        .types(kSource)
        .unit("time")
        .help("due date after creation (omitted: orders are never late)"),
    key("stages.*.on_scrap", KeyType::choice)
        .default_value("remake")
        .choices(choices_of<kOnScrapNames>())
        .types(kSource)
        .help("a scrapped unit is remade from the source's routes (keeping its creation time "
              "and due date) or the order is cancelled"),
    key("stages.*.products", KeyType::map)
        .types(kSource)
        .help("order classes by name, drawn per order by share: {NAME: {share, due_in, "
              "priority}}"),
    key("stages.*.products.*", KeyType::map)
        .types(kSource)
        .help("a product; the name matches [A-Za-z_][A-Za-z0-9_-]*, is not `scrap` and is "
              "unique in the scenario")
        .existing_names(),
    key("stages.*.products.*.share", KeyType::number)
        .required()
        .range(share_interval())
        .types(kSource)
        .unit("share")
        .help("share of the source's orders; the shares of one source sum to 1"),
    key("stages.*.products.*.due_in", KeyType::distribution)
        .types(kSource)
        .unit("time")
        .help("due date after creation (omitted: the source's due_in)"),
    key("stages.*.products.*.priority", KeyType::integer)
        .default_value("0")
        .types(kSource)
        .help("higher is served first by the priority discipline (may be negative)"),
    // station (and inspection)
    key("stages.*.servers", KeyType::integer)
        .default_value("1")
        .range(between(1, kMaxServers))
        .types(kServing)
        .unit("count")
        .help("identical parallel servers (with shifts: the pool they draw from; omitted = "
              "the largest window's servers)"),
    key("stages.*.service", KeyType::distribution)
        .required()
        .types(kServing)
        .unit("time")
        .help("service time per unit"),
    key("stages.*.queue", KeyType::map)
        .types(kServing)
        .help("the waiting line in front of the servers"),
    key("stages.*.queue.capacity", KeyType::integer)
        .range(ge(0))
        .types(kServing)
        .unit("units")
        .help("waiting places, not counting units in service (omitted: unbounded)"),
    key("stages.*.queue.discipline", KeyType::choice)
        .default_value("fifo")
        .choices(choices_of<kDisciplineNames>())
        .types(kServing)
        .help("service order (edd = earliest due date first)"),
    key("stages.*.cost", KeyType::map)
        .types(kServing | kLink)
        .help("resource and unit costs of the stage"),
    key("stages.*.cost.per_busy_hour", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .types(kServing)
        .unit("money/hour")
        .help("per server per hour busy (always per hour)"),
    key("stages.*.cost.per_idle_hour", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .types(kServing)
        .unit("money/hour")
        .help("per server per hour idle (always per hour)"),
    key("stages.*.cost.per_unit", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .types(kServing | kLink)
        .unit("money/unit")
        .help("per unit that leaves the stage"),
    key("stages.*.defect_prob", KeyType::number)
        .default_value("0")
        .range(unit_interval())
        .types(kStation)
        .unit("share")
        .help("chance this stage damages a unit"),
    key("stages.*.detect_prob", KeyType::number)
        .default_value("1")
        .range(unit_interval())
        .types(kInspection)
        .unit("share")
        .help("chance an inspection catches a defective unit"),
    key("stages.*.false_alarm_prob", KeyType::number)
        .default_value("0")
        .range(unit_interval())
        .types(kInspection)
        .unit("share")
        .help("chance an inspection rejects a good unit"),
    key("stages.*.repairs", KeyType::boolean)
        .default_value("false")
        .types(kStation)
        .help("a rework station: repairs the defective units it serves"),
    key("stages.*.breakdowns", KeyType::map)
        .types(kServing)
        .help("per-server failures and repairs"),
    key("stages.*.breakdowns.time_between", KeyType::distribution)
        .required()
        .types(kServing)
        .unit("time")
        .help("time from a server's repair (or the start) to its next failure; mean > 0"),
    key("stages.*.breakdowns.repair", KeyType::distribution)
        .required()
        .types(kServing)
        .unit("time")
        .help("repair duration"),
    key("stages.*.breakdowns.cost_per_repair", KeyType::number)
        .default_value("0")
        .range(ge(0))
        .types(kServing)
        .unit("money/repair")
        .help("cost of each repair"),
    key("stages.*.breakdowns.on_failure", KeyType::choice)
        .default_value("resume")
        .choices(choices_of<kFailureModeNames>())
        .types(kServing)
        .help("the job in service resumes, restarts from scratch or is scrapped"),
    key("stages.*.breakdowns.clock", KeyType::choice)
        .default_value("calendar")
        .choices(choices_of<kBreakdownClockNames>())
        .types(kServing)
        .help("failures age in calendar time or in busy (operating) time only"),
    key("stages.*.shifts", KeyType::map)
        .types(kServing)
        .help("server count on a repeating cycle: {cycle, servers: [{from, to, servers}]}"),
    key("stages.*.shifts.cycle", KeyType::number)
        .required()
        .range(gt(0))
        .types(kServing)
        .unit("time")
        .help("length of the repeating pattern (e.g. 24 hours, 168 for a week)"),
    key("stages.*.shifts.servers", KeyType::list)
        .required()
        .types(kServing)
        .help("the windows of the cycle, non-overlapping; time outside them has no server"),
    key("stages.*.shifts.servers.#", KeyType::map)
        .types(kServing)
        .help("one window: {from, to, servers}, 0 <= from < to <= cycle"),
    key("stages.*.shifts.servers.#.from", KeyType::number)
        .required()
        .range(ge(0))
        .types(kServing)
        .unit("time")
        .help("start of the window within the cycle"),
    key("stages.*.shifts.servers.#.to", KeyType::number)
        .required()
        .range(ge(0))
        .types(kServing)
        .unit("time")
        .help("end of the window within the cycle (exclusive; at most cycle)"),
    key("stages.*.shifts.servers.#.servers", KeyType::integer)
        .required()
        .range(ge(0))
        .types(kServing)
        .unit("count")
        .help("servers on shift during the window"),
    key("stages.*.service_by_product", KeyType::map)
        .types(kServing)
        .help("service time per product: {PRODUCT: distribution}; others take `service`"),
    key("stages.*.service_by_product.*", KeyType::distribution)
        .types(kServing)
        .unit("time")
        .help("the service time of this product here (a product of some source)"),
    key("stages.*.initial_wip", KeyType::integer)
        .default_value("0")
        .range(ge(0))
        .types(kServing)
        .unit("orders")
        .help("orders already here at time 0 (created at 0 by the first source); at most "
              "servers + queue.capacity"),
    // link
    key("stages.*.delay", KeyType::distribution)
        .required()
        .types(kLink)
        .unit("time")
        .help("transport / transmission time"),
    key("stages.*.loss_prob", KeyType::number)
        .default_value("0")
        .range(unit_interval())
        .types(kLink)
        .unit("share")
        .help("chance the order never arrives"),
    key("stages.*.damage_prob", KeyType::number)
        .default_value("0")
        .range(unit_interval())
        .types(kLink)
        .unit("share")
        .help("chance the order arrives defective"),
    key("stages.*.retry", KeyType::map).types(kLink).help("re-send lost messages: {timeout, max}"),
    key("stages.*.retry.timeout", KeyType::number)
        .required()
        .range(gt(0))
        .types(kLink)
        .unit("time")
        .help("a lost message is re-sent this long after it was sent"),
    key("stages.*.retry.max", KeyType::integer)
        .required()
        .range(between(0, kMaxRetries))
        .types(kLink)
        .unit("count")
        .help("re-sends before the order is lost"),
    // sink
    key("stages.*.survey", KeyType::map)
        .types(kSink)
        .help("customer survey: {response_rate, bias}"),
    key("stages.*.survey.response_rate", KeyType::number)
        .required()
        .range(unit_interval())
        .types(kSink)
        .unit("share")
        .help("chance a customer answers"),
    key("stages.*.survey.bias", KeyType::number)
        .default_value("1")
        .range(gt(0))
        .types(kSink)
        .unit("factor")
        .help("customers who met an error answer bias times as often (capped at 1)"),

    // --- variants and sweep -------------------------------------------------------------------
    key("variants.*", KeyType::map)
        .help("a variant; the name matches [A-Za-z_][A-Za-z0-9_-]*: the values it changes, as "
              "`--set` paths, e.g. {stages.smt.servers: 3}")
        .existing_names(),
    key("variants.*.*", KeyType::setting)
        .help("a scalar's dotted path (as with --set) and its value in this variant"),
    key("sweep.method", KeyType::choice)
        .default_value("grid")
        .choices("grid|lhs")
        .help("grid: every combination of the listed values; lhs: a Latin hypercube of "
              "`samples` points over the ranges"),
    key("sweep.parameters", KeyType::map)
        .required()
        .help("the swept values by dotted path (as with --set): a list [a, b, c] or a range "
              "{from, to, steps}"),
    key("sweep.parameters.*", KeyType::setting)
        .help("a list of values, or {from, to, steps} (grid: steps values from `from` to `to`; "
              "lhs: the range sampled); integer keys take whole numbers only"),
    key("sweep.parameters.*.from", KeyType::number)
        .required()
        .help("first value of the range (in the key's unit)"),
    key("sweep.parameters.*.to", KeyType::number)
        .required()
        .help("last value of the range (in the key's unit)"),
    key("sweep.parameters.*.steps", KeyType::integer)
        .range(ge(2))
        .unit("count")
        .help("grid: how many evenly spaced values from `from` to `to` (required with grid)"),
    key("sweep.samples", KeyType::integer)
        .range(ge(1))
        .unit("points")
        .help("lhs: the number of design points (required with lhs)"),
    key("sweep.seed", KeyType::integer)
        .default_value("1")
        .range(ge(0))
        .help("lhs: the seed of the Latin hypercube (independent of run.seed)"),

    // --- routes ------------------------------------------------------------------------------
    key("routes.#", KeyType::map).help("one route: {from, to, prob, when, product}"),
    key("routes.#.from", KeyType::name).required().help("the stage the route leaves (not a sink)"),
    key("routes.#.to", KeyType::name)
        .required()
        .help("the stage the route enters (not a source), or `scrap` (the built-in scrap "
              "target; not from a source)"),
    key("routes.#.prob", KeyType::number)
        .range(unit_interval())
        .unit("share")
        .help("share of the units leaving `from` (with the same `when` and `product`); those "
              "shares sum to 1"),
    key("routes.#.when", KeyType::choice)
        .choices(choices_of<kRouteWhenNames, 1>())
        .help("routes out of an inspection only: the test result that takes this route "
              "(omitted: both)"),
    key("routes.#.product", KeyType::string)
        .help("only this product takes the route; a product with routes of its own out of a "
              "stage takes only those, the others the routes without `product`"),

    // --- faults ------------------------------------------------------------------------------
    key("faults.#", KeyType::map)
        .help("one fault over [at, at + duration): {stage, kind, at, duration, factor | value}"),
    key("faults.#.stage", KeyType::name).required().help("the stage the fault hits"),
    key("faults.#.kind", KeyType::choice)
        .required()
        .choices(choices_of<kFaultKindNames>())
        .help("outage (station, inspection: servers stop), surge (source: arrival rate x "
              "factor), defect_prob (station, link: becomes value), loss_prob (link: becomes "
              "value), service (station, inspection, link: service or delay time x factor)"),
    key("faults.#.at", KeyType::number)
        .required()
        .range(ge(0))
        .unit("time")
        .help("when the fault starts"),
    key("faults.#.duration", KeyType::number)
        .required()
        .range(gt(0))
        .unit("time")
        .help("how long the fault lasts"),
    key("faults.#.factor", KeyType::number)
        .range(gt(0))
        .unit("factor")
        .help("surge and service faults (required there): the multiplier"),
    key("faults.#.value", KeyType::number)
        .range(unit_interval())
        .unit("share")
        .help("defect_prob and loss_prob faults (required there): the probability meanwhile"),
});

using sim::format_number;

std::string_view type_name(KeyType t) {
    switch (t) {
    case KeyType::map: return "map";
    case KeyType::list: return "list";
    case KeyType::string: return "string";
    case KeyType::name: return "stage name";
    case KeyType::choice: return "choice";
    case KeyType::number: return "number";
    case KeyType::integer: return "integer";
    case KeyType::boolean: return "true|false";
    case KeyType::distribution: return "distribution";
    case KeyType::setting: return "path: value";
    }
    return "?";
}

// The stage types in `mask` that this version runs (the choices of `stages.*.type`).
std::string stage_types_text(StageTypeMask mask) {
    if (mask == kAllStageTypes) return "";
    std::string_view supported;
    for (const auto& k : kSchema) {
        if (k.path == "stages.*.type") supported = k.choices;
    }
    std::string out;
    for (const StageType t : {StageType::source, StageType::station, StageType::inspection,
                              StageType::link, StageType::sink}) {
        if ((mask & stage_bit(t)) == 0) continue;
        const auto choices = split_choices(supported);
        if (std::find(choices.begin(), choices.end(), to_string(t)) == choices.end()) continue;
        if (!out.empty()) out += ", ";
        out += to_string(t);
    }
    return out;
}

// "integer >= 1 (count); default 1" / "fifo|lifo|priority|edd; default fifo" / "number; required"
std::string value_text(const SchemaKey& k) {
    std::string out;
    if (k.type == KeyType::choice) {
        out = std::string(k.choices);
    } else {
        out = std::string(type_name(k.type));
        const std::string range = k.range.describe();
        if (!range.empty()) out += " " + range;
        for (const auto word : split_choices(k.choices)) out += " or " + std::string(word);
    }
    if (!k.unit.empty()) out += " (" + std::string(k.unit) + ")";
    if (k.required) out += "; required";
    if (!k.default_value.empty()) out += "; default " + std::string(k.default_value);
    if (k.path.starts_with("stages.*.") && k.stage_types != kAllStageTypes) {
        out += "; " + stage_types_text(k.stage_types);
    }
    return out;
}

void append_padded(std::string& out, std::string_view text, std::size_t width) {
    out += text;
    if (text.size() < width)
        out.append(width - text.size(), ' ');
    else
        out += "  ";
}

}  // namespace

bool Range::contains(double x) const {
    const bool lo_ok = lo_open ? x > lo : x >= lo;
    const bool hi_ok = hi_open ? x < hi : x <= hi;
    return lo_ok && hi_ok;
}

namespace {
// A bound as a user reads it: whole numbers in full (1000000, not 1e+06).
std::string bound_text(double x) {
    if (x == std::floor(x) && std::fabs(x) < 1e15) {
        return std::to_string(static_cast<long long>(x));
    }
    return format_number(x);
}
}  // namespace

std::string Range::describe() const {
    const auto format_number = bound_text;
    const bool has_lo = std::isfinite(lo);
    const bool has_hi = std::isfinite(hi);
    if (has_lo && has_hi) {
        return std::string("in ") + (lo_open ? "(" : "[") + format_number(lo) + ", " +
               format_number(hi) + (hi_open ? ")" : "]");
    }
    if (has_lo) return std::string(lo_open ? "> " : ">= ") + format_number(lo);
    if (has_hi) return std::string(hi_open ? "< " : "<= ") + format_number(hi);
    return "";
}

std::span<const SchemaKey> schema_keys() { return kSchema; }

std::string describe_key_value(const SchemaKey& key) { return value_text(key); }

const SchemaKey* find_schema_key(std::string_view pattern) {
    for (const auto& k : kSchema) {
        if (k.path == pattern) return &k;
    }
    return nullptr;
}

std::string_view last_segment(std::string_view path) {
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

namespace {

bool is_child_of(std::string_view path, std::string_view parent) {
    if (parent.empty()) return path.find('.') == std::string_view::npos;
    return path.size() > parent.size() + 1 && path.starts_with(parent) &&
           path[parent.size()] == '.' &&
           path.substr(parent.size() + 1).find('.') == std::string_view::npos;
}

bool is_index(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const SchemaKey* resolve_schema_child(std::string_view parent_pattern, std::string_view key) {
    const SchemaKey* wildcard = nullptr;
    const SchemaKey* index = nullptr;
    for (const auto& k : kSchema) {
        if (!is_child_of(k.path, parent_pattern)) continue;
        const auto seg = last_segment(k.path);
        if (seg == key && seg != "*" && seg != "#") return &k;
        if (seg == "*") wildcard = &k;
        if (seg == "#") index = &k;
    }
    if (wildcard != nullptr) return wildcard;
    if (index != nullptr && is_index(key)) return index;
    return nullptr;
}

std::vector<std::string_view> schema_child_names(std::string_view parent_pattern,
                                                 StageTypeMask types, bool include_reserved) {
    std::vector<std::string_view> out;
    for (const auto& k : kSchema) {
        if (!is_child_of(k.path, parent_pattern)) continue;
        const auto seg = last_segment(k.path);
        if (seg == "*" || seg == "#") continue;
        if ((k.stage_types & types) == 0) continue;
        if (!include_reserved && k.status == KeyStatus::reserved) continue;
        out.push_back(seg);
    }
    return out;
}

std::vector<std::string_view> split_choices(std::string_view choices) {
    std::vector<std::string_view> out;
    while (!choices.empty()) {
        const auto bar = choices.find('|');
        out.push_back(choices.substr(0, bar));
        if (bar == std::string_view::npos) break;
        choices.remove_prefix(bar + 1);
    }
    return out;
}

std::span<const DistributionSchema> distribution_schema() { return sim::distribution_families(); }

const DistributionSchema* find_distribution(std::string_view name) {
    return sim::find_distribution_family(name);
}

std::vector<std::string_view> distribution_keys() {
    std::vector<std::string_view> out{"dist"};
    for (const auto& d : sim::distribution_families()) {
        for (const auto p : d.params) {
            if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
        }
    }
    return out;
}

std::string reserved_message(std::string_view what) {
    std::string out = "`";  // built by appending: GCC 12 misreports "lit" + string (-Wrestrict)
    out += what;
    out +=
        "` is part of the qosim format but not supported by this version yet (planned); "
        "remove it to run";
    return out;
}

std::string schema_reference() {
    constexpr std::size_t kPathWidth = 30;
    std::string out =
        "Scenario keys supported by this version (docs/scenario.md). `*` = any name (a stage or a\n"
        "metric), `#` = a list index (routes.0.prob). Durations are in `time_unit`; costs\n"
        "named per_..._hour are per hour whatever the time unit. A `distribution` is a bare\n"
        "number (a constant) or {dist: NAME, PARAM: value ...}, see below.\n\n";
    for (const auto& k : kSchema) {
        if (k.status != KeyStatus::supported) continue;
        out += "  ";
        append_padded(out, k.path, kPathWidth);
        out += value_text(k);
        if (!k.reserved_values.empty()) {
            out += " (`" + std::string(k.reserved_values) + "` planned)";
        }
        out += "\n  ";
        out.append(kPathWidth, ' ');
        out += std::string(k.help) + "\n";
    }
    out += "\nDistributions ({dist: NAME, ...}):\n";
    for (const auto& d : sim::distribution_families()) {
        out += "  ";
        append_padded(out, d.name, 14);
        std::string params;
        for (const auto p : d.params) {
            if (p.empty()) continue;
            if (!params.empty()) params += d.one_of ? " | " : ", ";
            params += p;
        }
        append_padded(out, params, 22);
        out += std::string(d.help) + "\n";
    }
    out +=
        "\nRules across keys:\n"
        "  routes      Routes out of a stage split by prob; within each group sharing a `when`\n"
        "              (pass, fail, none) the probs sum to 1, and a group of one may omit it.\n"
        "              `when` only on routes out of an inspection, which needs a route for\n"
        "              passed and for failed units (a route without `when` serves both).\n"
        "              `to: scrap` scraps the unit (not from a source): the source remakes\n"
        "              it (on_scrap: remake) or cancels the order. No stage is named scrap.\n"
        "  products    A product's shares of one source sum to 1; names are unique across\n"
        "              the scenario. Out of a stage, a product with routes of its own\n"
        "              (`product: NAME`) takes only those, every other product the routes\n"
        "              without `product`; the probs of each (when, product) group sum to 1,\n"
        "              and every product that can reach a stage needs a route out of it.\n"
        "  run         Exactly one of horizon and orders (--horizon or --set of one\n"
        "              replaces the other from the file). With precision, replications is\n"
        "              the minimum (default 3) and at most precision.max_replications.\n"
        "  loops       Every loop needs an exit that some orders take, given the routes'\n"
        "              probs and the defect, detect, false-alarm and damage probabilities.\n"
        "  shifts      Windows satisfy 0 <= from < to <= cycle and do not overlap; at least\n"
        "              one has servers >= 1; `servers`, if given, caps every window (a\n"
        "              window cannot staff more servers than the station has; check warns).\n"
        "  faults      outage: a station or inspection; surge: a source (factor);\n"
        "              defect_prob: a station or link (value; on a link it replaces\n"
        "              damage_prob); loss_prob: a link (value); service: a station,\n"
        "              inspection or link (factor). Faults of one kind on one stage do not\n"
        "              overlap in time.\n"
        "  variants    Each variant is a map of dotted paths (as with --set) to values; they\n"
        "              are applied to the file, then --set on top. Every variant is checked\n"
        "              when the scenario is loaded.\n"
        "  sweep       grid: every combination of the parameters' values, the last one\n"
        "              varying fastest; lhs: `samples` points of a Latin hypercube over the\n"
        "              ranges (and lists), from its own `seed`. Integer keys stay whole.\n";
    const bool any_planned = std::any_of(kSchema.begin(), kSchema.end(), [](const SchemaKey& k) {
        return k.status == KeyStatus::reserved || !k.reserved_values.empty();
    });
    if (!any_planned) return out;
    out +=
        "\nPart of the qosim format but not supported by this version yet (planned; the\n"
        "loader rejects them):\n";
    for (const auto& k : kSchema) {
        if (k.status == KeyStatus::reserved) {
            out += "  ";
            append_padded(out, k.path, kPathWidth);
            out += std::string(k.help) + "\n";
        }
    }
    for (const auto& k : kSchema) {
        if (k.status == KeyStatus::supported && !k.reserved_values.empty()) {
            out += "  ";
            append_padded(out, std::string(k.path) + ": " + std::string(k.reserved_values),
                          kPathWidth);
            out += "a planned value\n";
        }
    }
    return out;
}

namespace {

// A table cell: a bare `|` would end the cell, so it is escaped (GitHub renders `\|` as `|`).
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

std::string markdown_value(const SchemaKey& k) {
    std::string out;
    if (k.type == KeyType::choice) {
        out += "one of: ";
        out += cell(k.choices);
        return out;
    }
    out += type_name(k.type);
    const std::string range = k.range.describe();
    if (!range.empty()) {
        out += ' ';
        out += range;
    }
    for (const auto word : split_choices(k.choices)) {
        out += ", or `";
        out += word;
        out += '`';
    }
    return out;
}

std::string_view markdown_unit(std::string_view unit) {
    return unit == "time" ? "time unit" : unit;
}

// The section a key belongs to: its first segment.
std::string_view section_of(const SchemaKey& k) {
    const auto dot = k.path.find('.');
    return dot == std::string_view::npos ? std::string_view("top level") : k.path.substr(0, dot);
}

// Appends "`text`" (code span) to out.
void code(std::string& out, std::string_view text) {
    out += '`';
    out += text;
    out += '`';
}

}  // namespace

std::string schema_markdown() {
    std::string out;
    std::string_view section;
    for (const auto& k : kSchema) {
        if (k.status != KeyStatus::supported) continue;
        const std::string_view here = section_of(k);
        if (here != section) {
            section = here;
            if (!out.empty()) out += '\n';
            out += "### ";
            if (here == "top level") {
                out += "Top level";
            } else {
                code(out, here);
            }
            out += "\n\n| key | value | unit | default | ";
            out += here == "stages" ? "stage types | meaning |\n|---|---|---|---|---|---|\n"
                                    : "meaning |\n|---|---|---|---|---|\n";
        }
        out += "| ";
        code(out, k.path);
        if (k.required) out += " (required)";
        out += " | ";
        out += markdown_value(k);
        out += " | ";
        out += markdown_unit(k.unit);
        out += " | ";
        if (!k.default_value.empty()) code(out, k.default_value);
        out += " | ";
        if (section == "stages") {
            out += k.stage_types == kAllStageTypes ? std::string("all")
                                                   : stage_types_text(k.stage_types);
            out += " | ";
        }
        out += cell(k.help);
        out += " |\n";
    }
    out += "\n### Distributions\n\n| `dist:` | parameters | meaning |\n|---|---|---|\n";
    for (const auto& d : sim::distribution_families()) {
        out += "| ";
        code(out, d.name);
        out += " | ";
        bool first = true;
        for (const auto p : d.params) {
            if (p.empty()) continue;
            if (!first) out += d.one_of ? " or " : ", ";
            first = false;
            code(out, p);
        }
        out += " | ";
        out += cell(d.help);
        out += " |\n";
    }
    const bool any_reserved = std::any_of(kSchema.begin(), kSchema.end(), [](const SchemaKey& k) {
        return k.status == KeyStatus::reserved;
    });
    if (any_reserved) {
        out += "\n### Planned (refused by this version)\n\n| key | meaning |\n|---|---|\n";
        for (const auto& k : kSchema) {
            if (k.status != KeyStatus::reserved) continue;
            out += "| ";
            code(out, k.path);
            out += " | ";
            out += cell(k.help);
            out += " |\n";
        }
    }
    return out;
}

}  // namespace qosim::models
