// Results drawn on the stage graph: annotated Graphviz text and a layered layout.
#include "models/graph/graph_notes.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <sstream>
#include <string_view>

#include <boost/graph/graphviz.hpp>

#include "sim/number_text.hpp"

namespace qosim::models {

std::string short_number(double x) {
    if (!std::isfinite(x)) return "-";
    if (x == 0) return "0";
    std::array<char, 64> buf{};
    const double a = std::fabs(x);
    const auto [end, ec] =
        a >= 100 ? std::to_chars(buf.data(), buf.data() + buf.size(), std::round(x),
                                 std::chars_format::fixed, 0)
                 : std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed,
                                 a >= 10 ? 1 : (a >= 1 ? 2 : 3));
    if (ec != std::errc{}) return sim::format_number(x);
    return std::string(buf.data(), end);
}

std::string stage_facts(const Scenario& sc, const StageSpec& s) {
    const std::string unit = to_string(sc.time_unit);
    switch (s.type) {
    case StageType::source: return "every " + short_number(s.interarrival.mean()) + " " + unit;
    case StageType::station:
    case StageType::inspection:
        return std::to_string(s.servers) + (s.servers == 1 ? " server, " : " servers, ") +
               "service " + short_number(s.service.mean()) + " " + unit;
    case StageType::link: return "delay " + short_number(s.delay.mean()) + " " + unit;
    case StageType::sink: return {};
    }
    return {};
}

namespace {

using Vertex = boost::graph_traits<StageGraph>::vertex_descriptor;
using Edge = boost::graph_traits<StageGraph>::edge_descriptor;

std::string percent(double share) { return short_number(100.0 * share) + " %"; }

// DOT double-quoted string content: quotes and backslashes escaped.
std::string dot_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

const char* shape_of(StageType t) {
    switch (t) {
    case StageType::source: return "shape=invhouse";
    case StageType::station: return "shape=box";
    case StageType::inspection: return "shape=hexagon";
    case StageType::link: return "shape=box";
    case StageType::sink: return "shape=house";
    }
    return "shape=box";
}

std::string write_dot(const Scenario& sc, const GraphNotes* notes) {
    const StageGraph g = build_stage_graph(sc);
    const bool annotated = notes != nullptr && notes->stages.size() == sc.stages.size();
    const std::string per = std::string(" /") + to_string(sc.time_unit);
    std::ostringstream out;
    const auto vertex_writer = [&](std::ostream& os, Vertex v) {
        if (g[v].is_scrap) {
            os << "[label=\"scrap\", shape=octagon]";
            return;
        }
        const StageSpec& s = sc.stages[v];
        std::string label = dot_escape(s.name) + "\\n" + to_string(s.type);
        const std::string facts = stage_facts(sc, s);
        if (!facts.empty()) label += "\\n" + facts;
        std::string style;
        if (annotated) {
            const StageNote& n = notes->stages[v];
            const bool bottleneck = notes->bottleneck && *notes->bottleneck == v;
            if (n.utilization) {
                label += "\\nutilisation " + percent(*n.utilization);
                if (bottleneck) label += " BOTTLENECK";
                style = ", style=filled, fillcolor=\"" + utilization_colour(*n.utilization) + "\"";
                if (bottleneck) style += ", penwidth=3, color=\"#b00000\"";
            }
            if (n.defects_escaped > 0 || n.lost > 0) {
                label += "\\nto customers: " + short_number(n.defects_escaped) + " escaped, " +
                         short_number(n.lost) + " lost";
            }
            if (n.cost > 0) label += "\\ncost " + short_number(n.cost);
            if (n.late_time_share > 0)
                label += "\\nlate orders' time " + percent(n.late_time_share);
            if (s.type == StageType::link)
                style = ", style=\"rounded,dashed,filled\", fillcolor=\"#eef2ff\"";
        }
        if (style.empty() && s.type == StageType::link) style = ", style=\"rounded,dashed\"";
        os << "[label=\"" << label << "\", " << shape_of(s.type) << style << "]";
    };
    const auto edge_writer = [&](std::ostream& os, Edge e) {
        // Appended piece by piece: GCC 12 with LTO warns falsely (-Wstringop-overflow) on
        // const char* + std::string here.
        std::string label;
        const auto add = [&label](std::string_view part) {
            if (!label.empty()) label += ' ';
            label += part;
        };
        if (g[e].when != RouteWhen::any) add(to_string(g[e].when));
        if (g[e].product && *g[e].product < sc.products.size())
            add(dot_escape(sc.products[*g[e].product].name));
        if (g[e].prob < 1.0) add(sim::format_number(g[e].prob));
        if (annotated) {
            bool exact = true;
            const double flow = route_flow(sc, *notes, boost::source(e, g), g[e].route, exact);
            if (!label.empty()) label += "\\n";
            label += exact ? "" : "~";
            label += short_number(flow);
            label += per;
        }
        if (!label.empty()) os << "[label=\"" << label << "\"]";
    };
    const auto graph_writer = [annotated](std::ostream& os) {
        os << "rankdir=LR;\n";
        if (annotated) os << "node [fontsize=11];\nedge [fontsize=10];\n";
    };
    boost::write_graphviz(out, g, vertex_writer, edge_writer, graph_writer);
    return out.str();
}

}  // namespace

