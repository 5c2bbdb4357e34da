// report.html: the run's results as one page of HTML with inline SVG charts (svg.hpp).
#include "app/output/report.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "app/output/console.hpp"
#include "app/output/report_parts.hpp"
#include "app/output/results_notes.hpp"
#include "app/output/svg.hpp"
#include "app/output/text.hpp"
#include "models/graph/graph_notes.hpp"
#include "models/graph/stage_graph.hpp"
#include "models/run/metrics.hpp"

namespace qosim::app {

namespace report {

using svg::escape;

namespace {
bool is_share(std::string_view unit) { return unit == "share"; }
}  // namespace

// A value in the metric's display unit: shares as percent.
double shown(double v, std::string_view unit) { return is_share(unit) ? 100.0 * v : v; }

std::string unit_label(std::string_view unit, const models::Scenario& sc) {
    if (unit == "share") return "%";
    if (unit == "time") return cat({to_string(sc.time_unit), "s"});
    if (unit == "1/time") return cat({"per ", to_string(sc.time_unit)});
    if (unit == "money") return "currency units";
    return std::string(unit);
}

// A number for tables and labels: decimals by magnitude (console's `fixed`).
std::string num(double x) {
    if (!std::isfinite(x)) return "-";
    if (x == std::trunc(x) && std::fabs(x) < 1e15) return fixed(x, 0);
    const double a = std::fabs(x);
    return fixed(x, a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a == 0 ? 0 : 4);
}

std::string value_text(double v, std::string_view unit) {
    if (!std::isfinite(v)) return "-";
    if (is_share(unit)) return cat({num(100.0 * v), " %"});
    return num(v);
}

// A tick value with as many decimals as the tick step needs.
std::string tick_label(double v, double lo, double hi, int count) {
    const auto t = svg::ticks(lo, hi, count);
    const double step = t.size() >= 2 ? t[1] - t[0] : 1.0;
    if (!(step > 0) || step < 1e-6 || std::fabs(v) >= 1e9) return significant(v, 4);
    return fixed(v, std::clamp(-static_cast<int>(std::floor(std::log10(step) + 1e-9)), 0, 6));
}

namespace {
constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.4}"
    "h1{margin-bottom:4px}h2{border-bottom:2px solid #ccc;padding-bottom:4px;margin-top:32px}"
    "h3{font-size:15px;margin:18px 0 4px}.dim{color:#666;font-weight:normal}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}"
    "th{background:#f4f4f4}.v-PASS{color:#2f855a;font-weight:bold}"
    ".v-FAIL{color:#c53030;font-weight:bold}.v-UNDECIDED{color:#b7791f;font-weight:bold}"
    ".note{color:#555;font-style:italic}svg{display:block;max-width:100%;height:auto}"
    "code{background:#f4f4f4;padding:0 3px}";

}  // namespace

std::string page(std::string_view title, std::string_view header_html, std::string_view body) {
    return cat({"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                escape(title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n",
                header_html, body, "</body>\n</html>\n"});
}

std::string run_facts(const models::Scenario& sc, std::size_t replications, bool warmup_auto) {
    const std::string unit = to_string(sc.time_unit);
    return cat({"qosim ", QOSIM_VERSION, " &middot; ", escape(sc.file), " &middot; ",
                std::to_string(replications), " replications &middot; ",
                sc.run.orders ? cat({std::to_string(*sc.run.orders), " orders"})
                              : cat({"horizon ", num(sc.run.horizon), " ", unit, "s"}),
                " &middot; warm-up ", num(sc.run.warmup), " ", unit, "s",
                warmup_auto ? " (MSER-5)" : "", " &middot; seed ", std::to_string(sc.run.seed),
                " &middot; times in ", unit, "s"});
}

}  // namespace report

