// The metric table: the one place that maps result fields to CSV column names.
#include "models/run/metrics.hpp"

#include <array>

namespace qosim::models {

namespace {

using R = ReplicationResult;
using S = StageResult;
using C = ClassResult;

// Order = column order in runs.csv (SPEC §4 fixed columns first, then extensions).
constexpr std::array kRunMetrics{
    RunMetric{"orders_created", &R::orders_created, true, "count"},
    RunMetric{"orders_delivered", &R::orders_delivered, true, "count"},
    RunMetric{"orders_lost", &R::orders_lost, true, "count"},
    RunMetric{"throughput", &R::throughput, false, "orders/time"},
    RunMetric{"lead_time_mean", &R::lead_time_mean, false, "time"},
    RunMetric{"lead_time_p50", &R::lead_time_p50, false, "time"},
    RunMetric{"lead_time_p90", &R::lead_time_p90, false, "time"},
    RunMetric{"lead_time_p95", &R::lead_time_p95, false, "time"},
    RunMetric{"lead_time_p99", &R::lead_time_p99, false, "time"},
    RunMetric{"on_time_rate", &R::on_time_rate, false, "share"},
    RunMetric{"customer_error_rate", &R::customer_error_rate, false, "share"},
    RunMetric{"escape_rate", &R::escape_rate, false, "share"},
    RunMetric{"late_rate", &R::late_rate, false, "share"},
    RunMetric{"loss_rate", &R::loss_rate, false, "share"},
    RunMetric{"defects_detected", &R::defects_detected, true, "count"},
    RunMetric{"false_alarms", &R::false_alarms, true, "count"},
    RunMetric{"scrapped", &R::scrapped, true, "count"},
    RunMetric{"reworked", &R::reworked, true, "count"},
    RunMetric{"total_cost", &R::total_cost, false, "money"},
    RunMetric{"cost_per_order", &R::cost_per_order, false, "money/order"},
    RunMetric{"wip_mean", &R::wip_mean, false, "orders"},
    RunMetric{"events", &R::events, true, "count"},
    // extensions
    RunMetric{"lead_time_max", &R::lead_time_max, false, "time"},
    RunMetric{"orders_cancelled", &R::orders_cancelled, true, "count"},
    RunMetric{"orders_defective", &R::orders_defective, true, "count"},
    RunMetric{"orders_late", &R::orders_late, true, "count"},
    RunMetric{"orders_concluded", &R::orders_concluded, true, "count"},
    RunMetric{"customer_errors", &R::customer_errors, true, "count"},
    RunMetric{"breakdowns", &R::breakdowns, true, "count"},
    RunMetric{"internal_errors", &R::internal_errors, true, "count"},
    RunMetric{"cost_resource", &R::cost_resource, false, "money"},
    RunMetric{"cost_units", &R::cost_units, false, "money"},
    RunMetric{"cost_repairs", &R::cost_repairs, false, "money"},
    RunMetric{"cost_penalties", &R::cost_penalties, false, "money"},
    RunMetric{"cost_appraisal", &R::cost_appraisal, false, "money"},
    RunMetric{"cost_internal_failure", &R::cost_internal_failure, false, "money"},
    RunMetric{"cost_external_failure", &R::cost_external_failure, false, "money"},
    RunMetric{"lateness_mean", &R::lateness_mean, false, "time"},
    RunMetric{"lateness_p95", &R::lateness_p95, false, "time"},
    RunMetric{"warmup", &R::warmup, false, "time"},
    RunMetric{"observed_time", &R::observed_time, false, "time"},
    RunMetric{"survey_responses", &R::survey_responses, true, "count", MetricPresence::survey},
    RunMetric{"survey_error_rate", &R::survey_error_rate, false, "share", MetricPresence::survey},
    RunMetric{"survey_ci95_low", &R::survey_ci95_low, false, "share", MetricPresence::survey},
    RunMetric{"survey_ci95_high", &R::survey_ci95_high, false, "share", MetricPresence::survey},
};

// Which stage types a stages.csv field is defined for; elsewhere its cell is empty.
constexpr StageTypeMask kServers = stage_bit(StageType::station) | stage_bit(StageType::inspection);
constexpr StageTypeMask kWorking = kServers | stage_bit(StageType::link);
constexpr StageTypeMask kNotSource = kAllStageTypes & ~stage_bit(StageType::source);
constexpr StageTypeMask kMakers = stage_bit(StageType::station) | stage_bit(StageType::link);
constexpr StageTypeMask kStation = stage_bit(StageType::station);
constexpr StageTypeMask kLink = stage_bit(StageType::link);
constexpr StageTypeMask kInspection = stage_bit(StageType::inspection);

constexpr std::array kStageMetrics{
    StageMetric{"arrivals", &S::arrivals, true, "count", kNotSource},
    StageMetric{"departures", &S::departures, true, "count"},
    StageMetric{"utilization", &S::utilization, false, "share", kServers},
    StageMetric{"availability", &S::availability, false, "share", kServers},
    StageMetric{"queue_len_mean", &S::queue_len_mean, false, "units", kServers},
    StageMetric{"wait_mean", &S::wait_mean, false, "time", kServers},
    StageMetric{"wait_p95", &S::wait_p95, false, "time", kServers},
    StageMetric{"defects_introduced", &S::defects_introduced, true, "count", kMakers},
    StageMetric{"defects_detected", &S::defects_detected, true, "count", kInspection},
    StageMetric{"defects_escaped", &S::defects_escaped, true, "count", kMakers},
    StageMetric{"lost", &S::lost, true, "count", kWorking},
    StageMetric{"breakdowns", &S::breakdowns, true, "count", kServers},
    StageMetric{"downtime", &S::downtime, false, "time", kServers},
    StageMetric{"cost", &S::cost, false, "money", kWorking},
    // extensions
    StageMetric{"blocked_time", &S::blocked_time, false, "time", kServers},
    StageMetric{"false_alarms", &S::false_alarms, true, "count", kInspection},
    StageMetric{"reworked", &S::reworked, true, "count", kStation},
    StageMetric{"scrapped", &S::scrapped, true, "count", kWorking},
    StageMetric{"busy_time", &S::busy_time, false, "time", kServers},
    StageMetric{"idle_time", &S::idle_time, false, "time", kServers},
    StageMetric{"in_transit_mean", &S::in_transit_mean, false, "units", kLink},
    StageMetric{"time_mean", &S::time_mean, false, "time", kWorking},
    StageMetric{"time_mean_late", &S::time_mean_late, false, "time", kWorking},
    StageMetric{"time_mean_on_time", &S::time_mean_on_time, false, "time", kWorking},
    StageMetric{"late_time_share", &S::late_time_share, false, "share", kWorking},
};

// classes.csv (SPEC §4 fixed columns first).
constexpr std::array kClassMetrics{
    ClassMetric{"orders_created", &C::orders_created, true, "count"},
    ClassMetric{"orders_delivered", &C::orders_delivered, true, "count"},
    ClassMetric{"lead_time_mean", &C::lead_time_mean, false, "time"},
    ClassMetric{"lead_time_p95", &C::lead_time_p95, false, "time"},
    ClassMetric{"on_time_rate", &C::on_time_rate, false, "share"},
    ClassMetric{"customer_error_rate", &C::customer_error_rate, false, "share"},
    ClassMetric{"cost_per_order", &C::cost_per_order, false, "money"},
    ClassMetric{"orders_concluded", &C::orders_concluded, true, "count"},
    ClassMetric{"customer_errors", &C::customer_errors, true, "count"},
};

}  // namespace

std::span<const RunMetric> run_metrics() { return kRunMetrics; }
std::span<const StageMetric> stage_metrics() { return kStageMetrics; }
std::span<const ClassMetric> class_metrics() { return kClassMetrics; }

bool metric_present(const RunMetric& m, bool has_survey) {
    return m.presence == MetricPresence::always || has_survey;
}

}  // namespace qosim::models
