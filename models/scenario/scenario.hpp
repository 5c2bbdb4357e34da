// The validated, immutable scenario: plain structs, no yaml-cpp types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.hpp"

namespace qosim::models {

/// Where a value came from: "file:line:column" (1-based), or an override such as "--set x=1".
struct SourceLoc {
    std::string file;
    int line = 0;    ///< 1-based; 0 when not from a file
    int column = 0;  ///< 1-based
};

enum class TimeUnit { minute, hour, day };
enum class StageType { source, station, inspection, link, sink };
enum class Discipline { fifo, lifo, priority, edd };

const char* to_string(TimeUnit u);
const char* to_string(StageType t);
const char* to_string(Discipline d);

/// Hours per scenario time unit (minute = 1/60, hour = 1, day = 24).
double hours_per_unit(TimeUnit u);

/// One route out of a stage.
struct Route {
    std::size_t to = 0;  ///< index into Scenario::stages
    double prob = 1.0;   ///< share among the routes out of the same stage (they sum to 1)
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

    // station / inspection
    int servers = 1;
    sim::Distribution service;
    std::optional<std::int64_t> queue_capacity;  ///< waiting places; none = unbounded
    Discipline discipline = Discipline::fifo;
    StageCost cost;

    // link
    sim::Distribution delay;

    /// Out-routes in file order; empty for sinks.
    std::vector<Route> routes;
};

struct RunSpec {
    double horizon = 0.0;                ///< simulated time per replication (time units)
    double warmup = 0.0;                 ///< statistics before this time are discarded
    int replications = 10;
    std::uint64_t seed = 1;
    std::uint64_t max_wip = 1'000'000;   ///< exceeded => the run stops with an error
    double max_events = 1e10;            ///< exceeded => the run stops with an error
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
    std::string file;                 ///< path as given on the command line
    std::uint64_t content_hash = 0;   ///< FNV-1a of the file bytes (run_info.csv)
    std::vector<std::string> overrides;  ///< "--set" items applied, in order
    TimeUnit time_unit = TimeUnit::hour;
    RunSpec run;
    Costs costs;
    std::vector<Target> targets;
    std::vector<StageSpec> stages;    ///< in file order

    /// Index of the stage called `name`, or none.
    [[nodiscard]] std::optional<std::size_t> find_stage(const std::string& name) const;
};

}  // namespace qosim::models
