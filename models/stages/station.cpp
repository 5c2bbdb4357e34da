// A station (inspection and repair stations included): servers, a queue, breakdowns, shifts.
#include "models/stages/station.hpp"

#include <algorithm>
#include <limits>

#include "models/engine/pipeline.hpp"
#include "models/run/cost_allocation.hpp"
#include "models/run/server_time.hpp"
#include "models/stages/station_inl.hpp"

namespace qosim::models::detail {

Station::Station(const StageSpec& spec_, std::uint32_t stage_, std::size_t classes,
                 std::uint64_t seed, std::uint64_t replication, sim::EventQueue& events)
    : spec(&spec_),
      stage(stage_),
      is_inspection(spec_.type == StageType::inspection),
      is_repair(spec_.type == StageType::station && spec_.repairs),
      repairs(spec_.repairs),
      by_due(spec_.discipline == Discipline::edd),
      cost_per_busy_time(spec_.cost.per_busy_time),
      cost_per_unit(spec_.cost.per_unit),
      service_rng(seed, replication, spec_.name, kService),
      defect_rng(seed, replication, spec_.name, kDefects),
      inspect_rng(seed, replication, spec_.name, kInspection),
      failure_rng(seed, replication, spec_.name, kBreakdowns),
      defect_prob(spec_.defect_prob),
      shifts(shift_profile(spec_)),
      capacity(spec_.queue_capacity ? static_cast<std::uint64_t>(*spec_.queue_capacity)
                                    : std::numeric_limits<std::uint64_t>::max()),
      queue(spec_.discipline) {
    for (std::size_t c = 0; c < classes; ++c) {
        const sim::Distribution* service = &spec_.service;
        for (const auto& [prod, dist] : spec_.service_by_product)
            if (prod == c) service = &dist;
        service_by_class.push_back(service);
    }
    servers.resize(static_cast<std::size_t>(shifts.pool));
    for (Server& sv : servers) {
        sv.service_timer = events.make_timer();
        sv.failure_timer = events.make_timer();
    }
}

void Station::start(Pipeline& p) {
    const int n_on = shifts.initial;
    if (shifts.has_shifts())
        p.events_.schedule(sim::Time(shifts.at.front()), p.control_handler_,
                           make_token(static_cast<std::uint32_t>(Control::shift), stage));
    for (int k = static_cast<int>(servers.size()) - 1; k >= 0; --k) {
        Server& sv = servers[static_cast<std::size_t>(k)];
        sv.on_shift = k < n_on;
        if (sv.on_shift) free_servers.push_back(static_cast<std::uint32_t>(k));
    }
    on = static_cast<std::uint32_t>(n_on);
    stats.on.reset(0.0, n_on);
    if (spec->breakdowns) {
        for (std::uint32_t k = 0; k < servers.size(); ++k) {
            const double ttf = spec->breakdowns->time_between.sample(failure_rng);
            if (spec->breakdowns->clock == BreakdownClock::calendar)
                p.events_.arm(servers[k].failure_timer, sim::Time(ttf), stage,
                              make_token(kFailure, k));
            else
                servers[k].to_failure = ttf;
        }
    }
}

void Station::on_event(Pipeline& p, std::uint32_t token) {
    const std::uint32_t k = token & kIndexMask;
    switch (token >> 24) {
    case kServiceDone: on_service_done<false>(p, k); break;
    case kFailure: on_failure(p, k); break;
    case kRepairDone: on_repair_done(p, k); break;
    default: break;
    }
}

void Station::block(double now, std::uint32_t k) {
    servers[k].blocked = true;
    ++blocked;
    stats.blocked.update(now, blocked);
}

void Station::on_failure(Pipeline& p, std::uint32_t k) {
    Server& sv = servers[k];
    ++stats.breakdowns;
    sv.broken = true;
    sv.failure_armed = false;
    const OrderId lost_job = go_down(p, k);
    const double repair = spec->breakdowns->repair.sample(failure_rng);
    p.events_.arm(sv.failure_timer, sim::Time(p.now_ + repair), stage, make_token(kRepairDone, k));
    if (lost_job != kNoOrder) p.scrap(stage, lost_job);
}

void Station::on_repair_done(Pipeline& p, std::uint32_t k) {
    Server& sv = servers[k];
    const Breakdowns& b = *spec->breakdowns;
    sv.broken = false;
    const double ttf = b.time_between.sample(failure_rng);
    if (b.clock == BreakdownClock::calendar)
        p.events_.arm(sv.failure_timer, sim::Time(p.now_ + ttf), stage, make_token(kFailure, k));
    else
        sv.to_failure = ttf;
    come_up(p, k);
    refill<false>(p);
}

void Station::on_shift_change(Pipeline& p) {
    const int n_on = shifts.servers[shift_next];
    for (std::uint32_t k = 0; k < servers.size(); ++k) {
        Server& sv = servers[k];
        const bool want = static_cast<int>(k) < n_on;
        if (want == sv.on_shift) continue;
        sv.on_shift = want;
        if (sv.order != kNoOrder) set_overtime(p.now_, want ? -1 : +1);
        const bool idle = sv.order == kNoOrder && sv.down == 0;
        if (!want && idle) take_offline(k);  // a busy server finishes its job first
        if (want && idle) free_servers.push_back(k);
    }
    on = static_cast<std::uint32_t>(n_on);
    stats.on.update(p.now_, on + overtime);
    // Next boundary; after the last one of a cycle, start the next cycle.
    if (++shift_next == shifts.at.size()) {
        shift_next = 0;
        shift_cycle_start += shifts.cycle;
    }
    p.events_.schedule(sim::Time(shift_cycle_start + shifts.at[shift_next]), p.control_handler_,
                       make_token(static_cast<std::uint32_t>(Control::shift), stage));
    refill<false>(p);
}

// Outages stack through each server's down count.
void Station::outage(Pipeline& p, bool starting) {
    if (starting) {
        // Take every server down first, then scrap (on_failure: scrap), so a remade unit
        // cannot re-enter a server that is about to go down too.
        std::vector<OrderId> scrapped;
        for (std::uint32_t k = 0; k < servers.size(); ++k) {
            const OrderId id = go_down(p, k);
            if (id != kNoOrder) scrapped.push_back(id);
        }
        for (const OrderId id : scrapped) p.scrap(stage, id);
    } else {
        for (std::uint32_t k = 0; k < servers.size(); ++k) come_up(p, k);
        refill<false>(p);
    }
}

void Station::take_offline(std::uint32_t k) {
    const auto it = std::find(free_servers.begin(), free_servers.end(), k);
    if (it != free_servers.end()) free_servers.erase(it);
}

// A server stops: a breakdown or an outage. The job in service follows on_failure; with
// `scrap` the unit is returned for the caller to scrap once the server state is settled.
OrderId Station::go_down(Pipeline& p, std::uint32_t k) {
    Server& sv = servers[k];
    const double now = p.now_;
    if (sv.down++ > 0) return kNoOrder;  // already down for another cause
    ++down;
    stats.down.update(now, down);
    if (sv.serving) {
        p.events_.cancel(sv.service_timer);
        sv.serving = false;
        set_busy(now, -1);
        stop_busy_clock(p, sv);
        const FailureMode mode =
            spec->breakdowns ? spec->breakdowns->on_failure : FailureMode::resume;
        switch (mode) {
        case FailureMode::resume:
            sv.remaining = sv.service_end - now;
            sv.interrupted = true;
            break;
        case FailureMode::restart:
            sv.remaining = sv.full;
            sv.interrupted = true;
            break;
        case FailureMode::scrap: {
            const OrderId id = sv.order;
            sv.order = kNoOrder;
            if (!sv.on_shift) set_overtime(now, -1);
            ++stats.departures;
            return id;
        }
        }
    } else if (sv.order == kNoOrder) {
        take_offline(k);
    }
    return kNoOrder;
}

void Station::come_up(Pipeline& p, std::uint32_t k) {
    Server& sv = servers[k];
    const double now = p.now_;
    if (--sv.down > 0) return;  // still down for another cause
    --down;
    stats.down.update(now, down);
    if (sv.interrupted) {
        sv.interrupted = false;
        sv.serving = true;
        sv.service_end = now + sv.remaining;
        set_busy(now, +1);
        p.events_.arm(sv.service_timer, sim::Time(sv.service_end), stage,
                      make_token(kServiceDone, k));
        start_busy_clock(p, k);
    } else if (sv.order == kNoOrder && sv.on_shift) {
        free_servers.push_back(k);
    }
}

void Station::start_busy_clock(Pipeline& p, std::uint32_t k) {
    const auto& b = spec->breakdowns;
    if (!b || b->clock != BreakdownClock::busy) return;
    Server& sv = servers[k];
    const double now = p.now_;
    sv.busy_since = now;
    // Arm only when the failure falls inside this service: otherwise every service would
    // leave a cancelled entry in the event queue (memory growing with run length).
    sv.failure_armed = sv.to_failure <= sv.service_end - now;
    if (sv.failure_armed)
        p.events_.arm(sv.failure_timer, sim::Time(now + sv.to_failure), stage,
                      make_token(kFailure, k));
}

void Station::stop_busy_clock(Pipeline& p, Server& sv) {
    const double now = p.now_;
    const auto& b = spec->breakdowns;
    if (!b || b->clock != BreakdownClock::busy || sv.broken) return;
    sv.to_failure = std::max(0.0, sv.to_failure - (now - sv.busy_since));
    if (sv.failure_armed) p.events_.cancel(sv.failure_timer);
    sv.failure_armed = false;
}

void Station::reset_statistics(double now) {
    busy_area_before += stats.busy.area(now);
    staffed_area_before += stats.on.area(now);
    stats.reset_counts();
    stats.busy.reset(now, busy);
    stats.blocked.reset(now, blocked);
    stats.down.reset(now, down);
    stats.on.reset(now, on + overtime);
    stats.queue.reset(now, static_cast<double>(queue.size()));
}

double Station::finish(double end, double observed, StageResult& out, ReplicationResult& r) const {
    const StageStats& s = stats;
    const double T = observed;
    const double n_servers = static_cast<double>(servers.size());
    const double busy_area = s.busy.area(end);
    const double on_area = s.on.area(end);  // staffed server-time
    const double down_area = s.down.area(end);
    out.utilization = utilization(busy_area, on_area);
    out.availability = availability(down_area, n_servers, T);
    out.downtime = down_area;
    out.queue_len_mean = T > 0 ? s.queue.mean(end) : 0.0;
    out.wait_mean = s.wait.mean();
    out.wait_p95 = s.wait_q.quantile(0.95);
    out.blocked_time = s.blocked.area(end);
    out.busy_time = busy_area;
    out.idle_time = on_area - busy_area;
    // Costs are per time unit (converted by the loader); staffed servers that are blocked or
    // down count as idle.
    const StationCost c =
        station_cost(spec->cost, busy_area, out.idle_time, out.departures, out.breakdowns,
                     spec->breakdowns ? spec->breakdowns->cost_per_repair : 0.0);
    out.cost = c.total();
    r.cost_resource += c.resource;
    r.cost_units += c.units;
    r.cost_repairs += c.repairs;
    // Appraisal is the work of inspecting; an inspection's repairs are internal failure (added
    // by the caller with every other repair), never both.
    if (is_inspection) r.cost_appraisal += c.resource + c.units;
    if (is_repair) r.cost_internal_failure += c.resource + c.units;
    return c.shared;
}
}  // namespace qosim::models::detail