namespace {

using namespace report;
using svg::Canvas;
using svg::coord;
using svg::escape;
using svg::Scale;

constexpr const char* kInk = "#222222";
constexpr const char* kGrid = "#dddddd";
constexpr const char* kBlue = "#2b6cb0";
constexpr const char* kFail = "#c53030";

std::vector<double> metric_values(std::span<const models::ReplicationResult> results,
                                  std::string_view name) {
    std::vector<double> out;
    for (const auto& m : models::run_metrics()) {
        if (m.name != name) continue;
        for (const auto& r : results) {
            const double v = r.*m.field;
            if (std::isfinite(v)) out.push_back(v);  // NaN: undefined (no delivery), no dot
        }
    }
    return out;
}

std::string_view verdict_text(TargetStatus s) {
    switch (s) {
    case TargetStatus::yes: return "PASS";
    case TargetStatus::no: return "FAIL";
    case TargetStatus::undecided: return "UNDECIDED";
    case TargetStatus::none: return "";
    }
    return "";
}

const models::Target* target_of(const models::Scenario& sc, std::string_view metric) {
    for (const auto& t : sc.targets) {
        if (t.metric == metric) return &t;
    }
    return nullptr;
}

std::string ci_text(const MetricSummary& m) {
    if (m.n < 2 || !std::isfinite(m.ci95_low)) return "-";
    return cat({value_text(m.ci95_low, m.unit), " to ", value_text(m.ci95_high, m.unit)});
}

// --- sections -------------------------------------------------------------------------------

std::string targets_section(const models::Scenario& sc, const Summary& summary) {
    std::string out =
        "<section id=\"targets\">\n<h2>Targets</h2>\n"
        "<p>Each target is judged on the 95 % confidence interval of the replication mean: PASS "
        "when the whole interval meets it, FAIL when the whole interval misses it, UNDECIDED "
        "when the interval straddles the bound (more replications would decide).</p>\n";
    if (sc.targets.empty()) {
        return out +
               "<p class=\"note\">The scenario sets no <code>targets:</code>.</p>\n</section>\n";
    }
    out +=
        "<table>\n<tr><th>metric</th><th>target</th><th>mean</th><th>95 % CI</th>"
        "<th>unit</th><th>verdict</th></tr>\n";
    for (const auto& t : sc.targets) {
        const MetricSummary* m = summary.find(t.metric);
        if (m == nullptr) continue;
        std::string target;
        if (t.min) target += cat({"&ge; ", value_text(*t.min, m->unit)});
        if (t.max)
            target += cat({target.empty() ? "" : " and ", "&le; ", value_text(*t.max, m->unit)});
        const std::string_view v = verdict_text(m->target_met);
        out += cat({"<tr><td>", escape(t.metric), "</td><td>", target, "</td><td>",
                    value_text(m->mean, m->unit), "</td><td>", ci_text(*m), "</td><td>",
                    escape(unit_label(m->unit, sc)), "</td><td class=\"v-", v, "\">", v,
                    "</td></tr>\n"});
    }
    return out + "</table>\n</section>\n";
}

// A MORE-style plot: the replications as dots over their range, the 95 % CI of the mean as a
// bar, the mean as a tick, and the target's bound with its failing side shaded.
std::string more_plot(const models::Scenario& sc, const MetricSummary& m,
                      const std::vector<double>& values) {
    constexpr double W = 880, H = 110, L = 20, R = 860, Y = 52;
    std::vector<double> xs;
    for (const double v : values) xs.push_back(shown(v, m.unit));
    double lo = xs.empty() ? 0 : *std::min_element(xs.begin(), xs.end());
    double hi = xs.empty() ? 1 : *std::max_element(xs.begin(), xs.end());
    const bool has_ci = m.n >= 2 && std::isfinite(m.ci95_low);
    if (has_ci) {
        lo = std::min(lo, shown(m.ci95_low, m.unit));
        hi = std::max(hi, shown(m.ci95_high, m.unit));
    }
    const models::Target* t = target_of(sc, m.name);
    if (t && t->max) {
        lo = std::min(lo, shown(*t->max, m.unit));
        hi = std::max(hi, shown(*t->max, m.unit));
    }
    if (t && t->min) {
        lo = std::min(lo, shown(*t->min, m.unit));
        hi = std::max(hi, shown(*t->min, m.unit));
    }
    const auto [a, b] = svg::nice_range(lo, hi, 6);
    const Scale x{a, b, L, R};
    Canvas c(W, H, cat({m.name, ": replications, mean and 95 % CI"}));
    if (t && t->max)
        c.rect(x(shown(*t->max, m.unit)), 18, R - x(shown(*t->max, m.unit)), 58, "#fde8e8");
    if (t && t->min) c.rect(L, 18, x(shown(*t->min, m.unit)) - L, 58, "#fde8e8");
    for (const double v : svg::ticks(a, b, 6)) {
        c.line(x(v), 18, x(v), 76, kGrid);
        c.text(x(v), 92, tick_label(v, a, b, 6), "middle", 11);
    }
    if (!xs.empty()) {
        const auto [mn, mx] = std::minmax_element(xs.begin(), xs.end());
        c.line(x(*mn), Y, x(*mx), Y, "#999999", 1.5);
    }
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double jitter = static_cast<double>(static_cast<int>(i % 7) - 3) * 3.0;
        c.circle(x(xs[i]), Y + jitter, 3, "#555555", "fill-opacity=\"0.55\"");
    }
    if (has_ci) {
        const double x0 = x(shown(m.ci95_low, m.unit)), x1 = x(shown(m.ci95_high, m.unit));
        c.rect(x0, Y - 22, std::max(x1 - x0, 1.5), 8, kBlue, "fill-opacity=\"0.8\"");
    }
    if (std::isfinite(m.mean)) {
        const double xm = x(shown(m.mean, m.unit));
        c.line(xm, Y - 28, xm, Y + 14, kInk, 2);
    }
    if (t) {
        for (const auto& bound : {t->min, t->max}) {
            if (!bound) continue;
            const double xb = x(shown(*bound, m.unit));
            c.line(xb, 14, xb, 76, kFail, 1.5, "stroke-dasharray=\"5,3\"");
            const bool right = xb > W / 2;
            c.text(right ? xb - 3 : xb + 3, 12, cat({"target ", value_text(*bound, m.unit)}),
                   right ? "end" : "start", 11, "fill=\"#c53030\"");
        }
    }
    c.text(W - 4, 108, unit_label(m.unit, sc), "end", 11, "fill=\"#555555\"");
    return c.str();
}

