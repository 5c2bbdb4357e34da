// Scenario errors: rendering one diagnostic and collecting many into one exception.
#include "models/scenario/diagnostics.hpp"

#include <algorithm>

namespace qosim::models {

namespace {

std::string render_all(const std::vector<Diagnostic>& diags) {
    std::string out;
    const std::size_t shown = std::min(diags.size(), kMaxRenderedDiagnostics);
    for (std::size_t i = 0; i < shown; ++i) {
        if (!out.empty()) out += '\n';
        out += diags[i].render();
    }
    if (diags.size() > shown) {
        const std::size_t more = diags.size() - shown;
        out += "\n\u2026 and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s") +
               " (" + std::to_string(diags.size()) + " in all, the first " + std::to_string(shown) +
               " shown); fix these and run again: one mistake often causes many";
    }
    return out;
}

}  // namespace

// FILE:LINE:COL: PATH: MESSAGE, dropping the parts that are unknown (no line for an unreadable
// file or an override, no path for a syntax error), then "  hint: HINT" on its own line.
std::string Diagnostic::render() const {
    std::string out = loc.file.empty() ? std::string("<scenario>") : loc.file;
    if (loc.line > 0) {
        out += ':' + std::to_string(loc.line);
        if (loc.column > 0) out += ':' + std::to_string(loc.column);
    }
    out += ": ";
    if (!path.empty()) out += path + ": ";
    out += message;
    if (!hint.empty()) out += "\n  hint: " + hint;
    return out;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diags)
    : std::runtime_error(render_all(diags)), diags_(std::move(diags)) {}

}  // namespace qosim::models
