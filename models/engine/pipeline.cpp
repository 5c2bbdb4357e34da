// The pipeline model: how orders arrive, queue, get served, fail, block, travel and conclude.
#include "models/engine/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/run/replication.hpp"

namespace qosim::models::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kIndexMask = 0x00FFFFFFu;

// Station event kinds, in the token's top byte; the low 24 bits hold the server index.
constexpr std::uint32_t kServiceDone = 0;
constexpr std::uint32_t kFailure = 1;
constexpr std::uint32_t kRepairDone = 2;

// Stream purposes: part of every stream's key, so they must never change (SPEC §5).
constexpr const char* kArrivals = "arrivals";
constexpr const char* kDue = "due";
constexpr const char* kService = "service";
constexpr const char* kDelay = "delay";
constexpr const char* kRouting = "routing";
constexpr const char* kDefects = "defects";
constexpr const char* kInspection = "inspection";
constexpr const char* kLoss = "loss";
constexpr const char* kBreakdowns = "breakdowns";

RouteTable make_table(const std::vector<Route>& routes, RouteWhen when, bool filter) {
    RouteTable t;
    double cum = 0.0;
    for (const Route& r : routes) {
        if (filter && r.when != when) continue;
        cum += r.prob;
        t.to.push_back(r.to == kScrapTarget ? kScrap : static_cast<std::uint32_t>(r.to));
        t.cum.push_back(cum);
    }
    if (!t.cum.empty()) t.cum.back() = 1.0;  // absorb rounding
    return t;
}

bool has_when(const std::vector<Route>& routes, RouteWhen when) {
    return std::any_of(routes.begin(), routes.end(), [&](const Route& r) { return r.when == when; });
}

// Number of servers on shift at `phase` (within one cycle): windows are [from, to).
int servers_at(const Shifts& shifts, double phase) {
    for (const ShiftWindow& w : shifts.windows)
        if (w.from <= phase && phase < w.to) return w.servers;
    return 0;
}

}  // namespace

Pipeline::Pipeline(const Scenario& scenario, std::uint64_t replication, std::uint64_t seed)
    : scenario_(scenario),
      replication_(replication),
      seed_(seed),
      horizon_(scenario.run.horizon),
      warmup_(scenario.run.warmup),
      control_handler_(static_cast<std::uint32_t>(scenario.stages.size())) {
    stages_.resize(scenario.stages.size());
    for (std::size_t i = 0; i < scenario.stages.size(); ++i) {
        const StageSpec& spec = scenario.stages[i];
        StageState& st = stages_[i];
        st.spec = &spec;
        st.type = spec.type;
        st.is_station = spec.type == StageType::station || spec.type == StageType::inspection;
        if (spec.type == StageType::inspection) {
            // Routes with a matching `when` win; routes without one serve both outcomes.
            const bool pass = has_when(spec.routes, RouteWhen::pass);
            const bool fail = has_when(spec.routes, RouteWhen::fail);
            st.routes = make_table(spec.routes, pass ? RouteWhen::pass : RouteWhen::any, true);
            st.fail_routes = make_table(spec.routes, fail ? RouteWhen::fail : RouteWhen::any, true);
            if (st.routes.to.empty() || st.fail_routes.to.empty())
                throw std::invalid_argument("inspection " + spec.name +
                                            " needs a route for passed and for failed units");
        } else {
            st.routes = make_table(spec.routes, RouteWhen::any, false);
        }
        st.route_rng = sim::RandomStream(seed, replication, spec.name, kRouting);
        st.defect_prob = spec.type == StageType::link ? spec.damage_prob : spec.defect_prob;
        st.loss_prob = spec.loss_prob;
        switch (spec.type) {
        case StageType::source:
            st.arrival_rng = sim::RandomStream(seed, replication, spec.name, kArrivals);
            st.due_rng = sim::RandomStream(seed, replication, spec.name, kDue);
            st.arrival_timer = events_.make_timer();
            break;
        case StageType::station:
        case StageType::inspection: {
            st.service_rng = sim::RandomStream(seed, replication, spec.name, kService);
            st.defect_rng = sim::RandomStream(seed, replication, spec.name, kDefects);
            st.inspect_rng = sim::RandomStream(seed, replication, spec.name, kInspection);
            st.failure_rng = sim::RandomStream(seed, replication, spec.name, kBreakdowns);
            int count = spec.servers;
            if (spec.shifts) {
                count = 0;
                for (const ShiftWindow& w : spec.shifts->windows) count = std::max(count, w.servers);
            }
            st.servers.resize(static_cast<std::size_t>(count));
            for (Server& sv : st.servers) {
                sv.service_timer = events_.make_timer();
                sv.failure_timer = events_.make_timer();
            }
            st.capacity = spec.queue_capacity ? static_cast<std::uint64_t>(*spec.queue_capacity)
                                              : std::numeric_limits<std::uint64_t>::max();
            st.queue = OrderQueue(spec.discipline);
            break;
        }
        case StageType::link:
            st.service_rng = sim::RandomStream(seed, replication, spec.name, kDelay);
            st.defect_rng = sim::RandomStream(seed, replication, spec.name, kDefects);
            st.loss_rng = sim::RandomStream(seed, replication, spec.name, kLoss);
            break;
        case StageType::sink: break;
        }
    }
}

