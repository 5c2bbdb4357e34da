// Station capacity and load (station_load) against hand-computed time budgets.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "models/faults/shift_profile.hpp"
#include "models/graph/station_load.hpp"

using qosim::models::BreakdownClock;
using qosim::models::Breakdowns;
using qosim::models::FailureMode;
using qosim::models::LoadVerdict;
using qosim::models::Shifts;
using qosim::models::StageSpec;
using qosim::models::StageType;
using qosim::models::station_load;
using qosim::sim::Distribution;

namespace {

StageSpec station(int servers, const std::string& name = "m") {
    StageSpec s;
    s.name = name;
    s.type = StageType::station;
    s.servers = servers;
    s.service = Distribution::constant(1.0);
    return s;
}

Breakdowns breakdowns(double mtbf, double mttr, BreakdownClock clock) {
    Breakdowns b;
    b.time_between = Distribution::exponential(mtbf);
    b.repair = Distribution::constant(mttr);
    b.clock = clock;
    return b;
}

}  // namespace

TEST_CASE("shift profile: change points, average staffing and servers leaving per cycle",
          "[capacity]") {
    StageSpec s = station(3);
    s.shifts = Shifts{24.0, {{6.0, 14.0, 3}, {14.0, 22.0, 2}}};
    const auto p = qosim::models::shift_profile(s);
    CHECK(p.pool == 3);
    CHECK(p.initial == 0);
    CHECK(p.at == std::vector<double>{6.0, 14.0, 22.0, 24.0});
    CHECK(p.servers == std::vector<int>{3, 2, 0, 0});
    CHECK(p.mean_on() == Approx((8 * 3 + 8 * 2) / 24.0));
    CHECK(p.drops_per_cycle() == 3);  // one at 14:00, two at 22:00
    const auto plain = qosim::models::shift_profile(station(2));
    CHECK_FALSE(plain.has_shifts());
    CHECK(plain.mean_on() == 2.0);
    CHECK(plain.drops_per_cycle() == 0);
}

TEST_CASE("no shifts, no breakdowns: utilisation is work / servers, exactly", "[capacity]") {
    const auto l = station_load(station(2), 1.5, 1.5);
    CHECK(l.exact);
    CHECK(l.staffed == 2.0);
    CHECK(l.overtime == 0.0);
    CHECK(l.down == 0.0);
    CHECK(l.utilization == Approx(0.75));
    CHECK(l.load == Approx(0.75));
    CHECK(l.verdict == LoadVerdict::fine);
}

TEST_CASE("calendar breakdowns take servers down a share MTTR / (MTBF + MTTR) of all time",
          "[capacity]") {
    StageSpec s = station(2);
    s.breakdowns = breakdowns(36.0, 4.0, BreakdownClock::calendar);
    const auto l = station_load(s, 1.5, 1.5);
    CHECK(l.exact);
    CHECK(l.down == Approx(2 * 0.1));
    CHECK(l.utilization == Approx(0.75));  // busy / staffed: downtime is staffed time
    CHECK(l.load == Approx(0.85));
}

TEST_CASE("busy-clock breakdowns cost MTTR per MTBF of work, all of it staffed", "[capacity]") {
    StageSpec s = station(2);
    s.breakdowns = breakdowns(30.0, 4.0, BreakdownClock::busy);
    const auto l = station_load(s, 1.5, 1.5);
    CHECK(l.exact);
    CHECK(l.down == Approx(1.5 * 4.0 / 30.0));
    CHECK(l.utilization == Approx(0.75));
    CHECK(l.load == Approx((1.5 + 0.2) / 2.0));
    // The same station on the calendar clock loses more: idle servers fail too.
    s.breakdowns->clock = BreakdownClock::calendar;
    CHECK(station_load(s, 1.5, 1.5).load > l.load);
}

TEST_CASE("servers going off shift finish their job: overtime solved with the utilisation",
          "[capacity]") {
    // Two servers on [0, 8) of a 24-hour cycle: 2/3 of a server on average, two servers
    // leave per cycle (1/12 per hour), constant service 1 so a job in progress has 0.5 left.
    // Overtime = u x 0.5 / 12 and u = W / (2/3 + overtime): u^2 / 24 + (2/3) u - W = 0.
    StageSpec s = station(2);
    s.shifts = Shifts{24.0, {{0.0, 8.0, 2}}};
    const double w = 0.4;
    const double a = 1.0 / 24.0, b = 2.0 / 3.0;
    const double u = (-b + std::sqrt(b * b + 4 * a * w)) / (2 * a);
    const auto l = station_load(s, w, w * 1.0);  // E[S^2] = 1
    CHECK_FALSE(l.exact);
    CHECK(l.staffed == Approx(2.0 / 3.0));
    CHECK(l.utilization == Approx(u).epsilon(1e-9));
    CHECK(l.overtime == Approx(u * 0.5 / 12.0).epsilon(1e-9));
    CHECK(l.load == Approx(l.utilization));
}

TEST_CASE("verdicts: exact figures to the point, estimates at the edge within 5 points",
          "[capacity]") {
    using qosim::models::load_verdict;
    CHECK(load_verdict(0.90, true, false) == LoadVerdict::fine);
    CHECK(load_verdict(0.97, true, false) == LoadVerdict::high);
    CHECK(load_verdict(1.00, true, false) == LoadVerdict::saturated);
    CHECK(load_verdict(1.00, true, true) == LoadVerdict::overloaded);
    CHECK(load_verdict(0.94, false, false) == LoadVerdict::fine);
    CHECK(load_verdict(0.96, false, false) == LoadVerdict::edge);
    CHECK(load_verdict(1.04, false, false) == LoadVerdict::edge);
    CHECK(load_verdict(1.05, false, false) == LoadVerdict::saturated);
    CHECK(load_verdict(1.20, false, true) == LoadVerdict::overloaded);
}

TEST_CASE("a station that cannot keep up is busy whenever it is up", "[capacity]") {
    StageSpec s = station(1);
    s.queue_capacity = 5;
    s.breakdowns = breakdowns(90.0, 10.0, BreakdownClock::calendar);
    const auto l = station_load(s, 1.2, 1.2);
    CHECK(l.load == Approx(1.2 + 0.1));
    CHECK(l.utilization == Approx(0.9));
    CHECK(l.verdict == LoadVerdict::overloaded);  // bounded queue: blocking or balking
    CHECK_FALSE(l.exact == false);
    StageSpec restart = s;
    restart.breakdowns->on_failure = FailureMode::restart;
    CHECK_FALSE(station_load(restart, 0.5, 0.5).exact);
}
