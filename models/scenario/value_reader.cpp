// Schema-driven reading of raw-tree values: types, ranges, defaults, unknown keys, distributions.
#include "models/scenario/value_reader.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "models/scenario/did_you_mean.hpp"
#include "models/scenario/join_names.hpp"

namespace qosim::models::detail {

namespace {

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// "`servers` = identical parallel servers: integer >= 1 (count); default 1"
std::string key_hint(const Cursor& c) {
    if (c.key == nullptr) return {};
    std::string out = "`";  // appended, not "lit" + string: GCC 12 -Wrestrict false positive
    out += c.name();
    out += "` = ";
    out += c.key->help;
    out += ": ";
    out += describe_key_value(*c.key);
    return out;
}

std::string type_word(KeyType t) {
    switch (t) {
    case KeyType::map: return "a map of keys";
    case KeyType::list: return "a list";
    case KeyType::string: return "text";
    case KeyType::name: return "a stage name";
    case KeyType::choice: return "one of the listed words";
    case KeyType::number: return "a number";
    case KeyType::integer: return "a whole number";
    case KeyType::boolean: return "true or false";
    case KeyType::distribution: return "a distribution";
    case KeyType::setting: return "a value for the path";
    }
    return "?";
}

std::optional<double> parse_default(const Cursor& c) {
    if (c.key == nullptr || c.key->default_value.empty()) return std::nullopt;
    return parse_number(c.key->default_value);
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    // from_chars also takes "inf"/"nan", which YAML does not write that way: refuse them.
    const char c0 = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
    if (!((c0 >= '0' && c0 <= '9') || c0 == '.')) return std::nullopt;
    double x = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), x);
    if (res.ec != std::errc{} || res.ptr != text.data() + text.size()) return std::nullopt;
    return x;
}

void Reader::error(const SourceLoc& loc, std::string path, std::string message, std::string hint) {
    diags_.push_back(Diagnostic{loc, std::move(path), std::move(message), std::move(hint)});
}

Cursor Reader::root(const RawNode& node) {
    return Cursor{&node, "", "", nullptr, node.loc, node.loc};
}

Cursor Reader::child(const Cursor& map, std::string_view key) {
    Cursor c;
    c.path = join(map.path, key);
    c.key = resolve_schema_child(map.pattern, key);
    c.pattern = c.key != nullptr ? std::string(c.key->path) : join(map.pattern, key);
    c.loc = map.key_loc;
    c.key_loc = map.key_loc;
    if (map.node != nullptr && map.node->is_map()) {
        if (const RawEntry* e = map.node->find(key)) {
            c.node = &e->value;
            c.loc = e->value.loc;
            c.key_loc = e->key_loc;
        }
    }
    return c;
}

Cursor Reader::item(const Cursor& list, std::size_t index) {
    const std::string seg = std::to_string(index);
    Cursor c;
    c.path = join(list.path, seg);
    c.key = resolve_schema_child(list.pattern, seg);
    c.pattern = c.key != nullptr ? std::string(c.key->path) : join(list.pattern, "#");
    c.loc = list.loc;
    c.key_loc = list.key_loc;
    if (list.node != nullptr && list.node->is_list() && index < list.node->items.size()) {
        c.node = &list.node->items[index];
        c.loc = c.node->loc;
        c.key_loc = c.node->loc;
    }
    return c;
}

bool Reader::require(const Cursor& c) {
    if (c.present()) return true;
    if (c.key != nullptr && c.key->required) {
        error(c.loc, c.path, "missing required key `" + std::string(c.name()) + "`", key_hint(c));
    }
    return false;
}

