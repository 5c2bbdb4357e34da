// The console's number formats: percent, probabilities, intervals of rates, and the time unit
// chosen for a column of durations.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "app/output/console_numbers.hpp"

using namespace qosim::app;
using qosim::models::TimeUnit;

TEST_CASE("a column of durations under one unit prints in the largest smaller unit that fits",
          "[console][units]") {
    // Waits of 0.737 and 0.131 hours: 44.2 and 7.9 minutes.
    const std::vector<double> hours{0.737, 0.131, std::nan("")};
    CHECK(display_unit(hours, TimeUnit::hour) == TimeUnit::minute);
    // A 2-second wait in a scenario in minutes: 2 seconds, not 0.033 minutes.
    const std::vector<double> two_seconds{2.0 / 60};
    CHECK(display_unit(two_seconds, TimeUnit::minute) == TimeUnit::second);
    const auto col = duration_column(two_seconds, TimeUnit::minute);
    CHECK(col.unit == TimeUnit::second);
    CHECK(col.cells == std::vector<std::string>{"2.000"});
    // 0.01 hours = 36 seconds: past minutes (0.6 of one) down to seconds.
    const std::vector<double> short_wait{0.01};
    CHECK(display_unit(short_wait, TimeUnit::hour) == TimeUnit::second);
    // Half a day is 12 hours; half a week 3.5 days; under a second stays in seconds.
    const std::vector<double> half{0.5};
    CHECK(display_unit(half, TimeUnit::day) == TimeUnit::hour);
    CHECK(display_unit(half, TimeUnit::week) == TimeUnit::day);
    CHECK(display_unit(half, TimeUnit::second) == TimeUnit::second);
    const std::vector<double> tiny{1e-6};
    CHECK(display_unit(tiny, TimeUnit::hour) == TimeUnit::second);
}

TEST_CASE("a column with a value of one unit or more, or nothing to show, keeps the unit",
          "[console][units]") {
    const std::vector<double> mixed{0.2, 1.0};  // the largest value decides for the column
    CHECK(display_unit(mixed, TimeUnit::hour) == TimeUnit::hour);
    const std::vector<double> large{5000.0};  // never a larger unit than the scenario's
    CHECK(display_unit(large, TimeUnit::minute) == TimeUnit::minute);
    const std::vector<double> zeros{0.0, 0.0, std::nan("")};
    CHECK(display_unit(zeros, TimeUnit::minute) == TimeUnit::minute);
    CHECK(display_unit(std::vector<double>{}, TimeUnit::day) == TimeUnit::day);
}

TEST_CASE("a duration column converts every cell with one number of decimals", "[console][units]") {
    const std::vector<double> waits{0.737, 0.131, std::nan(""), 0.0};
    const auto col = duration_column(waits, TimeUnit::hour);
    REQUIRE(col.unit == TimeUnit::minute);
    // 44.22 minutes: four significant digits of the largest value, so two decimals for all.
    CHECK(col.cells == std::vector<std::string>{"44.22", "7.86", "-", "0.00"});
    const std::vector<double> days{400.0, 2.5};
    const auto d = duration_column(days, TimeUnit::day);
    CHECK(d.unit == TimeUnit::day);
    CHECK(d.cells == std::vector<std::string>{"400.0", "2.5"});
    CHECK(convert_time(1, TimeUnit::week, TimeUnit::hour) == 168);
    CHECK(convert_time(90, TimeUnit::second, TimeUnit::minute) == 1.5);
    CHECK(unit_plural(TimeUnit::second) == "seconds");
    CHECK(unit_name(TimeUnit::week) == "week");
}

TEST_CASE("rates and probabilities print in percent in one format", "[console][percent]") {
    CHECK(percent(0.0935, 2) == "9.35 %");
    CHECK(percent(std::nan(""), 2) == "-");
    CHECK(probability(0.0935) == "9.35 %");
    CHECK(probability(0.990099) == "99.010 %");  // three digits of the 0.99 % missing
    CHECK(probability(0.3) == "30.0 %");
    CHECK(probability(1.5e-7) == "0.000015 %");
    CHECK(probability(0.0) == "0 %");
    CHECK(probability(1.0) == "100 %");
}

TEST_CASE("a rate's mean and clipped interval in percent", "[console][percent]") {
    MetricSummary m;
    m.n = 10;
    m.mean = 0.0935;
    m.ci95_half_width = 0.0056;
    m.ci95_low = 0.0879;
    m.ci95_high = 0.0991;
    const ShareText t = share_text(m);
    CHECK(t.number == "9.35");
    CHECK(t.mean == "9.35 %");
    CHECK(t.ci == "95 % CI 8.79–9.91 %");
    // Clipped at 0: the interval is not symmetric, and never below 0.
    m.mean = 0.0025;
    m.ci95_half_width = 0.00796;
    m.ci95_low = 0.0;
    m.ci95_high = 0.01046;
    CHECK(share_text(m).ci == "95 % CI 0.00–1.05 %");
    // One replication: no interval.
    m.n = 1;
    CHECK(share_text(m).ci.empty());
}
