// CSV text: RFC 4180 quoting, locale-independent shortest round-trip numbers, the run tables.
#include "app/output/csv.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "models/run/metrics.hpp"

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

void CsvBuilder::separate() {
    if (row_open_) out_ += ',';
    row_open_ = true;
}

CsvBuilder& CsvBuilder::text(std::string_view value) {
    separate();
    out_ += quote_field(value);
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

std::string runs_csv(std::span<const models::ReplicationResult> results) {
    CsvBuilder csv;
    csv.text("replication").text("seed");
    for (const auto& m : models::run_metrics()) csv.text(m.name);
    csv.end_row();
    for (const auto& r : results) {
        csv.count(static_cast<double>(r.replication));
        csv.text(std::to_string(r.seed));  // full 64-bit seed, no double rounding
        for (const auto& m : models::run_metrics()) csv.value(r.*m.field, m.is_count);
        csv.end_row();
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
            for (const auto& m : models::stage_metrics())
                csv.value(r.stages[s].*m.field, m.is_count);
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

std::string format_hash(std::uint64_t hash) {
    constexpr char kDigits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = kDigits[hash & 0xfu];
        hash >>= 4;
    }
    return out;
}

std::string run_info_csv(const models::Scenario& scenario) {
    std::string overrides;
    for (const auto& o : scenario.overrides) {
        if (!overrides.empty()) overrides += ';';
        overrides += o;
    }
    CsvBuilder csv;
    csv.text("key").text("value").end_row();
    csv.text("qosim_version").text(QOSIM_VERSION).end_row();
    csv.text("scenario_name").text(scenario.name).end_row();
    csv.text("scenario_file").text(scenario.file).end_row();
    csv.text("scenario_hash").text(format_hash(scenario.content_hash)).end_row();
    csv.text("time_unit").text(models::to_string(scenario.time_unit)).end_row();
    csv.text("seed").text(std::to_string(scenario.run.seed)).end_row();
    csv.text("replications").count(scenario.run.replications).end_row();
    csv.text("horizon").number(scenario.run.horizon).end_row();
    csv.text("warmup").number(scenario.run.warmup).end_row();
    csv.text("overrides").text(overrides).end_row();
    return csv.str();
}

}  // namespace qosim::app