ReplicationResult Pipeline::run() {
    // The warm-up boundary is scheduled first so it precedes any event at the same time.
    if (warmup_ > 0.0)
        events_.schedule(sim::Time(warmup_), control_handler_,
                         handler_token(static_cast<std::uint32_t>(Control::warmup), 0));
    for (std::uint32_t s = 0; s < stages_.size(); ++s) {
        StageState& st = stages_[s];
        if (st.type == StageType::source) {
            st.next_arrival = st.spec->interarrival.sample(st.arrival_rng);
            events_.arm(st.arrival_timer, sim::Time(st.next_arrival), s, 0);
            continue;
        }
        if (!st.is_station) continue;
        const StageSpec& spec = *st.spec;
        int on = static_cast<int>(st.servers.size());
        if (spec.shifts) {
            on = servers_at(*spec.shifts, 0.0);
            for (const ShiftWindow& w : spec.shifts->windows) {
                st.shift_at.push_back(w.from);
                st.shift_at.push_back(w.to);
            }
            std::sort(st.shift_at.begin(), st.shift_at.end());
            st.shift_at.erase(std::unique(st.shift_at.begin(), st.shift_at.end()),
                              st.shift_at.end());
            std::erase_if(st.shift_at, [&](double b) { return b <= 0.0 || b >= spec.shifts->cycle; });
            st.shift_at.push_back(spec.shifts->cycle);  // the next cycle starts
            for (double b : st.shift_at)
                st.shift_servers.push_back(servers_at(*spec.shifts, b < spec.shifts->cycle ? b : 0.0));
            events_.schedule(sim::Time(st.shift_at.front()), control_handler_,
                             handler_token(static_cast<std::uint32_t>(Control::shift), s));
        }
        for (int k = static_cast<int>(st.servers.size()) - 1; k >= 0; --k) {
            Server& sv = st.servers[static_cast<std::size_t>(k)];
            sv.on_shift = k < on;
            if (sv.on_shift) st.free_servers.push_back(static_cast<std::uint32_t>(k));
        }
        st.on = static_cast<std::uint32_t>(on);
        st.stats.on.reset(0.0, on);
        if (spec.breakdowns) {
            for (std::uint32_t k = 0; k < st.servers.size(); ++k) {
                const double ttf = spec.breakdowns->time_between.sample(st.failure_rng);
                if (spec.breakdowns->clock == BreakdownClock::calendar)
                    events_.arm(st.servers[k].failure_timer, sim::Time(ttf), s,
                                handler_token(kFailure, k));
                else
                    st.servers[k].to_failure = ttf;
            }
        }
    }
    for (std::size_t f = 0; f < scenario_.faults.size(); ++f) {
        const Fault& fault = scenario_.faults[f];
        const auto index = static_cast<std::uint32_t>(f);
        events_.schedule(sim::Time(fault.at), control_handler_,
                         handler_token(static_cast<std::uint32_t>(Control::fault_start), index));
        events_.schedule(sim::Time(fault.at + fault.duration), control_handler_,
                         handler_token(static_cast<std::uint32_t>(Control::fault_end), index));
    }

    const double max_events = scenario_.run.max_events;
    sim::Event ev{};
    while (events_.pop(ev)) {
        if (ev.time > horizon_) break;
        now_ = ev.time;
        ++events_count_;
        if (static_cast<double>(events_count_) > max_events)
            throw RunLimitError("replication " + std::to_string(replication_) +
                                ": more than run.max_events events by time " +
                                std::to_string(now_) +
                                "; raise run.max_events or shorten run.horizon");
        if (ev.handler == control_handler_) {
            on_control(ev.token);
            continue;
        }
        const StageState& st = stages_[ev.handler];
        switch (st.type) {
        case StageType::source: on_source(ev.handler); break;
        case StageType::station:
        case StageType::inspection: {
            const std::uint32_t k = ev.token & kIndexMask;
            switch (ev.token >> 24) {
            case kServiceDone: on_service_done(ev.handler, k); break;
            case kFailure: on_failure(ev.handler, k); break;
            case kRepairDone: on_repair_done(ev.handler, k); break;
            default: break;
            }
            break;
        }
        case StageType::link: on_link_event(ev.handler, ev.token); break;
        case StageType::sink: break;
        }
    }
    now_ = horizon_;
    return collect();
}

