// Terminal output: the post-run summary, the `check` report and the progress bar.
#include "app/output/console.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "app/output/console_numbers.hpp"
#include "app/output/csv.hpp"
#include "app/output/text.hpp"
#include "models/run/metrics.hpp"
#include "models/run/wip_trend.hpp"

namespace qosim::app {

namespace detail {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A text table whose columns are padded to their widest cell.
class TextTable {
public:
    enum class Align { left, right };

    explicit TextTable(std::vector<Align> align) : align_(std::move(align)) {}

    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

    /// Each row indented by `indent` spaces, columns separated by two spaces.
    [[nodiscard]] std::string render(std::size_t indent) const {
        std::vector<std::size_t> width(align_.size(), 0);
        for (const auto& row : rows_) {
            for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
                width[c] = std::max(width[c], display_width(row[c]));
            }
        }
        std::string out;
        for (const auto& row : rows_) {
            std::string line(indent, ' ');
            for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
                if (c > 0) line += "  ";
                const std::string pad(width[c] - display_width(row[c]), ' ');
                line += align_[c] == Align::right ? pad + row[c] : row[c] + pad;
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out += line + '\n';
        }
        return out;
    }

private:
    /// Code points, not bytes: cells may hold "±".
    static std::size_t display_width(const std::string& s) {
        return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
        }));
    }

    std::vector<Align> align_;
    std::vector<std::vector<std::string>> rows_;
};

using app::decimals_for;  // console_numbers: the digits rule shared by every table

std::string plural_unit(models::TimeUnit unit) { return unit_plural(unit); }

std::string_view verdict(TargetStatus status) {
    switch (status) {
    case TargetStatus::yes: return "PASS";
    case TargetStatus::no: return "FAIL";
    case TargetStatus::undecided: return "UNDECIDED";
    case TargetStatus::none: return "";
    }
    return "";
}

std::optional<std::size_t> stage_metric_index(std::string_view name) {
    const auto metrics = models::stage_metrics();
    for (std::size_t k = 0; k < metrics.size(); ++k) {
        if (metrics[k].name == name) return k;
    }
    return std::nullopt;
}

bool is_server_stage(models::StageType type) {
    return type == models::StageType::station || type == models::StageType::inspection;
}

/// A run setting such as the horizon: "2000000" rather than "2e+06" for whole numbers.
std::string duration(double t) {
    if (std::isfinite(t) && t == std::trunc(t) && std::fabs(t) < 1e15) return format_count(t);
    return format_number(t);
}

/// The flow analysis' verdict for stage `s`: it cannot keep up (saturated or overloaded).
bool is_saturated(const models::FlowAnalysis& flow, std::size_t s) {
    if (s < flow.saturated.size()) return flow.saturated[s];
    return false;
}

/// The check table's word for a load verdict.
std::string verdict_word(models::LoadVerdict v) {
    switch (v) {
    case models::LoadVerdict::fine: return "";
    case models::LoadVerdict::high: return "high load";
    case models::LoadVerdict::edge: return "at the edge";
    case models::LoadVerdict::saturated: return "SATURATED";
    case models::LoadVerdict::overloaded: return "OVERLOADED (bounded queue)";
    }
    return "";
}

}  // namespace detail

std::string fixed(double x, int decimals) {
    if (std::isnan(x)) return "-";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    if (x == 0) x = 0.0;  // no "-0.0"
    std::array<char, 64> buf{};
    const auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed, decimals);
    if (ec != std::errc{}) return format_number(x);
    std::string s(buf.data(), end);
    // A value that rounds to zero prints without a minus sign.
    if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
    return s;
}

std::string significant(double x, int digits) {
    if (std::isnan(x)) return "-";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    if (x == 0) return "0";
    std::array<char, 64> buf{};
    const auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::general, digits);
    if (ec != std::errc{}) return format_number(x);
    return std::string(buf.data(), end);
}

