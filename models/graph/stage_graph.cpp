// The stage graph: Boost.Graph construction, reachability, trapping loops and Graphviz output.
#include "models/graph/stage_graph.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>

#include "models/graph/order_classes.hpp"
#include "sim/number_text.hpp"

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

using sim::format_number;

// The graph of the routes units of `product` take (routes_taken()); every route when `all`.
StageGraph route_graph(const Scenario& sc, bool all, std::optional<std::size_t> product,
                       bool taken_only) {
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
        std::vector<const Route*> routes;
        if (all) {
            for (const Route& r : sc.stages[i].routes) routes.push_back(&r);
        } else {
            routes = routes_taken(sc.stages[i], product);
        }
        for (const Route* r : routes) {
            if (taken_only && !(r->prob > 0)) continue;
            boost::add_edge(i, r->to == kScrapTarget ? n : r->to,
                            RouteEdge{r->prob, r->when, r->product,
                                      static_cast<std::size_t>(r - sc.stages[i].routes.data())},
                            g);
        }
    }
    return g;
}

// Sinks and scrap reached backwards over `g`.
std::vector<bool> to_exits(const Scenario& sc, const StageGraph& g) {
    std::vector<Vertex> exits = stages_of_type(sc, StageType::sink);
    if (boost::num_vertices(g) > sc.stages.size()) exits.push_back(sc.stages.size());  // scrap
    auto out = reached_from(boost::make_reverse_graph(g), exits);
    out.resize(sc.stages.size());
    return out;
}

// Per stage: reached by some order class (with the product, when `product` is set).
struct Reach {
    std::vector<bool> any;      // some class
    std::vector<bool> matches;  // some class of the product asked for
};

Reach reach_of(const Scenario& sc, std::optional<std::size_t> product) {
    Reach out{std::vector<bool>(sc.stages.size(), false),
              std::vector<bool>(sc.stages.size(), false)};
    // A product without routes of its own anywhere takes its source's shared routes, so its
    // classes reach what that source's plain orders reach: one search per (source, product
    // with own routes), each merged once, keeps this linear in the products.
    std::vector<bool> own(sc.products.size(), false);
    for (const StageSpec& s : sc.stages) {
        for (const Route& r : s.routes) {
            if (r.product && *r.product < own.size()) own[*r.product] = true;
        }
    }
    std::set<std::pair<std::size_t, std::optional<std::size_t>>> merged_any;
    std::set<std::pair<std::size_t, std::optional<std::size_t>>> merged_matches;
    for (const OrderClass& c : order_classes(sc)) {
        const bool matches = c.product == product;
        const std::optional<std::size_t> taken =
            c.product && own[*c.product] ? c.product : std::nullopt;
        const std::pair key{c.source, taken};
        const bool new_any = merged_any.insert(key).second;
        const bool new_matches = matches && merged_matches.insert(key).second;
        if (!new_any && !new_matches) continue;
        const auto r = reachable_by(sc, OrderClass{c.source, taken, c.share});
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (!r[i]) continue;
            out.any[i] = true;
            if (matches) out.matches[i] = true;
        }
    }
    return out;
}

}  // namespace

StageGraph build_stage_graph(const Scenario& sc, bool taken_only) {
    return route_graph(sc, true, std::nullopt, taken_only);
}

std::vector<bool> reachable_from_sources(const Scenario& sc) {
    return reach_of(sc, std::nullopt).any;
}

std::vector<bool> can_reach_sink_as(const Scenario& sc, std::optional<std::size_t> product) {
    return to_exits(sc, route_graph(sc, false, product, true));
}

std::vector<bool> can_reach_sink(const Scenario& sc) {
    const std::size_t n = sc.stages.size();
    std::vector<bool> out = to_exits(sc, route_graph(sc, true, std::nullopt, true));
    std::vector<bool> reached(n, false);
    std::vector<bool> all_exit(n, true);
    // One search per distinct product among the classes (none included).
    std::map<std::optional<std::size_t>, std::size_t> done;  // product -> index in exits
    std::vector<std::vector<bool>> exits;
    for (const OrderClass& c : order_classes(sc)) {
        const auto [it, fresh] = done.emplace(c.product, exits.size());
        if (fresh) exits.push_back(can_reach_sink_as(sc, c.product));
        const std::size_t k = it->second;
        const auto r = reachable_by(sc, c);
        for (std::size_t i = 0; i < n; ++i) {
            if (!r[i]) continue;
            reached[i] = true;
            all_exit[i] = all_exit[i] && exits[k][i];
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (reached[i]) out[i] = all_exit[i];
    }
    return out;
}

std::vector<std::vector<std::size_t>> closed_loops_of(const Scenario& sc,
                                                      std::optional<std::size_t> product) {
    const StageGraph g = route_graph(sc, false, product, true);
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
    // Whose loops these are: units of `product` get there, or (no product) no unit does.
    const Reach reach = reach_of(sc, product);
    std::vector<bool> concerned(count, false);
    for (std::size_t v = 0; v < sc.stages.size(); ++v) {
        if (reach.matches[v] || (!product && !reach.any[v])) concerned[component[v]] = true;
    }
    // Each loop's members in file order, gathered in one pass; loops ordered by first member.
    std::vector<std::vector<std::size_t>> loops;
    std::vector<std::size_t> loop_of(count, count);  // component -> index in loops
    for (std::size_t v = 0; v < n; ++v) {            // file order, so messages are stable
        const auto c = component[v];
        if (g[v].is_scrap) continue;  // no out-edges, so never on a cycle
        if (has_exit[c] || !concerned[c] || !(size[c] > 1 || has_cycle[c])) continue;
        if (loop_of[c] == count) {
            loop_of[c] = loops.size();
            loops.emplace_back();
        }
        loops[loop_of[c]].push_back(v);
    }
    return loops;
}

std::vector<std::vector<std::size_t>> closed_loops(const Scenario& sc) {
    auto loops = closed_loops_of(sc, std::nullopt);
    for (std::size_t p = 0; p < sc.products.size(); ++p) {
        for (auto& loop : closed_loops_of(sc, p)) {
            if (std::find(loops.begin(), loops.end(), loop) == loops.end()) {
                loops.push_back(std::move(loop));
            }
        }
    }
    std::stable_sort(loops.begin(), loops.end(),
                     [](const auto& a, const auto& b) { return a.front() < b.front(); });
    return loops;
}

}  // namespace qosim::models
