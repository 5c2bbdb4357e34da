// Schema-driven reading of raw-tree values: types, ranges, defaults, unknown keys, distributions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/raw_tree.hpp"
#include "models/scenario/schema.hpp"
#include "sim/distribution.hpp"

namespace qosim::models::detail {

/// A place in the raw tree: the node there (null when the key is absent), its dotted path,
/// its schema row, and where to point a message.
struct Cursor {
    const RawNode* node = nullptr;
    std::string path;                ///< "stages.smt.service"
    std::string pattern;             ///< "stages.*.service"
    const SchemaKey* key = nullptr;  ///< schema row; null for the root and unknown keys
    SourceLoc loc;                   ///< the value's place (the parent key's place when absent)
    SourceLoc key_loc;               ///< the place of the key naming this value

    [[nodiscard]] bool present() const { return node != nullptr; }
    /// The key's name: the last path segment.
    [[nodiscard]] std::string_view name() const { return last_segment(path); }
};

/// A strict number parse: the whole text must be a decimal or exponent real ("+1", ".5",
/// "1e10"); YAML-only spellings (.inf, 0x10) are not numbers here. None when not a number.
std::optional<double> parse_number(std::string_view text);

/// Reads typed values out of the raw tree, following the schema table, and appends a
/// Diagnostic for every problem (it never throws). Each read returns none on error.
class Reader {
public:
    explicit Reader(std::vector<Diagnostic>& diags) : diags_(diags) {}

    /// Appends one diagnostic.
    void error(const SourceLoc& loc, std::string path, std::string message, std::string hint = {});

    /// Diagnostics so far (compare before/after to see whether a step failed).
    [[nodiscard]] std::size_t error_count() const { return diags_.size(); }

    /// The scenario's top-level map.
    [[nodiscard]] static Cursor root(const RawNode& node);

    /// The value of `key` in the map at `map` (absent when not there or `map` is no map).
    [[nodiscard]] static Cursor child(const Cursor& map, std::string_view key);

    /// Item `index` of the list at `list`.
    [[nodiscard]] static Cursor item(const Cursor& list, std::size_t index);

    /// True when the value is present; otherwise reports it if the schema says it is required.
    bool require(const Cursor& c);

    /// Checks that `c` is a map (an empty value counts as an empty one) whose every key is
    /// in the schema, supported, and applies to a stage of `types` (`type_label` names it:
    /// "a source stage"). Returns false when `c` is absent or not a map.
    bool check_map(const Cursor& c, StageTypeMask types = kAllStageTypes,
                   std::string_view type_label = {});

    /// Checks that `c` is a list; false when absent or not a list.
    bool check_list(const Cursor& c);

    /// A number within the key's range; the schema default when absent.
    std::optional<double> number(const Cursor& c);

    /// A whole number within the key's range (written as 12 or 1e6); default when absent.
    std::optional<std::uint64_t> integer(const Cursor& c);

    /// A whole number that may be negative (written as -2 or 1e3), within the key's range and
    /// within [-2^53, 2^53]; default when absent.
    std::optional<std::int64_t> signed_integer(const Cursor& c);
    std::optional<double> whole_number(const Cursor& c);  ///< shared by the integer readers

    /// true | false; default when absent.
    std::optional<bool> boolean(const Cursor& c);

    /// A scalar as text: for choice keys one of the choices (did you mean); reserved values
    /// are rejected for every key. The default when absent.
    std::optional<std::string> text(const Cursor& c);

    /// A distribution: a bare number >= 0 (constant) or {dist: NAME, params}. Parameters are
    /// checked by the sim::Distribution factories; their messages are placed at the parameter.
    /// A distribution whose mean or variance is not finite is refused (finite_moments).
    std::optional<sim::Distribution> distribution(const Cursor& c);

private:
    /// False (an error at `c`, with what to change) when `d`'s mean or variance is not a
    /// finite number (a weibull of tiny shape, a gamma with shape * scale beyond 1e308).
    bool finite_moments(const Cursor& c, const DistributionSchema& family,
                        const sim::Distribution& d);
    std::optional<double> number_at(const Cursor& c, const RawNode& node, const std::string& path);
    bool reject_reserved_value(const Cursor& c);

    std::vector<Diagnostic>& diags_;
};

}  // namespace qosim::models::detail