namespace detail {

/// A metric's "mean", "±", "half-width" cells, scaled (100 for %), or empty cells when the
/// metric is absent.
std::vector<std::string> mean_pm(const MetricSummary* m, double scale) {
    if (m == nullptr) return {"-", "", ""};
    const double mean = m->mean * scale;
    const double hw = m->half_width() * scale;
    const int d = decimals_for(mean, hw);
    const bool has_ci = m->n >= 2 && std::isfinite(hw);
    return {fixed(mean, d), has_ci ? "±" : "", has_ci ? fixed(hw, d) : ""};
}

/// The replication mean of metric `name`, NaN when absent.
double mean_of(const Summary& summary, std::string_view name) {
    const MetricSummary* m = summary.find(name);
    return m != nullptr ? m->mean : std::numeric_limits<double>::quiet_NaN();
}

/// Stages with a positive finite mean of stage metric `k`, largest first; ties in scenario
/// order (stable, deterministic).
std::vector<std::pair<double, std::size_t>> ranked_stages(const models::Scenario& scenario,
                                                          const Summary& summary, std::size_t k) {
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t s = 0; s < scenario.stages.size() && s < summary.stage_means.size(); ++s) {
        const double v = summary.stage_means[s][k];
        if (std::isfinite(v) && v > 0) ranked.emplace_back(v, s);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    return ranked;
}

/// Up to `top` stages with the largest positive replication mean of stage metric `k`:
/// "smt 12.3, ship 2.1"; empty when none.
std::string top_stages(const models::Scenario& scenario, const Summary& summary,
                       std::optional<std::size_t> k, std::size_t top) {
    if (!k) return {};
    const auto ranked = ranked_stages(scenario, summary, *k);
    std::string out;
    for (std::size_t i = 0; i < ranked.size() && i < top; ++i) {
        if (!out.empty()) out += ", ";
        const double v = ranked[i].first;
        out += cat({scenario.stages[ranked[i].second].name, " ",
                    v >= 0.1 ? fixed(v, 1) : significant(v, 2)});
    }
    return out;
}

/// The `top` stages by share metric `k` as "name 89 %, ...".
std::string top_shares(const models::Scenario& scenario, const Summary& summary,
                       std::optional<std::size_t> k, std::size_t top) {
    if (!k) return {};
    const auto ranked = ranked_stages(scenario, summary, *k);
    std::string out;
    for (std::size_t i = 0; i < ranked.size() && i < top; ++i) {
        if (!out.empty()) out += ", ";
        const double pct = 100 * ranked[i].first;
        out += cat({scenario.stages[ranked[i].second].name, " ",
                    pct < 1 ? significant(pct, 1) : fixed(pct, pct >= 10 && pct < 99.5 ? 0 : 1),
                    " %"});
    }
    return out;
}

/// The "Run:" line shared by `run` and `check`: replications, horizon or order count,
/// warm-up (unless chosen automatically), seed.
std::string run_line(const models::Scenario& scenario, const std::string& replications) {
    const std::string tus = plural_unit(scenario.time_unit);
    std::string out = cat({"Run: ", replications, ", "});
    if (scenario.run.orders) {
        out += cat({"until ", std::to_string(*scenario.run.orders), " orders concluded"});
    } else {
        out += cat({"horizon ", duration(scenario.run.horizon), " ", tus});
    }
    if (!scenario.run.warmup_auto) {
        out += cat({", warm-up ", duration(scenario.run.warmup), " ", tus});
    }
    out += cat({", seed ", std::to_string(scenario.run.seed), "\n"});
    return out;
}

/// The period cost figures cover: "over 1800 hours observed" (the observed window after the
/// warm-up; "about" and the mean when replications differ, as in orders mode).
std::string observed_window(const models::Scenario& scenario, const Summary& summary) {
    const MetricSummary* observed = summary.find("observed_time");
    if (observed == nullptr || !std::isfinite(observed->mean)) return "over the observed window";
    const bool varies = observed->n >= 2 && observed->sd > 0;
    const double t = observed->mean;
    const std::string shown = varies ? fixed(t, decimals_for(t, kNaN)) : duration(t);
    return cat({"over ", varies ? "about " : "", shown, " ",
                t == 1 ? unit_name(scenario.time_unit) : unit_plural(scenario.time_unit),
                " observed", varies ? " on average" : ""});
}

/// Total cost per day of operation: the mean total cost over the mean observed window in
/// days, with the total cost's half-width scaled alike when every replication observed the
/// same window; nullopt without an observed window.
std::optional<std::array<std::string, 3>> cost_per_day(const models::Scenario& scenario,
                                                       const Summary& summary) {
    const MetricSummary* total = summary.find("total_cost");
    const MetricSummary* observed = summary.find("observed_time");
    if (total == nullptr || observed == nullptr) return std::nullopt;
    const double days = convert_time(observed->mean, scenario.time_unit, models::TimeUnit::day);
    if (!std::isfinite(days) || days <= 0) return std::nullopt;
    const double per_day = total->mean / days;
    const bool same_window = observed->n >= 2 && observed->sd == 0;
    const double hw = same_window ? total->half_width() / days : kNaN;
    const int d = decimals_for(per_day, hw);
    const bool has_ci = total->n >= 2 && std::isfinite(hw);
    return std::array<std::string, 3>{fixed(per_day, d), has_ci ? "±" : "",
                                      has_ci ? fixed(hw, d) : ""};
}

/// The scenario's target on `metric`, or nullptr (the first, as summary.csv uses).
const models::Target* find_target(const models::Scenario& scenario, std::string_view metric) {
    for (const auto& t : scenario.targets) {
        if (t.metric == metric) return &t;
    }
    return nullptr;
}

/// A target on a share in percent: "<= 2 %", ">= 95 %", ">= 90 % and <= 99 %".
std::string target_text_percent(const models::Target& target) {
    auto pct = [](double share) { return cat({significant(100 * share, 6), " %"}); };
    std::string text;
    if (target.min) text = ">= " + pct(*target.min);
    if (target.max) text += cat({text.empty() ? "" : " and ", "<= ", pct(*target.max)});
    return text;
}

bool any_breakdowns(const models::Scenario& scenario) {
    for (const auto& s : scenario.stages) {
        if (s.breakdowns) return true;
    }
    for (const auto& f : scenario.faults) {
        if (f.kind == models::FaultKind::outage) return true;
    }
    return false;
}

}  // namespace detail

