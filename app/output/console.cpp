// Terminal output: the post-run summary, the `check` report and the progress bar.
#include "app/output/console.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

#include "app/output/csv.hpp"
#include "app/output/text.hpp"
#include "models/run/metrics.hpp"

namespace qosim::app {

namespace detail {

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

/// Digits after the point so that `x` (with CI half-width `hw`) shows about two significant
/// digits of its uncertainty, or four significant digits when there is no interval.
int decimals_for(double x, double hw) {
    if (std::isfinite(hw) && hw > 0) {
        return std::clamp(1 - static_cast<int>(std::floor(std::log10(hw))), 0, 6);
    }
    if (!std::isfinite(x) || x == 0) return 0;
    return std::clamp(3 - static_cast<int>(std::floor(std::log10(std::fabs(x)))), 0, 6);
}

std::string plural_unit(models::TimeUnit unit) {
    return std::string(models::to_string(unit)) + "s";
}

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

/// The flow analysis' verdict for stage `s` (stations whose offered load per server is >= 1).
bool is_saturated(const models::FlowAnalysis& flow, std::size_t s) {
    if (s < flow.saturated.size()) return flow.saturated[s];
    return false;
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

std::string render_run_report(const models::Scenario& scenario, const Summary& summary,
                              const std::vector<std::filesystem::path>& files) {
    using detail::TextTable;
    using Align = TextTable::Align;
    const std::string tu = models::to_string(scenario.time_unit);
    const std::string tus = detail::plural_unit(scenario.time_unit);
    std::size_t n = 0;
    if (!summary.metrics.empty()) n = summary.metrics.front().n;

    std::string out;
    out += "Scenario: " + scenario.name + "  (" + scenario.file + ")\n";
    out += "Run: " + std::to_string(n) + " replication" + (n == 1 ? "" : "s") + ", horizon " +
           detail::duration(scenario.run.horizon) + " " + tus + ", warm-up " +
           detail::duration(scenario.run.warmup) + " " + tus + ", seed " +
           std::to_string(scenario.run.seed) + "\n\n";

    // Key metrics: mean ± 95 % CI half-width, with units. Shares shown in %.
    struct Key {
        std::string_view metric;
        std::string_view label;
        double scale;
        std::string unit;
    };
    const std::vector<Key> keys{
        {"orders_created", "orders created", 1, "orders"},
        {"orders_delivered", "orders delivered", 1, "orders"},
        {"orders_lost", "orders lost", 1, "orders"},
        {"throughput", "throughput", 1, "orders/" + tu},
        {"lead_time_mean", "lead time mean", 1, tus},
        {"lead_time_p95", "lead time p95", 1, tus},
        {"on_time_rate", "on-time rate", 100, "%"},
        {"customer_error_rate", "customer error rate", 100, "%"},
        {"total_cost", "total cost", 1, ""},
        {"wip_mean", "WIP (mean)", 1, "orders"},
    };
    out += n >= 2 ? "Key metrics (mean ± 95 % CI half-width):\n"
                  : "Key metrics (mean; no CI with one replication):\n";
    TextTable table({Align::left, Align::right, Align::left, Align::right, Align::left});
    for (const auto& key : keys) {
        const MetricSummary* m = summary.find(key.metric);
        if (m == nullptr) continue;
        const double mean = m->mean * key.scale;
        const double hw = m->half_width() * key.scale;
        const int d = detail::decimals_for(mean, hw);
        const bool has_ci = m->n >= 2 && std::isfinite(hw);
        table.add({std::string(key.label), fixed(mean, d), has_ci ? "±" : "",
                   has_ci ? fixed(hw, d) : "", key.unit});
    }
    out += table.render(2) + "\n";

    // Per-stage replication means.
    const auto util = detail::stage_metric_index("utilization");
    const auto queue = detail::stage_metric_index("queue_len_mean");
    const auto wait = detail::stage_metric_index("wait_mean");
    const auto departures = detail::stage_metric_index("departures");
    auto stage_value = [&](std::size_t s, std::optional<std::size_t> k) {
        if (!k || s >= summary.stage_means.size()) return std::numeric_limits<double>::quiet_NaN();
        return summary.stage_means[s][*k];
    };
    out += "Stages (replication means):\n";
    TextTable stages(
        {Align::left, Align::left, Align::right, Align::right, Align::right, Align::right});
    stages.add({"stage", "type", "utilization", "queue", "wait (" + tus + ")", "departures"});
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const auto& spec = scenario.stages[s];
        const bool server = detail::is_server_stage(spec.type);
        stages.add({spec.name, models::to_string(spec.type),
                    server ? fixed(100 * stage_value(s, util), 1) + " %" : "-",
                    server ? fixed(stage_value(s, queue), 2) : "-",
                    server ? fixed(stage_value(s, wait), 3) : "-",
                    fixed(stage_value(s, departures), 1)});
    }
    out += stages.render(2) + "\n";

    // Targets.
    bool any_target = false;
    TextTable targets({Align::left, Align::left, Align::right, Align::left, Align::left});
    for (const auto& m : summary.metrics) {
        if (m.target_met == TargetStatus::none) continue;
        any_target = true;
        const int d = detail::decimals_for(m.mean, m.half_width());
        std::string ci;
        if (m.n >= 2 && std::isfinite(m.ci95_low)) {
            ci = cat({"[", fixed(m.ci95_low, d), ", ", fixed(m.ci95_high, d), "]"});
        }
        targets.add(
            {m.name, m.target, fixed(m.mean, d), ci, std::string(detail::verdict(m.target_met))});
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

std::string render_check_report(const models::Scenario& scenario,
                                const models::FlowAnalysis& flow) {
    using detail::TextTable;
    using Align = TextTable::Align;
    const std::string tu = models::to_string(scenario.time_unit);
    const std::string tus = detail::plural_unit(scenario.time_unit);

    std::string out;
    out += "Scenario \"" + scenario.name + "\" (" + scenario.file + ") is valid.\n";
    out += "Run: " + std::to_string(scenario.run.replications) + " replications, horizon " +
           detail::duration(scenario.run.horizon) + " " + tus + ", warm-up " +
           detail::duration(scenario.run.warmup) + " " + tus + ", seed " +
           std::to_string(scenario.run.seed) + "\n\n";

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
            const std::string to = r.to < scenario.stages.size() ? scenario.stages[r.to].name : "?";
            routes.add({s.name, "->", to,
                        s.routes.size() > 1 ? cat({"p = ", format_number(r.prob)}) : ""});
        }
    }
    out += routes.render(2) + "\n";

    out += "Flow analysis (steady state; arrival rate in orders/" + tu + "):\n";
    TextTable table({Align::left, Align::left, Align::right, Align::right, Align::left});
    table.add({"stage", "type", "arrival rate", "utilization", ""});
    for (std::size_t s = 0; s < scenario.stages.size(); ++s) {
        const auto& spec = scenario.stages[s];
        const double rate = s < flow.arrival_rate.size() ? flow.arrival_rate[s]
                                                         : std::numeric_limits<double>::quiet_NaN();
        const bool server = detail::is_server_stage(spec.type);
        const double u = s < flow.utilization.size() ? flow.utilization[s]
                                                     : std::numeric_limits<double>::quiet_NaN();
        std::string load = "-";
        if (server) load = fixed(100 * u, 1) + " %";
        if (spec.type == models::StageType::link) load = fixed(u, 2) + " in transit";
        table.add({spec.name, models::to_string(spec.type), fixed(rate, 4), load,
                   detail::is_saturated(flow, s) ? "SATURATED" : ""});
    }
    out += table.render(2);
    return out;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled)
    : out_(out), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    constexpr std::size_t kWidth = 30;
    const double frac = static_cast<double>(done) / static_cast<double>(total);
    const auto filled = static_cast<std::size_t>(frac * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');

    std::string eta = "--:--";
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (done > 0) {
        const auto secs = static_cast<long long>(
            std::llround(elapsed * static_cast<double>(total - done) / static_cast<double>(done)));
        const std::string mm = std::to_string(secs / 60);
        const std::string ss = std::to_string(secs % 60);
        eta = mm + ":" + (ss.size() < 2 ? "0" : "") + ss;
    }
    out_ << "\r[" << bar << "] " << done << "/" << total << " replications  ETA " << eta << "   "
         << std::flush;
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!enabled_ || !drawn_) return;
    out_ << "\r" << std::string(80, ' ') << "\r" << std::flush;
    drawn_ = false;
}

}  // namespace qosim::app
