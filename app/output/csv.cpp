// CSV text: RFC 4180 quoting, locale-independent shortest round-trip numbers, the run tables.
#include "app/output/csv.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "models/run/metrics.hpp"
#include "models/run/replication.hpp"
#include "sim/statistics.hpp"

namespace qosim::app {

std::string format_number(double x) {
    if (!std::isfinite(x)) return {};
    if (x == 0.0) return "0";  // also -0
    std::array<char, 64> buf{};
    // No precision argument: the shortest representation that round-trips (C++17 to_chars).
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), x);
    if (ec != std::errc{}) return {};
    return std::string(buf.data(), end);
}

std::string format_count(double x) {
    if (!std::isfinite(x)) return {};
    const double r = std::nearbyint(x);
    // 2^63 is exactly representable; beyond it an int64 cannot hold the value.
    if (std::fabs(r) >= 9223372036854775808.0) return format_number(r);
    const auto i = static_cast<std::int64_t>(r);
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), i);
    if (ec != std::errc{}) return {};
    return std::string(buf.data(), end);
}

std::string quote_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

bool looks_like_formula(std::string_view text) {
    if (text.empty()) return false;
    const char first = text.front();
    if (first == '\t' || first == '\r' || first == '=' || first == '@') return true;
    if (first != '+' && first != '-') return false;
    // A signed plain number ("-2", "+0.5", "-1e-07") is a number to a spreadsheet, not a
    // formula; "-inf", "-nan", "--1" and "-1+1" are not numbers.
    const std::string_view rest = text.substr(1);
    if (rest.empty() ||
        !(std::isdigit(static_cast<unsigned char>(rest.front())) != 0 || rest.front() == '.'))
        return true;
    double x = 0.0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), x);
    return ec != std::errc{} || end != rest.data() + rest.size() || !std::isfinite(x);
}

std::string text_field(std::string_view text) {
    if (!looks_like_formula(text)) return quote_field(text);
    // OWASP's "CSV injection" advice: a leading apostrophe inside a quoted field.
    std::string out;
    out.reserve(text.size() + 3);
    out += "\"'";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void CsvBuilder::separate() {
    if (row_open_) out_ += ',';
    row_open_ = true;
}

CsvBuilder& CsvBuilder::text(std::string_view value) {
    separate();
    out_ += text_field(value);
    return *this;
}

CsvBuilder& CsvBuilder::number(double value) {
    separate();
    out_ += format_number(value);
    return *this;
}

CsvBuilder& CsvBuilder::count(double value) {
    separate();
    out_ += format_count(value);
    return *this;
}

CsvBuilder& CsvBuilder::row(std::span<const std::string_view> fields) {
    for (const auto f : fields) text(f);
    return end_row();
}

CsvBuilder& CsvBuilder::end_row() {
    out_ += '\n';
    row_open_ = false;
    return *this;
}

std::string runs_csv(std::span<const models::ReplicationResult> results, bool has_survey) {
    std::vector<models::RunMetric> metrics;
    for (const auto& m : models::run_metrics()) {
        if (models::metric_present(m, has_survey)) metrics.push_back(m);
    }
    CsvBuilder csv;
    csv.text("replication").text("seed");
    for (const auto& m : metrics) csv.text(m.name);
    csv.end_row();
    for (const auto& r : results) {
        csv.count(static_cast<double>(r.replication));
        csv.text(std::to_string(r.seed));  // full 64-bit seed, no double rounding
        for (const auto& m : metrics) csv.value(r.*m.field, m.is_count);
        csv.end_row();
    }
    return csv.str();
}

std::string classes_csv(const models::Scenario& scenario,
                        std::span<const models::ReplicationResult> results) {
    CsvBuilder csv;
    csv.text("replication").text("product");
    for (const auto& m : models::class_metrics()) csv.text(m.name);
    csv.end_row();
    for (const auto& r : results) {
        for (std::size_t c = 0; c < scenario.products.size() && c < r.classes.size(); ++c) {
            csv.count(static_cast<double>(r.replication));
            csv.text(scenario.products[c].name);
            for (const auto& m : models::class_metrics())
                csv.value(r.classes[c].*m.field, m.is_count);
            csv.end_row();
        }
    }
    return csv.str();
}

std::vector<std::size_t> timeseries_stages(const models::Scenario& scenario) {
    std::vector<std::size_t> stages;
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const auto type = scenario.stages[s].type;
        if (type == models::StageType::station || type == models::StageType::inspection) {
            stages.push_back(s);
        }
    }
    return stages;
}

std::string timeseries_csv(const models::Scenario& scenario,
                           std::span<const models::ReplicationResult> results) {
    const auto stations = timeseries_stages(scenario);
    CsvBuilder csv;
    constexpr std::array<std::string_view, 9> kHeader{
        "replication",         "window_start",     "window_end",
        "orders_created",      "orders_delivered", "customer_errors",
        "customer_error_rate", "wip_mean",         "lead_time_mean"};
    for (const auto h : kHeader) csv.text(h);
    for (const std::size_t s : stations) csv.text("util_" + scenario.stages[s].name);
    csv.end_row();
    for (const auto& r : results) {
        for (const auto& w : r.windows) {
            csv.count(static_cast<double>(r.replication));
            csv.number(w.window_start).number(w.window_end);
            csv.count(w.orders_created).count(w.orders_delivered).count(w.customer_errors);
            csv.number(w.customer_error_rate).number(w.wip_mean).number(w.lead_time_mean);
            for (std::size_t i = 0; i < stations.size(); ++i) {
                csv.number(i < w.utilization.size() ? w.utilization[i]
                                                    : std::numeric_limits<double>::quiet_NaN());
            }
            csv.end_row();
        }
    }
    return csv.str();
}

