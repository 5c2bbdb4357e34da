// sim::portable_log against std::log, and its fixed points.
#include <cmath>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "sim/portable_log.hpp"
#include "sim/random.hpp"

using qosim::sim::portable_log;
using qosim::sim::RandomStream;

namespace {

/// |a - b| in units in the last place of b.
double ulps(double a, double b) {
    if (a == b) return 0.0;
    const double ulp = std::abs(std::nextafter(b, std::numeric_limits<double>::infinity()) - b);
    return std::abs(a - b) / ulp;
}

}  // namespace

TEST_CASE("portable_log is within 1 ulp of std::log", "[portable_log]") {
    // glibc's log is correctly rounded in nearly every case, so 1 ulp from it is at most
    // about 1.5 ulp from the exact value; a wrong table entry or a dropped term gives many.
    RandomStream rng(11);
    double worst = 0.0;
    for (int i = 0; i < 2'000'000; ++i) {
        const double u = rng.uniform_open01();  // what the draws take the log of
        worst = std::max(worst, ulps(portable_log(u), std::log(u)));
    }
    for (int i = 0; i < 500'000; ++i) {
        const int e = static_cast<int>(rng.next_u64() % 2044) - 1021;
        const double x = std::ldexp(1.0 + rng.uniform01(), e);
        worst = std::max(worst, ulps(portable_log(x), std::log(x)));
    }
    // Near 1 from both sides, where ln x is tiny and only the ln(1 + r) part remains.
    for (int i = 1; i <= 100'000; ++i) {
        const double d = std::ldexp(static_cast<double>(i), -40);
        worst = std::max(worst, ulps(portable_log(1.0 + d), std::log(1.0 + d)));
        worst = std::max(worst, ulps(portable_log(1.0 - d), std::log(1.0 - d)));
    }
    CHECK(worst <= 1.0);
}

TEST_CASE("portable_log: exact points, slice edges and special values", "[portable_log]") {
    CHECK(portable_log(1.0) == 0.0);
    CHECK(portable_log(2.0) == std::log(2.0));
    CHECK(portable_log(0.5) == -std::log(2.0));
    CHECK(portable_log(std::nextafter(1.0, 0.0)) == -0x1p-53);
    CHECK(portable_log(std::nextafter(1.0, 2.0)) == 0x1p-52 - 0x1p-105);
    // Every slice boundary 1 + (k + 1/2)/128 and its neighbours, at several exponents.
    for (int k = 0; k < 128; ++k) {
        for (const int e : {-60, -1, 0, 1, 700}) {
            const double edge = std::ldexp(1.0 + (k + 0.5) / 128.0, e);
            for (const double x :
                 {std::nextafter(edge, 0.0), edge, std::nextafter(edge, 4.0 * edge)}) {
                INFO("x " << x);
                CHECK(ulps(portable_log(x), std::log(x)) <= 1.0);
            }
        }
    }
    const double smallest = std::numeric_limits<double>::min();
    const double largest = std::numeric_limits<double>::max();
    CHECK(ulps(portable_log(smallest), std::log(smallest)) <= 1.0);
    CHECK(ulps(portable_log(largest), std::log(largest)) <= 1.0);
    // Outside the normal range: std::log's special values.
    CHECK(portable_log(0.0) == -std::numeric_limits<double>::infinity());
    CHECK(std::isnan(portable_log(-1.0)));
    CHECK(portable_log(std::numeric_limits<double>::infinity()) ==
          std::numeric_limits<double>::infinity());
    CHECK(portable_log(0x1p-1070) == std::log(0x1p-1070));
}
