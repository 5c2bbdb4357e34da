// One replication of a scenario: the run loop, the one dispatch point, the flow of units.
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
#include "models/stages/station_inl.hpp"
#include "sim/number_text.hpp"

namespace qosim::models::detail {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
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
      max_events_(scenario.run.max_events),
      control_handler_(static_cast<std::uint32_t>(scenario.stages.size())),
      faults_(scenario) {
    order_limit_ = scenario.run.orders.value_or(0);
    // Class c < P is product c; class P (= products.size()) is an order without a product.
    const std::size_t classes = scenario.products.size() + 1;
    classes_.resize(scenario.products.size());
    stage_time_.resize(scenario.stages.size());
    const std::size_t n = scenario.stages.size();
    refs_.resize(n + 1);
    refs_[n] = StageRef{Kind::control, 0};
    sources_.reserve(n);
    stations_.reserve(n);
    links_.reserve(n);
    sinks_.reserve(n);
    route_rng_.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const StageSpec& spec = scenario.stages[i];
        route_rng_.emplace_back(seed, replication, spec.name, kRouting);
        switch (spec.type) {
        case StageType::source:
            refs_[i] = StageRef{Kind::source, static_cast<std::uint32_t>(sources_.size())};
            sources_.emplace_back(scenario, i, seed, replication, events_);
            break;
        case StageType::station:
        case StageType::inspection: {
            // Decided once: a station without trace, shifts, breakdowns or faults runs the
            // handlers compiled without those checks.
            const bool plain =
                !options.trace && !spec.shifts && !spec.breakdowns && !faults_.affects(i);
            refs_[i] = StageRef{plain ? Kind::plain_station : Kind::station,
                                static_cast<std::uint32_t>(stations_.size())};
            stations_.emplace_back(spec, i, classes, seed, replication, events_);
            break;
        }
        case StageType::link:
            refs_[i] = StageRef{Kind::link, static_cast<std::uint32_t>(links_.size())};
            links_.emplace_back(spec, i, seed, replication);
            break;
        case StageType::sink:
            refs_[i] = StageRef{Kind::sink, static_cast<std::uint32_t>(sinks_.size())};
            sinks_.emplace_back(spec, i, seed, replication);
            if (spec.survey && survey_sink_ == kNoStage) survey_sink_ = i;
            break;
        }
    }
}

ReplicationResult Pipeline::run() {
    start();
    sim::Event ev{};
    std::atomic<double>* const progress = options_.progress;
    // Progress guards: a clock that stops (t + dt == t once dt is below t's precision) or
    // overflows would otherwise loop until run.max_events.
    double last_time = -1.0;
    std::uint64_t same_time = 0;
    while (events_.pop(ev)) {
        if (ev.time > horizon_) break;
        if (ev.time == last_time) {
            if (++same_time > kMaxEventsAtOneInstant) time_stands_still(ev.time);
        } else {
            if (!std::isfinite(ev.time)) clock_overflow();
            last_time = ev.time;
            same_time = 0;
        }
        now_ = ev.time;
        count_event(ev);
        dispatch(ev);
        if (order_limit_ && concluded_total_ >= order_limit_) break;  // run.orders: all done
        if (progress != nullptr && (events_count_ & 4095u) == 0) {
            progress->store(order_limit_ ? static_cast<double>(concluded_total_) /
                                               static_cast<double>(order_limit_)
                                         : now_ / horizon_,
                            std::memory_order_relaxed);
        }
    }
    end_ = order_limit_ ? now_ : horizon_;
    now_ = end_;
    if (options_.timeseries_window > 0.0 && end_ > window_start_) on_window_end();
    return collect();
}

// Schedules everything known at time 0, in an order that fixes the sequence numbers of
// same-time events: warm-up end, each stage's first events, the first window end, the initial
// work in progress, then every fault's start and end.
// Before the first event: a source or a shift pattern that alone needs more events than
// run.max_events would only stop there, minutes later; say so at once.
void Pipeline::check_event_budget() const {
    // The loader refuses such a scenario already (with its place in the file); this guards a
    // Scenario built in code.
    for (const StageSpec& st : scenario_.stages) {
        const StageEventEstimate e = expected_stage_events(st, horizon_);
        if (e.events > max_events_) {
            const auto [message, hint] = event_budget_message(st.name, e, horizon_, max_events_);
            throw RunLimitError(message + ": " + hint);
        }
    }
}

