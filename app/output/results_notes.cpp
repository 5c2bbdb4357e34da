// The annotated graph's numbers: from results in memory, or read back from a run's CSV files.
#include "app/output/results_notes.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/output/text.hpp"

namespace qosim::app {

namespace {

using Row = std::vector<std::string>;

// RFC 4180 records of `text` (quoted fields, doubled quotes, LF or CRLF line ends).
std::vector<Row> parse_csv(const std::string& text, const std::string& name) {
    std::vector<Row> rows;
    Row row;
    std::string field;
    bool quoted = false;
    bool any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (quoted) throw ResultsError(cat({name, ": unterminated quoted field"}));
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

// A table read by column name.
struct Table {
    std::string name;
    std::map<std::string, std::size_t> column;
    std::vector<Row> rows;  // without the header

    std::size_t index(const std::string& col) const {
        const auto it = column.find(col);
        if (it == column.end())
            throw ResultsError(
                cat({name, ": no column `", col, "` (is this a `qosim run --out` directory?)"}));
        return it->second;
    }
    std::optional<std::size_t> maybe_index(const std::string& col) const {
        const auto it = column.find(col);
        if (it == column.end()) return std::nullopt;
        return it->second;
    }
    // The number in `row` at column `k`; none for an empty cell.
    std::optional<double> number(std::size_t r, std::size_t k) const {
        const std::string& cell = rows[r][k];
        if (cell.empty()) return std::nullopt;
        double x = 0;
        const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), x);
        if (ec != std::errc{} || end != cell.data() + cell.size()) {
            throw ResultsError(
                cat({name, ":", std::to_string(r + 2), ": `", cell, "` is not a number"}));
        }
        return x;
    }
};

Table read_table(const std::filesystem::path& dir, const char* file) {
    const auto path = dir / file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ResultsError(cat({"--results ", dir.string(), ": cannot read ", path.string(),
                                " (give a directory written by `qosim run --out DIR`)"}));
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    Table t;
    t.name = path.string();
    auto rows = parse_csv(buf.str(), t.name);
    if (rows.empty()) throw ResultsError(cat({t.name, ": empty file"}));
    for (std::size_t k = 0; k < rows[0].size(); ++k) t.column[rows[0][k]] = k;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r].size() != rows[0].size()) {
            throw ResultsError(
                cat({t.name, ":", std::to_string(r + 1), ": ", std::to_string(rows[r].size()),
                     " fields, the header has ", std::to_string(rows[0].size())}));
        }
        t.rows.push_back(std::move(rows[r]));
    }
    return t;
}

bool has_servers(models::StageType t) {
    return t == models::StageType::station || t == models::StageType::inspection;
}

}  // namespace

models::GraphNotes notes_from_results(const models::Scenario& scenario,
                                      std::span<const models::ReplicationResult> results) {
    const std::size_t n = scenario.stages.size();
    models::GraphNotes notes;
    notes.stages.resize(n);
    std::vector<double> util(n, 0.0);
    std::vector<std::size_t> late_n(n, 0);
    std::size_t reps = 0;
    for (const auto& r : results) {
        if (r.stages.size() != n) continue;
        ++reps;
        const double t = r.observed_time > 0 ? r.observed_time : 1.0;
        for (std::size_t s = 0; s < n; ++s) {
            const auto& x = r.stages[s];
            auto& o = notes.stages[s];
            o.arrival_rate += x.arrivals / t;
            o.departure_rate += x.departures / t;
            o.defects_escaped += x.defects_escaped;
            o.lost += x.lost;
            o.cost += x.cost;
            if (!std::isnan(x.late_time_share)) {  // NaN: no late order in that replication
                o.late_time_share += x.late_time_share;
                ++late_n[s];
            }
            util[s] += x.utilization;
        }
    }
    if (reps == 0) return notes;
    const double k = static_cast<double>(reps);
    for (std::size_t s = 0; s < n; ++s) {
        auto& o = notes.stages[s];
        o.arrival_rate /= k;
        o.departure_rate /= k;
        o.defects_escaped /= k;
        o.lost /= k;
        o.cost /= k;
        o.late_time_share =
            late_n[s] > 0 ? o.late_time_share / static_cast<double>(late_n[s]) : 0.0;
        if (has_servers(scenario.stages[s].type)) o.utilization = util[s] / k;
    }
    notes.bottleneck = models::find_bottleneck(notes.stages);
    return notes;
}