std::string render_run_report(const models::Scenario& scenario, const Summary& summary,
                              const std::vector<std::filesystem::path>& files,
                              const RunOutcome& outcome) {
    using detail::TextTable;
    using Align = TextTable::Align;
    const std::string tu = models::to_string(scenario.time_unit);
    const std::string tus = detail::plural_unit(scenario.time_unit);
    std::size_t n = 0;
    if (!summary.metrics.empty()) n = summary.metrics.front().n;

    std::string out;
    out += "Scenario: " + scenario.name + "  (" + scenario.file + ")\n";
    out += detail::run_line(scenario, std::to_string(n) + " replication" + (n == 1 ? "" : "s"));
    if (outcome.warmup_auto || scenario.run.warmup_auto) {
        out += cat(
            {"warm-up: auto (MSER-5) → ",
             fixed(scenario.run.warmup, detail::decimals_for(scenario.run.warmup, detail::kNaN)),
             " ", tus, "\n"});
    }
    if (const auto& p = outcome.precision) {
        // A rate's half-width and goal in percentage points, like every rate on the console.
        const MetricSummary* pm = summary.find(p->metric);
        const bool share = pm != nullptr && pm->unit == "share";
        const double scale = share ? 100 : 1;
        const std::string pts = share ? " %" : "";
        const int d = detail::decimals_for(scale * p->goal, detail::kNaN) + 1;
        const std::string half = fixed(scale * p->half_width, d) + pts;
        const std::string goal = significant(scale * p->goal, 6) + pts;
        if (p->reached) {
            out += cat({"precision: ", p->metric, " 95 % CI half-width ", half, " <= ", goal,
                        " reached with ", std::to_string(p->replications), " replications (min ",
                        std::to_string(p->min_replications), ", max ",
                        std::to_string(p->max_replications), ")\n"});
        } else {
            out += cat({"precision: NOT reached: ", p->metric, " 95 % CI half-width ", half, " > ",
                        goal, " after ", std::to_string(p->replications),
                        " replications (precision.max_replications); raise it or relax the "
                        "goal\n"});
        }
    }
    out += "\n";

    // Key metrics: mean ± 95 % CI half-width, with units; a rate in % with its interval
    // (clipped to [0, 1], so not always symmetric); a duration in the unit that suits it.
    struct Key {
        std::string_view metric;
        std::string_view label;
        std::string unit;  ///< for a duration: empty (the unit is chosen from the value)
    };
    std::vector<Key> keys{
        {"orders_created", "orders created", "orders"},
        {"orders_delivered", "orders delivered", "orders"},
        {"orders_lost", "orders lost", "orders"},
        {"throughput", "throughput", "orders/" + tu},
        {"lead_time_mean", "lead time mean", ""},
        {"lead_time_p95", "lead time p95", ""},
    };
    if (detail::mean_of(summary, "orders_late") > 0) {
        keys.push_back({"lateness_mean", "lateness mean (late orders)", ""});
        keys.push_back({"lateness_p95", "lateness p95 (late orders)", ""});
    }
    keys.push_back({"wip_mean", "WIP (mean)", "orders"});
    keys.push_back({"on_time_rate", "on-time rate", "of delivered"});
    keys.push_back({"customer_error_rate", "customer error rate", "of concluded"});
    out += n >= 2 ? "Key metrics (mean ± 95 % CI half-width; rates with their 95 % CI):\n"
                  : "Key metrics (mean; no CI with one replication):\n";
    // Two tables, the rates' one without the ± columns; labels padded to one width so that
    // the values of both line up.
    std::size_t label_width = 0;
    for (const auto& key : keys) label_width = std::max(label_width, key.label.size());
    auto label = [&](std::string_view text) {
        return cat({text, std::string(label_width - text.size(), ' ')});
    };
    TextTable table({Align::left, Align::right, Align::left, Align::right, Align::left});
    TextTable rates({Align::left, Align::right, Align::left, Align::left});
    for (const auto& key : keys) {
        const MetricSummary* m = summary.find(key.metric);
        if (m == nullptr) continue;
        // A lead time or on-time rate needs a delivery: say so instead of a number, and how
        // many replications the figure is over when some had none.
        const bool per_delivery =
            key.metric.starts_with("lead_time") || key.metric == "on_time_rate";
        const std::string over = per_delivery && m->n > 0 && m->n < n
                                     ? cat({"  (", std::to_string(m->n), " of ", std::to_string(n),
                                            " replications delivered)"})
                                     : std::string();
        if (per_delivery && m->n == 0) {
            if (m->unit == "share") {
                rates.add({label(key.label), "-", key.unit, "no order delivered"});
            } else {
                table.add({label(key.label), "-", "", "", "no order delivered"});
            }
        } else if (m->unit == "share") {
            const ShareText share = share_text(*m);
            rates.add({label(key.label), share.mean, key.unit, share.ci + over});
        } else if (m->unit == "time") {
            const double value[] = {m->mean};
            const models::TimeUnit shown = display_unit(value, scenario.time_unit);
            auto cells = detail::mean_pm(m, convert_time(1, scenario.time_unit, shown));
            table.add({label(key.label), cells[0], cells[1], cells[2], unit_plural(shown) + over});
        } else {
            auto cells = detail::mean_pm(m, 1);
            table.add({label(key.label), cells[0], cells[1], cells[2], key.unit});
        }
    }
    out += table.render(2) + rates.render(2) + "\n";

    // Customer-facing errors: the split and where they come from.
    const auto escaped_k = detail::stage_metric_index("defects_escaped");
    const auto lost_k = detail::stage_metric_index("lost");
    {
        out +=
            "Customer-facing errors (% of orders concluded; an order may be both defective and "
            "late):\n";
        TextTable errors({Align::left, Align::right, Align::left, Align::left});
        auto add = [&](std::string label, std::string_view metric, std::string causes) {
            const MetricSummary* m = summary.find(metric);
            const ShareText share = m != nullptr ? share_text(*m) : ShareText{"-", "-", ""};
            errors.add({std::move(label), share.mean, share.ci, std::move(causes)});
        };
        const std::string escaped = detail::top_stages(scenario, summary, escaped_k, 3);
        const std::string lost = detail::top_stages(scenario, summary, lost_k, 3);
        const std::string late_at =
            detail::top_shares(scenario, summary, detail::stage_metric_index("late_time_share"), 3);
        add("all customer-facing errors", "customer_error_rate", "");
        add("  delivered defective (escape)", "escape_rate",
            escaped.empty() ? "" : "by origin: " + escaped);
        add("  late", "late_rate", late_at.empty() ? "" : "time held by: " + late_at);
        add("  lost or cancelled", "loss_rate", lost.empty() ? "" : "lost at: " + lost);
        if (const MetricSummary* sv = summary.find("survey_error_rate")) {
            const ShareText share = share_text(*sv);
            const int d = detail::decimals_for(100 * sv->mean, 100 * sv->half_width());
            errors.add(
                {"survey estimate", share.mean, share.ci,
                 cat({"one replication's survey: 95 % CI ",
                      fixed(100 * detail::mean_of(summary, "survey_ci95_low"), d), "–",
                      fixed(100 * detail::mean_of(summary, "survey_ci95_high"), d), " % from ",
                      fixed(detail::mean_of(summary, "survey_responses"), 0), " answers"})});
        }
        out += errors.render(2);
        if (!escaped.empty() || !lost.empty()) {
            out += "  (causes: orders per replication, largest first)\n";
        }
        if (!late_at.empty()) {
            out +=
                "  (time held by: each stage's share of the late orders' lead time: waiting, "
                "service, blocking, transit)\n";
        }
        out += "\n";
    }

    // Internal errors: caught before they reached anyone.
    {
        const std::pair<std::string_view, std::string_view> rows[] = {
            {"defects_detected", "defects detected"},
            {"false_alarms", "false alarms"},
            {"scrapped", "scrapped"},
            {"reworked", "reworked"},
            {"breakdowns", "breakdowns"},
        };
        TextTable internal({Align::left, Align::right, Align::left, Align::right});
        bool any = false;
        for (const auto& [metric, label] : rows) {
            const MetricSummary* m = summary.find(metric);
            if (m == nullptr) continue;
            if (m->mean > 0) any = true;
            auto cells = detail::mean_pm(m, 1);
            internal.add({std::string(label), cells[0], cells[1], cells[2]});
        }
        if (any) {
            out += "Internal errors (per replication, caught before the customer):\n";
            out += internal.render(2) + "\n";
        } else {
            out += "Internal errors: none\n\n";
        }
    }

    // Cost by category and cost of quality.
    if (const MetricSummary* total = summary.find("total_cost");
        total != nullptr && std::isfinite(total->mean) && total->mean != 0) {
        const std::pair<std::string_view, std::string_view> rows[] = {
            {"cost_resource", "resource (server time)"},
            {"cost_units", "per-unit"},
            {"cost_repairs", "repairs"},
            {"cost_penalties", "penalties (late, escape, lost)"},
            {"total_cost", "total"},
            {"cost_per_order", "per order delivered"},
        };
        out += cat({"Cost (per replication, ", detail::observed_window(scenario, summary), "):\n"});
        TextTable cost({Align::left, Align::right, Align::left, Align::right});
        for (const auto& [metric, label] : rows) {
            auto cells = detail::mean_pm(summary.find(metric), 1);
            cost.add({std::string(label), cells[0], cells[1], cells[2]});
        }
        if (const auto per_day = detail::cost_per_day(scenario, summary)) {
            cost.add({"per day of operation", (*per_day)[0], (*per_day)[1], (*per_day)[2]});
        }
        out += cost.render(2);
        auto money = [&](std::string_view metric) {
            const double v = detail::mean_of(summary, metric);
            return fixed(v, detail::decimals_for(v, detail::kNaN));
        };
        out += cat({"  cost of quality: appraisal ", money("cost_appraisal"), ", internal failure ",
                    money("cost_internal_failure"), ", external failure ",
                    money("cost_external_failure"), "\n\n"});
    }

    // Products.
    if (!scenario.products.empty() && !summary.class_means.empty()) {
        auto class_k = [](std::string_view name) -> std::optional<std::size_t> {
            const auto metrics = models::class_metrics();
            for (std::size_t k = 0; k < metrics.size(); ++k) {
                if (metrics[k].name == name) return k;
            }
            return std::nullopt;
        };
        auto value = [&](std::size_t c, std::string_view name) {
            const auto k = class_k(name);
            if (!k || c >= summary.class_means.size()) return detail::kNaN;
            return summary.class_means[c][*k];
        };
        out += "Products (replication means):\n";
        TextTable products({Align::left, Align::right, Align::right, Align::right, Align::right,
                            Align::right, Align::right});
        std::vector<double> lead_mean, lead_p95;
        for (std::size_t c = 0; c < scenario.products.size(); ++c) {
            lead_mean.push_back(value(c, "lead_time_mean"));
            lead_p95.push_back(value(c, "lead_time_p95"));
        }
        const DurationColumn mean_col = duration_column(lead_mean, scenario.time_unit);
        const DurationColumn p95_col = duration_column(lead_p95, scenario.time_unit);
        products.add({"product", "created", cat({"lead mean (", unit_plural(mean_col.unit), ")"}),
                      cat({"lead p95 (", unit_plural(p95_col.unit), ")"}), "on-time", "error rate",
                      "cost/order"});
        for (std::size_t c = 0; c < scenario.products.size(); ++c) {
            products.add({scenario.products[c].name, fixed(value(c, "orders_created"), 1),
                          mean_col.cells[c], p95_col.cells[c],
                          probability(value(c, "on_time_rate")),
                          probability(value(c, "customer_error_rate")),
                          fixed(value(c, "cost_per_order"), 2)});
        }
        out += products.render(2) + "\n";
    }

    // Per-stage replication means.
    const auto util = detail::stage_metric_index("utilization");
    const auto queue = detail::stage_metric_index("queue_len_mean");
    const auto wait = detail::stage_metric_index("wait_mean");
    const auto departures = detail::stage_metric_index("departures");
    const auto availability = detail::stage_metric_index("availability");
    const auto breakdowns = detail::stage_metric_index("breakdowns");
    auto stage_value = [&](std::size_t s, std::optional<std::size_t> k) {
        if (!k || s >= summary.stage_means.size()) return detail::kNaN;
        return summary.stage_means[s][*k];
    };
    const bool show_breakdowns = detail::any_breakdowns(scenario);
    out += "Stages (replication means):\n";
    std::vector<Align> align{Align::left,  Align::left,  Align::right,
                             Align::right, Align::right, Align::right};
    std::vector<double> waits;
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        waits.push_back(detail::is_server_stage(scenario.stages[s].type) ? stage_value(s, wait)
                                                                         : detail::kNaN);
    }
    const DurationColumn wait_col = duration_column(waits, scenario.time_unit);
    std::vector<std::string> header{"stage",
                                    "type",
                                    "utilization",
                                    "queue",
                                    cat({"wait (", unit_plural(wait_col.unit), ")"}),
                                    "departures"};
    if (show_breakdowns) {
        align.insert(align.end(), {Align::right, Align::right});
        header.insert(header.end(), {"availability", "breakdowns"});
    }
    TextTable stages(align);
    stages.add(header);
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const auto& spec = scenario.stages[s];
        const bool server = detail::is_server_stage(spec.type);
        std::vector<std::string> row{spec.name,
                                     models::to_string(spec.type),
                                     server ? percent(stage_value(s, util), 1) : "-",
                                     server ? fixed(stage_value(s, queue), 2) : "-",
                                     server ? wait_col.cells[s] : "-",
                                     fixed(stage_value(s, departures), 1)};
        if (show_breakdowns) {
            row.push_back(server ? percent(stage_value(s, availability), 2) : "-");
            row.push_back(server ? fixed(stage_value(s, breakdowns), 1) : "-");
        }
        stages.add(std::move(row));
    }
    out += stages.render(2) + "\n";

    // Targets.
    bool any_target = false;
    TextTable targets({Align::left, Align::left, Align::right, Align::left, Align::left});
    for (const auto& m : summary.metrics) {
        if (m.target_met == TargetStatus::none) continue;
        any_target = true;
        const models::Target* target = detail::find_target(scenario, m.name);
        std::string bound = m.target;
        std::string mean;
        std::string ci;
        if (m.unit == "share") {
            const ShareText share = share_text(m);
            mean = share.mean;
            ci = share.ci;
            if (target != nullptr) bound = detail::target_text_percent(*target);
        } else {
            // The scenario's unit: the target is written in it.
            const std::string unit = m.unit == "time" ? " " + tus : "";
            const int d = detail::decimals_for(m.mean, m.half_width());
            mean = fixed(m.mean, d) + unit;
            if (m.n >= 2 && std::isfinite(m.ci95_low)) {
                ci = cat({"95 % CI ", fixed(m.ci95_low, d), "–", fixed(m.ci95_high, d), unit});
            }
            bound += unit;
        }
        if (m.n == 0) {  // no replication measured it (a lead time needs a delivery)
            mean = "-";
            ci = "not measured in any replication";
        }
        targets.add({m.name, bound, mean, ci, std::string(detail::verdict(m.target_met))});
    }
    if (any_target) {
        out += cat({"Targets (judged on the 95 % CI):\n", targets.render(2), "\n"});
    }

    if (!files.empty()) {
        out += "Results written to ";
        out += files.front().parent_path().string();
        out += "/:";
        for (const auto& f : files) {
            out += ' ';
            out += f.filename().string();
        }
        out += "\n";
    }
    if (outcome.trace_file) out += cat({"Trace written to ", *outcome.trace_file, "\n"});
    return out;
}

