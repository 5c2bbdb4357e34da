// Command-line messages that need the whole command line (see cli_messages.hpp).
#include "app/cli/cli_messages.hpp"

#include <optional>
#include <string_view>
#include <utility>

#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/join_names.hpp"
#include "models/scenario/overrides.hpp"

namespace qosim::app {

void reject_unknown_subcommand(const CLI::App& app, const std::vector<std::string>& args) {
    std::string word;
    for (const auto& a : args) {
        if (a.empty() || a.front() == '-') continue;  // the only options before it are flags
        word = a;
        break;
    }
    if (word.empty()) return;
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->check_name(word)) return;
        names.push_back(sub->get_name());
    }
    const auto guess = models::did_you_mean(word, std::span<const std::string>(names));
    std::string message = "unknown subcommand '" + word + "'";
    message += guess ? "; did you mean '" + *guess + "'?"
                     : "; the subcommands are " + models::join_names(names);
    message += " (qosim --help lists them)";
    throw UsageError(message);
}

namespace {

// (the override an option became, the option as typed), for the parsed subcommand.
std::vector<std::pair<std::string, std::string>> option_overrides(const CommandLine& cmd) {
    const std::optional<std::string>* reps = nullptr;
    const std::optional<std::string>* seed = nullptr;
    const std::optional<std::string>* horizon = nullptr;
    if (cmd.run_cmd != nullptr && cmd.run_cmd->parsed()) {
        reps = &cmd.run.reps;
        seed = &cmd.run.seed;
        horizon = &cmd.run.horizon;
    } else if (cmd.sweep_cmd != nullptr && cmd.sweep_cmd->parsed()) {
        reps = &cmd.sweep.reps;
        seed = &cmd.sweep.seed;
        horizon = &cmd.sweep.horizon;
    } else if (cmd.compare_cmd != nullptr && cmd.compare_cmd->parsed()) {
        reps = &cmd.compare.reps;
        seed = &cmd.compare.seed;
        horizon = &cmd.compare.horizon;
    } else if (cmd.check_cmd != nullptr && cmd.check_cmd->parsed()) {
        reps = &cmd.check.reps;
        seed = &cmd.check.seed;
        horizon = &cmd.check.horizon;
    } else {
        return {};
    }
    std::vector<std::pair<std::string, std::string>> out;
    const auto add = [&out](const std::optional<std::string>& v, std::string_view key,
                            std::string_view option) {
        if (!v) return;
        out.emplace_back(models::override_loc(std::string(key) + "=" + *v).file,
                         std::string(option) + " " + *v);
    };
    add(*reps, "run.replications", "--reps");
    add(*seed, "run.seed", "--seed");
    add(*horizon, "run.horizon", "--horizon");
    return out;
}

}  // namespace

std::string render_scenario_error(const models::ScenarioError& error, const CommandLine& cmd) {
    const auto renames = option_overrides(cmd);
    std::string text;
    if (renames.empty()) {
        text = error.what();
    } else {
        std::vector<models::Diagnostic> diags = error.diagnostics();
        for (auto& d : diags) {
            for (const auto& [from, to] : renames) {
                if (d.loc.file == from) d.loc.file = to;
            }
        }
        text = models::ScenarioError(std::move(diags)).what();
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
}

}  // namespace qosim::app