std::string metrics_section(const models::Scenario& sc,
                            std::span<const models::ReplicationResult> results,
                            const Summary& summary) {
    std::string out =
        "<section id=\"metrics\">\n<h2>Key metrics</h2>\n"
        "<p>One row per metric (MORE plot): grey dots are the replications (spread over "
        "their range, the grey line), the blue bar is the 95 % confidence interval of the "
        "mean, the black tick the mean; a dashed red line is the target, its failing side "
        "shaded. Rates are in percent.</p>\n";
    for (const char* name :
         {"customer_error_rate", "lead_time_mean", "cost_per_order", "on_time_rate"}) {
        const MetricSummary* m = summary.find(name);
        if (m == nullptr) continue;
        out += cat({"<h3>", name, " <span class=\"dim\">mean ", value_text(m->mean, m->unit),
                    ", 95 % CI ", ci_text(*m), " (", escape(unit_label(m->unit, sc)),
                    ")</span></h3>\n", more_plot(sc, *m, metric_values(results, name))});
    }
    return out + "</section>\n";
}

// A node outline for the stage's type (stations: box; inspection: hexagon; source: arrow;
// link: dashed rounded box; sink: a box with a double border).
void node_shape(Canvas& c, models::StageType type, bool scrap, double x, double y, double w,
                double h, const std::string& fill, bool bold) {
    const std::string attrs = bold ? "stroke=\"#b00000\" stroke-width=\"3.5\""
                                   : "stroke=\"#333333\" stroke-width=\"1.2\"";
    using T = models::StageType;
    if (scrap) {
        c.rect(x, y, w, h, "#eeeeee", cat({attrs, " rx=\"18\""}));
        return;
    }
    switch (type) {
    case T::source:
        c.polygon({{x, y}, {x + w - 14, y}, {x + w, y + h / 2}, {x + w - 14, y + h}, {x, y + h}},
                  fill, attrs);
        return;
    case T::inspection:
        c.polygon({{x + 12, y},
                   {x + w - 12, y},
                   {x + w, y + h / 2},
                   {x + w - 12, y + h},
                   {x + 12, y + h},
                   {x, y + h / 2}},
                  fill, attrs);
        return;
    case T::link:
        c.rect(x, y, w, h, fill, cat({attrs, " rx=\"14\" stroke-dasharray=\"6,3\""}));
        return;
    case T::sink:
        c.rect(x, y, w, h, fill, attrs);
        c.rect(x + 3, y + 3, w - 6, h - 6, "none", "stroke=\"#333333\"");
        return;
    case T::station: c.rect(x, y, w, h, fill, attrs); return;
    }
}