std::vector<std::string> saturated_stages(const models::Scenario& scenario,
                                          const models::FlowAnalysis& flow) {
    std::vector<std::string> names;
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        if (detail::is_saturated(flow, s)) names.push_back(scenario.stages[s].name);
    }
    return names;
}

std::vector<std::string> check_warnings(const models::Scenario& scenario,
                                        const models::FlowAnalysis& flow) {
    std::vector<std::string> out;
    for (std::size_t s = 0; s < scenario.stages.size() && s < flow.loads.size(); ++s) {
        const models::StageSpec& spec = scenario.stages[s];
        if (!detail::is_server_stage(spec.type)) continue;
        const models::StationLoad& l = flow.loads[s];
        const std::string name = "stage '" + spec.name + "'";
        const std::string pct = fixed(100 * l.load, 1) + " %";
        switch (l.verdict) {
        case models::LoadVerdict::fine: break;
        case models::LoadVerdict::high:
            out.push_back(cat({name, " runs at ", pct,
                               " load: expect long queues and lead times, and use a long "
                               "horizon or warmup: auto"}));
            break;
        case models::LoadVerdict::edge:
            if (spec.queue_capacity) {
                // A bounded queue cannot grow: near capacity it fills, and then blocks.
                out.push_back(cat({name, " is at the edge of its capacity (load about ", pct,
                                   ", an estimate): its queue (",
                                   format_count(static_cast<double>(*spec.queue_capacity)),
                                   " places) will often be full, blocking the stages that send "
                                   "to it (orders from a source balk and are lost); simulate to "
                                   "see how often (stages.csv: lost, blocked time)"}));
                break;
            }
            out.push_back(cat({name, " is at the edge of its capacity (load about ", pct,
                               ", an estimate: shifts or breakdowns that restart or scrap the "
                               "job): simulate to know whether its queue stays stable (run "
                               "with --timeseries and watch wip_mean)"}));
            break;
        case models::LoadVerdict::saturated:
            out.push_back(cat({name, " cannot keep up (load ", pct,
                               " of its staffed capacity): its queue grows without bound; add "
                               "servers or shifts, or shorten its service"}));
            break;
        case models::LoadVerdict::overloaded: {
            // Who feeds it: sources lose the orders that find the queue full (balking), other
            // stages are blocked holding their finished units.
            std::string senders, sources;
            for (std::size_t u = 0; u < scenario.stages.size(); ++u) {
                for (const auto& r : scenario.stages[u].routes) {
                    if (r.to != s || u == s) continue;
                    std::string& list =
                        scenario.stages[u].type == models::StageType::source ? sources : senders;
                    const std::string quoted = "'" + scenario.stages[u].name + "'";
                    if (list.find(quoted) != std::string::npos) continue;
                    list += (list.empty() ? "" : ", ") + quoted;
                }
            }
            std::string what = cat({name, " cannot keep up (load ", pct, "): its queue (",
                                    format_count(static_cast<double>(*spec.queue_capacity)),
                                    " places) stays full, so it does not grow without bound but "});
            if (!senders.empty()) what += "blocks " + senders + " (blocking spreads upstream)";
            if (!senders.empty() && !sources.empty()) what += ", and ";
            if (!sources.empty()) {
                what += cat({"orders from ", sources, " balk and are lost (at least ",
                             fixed(100 * (1 - 1 / l.load), 1), " % of those offered to it)"});
            }
            out.push_back(what + "; add servers or shorten its service");
            break;
        }
        }
    }
    return out;
}