bool Reader::check_map(const Cursor& c, StageTypeMask types, std::string_view type_label) {
    if (!require(c)) return false;
    const RawNode& n = *c.node;
    if (n.is_null()) return true;
    if (!n.is_map()) {
        const auto names = schema_child_names(c.pattern, types, false);
        error(c.loc, c.path, "must be a map of keys, got " + n.describe(),
              names.empty() ? key_hint(c) : "keys allowed here: " + join_names(names));
        return false;
    }
    for (const auto& e : n.entries) {
        const SchemaKey* k = resolve_schema_child(c.pattern, e.key);
        const std::string path = join(c.path, e.key);
        if (k == nullptr) {
            const auto candidates = schema_child_names(c.pattern, kAllStageTypes, true);
            const auto allowed = schema_child_names(c.pattern, types, false);
            error(e.key_loc, path, "unknown key `" + e.key + "`",
                  suggestion_hint(e.key, candidates, "keys allowed here: " + join_names(allowed)));
        } else if (k->status == KeyStatus::reserved) {
            error(e.key_loc, path, reserved_message(e.key),
                  "docs/scenario.md and `qosim check --help` list what this version runs");
        } else if ((k->stage_types & types) == 0) {
            error(e.key_loc, path, "`" + e.key + "` does not apply to " + std::string(type_label),
                  std::string(type_label) +
                      " takes: " + join_names(schema_child_names(c.pattern, types, false)));
        }
    }
    return true;
}

bool Reader::check_list(const Cursor& c) {
    if (!require(c)) return false;
    if (!c.node->is_list()) {
        error(c.loc, c.path, "must be a list (lines starting with `- `), got " + c.node->describe(),
              key_hint(c));
        return false;
    }
    return true;
}

bool Reader::reject_reserved_value(const Cursor& c) {
    if (c.key == nullptr || c.key->reserved_values.empty() || !c.node->is_scalar()) return false;
    for (const auto v : split_choices(c.key->reserved_values)) {
        if (c.node->scalar == v) {
            error(c.loc, c.path, reserved_message(std::string(c.name()) + ": " + std::string(v)),
                  "docs/scenario.md and `qosim check --help` list what this version runs");
            return true;
        }
    }
    return false;
}

std::optional<double> Reader::number_at(const Cursor& c, const RawNode& node,
                                        const std::string& path) {
    if (!node.is_scalar()) {
        error(node.loc, path, "must be a number, got " + node.describe(), key_hint(c));
        return std::nullopt;
    }
    const auto x = parse_number(node.scalar);
    if (!x) {
        error(node.loc, path, "must be a number, got `" + node.scalar + "`", key_hint(c));
        return std::nullopt;
    }
    if (!std::isfinite(*x)) {
        error(node.loc, path, "must be a finite number, got `" + node.scalar + "`", key_hint(c));
        return std::nullopt;
    }
    return x;
}

std::optional<double> Reader::number(const Cursor& c) {
    if (!require(c)) return parse_default(c);
    if (reject_reserved_value(c)) return std::nullopt;
    const auto x = number_at(c, *c.node, c.path);
    if (!x) return std::nullopt;
    if (c.key != nullptr && !c.key->range.contains(*x)) {
        std::string rule = "must be " + c.key->range.describe();
        if (c.key->unit == "time" && *x < 0) rule += " (a duration cannot be negative)";
        if (c.key->unit == "share") rule += " (a probability)";
        error(c.loc, c.path, rule + ", got " + c.node->scalar, key_hint(c));
        return std::nullopt;
    }
    return x;
}

// A whole number (written as an integer or a whole float such as 1e6) within the key's range;
// reports and returns none otherwise. Shared by the unsigned and signed readers.
std::optional<double> Reader::whole_number(const Cursor& c) {
    const RawNode& n = *c.node;
    const auto x = n.is_scalar() ? parse_number(n.scalar) : std::nullopt;
    if (!x || !std::isfinite(*x)) {
        error(c.loc, c.path, "must be a whole number, got " + n.describe(), key_hint(c));
        return std::nullopt;
    }
    if (std::floor(*x) != *x) {
        error(c.loc, c.path, "must be a whole number, got " + n.scalar, key_hint(c));
        return std::nullopt;
    }
    if (c.key != nullptr && !c.key->range.contains(*x)) {
        error(c.loc, c.path, "must be " + c.key->range.describe() + ", got " + n.scalar,
              key_hint(c));
        return std::nullopt;
    }
    return x;
}

