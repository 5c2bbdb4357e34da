// Numbers as the console shows them: rates and probabilities in percent, intervals of rates,
// and the time unit of a column of durations. CSV files never use these (they keep fractions
// and the scenario's time unit).
#pragma once

#include <span>
#include <string>

#include "app/output/summary.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// Digits after the point so that `x` (with CI half-width `hw`) shows about two significant
/// digits of its uncertainty, or four significant digits when there is no interval (hw NaN or
/// 0), between 0 and 6.
int decimals_for(double x, double hw);

/// A share (0..1) as a percentage with `decimals` digits: 0.0935 -> "9.35 %"; "-" for NaN.
std::string percent(double share, int decimals);

/// A probability or a share without an interval, in percent, in the one format the console
/// uses for them: enough digits to show three significant digits of the smaller of p and
/// 1 - p (at least one, at most six decimals), so 0.990099 -> "99.010 %", 0.0935 ->
/// "9.35 %", 0.3 -> "30.0 %", 1.5e-07 -> "0.000015 %"; exactly 0 and 1 are "0 %" and "100 %".
std::string probability(double p);

/// A share metric's replication mean and its 95 % CI (clipped to [0, 1]), in percent, with
/// the digits its unclipped half-width warrants: "9.35", "9.35 %" and "95 % CI 8.80–9.91 %".
/// The interval is empty with fewer than two replications.
struct ShareText {
    std::string number;  ///< the mean in percent without the sign: "9.35"
    std::string mean;    ///< "9.35 %"
    std::string ci;      ///< "95 % CI 8.80–9.91 %", or empty
};
ShareText share_text(const MetricSummary& m);

/// The singular and plural names of a time unit: "hour", "hours".
std::string unit_name(models::TimeUnit unit);
std::string unit_plural(models::TimeUnit unit);

/// `t` in `from` units expressed in `to` units.
double convert_time(double t, models::TimeUnit from, models::TimeUnit to);

/// The unit the console shows a column of durations in (`values` in the scenario's `unit`):
/// `unit` itself, unless every finite value is below one `unit` and some is above zero; then
/// the largest smaller unit in which the largest value is at least 1 (`second` at the least).
/// So waits of 0.737 and 0.131 hours print as 44.2 and 7.9 minutes, and a 2-second wait in a
/// scenario in minutes as 2 seconds rather than 0.033 minutes. Never a larger unit than
/// `unit`: the scenario's unit is the one its planner reads, and its horizon is written in it.
models::TimeUnit display_unit(std::span<const double> values, models::TimeUnit unit);

/// A column of durations ready to print: the unit chosen by display_unit and each value in
/// it with one number of decimals for the whole column (four significant digits of the
/// largest value, at most three decimals); "-" for NaN.
struct DurationColumn {
    models::TimeUnit unit;
    std::vector<std::string> cells;
};
DurationColumn duration_column(std::span<const double> values, models::TimeUnit unit);

}  // namespace qosim::app
