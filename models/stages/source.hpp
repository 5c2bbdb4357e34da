// A source: orders arriving from outside, with their product class and due date.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/order_pool.hpp"
#include "models/scenario/scenario.hpp"
#include "models/stages/stage.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"

namespace qosim::models::detail {

/// A source: its spec (read-only) and its state for one replication.
/// Contract: `start` (first arrival), `on_event` (an arrival); nothing arrives at a source.
class Source {
public:
    Source(const Scenario& scenario, std::uint32_t stage, std::uint64_t seed,
           std::uint64_t replication, sim::EventQueue& events);

    void start(Pipeline& p);
    void on_event(Pipeline& p);
    /// The product class of a new order (products.size() when the source has none).
    [[nodiscard]] std::uint32_t draw_class(sim::RandomStream& rng) const;
    /// Fills in the new order `id` (its class already set), drawing its due date from `rng`.
    void create_order(Pipeline& p, OrderId id, sim::RandomStream& rng);
    /// A surge: arrivals run on a clock sped up by `factor`; the pending one is rescaled.
    void set_rate_factor(Pipeline& p, double factor);
    void reset_statistics(double now);

    const StageSpec* spec;
    const Scenario* scenario;
    std::uint32_t stage;  ///< index in Scenario::stages
    std::uint32_t no_product_class;
    sim::RandomStream arrival_rng;
    sim::RandomStream due_rng;
    sim::RandomStream product_rng;
    std::vector<std::uint32_t> product_ids;  ///< its products' indices (empty: no products)
    std::vector<double> product_cum;         ///< their cumulative shares
    sim::TimerId arrival_timer;
    double next_arrival = 0.0;
    double rate_factor = 1.0;  ///< surge multiplier on the arrival rate
    StageStats stats;
};

}  // namespace qosim::models::detail
