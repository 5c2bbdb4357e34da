// Numbers as the console shows them: percent, intervals of rates, time units of columns.
#include "app/output/console_numbers.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "app/output/console.hpp"
#include "app/output/text.hpp"

namespace qosim::app {

int decimals_for(double x, double hw) {
    if (std::isfinite(hw) && hw > 0) {
        return std::clamp(1 - static_cast<int>(std::floor(std::log10(hw))), 0, 6);
    }
    if (!std::isfinite(x) || x == 0) return 0;
    return std::clamp(3 - static_cast<int>(std::floor(std::log10(std::fabs(x)))), 0, 6);
}

std::string percent(double share, int decimals) {
    if (std::isnan(share)) return "-";
    return cat({fixed(100 * share, decimals), " %"});
}

std::string probability(double p) {
    if (std::isnan(p)) return "-";
    if (p == 0) return "0 %";
    if (p == 1) return "100 %";
    const double smaller = 100 * std::min(std::fabs(p), std::fabs(1 - p));
    const int d = std::clamp(2 - static_cast<int>(std::floor(std::log10(smaller))), 1, 6);
    return percent(p, d);
}

ShareText share_text(const MetricSummary& m) {
    const bool has_ci = m.n >= 2 && std::isfinite(m.ci95_low) && std::isfinite(m.ci95_high);
    const int d = decimals_for(100 * m.mean, has_ci ? 100 * m.half_width() : std::nan(""));
    ShareText out{fixed(100 * m.mean, d), percent(m.mean, d), ""};
    if (has_ci) {
        out.ci =
            cat({"95 % CI ", fixed(100 * m.ci95_low, d), "–", fixed(100 * m.ci95_high, d), " %"});
    }
    return out;
}

std::string unit_name(models::TimeUnit unit) { return models::to_string(unit); }

std::string unit_plural(models::TimeUnit unit) { return unit_name(unit) + "s"; }

double convert_time(double t, models::TimeUnit from, models::TimeUnit to) {
    if (from == to) return t;
    return t * models::seconds_per_unit(from) / models::seconds_per_unit(to);
}

models::TimeUnit display_unit(std::span<const double> values, models::TimeUnit unit) {
    double largest = 0;
    for (const double v : values) {
        if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    }
    if (largest == 0 || largest >= 1) return unit;
    // Smaller units, largest first; stop at the first in which the largest value is >= 1.
    constexpr std::array kSmallerFirst{models::TimeUnit::week, models::TimeUnit::day,
                                       models::TimeUnit::hour, models::TimeUnit::minute,
                                       models::TimeUnit::second};
    const double seconds = largest * models::seconds_per_unit(unit);
    for (const auto u : kSmallerFirst) {
        if (models::seconds_per_unit(u) >= models::seconds_per_unit(unit)) continue;
        if (seconds >= models::seconds_per_unit(u)) return u;
    }
    return models::TimeUnit::second;
}

DurationColumn duration_column(std::span<const double> values, models::TimeUnit unit) {
    DurationColumn out{display_unit(values, unit), {}};
    double largest = 0;
    for (const double v : values) {
        if (std::isfinite(v))
            largest = std::max(largest, std::fabs(convert_time(v, unit, out.unit)));
    }
    const int d =
        largest > 0 ? std::clamp(3 - static_cast<int>(std::floor(std::log10(largest))), 0, 3) : 3;
    for (const double v : values) out.cells.push_back(fixed(convert_time(v, unit, out.unit), d));
    return out;
}

}  // namespace qosim::app
