// compare's and sweep's report.html: forest plots of paired differences, response curves, a
// heat map and the cost / error-rate scatter, drawn with svg.hpp.
#include "app/output/whatif_report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "app/output/console.hpp"
#include "app/output/report_parts.hpp"
#include "app/output/svg.hpp"
#include "app/output/text.hpp"
#include "models/graph/graph_notes.hpp"

namespace qosim::app {

namespace {

using report::num;
using report::shown;
using report::tick_label;
using report::unit_label;
using report::value_text;
using svg::Canvas;
using svg::escape;
using svg::Scale;

constexpr const char* kKeyMetrics[] = {"customer_error_rate", "lead_time_mean", "cost_per_order",
                                       "on_time_rate"};

const Comparison* find_metric(const VariantComparison& v, std::string_view name) {
    for (const auto& c : v.metrics) {
        if (c.metric == name) return &c;
    }
    return nullptr;
}

const MetricSummary* find_metric(const PointSummary& p, std::string_view name) {
    for (const auto& m : p.metrics) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

// A forest plot: one row per variant, the paired difference's CI as a bar around its mean,
// the zero line dashed.
std::string forest_plot(const models::Scenario& base, std::span<const VariantComparison> variants,
                        std::string_view metric) {
    std::vector<const VariantComparison*> rows;
    std::string unit;
    double lo = 0, hi = 0;
    for (const auto& v : variants) {
        if (v.base || !v.error.empty()) continue;
        const Comparison* c = find_metric(v, metric);
        if (c == nullptr) continue;
        rows.push_back(&v);
        unit = c->unit;
        for (const double x : {c->diff, c->diff_low, c->diff_high}) {
            if (std::isfinite(x)) {
                lo = std::min(lo, shown(x, unit));
                hi = std::max(hi, shown(x, unit));
            }
        }
    }
    if (rows.empty()) return "<p class=\"note\">No variant to compare.</p>\n";
    constexpr double W = 880, L = 170, R = 860, row = 26;
    const double H = 40 + row * static_cast<double>(rows.size());
    const auto [a, b] = svg::nice_range(lo, hi, 6);
    const Scale x{a, b, L, R};
    Canvas c(W, H, cat({metric, ": difference from the base, 95 % CI"}));
    for (const double v : svg::ticks(a, b, 6)) {
        c.line(x(v), 6, x(v), H - 26, "#dddddd");
        c.text(x(v), H - 12, tick_label(v, a, b, 6), "middle", 11);
    }
    c.line(x(0), 4, x(0), H - 24, "#c53030", 1.5, "stroke-dasharray=\"5,3\"");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Comparison& m = *find_metric(*rows[i], metric);
        const double y = 18 + row * static_cast<double>(i);
        c.text(L - 8, y + 4, rows[i]->label, "end", 12);
        const bool sig = m.significant();
        const char* colour = sig ? "#2b6cb0" : "#a0aec0";
        if (std::isfinite(m.diff_low) && std::isfinite(m.diff_high)) {
            const double x0 = x(shown(m.diff_low, unit)), x1 = x(shown(m.diff_high, unit));
            c.rect(x0, y - 4, std::max(x1 - x0, 1.5), 8, colour, "fill-opacity=\"0.8\"");
        }
        c.circle(x(shown(m.diff, unit)), y, 4, "#222222");
    }
    c.text(W - 4, H - 1, unit_label(unit, base), "end", 11, "fill=\"#555555\"");
    return c.str();
}

std::string feasible_word(models::Feasibility f) {
    switch (f) {
    case models::Feasibility::feasible: return "yes";
    case models::Feasibility::infeasible: return "no";
    case models::Feasibility::undecided: return "undecided";
    }
    return "";
}

// A parameter's value as a number: the YAML text read as a double; none when it is not one.
std::optional<double> number_of(const std::string& text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

const char* kSeries[] = {"#2b6cb0", "#dd6b20", "#2f855a", "#805ad5",
                         "#c53030", "#319795", "#b7791f", "#4a5568"};

// One metric's mean (with CI whiskers) against parameter `p`, one line per combination of the
// other parameters' values (at most eight lines; more are drawn as points only).
std::string response_chart(const models::Scenario& base, const models::SweepDesign& design,
                           std::span<const PointSummary> summaries, std::size_t p,
                           std::string_view metric) {
    struct Dot {
        double x, mean, low, high;
    };
    std::vector<std::string> keys;
    std::vector<std::vector<Dot>> series;
    std::string unit;
    double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
    bool first = true;
    for (const auto& s : summaries) {
        if (s.point >= design.points.size()) continue;
        const MetricSummary* m = find_metric(s, metric);
        if (m == nullptr || !std::isfinite(m->mean)) continue;
        const auto xv = number_of(design.points[s.point][p]);
        if (!xv) continue;
        unit = m->unit;
        std::string key;
        for (std::size_t q = 0; q < design.parameters.size(); ++q) {
            if (q == p) continue;
            key += cat({key.empty() ? "" : ", ", design.parameters[q].path, " = ",
                        design.points[s.point][q]});
        }
        auto it = std::find(keys.begin(), keys.end(), key);
        if (it == keys.end()) {
            keys.push_back(key);
            series.emplace_back();
            it = keys.end() - 1;
        }
        const double lo = std::isfinite(m->ci95_low) ? m->ci95_low : m->mean;
        const double hi = std::isfinite(m->ci95_high) ? m->ci95_high : m->mean;
        const Dot d{*xv, shown(m->mean, unit), shown(lo, unit), shown(hi, unit)};
        series[static_cast<std::size_t>(it - keys.begin())].push_back(d);
        if (first) {
            xlo = xhi = d.x;
            ylo = d.low;
            yhi = d.high;
            first = false;
        }
        xlo = std::min(xlo, d.x);
        xhi = std::max(xhi, d.x);
        ylo = std::min(ylo, d.low);
        yhi = std::max(yhi, d.high);
    }
    if (first) return "<p class=\"note\">No numeric values to plot.</p>\n";
    constexpr double W = 880, L = 70, R = 600, T = 20, B = 190;
    const double H =
        std::max(230.0, 30.0 + 16.0 * static_cast<double>(std::min<std::size_t>(keys.size(), 8)));
    const auto [ya, yb] = svg::nice_range(ylo, yhi, 5);
    const auto [xa, xb] = svg::nice_range(xlo, xhi, 6);
    const Scale x{xa, xb, L, R};
    const Scale y{ya, yb, B, T};
    Canvas c(W, H, cat({metric, " against ", design.parameters[p].path}));
    for (const double v : svg::ticks(ya, yb, 5)) {
        c.line(L, y(v), R, y(v), "#dddddd");
        c.text(L - 6, y(v) + 4, tick_label(v, ya, yb, 5), "end", 11);
    }
    for (const double v : svg::ticks(xa, xb, 6))
        c.text(x(v), B + 16, tick_label(v, xa, xb, 6), "middle", 11);
    c.line(L, B, R, B, "#222222");
    c.text(R, B + 34, design.parameters[p].path, "end", 11, "fill=\"#555555\"");
    c.text(8, 12, unit_label(unit, base), "start", 11, "fill=\"#555555\"");
    for (std::size_t k = 0; k < series.size(); ++k) {
        auto pts = series[k];
        std::stable_sort(pts.begin(), pts.end(),
                         [](const Dot& a, const Dot& b) { return a.x < b.x; });
        const char* colour = kSeries[k % 8];
        std::vector<std::pair<double, double>> line;
        for (const Dot& d : pts) {
            c.line(x(d.x), y(d.low), x(d.x), y(d.high), colour, 1.2);
            c.circle(x(d.x), y(d.mean), 3, colour);
            line.emplace_back(x(d.x), y(d.mean));
        }
        if (k < 8) {
            c.polyline(line, colour, 1.5);
            if (!keys[k].empty()) {
                const double ly = T + 14.0 * static_cast<double>(k);
                c.rect(R + 16, ly - 8, 10, 10, colour);
                c.text(R + 30, ly + 1, keys[k], "start", 10.5);
            }
        }
    }
    return c.str();
}

// Cells coloured by a metric's mean over the first two parameters (averaged over the rest).
std::string heat_map(const models::Scenario& base, const models::SweepDesign& design,
                     std::span<const PointSummary> summaries, std::string_view metric) {
    std::vector<std::string> rows_v, cols_v;
    for (const auto& pt : design.points) {
        if (std::find(rows_v.begin(), rows_v.end(), pt[0]) == rows_v.end()) rows_v.push_back(pt[0]);
        if (std::find(cols_v.begin(), cols_v.end(), pt[1]) == cols_v.end()) cols_v.push_back(pt[1]);
    }
    if (rows_v.size() > 40 || cols_v.size() > 40)
        return "<p class=\"note\">Too many distinct values for a heat map (a Latin hypercube?); "
               "see the scatter below.</p>\n";
    std::vector<double> sum(rows_v.size() * cols_v.size(), 0.0);
    std::vector<std::size_t> count(sum.size(), 0);
    std::string unit;
    double lo = 0, hi = 0;
    bool any = false;
    for (const auto& s : summaries) {
        if (s.point >= design.points.size()) continue;
        const MetricSummary* m = find_metric(s, metric);
        if (m == nullptr || !std::isfinite(m->mean)) continue;
        unit = m->unit;
        const auto& pt = design.points[s.point];
        const auto r = static_cast<std::size_t>(std::find(rows_v.begin(), rows_v.end(), pt[0]) -
                                                rows_v.begin());
        const auto k = static_cast<std::size_t>(std::find(cols_v.begin(), cols_v.end(), pt[1]) -
                                                cols_v.begin());
        sum[r * cols_v.size() + k] += m->mean;
        ++count[r * cols_v.size() + k];
    }
    for (std::size_t i = 0; i < sum.size(); ++i) {
        if (count[i] == 0) continue;
        const double v = sum[i] / static_cast<double>(count[i]);
        if (!any) lo = hi = v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        any = true;
    }
    if (!any) return "<p class=\"note\">No point finished.</p>\n";
    constexpr double L = 90, T = 46, CW = 110, CH = 34;
    const double W = L + CW * static_cast<double>(cols_v.size()) + 20;
    const double H = T + CH * static_cast<double>(rows_v.size()) + 40;
    Canvas c(
        W, H,
        cat({metric, " over ", design.parameters[0].path, " and ", design.parameters[1].path}));
    c.text(L, 14, cat({design.parameters[1].path, " \u2192"}), "start", 11, "fill=\"#555555\"");
    c.text(8, 28, cat({design.parameters[0].path, " \u2193"}), "start", 11, "fill=\"#555555\"");
    for (std::size_t k = 0; k < cols_v.size(); ++k)
        c.text(L + CW * (static_cast<double>(k) + 0.5), T - 6, cols_v[k], "middle", 11);
    for (std::size_t r = 0; r < rows_v.size(); ++r) {
        const double y = T + CH * static_cast<double>(r);
        c.text(L - 8, y + CH / 2 + 4, rows_v[r], "end", 11);
        for (std::size_t k = 0; k < cols_v.size(); ++k) {
            const double xk = L + CW * static_cast<double>(k);
            const std::size_t i = r * cols_v.size() + k;
            if (count[i] == 0) {
                c.rect(xk, y, CW - 2, CH - 2, "#f4f4f4");
                continue;
            }
            const double v = sum[i] / static_cast<double>(count[i]);
            const double t = hi > lo ? (v - lo) / (hi - lo) : 0.0;
            c.rect(xk, y, CW - 2, CH - 2, models::utilization_colour(t));
            c.text(xk + CW / 2, y + CH / 2 + 4, value_text(v, unit), "middle", 11);
        }
    }
    c.text(8, H - 8,
           cat({"Colour: green lowest, red highest ", metric, " (", unit_label(unit, base), ")"}),
           "start", 10, "fill=\"#555555\"");
    return c.str();
}

std::string pareto_chart(const models::Scenario& base, const models::SweepDesign& design,
                         std::span<const PointSummary> summaries) {
    struct P {
        double cost, err;
        TargetStatus feasible;
        bool pareto, selected;
        std::size_t point;
    };
    std::vector<P> pts;
    for (const auto& s : summaries) {
        const MetricSummary* c = find_metric(s, "cost_per_order");
        const MetricSummary* e = find_metric(s, "customer_error_rate");
        if (c == nullptr || e == nullptr || !std::isfinite(c->mean) || !std::isfinite(e->mean))
            continue;
        pts.push_back({c->mean, 100.0 * e->mean, s.feasible, s.pareto, s.selected, s.point});
    }
    if (pts.empty()) return "<p class=\"note\">No point finished.</p>\n";
    double clo = pts[0].cost, chi = clo, elo = pts[0].err, ehi = elo;
    for (const auto& p : pts) {
        clo = std::min(clo, p.cost);
        chi = std::max(chi, p.cost);
        elo = std::min(elo, p.err);
        ehi = std::max(ehi, p.err);
    }
    std::optional<double> emax;
    for (const auto& t : base.targets) {
        if (t.metric == "customer_error_rate" && t.max) emax = 100.0 * *t.max;
    }
    if (emax) ehi = std::max(ehi, *emax);
    constexpr double W = 880, H = 380, L = 70, R = 640, T = 20, B = 330;
    const auto [ca, cb] = svg::nice_range(clo, chi, 6);
    const auto [ea, eb] = svg::nice_range(std::min(elo, 0.0), ehi, 6);
    const Scale x{ca, cb, L, R};
    const Scale y{ea, eb, B, T};
    Canvas c(W, H, "cost per order against customer error rate");
    if (emax) {
        c.rect(L, y(*emax), R - L, B - y(*emax), "#e6f4ea");
        c.line(L, y(*emax), R, y(*emax), "#c53030", 1.5, "stroke-dasharray=\"5,3\"");
        c.text(R - 4, y(*emax) - 4, cat({"target ", num(*emax), " %"}), "end", 11,
               "fill=\"#c53030\"");
    }
    for (const double v : svg::ticks(ea, eb, 6)) {
        c.line(L, y(v), R, y(v), "#dddddd");
        c.text(L - 6, y(v) + 4, tick_label(v, ea, eb, 6), "end", 11);
    }
    for (const double v : svg::ticks(ca, cb, 6))
        c.text(x(v), B + 16, tick_label(v, ca, cb, 6), "middle", 11);
    c.line(L, B, R, B, "#222222");
    c.text(R, B + 34, "cost per delivered order (currency units)", "end", 11, "fill=\"#555555\"");
    c.text(8, 12, "customer error rate (%)", "start", 11, "fill=\"#555555\"");
    std::vector<P> front;
    for (const auto& p : pts) {
        if (p.pareto) front.push_back(p);
    }
    std::stable_sort(front.begin(), front.end(),
                     [](const P& a, const P& b) { return a.cost < b.cost; });
    std::vector<std::pair<double, double>> line;
    for (const auto& p : front) line.emplace_back(x(p.cost), y(p.err));
    c.polyline(line, "#2b6cb0", 1.5, "stroke-dasharray=\"3,2\"");
    for (const auto& p : pts) {
        const char* colour = p.feasible == TargetStatus::yes  ? "#2f855a"
                             : p.feasible == TargetStatus::no ? "#c53030"
                                                              : "#b7791f";
        c.circle(x(p.cost), y(p.err), p.pareto ? 5 : 3.5, colour,
                 p.pareto ? "stroke=\"#2b6cb0\" stroke-width=\"1.5\"" : "");
        if (p.selected) {
            c.circle(x(p.cost), y(p.err), 10, "none", "stroke=\"#222222\" stroke-width=\"2\"");
            c.text(x(p.cost) + 12, y(p.err) - 8, cat({"selected: point ", std::to_string(p.point)}),
                   "start", 11);
        }
    }
    const double lx = R + 20;
    const std::pair<const char*, const char*> legend[] = {
        {"#2f855a", "feasible (every target met)"},
        {"#c53030", "infeasible"},
        {"#b7791f", "undecided"}};
    for (std::size_t i = 0; i < 3; ++i) {
        const double ly = T + 10 + 18.0 * static_cast<double>(i);
        c.circle(lx, ly, 4, legend[i].first);
        c.text(lx + 10, ly + 4, legend[i].second, "start", 11);
    }
    c.line(lx - 6, T + 64, lx + 6, T + 64, "#2b6cb0", 1.5, "stroke-dasharray=\"3,2\"");
    c.text(lx + 10, T + 68, "Pareto front (ringed)", "start", 11);
    if (emax) {
        c.rect(lx - 5, T + 80, 10, 10, "#e6f4ea");
        c.text(lx + 10, T + 89, "meets the error target", "start", 11);
    }
    (void)design;
    return c.str();
}

}  // namespace

std::string compare_report_html(const models::Scenario& base,
                                std::span<const VariantComparison> variants,
                                const std::vector<WhatIfPoint>& points,
                                const models::SelectionResult* selection,
                                const std::vector<std::string>& reasons) {
    std::size_t reps = 0;
    for (const auto& v : variants) {
        if (!v.metrics.empty()) reps = std::max(reps, v.metrics.front().n);
    }
    const std::string header = cat({"<h1>", escape(base.name), ": compare</h1>\n<p class=\"dim\">",
                                    report::run_facts(base, reps, base.run.warmup_auto),
                                    " &middot; common random numbers</p>\n"});
    std::string body =
        "<section id=\"differences\">\n<h2>Differences from the base</h2>\n<p>Each variant's "
        "paired difference from the base (variant minus base, replication by replication with "
        "common random numbers): the dot is the mean difference, the bar its 95 % confidence "
        "interval, blue when the interval excludes zero (a real difference), grey when it does "
        "not. Rates are in percentage points.</p>\n";
    for (const char* m : kKeyMetrics)
        body += cat({"<h3>", m, "</h3>\n", forest_plot(base, variants, m)});
    body += "<table>\n<tr><th>variant</th>";
    for (const char* m : kKeyMetrics) body += cat({"<th>", m, "</th>"});
    body += "</tr>\n";
    for (const auto& v : variants) {
        body += cat({"<tr><td>", escape(v.label), "</td>"});
        for (const char* m : kKeyMetrics) {
            const Comparison* c = find_metric(v, m);
            if (!v.error.empty() || c == nullptr) {
                body += "<td>-</td>";
                continue;
            }
            body += cat({"<td>", value_text(c->mean, c->unit),
                         v.base ? std::string()
                                : cat({" <span class=\"dim\">(", value_text(c->diff_low, c->unit),
                                       " to ", value_text(c->diff_high, c->unit), ")</span>"}),
                         "</td>"});
        }
        body += "</tr>\n";
    }
    body += "</table>\n</section>\n<section id=\"selection\">\n<h2>Selection</h2>\n";
    if (selection == nullptr) {
        body +=
            "<p class=\"note\">No selection: run with <code>--select</code> to pick the best "
            "variant that meets the targets.</p>\n";
    } else {
        body += cat(
            {"<p>",
             selection->selected
                 ? cat({"Selected: <b>", escape(points[*selection->selected].label), "</b>"})
                 : std::string("No variant was selected (none is feasible)."),
             selection->budget_exhausted ? " The replication budget ran out: no guarantee." : "",
             "</p>\n<table>\n<tr><th>variant</th><th>feasible</th><th>replications</th>"
             "<th>reason</th><th>selected</th></tr>\n"});
        for (std::size_t i = 0; i < points.size() && i < selection->systems.size(); ++i) {
            const auto& s = selection->systems[i];
            body += cat({"<tr><td>", escape(points[i].label), "</td><td>",
                         feasible_word(s.feasibility), "</td><td>", std::to_string(s.replications),
                         "</td><td>", escape(i < reasons.size() ? reasons[i] : ""), "</td><td>",
                         s.selected ? "<b>yes</b>" : "no", "</td></tr>\n"});
        }
        body += "</table>\n";
    }
    body += "</section>\n";
    return report::page(cat({"qosim compare: ", base.name}), header, body);
}

std::string sweep_report_html(const models::Scenario& base, const models::SweepDesign& design,
                              std::span<const PointSummary> summaries) {
    std::size_t reps = 0;
    for (const auto& s : summaries) reps = std::max(reps, s.replications);
    const std::string header =
        cat({"<h1>", escape(base.name), ": sweep</h1>\n<p class=\"dim\">",
             report::run_facts(base, reps, base.run.warmup_auto), " &middot; ",
             std::to_string(design.points.size()), " design points (",
             design.method == models::SweepMethod::grid ? "grid" : "Latin hypercube", ")</p>\n"});
    std::string body =
        "<section id=\"response\">\n<h2>Response curves</h2>\n<p>Each key metric's mean with "
        "its 95 % confidence interval against each swept parameter, one line per combination of "
        "the other parameters.</p>\n";
    for (std::size_t p = 0; p < design.parameters.size(); ++p) {
        for (const char* m : kKeyMetrics)
            body += cat({"<h3>", m, " against ", escape(design.parameters[p].path), "</h3>\n",
                         response_chart(base, design, summaries, p, m)});
    }
    body += "</section>\n<section id=\"heatmap\">\n<h2>Heat map</h2>\n";
    if (design.parameters.size() >= 2) {
        body += cat({"<p>Customer error rate (mean, %) over ", escape(design.parameters[0].path),
                     " and ", escape(design.parameters[1].path),
                     design.parameters.size() > 2 ? ", averaged over the other parameters" : "",
                     ".</p>\n", heat_map(base, design, summaries, "customer_error_rate"),
                     "<p>Cost per delivered order (mean):</p>\n",
                     heat_map(base, design, summaries, "cost_per_order")});
    } else {
        body += "<p class=\"note\">A heat map needs two swept parameters.</p>\n";
    }
    body +=
        "</section>\n<section id=\"pareto\">\n<h2>Cost against customer error rate</h2>\n<p>Each "
        "design point at its mean cost per delivered order and mean customer error rate, coloured "
        "by feasibility (every target met on its confidence interval); the Pareto front (no point "
        "is cheaper and better at once) ringed and joined, the selected point circled, the region "
        "that meets the error target shaded.</p>\n" +
        pareto_chart(base, design, summaries) + "</section>\n";
    return report::page(cat({"qosim sweep: ", base.name}), header, body);
}

}  // namespace qosim::app