std::string render_check_report(const models::Scenario& scenario, const models::FlowAnalysis& flow,
                                const models::QualityAnalysis& quality) {
    using detail::TextTable;
    using Align = TextTable::Align;
    const std::string tu = models::to_string(scenario.time_unit);
    const std::string tus = detail::plural_unit(scenario.time_unit);

    std::string out;
    out += "Scenario \"" + scenario.name + "\" (" + scenario.file + ") is valid.\n";
    std::string reps = std::to_string(scenario.run.replications) + " replications";
    if (const auto& p = scenario.run.precision) {
        bool share = false;
        for (const auto& m : models::run_metrics())
            share = share || (m.name == p->metric && m.unit == "share");
        const std::string goal =
            share ? significant(100 * p->half_width, 6) + " %" : significant(p->half_width, 6);
        reps = cat({std::to_string(scenario.run.replications), " to ",
                    std::to_string(p->max_replications), " replications (until the ", p->metric,
                    " 95 % CI half-width <= ", goal, ")"});
    }
    out += detail::run_line(scenario, reps);
    if (scenario.run.warmup_auto) out += "warm-up: auto (MSER-5 on pilot runs, chosen by `run`)\n";
    out += "\n";

    // Stages grouped by type, in the SPEC's type order.
    out += "Stages (" + std::to_string(scenario.stages.size()) + "):\n";
    TextTable by_type({Align::left, Align::left});
    for (const auto type :
         {models::StageType::source, models::StageType::station, models::StageType::inspection,
          models::StageType::link, models::StageType::sink}) {
        std::string names;
        for (const auto& s : scenario.stages) {
            if (s.type != type) continue;
            if (!names.empty()) names += ", ";
            names += s.name;
        }
        if (!names.empty()) by_type.add({std::string(models::to_string(type)) + ":", names});
    }
    out += by_type.render(2) + "\n";

    std::size_t n_routes = 0;
    for (const auto& s : scenario.stages) n_routes += s.routes.size();
    out += "Routes (" + std::to_string(n_routes) + "):\n";
    TextTable routes({Align::left, Align::left, Align::left, Align::left});
    for (const auto& s : scenario.stages) {
        for (const auto& r : s.routes) {
            std::string to = "?";
            if (r.to == models::kScrapTarget) {
                to = "scrap";
            } else if (r.to < scenario.stages.size()) {
                to = scenario.stages[r.to].name;
            }
            std::string notes;
            auto note = [&notes](const std::string& text) {
                if (!notes.empty()) notes += ", ";
                notes += text;
            };
            if (r.when != models::RouteWhen::any) note(cat({"when: ", models::to_string(r.when)}));
            // The scenario's own number, in %: "p = 10 %" for `prob: 0.1`.
            if (r.prob != 1.0) note(cat({"p = ", significant(100 * r.prob, 6), " %"}));
            if (r.product) {
                note(cat({"product: ", *r.product < scenario.products.size()
                                           ? scenario.products[*r.product].name
                                           : std::string("?")}));
            }
            routes.add({s.name, "->", to, notes});
        }
    }
    out += routes.render(2) + "\n";

    out += "Flow analysis (steady state; arrival rate in orders/" + tu + "):\n";
    TextTable table(
        {Align::left, Align::left, Align::right, Align::right, Align::right, Align::left});
    table.add({"stage", "type", "arrival rate", "utilization", "load", ""});
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const auto& spec = scenario.stages[s];
        const double rate = s < flow.arrival_rate.size() ? flow.arrival_rate[s] : detail::kNaN;
        const bool server = detail::is_server_stage(spec.type);
        const double u = s < flow.utilization.size() ? flow.utilization[s] : detail::kNaN;
        std::string util = "-";
        std::string load = "-";
        std::string verdict;
        if (server && s < flow.loads.size()) {
            const models::StationLoad& l = flow.loads[s];
            const std::string about = l.exact ? "" : "~";
            util = about + fixed(100 * u, 1) + " %";
            load = about + fixed(100 * l.load, 1) + " %";
            verdict = detail::verdict_word(l.verdict);
        }
        if (spec.type == models::StageType::link) util = fixed(u, 2) + " in transit";
        table.add({spec.name, models::to_string(spec.type), fixed(rate, 4), util, load, verdict});
    }
    out += table.render(2);
    out +=
        "  utilization = busy / staffed time, as `run` reports it; load = (busy + down) / "
        "staffed\n  time: at 100 % a station cannot keep up\n";
    bool estimated = false;
    for (std::size_t s = 0; s < flow.loads.size(); ++s)
        estimated =
            estimated || (detail::is_server_stage(scenario.stages[s].type) && !flow.loads[s].exact);
    if (estimated) {
        out +=
            "  (~ estimated: with shifts, a server going off shift finishes its job "
            "(overtime);\n   breakdowns that restart or scrap the job are not modelled)\n";
    }
    out += "\n";

    // The absorbing chain's view of one order (per order created).
    out += "Quality analysis (absorbing Markov chain, per order created):\n";
    TextTable q({Align::left, Align::right, Align::left});
    q.add({"P(delivered good)", probability(quality.p_delivered_good), ""});
    q.add({"P(delivered defective)", probability(quality.p_delivered_defective),
           "expected escape rate"});
    q.add({"P(cancelled)", probability(quality.p_cancelled), ""});
    q.add({"P(lost)", probability(quality.p_lost), ""});
    q.add({"expected scraps", significant(quality.expected_scraps, 6), "per order"});
    q.add({"expected reworks", significant(quality.expected_reworks, 6), "per order"});
    out += q.render(2);
    out += "  (no queues, blocking or scheduled faults: the long-run path of one order)\n\n";

    out += "Expected visits and defects introduced per order:\n";
    TextTable visits({Align::left, Align::right, Align::right});
    visits.add({"stage", "visits", "defects introduced"});
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const double v = s < quality.visits.size() ? quality.visits[s] : detail::kNaN;
        const auto type = scenario.stages[s].type;
        const bool damages = type == models::StageType::station || type == models::StageType::link;
        const double d =
            s < quality.defects_introduced.size() ? quality.defects_introduced[s] : detail::kNaN;
        visits.add({scenario.stages[s].name, significant(v, 6), damages ? significant(d, 6) : "-"});
    }
    out += visits.render(2);
    return out;
}