std::string stages_csv(const models::Scenario& scenario,
                       std::span<const models::ReplicationResult> results) {
    CsvBuilder csv;
    csv.text("replication").text("stage").text("type");
    for (const auto& m : models::stage_metrics()) csv.text(m.name);
    csv.end_row();
    for (const auto& r : results) {
        for (std::size_t s = 0; s < scenario.stages.size() && s < r.stages.size(); ++s) {
            const auto& spec = scenario.stages[s];
            csv.count(static_cast<double>(r.replication));
            csv.text(spec.name).text(models::to_string(spec.type));
            for (const auto& m : models::stage_metrics()) {
                if (models::stage_metric_applies(m, spec.type)) {
                    csv.value(r.stages[s].*m.field, m.is_count);
                } else {
                    csv.number(std::numeric_limits<double>::quiet_NaN());  // empty cell
                }
            }
            csv.end_row();
        }
    }
    return csv.str();
}

std::string summary_csv(const Summary& summary) {
    CsvBuilder csv;
    constexpr std::array<std::string_view, 8> kHeader{"metric",    "mean", "sd",     "ci95_low",
                                                      "ci95_high", "n",    "target", "target_met"};
    csv.row(kHeader);
    for (const auto& m : summary.metrics) {
        csv.text(m.name);
        csv.number(m.mean).number(m.sd).number(m.ci95_low).number(m.ci95_high);
        csv.count(static_cast<double>(m.n));
        csv.text(m.target).text(to_string(m.target_met));
        csv.end_row();
    }
    return csv.str();
}

namespace {

/// The rows of a per-group summary file: `first` names the group column; groups[g] are the
/// summaries of group `names(g)`.
template <typename Name>
std::string group_summary_csv(std::string_view first,
                              const std::vector<std::vector<MetricSummary>>& groups,
                              const Name& name) {
    CsvBuilder csv;
    const std::array<std::string_view, 7> header{first,      "metric",    "mean", "sd",
                                                 "ci95_low", "ci95_high", "n"};
    csv.row(header);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (const auto& m : groups[g]) {
            csv.text(name(g)).text(m.name);
            csv.number(m.mean).number(m.sd).number(m.ci95_low).number(m.ci95_high);
            csv.count(static_cast<double>(m.n));
            csv.end_row();
        }
    }
    return csv.str();
}

}  // namespace

std::string stage_summary_csv(const models::Scenario& scenario, const Summary& summary) {
    return group_summary_csv("stage", summary.stage_summaries, [&](std::size_t s) {
        return std::string_view(scenario.stages[s].name);
    });
}

std::string class_summary_csv(const models::Scenario& scenario, const Summary& summary) {
    return group_summary_csv("product", summary.class_summaries, [&](std::size_t c) {
        return std::string_view(scenario.products[c].name);
    });
}

std::string format_hash(std::uint64_t hash) {
    constexpr char kDigits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = kDigits[hash & 0xfu];
        hash >>= 4;
    }
    return out;
}

std::string run_info_csv(const models::Scenario& scenario, const RunOutcome& outcome) {
    std::string overrides;
    for (const auto& o : scenario.overrides) {
        if (!overrides.empty()) overrides += ';';
        overrides += o;
    }
    CsvBuilder csv;
    csv.text("key").text("value").end_row();
    csv.text("qosim_version").text(QOSIM_VERSION).end_row();
    csv.text("stream_version").count(models::kStreamVersion).end_row();
    csv.text("scenario_name").text(scenario.name).end_row();
    csv.text("scenario_file").text(scenario.file).end_row();
    csv.text("scenario_hash").text(format_hash(scenario.content_hash)).end_row();
    csv.text("time_unit").text(models::to_string(scenario.time_unit)).end_row();
    csv.text("seed").text(std::to_string(scenario.run.seed)).end_row();
    csv.text("replications").count(scenario.run.replications).end_row();
    const bool orders_mode = scenario.run.orders.has_value();
    csv.text("horizon");
    if (orders_mode) {
        csv.text("");
    } else {
        csv.number(scenario.run.horizon);
    }
    csv.end_row();
    csv.text("orders");
    if (orders_mode) {
        csv.text(std::to_string(*scenario.run.orders));
    } else {
        csv.text("");
    }
    csv.end_row();
    csv.text("warmup").number(scenario.run.warmup).end_row();
    csv.text("warmup_method").text(outcome.warmup_auto ? "auto-mser5" : "fixed").end_row();
    if (const auto& p = outcome.precision) {
        csv.text("precision_metric").text(p->metric).end_row();
        csv.text("precision_goal").number(p->goal).end_row();
        csv.text("precision_reached").text(p->reached ? "yes" : "no").end_row();
        csv.text("precision_half_width").number(p->half_width).end_row();
        csv.text("precision_min_replications")
            .count(static_cast<double>(p->min_replications))
            .end_row();
        csv.text("precision_max_replications")
            .count(static_cast<double>(p->max_replications))
            .end_row();
    }
    csv.text("lead_time_quantile_rel_error").number(models::kQuantileRelError).end_row();
    if (outcome.timeseries_window) {
        csv.text("timeseries_window").number(*outcome.timeseries_window).end_row();
    }
    if (outcome.trace_file) csv.text("trace").text(*outcome.trace_file).end_row();
    csv.text("overrides").text(overrides).end_row();
    std::string settings;
    for (const auto& s : scenario.settings) {
        if (!settings.empty()) settings += ';';
        settings += s;
    }
    if (!scenario.variant.empty()) csv.text("variant").text(scenario.variant).end_row();
    if (!settings.empty()) csv.text("settings").text(settings).end_row();
    csv.text("interrupted").text(outcome.interrupted ? "yes" : "no").end_row();
    return csv.str();
}

}  // namespace qosim::app
