// How a station's server-time areas become its utilisation and availability.
#include "models/run/server_time.hpp"

namespace qosim::models {

double utilization(double busy_area, double staffed_area) {
    return staffed_area > 0 ? busy_area / staffed_area : 0.0;
}

double availability(double down_area, double servers, double observed_time) {
    return servers * observed_time > 0 ? 1.0 - down_area / (servers * observed_time) : 1.0;
}

}  // namespace qosim::models
