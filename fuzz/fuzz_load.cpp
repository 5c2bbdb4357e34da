// Fuzz target `load`: the bytes are a scenario file. Parsing it and loading it as `run` does
// (every variant and swept value checked too) must either give a scenario or a ScenarioError
// with located diagnostics; nothing else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_target.hpp"
#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = qosim::fuzz::as_text(data, size);
    return qosim::fuzz::guarded([&] {
        namespace models = qosim::models;
        try {
            const models::ScenarioFile file = models::ScenarioFile::parse(text, "fuzz.yaml");
            const models::Scenario scenario = file.load_checked();
            // The first variant as `run --variant` loads it (load_checked applied each alone).
            if (!file.variants().empty()) (void)file.load({}, file.variants().front().settings);
            if (scenario.stages.empty()) qosim::fuzz::finding("a loaded scenario has no stages");
            qosim::fuzz::note("loaded");
        } catch (const models::ScenarioError& e) {
            if (e.diagnostics().empty())
                qosim::fuzz::finding("a ScenarioError without diagnostics");
            qosim::fuzz::note("refused: " + std::to_string(e.diagnostics().size()) + " problems");
        }
    });
}
