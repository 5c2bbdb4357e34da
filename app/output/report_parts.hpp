// Pieces shared by the report pages of run, compare and sweep: number text, units, the page.
#pragma once

#include <string>
#include <string_view>

#include "models/scenario/scenario.hpp"

namespace qosim::app::report {

/// A metric unit from the metric table ("share", "time", ...) in words: "%", "hours", ...
std::string unit_label(std::string_view unit, const models::Scenario& sc);

/// A value in its display unit: shares x 100 (percent), the rest as is.
double shown(double v, std::string_view unit);

/// A number for tables and labels: whole numbers without decimals, else decimals by size.
std::string num(double x);

/// A value with its unit's display: shares as "1.25 %".
std::string value_text(double v, std::string_view unit);

/// A tick value with the decimals the ticks of [lo, hi] (about `count`) need.
std::string tick_label(double v, double lo, double hi, int count);

/// The whole page: doctype, inline style, title, a header line (already HTML), the sections.
std::string page(std::string_view title, std::string_view header_html, std::string_view body);

/// The page header's facts about a scenario as run: file, replications, horizon, warm-up,
/// seed, time unit (HTML).
std::string run_facts(const models::Scenario& sc, std::size_t replications, bool warmup_auto);

}  // namespace qosim::app::report
