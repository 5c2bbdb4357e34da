// The pipeline model: how orders arrive, queue, get served, fail, block, travel and conclude.
#include "models/engine/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/run/confidence.hpp"
#include "models/run/cost_allocation.hpp"
#include "models/run/replication.hpp"
#include "models/run/server_time.hpp"

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
constexpr const char* kProducts = "products";
constexpr const char* kSurvey = "survey";
constexpr const char* kInitialWip = "initial_wip";

}  // namespace

Pipeline::Pipeline(const Scenario& scenario, std::uint64_t replication, std::uint64_t seed,
                   const RunOptions& options)
    : scenario_(scenario),
      routing_(scenario),
      options_(options),
      replication_(replication),
      seed_(seed),
      horizon_(scenario.run.orders ? kInf : scenario.run.horizon),
      warmup_(scenario.run.warmup),
      control_handler_(static_cast<std::uint32_t>(scenario.stages.size())) {
    order_limit_ = scenario.run.orders.value_or(0);
    // Class c < P is product c; class P (= products.size()) is an order without a product.
    const std::size_t classes = scenario.products.size() + 1;
    classes_.resize(scenario.products.size());
    stages_.resize(scenario.stages.size());
    for (std::size_t i = 0; i < scenario.stages.size(); ++i) {
        const StageSpec& spec = scenario.stages[i];
        StageState& st = stages_[i];
        st.spec = &spec;
        st.type = spec.type;
        st.is_station = spec.type == StageType::station || spec.type == StageType::inspection;
        st.is_repair = spec.type == StageType::station && spec.repairs;
        for (std::size_t c = 0; c < classes; ++c) {
            const sim::Distribution* service = &spec.service;
            for (const auto& [p, dist] : spec.service_by_product)
                if (p == c) service = &dist;
            st.service_by_class.push_back(service);
        }
        st.route_rng = sim::RandomStream(seed, replication, spec.name, kRouting);
        st.defect_prob = spec.type == StageType::link ? spec.damage_prob : spec.defect_prob;
        st.loss_prob = spec.loss_prob;
        switch (spec.type) {
        case StageType::source:
            st.arrival_rng = sim::RandomStream(seed, replication, spec.name, kArrivals);
            st.due_rng = sim::RandomStream(seed, replication, spec.name, kDue);
            st.arrival_timer = events_.make_timer();
            st.product_rng = sim::RandomStream(seed, replication, spec.name, kProducts);
            {
                std::vector<double> shares;
                for (std::size_t p = 0; p < scenario.products.size(); ++p) {
                    if (scenario.products[p].source != i) continue;
                    st.product_ids.push_back(static_cast<std::uint32_t>(p));
                    shares.push_back(scenario.products[p].share);
                }
                st.product_cum = cumulative_shares(shares);
            }
            break;
        case StageType::station:
        case StageType::inspection: {
            st.service_rng = sim::RandomStream(seed, replication, spec.name, kService);
            st.defect_rng = sim::RandomStream(seed, replication, spec.name, kDefects);
            st.inspect_rng = sim::RandomStream(seed, replication, spec.name, kInspection);
            st.failure_rng = sim::RandomStream(seed, replication, spec.name, kBreakdowns);
            st.shifts = shift_profile(spec);
            st.servers.resize(static_cast<std::size_t>(st.shifts.pool));
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
        case StageType::sink:
            if (spec.survey) {
                st.survey_rng = sim::RandomStream(seed, replication, spec.name, kSurvey);
                if (survey_sink_ == kNoStage) survey_sink_ = static_cast<std::uint32_t>(i);
            }
            break;
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
        const int on = st.shifts.initial;
        if (st.shifts.has_shifts())
            events_.schedule(sim::Time(st.shifts.at.front()), control_handler_,
                             handler_token(static_cast<std::uint32_t>(Control::shift), s));
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
    if (options_.timeseries_window > 0.0)
        events_.schedule(sim::Time(options_.timeseries_window), control_handler_,
                         handler_token(static_cast<std::uint32_t>(Control::window), 0));
    // Orders already on the floor at time 0: created now by the first source, drawn from the
    // station's own stream so the source's arrivals keep their numbers.
    for (std::uint32_t s = 0; s < stages_.size(); ++s) {
        StageState& st = stages_[s];
        if (!st.is_station || st.spec->initial_wip == 0) continue;
        std::uint32_t source = 0;
        while (stages_[source].type != StageType::source) ++source;
        sim::RandomStream rng(seed_, replication_, st.spec->name, kInitialWip);
        for (std::int64_t n = 0; n < st.spec->initial_wip; ++n) {
            const OrderId id = orders_.acquire();
            orders_[id].cls = draw_class(stages_[source], rng);
            create_order(source, id, rng);
            trace(id, s, "initial_wip");
            accept(s, id);
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
        // A time-series window end only observes: it is not an event of the model, so
        // --timeseries leaves every result (the event count included) as it was.
        const bool observer = ev.handler == control_handler_ &&
                              static_cast<Control>(ev.token >> 24) == Control::window;
        if (!observer) ++events_count_;
        if (static_cast<double>(events_count_) > max_events)
            throw RunLimitError("replication " + std::to_string(replication_) +
                                ": more than run.max_events events by time " +
                                std::to_string(now_) +
                                "; raise run.max_events or shorten run.horizon");
        if (ev.handler == control_handler_) {
            on_control(ev.token);
            if (order_limit_ && concluded_total_ >= order_limit_) break;
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
        if (order_limit_ && concluded_total_ >= order_limit_) break;  // run.orders: all done
    }
    end_ = order_limit_ ? now_ : horizon_;
    now_ = end_;
    if (options_.timeseries_window > 0.0 && end_ > window_start_) on_window_end();
    return collect();
}

// --- event handlers ---------------------------------------------------------------------------

void Pipeline::on_source(std::uint32_t s) {
    StageState& st = stages_[s];
    if (order_limit_ && created_total_ >= order_limit_) return;  // run.orders reached
    st.next_arrival = now_ + st.spec->interarrival.sample(st.arrival_rng) / st.rate_factor;
    if (!order_limit_ || created_total_ + 1 < order_limit_)
        events_.arm(st.arrival_timer, sim::Time(st.next_arrival), s, 0);

    const OrderId id = orders_.acquire();
    orders_[id].cls = draw_class(st, st.product_rng);
    create_order(s, id, st.due_rng);
    ++st.stats.departures;
    enter(choose(s, routing_.table(s, orders_[id].cls)), id);
}

// The product class of a new order of source `st` (0 when it has no products).
std::uint32_t Pipeline::draw_class(const StageState& st, sim::RandomStream& rng) const {
    if (st.product_ids.empty()) return static_cast<std::uint32_t>(scenario_.products.size());
    return st.product_ids[pick_cumulative(st.product_cum, rng.uniform01())];
}

// Fills in a new order of `source` (its class already set), drawing its due date from `rng`.
void Pipeline::create_order(std::uint32_t source, OrderId id, sim::RandomStream& rng) {
    StageState& st = stages_[source];
    const StageSpec& spec = *st.spec;
    Order& o = orders_[id];
    const Product* product =
        o.cls < scenario_.products.size() ? &scenario_.products[o.cls] : nullptr;
    const sim::Distribution* due =
        product && product->due_in ? &*product->due_in : (spec.due_in ? &*spec.due_in : nullptr);
    o.created = now_;
    o.due = due ? now_ + due->sample(rng) : kInf;
    o.entered = now_;
    o.priority = product ? product->priority : 0;
    o.source = source;
    o.defect_origin = kNoStage;
    o.attempts = 0;
    o.serial = created_total_++;
    ++created_;
    cum_created_ += 1;
    if (ClassStats* c = class_of(id)) ++c->created;
    trace(id, source, "created");
    set_wip(orders_.live());
    check_wip();
}

void Pipeline::on_service_done(std::uint32_t s, std::uint32_t k) {
    StageState& st = stages_[s];
    Server& sv = st.servers[k];
    const OrderId id = sv.order;
    sv.serving = false;
    set_busy(st, -1);
    stop_busy_clock(st, sv);
    Order& o = orders_[id];
    trace(id, s, "done");
    if (st.type == StageType::inspection) {
        bool fail = false;
        if (o.defective()) {
            fail = st.inspect_rng.bernoulli(st.spec->detect_prob);
            if (fail) {
                ++st.stats.defects_detected;
                trace(id, s, "detected");
            }
        } else {
            fail = st.inspect_rng.bernoulli(st.spec->false_alarm_prob);
            if (fail) {
                ++st.stats.false_alarms;
                trace(id, s, "false_alarm");
            }
        }
        forward(s, Sender{s, k}, id,
                routing_.table(s, o.cls, fail ? Outcome::fail : Outcome::pass));
        return;
    }
    if (st.spec->repairs && o.defective()) {
        o.defect_origin = kNoStage;
        ++st.stats.reworked;
        trace(id, s, "repaired");
    }
    damage(s, id);
    forward(s, Sender{s, k}, id, routing_.table(s, o.cls));
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
        damage(s, id);
        forward(s, Sender{s, id}, id, routing_.table(s, o.cls));
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
    case Control::window:
        on_window_end();
        events_.schedule(sim::Time(now_ + options_.timeseries_window), control_handler_,
                         handler_token(static_cast<std::uint32_t>(Control::window), 0));
        break;
    }
}

Pipeline::Totals Pipeline::totals_now() const {
    Totals t;
    t.created = cum_created_;
    t.delivered = cum_delivered_;
    t.errors = cum_errors_;
    t.concluded = cum_concluded_;
    t.lead_sum = cum_lead_sum_;
    t.wip_area = wip_area_before_ + wip_.area(now_);
    for (const StageState& st : stages_) {
        if (!st.is_station) continue;
        t.busy.push_back(st.busy_area_before + st.stats.busy.area(now_));
        t.staffed.push_back(st.staffed_area_before + st.stats.on.area(now_));
    }
    return t;
}

// Closes the time-series window [window_start_, now_) with the differences of the totals.
void Pipeline::on_window_end() {
    const Totals t = totals_now();
    const Totals& a = window_start_totals_;
    WindowResult w;
    w.window_start = window_start_;
    w.window_end = now_;
    w.orders_created = t.created - a.created;
    w.orders_delivered = t.delivered - a.delivered;
    w.customer_errors = t.errors - a.errors;
    const double concluded = t.concluded - a.concluded;
    w.customer_error_rate = concluded > 0 ? w.customer_errors / concluded : 0.0;
    const double span = now_ - window_start_;
    w.wip_mean = span > 0 ? (t.wip_area - a.wip_area) / span : 0.0;
    w.lead_time_mean =
        w.orders_delivered > 0 ? (t.lead_sum - a.lead_sum) / w.orders_delivered : 0.0;
    for (std::size_t i = 0; i < t.busy.size(); ++i) {
        const double busy = t.busy[i] - (a.busy.empty() ? 0.0 : a.busy[i]);
        const double staffed = t.staffed[i] - (a.staffed.empty() ? 0.0 : a.staffed[i]);
        w.utilization.push_back(utilization(busy, staffed));
    }
    windows_.push_back(std::move(w));
    window_start_totals_ = t;
    window_start_ = now_;
}

void Pipeline::on_shift_change(std::uint32_t s) {
    StageState& st = stages_[s];
    const int on = st.shifts.servers[st.shift_next];
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
    if (++st.shift_next == st.shifts.at.size()) {
        st.shift_next = 0;
        st.shift_cycle_start += st.shifts.cycle;
    }
    events_.schedule(sim::Time(st.shift_cycle_start + st.shifts.at[st.shift_next]),
                     control_handler_,
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
        st.defect_prob = latest
                             ? latest->value
                             : (spec.type == StageType::link ? spec.damage_prob : spec.defect_prob);
        break;
    case FaultKind::loss_prob: st.loss_prob = latest ? latest->value : spec.loss_prob; break;
    case FaultKind::service: st.service_factor = latest ? latest->factor : 1.0; break;
    case FaultKind::outage: break;
    }
}

// A stage damages a unit with its current defect probability. The draw is made for every
// unit, good or not, so an upstream change in defects does not shift this stage's stream.
void Pipeline::damage(std::uint32_t s, OrderId id) {
    StageState& st = stages_[s];
    Order& o = orders_[id];
    if (st.defect_prob <= 0.0) return;
    const bool hit = st.defect_rng.bernoulli(st.defect_prob);
    if (hit && !o.defective()) {
        o.defect_origin = s;
        ++st.stats.defects_introduced;
        trace(id, s, "defect");
    }
}

// --- flow of units ----------------------------------------------------------------------------

std::uint32_t Pipeline::choose(std::uint32_t s, const RouteTable& table) {
    if (table.single()) return table.to.front();  // no draw: keeps streams aligned
    return table.to[table.pick(stages_[s].route_rng.uniform01())];
}

bool Pipeline::can_accept(std::uint32_t s) const {
    const StageState& st = stages_[s];
    if (!st.is_station) return true;
    return !st.free_servers.empty() || st.queue.size() < st.capacity;
}

void Pipeline::enter(std::uint32_t s, OrderId order) {
    if (s == kScrapStage) {
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
    trace(order, s, "arrive");
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
            const double key =
                st.spec->discipline == Discipline::edd ? o.due : -static_cast<double>(o.priority);
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
    case StageType::sink: deliver(s, order); break;
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
    Order& o = orders_[order];
    sv.full = st.service_by_class[o.cls]->sample(st.service_rng) * st.service_factor;
    if (ClassStats* c = class_of(order)) {
        c->busy_time += sv.full;
        c->direct_cost += sv.full * st.spec->cost.per_busy_time;
    }
    trace(order, s, "start");
    sv.service_end = now_ + sv.full;
    set_busy(st, +1);
    events_.arm(sv.service_timer, sim::Time(sv.service_end), s, handler_token(kServiceDone, k));
    start_busy_clock(s, k);
}

void Pipeline::forward(std::uint32_t from, Sender sender, OrderId order, const RouteTable& table) {
    StageState& st = stages_[from];
    const std::uint32_t to = choose(from, table);
    if (to == kScrapStage) {
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
        trace(order, from, "blocked");
    }
}

// The sender's unit has left it: free its server (or transit slot) and count the departure.
void Pipeline::release(Sender sender) {
    StageState& st = stages_[sender.stage];
    ++st.stats.departures;
    if (!classes_.empty()) {
        const OrderId unit =
            st.type == StageType::link ? sender.slot : st.servers[sender.slot].order;
        if (ClassStats* c = class_of(unit)) c->direct_cost += st.spec->cost.per_unit;
    }
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
    trace(id, at_stage, "scrapped");
    Order& o = orders_[id];
    StageState& source = stages_[o.source];
    if (source.spec->on_scrap == OnScrap::cancel) {
        cancel(id);
        return;
    }
    // Remake (SPEC §3): a fresh, good unit re-enters through its source's routes with a fresh
    // draw from the source's routing stream, keeping its creation time, due date and product.
    o.defect_origin = kNoStage;
    const std::uint32_t to = choose(o.source, routing_.remake_routes(o.source, o.cls));
    if (to == kScrapStage) {
        cancel(id);  // validation forbids scrap routes out of a source; never loop
        return;
    }
    trace(id, o.source, "remade");
    enter(to, id);
}

void Pipeline::deliver(std::uint32_t sink, OrderId id) {
    const Order& o = orders_[id];
    const double lead = now_ - o.created;
    lead_time_.add(lead);
    lead_time_q_.add(lead);
    ++delivered_;
    cum_delivered_ += 1;
    cum_lead_sum_ += lead;
    const bool late = now_ > o.due;
    const Costs& pen = scenario_.costs;
    double penalty = 0.0;
    if (late) {
        ++late_;
        lateness_.add(now_ - o.due);
        lateness_q_.add(now_ - o.due);
        penalty += pen.late_penalty;
    }
    if (o.defective()) {
        ++delivered_defective_;
        ++stages_[o.defect_origin].stats.defects_escaped;
        penalty += pen.escape_penalty;
    }
    if (ClassStats* cs = class_of(id)) {
        ClassStats& c = *cs;
        ++c.delivered;
        if (late) ++c.late;
        c.lead.add(lead);
        c.lead_q.add(lead);
        c.direct_cost += penalty;
    }
    if (options_.record_lead_times) lead_time_batches_.add(now_, lead);
    trace(id, sink, "delivered");
    conclude(id, late || o.defective(), sink);
}

void Pipeline::lose(std::uint32_t at_stage, OrderId id) {
    ++stages_[at_stage].stats.lost;
    ++lost_;
    if (ClassStats* c = class_of(id)) c->direct_cost += scenario_.costs.lost_penalty;
    trace(id, at_stage, "lost");
    conclude(id, true, survey_sink_);
}

void Pipeline::cancel(OrderId id) {
    ++cancelled_;
    if (ClassStats* c = class_of(id)) c->direct_cost += scenario_.costs.lost_penalty;
    trace(id, kNoTraceStage, "cancelled");
    conclude(id, true, survey_sink_);
}

// Every order concludes once (delivered, lost or cancelled): count it, let its customer answer
// the survey of `sink` (if it runs one), and free its slot.
void Pipeline::conclude(OrderId id, bool error, std::uint32_t sink) {
    ++concluded_total_;
    cum_concluded_ += 1;
    if (error) {
        ++customer_errors_;
        cum_errors_ += 1;
    }
    if (ClassStats* cs = class_of(id)) {
        ClassStats& c = *cs;
        ++c.concluded;
        if (error) ++c.errors;
    }
    if (sink != kNoStage && stages_[sink].spec->survey) {
        const Survey& survey = *stages_[sink].spec->survey;
        const double p = std::min(1.0, survey.response_rate * (error ? survey.bias : 1.0));
        if (stages_[sink].survey_rng.bernoulli(p)) {
            ++survey_responses_;
            if (error) ++survey_errors_;
        }
    }
    orders_.release(id);
    set_wip(orders_.live());
}

ClassStats* Pipeline::class_of(OrderId id) {
    const std::uint32_t cls = orders_[id].cls;
    return cls < classes_.size() ? &classes_[cls] : nullptr;
}

void Pipeline::trace(OrderId id, std::uint32_t stage, const char* event) {
    if (options_.trace) options_.trace->record(TraceRecord{now_, orders_[id].serial, stage, event});
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
        events_.arm(sv.failure_timer, sim::Time(now_ + sv.to_failure), s,
                    handler_token(kFailure, k));
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
                        std::to_string(scenario_.run.max_wip) + " at time " + std::to_string(now_) +
                        "; the line cannot keep up (see `qosim check` for utilisation) — "
                        "add capacity or raise run.max_wip");
}

void Pipeline::reset_statistics() {
    wip_area_before_ += wip_.area(now_);
    for (StageState& st : stages_) {
        StageStats& s = st.stats;
        st.busy_area_before += s.busy.area(now_);
        st.staffed_area_before += s.on.area(now_);
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
    survey_responses_ = survey_errors_ = 0;
    lead_time_.reset();
    lead_time_q_.reset();
    lateness_.reset();
    lateness_q_.reset();
    for (ClassStats& c : classes_) {
        c.created = c.delivered = c.concluded = c.errors = c.late = 0;
        c.busy_time = c.direct_cost = 0.0;
        c.lead.reset();
        c.lead_q.reset();
    }
    wip_.reset(now_, static_cast<double>(orders_.live()));
}

ReplicationResult Pipeline::collect() {
    const double end = end_;
    ReplicationResult r;
    r.replication = replication_;
    r.seed = seed_;
    const double T = std::max(0.0, end - warmup_);
    r.observed_time = T;
    r.warmup = warmup_;
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
    r.lateness_mean = lateness_.mean();
    r.lateness_p95 = lateness_q_.quantile(0.95);
    r.on_time_rate = delivered_
                         ? static_cast<double>(delivered_ - late_) / static_cast<double>(delivered_)
                         : 1.0;
    if (concluded > 0) {
        // The three rates may overlap (a late defective order is in both); the error rate
        // counts each order once.
        r.escape_rate = static_cast<double>(delivered_defective_) / concluded;
        r.late_rate = static_cast<double>(late_) / concluded;
        r.loss_rate = static_cast<double>(lost_ + cancelled_) / concluded;
        r.customer_error_rate = static_cast<double>(customer_errors_) / concluded;
    }
    r.wip_mean = T > 0 ? wip_.mean(end) : 0.0;

    double shared_cost = 0.0;  // idle and repair cost, shared among products by busy time
    r.stages.resize(stages_.size());
    for (std::size_t i = 0; i < stages_.size(); ++i) {
        const StageState& st = stages_[i];
        const StageStats& s = st.stats;
        StageResult& out = r.stages[i];
        out.arrivals = static_cast<double>(s.arrivals);
        // A sink's deliveries leave the system there: its departures are its arrivals.
        out.departures =
            static_cast<double>(st.type == StageType::sink ? s.arrivals : s.departures);
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
            const double busy_area = s.busy.area(end);
            const double on_area = s.on.area(end);  // staffed server-time
            const double down_area = s.down.area(end);
            out.utilization = utilization(busy_area, on_area);
            out.availability = availability(down_area, servers, T);
            out.downtime = down_area;
            out.queue_len_mean = T > 0 ? s.queue.mean(end) : 0.0;
            out.wait_mean = s.wait.mean();
            out.wait_p95 = s.wait_q.quantile(0.95);
            out.blocked_time = s.blocked.area(end);
            out.busy_time = busy_area;
            out.idle_time = on_area - busy_area;
            // Costs are per time unit (converted by the loader); staffed servers that are
            // blocked or down count as idle.
            const StationCost c = station_cost(
                st.spec->cost, busy_area, out.idle_time, out.departures, out.breakdowns,
                st.spec->breakdowns ? st.spec->breakdowns->cost_per_repair : 0.0);
            out.cost = c.total();
            r.cost_resource += c.resource;
            r.cost_units += c.units;
            r.cost_repairs += c.repairs;
            shared_cost += c.shared;
            // Appraisal is the work of inspecting; an inspection's repairs are internal failure
            // (added below with every other repair), never both.
            if (st.type == StageType::inspection) r.cost_appraisal += c.resource + c.units;
            if (st.is_repair) r.cost_internal_failure += c.resource + c.units;
        } else if (st.type == StageType::link) {
            out.utilization = T > 0 ? s.busy.mean(end) : 0.0;  // mean units in transit
            const double units = st.spec->cost.per_unit * out.departures;
            out.cost = units;
            r.cost_units += units;
        }
    }
    r.cost_internal_failure += r.cost_repairs;
    r.internal_errors =
        r.defects_detected + r.false_alarms + r.scrapped + r.reworked + r.breakdowns;
    const Costs& pen = scenario_.costs;
    r.cost_penalties = penalty_cost(pen, late_, delivered_defective_, lost_ + cancelled_);
    r.cost_external_failure = r.cost_penalties;
    r.total_cost = r.cost_resource + r.cost_units + r.cost_repairs + r.cost_penalties;
    r.cost_per_order = cost_per_order(r.total_cost, delivered_);

    double busy_all = 0.0;
    for (const ClassStats& c : classes_) busy_all += c.busy_time;
    for (const ClassStats& c : classes_) {
        ClassResult out;
        out.orders_created = static_cast<double>(c.created);
        out.orders_delivered = static_cast<double>(c.delivered);
        out.orders_concluded = static_cast<double>(c.concluded);
        out.customer_errors = static_cast<double>(c.errors);
        out.lead_time_mean = c.lead.mean();
        out.lead_time_p95 = c.lead_q.quantile(0.95);
        out.on_time_rate = c.delivered ? static_cast<double>(c.delivered - c.late) /
                                             static_cast<double>(c.delivered)
                                       : 1.0;
        out.customer_error_rate =
            c.concluded ? static_cast<double>(c.errors) / static_cast<double>(c.concluded) : 0.0;
        const double cost = c.direct_cost + share_by_busy_time(shared_cost, c.busy_time, busy_all);
        out.cost_per_order = cost_per_order(cost, c.delivered);
        r.classes.push_back(out);
    }

    r.has_survey = survey_sink_ != kNoStage;
    if (r.has_survey) {
        r.survey_responses = static_cast<double>(survey_responses_);
        if (survey_responses_ > 0) {
            r.survey_error_rate = static_cast<double>(survey_errors_) / r.survey_responses;
            const ProportionInterval ci = wilson_interval(survey_errors_, survey_responses_, kZ95);
            r.survey_ci95_low = ci.low;
            r.survey_ci95_high = ci.high;
        }
    }
    r.windows = std::move(windows_);
    r.lead_time_batches = lead_time_batches_.take();
    return r;
}

}  // namespace qosim::models::detail
