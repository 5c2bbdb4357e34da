// The quality check of a built scenario (the absorbing chain), run by the loader last.
#pragma once

#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Runs the absorbing-chain analysis (analyse_quality) and appends a located Diagnostic when
/// it fails: loops that the routes leave on paper but the probabilities never do (an
/// inspection that catches every defect and a rework station that always re-damages; a
/// scrap-and-remake cycle no unit survives), placed at the loop's first stage; any other
/// failure at the stage it names, else at `routes_loc` (the `routes` key). Precondition: the
/// scenario was built without any error (the chain assumes a valid scenario).
void check_quality(const Scenario& scenario, const SourceLoc& routes_loc,
                   std::vector<Diagnostic>& diags);

}  // namespace qosim::models