models::GraphNotes read_results_notes(const std::filesystem::path& dir,
                                      const models::Scenario& scenario) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw ResultsError(
            cat({"--results ", dir.string(), ": no such directory (write one with `qosim run ",
                 scenario.file, " --out ", dir.string(), "`)"}));
    }
    const Table runs = read_table(dir, "runs.csv");
    const Table stages = read_table(dir, "stages.csv");
    const std::size_t n = scenario.stages.size();

    // Observed window per replication (runs.csv), for the rates.
    const std::size_t run_rep = runs.index("replication");
    const std::size_t run_obs = runs.index("observed_time");
    std::map<std::string, double> observed;
    for (std::size_t r = 0; r < runs.rows.size(); ++r) {
        const auto t = runs.number(r, run_obs);
        observed[runs.rows[r][run_rep]] = t && *t > 0 ? *t : 1.0;
    }

    const std::size_t c_rep = stages.index("replication");
    const std::size_t c_stage = stages.index("stage");
    const std::size_t c_type = stages.index("type");
    const std::size_t c_arr = stages.index("arrivals");
    const std::size_t c_dep = stages.index("departures");
    const std::size_t c_util = stages.index("utilization");
    const std::size_t c_esc = stages.index("defects_escaped");
    const std::size_t c_lost = stages.index("lost");
    const std::size_t c_cost = stages.index("cost");
    const auto c_late = stages.maybe_index("late_time_share");

    models::GraphNotes notes;
    notes.stages.resize(n);
    std::vector<double> util_sum(n, 0.0);
    std::vector<std::size_t> util_n(n, 0);
    std::vector<std::size_t> late_n(n, 0);
    std::size_t reps = 0;
    if (stages.rows.empty() || stages.rows.size() % n != 0) {
        throw ResultsError(cat({stages.name, ": ", std::to_string(stages.rows.size()),
                                " rows, not a multiple of the scenario's ", std::to_string(n),
                                " stages: these results are from another scenario; run `qosim run ",
                                scenario.file, " --out DIR` first"}));
    }
    for (std::size_t r = 0; r < stages.rows.size(); ++r) {
        const std::size_t s = r % n;
        const auto& row = stages.rows[r];
        const auto& spec = scenario.stages[s];
        if (row[c_stage] != spec.name || row[c_type] != models::to_string(spec.type)) {
            throw ResultsError(cat({stages.name, ":", std::to_string(r + 2), ": stage `",
                                    row[c_stage], "` (", row[c_type], ") where ", scenario.file,
                                    " has `", spec.name, "` (", models::to_string(spec.type),
                                    "): these results are from another scenario; run `qosim run ",
                                    scenario.file, " --out DIR` first"}));
        }
        if (s == 0) ++reps;
        const auto obs = observed.find(row[c_rep]);
        if (obs == observed.end()) {
            throw ResultsError(cat({stages.name, ":", std::to_string(r + 2), ": replication ",
                                    row[c_rep], " is not in runs.csv"}));
        }
        const double t = obs->second;
        auto& o = notes.stages[s];
        o.arrival_rate += stages.number(r, c_arr).value_or(0.0) / t;
        o.departure_rate += stages.number(r, c_dep).value_or(0.0) / t;
        o.defects_escaped += stages.number(r, c_esc).value_or(0.0);
        o.lost += stages.number(r, c_lost).value_or(0.0);
        o.cost += stages.number(r, c_cost).value_or(0.0);
        if (const auto late = c_late ? stages.number(r, *c_late) : std::nullopt) {
            o.late_time_share += *late;  // an empty cell: no late order in that replication
            ++late_n[s];
        }
        if (const auto u = stages.number(r, c_util); u && has_servers(spec.type)) {
            util_sum[s] += *u;
            ++util_n[s];
        }
    }
    const double k = static_cast<double>(reps);
    for (std::size_t s = 0; s < n; ++s) {
        auto& o = notes.stages[s];
        o.arrival_rate /= k;
        o.departure_rate /= k;
        o.defects_escaped /= k;
        o.lost /= k;
        o.cost /= k;
        o.late_time_share =
            late_n[s] > 0 ? o.late_time_share / static_cast<double>(late_n[s]) : 0.0;
        if (util_n[s] > 0) o.utilization = util_sum[s] / static_cast<double>(util_n[s]);
    }
    notes.bottleneck = models::find_bottleneck(notes.stages);
    return notes;
}

}  // namespace qosim::app
