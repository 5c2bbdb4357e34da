// Fuzz target `overrides`: `--set PATH=VALUE` items, one per line. When the input has a line
// `#set`, the text before it is the scenario and the lines after it the items; otherwise every
// line is an item applied to a built-in scenario that has every stage type, products, faults,
// breakdowns, shifts, retries and a survey (so most paths lead somewhere). Each item is split,
// its path checked against the schema, and the scenario loaded with all of them: a scenario
// or a ScenarioError, nothing else.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_target.hpp"
#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/overrides.hpp"

namespace {

namespace models = qosim::models;

constexpr std::string_view kBase = R"(name: overrides base
time_unit: hour
run: {horizon: 100, warmup: 10, replications: 2, seed: 7}
costs: {late_penalty: 1, escape_penalty: 2, lost_penalty: 3}
targets:
  on_time_rate: {min: 0.5}
stages:
  orders:
    type: source
    interarrival: {dist: exponential, mean: 1}
    due_in: 24
    products:
      basic: {share: 0.7}
      premium: {share: 0.3, priority: 2}
  smt:
    type: station
    servers: 2
    service: {dist: lognormal, mean: 0.8, sd: 0.2}
    service_by_product: {premium: 0.9}
    queue: {capacity: 50, discipline: edd}
    cost: {per_busy_hour: 60, per_idle_hour: 12, per_unit: 2}
    defect_prob: 0.03
    breakdowns: {time_between: 100, repair: {dist: exponential, mean: 4}}
    shifts: {cycle: 24, servers: [{from: 0, to: 16, servers: 2}]}
  aoi: {type: inspection, service: 0.1, detect_prob: 0.9, false_alarm_prob: 0.01}
  rework: {type: station, service: 1, repairs: true}
  ship:
    type: link
    delay: {dist: uniform, min: 1, max: 3}
    loss_prob: 0.01
    damage_prob: 0.01
    retry: {timeout: 2, max: 3}
  customer: {type: sink, survey: {response_rate: 0.1}}
routes:
  - {from: orders, to: smt}
  - {from: smt, to: aoi}
  - {from: aoi, to: ship, when: pass}
  - {from: aoi, to: rework, when: fail}
  - {from: rework, to: aoi}
  - {from: ship, to: customer}
faults:
  - {stage: smt, kind: outage, at: 50, duration: 5}
  - {stage: orders, kind: surge, at: 20, duration: 10, factor: 2}
)";

constexpr std::string_view kMarker = "#set";

/// Splits `text` into lines (without their '\n').
std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.emplace_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input = qosim::fuzz::as_text(data, size);
    return qosim::fuzz::guarded([&] {
        std::string scenario(kBase);
        std::string_view items_text = input;
        if (input.starts_with("#set\n")) {  // no scenario before the marker: the built-in one
            items_text.remove_prefix(kMarker.size() + 1);
        } else if (const std::size_t at = input.find("\n#set\n"); at != std::string::npos) {
            scenario = input.substr(0, at + 1);
            items_text.remove_prefix(at + kMarker.size() + 2);
        }
        const std::vector<std::string> items = lines_of(items_text);
        for (const std::string& item : items) {
            std::vector<models::Diagnostic> diags;
            const std::optional<models::Override> o = models::parse_override(item, diags);
            if (!o) {
                if (diags.empty()) qosim::fuzz::finding("an override refused without a message");
                continue;
            }
            (void)models::check_override_path(o->path, o->loc);
            (void)models::override_target(o->path);
        }
        try {
            (void)models::load_scenario_text(scenario, "fuzz.yaml", items);
            qosim::fuzz::note("loaded");
        } catch (const models::ScenarioError& e) {
            if (e.diagnostics().empty())
                qosim::fuzz::finding("a ScenarioError without diagnostics");
            qosim::fuzz::note("refused: " + std::to_string(e.diagnostics().size()) + " problems");
        }
    });
}
