// `qosim check` on promises: the lateness bound, targets it decides, faults outside the
// observed window, bounded overloaded queues, and the run options it shares with `run`.
#include <string>

#include <catch2/catch.hpp>

#include "cli_support.hpp"

using namespace cli_test;

namespace {

/// The number in front of " %" on the line of `out` that starts (after spaces) with `label`.
double percent_after(const std::string& out, const std::string& label) {
    const auto at = out.find("\n  " + label + " ");
    REQUIRE(at != std::string::npos);
    const auto end = out.find('\n', at + 1);
    const std::string line = out.substr(at + 1, end - at - 1);
    const auto pct = line.rfind(" %");
    REQUIRE(pct != std::string::npos);
    const auto start = line.rfind(' ', pct - 1);
    return std::stod(line.substr(start + 1, pct - start - 1)) / 100.0;
}

}  // namespace

TEST_CASE("check: a link delay that exceeds due_in for 30 % of orders", "[cli][promise]") {
    // pack 1 h + carrier U(0, 10) h against due_in 8: P(late) >= P(U > 7) = 0.3 exactly.
    const auto r = run_cli("check " + data("late_link.yaml"));
    CHECK(r.code == 0);
    REQUIRE(r.out.find("Promises") != std::string::npos);
    const double late = percent_after(r.out, "orders         100.00 %");
    CHECK(late >= 0.30 - 1e-9);
    CHECK(late <= 0.30 + 1e-9);  // printed to the hundredth of a percent
    CHECK(r.out.find("30.00 %  exact") != std::string::npos);
    // The target late_rate <= 0.1 is out of reach whatever the capacity.
    CHECK(r.out.find("late_rate <= 0.1  at least  30.00 %  CANNOT be met") != std::string::npos);
    CHECK(r.err.find("target late_rate <= 0.1 cannot be met") != std::string::npos);
}

TEST_CASE("check --set, --horizon, --seed, --reps work as for run", "[cli][promise]") {
    const auto later = run_cli("check " + data("late_link.yaml") +
                               " --set stages.orders.due_in=10.5 --horizon 900 --seed 11 "
                               "--reps 3");
    CHECK(later.code == 0);
    // P(1 + U(0, 10) > 10.5) = 0.05.
    CHECK(later.out.find("5.00 %  exact") != std::string::npos);
    CHECK(later.out.find("Run: 3 replications, horizon 900 hours") != std::string::npos);
    CHECK(later.out.find("seed 11") != std::string::npos);

    const auto bad_check = run_cli("check " + data("late_link.yaml") + " --set stages.nope.x=1");
    const auto bad_run =
        run_cli("run " + data("late_link.yaml") + " --quiet --set stages.nope.x=1");
    CHECK(bad_check.code == 2);
    CHECK(bad_run.code == 2);
    CHECK(!bad_check.err.empty());
    CHECK(bad_check.err == bad_run.err);  // one parsing and validation path

    const auto bad_reps = run_cli("check " + data("late_link.yaml") + " --reps 0");
    CHECK(bad_reps.code == 2);
}

TEST_CASE("check: a bounded overloaded queue blocks, it does not grow", "[cli][promise]") {
    const auto r = run_cli("check " + data("bounded_overload.yaml"));
    CHECK(r.code == 0);
    CHECK(r.out.find("OVERLOADED (bounded queue)") != std::string::npos);
    CHECK(r.out.find("SATURATED") == std::string::npos);
    CHECK(r.err.find("blocks 'prep'") != std::string::npos);
    CHECK(r.err.find("grows without bound") == std::string::npos);
    CHECK(r.err.find("does not grow without bound") != std::string::npos);
}

TEST_CASE("check: faults outside [warm-up, horizon] are named with their place", "[cli][promise]") {
    const auto r = run_cli("check " + data("fault_timing.yaml"));
    CHECK(r.code == 0);
    CHECK(r.err.find("fault_timing.yaml:13:") != std::string::npos);
    CHECK(r.err.find("faults.0: this outage fault on `machine` over [10, 15) ends within the "
                     "warm-up") != std::string::npos);
    CHECK(r.err.find("fault_timing.yaml:15:") != std::string::npos);
    CHECK(r.err.find("faults.2: this outage fault on `machine` over [600, 605) starts at or "
                     "after the horizon") != std::string::npos);
    CHECK(r.err.find("faults.1") == std::string::npos);  // inside the observed window
}

TEST_CASE("run warns when WIP is still growing and says where it sits", "[cli][run_warnings]") {
    const TempDir tmp;
    const auto r =
        run_cli("run " + data("growing_wip.yaml") + " --quiet --out " + quoted(tmp / "res"));
    CHECK(r.code == 0);
    CHECK(r.err.find("work in progress was still growing") != std::string::npos);
    CHECK(r.err.find("stage 'machine' ran at 100.0 % utilisation") != std::string::npos);
    CHECK(r.err.find("orders were in the system (mean over 5 replications): machine ") !=
          std::string::npos);
    CHECK(r.err.find("queued, 1 in service; ship ") != std::string::npos);
    CHECK(r.err.find("in transit") != std::string::npos);
    // Warnings go to stderr: the summary on stdout is what it was.
    CHECK(r.out.find("still growing") == std::string::npos);
}

TEST_CASE("run warns at >= 99 % utilisation, and not on a steady line", "[cli][run_warnings]") {
    const TempDir tmp;
    const auto busy =
        run_cli("run " + data("busy_steady.yaml") + " --quiet --out " + quoted(tmp / "a"));
    CHECK(busy.code == 0);
    CHECK(busy.err.find("stage 'machine' ran at 99.5 % utilisation") != std::string::npos);
    CHECK(busy.err.find("still growing") == std::string::npos);

    const auto calm =
        run_cli("run " + data("busy_steady.yaml") +
                " --quiet --set stages.machine.service=0.5 --out " + quoted(tmp / "b"));
    CHECK(calm.code == 0);
    CHECK(calm.err.find("warning") == std::string::npos);
}
