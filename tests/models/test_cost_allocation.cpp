// Unit tests for station costs, penalties and the per-product cost allocation.
#include <catch2/catch.hpp>

#include "models/run/cost_allocation.hpp"

using qosim::models::Costs;
using qosim::models::StageCost;

TEST_CASE("a station's cost splits into resource, units, repairs and a shared part", "[cost]") {
    StageCost rates;
    rates.per_busy_time = 10;
    rates.per_idle_time = 2;
    rates.per_unit = 1;
    // busy 4.7 x 10 + idle 5.5 x 2 = 47 + 11 = 58; 9 units x 1 = 9; 3 repairs x 100 = 300.
    // Shared (no single product caused it): idle 11 + repairs 300 = 311; busy cost is not.
    const auto c = qosim::models::station_cost(rates, 4.7, 5.5, 9, 3, 100);
    CHECK(c.resource == Approx(58.0));
    CHECK(c.units == Approx(9.0));
    CHECK(c.repairs == Approx(300.0));
    CHECK(c.shared == Approx(311.0));
    CHECK(c.total() == Approx(367.0));  // 58 + 9 + 300

    // Without breakdowns (cost_per_repair 0) only the idle cost is shared: 5.5 x 2 = 11.
    const auto quiet = qosim::models::station_cost(rates, 4.7, 5.5, 9, 0, 0);
    CHECK(quiet.repairs == 0.0);
    CHECK(quiet.shared == Approx(11.0));
    CHECK(quiet.total() == Approx(67.0));
}

TEST_CASE("penalties weigh each count with its own rate", "[cost]") {
    Costs rates;
    rates.late_penalty = 25;
    rates.escape_penalty = 200;
    rates.lost_penalty = 300;
    // 2 late x 25 + 3 escaped x 200 + 4 lost x 300 = 50 + 600 + 1200 = 1850
    CHECK(qosim::models::penalty_cost(rates, 2, 3, 4) == Approx(1850.0));
    CHECK(qosim::models::penalty_cost(rates, 0, 0, 0) == 0.0);
}

TEST_CASE("shared cost is allocated to products by busy time", "[cost]") {
    using qosim::models::share_by_busy_time;
    // 90 shared; product A used 1.5 and B 3.0 of the 4.5 server-hours the products took:
    // A gets 90 x 1.5 / 4.5 = 30, B 90 x 3 / 4.5 = 60, and the shares add up to 90.
    CHECK(share_by_busy_time(90, 1.5, 4.5) == Approx(30.0));
    CHECK(share_by_busy_time(90, 3.0, 4.5) == Approx(60.0));
    CHECK(share_by_busy_time(90, 1.5, 4.5) + share_by_busy_time(90, 3.0, 4.5) == Approx(90.0));
    CHECK(share_by_busy_time(90, 0.0, 4.5) == 0.0);  // a product that used no server
    CHECK(share_by_busy_time(90, 0.0, 0.0) == 0.0);  // no product used any server
}

TEST_CASE("cost per order divides by delivered orders", "[cost]") {
    using qosim::models::cost_per_order;
    CHECK(cost_per_order(46.0, 4) == Approx(11.5));  // 46 / 4
    // product A of the two-product engine test: (18 + 116.4545...) / 3 delivered = 44.8181...
    CHECK(cost_per_order(18.0 + 213.5 * 1.5 / 2.75, 3) == Approx(44.81818181818182));
    CHECK(cost_per_order(46.0, 0) == 0.0);
}
