// The raw scenario tree: YAML parsed into plain nodes that remember their file:line:column.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/scenario/diagnostics.hpp"

namespace qosim::models::detail {

struct RawEntry;

/// Hash of a key -> its positions in a map's entries. Held by pointer, so a node that is not
/// a large map pays one pointer for it; copies are deep (a RawNode is a value).
class KeyIndex {
public:
    using Map = std::unordered_multimap<std::size_t, std::size_t>;

    KeyIndex() = default;
    KeyIndex(const KeyIndex& other)
        : map_(other.map_ ? std::make_unique<Map>(*other.map_) : nullptr) {}
    KeyIndex& operator=(const KeyIndex& other) {
        if (this != &other) map_ = other.map_ ? std::make_unique<Map>(*other.map_) : nullptr;
        return *this;
    }
    KeyIndex(KeyIndex&&) noexcept = default;
    KeyIndex& operator=(KeyIndex&&) noexcept = default;
    ~KeyIndex() = default;

    [[nodiscard]] std::size_t size() const { return map_ ? map_->size() : 0; }
    [[nodiscard]] const Map* get() const { return map_.get(); }
    /// The map, made empty (and created) first when `reset`.
    Map& edit(bool reset) {
        if (!map_ || reset) map_ = std::make_unique<Map>();
        return *map_;
    }

private:
    std::unique_ptr<Map> map_;
};

/// One YAML node, before validation. Maps keep file order (and never hold a key twice:
/// duplicates are reported and dropped while parsing). `loc` is where the value starts, or
/// the override that supplied it. A map's entries only grow, through add(), which keeps a
/// hash index of the keys so that find() costs O(1) however many keys a map has.
struct RawNode {
    enum class Kind { null, scalar, map, list };

    Kind kind = Kind::null;
    std::string scalar;  ///< text of a scalar, as written (quotes removed)
    SourceLoc loc;
    std::vector<RawEntry> entries;  ///< map entries, in file order
    std::vector<RawNode> items;     ///< list items

    [[nodiscard]] bool is_map() const { return kind == Kind::map; }
    [[nodiscard]] bool is_list() const { return kind == Kind::list; }
    [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
    [[nodiscard]] bool is_null() const { return kind == Kind::null; }

    /// The entry for `key` in a map, or null (also when this is not a map).
    [[nodiscard]] const RawEntry* find(std::string_view key) const;
    [[nodiscard]] RawEntry* find(std::string_view key);

    /// Appends a map entry whose key is not there yet (find() it first) and indexes it.
    RawEntry& add(RawEntry entry);

    /// How the value reads in a message: "`two`", "a map", "a list", "nothing".
    [[nodiscard]] std::string describe() const;

    /// Hash of a key -> its positions in `entries`, for maps of more than a few entries
    /// (kept by add(); find() falls back to a scan when it does not cover every entry).
    KeyIndex key_index;
};

/// One `key: value` pair of a map.
struct RawEntry {
    std::string key;
    SourceLoc key_loc;
    RawNode value;
};

/// The most YAML nodes a scenario may expand to, aliases copied in full (a bound on the work
/// and memory of a "billion laughs" file), and the deepest nesting it may have.
inline constexpr std::size_t kMaxYamlNodes = 1'000'000;
inline constexpr std::size_t kMaxAliasNodes = 100'000;  ///< of them, copied through aliases
inline constexpr std::size_t kMaxYamlDepth = 64;

/// Parses scenario text. Syntax errors (at yaml-cpp's mark, made 1-based) and duplicate keys
/// (which yaml-cpp 0.7 accepts silently) are appended to `diags`; returns none after a syntax
/// error. An empty document parses as a null node. A second document, an alias cycle, more
/// than kMaxYamlNodes nodes or deeper than kMaxYamlDepth levels are errors (returns none).
std::optional<RawNode> parse_yaml(const std::string& text, const std::string& file,
                                  std::vector<Diagnostic>& diags);

/// Parses an override's value text; every node of the result is located at `loc` (the
/// override itself), and errors name `path` at `loc`.
std::optional<RawNode> parse_yaml_value(const std::string& text, const SourceLoc& loc,
                                        const std::string& path, std::vector<Diagnostic>& diags);

}  // namespace qosim::models::detail
