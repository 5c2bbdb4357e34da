// One replication of a scenario: the run loop, the one dispatch point, the flow of units.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/order_pool.hpp"
#include "models/faults/fault_profile.hpp"
#include "models/run/replication.hpp"
#include "models/run/result.hpp"
#include "models/run/warmup.hpp"
#include "models/scenario/routing.hpp"
#include "models/scenario/scenario.hpp"
#include "models/stages/link.hpp"
#include "models/stages/sink.hpp"
#include "models/stages/source.hpp"
#include "models/stages/stage.hpp"
#include "models/stages/station.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"
#include "sim/statistics.hpp"

namespace qosim::models::detail {

/// Per-product (class) statistics since the end of warm-up.
struct ClassStats {
    std::uint64_t created = 0;
    std::uint64_t delivered = 0;
    std::uint64_t concluded = 0;
    std::uint64_t errors = 0;
    std::uint64_t late = 0;
    double busy_time = 0.0;    ///< service time its units took
    double direct_cost = 0.0;  ///< busy-time, per-unit and penalty cost of its units
    sim::Tally lead;
    sim::QuantileSketch lead_q{kQuantileRelError};
};

/// The one dispatch tag of a stage: its type, with plain stations apart. A plain station has
/// no trace, shift, breakdown or fault (decided once at start-up), so its handlers are
/// compiled without those checks.
enum class Kind : std::uint8_t { source, station, plain_station, link, sink, control };

/// Where the state of stage `s` lives: `kind` names the vector, `index` the element.
struct StageRef {
    Kind kind;
    std::uint32_t index;
};

/// A control event: warm-up end, a shift change, a fault starting or ending.
enum class Control : std::uint32_t {
    warmup = 0,
    shift = 1,
    fault_start = 2,
    fault_end = 3,
    window = 4,
    wip_probe = 5,  ///< the end of one of the kWipWindows WIP windows (observes only)
};

/// One replication of a scenario. Build, run() once, read the result.
///
/// Stages live in one vector per type (`sources_`, `stations_`, `links_`, `sinks_`); `refs_`
/// maps a stage index (an event's handler) to its type tag and element. Every call into a
/// stage goes through a `switch` on that tag: no virtual call, no std::function per event.
class Pipeline {
public:
    Pipeline(const Scenario& scenario, std::uint64_t replication, std::uint64_t seed,
             const RunOptions& options);

    /// Runs to the horizon and returns the measured figures. Throws RunLimitError.
    ReplicationResult run();

private:
    friend class Source;
    friend class Station;
    friend class Link;
    friend class Sink;

    /// Events in a row at one instant before the run stops: far above what any scenario
    /// does legitimately (every order moving at once), far below a runaway's count.
    static constexpr std::uint64_t kMaxEventsAtOneInstant = 10'000'000;
    [[noreturn]] void time_stands_still(double t) const;
    [[noreturn]] void clock_overflow() const;
    [[noreturn]] void too_many_windows() const;

    void check_event_budget() const;
    void start();
    void count_event(const sim::Event& ev);
    void dispatch(const sim::Event& ev);
    void on_control(std::uint32_t token);
    void apply_fault(std::size_t index, bool starting);
    void on_window_end();

    // flow of units, dispatched on the stage's tag
    [[nodiscard]] bool can_accept(std::uint32_t s) const;
    void enter(std::uint32_t s, OrderId order);  ///< into a stage or scrap; balks if full
    void accept(std::uint32_t s, OrderId order);
    void forward(std::uint32_t from, Sender sender, OrderId order, const RouteTable& table);
    void release(Sender sender);  ///< the sender's unit has left it
    /// `sender` waits in the FIFO of the full station `to` for a place.
    void wait_for_place(std::uint32_t to, Sender sender) {
        stations_[refs_[to].index].blocked_senders.push(sender);
    }
    [[nodiscard]] OrderId held_unit(Sender sender) const;  ///< the unit a sender holds
    void refill(std::uint32_t s);
    [[nodiscard]] StageStats& stats_of(std::uint32_t s);
    void scrap(std::uint32_t at_stage, OrderId order);
    void damage(std::uint32_t s, sim::RandomStream& rng, double prob, StageStats& stats,
                OrderId id);
    void lose(std::uint32_t at_stage, OrderId order);
    void cancel(OrderId order);
    /// Draws where a unit leaving stage `s` goes (from its routing stream; no draw when the
    /// table has a single target).
    [[nodiscard]] std::uint32_t choose(std::uint32_t s, const RouteTable& table) {
        if (table.single()) return table.to.front();  // no draw: keeps streams aligned
        return table.to[table.pick(route_rng_[s].uniform01())];
    }
    void conclude(OrderId id, bool error, std::uint32_t sink);  ///< counts + survey
    void trace(OrderId id, std::uint32_t stage, const char* event) {
        if (options_.trace)
            options_.trace->record(TraceRecord{now_, orders_[id].serial, stage, event});
    }
    /// Order `id` arrives at stage `s` now: the time since it arrived at its previous stage
    /// is that stage's (waiting, service, blocking, transit: SPEC §4 time_mean).
    void move_to(OrderId id, std::uint32_t s) {
        Order& o = orders_[id];
        const double spent = now_ - o.entered;
        if (spent > 0.0 && o.at_stage != kNoStage) orders_.add_time(id, o.at_stage, spent);
        o.at_stage = s;
        o.entered = now_;
    }
    /// A delivered order's time per stage goes into the stage sums of late or on-time orders.
    void attribute_time(OrderId id, bool late);
    /// `late_total`: the late orders' time summed over every stage.
    void attribute_stage_time(std::uint32_t stage, double late_total, StageResult& out) const;
    ClassStats* class_of(OrderId id) {  ///< null for orders without a product
        const std::uint32_t cls = orders_[id].cls;
        return cls < classes_.size() ? &classes_[cls] : nullptr;
    }