std::optional<std::uint64_t> Reader::integer(const Cursor& c) {
    if (!require(c)) {
        const auto d = parse_default(c);
        return d ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*d)) : std::nullopt;
    }
    if (reject_reserved_value(c)) return std::nullopt;
    const RawNode& n = *c.node;
    if (n.is_scalar()) {
        std::string_view t = n.scalar;
        if (!t.empty() && t.front() == '+') t.remove_prefix(1);
        std::uint64_t v = 0;
        const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
        if (res.ec == std::errc{} && res.ptr == t.data() + t.size()) {
            if (c.key != nullptr && !c.key->range.contains(static_cast<double>(v))) {
                error(c.loc, c.path, "must be " + c.key->range.describe() + ", got " + n.scalar,
                      key_hint(c));
                return std::nullopt;
            }
            return v;
        }
    }
    const auto x = whole_number(c);
    if (!x) return std::nullopt;
    if (*x < 0 || *x >= 18446744073709551616.0) {
        error(c.loc, c.path, "must be a whole number from 0 to 2^64-1, got " + n.scalar,
              key_hint(c));
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(*x);
}

std::optional<std::int64_t> Reader::signed_integer(const Cursor& c) {
    if (!require(c)) {
        const auto d = parse_default(c);
        return d ? std::optional<std::int64_t>(static_cast<std::int64_t>(*d)) : std::nullopt;
    }
    if (reject_reserved_value(c)) return std::nullopt;
    const RawNode& n = *c.node;
    const auto x = whole_number(c);
    if (!x) return std::nullopt;
    constexpr double kLimit = 9007199254740992.0;  // 2^53: every whole double up to it is exact
    if (std::abs(*x) > kLimit) {
        error(c.loc, c.path, "must be a whole number from -2^53 to 2^53, got " + n.scalar,
              key_hint(c));
        return std::nullopt;
    }
    return static_cast<std::int64_t>(*x);
}

std::optional<bool> Reader::boolean(const Cursor& c) {
    if (!require(c)) {
        if (c.key == nullptr || c.key->default_value.empty()) return std::nullopt;
        return c.key->default_value == "true";
    }
    const RawNode& n = *c.node;
    if (n.is_scalar()) {
        if (n.scalar == "true" || n.scalar == "True" || n.scalar == "TRUE") return true;
        if (n.scalar == "false" || n.scalar == "False" || n.scalar == "FALSE") return false;
    }
    error(c.loc, c.path, "must be true or false, got " + n.describe(), key_hint(c));
    return std::nullopt;
}

std::optional<std::string> Reader::text(const Cursor& c) {
    if (!require(c)) {
        if (c.key == nullptr || c.key->default_value.empty()) return std::nullopt;
        return std::string(c.key->default_value);
    }
    const RawNode& n = *c.node;
    if (!n.is_scalar()) {
        const std::string want = c.key != nullptr ? type_word(c.key->type) : "text";
        if (c.key != nullptr && c.key->type == KeyType::choice) {
            error(c.loc, c.path,
                  "must be one of " + join_names(split_choices(c.key->choices)) + "; got " +
                      n.describe(),
                  key_hint(c));
        } else {
            error(c.loc, c.path, "must be " + want + ", got " + n.describe(), key_hint(c));
        }
        return std::nullopt;
    }
    if (reject_reserved_value(c)) return std::nullopt;
    if (c.key != nullptr && c.key->type == KeyType::choice) {
        const auto choices = split_choices(c.key->choices);
        bool ok = false;
        for (const auto ch : choices) ok = ok || ch == n.scalar;
        if (!ok) {
            error(c.loc, c.path,
                  "must be one of " + join_names(choices) + "; got `" + n.scalar + "`",
                  suggestion_hint(n.scalar, choices, key_hint(c)));
            return std::nullopt;
        }
    }
    return n.scalar;
}

namespace {

/// What to change when a family's mean or variance is beyond the largest double.
std::string moments_hint(sim::DistKind kind) {
    switch (kind) {
    case sim::DistKind::weibull:
        return "raise `shape` (1 is the exponential; below about 0.006 a weibull's mean is "
               "beyond any number) or lower `scale`";
    case sim::DistKind::gamma:
        return "raise `shape` or lower `scale` (the mean is shape * scale, the squared "
               "coefficient of variation 1 / shape)";
    default: return "use smaller values (or a larger time_unit, so that times are smaller numbers)";
    }
}

}  // namespace