namespace detail {

/// A share as "12.34 %" for the promise report.
std::string promise_percent(double share) {
    // Two decimals, or two significant digits for a share that would print as 0.00 %.
    if (share > 0 && 100 * share < 0.005) return significant(100 * share, 2) + " %";
    return fixed(100 * share, 2) + " %";
}

/// "late_rate <= 0.1": a target's limit as the scenario writes it.
std::string target_limit(const models::Target& t) {
    if (t.max) return cat({t.metric, " <= ", format_number(*t.max)});
    if (t.min) return cat({t.metric, " >= ", format_number(*t.min)});
    return t.metric;
}

/// What the static figure of a target is ("at least", "at most", "expected").
std::string_view promise_kind(models::TargetPromise::Kind k) {
    switch (k) {
    case models::TargetPromise::Kind::lower_bound: return "at least";
    case models::TargetPromise::Kind::upper_bound: return "at most";
    case models::TargetPromise::Kind::expected: return "expected";
    }
    return "";
}

/// The class's name in the promise table: its product, or its source's name.
std::string class_name(const models::Scenario& sc, const models::ClassPromise& c) {
    if (c.product) return sc.products[*c.product].name;
    return sc.stages[c.source].name;
}

}  // namespace detail

std::string render_promise_report(const models::Scenario& scenario,
                                  const models::PromiseAnalysis& promises) {
    using detail::TextTable;
    using Align = TextTable::Align;
    std::string out;
    bool any_due = false;
    for (const auto& c : promises.classes) any_due = any_due || c.has_due;
    if (any_due) {
        out +=
            cat({"\nPromises (lower bound on the orders late from service times and link "
                 "delays alone, no waiting):\n"});
        TextTable t({Align::left, Align::right, Align::right, Align::left});
        t.add({promises.classes.front().product ? "product" : "source", "share of orders",
               "late at least", ""});
        for (const auto& c : promises.classes) {
            std::string note;
            if (!c.has_due) {
                note = "no due_in: never late";
            } else if (c.exact) {
                note = "exact";
            } else if (c.covered < 1.0 - 1e-12) {
                note = cat({"paths rarer than ", significant(models::kMinPathProb, 2),
                            " left out (", significant(100 * (1.0 - c.covered), 2), " %)"});
            }
            t.add({detail::class_name(scenario, c), detail::promise_percent(c.weight),
                   detail::promise_percent(c.late_lower), note});
        }
        if (promises.classes.size() > 1) {
            t.add({"all orders", "100.00 %", detail::promise_percent(promises.late_lower), ""});
        }
        out += t.render(2);
        out +=
            cat({"  customer error rate at least ", detail::promise_percent(promises.error_lower),
                 ", on-time rate at most ", detail::promise_percent(promises.on_time_upper),
                 "\n  (per order created: waiting only adds to these. One random delay "
                 "against a fixed\n   due_in is exact; sums of several are rounded down "
                 "on a grid, a bound)\n"});
    }
    if (!promises.targets.empty()) {
        out += "\nTargets against the static figures:\n";
        TextTable t({Align::left, Align::left, Align::right, Align::left});
        for (const auto& tp : promises.targets) {
            const models::Target& target = scenario.targets[tp.target];
            t.add({detail::target_limit(target), std::string(detail::promise_kind(tp.kind)),
                   detail::promise_percent(tp.figure),
                   tp.impossible
                       ? (tp.kind == models::TargetPromise::Kind::expected ? "MISSED on average"
                                                                           : "CANNOT be met")
                       : ""});
        }
        out += t.render(2);
    }
    return out;
}

