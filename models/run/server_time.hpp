// How a station's server-time areas become its utilisation and availability.
#pragma once

namespace qosim::models {

/// Share of staffed server-time spent serving: busy_area / staffed_area (both in server-time
/// units, e.g. server-hours); 0 when nothing was staffed. stages.csv and timeseries.csv
/// `utilization`.
double utilization(double busy_area, double staffed_area);

/// Share of all server-time not broken down or out: 1 - down_area / (servers x
/// observed_time), down_area in server-time units, observed_time in time units; 1 for an
/// empty window. stages.csv `availability`.
double availability(double down_area, double servers, double observed_time);

}  // namespace qosim::models