std::string pipeline_svg(const models::Scenario& sc, const models::GraphNotes& notes) {
    const models::StageGraph g = models::build_stage_graph(sc);
    const models::LayeredLayout lay = models::layered_layout(g);
    constexpr double NW = 196, NH = 92, GX = 84, GY = 40, M = 20;
    const double W = M * 2 + lay.layers * NW + (lay.layers > 0 ? lay.layers - 1 : 0) * GX;
    // Routes that skip columns along the top row arc over it: room for the highest arc.
    const auto arcs_over = [&](std::size_t s, std::size_t t) {
        return lay.layer[t] > lay.layer[s] + 1 && lay.slot[s] == 0 && lay.slot[t] == 0;
    };
    double lift = 0;
    for (const auto e : boost::make_iterator_range(boost::edges(g))) {
        const std::size_t s = boost::source(e, g), t = boost::target(e, g);
        if (arcs_over(s, t))
            lift = std::max(lift, 30 + 18 * static_cast<double>(lay.layer[t] - lay.layer[s] - 1));
    }
    const double H =
        M * 2 + lift + lay.max_slots * NH + (lay.max_slots > 0 ? lay.max_slots - 1 : 0) * GY + 60;
    Canvas c(W, H, "The pipeline: stages and routes with flows");
    c.raw(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
        "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 "
        "L10,5 L0,10 z\" fill=\"#444444\"/></marker></defs>\n");
    const auto nx = [&](std::size_t v) { return M + lay.layer[v] * (NW + GX); };
    const auto ny = [&](std::size_t v) { return M + lift + lay.slot[v] * (NH + GY); };
    const std::string per = cat({"/", to_string(sc.time_unit)});
    // Edges first, so nodes paint over their ends.
    const char* kHalo =
        "fill=\"#333333\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"";
    for (const auto e : boost::make_iterator_range(boost::edges(g))) {
        const std::size_t s = boost::source(e, g), t = boost::target(e, g);
        bool exact = true;
        const double flow =
            s < sc.stages.size() ? models::route_flow(sc, notes, s, g[e].route, exact) : 0.0;
        std::string tag;
        if (g[e].when != models::RouteWhen::any) tag += to_string(g[e].when);
        if (g[e].product && *g[e].product < sc.products.size())
            tag += cat({tag.empty() ? "" : " ", sc.products[*g[e].product].name});
        const std::string rate = cat({exact ? "" : "~", models::short_number(flow), per});
        if (arcs_over(s, t)) {
            // Over a column or more of the top row: an arc above the nodes, not behind them.
            const double span = static_cast<double>(lay.layer[t] - lay.layer[s] - 1);
            const double x1 = nx(s) + NW / 2 + 8 * span, y1 = ny(s);
            const double x2 = nx(t) + NW / 2 - 8 * span, y2 = ny(t);
            const double top = y1 - 16 - 18 * span;
            c.path(cat({"M", coord(x1), ",", coord(y1), " C", coord(x1), ",", coord(top), " ",
                        coord(x2), ",", coord(top), " ", coord(x2), ",", coord(y2)}),
                   "fill=\"none\" stroke=\"#444444\" stroke-width=\"1.5\" "
                   "marker-end=\"url(#arrow)\"");
            c.text((x1 + x2) / 2, 0.25 * y1 + 0.75 * top + 3,
                   tag.empty() ? rate : cat({tag, " ", rate}), "middle", 10, kHalo);
        } else if (lay.layer[t] > lay.layer[s]) {
            const double x1 = nx(s) + NW, y1 = ny(s) + NH / 2, x2 = nx(t), y2 = ny(t) + NH / 2;
            c.line(x1, y1, x2, y2, "#444444", 1.5, "marker-end=\"url(#arrow)\"");
            // The route's condition above the line, its flow below.
            if (!tag.empty()) c.text((x1 + x2) / 2, (y1 + y2) / 2 - 5, tag, "middle", 10, kHalo);
            c.text((x1 + x2) / 2, (y1 + y2) / 2 + 13, rate, "middle", 10, kHalo);
        } else {
            // A route back (a loop) or within a column: an arc under the nodes.
            const double x1 = nx(s) + NW / 2 + 10, y1 = ny(s) + NH, x2 = nx(t) + NW / 2 - 10,
                         y2 = ny(t) + NH;
            const double dip = std::max(y1, y2) + 28;
            c.path(cat({"M", coord(x1), ",", coord(y1), " C", coord(x1), ",", coord(dip), " ",
                        coord(x2), ",", coord(dip), " ", coord(x2), ",", coord(y2)}),
                   "fill=\"none\" stroke=\"#444444\" stroke-width=\"1.5\" "
                   "stroke-dasharray=\"4,2\" marker-end=\"url(#arrow)\"");
            c.text((x1 + x2) / 2, 0.25 * std::max(y1, y2) + 0.75 * dip + 12,
                   tag.empty() ? rate : cat({tag, " ", rate}), "middle", 10, kHalo);
        }
    }
    for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
        const double x = nx(v), y = ny(v);
        if (g[v].is_scrap) {
            node_shape(c, models::StageType::sink, true, x, y + NH / 4, NW, NH / 2, "#eeeeee",
                       false);
            c.text(x + NW / 2, y + NH / 2 + 4, "scrap", "middle", 12);
            continue;
        }
        const auto& s = sc.stages[v];
        const bool has_note = v < notes.stages.size();
        const models::StageNote note = has_note ? notes.stages[v] : models::StageNote{};
        const bool bottleneck = notes.bottleneck && *notes.bottleneck == v;
        std::string fill = "#ffffff";
        if (note.utilization) fill = models::utilization_colour(*note.utilization);
        if (s.type == models::StageType::link) fill = "#eef2ff";
        if (s.type == models::StageType::source || s.type == models::StageType::sink)
            fill = "#f4f4f4";
        node_shape(c, s.type, false, x, y, NW, NH, fill, bottleneck);
        std::vector<std::string> lines{cat({s.name, " (", to_string(s.type), ")"})};
        const std::string facts = models::stage_facts(sc, s);
        if (!facts.empty()) lines.push_back(facts);
        if (note.utilization)
            lines.push_back(cat({"utilisation ", fixed(100.0 * *note.utilization, 1), " %",
                                 bottleneck ? "  BOTTLENECK" : ""}));
        if (note.defects_escaped > 0 || note.lost > 0)
            lines.push_back(cat({"escaped ", models::short_number(note.defects_escaped), ", lost ",
                                 models::short_number(note.lost)}));
        if (note.cost > 0) lines.push_back(cat({"cost ", models::short_number(note.cost)}));
        if (note.late_time_share > 0)
            lines.push_back(
                cat({"late orders' time ", fixed(100.0 * note.late_time_share, 1), " %"}));
        for (std::size_t i = 0; i < lines.size() && i < 6; ++i) {
            c.text(x + NW / 2, y + 16 + 14.0 * static_cast<double>(i), lines[i], "middle",
                   i == 0 ? 12 : 10.5, i == 0 ? "font-weight=\"bold\"" : "");
        }
    }
    c.text(M, H - 8,
           "Fill: utilisation (green low, yellow 75 %, red 100 %); bold red outline: the "
           "bottleneck; dashed: links; edges: units per time unit (~ estimated from route "
           "probabilities)",
           "start", 10, "fill=\"#555555\"");
    return c.str();
}

