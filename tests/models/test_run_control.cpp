// Unit tests for the precision rule: the Student-t CI half-width and the replication count.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "models/run/run_control.hpp"

using qosim::models::ci95_half_width;
using qosim::models::replications_needed;

namespace {

// t quantiles at 0.975 from the tables, by degrees of freedom (6 significant digits).
constexpr double kT1 = 12.7062, kT2 = 4.30265, kT3 = 3.18245, kT4 = 2.77645, kT5 = 2.57058;

// Prefixes of {0, 2, 1, 1, 1, 1} all have mean 1 and squared deviations 1 + 1 = 2, so the
// half-width of the first n is t_{n-1} sqrt(2/(n-1)) / sqrt(n):
//   n = 2: 12.7062 x sqrt(2)/sqrt(2)    = 12.7062
//   n = 3: 4.30265 x 1/sqrt(3)          = 2.48414
//   n = 4: 3.18245 x sqrt(2/3)/2        = 1.29923
//   n = 5: 2.77645 x sqrt(1/2)/sqrt(5)  = 0.87799
//   n = 6: 2.57058 x sqrt(2/5)/sqrt(6)  = 0.66372
const std::vector<double> kSeries{0, 2, 1, 1, 1, 1};

}  // namespace

TEST_CASE("ci95_half_width is t_{0.975,n-1} s / sqrt(n)", "[run_control]") {
    // 1..5: mean 3, squared deviations 4+1+0+1+4 = 10, s = sqrt(10/4), s/sqrt(5) = sqrt(1/2):
    // 2.77645 x 0.707107 = 1.96324.
    const std::vector<double> v{1, 2, 3, 4, 5};
    CHECK(ci95_half_width(v) == Approx(kT4 * std::sqrt(0.5)).epsilon(1e-5));
    CHECK(ci95_half_width(v) == Approx(1.96324).epsilon(1e-5));
    const std::span<const double> s(kSeries);
    CHECK(ci95_half_width(s.first(2)) == Approx(kT1).epsilon(1e-5));
    CHECK(ci95_half_width(s.first(3)) == Approx(kT2 / std::sqrt(3.0)).epsilon(1e-5));
    CHECK(ci95_half_width(s.first(4)) == Approx(kT3 * std::sqrt(2.0 / 3) / 2).epsilon(1e-5));
    CHECK(ci95_half_width(s.first(6)) == Approx(kT5 * std::sqrt(0.4 / 6)).epsilon(1e-5));
    // Shifting every value changes nothing.
    const std::vector<double> shifted{1001, 1002, 1003, 1004, 1005};
    CHECK(ci95_half_width(shifted) == Approx(1.96324).epsilon(1e-5));
}

TEST_CASE("ci95_half_width has no interval below two values", "[run_control]") {
    CHECK(std::isinf(ci95_half_width(std::vector<double>{})));
    CHECK(std::isinf(ci95_half_width(std::vector<double>{4.0})));
    CHECK(ci95_half_width(std::vector<double>{3.0, 3.0}) == 0.0);
}

TEST_CASE("replications_needed is the smallest prefix meeting the goal", "[run_control]") {
    // Half-widths by prefix length (above): 12.71, 2.48, 1.30, 0.878, 0.664.
    CHECK(replications_needed(kSeries, 1.0, 2) == 5u);
    CHECK(replications_needed(kSeries, 2.0, 2) == 4u);
    CHECK(replications_needed(kSeries, 0.8, 2) == 6u);  // only the whole series
    CHECK_FALSE(replications_needed(kSeries, 0.5, 2));  // never reached
    CHECK(replications_needed(kSeries, 13.0, 2) == 2u);
    CHECK(replications_needed(kSeries, 13.0, 0) == 2u);  // at least two values
    CHECK(replications_needed(kSeries, 13.0, 1) == 2u);
    CHECK(replications_needed(kSeries, 1.0, 6) == 6u);  // the minimum comes first
    CHECK_FALSE(replications_needed(kSeries, 1.0, 7));  // minimum beyond the values
    // The goal is inclusive: a half-width equal to it is enough.
    const double at_five = ci95_half_width(std::span<const double>(kSeries).first(5));
    CHECK(replications_needed(kSeries, at_five, 2) == 5u);
}

TEST_CASE("ci95_half_width leaves out replications where the metric is undefined",
          "[run_control]") {
    // A lead time without deliveries is NaN: the interval is over the others.
    const double nan = std::nan("");
    const std::vector<double> with_gaps{1, nan, 2, 3, nan, 4, 5};
    CHECK(ci95_half_width(with_gaps) == Approx(1.96324).epsilon(1e-5));
    CHECK(std::isinf(ci95_half_width(std::vector<double>{nan, nan, 4.0})));
    // The count needed is of replications run, gaps included: 0, 2 reach 12.71 at the third.
    const std::vector<double> series{0, nan, 2, 1, 1};
    CHECK(replications_needed(series, 13.0, 2) == 3u);
}
