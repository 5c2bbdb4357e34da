// Scenario errors: every problem found, each with its place, rule and fix.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// One problem in a scenario. Rendered as
///   scenarios/line.yaml:14:18: stages.smt.service.sd: must be >= 0, got -0.2
///     hint: <hint>
struct Diagnostic {
    SourceLoc loc;
    std::string path;     ///< dotted key path, e.g. "stages.smt.service.sd" (may be empty)
    std::string message;  ///< the rule broken and the value found
    std::string hint;     ///< what to do (may be empty)

    [[nodiscard]] std::string render() const;
};

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
