// What one replication measured: plain numbers, no engine types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace qosim::models {

/// Relative error bound of every reported quantile (lead time, lateness, waits): a value v
/// reported for quantile q satisfies |v - x_q| <= kQuantileRelError * x_q.
inline constexpr double kQuantileRelError = 0.001;

/// Per-stage figures of one replication (stages.csv). Field names spell the SPEC columns.
struct StageResult {
    double arrivals = 0;    ///< units that entered after warm-up
    double departures = 0;  ///< units that left after warm-up
    /// busy server-time / staffed server-time (on shift, or off shift finishing a job);
    /// not defined for links (see in_transit_mean), sources and sinks
    double utilization = 0;
    double availability = 1;    ///< share of server-time not broken down / out
    double queue_len_mean = 0;  ///< time-average number waiting (not in service)
    double wait_mean = 0;       ///< mean time waiting before service (time units)
    double wait_p95 = 0;
    double defects_introduced = 0;
    double defects_detected = 0;
    double defects_escaped = 0;
    double lost = 0;  ///< orders lost here (balked at a full first queue, lost on a link)
    double false_alarms = 0;
    double reworked = 0;  ///< defective units repaired here
    double scrapped = 0;  ///< units sent to scrap from here
    double breakdowns = 0;
    double downtime = 0;
    double blocked_time = 0;     ///< server-time spent holding a finished unit (blocking)
    double busy_time = 0;        ///< server-time serving (time units, all servers)
    double idle_time = 0;        ///< staffed server-time not serving (incl. blocked and down)
    double cost = 0;             ///< resource + per-unit + repair cost charged to this stage
    double in_transit_mean = 0;  ///< links: time-average number of units in transit
    /// Lateness attribution over the orders delivered after warm-up: the time an order spent
    /// at this stage (waiting, in service, blocked, in transit, rework loops included), per
    /// delivered order, per late order and per on-time order. Summed over the stages it is
    /// the mean lead time of the same orders, exactly.
    double time_mean = 0;
    double time_mean_late = 0;
    double time_mean_on_time = 0;
    /// This stage's share of the late orders' total lead time (sums to 1 over the stages).
    /// The four are NaN (undefined: an empty cell) when there is no such order.
    double late_time_share = 0;
};

/// Per-product figures of one replication (classes.csv).
struct ClassResult {
    double orders_created = 0;
    double orders_delivered = 0;
    double orders_concluded = 0;
    double customer_errors = 0;
    /// The lead times and on-time rate are NaN (undefined: an empty cell) when no order of the
    /// product was delivered.
    double lead_time_mean = 0;
    double lead_time_p95 = 0;
    double on_time_rate = 1;
    double customer_error_rate = 0;
    double cost_per_order = 0;  ///< direct cost (busy time, per-unit, penalties) + a share of
                                ///< idle and repair cost by busy time, per delivered order
};

/// One `--timeseries` window of one replication (timeseries.csv).
struct WindowResult {
    double window_start = 0;
    double window_end = 0;
    double orders_created = 0;
    double orders_delivered = 0;
    double customer_errors = 0;      ///< orders concluded in the window that were errors
    double customer_error_rate = 0;  ///< customer_errors / orders concluded in the window
    double wip_mean = 0;
    double lead_time_mean = 0;        ///< of orders delivered in the window
    std::vector<double> utilization;  ///< per station/inspection, in Scenario::stages order
};

/// Where the orders in the system were at one stage when a replication ended.
struct StageWipAtEnd {
    double queued = 0;      ///< waiting in the stage's queue
    double in_service = 0;  ///< held by a server serving it (or interrupted by a failure)
    double blocked = 0;     ///< finished, held by a server because the next stage is full
    double in_transit = 0;  ///< links: on the way
};

/// Equal windows of the observed span [warm-up, horizon] whose time-average WIP a
/// replication records (ReplicationResult::wip_windows).
inline constexpr std::size_t kWipWindows = 32;

/// The run-level figures of one replication (runs.csv). Field names spell the SPEC columns.
struct ReplicationResult {
    std::uint64_t replication = 0;
    std::uint64_t seed = 0;
    double orders_created = 0;
    double orders_delivered = 0;
    double orders_lost = 0;
    double orders_cancelled = 0;  ///< scrapped with on_scrap: cancel
    double orders_defective = 0;  ///< delivered defective (escapes)
    double orders_late = 0;       ///< delivered after the due date
    double customer_errors = 0;   ///< orders that were defective, late or never arrived (once each)
    double orders_concluded = 0;  ///< delivered + lost + cancelled
    double throughput = 0;        ///< delivered per time unit over the observed window
    /// lead_time_* and on_time_rate are NaN (undefined: an empty cell, left out of the
    /// summaries) when no order was delivered.
    double lead_time_mean = 0;
    double lead_time_p50 = 0;
    double lead_time_p90 = 0;
    double lead_time_p95 = 0;
    double lead_time_p99 = 0;
    double lead_time_max = 0;
    double on_time_rate = 1;   ///< delivered by the due date / delivered
    double lateness_mean = 0;  ///< mean (delivery - due) over late orders
    double lateness_p95 = 0;
    double customer_error_rate = 0;  ///< (defective + late + lost) / concluded, each order once
    double escape_rate = 0;
    double late_rate = 0;
    double loss_rate = 0;
    double defects_detected = 0;
    double false_alarms = 0;
    double scrapped = 0;
    double reworked = 0;
    double breakdowns = 0;
    double internal_errors = 0;  ///< detected + false alarms + scrapped + reworked + breakdowns
    double total_cost = 0;
    double cost_per_order = 0;         ///< total_cost / orders_delivered
    double cost_resource = 0;          ///< busy + idle server time
    double cost_units = 0;             ///< per-unit costs
    double cost_repairs = 0;           ///< cost_per_repair x breakdowns
    double cost_penalties = 0;         ///< late + escape + lost penalties
    double cost_appraisal = 0;         ///< cost of inspection stages
    double cost_internal_failure = 0;  ///< rework stations (repairs: true) + breakdown repairs
    double cost_external_failure = 0;  ///< penalties: late, escape, lost
    double wip_mean = 0;               ///< time-average orders in the system
    double events = 0;                 ///< events processed (whole run, warm-up included)
    double observed_time = 0;          ///< end - warmup
    double warmup = 0;                 ///< the warm-up used (time units)
    double survey_responses = 0;       ///< customers who answered (0 without a survey)
    double survey_error_rate = 0;      ///< share of answers reporting an error
    double survey_ci95_low = 0;        ///< Wilson 95 % interval of survey_error_rate
    double survey_ci95_high = 0;
    bool has_survey = false;

    std::vector<StageResult> stages;    ///< in Scenario::stages order
    std::vector<ClassResult> classes;   ///< in Scenario::products order (empty without products)
    std::vector<WindowResult> windows;  ///< with RunOptions::timeseries_window > 0

    /// With RunOptions::record_lead_times: (delivery time, mean lead time) of consecutive
    /// batches of deliveries, for MSER-5. Bounded: batches are merged pairwise when full.
    std::vector<std::pair<double, double>> lead_time_batches;

    /// End-of-run diagnostics for `run`'s warnings (no CSV column). wip_windows: the
    /// time-average WIP of kWipWindows equal windows of [warm-up, horizon], in time order
    /// (empty with run.orders: there is no horizon); fixed size, so memory stays flat.
    /// wip_at_end: where the orders in the system were when the run ended, per stage in
    /// Scenario::stages order.
    std::vector<double> wip_windows;
    std::vector<StageWipAtEnd> wip_at_end;
};

}  // namespace qosim::models
