// Fuzz target `check`: the bytes are a scenario file. Once it loads, `check`'s analyses (the
// absorbing chain, the flow and station loads), its report and warnings and `graph`'s
// Graphviz text must all succeed: the loader has already refused what they cannot handle.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/output/console.hpp"
#include "fuzz/fuzz_target.hpp"
#include "models/graph/absorbing_chain.hpp"
#include "models/graph/flow_analysis.hpp"
#include "models/graph/stage_graph.hpp"
#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = qosim::fuzz::as_text(data, size);
    return qosim::fuzz::guarded([&] {
        namespace models = qosim::models;
        models::Scenario scenario;
        try {
            scenario = models::load_scenario_text(text, "fuzz.yaml");
        } catch (const models::ScenarioError& e) {
            qosim::fuzz::note("refused: " + std::to_string(e.diagnostics().size()) + " problems");
            return;  // the loader target checks the diagnostics
        }
        const models::QualityAnalysis quality = models::analyse_quality(scenario);
        const models::FlowAnalysis flow = models::analyse_flow(scenario, quality);
        const std::string report = qosim::app::render_check_report(scenario, flow, quality);
        if (report.empty()) qosim::fuzz::finding("an empty check report");
        (void)qosim::app::check_warnings(scenario, flow);
        (void)models::to_graphviz(scenario);
    });
}