bool Reader::finite_moments(const Cursor& c, const DistributionSchema& family,
                            const sim::Distribution& d) {
    // Every figure made from a duration (the clock, utilisations, `check`'s queue formulas)
    // needs its mean, and `check` its variance: neither may overflow to infinity.
    const std::string name(family.name);
    std::string what;
    if (!std::isfinite(d.mean())) {
        what = d.kind() == sim::DistKind::weibull
                   ? "has no finite mean: scale * Gamma(1 + 1/shape) overflows the largest number "
                     "(about 1.8e308)"
                   : "has no finite mean: it overflows the largest number (about 1.8e308)";
    } else if (!std::isfinite(d.scv())) {
        what = d.kind() == sim::DistKind::weibull
                   ? "has no finite variance: Gamma(1 + 2/shape) / Gamma(1 + 1/shape)^2 "
                     "overflows the largest number (about 1.8e308)"
                   : "has no finite variance: it overflows the largest number (about 1.8e308)";
    } else {
        return true;
    }
    error(c.loc, c.path, "this " + name + " distribution " + what, moments_hint(d.kind()));
    return false;
}

std::optional<sim::Distribution> Reader::distribution(const Cursor& c) {
    if (!require(c)) return std::nullopt;
    const RawNode& n = *c.node;
    const std::string shape_hint = "write a constant (`" + std::string(c.name()) +
                                   ": 0.5`) or a map (`" + std::string(c.name()) +
                                   ": {dist: exponential, mean: 0.5}`)";
    if (n.is_scalar()) {
        const auto x = parse_number(n.scalar);
        if (!x || !std::isfinite(*x)) {
            error(
                c.loc, c.path,
                "must be a number (a constant) or a map {dist: NAME, ...}, got `" + n.scalar + "`",
                shape_hint);
            return std::nullopt;
        }
        if (*x < 0) {
            error(c.loc, c.path, "must be >= 0 (a duration cannot be negative), got " + n.scalar,
                  key_hint(c));
            return std::nullopt;
        }
        return sim::Distribution::constant(*x);
    }
    if (!n.is_map()) {
        error(c.loc, c.path,
              "must be a number (a constant) or a map {dist: NAME, ...}, got " + n.describe(),
              shape_hint);
        return std::nullopt;
    }

    std::vector<std::string_view> family_names;
    for (const auto& d : distribution_schema()) family_names.push_back(d.name);
    const RawEntry* dist = n.find("dist");
    if (dist == nullptr) {
        error(c.key_loc, join(c.path, "dist"), "missing `dist` (the distribution's name)",
              "add `dist: NAME`; NAME is one of " + join_names(family_names));
        return std::nullopt;
    }
    const std::string dist_path = join(c.path, "dist");
    if (!dist->value.is_scalar()) {
        error(dist->value.loc, dist_path,
              "must be a distribution name, got " + dist->value.describe(),
              "one of " + join_names(family_names));
        return std::nullopt;
    }
    const DistributionSchema* family = find_distribution(dist->value.scalar);
    if (family == nullptr) {
        error(
            dist->value.loc, dist_path,
            "unknown distribution `" + dist->value.scalar + "`; known: " + join_names(family_names),
            suggestion_hint(dist->value.scalar, family_names));
        return std::nullopt;
    }

    std::vector<std::string_view> params;
    for (const auto p : family->params) {
        if (!p.empty()) params.push_back(p);
    }
    const std::string takes =
        std::string(family->name) + " takes: " + join_names(params, family->one_of ? " | " : ", ");
    const std::size_t errors_before = error_count();
    for (const auto& e : n.entries) {
        if (e.key == "dist") continue;
        bool known = false;
        for (const auto p : params) known = known || p == e.key;
        if (!known) {
            error(e.key_loc, join(c.path, e.key),
                  "`" + e.key + "` is not a parameter of the " + std::string(family->name) +
                      " distribution",
                  suggestion_hint(e.key, params, takes));
        }
    }

    if (error_count() != errors_before) return std::nullopt;  // a misspelt one is not missing

    // Read each parameter that is present: a number, or (empirical) a list of numbers.
    std::vector<double> scalars(params.size(), 0.0);
    std::vector<std::vector<double>> lists(params.size());
    std::vector<bool> present(params.size(), false);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const RawEntry* e = n.find(params[i]);
        if (e == nullptr) continue;
        present[i] = true;
        const std::string path = join(c.path, params[i]);
        if (family->kind == sim::DistKind::empirical) {
            if (!e->value.is_list()) {
                error(e->value.loc, path, "must be a list of numbers, got " + e->value.describe(),
                      "e.g. values: [1, 2, 5], weights: [0.5, 0.3, 0.2]");
                continue;
            }
            for (std::size_t j = 0; j < e->value.items.size(); ++j) {
                const auto x =
                    number_at(Cursor{}, e->value.items[j], join(path, std::to_string(j)));
                if (x) lists[i].push_back(*x);
            }
            continue;
        }
        const auto x = number_at(Cursor{}, e->value, path);
        if (!x) continue;
        if (family->kind == sim::DistKind::erlang && params[i] == "k" && std::floor(*x) != *x) {
            error(e->value.loc, path, "must be a whole number, got " + e->value.scalar,
                  "k is the number of exponential phases (an integer >= 1)");
            continue;
        }
        scalars[i] = *x;
    }
    if (family->one_of) {
        std::size_t given = 0;
        for (const bool p : present) given += p ? 1 : 0;
        if (given == 0) {
            error(c.key_loc, c.path,
                  "the " + std::string(family->name) + " distribution needs " +
                      join_names(params, " or "),
                  takes);
        } else if (given > 1) {
            const RawEntry* second = n.find(params[1]);
            error(second->key_loc, join(c.path, params[1]),
                  "give " + join_names(params, " or ") + ", not both", takes);
        }
    } else {
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (!present[i]) {
                error(c.key_loc, join(c.path, params[i]),
                      "missing parameter `" + std::string(params[i]) + "` of the " +
                          std::string(family->name) + " distribution",
                      takes);
            }
        }
    }
    if (error_count() != errors_before) return std::nullopt;

    // The distribution, or none (an error is recorded); its mean and variance are checked
    // below, once for every family.
    const auto make = [&]() -> std::optional<sim::Distribution> {
        switch (family->kind) {
        case sim::DistKind::exponential:
            if (present[1]) {
                if (!(scalars[1] > 0)) {
                    const RawEntry* rate = n.find("rate");
                    error(rate->value.loc, join(c.path, "rate"),
                          "must be > 0, got " + rate->value.scalar, "rate = 1 / mean");
                    return std::nullopt;
                }
                return sim::Distribution::exponential(1.0 / scalars[1]);
            }
            return sim::Distribution::exponential(scalars[0]);
        case sim::DistKind::constant: return sim::Distribution::constant(scalars[0]);
        case sim::DistKind::uniform: return sim::Distribution::uniform(scalars[0], scalars[1]);
        case sim::DistKind::triangular:
            return sim::Distribution::triangular(scalars[0], scalars[1], scalars[2]);
        case sim::DistKind::normal: return sim::Distribution::normal(scalars[0], scalars[1]);
        case sim::DistKind::lognormal: return sim::Distribution::lognormal(scalars[0], scalars[1]);
        case sim::DistKind::gamma: return sim::Distribution::gamma(scalars[0], scalars[1]);
        case sim::DistKind::erlang:
            if (scalars[0] < 1 || scalars[0] > 1e6) {
                const RawEntry* k = n.find("k");
                error(k->value.loc, join(c.path, "k"),
                      "must be an integer in [1, 1000000], got " + k->value.scalar,
                      "k is the number of exponential phases");
                return std::nullopt;
            }
            return sim::Distribution::erlang(static_cast<int>(scalars[0]), scalars[1]);
        case sim::DistKind::weibull: return sim::Distribution::weibull(scalars[0], scalars[1]);
        case sim::DistKind::empirical: return sim::Distribution::empirical(lists[0], lists[1]);
        }
        return std::nullopt;
    };
    try {
        const auto made = make();
        if (made && !finite_moments(c, *family, *made)) return std::nullopt;
        return made;
    } catch (const sim::ParamError& e) {
        // Placed at the parameter when it is one as written (not "values[3]" or "sum of
        // weights", which stay with the distribution).
        for (const auto p : params) {
            if (e.param() != p) continue;
            if (const RawEntry* entry = n.find(p)) {
                error(entry->value.loc, join(c.path, p), e.problem(), takes);
                return std::nullopt;
            }
        }
        error(c.loc, c.path, "invalid " + std::string(family->name) + " distribution: " + e.what(),
              takes);
    } catch (const std::invalid_argument& e) {
        error(c.loc, c.path, "invalid " + std::string(family->name) + " distribution: " + e.what(),
              takes);
    }
    return std::nullopt;
}

}  // namespace qosim::models::detail
