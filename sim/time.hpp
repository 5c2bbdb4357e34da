// Simulation time: one strong type over double, in the scenario's own time unit.
#pragma once

#include <compare>
#include <limits>

namespace qosim::sim {

/// A point in simulated time (or a duration), in the scenario's `time_unit`.
///
/// Why double and not integer ticks (OMNeT++, ns-3 use ticks): planners' durations come from
/// continuous distributions and span minutes to months, so a fixed tick either loses
/// resolution or range. Exact ties are still ordered deterministically by the event queue's
/// insertion sequence number, which is what reproducibility needs. Unit conversion happens
/// only in the scenario loader; nothing below it knows about hours or minutes.
class Time {
public:
    constexpr Time() = default;
    constexpr explicit Time(double v) : v_(v) {}

    /// The raw value in scenario time units.
    [[nodiscard]] constexpr double value() const { return v_; }

    static constexpr Time infinity() { return Time(std::numeric_limits<double>::infinity()); }
    static constexpr Time zero() { return Time(0.0); }

    constexpr Time& operator+=(Time d) {
        v_ += d.v_;
        return *this;
    }
    constexpr Time& operator-=(Time d) {
        v_ -= d.v_;
        return *this;
    }
    friend constexpr Time operator+(Time a, Time b) { return Time(a.v_ + b.v_); }
    friend constexpr Time operator-(Time a, Time b) { return Time(a.v_ - b.v_); }
    friend constexpr auto operator<=>(Time a, Time b) = default;

private:
    double v_ = 0.0;
};

}  // namespace qosim::sim
