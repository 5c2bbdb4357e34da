// A link: units in transit with a delay, losses, damage and re-sends.
#pragma once

#include <cstdint>

#include "models/engine/order_pool.hpp"
#include "models/scenario/scenario.hpp"
#include "models/stages/stage.hpp"
#include "sim/random.hpp"

namespace qosim::models::detail {

/// A link: its spec (read-only) and its state for one replication. Any number of units travel
/// at once; the event token of a unit's next step is its order id.
/// Contract: `on_event` (arrival, re-send or vanishing), `arrive`, `finish`.
class Link {
public:
    Link(const StageSpec& spec, std::uint32_t stage, std::uint64_t seed, std::uint64_t replication);

    void on_event(Pipeline& p, OrderId id);
    void arrive(Pipeline& p, OrderId order);
    /// Unit `id`, arrived, has left the link: count the departure.
    void release(Pipeline& p, OrderId id);
    void reset_statistics(double now);

    const StageSpec* spec;
    std::uint32_t stage;  ///< index in Scenario::stages
    sim::RandomStream delay_rng;
    sim::RandomStream defect_rng;
    sim::RandomStream loss_rng;
    double service_factor = 1.0;  ///< fault: delays x this
    double defect_prob;           ///< damage probability (faults may change it)
    double loss_prob;             ///< current value (faults may change it)
    std::uint32_t in_transit = 0;
    StageStats stats;

private:
    void attempt(Pipeline& p, OrderId id);
};

}  // namespace qosim::models::detail
