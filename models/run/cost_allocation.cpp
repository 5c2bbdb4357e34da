// How server time and counts become money: a station's cost, penalties, products' shares.
#include "models/run/cost_allocation.hpp"

namespace qosim::models {

StationCost station_cost(const StageCost& rates, double busy_time, double idle_time,
                         double departures, double breakdowns, double cost_per_repair) {
    StationCost c;
    c.resource = rates.per_busy_time * busy_time + rates.per_idle_time * idle_time;
    c.units = rates.per_unit * departures;
    c.repairs = cost_per_repair * breakdowns;
    c.shared = rates.per_idle_time * idle_time + c.repairs;
    return c;
}

double penalty_cost(const Costs& rates, std::uint64_t late, std::uint64_t escaped,
                    std::uint64_t lost) {
    return rates.late_penalty * static_cast<double>(late) +
           rates.escape_penalty * static_cast<double>(escaped) +
           rates.lost_penalty * static_cast<double>(lost);
}

double share_by_busy_time(double shared_cost, double busy_time, double busy_total) {
    return busy_total > 0 ? shared_cost * busy_time / busy_total : 0.0;
}

double cost_per_order(double cost, std::uint64_t delivered) {
    return delivered ? cost / static_cast<double>(delivered) : 0.0;
}

}  // namespace qosim::models
