// CSV text: RFC 4180 quoting, locale-independent shortest round-trip numbers, the run tables.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/output/summary.hpp"
#include "app/runner/run_outcome.hpp"
#include "models/run/result.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::app {

/// A number in its shortest form that reads back to the same double (std::to_chars: "0.1",
/// "1e-07", "123456789012"); "." decimal point whatever the locale. -0 is written as "0";
/// NaN and infinities as "" (an empty cell).
std::string format_number(double x);

/// A count: the nearest integer without exponent or decimal point ("123456789012");
/// "" for NaN and infinities; falls back to format_number beyond the int64 range.
std::string format_count(double x);

/// One field quoted per RFC 4180: wrapped in double quotes, inner quotes doubled, when it
/// holds a comma, a double quote, CR or LF; otherwise unchanged.
std::string quote_field(std::string_view text);

/// True when a spreadsheet would take `text` for a formula: it starts with `=`, `+`, `-`, `@`,
/// a tab or CR, and is not a plain decimal number ("-2", "-1.5e-3" are numbers; "-inf",
/// "=1+1", "@x", "-y" are not).
bool looks_like_formula(std::string_view text);

/// A text field as CsvBuilder::text writes it: a formula-like text (looks_like_formula) gets a
/// leading apostrophe and is always quoted ("'=1+1" in double quotes), so a spreadsheet shows
/// it as text instead of evaluating it; any other text is quote_field(text).
std::string text_field(std::string_view text);

/// Builds CSV text row by row. Records end with "\n" (RFC 4180 allows any line break in
/// practice; every spreadsheet and CSV library reads LF).
class CsvBuilder {
public:
    /// Appends a text field (text_field: quoted when needed, a formula-like text escaped).
    /// Numbers go through number() or count(), which are never escaped.
    CsvBuilder& text(std::string_view value);
    /// Appends a number field (format_number).
    CsvBuilder& number(double value);
    /// Appends a count field (format_count).
    CsvBuilder& count(double value);
    /// Appends a number or a count field.
    CsvBuilder& value(double value, bool is_count) {
        return is_count ? count(value) : number(value);
    }
    /// Appends a whole row of text fields and ends it.
    CsvBuilder& row(std::span<const std::string_view> fields);
    /// Ends the current record.
    CsvBuilder& end_row();

    /// The CSV text so far.
    [[nodiscard]] const std::string& str() const { return out_; }

private:
    void separate();

    std::string out_;
    bool row_open_ = false;
};

/// runs.csv: `replication, seed`, then every models::run_metrics() column present
/// (models::metric_present: the survey columns only when `has_survey`); one row per
/// replication, in replication order.
std::string runs_csv(std::span<const models::ReplicationResult> results, bool has_survey);

/// stages.csv: `replication, stage, type`, then every models::stage_metrics() column; one row
/// per replication and stage (stages in scenario order).
std::string stages_csv(const models::Scenario& scenario,
                       std::span<const models::ReplicationResult> results);

/// classes.csv: `replication, product`, then every models::class_metrics() column; one row per
/// replication and product (Scenario::products order). Only meaningful with products.
std::string classes_csv(const models::Scenario& scenario,
                        std::span<const models::ReplicationResult> results);

/// The station and inspection stages whose utilisation timeseries.csv reports, in
/// Scenario::stages order (the order of WindowResult::utilization).
std::vector<std::size_t> timeseries_stages(const models::Scenario& scenario);

/// timeseries.csv: `replication, window_start, window_end, orders_created, orders_delivered,
/// customer_errors, customer_error_rate, wip_mean, lead_time_mean`, then `util_<stage>` per
/// station and inspection; one row per replication and window.
std::string timeseries_csv(const models::Scenario& scenario,
                           std::span<const models::ReplicationResult> results);

/// summary.csv: `metric, mean, sd, ci95_low, ci95_high, n, target, target_met`.
std::string summary_csv(const Summary& summary);

/// stage_summary.csv: `stage, metric, mean, sd, ci95_low, ci95_high, n`; one row per stage
/// (scenario order) and stage metric that applies to its type (Summary::stage_summaries).
std::string stage_summary_csv(const models::Scenario& scenario, const Summary& summary);

/// class_summary.csv: `product, metric, mean, sd, ci95_low, ci95_high, n`; one row per product
/// and class metric (Summary::class_summaries). Only meaningful with products.
std::string class_summary_csv(const models::Scenario& scenario, const Summary& summary);

/// run_info.csv: `key,value` rows describing how the results were made (no wall-clock time).
/// `scenario` is the scenario as run (warm-up resolved, replications = the count kept).
/// Keys, in order: qosim_version, scenario_name, scenario_file, scenario_hash, time_unit,
/// seed, replications, horizon (empty in orders mode), orders (empty in horizon mode), warmup,
/// warmup_method (fixed | auto-mser5); with precision: precision_metric, precision_goal,
/// precision_reached (yes | no), precision_half_width, precision_min_replications,
/// precision_max_replications; lead_time_quantile_rel_error; with --timeseries:
/// timeseries_window; with --trace: trace; overrides; with --variant: variant and settings
/// (its path=value items); interrupted (yes | no).
std::string run_info_csv(const models::Scenario& scenario, const RunOutcome& outcome = {});

/// The scenario's content hash as 16 lower-case hex digits.
std::string format_hash(std::uint64_t hash);

}  // namespace qosim::app
