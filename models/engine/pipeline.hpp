// The pipeline model: stages as event handlers over one event queue, for one replication.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/order_pool.hpp"
#include "models/engine/order_queue.hpp"
#include "models/engine/ring.hpp"
#include "models/faults/shift_profile.hpp"
#include "models/run/replication.hpp"
#include "models/run/result.hpp"
#include "models/run/warmup.hpp"
#include "models/scenario/routing.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"
#include "sim/statistics.hpp"

namespace qosim::models::detail {

/// Who holds a finished unit that could not move on because the next queue was full.
struct Sender {
    std::uint32_t stage;
    std::uint32_t slot;  ///< server index (station) or order id (link)
};

/// Statistics of one stage since the end of warm-up.
struct StageStats {
    std::uint64_t arrivals = 0;
    std::uint64_t departures = 0;
    std::uint64_t lost = 0;
    std::uint64_t defects_introduced = 0;
    std::uint64_t defects_detected = 0;
    std::uint64_t defects_escaped = 0;
    std::uint64_t false_alarms = 0;
    std::uint64_t reworked = 0;
    std::uint64_t scrapped = 0;
    std::uint64_t breakdowns = 0;
    sim::TimeWeighted busy;     ///< servers serving (stations) / units in transit (links)
    sim::TimeWeighted blocked;  ///< servers holding a finished unit
    sim::TimeWeighted down;     ///< servers broken down or out (outage)
    sim::TimeWeighted on;       ///< staffed servers: on shift, or off shift finishing a job
    sim::TimeWeighted queue;    ///< units waiting
    sim::Tally wait;
    sim::QuantileSketch wait_q{kQuantileRelError};
};

/// One server of a station.
struct Server {
    OrderId order = kNoOrder;  ///< the unit being served or held (blocked); none when idle
    sim::TimerId service_timer = 0;
    sim::TimerId failure_timer = 0;
    double service_end = 0.0;    ///< when the current service completes (while serving)
    double remaining = 0.0;      ///< service left when interrupted
    double full = 0.0;           ///< the current job's whole service time (restart)
    double busy_since = 0.0;     ///< start of the current busy stretch (busy-clock breakdowns)
    double to_failure = 0.0;     ///< busy-clock: operating time left until the next failure
    bool failure_armed = false;  ///< busy-clock: a failure is scheduled within this service
    int down = 0;                ///< active down causes: breakdown and/or outage
    bool serving = false;        ///< in service (not blocked, not interrupted)
    bool interrupted = false;    ///< holds a job whose service was stopped by a failure
    bool blocked = false;        ///< holds a finished unit the next stage cannot take
    bool on_shift = true;
    bool broken = false;  ///< a breakdown (not an outage) is being repaired
};

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

/// Run-time state of one stage; only the members of its type are used.
struct StageState {
    const StageSpec* spec = nullptr;
    StageType type = StageType::station;
    bool is_station = false;  ///< station or inspection
    bool is_repair = false;   ///< repairs: true (internal-failure cost)
    std::vector<const sim::Distribution*> service_by_class;  ///< station: per product class
    // source: its products' indices and cumulative shares (empty: no products)
    std::vector<std::uint32_t> product_ids;
    std::vector<double> product_cum;
    sim::RandomStream product_rng{0};
    sim::RandomStream survey_rng{0};  ///< sink with a survey
    sim::RandomStream route_rng{0};
    sim::RandomStream defect_rng{0};   ///< station defects / link damage
    sim::RandomStream inspect_rng{0};  ///< inspection outcomes
    sim::RandomStream loss_rng{0};     ///< link losses
    // source
    sim::RandomStream arrival_rng{0};
    sim::RandomStream due_rng{0};
    double rate_factor = 1.0;  ///< surge multiplier on the arrival rate
    sim::TimerId arrival_timer = 0;
    double next_arrival = 0.0;
    std::vector<std::uint32_t> active_faults;  ///< indices of this stage's running faults
    // station / link
    sim::RandomStream service_rng{0};  ///< service (station) or delay (link)
    sim::RandomStream failure_rng{0};  ///< breakdown clocks and repairs
    double service_factor = 1.0;       ///< fault: service times (link delays) x this
    double defect_prob = 0.0;          ///< current value (faults may change it)
    double loss_prob = 0.0;            ///< current value (faults may change it)
    ShiftProfile shifts;               ///< station: staffing over the cycle (shared with `check`)
    std::size_t shift_next = 0;        ///< the next change point of `shifts`
    double shift_cycle_start = 0.0;
    std::vector<Server> servers;
    std::vector<std::uint32_t> free_servers;  ///< idle servers that can take work (a stack)
    std::uint32_t busy = 0;
    std::uint32_t blocked = 0;
    std::uint32_t down = 0;
    std::uint32_t on = 0;        ///< servers on shift
    std::uint32_t overtime = 0;  ///< servers off shift still holding a job
    std::uint32_t in_transit = 0;
    std::uint64_t capacity = 0;  ///< waiting places (max when unbounded)
    OrderQueue queue;
    Ring<Sender> blocked_senders;  ///< upstream units waiting for a place here, FIFO
    StageStats stats;
    // cumulative areas before the warm-up reset (time series)
    double busy_area_before = 0.0;
    double staffed_area_before = 0.0;
};

/// A control event: warm-up end, a shift change, a fault starting or ending.
enum class Control : std::uint32_t {
    warmup = 0,
    shift = 1,
    fault_start = 2,
    fault_end = 3,
    window = 4,
};

/// One replication of a scenario. Build, run() once, read the result.
class Pipeline {
public:
    Pipeline(const Scenario& scenario, std::uint64_t replication, std::uint64_t seed,
             const RunOptions& options);

