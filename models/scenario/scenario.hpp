// The validated, immutable scenario: plain structs, no yaml-cpp types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/distribution.hpp"

namespace qosim::models {

/// Where a value came from: "file:line:column" (1-based), or an override such as "--set x=1".
struct SourceLoc {
    std::string file;
    int line = 0;    ///< 1-based; 0 when not from a file
    int column = 0;  ///< 1-based
};

/// One located remark about a scenario: an error (diagnostics.hpp), or a warning about a valid
/// value that is probably not meant. Rendered as
///   scenarios/line.yaml:14:18: stages.smt.service.sd: must be >= 0, got -0.2
///     hint: <hint>
struct Diagnostic {
    SourceLoc loc;
    std::string path;     ///< dotted key path, e.g. "stages.smt.service.sd" (may be empty)
    std::string message;  ///< the rule broken and the value found
    std::string hint;     ///< what to do (may be empty)

    [[nodiscard]] std::string render() const;
};

enum class TimeUnit { second, minute, hour, day, week };
enum class StageType { source, station, inspection, link, sink };
enum class Discipline { fifo, lifo, priority, edd };
enum class RouteWhen { any, pass, fail };           ///< `when:` on a route out of an inspection
enum class FailureMode { resume, restart, scrap };  ///< what a breakdown does to the job in service
enum class BreakdownClock { calendar, busy };       ///< failures age in calendar or busy time
enum class OnScrap { remake, cancel };              ///< what a source does with a scrapped unit
enum class FaultKind { outage, surge, defect_prob, loss_prob, service };

/// Route target index meaning the built-in `scrap` stage.
inline constexpr std::size_t kScrapTarget = static_cast<std::size_t>(-1);

const char* to_string(TimeUnit u);
const char* to_string(StageType t);
const char* to_string(Discipline d);
const char* to_string(RouteWhen w);
const char* to_string(FailureMode m);
const char* to_string(BreakdownClock c);
const char* to_string(OnScrap o);
const char* to_string(FaultKind k);

/// Hours per scenario time unit (second = 1/3600, minute = 1/60, hour = 1, day = 24,
/// week = 168).
double hours_per_unit(TimeUnit u);

/// Seconds per time unit (second = 1 ... week = 604800): for converting between any two.
double seconds_per_unit(TimeUnit u);

/// One route out of a stage.
struct Route {
    std::size_t to = 0;  ///< index into Scenario::stages, or kScrapTarget
    double prob = 1.0;   ///< share among the routes out of `from` with the same `when` (sum 1)
    RouteWhen when = RouteWhen::any;     ///< pass/fail: only out of an inspection
    std::optional<std::size_t> product;  ///< only this product takes it (Scenario::products)
    SourceLoc loc;
};

/// An order class emitted by a source (`products:`), drawn by `share`.
struct Product {
    std::string name;
    std::size_t source = 0;                   ///< the stage index of the source that emits it
    double share = 1.0;                       ///< shares of one source's products sum to 1
    std::optional<sim::Distribution> due_in;  ///< none: the source's due_in applies
    int priority = 0;  ///< higher is served first under the priority discipline
    SourceLoc loc;
};

/// A customer survey at a sink.
struct Survey {
    double response_rate = 0.0;  ///< P(a customer answers)
    double bias = 1.0;           ///< customers who met an error answer `bias` times as often
};

/// Per-server breakdowns of a station.
struct Breakdowns {
    sim::Distribution time_between;  ///< time between failures (calendar or busy time)
    sim::Distribution repair;        ///< repair duration
    double cost_per_repair = 0.0;
    FailureMode on_failure = FailureMode::resume;
    BreakdownClock clock = BreakdownClock::calendar;
};

/// One window of a repeating shift pattern: [from, to) within the cycle has `servers` on.
struct ShiftWindow {
    double from = 0.0;
    double to = 0.0;
    int servers = 0;
};

/// A station's repeating capacity pattern; times not covered by a window have 0 servers.
struct Shifts {
    double cycle = 0.0;
    std::vector<ShiftWindow> windows;  ///< sorted by `from`, non-overlapping, within [0, cycle]
};

/// Retransmission on a lossy link: a lost message is re-sent `timeout` after it was sent,
/// at most `max` times.
struct Retry {
    double timeout = 0.0;
    int max = 0;
};

/// A scheduled fault over [at, at + duration).
///  outage: the stage's servers stop (the job in service follows breakdowns.on_failure,
///          default resume); surge: a source's arrival rate x factor; defect_prob / loss_prob:
///          the probability becomes `value`; service: service times (delay on links) x factor.
struct Fault {
    std::size_t stage = 0;
    FaultKind kind = FaultKind::outage;
    double at = 0.0;
    double duration = 0.0;
    double factor = 1.0;
    double value = 0.0;
    SourceLoc loc;
};

/// Resource and unit costs of a station, already converted to scenario time units.
struct StageCost {
    double per_busy_time = 0.0;  ///< per server per time unit busy (from per_busy_hour)
    double per_idle_time = 0.0;  ///< per server per time unit idle (from per_idle_hour)
    double per_unit = 0.0;       ///< per unit that departs the stage
};

/// One stage. Only the fields of its type are meaningful.
struct StageSpec {
    std::string name;
    StageType type = StageType::station;
    SourceLoc loc;

