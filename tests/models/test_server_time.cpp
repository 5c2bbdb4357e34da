// Unit tests for utilisation and availability from server-time areas.
#include <catch2/catch.hpp>

#include "models/run/server_time.hpp"

using qosim::models::availability;
using qosim::models::utilization;

TEST_CASE("utilisation is busy over staffed server-time", "[server_time]") {
    // 2 servers staffed 40 h each except 8 h off shift for one: staffed 72 server-h, busy 54.
    // 54 / 72 = 0.75 (down time is staffed time, so it lowers utilisation like idleness).
    CHECK(utilization(54, 72) == Approx(0.75));
    CHECK(utilization(0, 72) == 0.0);
    CHECK(utilization(0, 0) == 0.0);  // never staffed
}

TEST_CASE("availability is the share of all server-time not down", "[server_time]") {
    // 2 servers over 40 h = 80 server-h; one is down for 5 h: 1 - 5 / 80 = 0.9375.
    CHECK(availability(5, 2, 40) == Approx(0.9375));
    // 3 servers over 40 h, all down for 10 h: 1 - 30 / 120 = 0.75.
    CHECK(availability(30, 3, 40) == Approx(0.75));
    CHECK(availability(0, 2, 40) == 1.0);
    CHECK(availability(0, 2, 0) == 1.0);  // empty window
}
