// A source: orders arriving from outside, with their product class and due date.
#include "models/stages/source.hpp"

#include <limits>

#include "models/engine/pipeline.hpp"
#include "models/scenario/routing.hpp"

namespace qosim::models::detail {

Source::Source(const Scenario& scenario_, std::uint32_t stage_, std::uint64_t seed,
               std::uint64_t replication, sim::EventQueue& events)
    : spec(&scenario_.stages[stage_]),
      scenario(&scenario_),
      stage(stage_),
      no_product_class(static_cast<std::uint32_t>(scenario_.products.size())),
      arrival_rng(seed, replication, spec->name, kArrivals),
      due_rng(seed, replication, spec->name, kDue),
      product_rng(seed, replication, spec->name, kProducts),
      arrival_timer(events.make_timer()) {
    std::vector<double> shares;
    for (std::size_t p = 0; p < scenario_.products.size(); ++p) {
        if (scenario_.products[p].source != stage_) continue;
        product_ids.push_back(static_cast<std::uint32_t>(p));
        shares.push_back(scenario_.products[p].share);
    }
    product_cum = cumulative_shares(shares);
}

void Source::start(Pipeline& p) {
    next_arrival = spec->interarrival.sample(arrival_rng);
    p.events_.arm(arrival_timer, sim::Time(next_arrival), stage, 0);
}

void Source::on_event(Pipeline& p) {
    if (p.order_limit_ && p.created_total_ >= p.order_limit_) return;  // run.orders reached
    next_arrival = p.now_ + spec->interarrival.sample(arrival_rng) / rate_factor;
    if (!p.order_limit_ || p.created_total_ + 1 < p.order_limit_)
        p.events_.arm(arrival_timer, sim::Time(next_arrival), stage, 0);

    const OrderId id = p.orders_.acquire();
    p.orders_[id].cls = draw_class(product_rng);
    create_order(p, id, due_rng);
    ++stats.departures;
    p.enter(p.choose(stage, p.routing_.table(stage, p.orders_[id].cls)), id);
}

std::uint32_t Source::draw_class(sim::RandomStream& rng) const {
    if (product_ids.empty()) return no_product_class;
    return product_ids[pick_cumulative(product_cum, rng.uniform01())];
}

void Source::create_order(Pipeline& p, OrderId id, sim::RandomStream& rng) {
    Order& o = p.orders_[id];
    const double now = p.now_;
    const Product* product =
        o.cls < scenario->products.size() ? &scenario->products[o.cls] : nullptr;
    const sim::Distribution* due =
        product && product->due_in ? &*product->due_in : (spec->due_in ? &*spec->due_in : nullptr);
    o.created = now;
    o.due = due ? now + due->sample(rng) : std::numeric_limits<double>::infinity();
    o.entered = now;
    o.at_stage = stage;
    o.priority = product ? product->priority : 0;
    o.source = stage;
    o.defect_origin = kNoStage;
    o.attempts = 0;
    o.serial = p.created_total_++;
    ++p.created_;
    p.cum_created_ += 1;
    if (ClassStats* c = p.class_of(id)) ++c->created;
    p.trace(id, stage, "created");
    p.set_wip(p.orders_.live());
    p.check_wip();
}

void Source::set_rate_factor(Pipeline& p, double factor) {
    // Once run.orders are all created the source is done: a surge must not wake it again.
    const bool done = p.order_limit_ && p.created_total_ >= p.order_limit_;
    if (next_arrival > p.now_ && !done) {
        next_arrival = p.now_ + (next_arrival - p.now_) * rate_factor / factor;
        p.events_.arm(arrival_timer, sim::Time(next_arrival), stage, 0);
    }
    rate_factor = factor;
}

void Source::reset_statistics(double) { stats.reset_counts(); }

}  // namespace qosim::models::detail
