// Unit tests for the Wilson score interval, against hand computations and closed forms.
#include <catch2/catch.hpp>

#include "models/run/confidence.hpp"

using qosim::models::kZ95;
using qosim::models::wilson_interval;

TEST_CASE("Wilson interval of 4 in 16 at z = 2 is [0.1, 0.5]", "[confidence]") {
    // p = 4/16 = 0.25, k = z^2/n = 4/16 = 0.25.
    // centre = (p + k/2) / (1 + k) = (0.25 + 0.125) / 1.25 = 0.3
    // half   = z sqrt(p(1-p)/n + k/(4n)) / (1 + k)
    //        = 2 sqrt(0.1875/16 + 0.25/64) / 1.25 = 1.6 sqrt(3/256 + 1/256) = 1.6 x 2/16 = 0.2
    // The interval is not centred on p: one centred on p would be [0.05, 0.45].
    const auto ci = wilson_interval(4, 16, 2.0);
    CHECK(ci.low == Approx(0.1).epsilon(1e-12));
    CHECK(ci.high == Approx(0.5).epsilon(1e-12));
}

TEST_CASE("Wilson interval at 95 %: no or all successes give z^2/(n+z^2) bounds", "[confidence]") {
    // x = 0: p = 0, so centre = half = (k/2)/(1+k) and the upper bound is k/(1+k) = z^2/(n+z^2);
    // by symmetry x = n has lower bound n/(n+z^2). z^2 = 3.841458820694124 at 95 %.
    // n = 10: upper 3.841458820694124 / 13.841458820694124 = 0.27753279986...
    const double z2 = 3.841458820694124;
    const auto none = wilson_interval(0, 10, kZ95);
    CHECK(none.low == 0.0);  // clamped: rounding must not report a negative share
    CHECK(none.high == Approx(z2 / (10 + z2)).epsilon(1e-12));
    CHECK(none.high == Approx(0.2775327998628892).epsilon(1e-12));
    const auto all = wilson_interval(10, 10, kZ95);
    CHECK(all.low == Approx(10 / (10 + z2)).epsilon(1e-12));  // 0.72246720013...
    CHECK(all.high <= 1.0);
    CHECK(all.high == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("Wilson interval of 4 in 16 at 95 %", "[confidence]") {
    // k = z^2/16 = 3.841458820694124/16 = 0.2400911762933828
    // centre = (0.25 + k/2) / (1 + k) = 0.3700455881466914 / 1.2400911762933828 = 0.29840192
    // half = z sqrt(0.1875/16 + k/64) / (1 + k) = z sqrt(0.01171875 + 0.0037514246)/(1 + k)
    //      = 1.959963984540054 x 0.12437915673 / 1.2400911762933828 = 0.19658125
    // low = 0.29840192 - 0.19658125 = 0.10182067, high = 0.29840192 + 0.19658125 = 0.49498317
    const auto ci = wilson_interval(4, 16, kZ95);
    CHECK(ci.low == Approx(0.10182067491213048).epsilon(1e-12));
    CHECK(ci.high == Approx(0.49498316535508774).epsilon(1e-12));
    CHECK(kZ95 * kZ95 == Approx(3.841458820694124).epsilon(1e-15));
}

TEST_CASE("Wilson interval of one success in one answer stays inside [0, 1]", "[confidence]") {
    // x = n = 1: lower bound n/(n+z^2) = 1/4.841458820694124 = 0.20654931...; upper clamped to 1.
    const auto ci = wilson_interval(1, 1, kZ95);
    CHECK(ci.low == Approx(1 / 4.841458820694124).epsilon(1e-12));
    CHECK(ci.high == 1.0);
}

TEST_CASE("a share's t interval never leaves [0, 1]; other metrics are not clipped",
          "[confidence]") {
    using qosim::models::mean_interval95;
    using qosim::models::t_half_width95;
    // Every replication at 0 errors: sd 0, interval [0, 0], not negative.
    const auto zero = mean_interval95(0.0, 0.0, 5, true);
    CHECK(zero.low == 0.0);
    CHECK(zero.high == 0.0);
    CHECK(zero.half_width == 0.0);
    // A rare event: replication values 0, 0, 0, 0.01 have mean 0.0025 and sd 0.005, so
    // t(0.975, 3) = 3.182446305284263 gives half-width 3.182446305284263 x 0.005 / 2 =
    // 0.0079561157632...; the symmetric interval [-0.00546, 0.01046] is cut at 0.
    const auto rare = mean_interval95(0.0025, 0.005, 4, true);
    CHECK(rare.half_width == Approx(0.007956115763210658).epsilon(1e-12));
    CHECK(rare.low == 0.0);
    CHECK(rare.high == Approx(0.0025 + 0.007956115763210658).epsilon(1e-12));
    // A rate near 1 (on-time 0.99, 1, 1, 1): the top is cut at 1, the bottom kept.
    const auto high = mean_interval95(0.9975, 0.005, 4, true);
    CHECK(high.high == 1.0);
    CHECK(high.low == Approx(0.9975 - 0.007956115763210658).epsilon(1e-12));
    // The same numbers as a time or a cost keep the symmetric interval.
    const auto time = mean_interval95(0.0025, 0.005, 4, false);
    CHECK(time.low == Approx(0.0025 - 0.007956115763210658).epsilon(1e-12));
    CHECK(time.low < 0);
    CHECK(time.half_width == t_half_width95(0.005, 4));
}
