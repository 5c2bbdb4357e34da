// Semantic checks of a built scenario's stage graph (reachability, loops without exit, routes
// for every order class), run by the loader once the sections are read.
#pragma once

#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Appends a located Diagnostic to `diags` for each stage no source reaches, each closed loop
/// of routes (for the routes without `product`, then for each product's), each stage an
/// order class gets to but has no route out of, and each stage from which some class cannot
/// reach a sink. Precondition: the stages and routes were read without error (every route
/// leads to a known stage, every non-sink stage has a route out).
void check_graph(const Scenario& scenario, std::vector<Diagnostic>& diags);

}  // namespace qosim::models
