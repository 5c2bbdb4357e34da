// Scenario loading: YAML text -> marked tree -> overrides -> validation -> Scenario.
#pragma once

#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Reads, overrides and validates a scenario file.
/// `overrides` are "dotted.path=value" items (from --set), applied in order before validation.
/// Throws ScenarioError (all problems, each with file:line:column) on any invalid input,
/// including an unreadable file and an unknown override path.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

/// The same from text already in memory; `file` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides = {});

}  // namespace qosim::models