// --- event handlers ---------------------------------------------------------------------------

void Pipeline::on_source(std::uint32_t s) {
    StageState& st = stages_[s];
    const StageSpec& spec = *st.spec;
    st.next_arrival = now_ + spec.interarrival.sample(st.arrival_rng) / st.rate_factor;
    events_.arm(st.arrival_timer, sim::Time(st.next_arrival), s, 0);

    const OrderId id = orders_.acquire();
    Order& o = orders_[id];
    o.created = now_;
    o.due = spec.due_in ? now_ + spec.due_in->sample(st.due_rng) : kInf;
    o.entered = now_;
    o.priority = 0;
    o.source = s;
    o.defect_origin = kNoStage;
    o.first_stage = choose(st, st.routes);
    ++created_;
    ++st.stats.departures;
    set_wip(orders_.live());
    check_wip();
    enter(o.first_stage, id);
}

void Pipeline::on_service_done(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    const OrderId id = sv.order;
    sv.serving = false;
    set_busy(st, -1);
    stop_busy_clock(st, sv);
    Order& o = orders_[id];
    if (st.type == StageType::inspection) {
        bool fail = false;
        if (o.defective()) {
            fail = st.inspect_rng.bernoulli(st.spec->detect_prob);
            if (fail) ++st.stats.defects_detected;
        } else {
            fail = st.inspect_rng.bernoulli(st.spec->false_alarm_prob);
            if (fail) ++st.stats.false_alarms;
        }
        forward(s, Sender{s, k}, id, fail ? st.fail_routes : st.routes);
        return;
    }
    if (st.spec->repairs && o.defective()) {
        o.defect_origin = kNoStage;
        ++st.stats.reworked;
    }
    damage(s, o);
    forward(s, Sender{s, k}, id, st.routes);
}

void Pipeline::on_failure(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    ++st.stats.breakdowns;
    sv.broken = true;
    sv.failure_armed = false;
    const OrderId lost_job = go_down(s, k);
    const double repair = st.spec->breakdowns->repair.sample(st.failure_rng);
    events_.arm(sv.failure_timer, sim::Time(now_ + repair), s, handler_token(kRepairDone, k));
    if (lost_job != kNoOrder) scrap(s, lost_job);
}

void Pipeline::on_repair_done(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    const Breakdowns& b = *st.spec->breakdowns;
    sv.broken = false;
    const double ttf = b.time_between.sample(st.failure_rng);
    if (b.clock == BreakdownClock::calendar)
        events_.arm(sv.failure_timer, sim::Time(now_ + ttf), s, handler_token(kFailure, k));
    else
        sv.to_failure = ttf;
    come_up(s, k);
    refill(s);
}

void Pipeline::on_link_event(std::uint32_t s, OrderId id) {
    StageState& st = stages_[s];
    Order& o = orders_[id];
    switch (o.phase) {
    case LinkPhase::awaiting_resend: link_attempt(s, id); return;
    case LinkPhase::vanishing:
        --st.in_transit;
        st.stats.busy.update(now_, st.in_transit);
        lose(s, id);
        return;
    case LinkPhase::travelling:
        damage(s, o);
        forward(s, Sender{s, id}, id, st.routes);
        return;
    }
}

void Pipeline::on_control(std::uint32_t token) {
    const std::uint32_t index = token & kIndexMask;
    switch (static_cast<Control>(token >> 24)) {
    case Control::warmup: reset_statistics(); break;
    case Control::shift: on_shift_change(index); break;
    case Control::fault_start: apply_fault(index, true); break;
    case Control::fault_end: apply_fault(index, false); break;
    }
}