std::string pipeline_section(const models::Scenario& sc, const models::GraphNotes& notes) {
    return cat(
        {"<section id=\"pipeline\">\n<h2>Pipeline</h2>\n<p>The stages in flow order, "
         "with servers and mean service time from the scenario and the replication "
         "means from the run: utilisation, errors that reached customers (defects "
         "escaped from the stage that made them, orders lost there), cost over the "
         "observed window and the share of late orders' time spent there.</p>\n",
         pipeline_svg(sc, notes), "</section>\n"});
}

// Horizontal bars, one row per label: value and text.
std::string bar_chart(std::string_view title, const std::vector<std::string>& labels,
                      const std::vector<double>& values, const std::vector<std::string>& texts,
                      std::string_view colour) {
    constexpr double W = 880, L = 170, R = 600, row = 22;
    const double H = 30 + row * static_cast<double>(labels.size());
    double hi = 0;
    for (const double v : values) hi = std::max(hi, std::isfinite(v) ? v : 0.0);
    const Scale x{0, hi > 0 ? hi : 1, L, R};
    Canvas c(W, H, title);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double y = 10 + row * static_cast<double>(i);
        c.text(L - 6, y + 14, labels[i], "end", 11);
        const double v = std::isfinite(values[i]) ? values[i] : 0.0;
        c.rect(L, y + 3, std::max(x(v) - L, v > 0 ? 1.0 : 0.0), row - 6, colour);
        c.text(x(v) + 4, y + 14, texts[i], "start", 11);
    }
    c.line(L, 8, L, H - 18, kInk);
    return c.str();
}

double stage_mean(std::span<const models::ReplicationResult> results, std::size_t s,
                  double models::StageResult::*field) {
    double sum = 0;
    std::size_t n = 0;
    for (const auto& r : results) {
        if (s < r.stages.size()) {
            sum += r.stages[s].*field;
            ++n;
        }
    }
    return n > 0 ? sum / static_cast<double>(n) : 0.0;
}