std::vector<std::string> promise_warnings(const models::Scenario& scenario,
                                          const models::PromiseAnalysis& promises) {
    std::vector<std::string> out;
    for (const auto& tp : promises.targets) {
        if (!tp.impossible) continue;
        const models::Target& target = scenario.targets[tp.target];
        const std::string limit = detail::target_limit(target);
        if (tp.kind == models::TargetPromise::Kind::expected) {
            out.push_back(cat({"target ", limit, ": the absorbing chain expects ",
                               detail::promise_percent(tp.figure),
                               " in the long run, so it is missed on average; change the "
                               "probabilities (defects, detection, losses), not capacity"}));
        } else {
            out.push_back(cat({"target ", limit,
                               " cannot be met: the service times and link "
                               "delays alone give ",
                               std::string(detail::promise_kind(tp.kind)), " ",
                               detail::promise_percent(tp.figure),
                               "; more servers cannot fix that, shorter delays or later due "
                               "dates can"}));
        }
    }
    const std::string tus = detail::plural_unit(scenario.time_unit);
    for (const auto& fp : promises.faults) {
        const models::Fault& f = scenario.faults[fp.fault];
        models::Diagnostic d;
        d.loc = f.loc;
        d.path = cat({"faults.", std::to_string(fp.fault)});
        const std::string what =
            cat({models::to_string(f.kind), " fault on `", scenario.stages[f.stage].name,
                 "` over [", format_number(f.at), ", ", format_number(f.at + f.duration), ")"});
        const std::string warmup = cat({format_number(scenario.run.warmup), " ", tus});
        const std::string horizon = cat({format_number(scenario.run.horizon), " ", tus});
        switch (fp.timing) {
        case models::FaultTiming::measured: continue;
        case models::FaultTiming::in_warmup:
            d.message = cat({"this ", what, " ends within the warm-up (", warmup,
                             "): its effect is not measured"});
            d.hint = "move it after the warm-up, or shorten run.warmup";
            break;
        case models::FaultTiming::partly_in_warmup:
            d.message = cat({"this ", what, " starts before the warm-up ends (", warmup,
                             "): only its part after the warm-up is measured"});
            d.hint = "move it after the warm-up, or shorten run.warmup";
            break;
        case models::FaultTiming::after_horizon:
            d.message = cat({"this ", what, " starts at or after the horizon (", horizon,
                             "): it never happens"});
            d.hint = "move it before the horizon, or lengthen run.horizon";
            break;
        case models::FaultTiming::partly_after_horizon:
            d.message =
                cat({"this ", what, " runs past the horizon (", horizon, "): it is cut short"});
            d.hint = "move it earlier, or lengthen run.horizon";
            break;
        }
        out.push_back(d.render());
    }
    return out;
}