void Pipeline::start() {
    check_event_budget();
    // The warm-up boundary is scheduled first so it precedes any event at the same time.
    if (warmup_ > 0.0)
        events_.schedule(sim::Time(warmup_), control_handler_,
                         make_token(static_cast<std::uint32_t>(Control::warmup), 0));
    for (const StageRef r : refs_) {
        switch (r.kind) {
        case Kind::source: sources_[r.index].start(*this); break;
        case Kind::station:
        case Kind::plain_station: stations_[r.index].start(*this); break;
        case Kind::link:
        case Kind::sink:
        case Kind::control: break;
        }
    }
    if (options_.timeseries_window > 0.0)
        events_.schedule(sim::Time(options_.timeseries_window), control_handler_,
                         make_token(static_cast<std::uint32_t>(Control::window), 0));
    // Orders already on the floor at time 0: created now by the first source, drawn from the
    // station's own stream so the source's arrivals keep their numbers.
    for (Station& st : stations_) {
        if (st.spec->initial_wip == 0) continue;
        Source& source = sources_.front();
        sim::RandomStream rng(seed_, replication_, st.spec->name, kInitialWip);
        for (std::int64_t k = 0; k < st.spec->initial_wip; ++k) {
            const OrderId id = orders_.acquire();
            orders_[id].cls = source.draw_class(rng);
            source.create_order(*this, id, rng);
            trace(id, st.stage, "initial_wip");
            accept(st.stage, id);
        }
    }
    for (std::size_t f = 0; f < scenario_.faults.size(); ++f) {
        const Fault& fault = scenario_.faults[f];
        const auto index = static_cast<std::uint32_t>(f);
        events_.schedule(sim::Time(fault.at), control_handler_,
                         make_token(static_cast<std::uint32_t>(Control::fault_start), index));
        events_.schedule(sim::Time(fault.at + fault.duration), control_handler_,
                         make_token(static_cast<std::uint32_t>(Control::fault_end), index));
    }
    // WIP trend windows, scheduled last: an observer, it shifts no other event's order.
    if (!order_limit_ && horizon_ > warmup_) {
        wip_window_width_ = (horizon_ - warmup_) / static_cast<double>(kWipWindows);
        wip_probe_areas_.reserve(kWipWindows);
        events_.schedule(sim::Time(warmup_ + wip_window_width_), control_handler_,
                         make_token(static_cast<std::uint32_t>(Control::wip_probe), 0));
    }
}

void Pipeline::count_event(const sim::Event& ev) {
    // A time-series window end only observes: it is not an event of the model, so
    // --timeseries leaves every result (the event count included) as it was.
    const bool observer = ev.handler == control_handler_ &&
                          (static_cast<Control>(ev.token >> 24) == Control::window ||
                           static_cast<Control>(ev.token >> 24) == Control::wip_probe);
    if (!observer) ++events_count_;
    if (static_cast<double>(events_count_) > max_events_)
        throw RunLimitError("replication " + std::to_string(replication_) +
                            ": more than run.max_events = " + sim::format_number(max_events_) +
                            " events by t = " + sim::format_number(now_) +
                            " (a line that never settles, a retry storm, or far more work than "
                            "expected); if the run is right, raise run.max_events (default 1e9) "
                            "or shorten run.horizon");
}

void Pipeline::time_stands_still(double t) const {
    throw RunLimitError(
        "replication " + std::to_string(replication_) + ": time stands still at t = " +
        sim::format_number(t) + ": " + std::to_string(kMaxEventsAtOneInstant) +
        " events in a row at the same instant. A duration is too small to move the clock at "
        "this time (a double has about 16 digits: at t = 1e16, 1e-300 is nothing), or zero "
        "durations loop (a retry timeout, an interarrival, a shift cycle) — make the durations "
        "larger or shorten run.horizon");
}

void Pipeline::clock_overflow() const {
    throw RunLimitError(
        "replication " + std::to_string(replication_) +
        ": the clock passed the largest number (infinity) after t = " + sim::format_number(now_) +
        ": a duration is far too large (a service or delay near 1e308?) — "
        "check the scenario's time values against its time_unit");
}

void Pipeline::too_many_windows() const {
    const auto cap = static_cast<double>(kMaxTimeseriesWindows);
    std::string what = "replication " + std::to_string(replication_) + ": --timeseries " +
                       sim::format_number(options_.timeseries_window) + " needs more than " +
                       std::to_string(kMaxTimeseriesWindows) + " windows";
    if (order_limit_) {
        what += " (run.orders: the run had not concluded its orders by t = " +
                sim::format_number(now_) + ", and its end is known only when it ends)";
    }
    // The run is longer than now_: suggest a power of ten at least 10 x now_ / cap.
    const double wider = std::pow(10.0, std::ceil(std::log10(10.0 * now_ / cap)));
    throw RunLimitError(what + "; use a wider window, at least the run's length / " +
                        std::to_string(kMaxTimeseriesWindows) + ": --timeseries " +
                        sim::format_number(wider) + " or more");
}

