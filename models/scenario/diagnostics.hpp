// Scenario errors: every problem found, each with its place, rule and fix.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Thrown by the loader when the scenario is invalid; holds every diagnostic collected
/// (loading does not stop at the first one). Maps to exit code 2.
class ScenarioError : public std::runtime_error {
public:
    explicit ScenarioError(std::vector<Diagnostic> diags);
    [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diags_; }

private:
    std::vector<Diagnostic> diags_;
};

}  // namespace qosim::models