std::string errors_section(const models::Scenario& sc,
                           std::span<const models::ReplicationResult> results) {
    std::string out =
        "<section id=\"errors\">\n<h2>Error attribution</h2>\n"
        "<p>Where the customer-facing errors come from, per replication (mean): defects "
        "that reached a customer, by the stage that introduced them; orders lost, by the "
        "stage that lost them (a full first queue, a lossy link); and lateness, by each "
        "stage's share of the late orders' lead time (waiting, service, blocking, "
        "transit).</p>\n";
    std::vector<std::string> labels, texts, late_labels, late_texts;
    std::vector<double> escaped, lost, both, late;
    for (std::size_t s = 0; s < sc.stages.size(); ++s) {
        const double e = stage_mean(results, s, &models::StageResult::defects_escaped);
        const double l = stage_mean(results, s, &models::StageResult::lost);
        const double share = stage_mean(results, s, &models::StageResult::late_time_share);
        if (e > 0 || l > 0) {
            labels.push_back(sc.stages[s].name);
            both.push_back(e + l);
            texts.push_back(cat({num(e), " escaped, ", num(l), " lost"}));
        }
        if (share > 0) {
            late_labels.push_back(sc.stages[s].name);
            late.push_back(100.0 * share);
            late_texts.push_back(cat({fixed(100.0 * share, 1), " %"}));
        }
    }
    out += "<h3>Defects escaped and orders lost, by origin stage (orders per replication)</h3>\n";
    out += labels.empty() ? std::string(
                                "<p class=\"note\">No defect reached a customer and no "
                                "order was lost.</p>\n")
                          : bar_chart("Defects escaped and orders lost by origin stage", labels,
                                      both, texts, "#dd6b20");
    out += "<h3>Share of late orders' lead time, by stage (%)</h3>\n";
    out += late_labels.empty() ? std::string(
                                     "<p class=\"note\">No late orders (or no lateness attribution "
                                     "in these results).</p>\n")
                               : bar_chart("Share of late orders' lead time by stage", late_labels,
                                           late, late_texts, "#805ad5");
    return out + "</section>\n";
}

std::string lead_time_section(const models::Scenario& sc,
                              std::span<const models::ReplicationResult> results) {
    const std::string unit = cat({to_string(sc.time_unit), "s"});
    std::string out =
        cat({"<section id=\"lead-time\">\n<h2>Lead-time distribution</h2>\n"
             "<p>Quantiles of the lead time (order creation to delivery, in ",
             unit,
             ") from each replication's streaming quantile sketch (relative "
             "error at most 0.1 %): bars are the means over replications, dots "
             "the replications.</p>\n"});
    using F = double models::ReplicationResult::*;
    const std::pair<const char*, F> qs[] = {{"p50", &models::ReplicationResult::lead_time_p50},
                                            {"p90", &models::ReplicationResult::lead_time_p90},
                                            {"p95", &models::ReplicationResult::lead_time_p95},
                                            {"p99", &models::ReplicationResult::lead_time_p99},
                                            {"max", &models::ReplicationResult::lead_time_max}};
    double hi = 0;
    for (const auto& r : results) {
        for (const auto& q : qs) hi = std::max(hi, r.*q.second);
    }
    const models::Target* t95 = target_of(sc, "lead_time_p95");
    if (t95 && t95->max) hi = std::max(hi, *t95->max);
    const auto [a, b] = svg::nice_range(0, hi > 0 ? hi : 1, 6);
    constexpr double W = 880, H = 270, L = 60, R = 860, T = 30, B = 230;
    const Scale y{a, b, B, T};
    Canvas c(W, H, cat({"Lead-time quantiles (", unit, ")"}));
    for (const double v : svg::ticks(a, b, 6)) {
        c.line(L, y(v), R, y(v), kGrid);
        c.text(L - 6, y(v) + 4, tick_label(v, a, b, 6), "end", 11);
    }
    const double slot = (R - L) / 5.0;
    for (std::size_t i = 0; i < 5; ++i) {
        // Over the replications that delivered (a lead time is NaN without a delivery).
        double sum = 0;
        std::size_t n = 0;
        for (const auto& r : results) {
            if (!std::isfinite(r.*qs[i].second)) continue;
            sum += r.*qs[i].second;
            ++n;
        }
        const double mean = n == 0 ? 0.0 : sum / static_cast<double>(n);
        const double cx = L + slot * (static_cast<double>(i) + 0.5);
        if (n > 0) c.rect(cx - slot * 0.3, y(mean), slot * 0.6, B - y(mean), "#90cdf4");
        std::size_t k = 0;
        for (const auto& r : results) {
            if (!std::isfinite(r.*qs[i].second)) continue;
            const double jitter = static_cast<double>(static_cast<int>(k++ % 7) - 3) * 4.0;
            c.circle(cx + jitter, y(r.*qs[i].second), 2.5, "#2c5282", "fill-opacity=\"0.7\"");
        }
        c.text(cx, B + 16, qs[i].first, "middle", 12);
        c.text(cx, B - 6, n > 0 ? num(mean) : "-", "middle", 11, "font-weight=\"bold\"");
    }
    if (t95 && t95->max) {
        c.line(L, y(*t95->max), R, y(*t95->max), kFail, 1.5, "stroke-dasharray=\"5,3\"");
        c.text(L + 4, y(*t95->max) - 4, cat({"target p95 ", num(*t95->max)}), "start", 11,
               "fill=\"#c53030\"");
    }
    c.line(L, B, R, B, kInk);
    c.text(8, 12, unit, "start", 11, "fill=\"#555555\"");
    return out + c.str() + "</section>\n";
}

