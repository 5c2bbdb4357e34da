// The raw scenario tree: yaml-cpp nodes converted to located plain nodes, duplicates caught.
#include "models/scenario/raw_tree.hpp"

#include <functional>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace qosim::models::detail {

namespace {

// Where a yaml-cpp node starts (yaml-cpp marks are 0-based), or `fallback` (the override, or
// the key of an empty value, whose own mark points past the line).
struct Locator {
    std::string file;
    const SourceLoc* fixed = nullptr;  ///< every node at this place (override values)

    [[nodiscard]] SourceLoc at(const YAML::Mark& m, const SourceLoc& fallback) const {
        if (fixed != nullptr) return *fixed;
        if (m.is_null() || m.line < 0) return fallback;
        return SourceLoc{file, m.line + 1, m.column + 1};
    }
};

std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

RawNode convert(const YAML::Node& node, const SourceLoc& loc, const std::string& path,
                const Locator& where, std::vector<Diagnostic>& diags) {
    RawNode out;
    out.loc = loc;
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        out.kind = RawNode::Kind::scalar;
        out.scalar = node.Scalar();
        break;
    case YAML::NodeType::Sequence: {
        out.kind = RawNode::Kind::list;
        std::size_t i = 0;
        for (const auto& item : node) {
            out.items.push_back(convert(item, where.at(item.Mark(), loc),
                                        join(path, std::to_string(i)), where, diags));
            ++i;
        }
        break;
    }
    case YAML::NodeType::Map:
        out.kind = RawNode::Kind::map;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const SourceLoc key_loc = where.at(it->first.Mark(), loc);
            if (!it->first.IsScalar()) {
                diags.push_back({key_loc, path,
                                 "a map key must be a plain name, got a " +
                                     std::string(it->first.IsMap() ? "map" : "list"),
                                 "write keys as `name: value`"});
                continue;
            }
            const std::string key = it->first.Scalar();
            if (const RawEntry* first = out.find(key)) {
                diags.push_back({key_loc, join(path, key),
                                 "duplicate key `" + key + "` (first given at line " +
                                     std::to_string(first->key_loc.line) + ")",
                                 "keep one of them; YAML does not merge repeated keys"});
                continue;
            }
            const SourceLoc value_loc =
                it->second.IsNull() ? key_loc : where.at(it->second.Mark(), key_loc);
            out.add({key, key_loc, convert(it->second, value_loc, join(path, key), where, diags)});
        }
        break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: out.kind = RawNode::Kind::null; break;
    }
    return out;
}

}  // namespace

namespace {

// Maps up to this many entries are scanned; larger ones keep a hash index.
constexpr std::size_t kScanLimit = 8;

std::size_t key_hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

}  // namespace

const RawEntry* RawNode::find(std::string_view key) const {
    if (key_index.size() == entries.size() && key_index.size() > 0) {
        const auto [lo, hi] = key_index.get()->equal_range(key_hash(key));
        for (auto it = lo; it != hi; ++it) {
            if (entries[it->second].key == key) return &entries[it->second];
        }
        return nullptr;
    }
    for (const auto& e : entries) {
        if (e.key == key) return &e;
    }
    return nullptr;
}

RawEntry* RawNode::find(std::string_view key) {
    return const_cast<RawEntry*>(std::as_const(*this).find(key));
}

RawEntry& RawNode::add(RawEntry entry) {
    entries.push_back(std::move(entry));
    if (entries.size() > kScanLimit) {
        const bool rebuild = key_index.size() + 1 != entries.size();  // first time past 8
        KeyIndex::Map& index = key_index.edit(rebuild);
        if (rebuild) {
            index.reserve(entries.size());
            for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
                index.emplace(key_hash(entries[i].key), i);
            }
        }
        index.emplace(key_hash(entries.back().key), entries.size() - 1);
    }
    return entries.back();
}

std::string RawNode::describe() const {
    switch (kind) {
    case Kind::scalar: return "`" + scalar + "`";
    case Kind::map: return "a map";
    case Kind::list: return "a list";
    case Kind::null: return "nothing";
    }
    return "?";
}

std::optional<RawNode> parse_yaml(const std::string& text, const std::string& file,
                                  std::vector<Diagnostic>& diags) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {  // ParserException, and e.g. an undefined alias
        SourceLoc loc{file, 0, 0};
        if (!e.mark.is_null()) loc = {file, e.mark.line + 1, e.mark.column + 1};
        diags.push_back({loc, "", "YAML syntax error: " + e.msg,
                         "check the indentation and brackets around this place"});
        return std::nullopt;
    }
    const Locator where{file, nullptr};
    return convert(root, where.at(root.Mark(), SourceLoc{file, 1, 1}), "", where, diags);
}

std::optional<RawNode> parse_yaml_value(const std::string& text, const SourceLoc& loc,
                                        const std::string& path, std::vector<Diagnostic>& diags) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {  // ParserException, and e.g. an undefined alias
        diags.push_back({loc, path, "the value `" + text + "` is not valid YAML: " + e.msg,
                         "check its brackets and quotes, and quote the whole item for the shell: "
                         "--set '" +
                             path + "=...'"});
        return std::nullopt;
    }
    const Locator where{loc.file, &loc};
    return convert(root, loc, path, where, diags);
}

}  // namespace qosim::models::detail