void Pipeline::on_shift_change(std::uint32_t s) {
    StageState& st = stages_[s];
    const int on = st.shift_servers[st.shift_next];
    for (std::uint32_t k = 0; k < st.servers.size(); ++k) {
        Server& sv = st.servers[k];
        const bool want = static_cast<int>(k) < on;
        if (want == sv.on_shift) continue;
        sv.on_shift = want;
        if (sv.order != kNoOrder) set_overtime(st, want ? -1 : +1);
        const bool idle = sv.order == kNoOrder && sv.down == 0;
        if (!want && idle) take_offline(s, k);  // a busy server finishes its job first
        if (want && idle) st.free_servers.push_back(k);
    }
    st.on = static_cast<std::uint32_t>(on);
    st.stats.on.update(now_, st.on + st.overtime);
    // Next boundary; after the last one of a cycle, start the next cycle.
    if (++st.shift_next == st.shift_at.size()) {
        st.shift_next = 0;
        st.shift_cycle_start += st.spec->shifts->cycle;
    }
    events_.schedule(sim::Time(st.shift_cycle_start + st.shift_at[st.shift_next]), control_handler_,
                     handler_token(static_cast<std::uint32_t>(Control::shift), s));
    refill(s);
}

// A fault starts or ends. Outages stack through each server's down count; the other kinds
// set a parameter to the value of the latest-started fault still active, else the base value,
// so overlapping faults do not cancel each other early.
void Pipeline::apply_fault(std::size_t index, bool starting) {
    const Fault& f = scenario_.faults[index];
    const auto s = static_cast<std::uint32_t>(f.stage);
    StageState& st = stages_[s];
    const StageSpec& spec = *st.spec;
    if (f.kind == FaultKind::outage) {
        if (starting) {
            // Take every server down first, then scrap (on_failure: scrap), so a remade unit
            // cannot re-enter a server that is about to go down too.
            std::vector<OrderId> scrapped;
            for (std::uint32_t k = 0; k < st.servers.size(); ++k) {
                const OrderId id = go_down(s, k);
                if (id != kNoOrder) scrapped.push_back(id);
            }
            for (const OrderId id : scrapped) scrap(s, id);
        } else {
            for (std::uint32_t k = 0; k < st.servers.size(); ++k) come_up(s, k);
            refill(s);
        }
        return;
    }
    auto& active = st.active_faults;
    if (starting) {
        active.push_back(static_cast<std::uint32_t>(index));
    } else {
        active.erase(std::find(active.begin(), active.end(), static_cast<std::uint32_t>(index)));
    }
    const Fault* latest = nullptr;
    for (const std::uint32_t a : active)
        if (scenario_.faults[a].kind == f.kind) latest = &scenario_.faults[a];
    switch (f.kind) {
    case FaultKind::surge: {
        const double factor = latest ? latest->factor : 1.0;
        // Arrivals run on a clock sped up by the factor: rescale the time to the pending one.
        if (st.next_arrival > now_) {
            st.next_arrival = now_ + (st.next_arrival - now_) * st.rate_factor / factor;
            events_.arm(st.arrival_timer, sim::Time(st.next_arrival), s, 0);
        }
        st.rate_factor = factor;
        break;
    }
    case FaultKind::defect_prob:
        st.defect_prob = latest ? latest->value
                                : (spec.type == StageType::link ? spec.damage_prob : spec.defect_prob);
        break;
    case FaultKind::loss_prob: st.loss_prob = latest ? latest->value : spec.loss_prob; break;
    case FaultKind::service: st.service_factor = latest ? latest->factor : 1.0; break;
    case FaultKind::outage: break;
    }
}

// A stage damages a unit with its current defect probability. The draw is made for every
// unit, good or not, so an upstream change in defects does not shift this stage's stream.
void Pipeline::damage(std::uint32_t s, Order& o) {
    StageState& st = stages_[s];
    if (st.defect_prob <= 0.0) return;
    const bool hit = st.defect_rng.bernoulli(st.defect_prob);
    if (hit && !o.defective()) {
        o.defect_origin = s;
        ++st.stats.defects_introduced;
    }
}

// --- flow of units ----------------------------------------------------------------------------

std::uint32_t Pipeline::choose(StageState& st, const RouteTable& table) {
    if (table.to.size() == 1) return table.to.front();  // no draw: keeps streams aligned
    const double u = st.route_rng.uniform01();
    std::size_t i = 0;
    while (u >= table.cum[i] && i + 1 < table.cum.size()) ++i;
    return table.to[i];
}