double run_mean(const Summary& summary, std::string_view name) {
    const MetricSummary* m = summary.find(name);
    return m != nullptr ? m->mean : 0.0;
}

std::string cost_section(const models::Scenario& sc,
                         std::span<const models::ReplicationResult> results,
                         const Summary& summary) {
    const double window = run_mean(summary, "observed_time");
    std::string out = cat(
        {"<section id=\"cost\">\n<h2>Cost</h2>\n<p>Replication means over the observed window (",
         num(window), " ", to_string(sc.time_unit),
         "s after the warm-up), in the scenario's currency units. Total ",
         num(run_mean(summary, "total_cost")), ", per delivered order ",
         num(run_mean(summary, "cost_per_order")), ".</p>\n"});
    const std::pair<const char*, const char*> parts[] = {
        {"cost_resource", "resource (busy and idle server time)"},
        {"cost_units", "per-unit costs"},
        {"cost_repairs", "repairs"},
        {"cost_penalties", "penalties (late, escaped, lost)"}};
    std::vector<std::string> labels, texts;
    std::vector<double> values;
    for (const auto& [name, what] : parts) {
        labels.push_back(name + 5);  // without "cost_"
        values.push_back(run_mean(summary, name));
        texts.push_back(cat({num(values.back()), "  ", what}));
    }
    out += "<h3>Breakdown by category</h3>\n" +
           bar_chart("Cost by category", labels, values, texts, "#3182ce");
    const std::pair<const char*, const char*> quality[] = {
        {"cost_appraisal", "appraisal: inspection stages"},
        {"cost_internal_failure", "internal failure: rework and breakdown repairs"},
        {"cost_external_failure", "external failure: late, escape and loss penalties"}};
    labels.clear();
    texts.clear();
    values.clear();
    for (const auto& [name, what] : quality) {
        labels.push_back(name + 5);
        values.push_back(run_mean(summary, name));
        texts.push_back(cat({num(values.back()), "  ", what}));
    }
    out += "<h3>Cost of quality</h3>\n" +
           bar_chart("Cost of quality", labels, values, texts, "#c05621");
    labels.clear();
    texts.clear();
    values.clear();
    for (std::size_t s = 0; s < sc.stages.size(); ++s) {
        const double v = stage_mean(results, s, &models::StageResult::cost);
        if (!(v > 0)) continue;
        labels.push_back(sc.stages[s].name);
        values.push_back(v);
        texts.push_back(num(v));
    }
    if (!labels.empty())
        out += "<h3>Cost by stage</h3>\n" +
               bar_chart("Cost by stage", labels, values, texts, "#4a5568");
    return out + "</section>\n";
}

