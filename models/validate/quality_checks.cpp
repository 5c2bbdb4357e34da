// The quality check of a built scenario: loops that its routes leave but its probabilities
// never do, found by the absorbing chain (models/graph/absorbing_chain).
#include "models/validate/quality_checks.hpp"

#include <exception>
#include <string>
#include <utility>

#include "models/graph/absorbing_chain.hpp"

namespace qosim::models {

namespace {

std::string stage_path(const StageSpec& s) { return "stages." + s.name; }

}  // namespace

void check_quality(const Scenario& sc, const SourceLoc& routes_loc,
                   std::vector<Diagnostic>& diags) {
    constexpr const char* kLoopHint =
        "with these probabilities no order ever leaves it: lower a defect_prob, "
        "detect_prob, false_alarm_prob or damage_prob of 1, or give a route out of the "
        "loop a prob > 0";
    constexpr const char* kFailedHint =
        "the quality analysis of the routes and probabilities failed; check the probabilities "
        "of the stages it names";
    try {
        (void)analyse_quality(sc);
    } catch (const TrappingLoopError& e) {
        const StageSpec& s = sc.stages[e.stages().front()];
        diags.push_back(Diagnostic{
            s.loc, stage_path(s), e.what(),
            std::string(kLoopHint) +
                (e.through_remake() ? "; or cancel scrapped orders (on_scrap: cancel)" : "")});
    } catch (const QualityProblem& e) {
        // Placed at the stage the problem is about; one about the whole scenario at `routes`.
        const auto stage = e.stage();
        diags.push_back(Diagnostic{stage ? sc.stages[*stage].loc : routes_loc,
                                   stage ? stage_path(sc.stages[*stage]) : "routes", e.reason(),
                                   kFailedHint});
    } catch (const std::exception& e) {
        diags.push_back(Diagnostic{routes_loc, "routes", e.what(), kFailedHint});
    }
}

}  // namespace qosim::models