bool Pipeline::can_accept(std::uint32_t s) const {
    const StageState& st = stages_[s];
    if (!st.is_station) return true;
    return !st.free_servers.empty() || st.queue.size() < st.capacity;
}

void Pipeline::enter(std::uint32_t s, OrderId order) {
    if (s == kScrap) {
        scrap(orders_[order].source, order);
    } else if (can_accept(s)) {
        accept(s, order);
    } else {
        lose(s, order);  // balked: the first queue is full
    }
}

void Pipeline::accept(std::uint32_t s, OrderId order) {
    StageState& st = stages_[s];
    ++st.stats.arrivals;
    switch (st.type) {
    case StageType::station:
    case StageType::inspection:
        orders_[order].entered = now_;
        if (!st.free_servers.empty() && st.queue.empty()) {  // never overtake the queue
            const std::uint32_t k = st.free_servers.back();
            st.free_servers.pop_back();
            start_service(s, k, order);
        } else {
            const Order& o = orders_[order];
            const double key = st.spec->discipline == Discipline::edd
                                   ? o.due
                                   : -static_cast<double>(o.priority);
            st.queue.push(order, key);
            st.stats.queue.update(now_, static_cast<double>(st.queue.size()));
        }
        break;
    case StageType::link:
        ++st.in_transit;
        st.stats.busy.update(now_, st.in_transit);
        orders_[order].attempts = 0;
        link_attempt(s, order);
        break;
    case StageType::sink: deliver(order); break;
    case StageType::source: break;  // validation forbids routes into a source
    }
}

// One transmission attempt on a link: the message arrives after a delay, or is lost; a lost
// message is re-sent `retry.timeout` after this attempt, at most `retry.max` times.
void Pipeline::link_attempt(std::uint32_t s, OrderId id) {
    StageState& st = stages_[s];
    const StageSpec& spec = *st.spec;
    Order& o = orders_[id];
    const bool lost = st.loss_prob > 0.0 && st.loss_rng.bernoulli(st.loss_prob);
    if (!lost) {
        o.phase = LinkPhase::travelling;
        const double delay = spec.delay.sample(st.service_rng) * st.service_factor;
        events_.schedule(sim::Time(now_ + delay), s, id);
    } else if (spec.retry && o.attempts < static_cast<std::uint32_t>(spec.retry->max)) {
        ++o.attempts;
        o.phase = LinkPhase::awaiting_resend;
        events_.schedule(sim::Time(now_ + spec.retry->timeout), s, id);
    } else {
        // Without retries the order vanishes in transit; with them, the sender gives up when
        // the last attempt's timeout expires.
        o.phase = LinkPhase::vanishing;
        const double when = spec.retry ? spec.retry->timeout
                                       : spec.delay.sample(st.service_rng) * st.service_factor;
        events_.schedule(sim::Time(now_ + when), s, id);
    }
}

void Pipeline::start_service(std::uint32_t s, std::uint32_t k, OrderId order) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    const double wait = now_ - orders_[order].entered;
    st.stats.wait.add(wait);
    st.stats.wait_q.add(wait);
    sv.order = order;
    sv.serving = true;
    sv.full = st.spec->service.sample(st.service_rng) * st.service_factor;
    sv.service_end = now_ + sv.full;
    set_busy(st, +1);
    events_.arm(sv.service_timer, sim::Time(sv.service_end), s, handler_token(kServiceDone, k));
    start_busy_clock(s, k);
}

void Pipeline::forward(std::uint32_t from, Sender sender, OrderId order, const RouteTable& table) {
    StageState& st = stages_[from];
    const std::uint32_t to = choose(st, table);
    if (to == kScrap) {
        release(sender);
        scrap(from, order);
        refill(from);
    } else if (can_accept(to) || to == from) {
        // A route back to the same stage (rework) frees its own server first, so it always
        // has a place: it joins the end of the queue.
        release(sender);
        accept(to, order);
        refill(from);
    } else {
        // Blocked: the unit stays where it is until `to` has a place (no silent drop).
        if (st.is_station) {
            st.servers[sender.slot].blocked = true;
            ++st.blocked;
            st.stats.blocked.update(now_, st.blocked);
        }
        stages_[to].blocked_senders.push(sender);
    }
}