// One line chart of a per-window series: the replications thin, their mean bold, the
// warm-up shaded.
std::string series_chart(const models::Scenario& sc,
                         std::span<const models::ReplicationResult> results, std::string_view name,
                         double models::WindowResult::*field, double scale, std::string_view unit) {
    constexpr double W = 880, H = 210, L = 60, R = 860, T = 26, B = 180;
    double t_end = 0, hi = 0;
    std::size_t windows = 0;
    for (const auto& r : results) {
        windows = std::max(windows, r.windows.size());
        for (const auto& w : r.windows) {
            t_end = std::max(t_end, w.window_end);
            hi = std::max(hi, scale * (w.*field));
        }
    }
    const auto [a, b] = svg::nice_range(0, hi > 0 ? hi : 1, 5);
    const Scale x{0, t_end > 0 ? t_end : 1, L, R};
    const Scale y{a, b, B, T};
    Canvas c(W, H, cat({name, " per window"}));
    const double warmup = sc.run.warmup;
    if (warmup > 0) {
        c.rect(L, T, x(std::min(warmup, t_end)) - L, B - T, "#edf2f7");
        c.line(x(std::min(warmup, t_end)), T, x(std::min(warmup, t_end)), B, "#718096", 1.5,
               "stroke-dasharray=\"4,3\"");
        c.text(L + 4, T + 12, "warm-up (discarded)", "start", 10, "fill=\"#4a5568\"");
    }
    for (const double v : svg::ticks(a, b, 5)) {
        c.line(L, y(v), R, y(v), kGrid);
        c.text(L - 6, y(v) + 4, tick_label(v, a, b, 5), "end", 11);
    }
    for (const double v : svg::ticks(0, t_end, 6))
        c.text(x(v), B + 16, tick_label(v, 0, t_end, 6), "middle", 11);
    std::vector<double> sum(windows, 0.0);
    std::vector<std::size_t> count(windows, 0);
    for (const auto& r : results) {
        std::vector<std::pair<double, double>> pts;
        for (std::size_t i = 0; i < r.windows.size(); ++i) {
            const auto& w = r.windows[i];
            pts.emplace_back(x((w.window_start + w.window_end) / 2), y(scale * (w.*field)));
            sum[i] += scale * (w.*field);
            ++count[i];
        }
        c.polyline(pts, "#a0aec0", 1);
    }
    std::vector<std::pair<double, double>> mean;
    for (const auto& r : results) {
        for (std::size_t i = 0; i < r.windows.size() && mean.size() < windows; ++i) {
            if (i < mean.size()) continue;
            const auto& w = r.windows[i];
            mean.emplace_back(x((w.window_start + w.window_end) / 2),
                              y(sum[i] / static_cast<double>(count[i])));
        }
    }
    c.polyline(mean, kBlue, 2.2);
    c.line(L, B, R, B, kInk);
    c.text(8, 12, unit, "start", 11, "fill=\"#555555\"");
    c.text(R, H - 2, cat({"time (", to_string(sc.time_unit), "s)"}), "end", 11, "fill=\"#555555\"");
    return c.str();
}

std::string timeseries_section(const models::Scenario& sc,
                               std::span<const models::ReplicationResult> results,
                               const RunOutcome& outcome) {
    std::string out = "<section id=\"timeseries\">\n<h2>Time series</h2>\n";
    const bool any = std::any_of(results.begin(), results.end(),
                                 [](const auto& r) { return !r.windows.empty(); });
    if (!outcome.timeseries_window || !any) {
        return out +
               "<p class=\"note\">Not recorded: run with <code>--timeseries WINDOW</code> "
               "to see WIP, errors and lead time window by window.</p>\n</section>\n";
    }
    out += cat({"<p>Windows of ", num(*outcome.timeseries_window), " ", to_string(sc.time_unit),
                "s over the whole run, warm-up included (shaded; its statistics are "
                "discarded). Thin grey lines: replications; blue: their mean.</p>\n"});
    out += "<h3>Work in process (orders, time-average)</h3>\n" +
           series_chart(sc, results, "wip_mean", &models::WindowResult::wip_mean, 1.0, "orders");
    out += "<h3>Customer error rate (%)</h3>\n" +
           series_chart(sc, results, "customer_error_rate",
                        &models::WindowResult::customer_error_rate, 100.0, "%");
    out += cat({"<h3>Lead time of orders delivered in the window (", to_string(sc.time_unit),
                "s)</h3>\n"}) +
           series_chart(sc, results, "lead_time_mean", &models::WindowResult::lead_time_mean, 1.0,
                        cat({to_string(sc.time_unit), "s"}));
    return out + "</section>\n";
}

}  // namespace

std::string report_html(const models::Scenario& scenario,
                        std::span<const models::ReplicationResult> results, const Summary& summary,
                        const RunOutcome& outcome) {
    const models::GraphNotes notes = notes_from_results(scenario, results);
    const std::string header =
        cat({"<h1>", escape(scenario.name), "</h1>\n<p class=\"dim\">",
             report::run_facts(scenario, results.size(), outcome.warmup_auto),
             scenario.variant.empty() ? "" : cat({" &middot; variant ", escape(scenario.variant)}),
             outcome.interrupted ? " &middot; INTERRUPTED: only the finished replications" : "",
             "</p>\n"});
    return report::page(
        cat({"qosim report: ", scenario.name}), header,
        cat({targets_section(scenario, summary), metrics_section(scenario, results, summary),
             pipeline_section(scenario, notes), errors_section(scenario, results),
             lead_time_section(scenario, results), cost_section(scenario, results, summary),
             timeseries_section(scenario, results, outcome)}));
}

}  // namespace qosim::app
