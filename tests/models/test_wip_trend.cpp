// WIP trend test and WIP location at the end, on hand-made replication results.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "models/run/wip_trend.hpp"

using namespace qosim::models;

namespace {

ReplicationResult with_windows(std::vector<double> windows, double observed, double wip_mean) {
    ReplicationResult r;
    r.wip_windows = std::move(windows);
    r.observed_time = observed;
    r.wip_mean = wip_mean;
    return r;
}

}  // namespace

TEST_CASE("window_slope is the least-squares slope against time", "[wip_trend]") {
    // y = 3 + 2 x per window of width 5: slope 2 / 5 per time unit.
    CHECK(window_slope({3, 5, 7, 9}, 5.0) == Approx(0.4));
    CHECK(window_slope({4, 4, 4}, 1.0) == 0.0);
    // {0, 1, 0, 1}: centred x = -1.5 .. 1.5, sxy = 1, sxx = 5.
    CHECK(window_slope({0, 1, 0, 1}, 1.0) == Approx(0.2));
    CHECK(window_slope({1}, 1.0) == 0.0);
}

TEST_CASE("wip_trend: Student t over replications, material growth only", "[wip_trend]") {
    SECTION("steady growth in every replication warns") {
        // Slopes 1.0, 1.1, 0.9, 1.0, 1.05, 0.95 per time unit over 10 windows of 1: mean 1,
        // sd sqrt(0.025 / 5).
        std::vector<ReplicationResult> rs;
        for (const double s : {1.0, 1.1, 0.9, 1.0, 1.05, 0.95}) {
            std::vector<double> w;
            for (int k = 0; k < 10; ++k) w.push_back(5 + s * k);
            rs.push_back(with_windows(w, 10.0, 10.0));
        }
        const WipTrend t = wip_trend(rs);
        CHECK(t.tested);
        CHECK(t.replications == 6);
        CHECK(t.slope == Approx(1.0));
        CHECK(t.t == Approx(1.0 / (std::sqrt(0.005) / std::sqrt(6.0))));
        CHECK(t.critical == Approx(9.6776).epsilon(1e-4));  // t(5) at 0.9999
        CHECK(t.growth == Approx(10.0));
        CHECK(t.growing);
    }
    SECTION("flat WIP does not") {
        std::vector<ReplicationResult> rs(4, with_windows(std::vector<double>(32, 7.0), 64, 7));
        const WipTrend t = wip_trend(rs);
        CHECK(t.tested);
        CHECK(t.slope == 0.0);
        CHECK_FALSE(t.growing);
    }
    SECTION("significant but immaterial growth does not") {
        // 0.5 order over the window against a mean WIP of 100.
        std::vector<ReplicationResult> rs;
        for (const double s : {0.05, 0.051, 0.049}) {
            std::vector<double> w;
            for (int k = 0; k < 10; ++k) w.push_back(100 + s * k);
            rs.push_back(with_windows(w, 10.0, 100.0));
        }
        const WipTrend t = wip_trend(rs);
        CHECK(t.t > t.critical);
        CHECK_FALSE(t.growing);
    }
    SECTION("one replication, or none with windows, is not tested") {
        std::vector<double> w{1, 2, 3, 4};
        CHECK_FALSE(wip_trend({with_windows(w, 4, 2)}).tested);
        CHECK_FALSE(wip_trend({ReplicationResult{}, ReplicationResult{}}).tested);
    }
}

TEST_CASE("mean_wip_at_end averages over replications", "[wip_trend]") {
    ReplicationResult a, b;
    a.wip_at_end = {{4, 1, 0, 0}, {0, 0, 0, 3}};
    b.wip_at_end = {{2, 1, 1, 0}, {0, 0, 0, 5}};
    const auto m = mean_wip_at_end({a, b});
    REQUIRE(m.size() == 2);
    CHECK(m[0].queued == 3);
    CHECK(m[0].in_service == 1);
    CHECK(m[0].blocked == 0.5);
    CHECK(m[1].in_transit == 4);
}