    /// Runs to the horizon and returns the measured figures. Throws RunLimitError.
    ReplicationResult run();

private:
    // event handlers
    void on_source(std::uint32_t s);
    void on_service_done(std::uint32_t s, std::uint32_t k);
    void on_failure(std::uint32_t s, std::uint32_t k);
    void on_repair_done(std::uint32_t s, std::uint32_t k);
    void on_link_event(std::uint32_t s, OrderId order);
    void on_control(std::uint32_t token);
    void on_window_end();
    void create_order(std::uint32_t source, OrderId id, sim::RandomStream& rng);
    [[nodiscard]] std::uint32_t draw_class(const StageState& st, sim::RandomStream& rng) const;
    ClassStats* class_of(OrderId id);  ///< null for orders without a product
    void on_shift_change(std::uint32_t s);
    void apply_fault(std::size_t index, bool starting);

    // flow of units
    [[nodiscard]] bool can_accept(std::uint32_t s) const;
    void enter(std::uint32_t s, OrderId order);  ///< into a stage or scrap; balks if full
    void accept(std::uint32_t s, OrderId order);
    void start_service(std::uint32_t s, std::uint32_t k, OrderId order);
    void link_attempt(std::uint32_t s, OrderId order);
    void forward(std::uint32_t from, Sender sender, OrderId order, const RouteTable& table);
    void release(Sender sender);
    void refill(std::uint32_t s);
    void scrap(std::uint32_t at_stage, OrderId order);
    void damage(std::uint32_t s, OrderId id);
    void deliver(std::uint32_t sink, OrderId order);
    void lose(std::uint32_t at_stage, OrderId order);
    void cancel(OrderId order);
    /// Draws where a unit leaving stage `s` goes (from its routing stream; no draw when the
    /// table has a single target).
    [[nodiscard]] std::uint32_t choose(std::uint32_t s, const RouteTable& table);
    void conclude(OrderId id, bool error, std::uint32_t sink);  ///< counts + survey
    void trace(OrderId id, std::uint32_t stage, const char* event);

    // servers
    [[nodiscard]] static bool available(const Server& sv) { return sv.down == 0 && sv.on_shift; }
    void server_freed(std::uint32_t s, std::uint32_t k);
    void take_offline(std::uint32_t s, std::uint32_t k);  ///< remove from the free stack
    OrderId go_down(std::uint32_t s, std::uint32_t k);
    void come_up(std::uint32_t s, std::uint32_t k);
    void stop_busy_clock(StageState& st, Server& sv);
    void start_busy_clock(std::uint32_t s, std::uint32_t k);
    void set_busy(StageState& st, int delta);
    void set_overtime(StageState& st, int delta);

    void set_wip(std::uint64_t wip);
    void check_wip();
    void reset_statistics();
    ReplicationResult collect();
    [[nodiscard]] std::uint32_t handler_token(std::uint32_t kind, std::uint32_t index) const {
        return (kind << 24) | index;
    }

    const Scenario& scenario_;
    Routing routing_;  ///< the route tables (SPEC §3), shared with the static analysis
    RunOptions options_;
    std::uint64_t replication_;
    std::uint64_t seed_;
    double now_ = 0.0;
    double horizon_;
    double warmup_;
    std::uint32_t control_handler_;
    sim::EventQueue events_;
    OrderPool orders_;
    std::vector<StageState> stages_;
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
};

}  // namespace qosim::models::detail
