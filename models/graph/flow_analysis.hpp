// Static flow analysis: arrival rates from the traffic equations and offered loads (Eigen).
#pragma once

#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Long-run rates of a scenario, one entry per stage (Scenario::stages order).
struct FlowAnalysis {
    std::vector<double> arrival_rate;  ///< lambda: units entering per time unit (sources: created)
    /// Offered load per server: stations rho = lambda E[S] / servers; links: the mean number
    /// in transit lambda E[delay] (Little's law, no capacity); sources and sinks: 0.
    std::vector<double> utilization;
    std::vector<bool> saturated;  ///< stations with rho >= 1: the queue grows without bound

    /// True when some station is saturated.
    [[nodiscard]] bool any_saturated() const;
};

/// Solves the traffic equations lambda = gamma + P^T lambda (Jackson 1957), gamma_i =
/// 1 / E[interarrival] at sources and P the route probabilities, as (I - P^T) lambda = gamma by
/// dense LU with partial pivoting (Eigen::PartialPivLU; O(n^3), n = stages). Ignores blocking
/// and balking, so it is the load offered, not the throughput achieved.
/// Precondition: a validated scenario (every loop has an exit, so I - P^T is non-singular);
/// throws std::invalid_argument otherwise.
[[nodiscard]] FlowAnalysis analyse_flow(const Scenario& sc);

}  // namespace qosim::models