// The sender's unit has left it: free its server (or transit slot) and count the departure.
void Pipeline::release(Sender sender) {
    StageState& st = stages_[sender.stage];
    ++st.stats.departures;
    if (st.type == StageType::link) {
        --st.in_transit;
        st.stats.busy.update(now_, st.in_transit);
        return;
    }
    Server& sv = st.servers[sender.slot];
    if (sv.blocked) {
        sv.blocked = false;
        --st.blocked;
        st.stats.blocked.update(now_, st.blocked);
    }
    sv.order = kNoOrder;
    if (!sv.on_shift) set_overtime(st, -1);
    server_freed(sender.stage, sender.slot);
}

// Fills free servers from the queue and free places from blocked upstream senders, in that
// order, until neither can move. Recursion runs up the chain of blocked stages.
void Pipeline::refill(std::uint32_t s) {
    StageState& st = stages_[s];
    if (!st.is_station) return;
    for (;;) {
        if (!st.free_servers.empty() && !st.queue.empty()) {
            const std::uint32_t k = st.free_servers.back();
            st.free_servers.pop_back();
            const OrderId next = st.queue.pop();
            st.stats.queue.update(now_, static_cast<double>(st.queue.size()));
            start_service(s, k, next);
            continue;
        }
        if (!st.blocked_senders.empty() && can_accept(s)) {
            const Sender sender = st.blocked_senders.pop();
            const StageState& up = stages_[sender.stage];
            const OrderId unit =
                up.type == StageType::link ? sender.slot : up.servers[sender.slot].order;
            release(sender);
            accept(s, unit);
            refill(sender.stage);
            continue;
        }
        return;
    }
}

void Pipeline::scrap(std::uint32_t at_stage, OrderId id) {
    ++stages_[at_stage].stats.scrapped;
    Order& o = orders_[id];
    StageState& source = stages_[o.source];
    if (source.spec->on_scrap == OnScrap::cancel) {
        cancel(id);
        return;
    }
    // Remake: a fresh unit starts again at the first stage this order went to, keeping its
    // creation time and due date (no new routing draw, so other orders' routes are unchanged).
    o.defect_origin = kNoStage;
    if (o.first_stage == kScrap) {
        cancel(id);  // validation forbids it; never loop
        return;
    }
    enter(o.first_stage, id);
}

void Pipeline::deliver(OrderId id) {
    const Order& o = orders_[id];
    const double lead = now_ - o.created;
    lead_time_.add(lead);
    lead_time_q_.add(lead);
    ++delivered_;
    const bool late = now_ > o.due;
    if (late) ++late_;
    if (o.defective()) {
        ++delivered_defective_;
        ++stages_[o.defect_origin].stats.defects_escaped;
    }
    if (late || o.defective()) ++customer_errors_;
    orders_.release(id);
    set_wip(orders_.live());
}

void Pipeline::lose(std::uint32_t at_stage, OrderId id) {
    ++stages_[at_stage].stats.lost;
    ++lost_;
    ++customer_errors_;
    orders_.release(id);
    set_wip(orders_.live());
}

void Pipeline::cancel(OrderId id) {
    ++cancelled_;
    ++customer_errors_;
    orders_.release(id);
    set_wip(orders_.live());
}

// --- servers ----------------------------------------------------------------------------------

void Pipeline::set_busy(StageState& st, int delta) {
    st.busy = static_cast<std::uint32_t>(static_cast<int>(st.busy) + delta);
    st.stats.busy.update(now_, st.busy);
}

// Servers off shift that still hold a job count as staffed until they let it go.
void Pipeline::set_overtime(StageState& st, int delta) {
    st.overtime = static_cast<std::uint32_t>(static_cast<int>(st.overtime) + delta);
    st.stats.on.update(now_, st.on + st.overtime);
}

void Pipeline::server_freed(std::uint32_t s, std::uint32_t k) {
    if (available(stages_[s].servers[k])) stages_[s].free_servers.push_back(k);
}

void Pipeline::take_offline(std::uint32_t s, std::uint32_t k) {
    auto& free = stages_[s].free_servers;
    const auto it = std::find(free.begin(), free.end(), k);
    if (it != free.end()) free.erase(it);
}

