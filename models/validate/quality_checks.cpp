// The quality check of a built scenario: loops that its routes leave but its probabilities
// never do, found by the absorbing chain (models/graph/absorbing_chain).
#include "models/validate/quality_checks.hpp"

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "models/graph/absorbing_chain.hpp"

namespace qosim::models {

namespace {

/// The stage names in `text` (tokens of [A-Za-z0-9_-]), in order of first mention.
std::optional<std::size_t> first_stage_named(const std::string& text,
                                             const std::vector<std::string>& names) {
    const auto is_name_char = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    };
    for (std::size_t i = 0; i < text.size();) {
        if (!is_name_char(text[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && is_name_char(text[j])) ++j;
        const std::string token = text.substr(i, j - i);
        for (std::size_t k = 0; k < names.size(); ++k) {
            if (names[k] == token) return k;
        }
        i = j;
    }
    return std::nullopt;
}

std::string stage_path(const StageSpec& s) { return "stages." + s.name; }

}  // namespace

void check_quality(const Scenario& sc, const SourceLoc& routes_loc,
                   std::vector<Diagnostic>& diags) {
    constexpr const char* kLoopHint =
        "with these probabilities no order ever leaves it: lower a defect_prob, "
        "detect_prob, false_alarm_prob or damage_prob of 1, or give a route out of the "
        "loop a prob > 0";
    try {
        (void)analyse_quality(sc);
    } catch (const TrappingLoopError& e) {
        const std::string msg = e.what();
        const bool remake = msg.find("(remake)") != std::string::npos;
        const StageSpec& s = sc.stages[e.stages().front()];
        diags.push_back(
            Diagnostic{s.loc, stage_path(s), msg,
                       std::string(kLoopHint) +
                           (remake ? "; or cancel scrapped orders (on_scrap: cancel)" : "")});
    } catch (const std::exception& e) {
        std::string msg = e.what();
        const std::string prefix = "quality analysis: ";
        if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
        std::vector<std::string> names;
        for (const StageSpec& s : sc.stages) names.push_back(s.name);
        const auto first = first_stage_named(msg, names);
        const SourceLoc loc = first ? sc.stages[*first].loc : routes_loc;
        diags.push_back(Diagnostic{loc, first ? stage_path(sc.stages[*first]) : "routes", msg,
                                   "the quality analysis of the routes and probabilities "
                                   "failed; check the probabilities of the stages it names"});
    }
}

}  // namespace qosim::models
