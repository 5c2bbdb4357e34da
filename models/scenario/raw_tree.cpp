// The raw scenario tree: yaml-cpp nodes converted to located plain nodes, duplicates caught.
#include "models/scenario/raw_tree.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <unordered_set>
#include <utility>

#include <yaml-cpp/eventhandler.h>
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

// Aliases (`*a`) are expanded into copies, so a file can describe far more nodes than it
// has bytes ("billion laughs"), and an alias inside its own anchor describes an endless
// tree. The walk keeps its ancestors to refuse such a cycle; it counts every node it makes
// against kMaxYamlNodes and, separately, the nodes it copies through aliases against
// kMaxAliasNodes (an aliased map or list is the same yaml-cpp node as its anchor, so it is
// recognised by its mark: the anchor's place in the text); and it refuses nesting deeper
// than kMaxYamlDepth.
struct Walk {
    Walk(const Locator& where_, std::vector<Diagnostic>& diags_) : where(where_), diags(diags_) {}

    const Locator& where;
    std::vector<Diagnostic>& diags;
    std::vector<YAML::Node> ancestors;
    std::size_t nodes = 0;
    std::size_t alias_nodes = 0;
    std::size_t alias_depth = 0;                    ///< > 0 while copying an aliased map or list
    std::unordered_set<std::uint64_t> collections;  ///< marks of the maps and lists seen
    bool stopped = false;  ///< a limit was hit: the tree is incomplete, stop walking

    void stop(const SourceLoc& loc, const std::string& path, std::string message,
              std::string hint) {
        if (!stopped) diags.push_back({loc, path, std::move(message), std::move(hint)});
        stopped = true;
    }
};

RawNode convert(const YAML::Node& node, const SourceLoc& loc, const std::string& path, Walk& walk) {
    const Locator& where = walk.where;
    std::vector<Diagnostic>& diags = walk.diags;
    RawNode out;
    out.loc = loc;
    if (walk.stopped) return out;
    if (++walk.nodes > kMaxYamlNodes) {
        walk.stop(loc, path,
                  "the scenario expands to more than " + std::to_string(kMaxYamlNodes) +
                      " YAML nodes (aliases `*name` are copied in full)",
                  "use fewer aliases of large anchors, or write the values out");
        return out;
    }
    if (walk.ancestors.size() >= kMaxYamlDepth) {
        walk.stop(loc, path,
                  "the scenario nests deeper than " + std::to_string(kMaxYamlDepth) + " levels",
                  "a scenario needs only a few levels of maps and lists; check the brackets");
        return out;
    }
    if (walk.alias_depth > 0 && ++walk.alias_nodes > kMaxAliasNodes) {
        walk.stop(loc, path,
                  "aliases (`*name`) expand to more than " + std::to_string(kMaxAliasNodes) +
                      " copied YAML nodes",
                  "an alias copies its anchor's whole value: use fewer aliases of large "
                  "anchors, or write the values out");
        return out;
    }
    bool aliased = false;
    if (node.IsMap() || node.IsSequence()) {
        const YAML::Mark m = node.Mark();
        if (!m.is_null()) {
            const std::uint64_t key =
                (static_cast<std::uint64_t>(m.line) << 32) | static_cast<std::uint32_t>(m.column);
            aliased = !walk.collections.insert(key).second;
        }
        for (const YAML::Node& a : walk.ancestors) {
            if (a.is(node)) {
                walk.stop(loc, path,
                          "an alias refers to the anchor that contains it: an endless value",
                          "an anchor (`&name`) cannot contain its own alias (`*name`)");
                return out;
            }
        }
    }
    walk.ancestors.push_back(node);
    if (aliased) ++walk.alias_depth;
    const struct Pop {
        Walk& w;
        bool aliased;
        ~Pop() {
            w.ancestors.pop_back();
            if (aliased) --w.alias_depth;
        }
    } pop{walk, aliased};
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        out.kind = RawNode::Kind::scalar;
        out.scalar = node.Scalar();
        break;
    case YAML::NodeType::Sequence: {
        out.kind = RawNode::Kind::list;
        std::size_t i = 0;
        for (const auto& item : node) {
            out.items.push_back(
                convert(item, where.at(item.Mark(), loc), join(path, std::to_string(i)), walk));
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
            out.add({key, key_loc, convert(it->second, value_loc, join(path, key), walk)});
        }
        break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: out.kind = RawNode::Kind::null; break;
    }
    return out;
}

