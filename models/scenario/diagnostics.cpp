// Scenario errors: rendering one diagnostic and collecting many into one exception.
#include "models/scenario/diagnostics.hpp"

namespace qosim::models {

namespace {

std::string render_all(const std::vector<Diagnostic>& diags) {
    std::string out;
    for (const auto& d : diags) {
        if (!out.empty()) out += '\n';
        out += d.render();
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