std::optional<std::size_t> find_bottleneck(const std::vector<StageNote>& stages) {
    std::optional<std::size_t> best;
    for (std::size_t s = 0; s < stages.size(); ++s) {
        const auto& u = stages[s].utilization;
        if (!u || !std::isfinite(*u)) continue;
        if (!best || *u > *stages[*best].utilization) best = s;
    }
    return best;
}

double route_flow(const Scenario& sc, const GraphNotes& notes, std::size_t from, std::size_t route,
                  bool& exact) {
    exact = true;
    if (from >= sc.stages.size() || from >= notes.stages.size()) return 0.0;
    const StageSpec& s = sc.stages[from];
    const double out = notes.stages[from].departure_rate;
    if (route >= s.routes.size()) return 0.0;
    if (s.routes.size() == 1) return out;
    const std::size_t to = s.routes[route].to;
    if (to < sc.stages.size() && to < notes.stages.size()) {
        std::size_t entering = 0;
        for (const StageSpec& t : sc.stages) {
            for (const Route& r : t.routes) entering += r.to == to ? 1 : 0;
        }
        if (entering == 1) return notes.stages[to].arrival_rate;
    }
    exact = false;
    return out * s.routes[route].prob;
}

std::string to_graphviz(const Scenario& sc) { return write_dot(sc, nullptr); }

std::string to_graphviz(const Scenario& sc, const GraphNotes& notes) {
    return write_dot(sc, &notes);
}

std::string utilization_colour(double utilization) {
    // Green (#7fd17f) -> yellow (#ffe066) at 0.75 -> red (#ff6b6b) at 1.
    const double u = std::clamp(std::isfinite(utilization) ? utilization : 0.0, 0.0, 1.0);
    const std::array<double, 3> green{127, 209, 127}, yellow{255, 224, 102}, red{255, 107, 107};
    std::array<double, 3> c{};
    for (std::size_t i = 0; i < 3; ++i) {
        c[i] = u < 0.75 ? green[i] + (yellow[i] - green[i]) * (u / 0.75)
                        : yellow[i] + (red[i] - yellow[i]) * ((u - 0.75) / 0.25);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "#";
    for (const double x : c) {
        const int v = std::clamp(static_cast<int>(std::lround(x)), 0, 255);
        out += kHex[v / 16];
        out += kHex[v % 16];
    }
    return out;
}

LayeredLayout layered_layout(const StageGraph& g) {
    const std::size_t n = boost::num_vertices(g);
    LayeredLayout out;
    out.layer.assign(n, 0);
    out.slot.assign(n, 0);
    if (n == 0) return out;
    // Depth-first search (iterative, file order) marks the edges that close a loop.
    enum class Mark { fresh, open, done };
    std::vector<Mark> mark(n, Mark::fresh);
    std::vector<std::vector<std::size_t>> forward(n);  // successors over non-loop edges
    std::vector<std::size_t> roots;
    for (std::size_t v = 0; v < n; ++v) {
        if (boost::in_degree(v, g) == 0) roots.push_back(v);
    }
    for (std::size_t v = 0; v < n; ++v) roots.push_back(v);
    for (const std::size_t root : roots) {
        if (mark[root] != Mark::fresh) continue;
        std::vector<std::pair<std::size_t, std::vector<std::size_t>>> stack;
        const auto push = [&](std::size_t v) {
            mark[v] = Mark::open;
            std::vector<std::size_t> next;
            for (const auto e : boost::make_iterator_range(boost::out_edges(v, g)))
                next.push_back(boost::target(e, g));
            std::reverse(next.begin(), next.end());
            stack.emplace_back(v, std::move(next));
        };
        push(root);
        while (!stack.empty()) {
            auto& [v, next] = stack.back();
            if (next.empty()) {
                mark[v] = Mark::done;
                stack.pop_back();
                continue;
            }
            const std::size_t w = next.back();
            next.pop_back();
            if (mark[w] == Mark::open) continue;  // closes a loop: not used for layers
            if (std::find(forward[v].begin(), forward[v].end(), w) == forward[v].end())
                forward[v].push_back(w);
            if (mark[w] == Mark::fresh) push(w);
        }
    }
    // Longest path over the acyclic rest (Kahn's order, vertices in index order on ties).
    std::vector<std::size_t> indegree(n, 0);
    for (std::size_t v = 0; v < n; ++v) {
        for (const std::size_t w : forward[v]) ++indegree[w];
    }
    std::vector<std::size_t> ready;
    for (std::size_t v = 0; v < n; ++v) {
        if (indegree[v] == 0) ready.push_back(v);
    }
    std::vector<std::size_t> order;
    while (!ready.empty()) {
        const auto it = std::min_element(ready.begin(), ready.end());
        const std::size_t v = *it;
        ready.erase(it);
        order.push_back(v);
        for (const std::size_t w : forward[v]) {
            out.layer[w] = std::max(out.layer[w], out.layer[v] + 1);
            if (--indegree[w] == 0) ready.push_back(w);
        }
    }
    for (std::size_t v = 0; v < n; ++v) out.layers = std::max(out.layers, out.layer[v] + 1);
    // Rows: by layer, in the order vertices were placed (stable, so deterministic).
    std::vector<std::size_t> filled(out.layers, 0);
    for (const std::size_t v : order) out.slot[v] = filled[out.layer[v]]++;
    for (const std::size_t f : filled) out.max_slots = std::max(out.max_slots, f);
    return out;
}

}  // namespace qosim::models