    void set_wip(std::uint64_t wip) { wip_.update(now_, static_cast<double>(wip)); }
    void check_wip();
    void reset_statistics();
    ReplicationResult collect();

    const Scenario& scenario_;
    Routing routing_;  ///< the route tables (SPEC §3), shared with the static analysis
    RunOptions options_;
    std::uint64_t replication_;
    std::uint64_t seed_;
    double now_ = 0.0;
    double horizon_;
    double warmup_;
    double max_events_;  ///< run.max_events
    std::uint32_t control_handler_;
    sim::EventQueue events_;
    OrderPool orders_;
    std::vector<StageRef> refs_;  ///< by stage index, plus one for control events
    std::vector<Source> sources_;
    std::vector<Station> stations_;
    std::vector<Link> links_;
    std::vector<Sink> sinks_;
    std::vector<sim::RandomStream> route_rng_;  ///< by stage index
    FaultProfile faults_;
    std::uint32_t survey_sink_ = kNoStage;  ///< first sink with a survey (lost orders answer it)
    std::uint64_t order_limit_ = 0;         ///< run.orders; 0 = run to the horizon
    std::uint64_t created_total_ = 0;       ///< never reset (order limit, serials)
    std::uint64_t concluded_total_ = 0;
    double end_ = 0.0;  ///< when the run stopped

    // run-level statistics since warm-up
    std::uint64_t events_count_ = 0;
    std::uint64_t created_ = 0;
    std::uint64_t delivered_ = 0;
    std::uint64_t delivered_defective_ = 0;
    std::uint64_t lost_ = 0;
    std::uint64_t cancelled_ = 0;
    std::uint64_t late_ = 0;
    std::uint64_t customer_errors_ = 0;
    sim::Tally lead_time_;
    sim::QuantileSketch lead_time_q_{kQuantileRelError};
    sim::Tally lateness_;
    sim::QuantileSketch lateness_q_{kQuantileRelError};
    sim::TimeWeighted wip_;
    std::uint64_t survey_responses_ = 0;
    std::uint64_t survey_errors_ = 0;
    std::vector<ClassStats> classes_;
    /// Per stage: the time delivered orders spent there, split by late and on time.
    struct StageTime {
        double late = 0.0, on_time = 0.0;
    };
    std::vector<StageTime> stage_time_;

    // time series: cumulative counters never reset, and the last window's snapshot
    struct Totals {
        double created = 0, delivered = 0, errors = 0, concluded = 0, lead_sum = 0, wip_area = 0;
        std::vector<double> busy, staffed;
    };
    Totals totals_now() const;
    double wip_area_before_ = 0.0;
    double cum_created_ = 0, cum_delivered_ = 0, cum_errors_ = 0, cum_concluded_ = 0;
    double cum_lead_sum_ = 0;
    Totals window_start_totals_;
    double window_start_ = 0.0;
    std::vector<WindowResult> windows_;

    LeadTimeBatches lead_time_batches_;  ///< for MSER-5 (RunOptions::record_lead_times)

    // WIP trend windows (ReplicationResult::wip_windows): cumulative WIP area at each probe.
    double wip_window_width_ = 0.0;  ///< (horizon - warm-up) / kWipWindows; 0: not recorded
    std::vector<double> wip_probe_areas_;
    void on_wip_probe();
    void collect_wip_diagnostics(ReplicationResult& r) const;
};

}  // namespace qosim::models::detail
