// The stage graph: stages as vertices, routes as edges (Boost.Graph), and its structural checks.
#pragma once

#include <cstddef>
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

/// Edge bundle: the route's probability and inspection outcome.
struct RouteEdge {
    double prob = 1.0;
    RouteWhen when = RouteWhen::any;
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

/// For each stage: can a unit get there from some source along routes? (Breadth-first search
/// from every source, on all routes.) Sources themselves are reachable.
[[nodiscard]] std::vector<bool> reachable_from_sources(const Scenario& sc);

/// For each stage: can a unit there get to some sink, or to scrap, along routes it may take
/// (prob > 0)? (Breadth-first search from every sink and scrap on the reversed graph.) Scrap
/// counts as an exit here; whether remade units ever get out is a question of probabilities,
/// answered by analyse_quality(). Sinks themselves can.
[[nodiscard]] std::vector<bool> can_reach_sink(const Scenario& sc);

/// Loops that trap units: strongly connected components (Tarjan, boost::strong_components) of
/// the taken routes that contain a cycle and that no taken route leaves (a route to scrap
/// leaves). Each loop is a list of stage indices in file order; loops are ordered by their
/// first stage.
[[nodiscard]] std::vector<std::vector<std::size_t>> closed_loops(const Scenario& sc);

/// Graphviz `dot` text of the scenario (boost::write_graphviz): nodes labelled "name\ntype"
/// (scrap: an octagon labelled "scrap"), edges labelled with their `when` and with their
/// probability when it is below 1.
[[nodiscard]] std::string to_graphviz(const Scenario& sc);

}  // namespace qosim::models
