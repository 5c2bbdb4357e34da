// A station's capacity and load, derived from the same staffing profile the engine runs.
#pragma once

#include "models/faults/shift_profile.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// What the load of a station means for its queue.
enum class LoadVerdict {
    fine,        ///< load below 95 %
    high,        ///< 95-100 % (exact figures): long queues, long warm-up
    edge,        ///< within 5 points of 100 % and the figures are estimates: simulate to know
    saturated,   ///< cannot keep up and the queue is unbounded: it grows without bound
    overloaded,  ///< cannot keep up and the queue is bounded: it stays full, so the stages
                 ///< sending to it are blocked, and orders balk at a first stage
};

/// The long-run time budget of one station, per unit of time, in servers (server-time per time
/// unit). Staffed time is what `run` divides by: servers on shift plus servers off shift still
/// holding a job (overtime). It is spent busy (the offered work), down (breakdowns while
/// staffed), blocked, or idle.
struct StationLoad {
    double work = 0.0;      ///< offered work: sum over order classes of arrival rate x E[service]
    double staffed = 0.0;   ///< mean servers on shift (ShiftProfile::mean_on)
    double overtime = 0.0;  ///< mean servers off shift finishing a job (an estimate)
    double down = 0.0;      ///< mean servers broken down while staffed
    /// work / (staffed + overtime): the `utilization` that `run` reports (busy / staffed).
    double utilization = 0.0;
    /// (work + down) / (staffed + overtime): the share of staffed capacity the station needs.
    /// At 100 % or more it cannot keep up.
    double load = 0.0;
    /// False when the figures are estimates: with shifts (overtime is estimated), with
    /// breakdowns that restart or scrap the job (the work repeated or lost is not modelled).
    bool exact = true;
    LoadVerdict verdict = LoadVerdict::fine;
};

/// The load of station or inspection `station` given its offered work and the second moment of
/// that work, work_sq = sum over classes of arrival rate x E[service^2] (for the remaining
/// service of a job in progress at a shift end, E[S^2] / 2E[S]).
///
/// Staffing is the station's ShiftProfile. Breakdowns (per server, MTBF = E[time_between],
/// MTTR = E[repair]): on the calendar clock a server is down a share MTTR / (MTBF + MTTR) of
/// all time, on shift or not; on the busy clock a server fails only while serving, after
/// MTBF of busy time, and holds its job through the repair, so every repair is staffed time:
/// down = work x MTTR / MTBF. A server going off shift finishes its job first: at each drop of
/// the profile, each leaving server is busy with probability `utilization` (then it works on
/// for E[S^2]/2E[S]) or down holding a job (then for the rest of the repair, E[R^2]/2E[R],
/// plus the rest of the job); utilisation and overtime are solved together by iteration.
/// Without shifts and with on_failure: resume the figures are exact long-run averages.
[[nodiscard]] StationLoad station_load(const StageSpec& station, double work, double work_sq);

/// The verdict for a load: `exact` figures are trusted to the point, estimates within 5 points
/// of 100 % are at the edge; `bounded` when the station's queue has a capacity.
[[nodiscard]] LoadVerdict load_verdict(double load, bool exact, bool bounded);

}  // namespace qosim::models
