// Static flow analysis: arrival rates and offered loads, read off the absorbing chain.
#pragma once

#include <vector>

#include "models/graph/absorbing_chain.hpp"
#include "models/graph/station_load.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Long-run rates of a scenario, one entry per stage (Scenario::stages order).
struct FlowAnalysis {
    std::vector<double> arrival_rate;  ///< lambda: units entering per time unit (sources: created)
    /// Stations and inspections: the busy share of staffed time that `run` reports
    /// (StationLoad::utilization); links: the mean number in transit lambda E[delay] (Little's
    /// law, no capacity); sources, sinks: 0.
    std::vector<double> utilization;
    /// Stations and inspections: capacity and load (station_load()); other stages: empty.
    std::vector<StationLoad> loads;
    /// Stations and inspections that cannot keep up (LoadVerdict saturated or overloaded).
    std::vector<bool> saturated;

    /// True when some station is saturated.
    [[nodiscard]] bool any_saturated() const;
};

/// The traffic equations' solution (Jackson 1957) as analyse_quality() computes it: expected
/// visits per order from the absorbing chain of each order class (a product of a source, or a
/// source's orders without products, each on the routes it takes), times the total arrival
/// rate. Visits depend on defect, detection and loss probabilities, so this is the one
/// solver for both views. Ignores blocking, balking and scheduled faults, so it is the load
/// offered, not the throughput achieved.
/// Throws what analyse_quality() throws: std::runtime_error (TrappingLoopError) for a loop
/// with no exit, std::invalid_argument for a scenario that validation would reject.
[[nodiscard]] FlowAnalysis analyse_flow(const Scenario& sc);

/// The same from an analyse_quality() already made for `sc` (the chain is solved once).
[[nodiscard]] FlowAnalysis analyse_flow(const Scenario& sc, const QualityAnalysis& qa);

}  // namespace qosim::models
