// `run --trace FILE` options and the trace size estimate (see trace_options.hpp).
#include "app/cli/trace_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <tuple>

#include "app/output/csv.hpp"
#include "app/output/text.hpp"
#include "models/graph/flow_analysis.hpp"
#include "sim/number_text.hpp"

namespace qosim::app {

namespace {

std::optional<std::size_t> parse_index(std::string_view s) {
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_time(std::string_view s) {
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

double digits(double n) { return n < 10 ? 1.0 : std::floor(std::log10(n)) + 1.0; }

// Rows a visit of a stage of this type writes: created (source); arrive, start, done
// (station, inspection); arrive (link); arrive, delivered (sink).
double rows_per_visit(models::StageType t) {
    switch (t) {
    case models::StageType::source: return 1;
    case models::StageType::station:
    case models::StageType::inspection: return 3;
    case models::StageType::link: return 1;
    case models::StageType::sink: return 2;
    }
    return 1;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> parse_trace_reps(const std::string& text) {
    const auto bad = [&text](std::string_view why) {
        return UsageError(cat({"--trace-reps ", text, ": ", why,
                               " (write replication numbers and ranges, e.g. 0,2-4)"}));
    };
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::string_view rest = text;
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const auto dash = item.find('-');
        const auto first = parse_index(item.substr(0, dash));
        const auto last =
            dash == std::string_view::npos ? first : parse_index(item.substr(dash + 1));
        if (!first || !last) throw bad(cat({"`", item, "` is not a number or a range A-B"}));
        if (*last < *first) throw bad(cat({"the range `", item, "` runs backwards"}));
        out.emplace_back(*first, *last);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

std::pair<double, double> parse_trace_window(const std::string& text) {
    const auto colon = text.find(':');
    const auto bad = [&text](std::string_view why) {
        return UsageError(cat({"--trace-window ", text, ": ", why,
                               " (write FROM:TO in the scenario's time unit, e.g. 100:500)"}));
    };
    if (colon == std::string::npos) throw bad("no `:` between FROM and TO");
    const std::string_view from_text = std::string_view(text).substr(0, colon);
    const std::string_view to_text = std::string_view(text).substr(colon + 1);
    const auto from = from_text.empty() ? std::optional<double>(0.0) : parse_time(from_text);
    const auto to = to_text.empty() ? std::optional<double>(std::numeric_limits<double>::infinity())
                                    : parse_time(to_text);
    if (!from || !to) throw bad("FROM and TO must be numbers");
    if (*from < 0) throw bad("FROM must be >= 0");
    if (!(*to > *from)) throw bad("TO must be above FROM");
    return {*from, *to};
}

TraceSelection trace_selection(const RunOptions& opt, const models::Scenario& scenario) {
    if (!opt.trace) {
        if (opt.trace_reps) throw UsageError("--trace-reps needs --trace FILE");
        if (opt.trace_time) throw UsageError("--trace-window needs --trace FILE");
        return {};
    }
    TraceSelection s;
    if (opt.trace_reps) {
        s.reps = parse_trace_reps(*opt.trace_reps);
        const int most = scenario.run.precision ? std::max(scenario.run.precision->max_replications,
                                                           scenario.run.replications)
                                                : scenario.run.replications;
        for (const auto& [first, last] : s.reps) {
            if (last >= static_cast<std::size_t>(most)) {
                throw UsageError(
                    cat({"--trace-reps ", *opt.trace_reps, ": replication ", std::to_string(last),
                         " is not run (replications are 0 to ", std::to_string(most - 1), ")"}));
            }
        }
    }
    if (opt.trace_time) std::tie(s.from, s.to) = parse_trace_window(*opt.trace_time);
    return s;
}

TraceEstimate estimate_trace(const models::Scenario& scenario, const TraceSelection& selection) {
    const models::FlowAnalysis flow = models::analyse_flow(scenario);
    double rows_per_time = 0.0;
    double created_per_time = 0.0;
    double name_chars = 0.0;  // row-weighted stage name length
    for (std::size_t i = 0; i < scenario.stages.size() && i < flow.arrival_rate.size(); ++i) {
        const auto& st = scenario.stages[i];
        const double r = flow.arrival_rate[i] * rows_per_visit(st.type);
        rows_per_time += r;
        name_chars += r * static_cast<double>(st.name.size());
        if (st.type == models::StageType::source) created_per_time += flow.arrival_rate[i];
    }
    if (!(rows_per_time > 0)) return {};
    // Simulated time per replication: the horizon, or (orders mode) the time to create them.
    double length = scenario.run.horizon;
    if (scenario.run.orders && created_per_time > 0)
        length = static_cast<double>(*scenario.run.orders) / created_per_time;
    const double window = std::max(0.0, std::min(selection.to, length) - selection.from);
    const auto reps = static_cast<std::size_t>(std::max(1, scenario.run.replications));
    TraceEstimate e;
    e.rows = rows_per_time * window * static_cast<double>(selection.count(reps));
    // "rep,time,order,stage,event\n": a time prints in about 17 characters (shortest
    // round-trip text), an event name in about 5.
    e.bytes_per_row = digits(static_cast<double>(reps)) + 1 + 17 + 1 +
                      digits(created_per_time * length) + 1 + name_chars / rows_per_time + 1 + 5 +
                      1;
    return e;
}

std::optional<std::string> trace_size_warning(const std::string& file,
                                              const TraceEstimate& estimate) {
    if (!(estimate.bytes() > kTraceWarnBytes)) return std::nullopt;
    char gb[32];
    const auto res =
        std::to_chars(gb, gb + sizeof gb, estimate.bytes() / 1e9, std::chars_format::fixed, 1);
    return cat({"--trace ", file, ": the trace will be about ", std::string_view(gb, res.ptr - gb),
                " GB (", format_count(std::round(estimate.rows)), " rows of about ",
                std::to_string(static_cast<int>(std::round(estimate.bytes_per_row))),
                " bytes, from the expected event rates); writing it anyway. Keep fewer rows "
                "with --trace-reps LIST and --trace-window FROM:TO, or Ctrl-C to stop"});
}

}  // namespace qosim::app
