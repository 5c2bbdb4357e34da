// `--set PATH=VALUE` overrides: parsed, checked against the schema, applied to the raw tree.
#include "models/scenario/overrides.hpp"

#include <algorithm>
#include <charconv>

#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/join_names.hpp"
#include "models/scenario/schema.hpp"

namespace qosim::models {

namespace {

constexpr const char* kSetHint =
    "write --set PATH=VALUE with a dotted path, e.g. --set stages.smt.servers=3 or "
    "--set routes.0.prob=0.5";

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto dot = path.find('.', start);
        out.push_back(path.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& segs, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n && i < segs.size(); ++i) {
        if (i > 0) out += '.';
        out += segs[i];
    }
    return out;
}

bool is_index(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The schema row of every segment (null below a distribution); fills diags on failure.
std::vector<const SchemaKey*> resolve_path(const std::vector<std::string>& segs,
                                           const SourceLoc& loc, std::vector<Diagnostic>& diags) {
    std::vector<const SchemaKey*> rows;
    std::string pattern;
    const SchemaKey* row = nullptr;
    if (!segs.empty() && (segs[0] == "variants" || segs[0] == "sweep")) {
        diags.push_back({loc, segs[0],
                         "`" + segs[0] +
                             "` describes other runs of the scenario and cannot be "
                             "overridden",
                         segs[0] == "variants"
                             ? "pick a variant with --variant NAME, or --set the values directly"
                             : "edit the sweep in the file, or --set the values of one point"});
        return {};
    }
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const std::string& seg = segs[i];
        const std::string so_far = join(segs, i + 1);
        if (row != nullptr && row->type == KeyType::distribution) {
            // Below a distribution: `dist` or a parameter; values/weights may take an index.
            const auto keys = distribution_keys();
            const bool known = std::find(keys.begin(), keys.end(), seg) != keys.end();
            const bool list_param = seg == "values" || seg == "weights";
            const bool index_ok = list_param && i + 2 == segs.size() && is_index(segs[i + 1]);
            if (!known) {
                diags.push_back(
                    {loc, so_far, "`" + seg + "` is not a distribution key (dist or a parameter)",
                     suggestion_hint(seg, keys, "distribution keys: " + join_names(keys))});
                return {};
            }
            if (i + 1 != segs.size() && !index_ok) {
                diags.push_back(
                    {loc, join(segs, i + 2), "a distribution parameter has no sub-keys", kSetHint});
                return {};
            }
            rows.push_back(nullptr);
            if (index_ok) rows.push_back(nullptr);
            return rows;
        }
        row = resolve_schema_child(pattern, seg);
        if (row == nullptr) {
            const auto names = schema_child_names(pattern);
            std::string msg = "unknown key `" + seg + "`";
            if (i > 0) msg += " under `" + join(segs, i) + "`";
            diags.push_back(
                {loc, so_far, msg,
                 suggestion_hint(seg, names, "keys allowed there: " + join_names(names))});
            return {};
        }
        if (row->status == KeyStatus::reserved) {
            diags.push_back(
                {loc, so_far, reserved_message(seg),
                 "docs/scenario.md and `qosim check --help` list what this version runs"});
            return {};
        }
        pattern = std::string(row->path);
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

SourceLoc override_loc(const std::string& item) { return SourceLoc{"--set " + item, 0, 0}; }

std::optional<Override> parse_override(const std::string& item, std::vector<Diagnostic>& diags) {
    const SourceLoc loc = override_loc(item);
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
        diags.push_back(
            {loc, "", "an override needs `=` between the path and the value", kSetHint});
        return std::nullopt;
    }
    Override o{item, item.substr(0, eq), item.substr(eq + 1), loc};
    // Surrounding blanks in the path are a typing slip, not part of a key.
    while (!o.path.empty() && o.path.back() == ' ') o.path.pop_back();
    while (!o.path.empty() && o.path.front() == ' ') o.path.erase(0, 1);
    if (o.path.empty()) {
        diags.push_back({loc, "", "the path before `=` is empty", kSetHint});
        return std::nullopt;
    }
    for (const auto& seg : split_path(o.path)) {
        if (seg.empty()) {
            diags.push_back({loc, o.path, "the path has an empty segment", kSetHint});
            return std::nullopt;
        }
    }
    return o;
}

std::vector<Diagnostic> check_override_path(const std::string& path, const SourceLoc& loc) {
    std::vector<Diagnostic> diags;
    (void)resolve_path(split_path(path), loc, diags);
    return diags;
}

const SchemaKey* override_target(const std::string& path) {
    std::vector<Diagnostic> ignored;
    const auto rows = resolve_path(split_path(path), SourceLoc{}, ignored);
    return rows.empty() ? nullptr : rows.back();
}

namespace detail {

void apply_value(RawNode& root, const std::string& path, RawNode value, const SourceLoc& where,
                 std::vector<Diagnostic>& diags) {
    const auto segs = split_path(path);
    const auto rows = resolve_path(segs, where, diags);
    if (rows.empty()) return;

    if (root.is_null()) root.kind = RawNode::Kind::map;
    RawNode* node = &root;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const std::string& seg = segs[i];
        const bool last = i + 1 == segs.size();
        const std::string here = join(segs, i);
        if (node->is_null()) node->kind = is_index(seg) ? RawNode::Kind::list : RawNode::Kind::map;
        if (node->is_list()) {
            if (!is_index(seg)) {
                diags.push_back({where, join(segs, i + 1),
                                 "`" + here + "` is a list; index it by number (" + here + ".0)",
                                 kSetHint});
                return;
            }
            // Digits only (is_index), but maybe more than fit: such an index is past the end.
            std::size_t index = node->items.size();
            const auto [end, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), index);
            if (ec != std::errc{} || end != seg.data() + seg.size()) index = node->items.size();
            if (index >= node->items.size()) {
                diags.push_back({where, join(segs, i + 1),
                                 "`" + here + "` has " + std::to_string(node->items.size()) +
                                     " items, so there is no index " + seg,
                                 node->items.empty() ? std::string("add the item in the file")
                                                     : "use an index from 0 to " +
                                                           std::to_string(node->items.size() - 1)});
                return;
            }
            if (last) {
                node->items[index] = std::move(value);
                return;
            }
            node = &node->items[index];
            continue;
        }
        if (!node->is_map()) {
            diags.push_back({where, here,
                             "`" + here + "` is " + node->describe() +
                                 " in the scenario, not a map, so `" + seg + "` cannot be set",
                             "set the whole value instead, e.g. --set '" + here +
                                 "={dist: exponential, mean: 2}'"});
            return;
        }
        RawEntry* entry = node->find(seg);
        if (entry == nullptr) {
            const SchemaKey* row = rows[i];
            if (!last && row != nullptr && row->names_must_exist) {
                std::vector<std::string> names;
                for (const auto& e : node->entries) names.push_back(e.key);
                diags.push_back({where, join(segs, i + 1),
                                 "there is no `" + seg + "` under `" + here + "` in the scenario",
                                 suggestion_hint(seg, names, "set the whole entry to add one")});
                return;
            }
            RawNode fresh;
            fresh.loc = where;
            entry = &node->add(RawEntry{seg, where, std::move(fresh)});
        }
        if (last) {
            entry->key_loc = where;
            entry->value = std::move(value);
            return;
        }
        node = &entry->value;
    }
}

void apply_overrides(RawNode& root, const std::vector<std::string>& items,
                     std::vector<Diagnostic>& diags) {
    for (const auto& item : items) {
        const auto o = parse_override(item, diags);
        if (!o) continue;
        if (resolve_path(split_path(o->path), o->loc, diags).empty()) continue;
        if (auto value = parse_yaml_value(o->value, o->loc, o->path, diags))
            apply_value(root, o->path, std::move(*value), o->loc, diags);
    }
}

}  // namespace detail

}  // namespace qosim::models