namespace detail {

/// Utilisation from which `run` warns that a station is at its limit.
constexpr double kUtilisationWarning = 0.99;

/// A count of orders averaged over replications: "790", "3.5", "0.25".
std::string orders_text(double x) { return x >= 10 ? fixed(x, 0) : significant(x, 2); }

/// "machine 790 queued, 1 in service; ship 3.5 in transit": the stages holding the most
/// orders at the end, largest first (at most `top`).
std::string wip_location(const models::Scenario& scenario,
                         const std::vector<models::StageWipAtEnd>& at_end, std::size_t top) {
    std::vector<std::pair<double, std::size_t>> ranked;
    for (std::size_t s = 0; s < at_end.size() && s < scenario.stages.size(); ++s) {
        const auto& w = at_end[s];
        const double total = w.queued + w.in_service + w.blocked + w.in_transit;
        if (total > 0) ranked.emplace_back(total, s);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string out;
    for (std::size_t i = 0; i < ranked.size() && i < top; ++i) {
        const auto& w = at_end[ranked[i].second];
        std::string parts;
        auto part = [&parts](double x, std::string_view what) {
            if (!(x > 0)) return;
            parts += cat({parts.empty() ? "" : ", ", orders_text(x), " ", what});
        };
        part(w.queued, "queued");
        part(w.in_service, "in service");
        part(w.blocked, "blocked (finished, next stage full)");
        part(w.in_transit, "in transit");
        out += cat({out.empty() ? "" : "; ", scenario.stages[ranked[i].second].name, " ", parts});
    }
    if (ranked.size() > top) out += cat({"; ", std::to_string(ranked.size() - top), " more"});
    return out;
}

}  // namespace detail

std::vector<std::string> run_warnings(const models::Scenario& scenario, const Summary& summary,
                                      const std::vector<models::ReplicationResult>& results) {
    std::vector<std::string> out;
    const std::string tu = models::to_string(scenario.time_unit);
    const models::WipTrend trend = models::wip_trend(results);
    if (trend.growing) {
        out.push_back(cat(
            {"work in progress was still growing when the run ended: about ",
             significant(trend.slope, 3), " orders/", tu, ", ", detail::orders_text(trend.growth),
             " orders over the observed window against a mean WIP of ",
             detail::orders_text(trend.wip_mean), " (trend t = ", fixed(trend.t, 1), " > ",
             fixed(trend.critical, 1), " over ", std::to_string(trend.replications),
             " replications); the line does not keep up, so WIP and lead times depend on the "
             "horizon: see `qosim check` for the loads"}));
    }
    const auto util = detail::stage_metric_index("utilization");
    for (std::size_t s = 0; util && s < scenario.stages.size() && s < summary.stage_means.size();
         ++s) {
        if (!detail::is_server_stage(scenario.stages[s].type)) continue;
        const double u = summary.stage_means[s][*util];
        if (!(u >= detail::kUtilisationWarning)) continue;
        out.push_back(cat({"stage '", scenario.stages[s].name, "' ran at ", fixed(100 * u, 1),
                           " % utilisation: it is at its limit, its queue barely (if at all) "
                           "stable; add servers or shorten its service"}));
    }
    if (!out.empty()) {
        const std::vector<models::StageWipAtEnd> at_end = models::mean_wip_at_end(results);
        double total = 0;
        for (const auto& w : at_end) total += w.queued + w.in_service + w.blocked + w.in_transit;
        const std::string where = detail::wip_location(scenario, at_end, 4);
        out.push_back(cat({"at the end of the run ", detail::orders_text(total),
                           " orders were in the system (mean over ", std::to_string(results.size()),
                           " replications)", where.empty() ? std::string() : ": " + where}));
    }
    return out;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, std::string unit, std::size_t baseline)
    : out_(out),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      unit_(std::move(unit)),
      baseline_(baseline) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, std::size_t total) {
    update_partial(static_cast<double>(done), total);
}

void ProgressBar::update_partial(double done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    constexpr std::size_t kWidth = 30;
    const double all = static_cast<double>(total);
    done = std::clamp(done, 0.0, all);
    const double frac = done / all;
    const auto filled = static_cast<std::size_t>(frac * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');

    std::string eta = "--:--";
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double base = static_cast<double>(baseline_);
    if (done > base) {
        const auto secs =
            static_cast<long long>(std::llround(elapsed * (all - done) / (done - base)));
        const std::string mm = std::to_string(secs / 60);
        const std::string ss = std::to_string(secs % 60);
        eta = mm + ":" + (ss.size() < 2 ? "0" : "") + ss;
    }
    out_ << "\r[" << bar << "] " << static_cast<std::size_t>(done) << "/" << total << " " << unit_
         << " " << std::setw(3) << static_cast<int>(frac * 100) << " %  ETA " << eta << "   "
         << std::flush;
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!enabled_ || !drawn_) return;
    out_ << "\r" << std::string(80, ' ') << "\r" << std::flush;
    drawn_ = false;
}

}  // namespace qosim::app