// A server stops: a breakdown or an outage. The job in service follows on_failure; with
// `scrap` the unit is returned for the caller to scrap once the server state is settled.
OrderId Pipeline::go_down(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    if (sv.down++ > 0) return kNoOrder;  // already down for another cause
    ++st.down;
    st.stats.down.update(now_, st.down);
    if (sv.serving) {
        events_.cancel(sv.service_timer);
        sv.serving = false;
        set_busy(st, -1);
        stop_busy_clock(st, sv);
        const FailureMode mode =
            st.spec->breakdowns ? st.spec->breakdowns->on_failure : FailureMode::resume;
        switch (mode) {
        case FailureMode::resume:
            sv.remaining = sv.service_end - now_;
            sv.interrupted = true;
            break;
        case FailureMode::restart:
            sv.remaining = sv.full;
            sv.interrupted = true;
            break;
        case FailureMode::scrap: {
            const OrderId id = sv.order;
            sv.order = kNoOrder;
            if (!sv.on_shift) set_overtime(st, -1);
            ++st.stats.departures;
            return id;
        }
        }
    } else if (sv.order == kNoOrder) {
        take_offline(s, k);
    }
    return kNoOrder;
}

void Pipeline::come_up(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    if (--sv.down > 0) return;  // still down for another cause
    --st.down;
    st.stats.down.update(now_, st.down);
    if (sv.interrupted) {
        sv.interrupted = false;
        sv.serving = true;
        sv.service_end = now_ + sv.remaining;
        set_busy(st, +1);
        events_.arm(sv.service_timer, sim::Time(sv.service_end), s, handler_token(kServiceDone, k));
        start_busy_clock(s, k);
    } else if (sv.order == kNoOrder && sv.on_shift) {
        st.free_servers.push_back(k);
    }
}

void Pipeline::start_busy_clock(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    const auto& b = st.spec->breakdowns;
    if (!b || b->clock != BreakdownClock::busy) return;
    Server& sv = st.servers[k];
    sv.busy_since = now_;
    // Arm only when the failure falls inside this service: otherwise every service would
    // leave a cancelled entry in the event queue (memory growing with run length).
    sv.failure_armed = sv.to_failure <= sv.service_end - now_;
    if (sv.failure_armed)
        events_.arm(sv.failure_timer, sim::Time(now_ + sv.to_failure), s, handler_token(kFailure, k));
}

void Pipeline::stop_busy_clock(StageState& st, Server& sv) {
    const auto& b = st.spec->breakdowns;
    if (!b || b->clock != BreakdownClock::busy || sv.broken) return;
    sv.to_failure = std::max(0.0, sv.to_failure - (now_ - sv.busy_since));
    if (sv.failure_armed) events_.cancel(sv.failure_timer);
    sv.failure_armed = false;
}

// --- statistics -------------------------------------------------------------------------------

void Pipeline::set_wip(std::uint64_t wip) { wip_.update(now_, static_cast<double>(wip)); }

void Pipeline::check_wip() {
    if (orders_.live() <= scenario_.run.max_wip) return;
    throw RunLimitError("replication " + std::to_string(replication_) +
                        ": work in progress passed run.max_wip = " +
                        std::to_string(scenario_.run.max_wip) + " at time " +
                        std::to_string(now_) +
                        "; the line cannot keep up (see `qosim check` for utilisation) — "
                        "add capacity or raise run.max_wip");
}

void Pipeline::reset_statistics() {
    for (StageState& st : stages_) {
        StageStats& s = st.stats;
        s.arrivals = s.departures = s.lost = 0;
        s.defects_introduced = s.defects_detected = s.defects_escaped = 0;
        s.false_alarms = s.reworked = s.scrapped = s.breakdowns = 0;
        s.busy.reset(now_, st.type == StageType::link ? st.in_transit : st.busy);
        s.blocked.reset(now_, st.blocked);
        s.down.reset(now_, st.down);
        s.on.reset(now_, st.on + st.overtime);
        s.queue.reset(now_, static_cast<double>(st.queue.size()));
        s.wait.reset();
        s.wait_q.reset();
    }
    created_ = delivered_ = delivered_defective_ = lost_ = cancelled_ = late_ = 0;
    customer_errors_ = 0;
    lead_time_.reset();
    lead_time_q_.reset();
    wip_.reset(now_, static_cast<double>(orders_.live()));
}

