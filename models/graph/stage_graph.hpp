// The stage graph: stages as vertices, routes as edges (Boost.Graph), and its structural checks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Vertex bundle: the stage a vertex stands for.
struct StageVertex {
    std::string name;
    StageType type = StageType::station;
    bool is_scrap = false;  ///< the built-in scrap target (not a Scenario stage)
};

/// Edge bundle: the route's probability, inspection outcome and product.
struct RouteEdge {
    double prob = 1.0;
    RouteWhen when = RouteWhen::any;
    std::optional<std::size_t> product;  ///< only this product takes it (Scenario::products)
    std::size_t route = 0;               ///< its index in the `from` stage's routes
};

/// Directed graph of a scenario: vertex i is Scenario::stages[i], one edge per route (in file
/// order). When some route leads to `scrap`, one more vertex (index stages.size(), named
/// "scrap", is_scrap) stands for the built-in scrap target; it has no out-edges. Bidirectional
/// so that "can reach a sink" can walk in-edges.
using StageGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, StageVertex, RouteEdge>;

/// Builds the graph of `sc` (route targets must be stage indices or kScrapTarget). With
/// `taken_only`, routes with prob 0 are left out: they exist on paper but no unit takes them.
[[nodiscard]] StageGraph build_stage_graph(const Scenario& sc, bool taken_only = false);

/// For each stage: can a unit get there from some source along the routes it takes? Some order
/// class (a product, or the orders of a source without products) must reach it: the union of
/// reachable_by() over order_classes(), on all routes whatever their prob. Sources themselves
/// are reachable, and so are stations holding initial_wip.
[[nodiscard]] std::vector<bool> reachable_from_sources(const Scenario& sc);

/// For each stage: can a unit of `product` there get to some sink, or to scrap, along the
/// routes it takes (routes_taken(), prob > 0)? (Breadth-first search from every sink and scrap
/// on the reversed graph of those routes.) `product` none: the routes without `product`.
[[nodiscard]] std::vector<bool> can_reach_sink_as(const Scenario& sc,
                                                  std::optional<std::size_t> product);

/// For each stage: can every unit that gets there get on to some sink, or to scrap? For a stage
/// some order class reaches, each such class must (can_reach_sink_as() for its product); for a
/// stage none reaches, any taken route of any product will do. Scrap counts as an exit here;
/// whether remade units ever get out is a question of probabilities, answered by
/// analyse_quality(). Sinks themselves can.
[[nodiscard]] std::vector<bool> can_reach_sink(const Scenario& sc);

/// Loops that trap the units of `product`: strongly connected components (Tarjan,
/// boost::strong_components) of the routes that product takes with prob > 0 that contain a
/// cycle and that no such route leaves (a route to scrap leaves), and that a unit of that
/// product can reach. `product` none: the routes without `product`, for the orders of sources
/// without products and for loops no order class reaches at all. Each loop is a list of stage
/// indices in file order; loops are ordered by their first stage.
[[nodiscard]] std::vector<std::vector<std::size_t>> closed_loops_of(
    const Scenario& sc, std::optional<std::size_t> product);

/// Every loop that traps some units: closed_loops_of() for no product and for each product,
/// each loop once, ordered by first stage. Without products: the closed strongly connected
/// components of the taken routes.
[[nodiscard]] std::vector<std::vector<std::size_t>> closed_loops(const Scenario& sc);

/// Graphviz `dot` text of the scenario (boost::write_graphviz, in graph_notes.cpp): nodes
/// labelled "name\ntype\nservers and mean service", shaped by type (source invhouse, station
/// box, inspection hexagon, link a dashed rounded box, sink house; scrap: an octagon labelled
/// "scrap"), edges labelled with their `when`, their product and
/// their probability when it is below 1.
[[nodiscard]] std::string to_graphviz(const Scenario& sc);

}  // namespace qosim::models
