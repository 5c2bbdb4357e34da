// A link: units in transit with a delay, losses, damage and re-sends.
#include "models/stages/link.hpp"

#include "models/engine/pipeline.hpp"

namespace qosim::models::detail {

Link::Link(const StageSpec& spec_, std::uint32_t stage_, std::uint64_t seed,
           std::uint64_t replication)
    : spec(&spec_),
      stage(stage_),
      delay_rng(seed, replication, spec_.name, kDelay),
      defect_rng(seed, replication, spec_.name, kDefects),
      loss_rng(seed, replication, spec_.name, kLoss),
      defect_prob(spec_.damage_prob),
      loss_prob(spec_.loss_prob) {}

void Link::on_event(Pipeline& p, OrderId id) {
    Order& o = p.orders_[id];
    switch (o.phase) {
    case LinkPhase::awaiting_resend: attempt(p, id); return;
    case LinkPhase::vanishing:
        --in_transit;
        stats.busy.update(p.now_, in_transit);
        p.lose(stage, id);
        return;
    case LinkPhase::travelling:
        p.damage(stage, defect_rng, defect_prob, stats, id);
        p.forward(stage, Sender{stage, id}, id, p.routing_.table(stage, o.cls));
        return;
    }
}

void Link::arrive(Pipeline& p, OrderId order) {
    ++stats.arrivals;
    p.trace(order, stage, "arrive");
    ++in_transit;
    stats.busy.update(p.now_, in_transit);
    p.orders_[order].attempts = 0;
    attempt(p, order);
}

// One transmission attempt: the message arrives after a delay, or is lost; a lost message is
// re-sent `retry.timeout` after this attempt, at most `retry.max` times.
void Link::attempt(Pipeline& p, OrderId id) {
    Order& o = p.orders_[id];
    const double now = p.now_;
    const bool lost = loss_prob > 0.0 && loss_rng.bernoulli(loss_prob);
    if (!lost) {
        o.phase = LinkPhase::travelling;
        const double delay = spec->delay.sample(delay_rng) * service_factor;
        p.events_.schedule(sim::Time(now + delay), stage, id);
    } else if (spec->retry && o.attempts < static_cast<std::uint32_t>(spec->retry->max)) {
        ++o.attempts;
        o.phase = LinkPhase::awaiting_resend;
        p.events_.schedule(sim::Time(now + spec->retry->timeout), stage, id);
    } else {
        // Without retries the order vanishes in transit; with them, the sender gives up when
        // the last attempt's timeout expires.
        o.phase = LinkPhase::vanishing;
        const double when =
            spec->retry ? spec->retry->timeout : spec->delay.sample(delay_rng) * service_factor;
        p.events_.schedule(sim::Time(now + when), stage, id);
    }
}

void Link::release(Pipeline& p, OrderId id) {
    ++stats.departures;
    if (!p.classes_.empty()) {
        if (ClassStats* c = p.class_of(id)) c->direct_cost += spec->cost.per_unit;
    }
    --in_transit;
    stats.busy.update(p.now_, in_transit);
}

void Link::reset_statistics(double now) {
    stats.reset_counts();
    stats.busy.reset(now, in_transit);
}

}  // namespace qosim::models::detail