    // source
    sim::Distribution interarrival;
    std::optional<sim::Distribution> due_in;  ///< none: orders are never late
    OnScrap on_scrap = OnScrap::remake;

    // station / inspection
    int servers = 1;
    sim::Distribution service;
    std::optional<std::int64_t> queue_capacity;  ///< waiting places; none = unbounded
    Discipline discipline = Discipline::fifo;
    StageCost cost;
    double defect_prob = 0.0;       ///< station: P(this stage damages the unit)
    bool repairs = false;           ///< station: a defective unit passing through is repaired
    double detect_prob = 1.0;       ///< inspection: P(defective unit is caught)
    double false_alarm_prob = 0.0;  ///< inspection: P(good unit is rejected)
    std::optional<Breakdowns> breakdowns;
    std::optional<Shifts> shifts;
    /// Per-product service overrides: (index into Scenario::products, distribution).
    std::vector<std::pair<std::size_t, sim::Distribution>> service_by_product;
    std::int64_t initial_wip = 0;  ///< orders already waiting here at time 0 (created at 0)

    // link
    sim::Distribution delay;
    double loss_prob = 0.0;    ///< P(the order vanishes on the way)
    double damage_prob = 0.0;  ///< P(the order arrives defective)
    std::optional<Retry> retry;

    // sink
    std::optional<Survey> survey;

    /// Out-routes in file order; empty for sinks.
    std::vector<Route> routes;
};

/// `precision:` — add replications until the metric's 95 % CI half-width reaches the goal.
struct Precision {
    std::string metric;          ///< a runs.csv column
    double half_width = 0.0;     ///< > 0, in the metric's unit
    int max_replications = 200;  ///< stop here even if the goal is not reached
};

struct RunSpec {
    double horizon = 0.0;  ///< simulated time per replication (time units)
    std::optional<std::uint64_t>
        orders;                ///< instead of horizon: create N orders, run until all conclude
    double warmup = 0.0;       ///< statistics before this time are discarded
    bool warmup_auto = false;  ///< `warmup: auto`: MSER-5 on pilot lead times
    std::optional<Precision> precision;  ///< instead of a fixed replication count
    int replications = 10;
    std::uint64_t seed = 1;
    std::uint64_t max_wip = 1'000'000;  ///< exceeded => the run stops with an error
    double max_events = 1e9;            ///< exceeded => the run stops with an error
};

struct Costs {
    double late_penalty = 0.0;    ///< per order delivered after its due date
    double escape_penalty = 0.0;  ///< per defective order that reaches the customer
    double lost_penalty = 0.0;    ///< per order lost on the way / cancelled
};

/// `targets: {metric: {max: x}}` / `{min: x}`, checked on the replication mean and its CI.
struct Target {
    std::string metric;  ///< a runs.csv column name
    std::optional<double> min;
    std::optional<double> max;
    SourceLoc loc;
};

struct Scenario {
    std::string name;
    std::string file;                    ///< path as given on the command line
    std::uint64_t content_hash = 0;      ///< FNV-1a of the file bytes (run_info.csv)
    std::vector<std::string> overrides;  ///< "--set" items applied, in order
    /// "path=value" of the variant or sweep point applied before the overrides, in order.
    std::vector<std::string> settings;
    std::string variant;  ///< the variant applied (`run --variant NAME`); empty: the base
    TimeUnit time_unit = TimeUnit::hour;
    RunSpec run;
    Costs costs;
    std::vector<Target> targets;
    std::vector<StageSpec> stages;  ///< in file order
    std::vector<Fault> faults;      ///< in file order
    std::vector<Product> products;  ///< every source's products, in file order (may be empty)
    /// Things that are valid but probably not meant, each located (check and run print them).
    std::vector<Diagnostic> warnings;

    /// Index of the stage called `name`, or none.
    [[nodiscard]] std::optional<std::size_t> find_stage(const std::string& name) const;
};

/// The events a stage will cause by itself over `horizon`, as a fact the loader and the
/// engine both check against run.max_events (one rule): a source's arrivals (horizon / mean
/// interarrival) or a station's shift changes (two per window per cycle). `what` says it in
/// words ("creates about 1e+12 orders"); {0, ""} when the stage causes no timed events of its
/// own or the horizon is not finite.
struct StageEventEstimate {
    double events = 0.0;
    std::string what;
};
[[nodiscard]] StageEventEstimate expected_stage_events(const StageSpec& stage, double horizon);

/// The message when `estimate` exceeds `max_events` (the stage name and the budget included),
/// and its hint.
[[nodiscard]] std::pair<std::string, std::string> event_budget_message(
    const std::string& stage, const StageEventEstimate& estimate, double horizon,
    double max_events);

}  // namespace qosim::models
