// What every stage type shares: its statistics, who blocks on it, and its dispatch tag.
#pragma once

#include <cstdint>

#include "models/run/result.hpp"
#include "sim/statistics.hpp"

namespace qosim::models::detail {

class Pipeline;

/// Who holds a finished unit that could not move on because the next queue was full.
struct Sender {
    std::uint32_t stage;
    std::uint32_t slot;  ///< server index (station) or order id (link)
};

/// Statistics of one stage since the end of warm-up.
struct StageStats {
    std::uint64_t arrivals = 0;
    std::uint64_t departures = 0;
    std::uint64_t lost = 0;
    std::uint64_t defects_introduced = 0;
    std::uint64_t defects_detected = 0;
    std::uint64_t defects_escaped = 0;
    std::uint64_t false_alarms = 0;
    std::uint64_t reworked = 0;
    std::uint64_t scrapped = 0;
    std::uint64_t breakdowns = 0;
    sim::TimeWeighted busy;     ///< servers serving (stations) / units in transit (links)
    sim::TimeWeighted blocked;  ///< servers holding a finished unit
    sim::TimeWeighted down;     ///< servers broken down or out (outage)
    sim::TimeWeighted on;       ///< staffed servers: on shift, or off shift finishing a job
    sim::TimeWeighted queue;    ///< units waiting
    sim::Tally wait;
    sim::QuantileSketch wait_q{kQuantileRelError};

    /// Zeroes the counts and tallies (the time-weighted ones are reset by their stage).
    void reset_counts() {
        arrivals = departures = lost = 0;
        defects_introduced = defects_detected = defects_escaped = 0;
        false_alarms = reworked = scrapped = breakdowns = 0;
        wait.reset();
        wait_q.reset();
    }
};

// Stream purposes: part of every stream's key, so they must never change (SPEC §5).
inline constexpr const char* kArrivals = "arrivals";
inline constexpr const char* kDue = "due";
inline constexpr const char* kService = "service";
inline constexpr const char* kDelay = "delay";
inline constexpr const char* kRouting = "routing";
inline constexpr const char* kDefects = "defects";
inline constexpr const char* kInspection = "inspection";
inline constexpr const char* kLoss = "loss";
inline constexpr const char* kBreakdowns = "breakdowns";
inline constexpr const char* kProducts = "products";
inline constexpr const char* kSurvey = "survey";
inline constexpr const char* kInitialWip = "initial_wip";

/// An event token: a kind in the top byte, an index (server, fault, stage) in the low 24 bits.
inline constexpr std::uint32_t kIndexMask = 0x00FFFFFFu;
constexpr std::uint32_t make_token(std::uint32_t kind, std::uint32_t index) {
    return (kind << 24) | index;
}

}  // namespace qosim::models::detail
