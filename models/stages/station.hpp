// A station (inspection and repair stations included): servers, a queue, breakdowns, shifts.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/order_pool.hpp"
#include "models/engine/order_queue.hpp"
#include "models/engine/ring.hpp"
#include "models/faults/shift_profile.hpp"
#include "models/run/result.hpp"
#include "models/scenario/routing.hpp"
#include "models/scenario/scenario.hpp"
#include "models/stages/stage.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace qosim::models::detail {

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

    [[nodiscard]] bool available() const { return down == 0 && on_shift; }
};

/// A station or inspection: its spec (read-only) and its state for one replication.
/// Contract: `start`, `on_event` (service done, failure, repair done), `arrive`, `finish`.
/// Handlers templated on `Plain` are the fast path of a station without trace, shifts,
/// breakdowns or faults: with Plain = true they contain none of those checks.
class Station {
public:
    /// Station event kinds, in the token's top byte; the low 24 bits hold the server index.
    /// A plain station's only event is kServiceDone, so its token is the server index.
    static constexpr std::uint32_t kServiceDone = 0;
    static constexpr std::uint32_t kFailure = 1;
    static constexpr std::uint32_t kRepairDone = 2;

    Station(const StageSpec& spec, std::uint32_t stage, std::size_t classes, std::uint64_t seed,
            std::uint64_t replication, sim::EventQueue& events);

    /// Puts the servers on shift, schedules the first shift change and breakdown clocks.
    void start(Pipeline& p);
    void on_event(Pipeline& p, std::uint32_t token);
    template <bool Plain>
    void on_service_done(Pipeline& p, std::uint32_t k);
    template <bool Plain>
    void arrive(Pipeline& p, OrderId order);
    [[nodiscard]] bool can_accept() const {
        return !free_servers.empty() || queue.size() < capacity;
    }
    /// The unit held by server `k` has left: count the departure, free the server.
    template <bool Plain>
    void release(Pipeline& p, std::uint32_t k);
    /// Server `k` holds a finished unit the next stage cannot take.
    void block(double now, std::uint32_t k);
    /// Starts queued work and admits blocked senders until neither can move.
    template <bool Plain>
    void refill(Pipeline& p);
    void on_shift_change(Pipeline& p);
    void outage(Pipeline& p, bool starting);
    void reset_statistics(double now);
    /// Writes the station's figures into `out` and adds its costs to `r`; returns the cost
    /// shared among products by busy time.
    double finish(double end, double observed, StageResult& out, ReplicationResult& r) const;

    const StageSpec* spec;
    std::uint32_t stage;  ///< index in Scenario::stages
    bool is_inspection;
    bool is_repair;  ///< repairs: true (internal-failure cost)
    // copies of spec fields the per-event path reads, next to the state it touches
    bool repairs;               ///< a defective unit passing through is repaired
    bool by_due;                ///< discipline: edd (queue key: due date, else priority)
    double cost_per_busy_time;  ///< spec.cost.per_busy_time
    double cost_per_unit;       ///< spec.cost.per_unit
    std::vector<const sim::Distribution*> service_by_class;
    sim::RandomStream service_rng;
    sim::RandomStream defect_rng;
    sim::RandomStream inspect_rng;
    sim::RandomStream failure_rng;  ///< breakdown clocks and repairs
    double service_factor = 1.0;    ///< fault: service times x this
    double defect_prob;             ///< current value (faults may change it)
    ShiftProfile shifts;            ///< staffing over the cycle (shared with `check`)
    std::size_t shift_next = 0;     ///< the next change point of `shifts`
    double shift_cycle_start = 0.0;
    std::vector<Server> servers;
    std::vector<std::uint32_t> free_servers;  ///< idle servers that can take work (a stack)
    std::uint32_t busy = 0;
    std::uint32_t blocked = 0;
    std::uint32_t down = 0;
    std::uint32_t on = 0;        ///< servers on shift
    std::uint32_t overtime = 0;  ///< servers off shift still holding a job
    std::uint64_t capacity;      ///< waiting places (max when unbounded)
    OrderQueue queue;
    Ring<Sender> blocked_senders;  ///< upstream units waiting for a place here, FIFO
    StageStats stats;
    double busy_area_before = 0.0;  ///< cumulative areas before the warm-up reset
    double staffed_area_before = 0.0;

private:
    template <bool Plain>
    void forward(Pipeline& p, std::uint32_t k, OrderId id, const RouteTable& table);
    template <bool Plain>
    void start_service(Pipeline& p, std::uint32_t k, OrderId order);
    void on_failure(Pipeline& p, std::uint32_t k);
    void on_repair_done(Pipeline& p, std::uint32_t k);
    void take_offline(std::uint32_t k);  ///< remove from the free stack
    OrderId go_down(Pipeline& p, std::uint32_t k);
    void come_up(Pipeline& p, std::uint32_t k);
    void start_busy_clock(Pipeline& p, std::uint32_t k);
    void stop_busy_clock(Pipeline& p, Server& sv);
    void set_busy(double now, int delta) {
        busy = static_cast<std::uint32_t>(static_cast<int>(busy) + delta);
        stats.busy.update(now, busy);
    }
    // Servers off shift that still hold a job count as staffed until they let it go.
    void set_overtime(double now, int delta) {
        overtime = static_cast<std::uint32_t>(static_cast<int>(overtime) + delta);
        stats.on.update(now, on + overtime);
    }
};

}  // namespace qosim::models::detail
