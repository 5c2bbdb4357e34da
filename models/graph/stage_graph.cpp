// The stage graph: Boost.Graph construction, reachability, trapping loops and Graphviz output.
#include "models/graph/stage_graph.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>

namespace qosim::models {

namespace {

using Vertex = boost::graph_traits<StageGraph>::vertex_descriptor;

// Marks every vertex reached from `starts` by breadth-first search over `g`.
template <class Graph>
std::vector<bool> reached_from(const Graph& g, const std::vector<Vertex>& starts) {
    const auto n = boost::num_vertices(g);
    std::vector<boost::default_color_type> color(n, boost::white_color);
    auto color_map =
        boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g));
    boost::queue<Vertex> buffer;
    for (const Vertex s : starts) {
        if (color[s] == boost::white_color) {
            boost::breadth_first_visit(g, s, buffer, boost::default_bfs_visitor{}, color_map);
        }
    }
    std::vector<bool> out(n);
    for (std::size_t v = 0; v < n; ++v) out[v] = color[v] != boost::white_color;
    return out;
}

std::vector<Vertex> stages_of_type(const Scenario& sc, StageType t) {
    std::vector<Vertex> out;
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        if (sc.stages[i].type == t) out.push_back(i);
    }
    return out;
}

std::string format_number(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

}  // namespace

StageGraph build_stage_graph(const Scenario& sc, bool taken_only) {
    const std::size_t n = sc.stages.size();
    bool scrap = false;
    for (const StageSpec& s : sc.stages) {
        for (const Route& r : s.routes) scrap = scrap || r.to == kScrapTarget;
    }
    StageGraph g(n + (scrap ? 1 : 0));
    for (std::size_t i = 0; i < n; ++i) {
        g[i] = StageVertex{sc.stages[i].name, sc.stages[i].type, false};
    }
    if (scrap) g[n] = StageVertex{"scrap", StageType::sink, true};
    for (std::size_t i = 0; i < n; ++i) {
        for (const Route& r : sc.stages[i].routes) {
            if (taken_only && !(r.prob > 0)) continue;
            boost::add_edge(i, r.to == kScrapTarget ? n : r.to, RouteEdge{r.prob, r.when}, g);
        }
    }
    return g;
}

std::vector<bool> reachable_from_sources(const Scenario& sc) {
    auto out = reached_from(build_stage_graph(sc), stages_of_type(sc, StageType::source));
    out.resize(sc.stages.size());  // drop the scrap vertex
    return out;
}

std::vector<bool> can_reach_sink(const Scenario& sc) {
    const StageGraph g = build_stage_graph(sc, true);
    std::vector<Vertex> exits = stages_of_type(sc, StageType::sink);
    if (boost::num_vertices(g) > sc.stages.size()) exits.push_back(sc.stages.size());  // scrap
    auto out = reached_from(boost::make_reverse_graph(g), exits);
    out.resize(sc.stages.size());
    return out;
}

std::vector<std::vector<std::size_t>> closed_loops(const Scenario& sc) {
    const StageGraph g = build_stage_graph(sc, true);
    const auto n = boost::num_vertices(g);
    std::vector<std::size_t> component(n);
    const auto count = boost::strong_components(
        g,
        boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));

    std::vector<std::size_t> size(count, 0);
    std::vector<bool> has_cycle(count, false);  // more than one stage, or a route to itself
    std::vector<bool> has_exit(count, false);
    for (std::size_t v = 0; v < n; ++v) ++size[component[v]];
    for (const auto e : boost::make_iterator_range(boost::edges(g))) {
        const auto s = boost::source(e, g);
        const auto t = boost::target(e, g);
        if (component[s] != component[t])
            has_exit[component[s]] = true;
        else if (s == t)
            has_cycle[component[s]] = true;
    }
    std::vector<std::vector<std::size_t>> loops;
    std::vector<bool> emitted(count, false);
    for (std::size_t v = 0; v < n; ++v) {  // file order, so messages are stable
        const auto c = component[v];
        if (g[v].is_scrap) continue;  // no out-edges, so never on a cycle
        if (emitted[c] || has_exit[c] || !(size[c] > 1 || has_cycle[c])) continue;
        emitted[c] = true;
        std::vector<std::size_t> members;
        for (std::size_t u = v; u < n; ++u) {
            if (component[u] == c) members.push_back(u);
        }
        loops.push_back(std::move(members));
    }
    return loops;
}

std::string to_graphviz(const Scenario& sc) {
    const StageGraph g = build_stage_graph(sc);
    std::ostringstream out;
    const auto vertex_writer = [&g](std::ostream& os, Vertex v) {
        if (g[v].is_scrap) {
            os << "[label=\"scrap\", shape=octagon]";
            return;
        }
        os << "[label=\"" << g[v].name << "\\n"
           << to_string(g[v].type) << "\", shape="
           << (g[v].type == StageType::source || g[v].type == StageType::sink ? "ellipse" : "box")
           << "]";
    };
    const auto edge_writer = [&g](std::ostream& os,
                                  boost::graph_traits<StageGraph>::edge_descriptor e) {
        std::string label;
        if (g[e].when != RouteWhen::any) label = to_string(g[e].when);
        if (g[e].prob < 1.0) label += (label.empty() ? "" : " ") + format_number(g[e].prob);
        if (!label.empty()) os << "[label=\"" << label << "\"]";
    };
    const auto graph_writer = [](std::ostream& os) { os << "rankdir=LR;\n"; };
    boost::write_graphviz(out, g, vertex_writer, edge_writer, graph_writer);
    return out.str();
}

}  // namespace qosim::models