ReplicationResult Pipeline::collect() const {
    ReplicationResult r;
    r.replication = replication_;
    r.seed = seed_;
    const double T = horizon_ - warmup_;
    r.observed_time = T;
    r.events = static_cast<double>(events_count_);
    r.orders_created = static_cast<double>(created_);
    r.orders_delivered = static_cast<double>(delivered_);
    r.orders_lost = static_cast<double>(lost_);
    r.orders_cancelled = static_cast<double>(cancelled_);
    r.orders_defective = static_cast<double>(delivered_defective_);
    r.orders_late = static_cast<double>(late_);
    r.customer_errors = static_cast<double>(customer_errors_);
    const auto concluded = static_cast<double>(delivered_ + lost_ + cancelled_);
    r.orders_concluded = concluded;
    r.throughput = T > 0 ? static_cast<double>(delivered_) / T : 0.0;
    r.lead_time_mean = lead_time_.mean();
    r.lead_time_p50 = lead_time_q_.quantile(0.50);
    r.lead_time_p90 = lead_time_q_.quantile(0.90);
    r.lead_time_p95 = lead_time_q_.quantile(0.95);
    r.lead_time_p99 = lead_time_q_.quantile(0.99);
    r.lead_time_max = lead_time_.max();
    r.on_time_rate =
        delivered_ ? static_cast<double>(delivered_ - late_) / static_cast<double>(delivered_)
                   : 1.0;
    if (concluded > 0) {
        // The three rates may overlap (a late defective order is in both); the error rate
        // counts each order once.
        r.escape_rate = static_cast<double>(delivered_defective_) / concluded;
        r.late_rate = static_cast<double>(late_) / concluded;
        r.loss_rate = static_cast<double>(lost_ + cancelled_) / concluded;
        r.customer_error_rate = static_cast<double>(customer_errors_) / concluded;
    }
    r.wip_mean = wip_.mean(horizon_);

    r.stages.resize(stages_.size());
    for (std::size_t i = 0; i < stages_.size(); ++i) {
        const StageState& st = stages_[i];
        const StageStats& s = st.stats;
        StageResult& out = r.stages[i];
        out.arrivals = static_cast<double>(s.arrivals);
        out.departures = static_cast<double>(s.departures);
        out.lost = static_cast<double>(s.lost);
        out.defects_introduced = static_cast<double>(s.defects_introduced);
        out.defects_detected = static_cast<double>(s.defects_detected);
        out.defects_escaped = static_cast<double>(s.defects_escaped);
        out.false_alarms = static_cast<double>(s.false_alarms);
        out.reworked = static_cast<double>(s.reworked);
        out.scrapped = static_cast<double>(s.scrapped);
        out.breakdowns = static_cast<double>(s.breakdowns);
        r.defects_detected += out.defects_detected;
        r.false_alarms += out.false_alarms;
        r.scrapped += out.scrapped;
        r.reworked += out.reworked;
        r.breakdowns += out.breakdowns;
        if (st.is_station) {
            const double servers = static_cast<double>(st.servers.size());
            const double busy_area = s.busy.area(horizon_);
            const double on_area = s.on.area(horizon_);  // staffed server-time
            const double down_area = s.down.area(horizon_);
            out.utilization = on_area > 0 ? busy_area / on_area : 0.0;
            out.availability = servers * T > 0 ? 1.0 - down_area / (servers * T) : 1.0;
            out.downtime = down_area;
            out.queue_len_mean = s.queue.mean(horizon_);
            out.wait_mean = s.wait.mean();
            out.wait_p95 = s.wait_q.quantile(0.95);
            out.blocked_time = s.blocked.area(horizon_);
            const StageCost& c = st.spec->cost;
            // Costs are per time unit (converted by the loader); staffed servers that are
            // blocked or down count as idle.
            const double resource =
                c.per_busy_time * busy_area + c.per_idle_time * (on_area - busy_area);
            const double units = c.per_unit * out.departures;
            const double repairs =
                st.spec->breakdowns ? st.spec->breakdowns->cost_per_repair * out.breakdowns : 0.0;
            out.cost = resource + units + repairs;
            r.cost_resource += resource;
            r.cost_units += units;
            r.cost_repairs += repairs;
        } else if (st.type == StageType::link) {
            out.utilization = s.busy.mean(horizon_);  // mean units in transit
            const double units = st.spec->cost.per_unit * out.departures;
            out.cost = units;
            r.cost_units += units;
        }
    }
    r.internal_errors = r.defects_detected + r.false_alarms + r.scrapped + r.reworked + r.breakdowns;
    const Costs& pen = scenario_.costs;
    r.cost_penalties = pen.late_penalty * static_cast<double>(late_) +
                       pen.escape_penalty * static_cast<double>(delivered_defective_) +
                       pen.lost_penalty * static_cast<double>(lost_ + cancelled_);
    r.total_cost = r.cost_resource + r.cost_units + r.cost_repairs + r.cost_penalties;
    r.cost_per_order = delivered_ ? r.total_cost / static_cast<double>(delivered_) : 0.0;
    return r;
}

}  // namespace qosim::models::detail
