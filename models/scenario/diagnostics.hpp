// Scenario errors: every problem found, each with its place, rule and fix.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// At most this many diagnostics are rendered into ScenarioError::what(); the rest are
/// counted on one closing line. A file with 200 000 bad keys would otherwise print 34 MB.
inline constexpr std::size_t kMaxRenderedDiagnostics = 50;

/// Thrown by the loader when the scenario is invalid; holds every diagnostic collected
/// (loading does not stop at the first one). Maps to exit code 2. what() renders the first
/// kMaxRenderedDiagnostics of them, then "… and N more errors (M in all) ..." when there are
/// more; diagnostics() has them all.
class ScenarioError : public std::runtime_error {
public:
    explicit ScenarioError(std::vector<Diagnostic> diags);
    [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diags_; }

private:
    std::vector<Diagnostic> diags_;
};

}  // namespace qosim::models