// The first tab in a line's indentation (the blanks before its first other character) at or
// before line `last` (1-based; 0 = any line), or none. yaml-cpp reports such a tab as
// "illegal map value" or similar, several lines later, without naming it.
std::optional<SourceLoc> indentation_tab(const std::string& text, const std::string& file,
                                         int last) {
    int line = 1;
    std::size_t start = 0;
    while (start <= text.size() && (last == 0 || line <= last)) {
        for (std::size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i) {
            if (text[i] == '\t') return SourceLoc{file, line, static_cast<int>(i - start) + 1};
        }
        const auto nl = text.find('\n', start);
        if (nl == std::string::npos) break;
        start = nl + 1;
        ++line;
    }
    return std::nullopt;
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

namespace {

/// Sees only where documents start; the nodes themselves are built by YAML::Load.
class DocumentStarts final : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> starts;

    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

}  // namespace

std::optional<RawNode> parse_yaml(const std::string& text, const std::string& file,
                                  std::vector<Diagnostic>& diags) {
    const Locator where{file, nullptr};
    const SourceLoc unplaced{file, 0, 0};
    YAML::Node root;
    try {
        // A scenario file holds one document. yaml-cpp 0.7's LoadAll would tell how many there
        // are, but a stray `,` outside brackets makes its parser return an empty document
        // without consuming anything, again and again, until memory runs out (yaml-cpp issue
        // 1040). So the documents are counted here, at most three, and a document that starts
        // where the one before it started is that stray token, reported as a syntax error.
        std::istringstream in(text);
        YAML::Parser parser(in);
        DocumentStarts docs;
        while (docs.starts.size() < 3 && parser.HandleNextDocument(docs)) {
        }
        for (std::size_t i = 1; i < docs.starts.size(); ++i) {
            if (docs.starts[i - 1].pos != docs.starts[i].pos) continue;
            const auto pos = static_cast<std::size_t>(std::max(0, docs.starts[i].pos));
            const std::string what = pos < text.size() ? std::string{'`', text[pos], '`'} : "this";
            diags.push_back({where.at(docs.starts[i], unplaced), "",
                             "YAML syntax error: " + what + " cannot start a value here",
                             "a `,` separates items only inside [ ] or { }; remove it, or quote "
                             "the value it belongs to"});
            return std::nullopt;
        }
        if (docs.starts.size() > 1) {
            diags.push_back({where.at(docs.starts[1], unplaced), "",
                             "a second YAML document starts here (after `---`); a scenario file "
                             "holds one scenario",
                             "remove the `---` line and what follows, or put each scenario in "
                             "its own file"});
            return std::nullopt;
        }
        if (!docs.starts.empty()) root = YAML::Load(text);
    } catch (const YAML::Exception& e) {  // ParserException, and e.g. an undefined alias
        const SourceLoc loc = where.at(e.mark, unplaced);
        if (const auto tab = indentation_tab(text, file, loc.line)) {
            diags.push_back({*tab, "", "tabs are not allowed in YAML indentation; use spaces",
                             "replace the tab with spaces (YAML indents with spaces only)"});
            return std::nullopt;
        }
        diags.push_back({loc, "", "YAML syntax error: " + e.msg,
                         "check the indentation and brackets around this place"});
        return std::nullopt;
    }
    Walk walk{where, diags};
    RawNode out = convert(root, where.at(root.Mark(), SourceLoc{file, 1, 1}), "", walk);
    if (walk.stopped) return std::nullopt;
    return out;
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
    Walk walk{where, diags};
    RawNode out = convert(root, loc, path, walk);
    if (walk.stopped) return std::nullopt;
    return out;
}

}  // namespace qosim::models::detail
