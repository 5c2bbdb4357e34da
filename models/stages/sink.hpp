// A sink: where orders are delivered, and where a customer survey may run.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/engine/order_pool.hpp"
#include "models/scenario/scenario.hpp"
#include "models/stages/stage.hpp"
#include "sim/random.hpp"

namespace qosim::models::detail {

/// A sink: its spec (read-only) and its state for one replication.
/// Contract: `arrive` (a delivery); a sink has no events of its own.
class Sink {
public:
    Sink(const StageSpec& spec, std::uint32_t stage, std::uint64_t seed, std::uint64_t replication);

    void arrive(Pipeline& p, OrderId order);
    /// Whether a customer answers this sink's survey (`error`: the order met an error).
    /// Precondition: the sink runs a survey.
    bool answers(bool error) {
        const Survey& survey = *spec->survey;
        return survey_rng.bernoulli(
            std::min(1.0, survey.response_rate * (error ? survey.bias : 1.0)));
    }
    void reset_statistics() { stats.reset_counts(); }

    const StageSpec* spec;
    std::uint32_t stage;  ///< index in Scenario::stages
    sim::RandomStream survey_rng{0};
    StageStats stats;
};

}  // namespace qosim::models::detail
