// A station's per-event handlers (the hot path), in a header so that the engine's dispatch
// and the station's own code can inline them. Include after models/engine/pipeline.hpp.
#pragma once

#include "models/engine/pipeline.hpp"
#include "models/stages/station.hpp"

namespace qosim::models::detail {

template <bool Plain>
void Station::on_service_done(Pipeline& p, std::uint32_t k) {
    Server& sv = servers[k];
    const OrderId id = sv.order;
    sv.serving = false;
    set_busy(p.now_, -1);
    if constexpr (!Plain) stop_busy_clock(p, sv);
    Order& o = p.orders_[id];
    if constexpr (!Plain) p.trace(id, stage, "done");
    if (is_inspection) {
        bool fail = false;
        if (o.defective()) {
            fail = inspect_rng.bernoulli(spec->detect_prob);
            if (fail) {
                ++stats.defects_detected;
                if constexpr (!Plain) p.trace(id, stage, "detected");
            }
        } else {
            fail = inspect_rng.bernoulli(spec->false_alarm_prob);
            if (fail) {
                ++stats.false_alarms;
                if constexpr (!Plain) p.trace(id, stage, "false_alarm");
            }
        }
        forward<Plain>(p, k, id,
                       p.routing_.table(stage, o.cls, fail ? Outcome::fail : Outcome::pass));
        return;
    }
    if (repairs && o.defective()) {
        o.defect_origin = kNoStage;
        ++stats.reworked;
        if constexpr (!Plain) p.trace(id, stage, "repaired");
    }
    p.damage(stage, defect_rng, defect_prob, stats, id);
    forward<Plain>(p, k, id, p.routing_.table(stage, o.cls));
}

template <bool Plain>
void Station::arrive(Pipeline& p, OrderId order) {
    ++stats.arrivals;
    if constexpr (!Plain) p.trace(order, stage, "arrive");
    // Pipeline::move_to has set the order's `entered` to now.
    if (!free_servers.empty() && queue.empty()) {  // never overtake the queue
        const std::uint32_t k = free_servers.back();
        free_servers.pop_back();
        start_service<Plain>(p, k, order);
    } else {
        const Order& o = p.orders_[order];
        const double key = by_due ? o.due : -static_cast<double>(o.priority);
        queue.push(order, key);
        stats.queue.update(p.now_, static_cast<double>(queue.size()));
    }
}

template <bool Plain>
void Station::start_service(Pipeline& p, std::uint32_t k, OrderId order) {
    Server& sv = servers[k];
    const double now = p.now_;
    const double wait = now - p.orders_[order].entered;
    stats.wait.add(wait);
    stats.wait_q.add(wait);
    sv.order = order;
    sv.serving = true;
    Order& o = p.orders_[order];
    // A plain station has no fault, so its factor is 1 and x * 1 == x exactly: skip it.
    if constexpr (Plain)
        sv.full = service_by_class[o.cls]->sample(service_rng);
    else
        sv.full = service_by_class[o.cls]->sample(service_rng) * service_factor;
    if (ClassStats* c = p.class_of(order)) {
        c->busy_time += sv.full;
        c->direct_cost += sv.full * cost_per_busy_time;
    }
    if constexpr (!Plain) p.trace(order, stage, "start");
    sv.service_end = now + sv.full;
    set_busy(now, +1);
    p.events_.arm(sv.service_timer, sim::Time(sv.service_end), stage, make_token(kServiceDone, k));
    if constexpr (!Plain) start_busy_clock(p, k);
}

// Where the finished unit of server `k` goes: the same rules as Pipeline::forward (which links
// use), with this station's own release and refill called directly.
template <bool Plain>
void Station::forward(Pipeline& p, std::uint32_t k, OrderId id, const RouteTable& table) {
    const std::uint32_t to = p.choose(stage, table);
    if (to == kScrapStage) {
        release<Plain>(p, k);
        p.scrap(stage, id);
        refill<Plain>(p);
    } else if (p.can_accept(to) || to == stage) {
        // A route back to the same stage (rework) frees its own server first, so it always
        // has a place: it joins the end of the queue.
        release<Plain>(p, k);
        p.accept(to, id);
        refill<Plain>(p);
    } else {
        // Blocked: the unit stays where it is until `to` (a full station) has a place.
        block(p.now_, k);
        p.wait_for_place(to, Sender{stage, k});
        if constexpr (!Plain) p.trace(id, stage, "blocked");
    }
}

template <bool Plain>
void Station::release(Pipeline& p, std::uint32_t k) {
    Server& sv = servers[k];
    ++stats.departures;
    if (!p.classes_.empty()) {
        if (ClassStats* c = p.class_of(sv.order)) c->direct_cost += cost_per_unit;
    }
    if (sv.blocked) {
        sv.blocked = false;
        --blocked;
        stats.blocked.update(p.now_, blocked);
    }
    sv.order = kNoOrder;
    if constexpr (Plain) {
        free_servers.push_back(k);  // a plain station's servers are always available
    } else {
        if (!sv.on_shift) set_overtime(p.now_, -1);
        if (sv.available()) free_servers.push_back(k);
    }
}

// Fills free servers from the queue and free places from blocked upstream senders, in that
// order, until neither can move. Recursion runs up the chain of blocked stages.
template <bool Plain>
void Station::refill(Pipeline& p) {
    for (;;) {
        if (!free_servers.empty() && !queue.empty()) {
            const std::uint32_t k = free_servers.back();
            free_servers.pop_back();
            const OrderId next = queue.pop();
            stats.queue.update(p.now_, static_cast<double>(queue.size()));
            start_service<Plain>(p, k, next);
            continue;
        }
        if (!blocked_senders.empty() && can_accept()) {
            const Sender sender = blocked_senders.pop();
            const OrderId unit = p.held_unit(sender);
            p.release(sender);
            p.move_to(unit, stage);
            arrive<Plain>(p, unit);
            p.refill(sender.stage);
            continue;
        }
        return;
    }
}

}  // namespace qosim::models::detail
