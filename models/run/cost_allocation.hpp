// How server time and counts become money: a station's cost, penalties, products' shares.
#pragma once

#include <cstdint>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// What one station or inspection cost over the observed window (money), by category.
struct StationCost {
    double resource = 0.0;  ///< per_busy_time x busy time + per_idle_time x idle time
    double units = 0.0;     ///< per_unit x departures
    double repairs = 0.0;   ///< cost_per_repair x breakdowns
    double shared = 0.0;    ///< idle + repair cost: caused by no single product
    /// resource + units + repairs (money): stages.csv `cost`.
    [[nodiscard]] double total() const { return resource + units + repairs; }
};

/// The cost of a station from its rates (money per server-time unit, per unit) and what it
/// did: `busy_time` and `idle_time` in server-time units (idle: staffed but not serving,
/// blocked and down included), `departures` and `breakdowns` counts, `cost_per_repair` money
/// (0 without breakdowns).
StationCost station_cost(const StageCost& rates, double busy_time, double idle_time,
                         double departures, double breakdowns, double cost_per_repair);

/// Penalties (money): late_penalty x `late` + escape_penalty x `escaped` (delivered
/// defective) + lost_penalty x `lost` (lost or cancelled orders).
double penalty_cost(const Costs& rates, std::uint64_t late, std::uint64_t escaped,
                    std::uint64_t lost);

/// A product's part of `shared_cost` (money) in proportion to the service time its units took:
/// shared_cost x busy_time / busy_total, with `busy_total` the sum of busy_time over all
/// products (time units); 0 when busy_total is 0.
double share_by_busy_time(double shared_cost, double busy_time, double busy_total);

/// cost / delivered (money per delivered order); 0 when nothing was delivered.
double cost_per_order(double cost, std::uint64_t delivered);

}  // namespace qosim::models