// The one dispatch point of events.
void Pipeline::dispatch(const sim::Event& ev) {
    const StageRef r = refs_[ev.handler];
    switch (r.kind) {
    case Kind::plain_station: stations_[r.index].on_service_done<true>(*this, ev.token); break;
    case Kind::station: stations_[r.index].on_event(*this, ev.token); break;
    case Kind::source: sources_[r.index].on_event(*this); break;
    case Kind::link: links_[r.index].on_event(*this, ev.token); break;
    case Kind::sink: break;
    case Kind::control: on_control(ev.token); break;
    }
}

void Pipeline::on_control(std::uint32_t token) {
    const std::uint32_t index = token & kIndexMask;
    switch (static_cast<Control>(token >> 24)) {
    case Control::warmup: reset_statistics(); break;
    case Control::shift: stations_[refs_[index].index].on_shift_change(*this); break;
    case Control::fault_start: apply_fault(index, true); break;
    case Control::fault_end: apply_fault(index, false); break;
    case Control::window:
        on_window_end();
        events_.schedule(sim::Time(now_ + options_.timeseries_window), control_handler_,
                         make_token(static_cast<std::uint32_t>(Control::window), 0));
        break;
    case Control::wip_probe: on_wip_probe(); break;
    }
}

// The end of a WIP window: the cumulative WIP area now; the next probe until the last window
// (which collect() closes at the end of the run).
void Pipeline::on_wip_probe() {
    wip_probe_areas_.push_back(wip_area_before_ + wip_.area(now_));
    if (wip_probe_areas_.size() + 1 >= kWipWindows) return;
    const double next =
        warmup_ + static_cast<double>(wip_probe_areas_.size() + 1) * wip_window_width_;
    events_.schedule(sim::Time(next), control_handler_,
                     make_token(static_cast<std::uint32_t>(Control::wip_probe), 0));
}

// The WIP windows' means and where the orders sit at the end of the run.
void Pipeline::collect_wip_diagnostics(ReplicationResult& r) const {
    if (wip_window_width_ > 0.0 && wip_probe_areas_.size() + 1 == kWipWindows) {
        double prev = wip_area_before_;  // the cumulative area at the warm-up
        for (std::size_t k = 0; k < kWipWindows; ++k) {
            const double area = k < wip_probe_areas_.size() ? wip_probe_areas_[k]
                                                            : wip_area_before_ + wip_.area(end_);
            r.wip_windows.push_back((area - prev) / wip_window_width_);
            prev = area;
        }
    }
    r.wip_at_end.assign(refs_.size() - 1, StageWipAtEnd{});
    for (std::uint32_t i = 0; i + 1 < refs_.size(); ++i) {
        const StageRef ref = refs_[i];
        StageWipAtEnd& w = r.wip_at_end[i];
        if (ref.kind == Kind::station || ref.kind == Kind::plain_station) {
            const Station& st = stations_[ref.index];
            w.queued = static_cast<double>(st.queue.size());
            for (const Server& sv : st.servers) {
                if (sv.order == kNoOrder) continue;
                if (sv.blocked) {
                    w.blocked += 1;
                } else {
                    w.in_service += 1;
                }
            }
        } else if (ref.kind == Kind::link) {
            w.in_transit = static_cast<double>(links_[ref.index].in_transit);
        }
    }
}

