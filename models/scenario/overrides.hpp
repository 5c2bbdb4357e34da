// `--set PATH=VALUE` overrides: parsed, checked against the schema, applied to the raw tree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/raw_tree.hpp"
#include "models/scenario/schema.hpp"

namespace qosim::models {

/// One `--set` item, split.
struct Override {
    std::string item;   ///< as given: "stages.smt.servers=3"
    std::string path;   ///< "stages.smt.servers"
    std::string value;  ///< YAML text: "3", "fifo", "{dist: exponential, mean: 2}"
    SourceLoc loc;      ///< {"--set " + item, 0, 0}: where its messages point
};

/// The place messages about an override point at: file "--set ITEM", no line.
[[nodiscard]] SourceLoc override_loc(const std::string& item);

/// Splits "PATH=VALUE" at the first '='. Appends a diagnostic and returns none when there is
/// no '=' or the path is empty or has an empty segment ("a..b").
std::optional<Override> parse_override(const std::string& item, std::vector<Diagnostic>& diags);

/// Checks a dotted path against the schema alone (no scenario): every segment must name a key
/// of the format (`*` segments take any name, `#` segments an index; below a distribution,
/// `dist` or a parameter name). Unknown segments get "did you mean"; reserved keys are refused.
/// Returns the diagnostics (empty = valid), each at `loc`.
[[nodiscard]] std::vector<Diagnostic> check_override_path(const std::string& path,
                                                          const SourceLoc& loc);

/// The schema row of the value a valid override path sets (its last segment), or null when
/// the path ends below a distribution (`dist` or a parameter: a number) or is not valid.
[[nodiscard]] const SchemaKey* override_target(const std::string& path);

namespace detail {

/// Applies `items` in order to `root`: the path is checked (check_override_path), then walked;
/// missing map keys are created (except a stage name that is not in the file, which is an error
/// with "did you mean"), list indices must exist, and the value (parsed as YAML) replaces what
/// was there. Every node it supplies is located at the override. Problems go to `diags`; a
/// failed item changes nothing.
void apply_overrides(RawNode& root, const std::vector<std::string>& items,
                     std::vector<Diagnostic>& diags);

/// Sets the value at dotted `path` to `value` as apply_overrides() does for one item, pointing
/// its messages (and the key it creates) at `where`: a variant's or sweep parameter's place in
/// the file. The path is checked against the schema first.
void apply_value(RawNode& root, const std::string& path, RawNode value, const SourceLoc& where,
                 std::vector<Diagnostic>& diags);

}  // namespace detail

}  // namespace qosim::models