// Every scheduled fault takes effect here: its row of kFaultEffects (via FaultProfile) names
// the parameter and its new value; this sets it on the stage that owns it.
void Pipeline::apply_fault(std::size_t index, bool starting) {
    const FaultProfile::Change c = faults_.step(index, starting);
    const StageRef r = refs_[c.stage];
    const bool station = r.kind == Kind::station || r.kind == Kind::plain_station;
    const bool link = r.kind == Kind::link;
    switch (c.parameter) {
    case Parameter::servers:
        if (station) stations_[r.index].outage(*this, c.starting);
        break;
    case Parameter::arrival_rate:
        if (r.kind == Kind::source) sources_[r.index].set_rate_factor(*this, c.value);
        break;
    case Parameter::defect_prob:
        if (station) stations_[r.index].defect_prob = c.value;
        if (link) links_[r.index].defect_prob = c.value;
        break;
    case Parameter::loss_prob:
        if (link) links_[r.index].loss_prob = c.value;
        break;
    case Parameter::service_time:
        if (station) stations_[r.index].service_factor = c.value;
        if (link) links_[r.index].service_factor = c.value;
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
    for (const Station& st : stations_) {
        t.busy.push_back(st.busy_area_before + st.stats.busy.area(now_));
        t.staffed.push_back(st.staffed_area_before + st.stats.on.area(now_));
    }
    return t;
}

// Closes the time-series window [window_start_, now_) with the differences of the totals.
void Pipeline::on_window_end() {
    // Bounded before it grows: in horizon mode the command line has checked the count, so
    // only an order-count run (or a last window of rounding) gets here. One more than the
    // cap is allowed for that last, partial window.
    if (windows_.size() > kMaxTimeseriesWindows) too_many_windows();
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

// A stage damages a unit with its current defect probability. The draw is made for every
// unit, good or not, so an upstream change in defects does not shift this stage's stream.
void Pipeline::damage(std::uint32_t s, sim::RandomStream& rng, double prob, StageStats& stats,
                      OrderId id) {
    Order& o = orders_[id];
    if (prob <= 0.0) return;
    const bool hit = rng.bernoulli(prob);
    if (hit && !o.defective()) {
        o.defect_origin = s;
        ++stats.defects_introduced;
        trace(id, s, "defect");
    }
}

// --- flow of units ----------------------------------------------------------------------------

bool Pipeline::can_accept(std::uint32_t s) const {
    const StageRef r = refs_[s];
    if (r.kind == Kind::station || r.kind == Kind::plain_station)
        return stations_[r.index].can_accept();
    return true;
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
    move_to(order, s);
    const StageRef r = refs_[s];
    switch (r.kind) {
    case Kind::plain_station: stations_[r.index].arrive<true>(*this, order); break;
    case Kind::station: stations_[r.index].arrive<false>(*this, order); break;
    case Kind::link: links_[r.index].arrive(*this, order); break;
    case Kind::sink: sinks_[r.index].arrive(*this, order); break;
    case Kind::source:  // validation forbids routes into a source
        ++sources_[r.index].stats.arrivals;
        trace(order, s, "arrive");
        break;
    case Kind::control: break;
    }
}

// Where a unit leaving a link goes (stations have their own copy, Station::forward).
void Pipeline::forward(std::uint32_t from, Sender sender, OrderId order, const RouteTable& table) {
    const std::uint32_t to = choose(from, table);
    if (to == kScrapStage) {
        release(sender);
        scrap(from, order);
        refill(from);
    } else if (can_accept(to) || to == from) {
        release(sender);
        accept(to, order);
        refill(from);
    } else {
        // Blocked: the unit stays where it is until `to` (a full station) has a place.
        // Blocked: the link holds the unit until `to` (a full station) has a place.
        wait_for_place(to, sender);
        trace(order, from, "blocked");
    }
}

OrderId Pipeline::held_unit(Sender sender) const {
    const StageRef r = refs_[sender.stage];
    return r.kind == Kind::link ? sender.slot : stations_[r.index].servers[sender.slot].order;
}

// The sender's unit has left it: count the departure, free its server (or transit slot).
void Pipeline::release(Sender sender) {
    const StageRef r = refs_[sender.stage];
    switch (r.kind) {
    case Kind::link: links_[r.index].release(*this, sender.slot); break;
    case Kind::plain_station: stations_[r.index].release<true>(*this, sender.slot); break;
    case Kind::station: stations_[r.index].release<false>(*this, sender.slot); break;
    case Kind::source:
    case Kind::sink:
    case Kind::control: break;
    }
}

void Pipeline::refill(std::uint32_t s) {
    const StageRef r = refs_[s];
    if (r.kind == Kind::plain_station) stations_[r.index].refill<true>(*this);
    if (r.kind == Kind::station) stations_[r.index].refill<false>(*this);
}

StageStats& Pipeline::stats_of(std::uint32_t s) {
    const StageRef r = refs_[s];
    switch (r.kind) {
    case Kind::source: return sources_[r.index].stats;
    case Kind::link: return links_[r.index].stats;
    case Kind::sink: return sinks_[r.index].stats;
    case Kind::station:
    case Kind::plain_station:
    case Kind::control: break;
    }
    return stations_[r.index].stats;
}

void Pipeline::scrap(std::uint32_t at_stage, OrderId id) {
    ++stats_of(at_stage).scrapped;
    trace(id, at_stage, "scrapped");
    Order& o = orders_[id];
    if (scenario_.stages[o.source].on_scrap == OnScrap::cancel) {
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

void Pipeline::lose(std::uint32_t at_stage, OrderId id) {
    ++stats_of(at_stage).lost;
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
    if (sink != kNoStage && scenario_.stages[sink].survey) {
        if (sinks_[refs_[sink].index].answers(error)) {
            ++survey_responses_;
            if (error) ++survey_errors_;
        }
    }
    orders_.release(id);
    set_wip(orders_.live());
}

// --- statistics -------------------------------------------------------------------------------

// Per delivered, late and on-time order; undefined (NaN, an empty cell) without such orders.
void Pipeline::attribute_stage_time(std::uint32_t i, double late_total, StageResult& out) const {
    constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
    const StageTime& t = stage_time_[i];
    const auto late = static_cast<double>(late_);
    const auto on_time = static_cast<double>(delivered_ - late_);
    out.time_mean =
        delivered_ ? (t.late + t.on_time) / static_cast<double>(delivered_) : kUndefined;
    out.time_mean_late = late_ ? t.late / late : kUndefined;
    out.time_mean_on_time = delivered_ > late_ ? t.on_time / on_time : kUndefined;
    out.late_time_share = late_total > 0.0 ? t.late / late_total : kUndefined;
}

void Pipeline::attribute_time(OrderId id, bool late) {
    orders_.for_each_visit(id, [&](std::uint32_t stage, double time) {
        StageTime& t = stage_time_[stage];
        (late ? t.late : t.on_time) += time;
    });
}

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
    for (Source& st : sources_) st.reset_statistics(now_);
    for (Station& st : stations_) st.reset_statistics(now_);
    for (Link& st : links_) st.reset_statistics(now_);
    for (Sink& st : sinks_) st.reset_statistics();
    created_ = delivered_ = delivered_defective_ = lost_ = cancelled_ = late_ = 0;
    customer_errors_ = 0;
    survey_responses_ = survey_errors_ = 0;
    lead_time_.reset();
    lead_time_q_.reset();
    lateness_.reset();
    lateness_q_.reset();
    for (StageTime& t : stage_time_) t = StageTime{};
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
    // Without a delivery there is no lead time and no on-time rate: NaN, an empty cell, and
    // left out of the summaries (not 0 and 1, which would look measured and meet targets).
    constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
    const bool any_delivered = delivered_ > 0;
    r.lead_time_mean = any_delivered ? lead_time_.mean() : kUndefined;
    r.lead_time_p50 = any_delivered ? lead_time_q_.quantile(0.50) : kUndefined;
    r.lead_time_p90 = any_delivered ? lead_time_q_.quantile(0.90) : kUndefined;
    r.lead_time_p95 = any_delivered ? lead_time_q_.quantile(0.95) : kUndefined;
    r.lead_time_p99 = any_delivered ? lead_time_q_.quantile(0.99) : kUndefined;
    r.lead_time_max = any_delivered ? lead_time_.max() : kUndefined;
    r.lateness_mean = lateness_.mean();
    r.lateness_p95 = lateness_q_.quantile(0.95);
    r.on_time_rate = any_delivered
                         ? static_cast<double>(delivered_ - late_) / static_cast<double>(delivered_)
                         : kUndefined;
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
    r.stages.resize(refs_.size() - 1);
    double late_total = 0.0;  // all late orders' time, over every stage
    for (const StageTime& u : stage_time_) late_total += u.late;
    for (std::uint32_t i = 0; i < refs_.size() - 1; ++i) {
        const StageRef ref = refs_[i];
        const StageStats& s = stats_of(i);
        StageResult& out = r.stages[i];
        attribute_stage_time(i, late_total, out);
        out.arrivals = static_cast<double>(s.arrivals);
        // A sink's deliveries leave the system there: its departures are its arrivals.
        out.departures = static_cast<double>(ref.kind == Kind::sink ? s.arrivals : s.departures);
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
        if (ref.kind == Kind::station || ref.kind == Kind::plain_station) {
            shared_cost += stations_[ref.index].finish(end, T, out, r);
        } else if (ref.kind == Kind::link) {
            out.in_transit_mean = T > 0 ? s.busy.mean(end) : 0.0;
            const double units = scenario_.stages[i].cost.per_unit * out.departures;
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
        out.lead_time_mean = c.delivered ? c.lead.mean() : kUndefined;
        out.lead_time_p95 = c.delivered ? c.lead_q.quantile(0.95) : kUndefined;
        out.on_time_rate = c.delivered ? static_cast<double>(c.delivered - c.late) /
                                             static_cast<double>(c.delivered)
                                       : kUndefined;
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
    collect_wip_diagnostics(r);
    return r;
}

}  // namespace qosim::models::detail
