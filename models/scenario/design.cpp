// Variants and sweep designs: read from the raw tree, paths checked, sweep points generated.
#include "models/scenario/design.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "models/scenario/overrides.hpp"
#include "models/scenario/value_reader.hpp"
#include "sim/random.hpp"

namespace qosim::models {

namespace detail {

namespace {

std::string shortest(double x) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

// A grid value computed from a range: rounded to 15 significant digits so that 0.8 + 0.0475
// reads 0.8475, not 0.8475000000000001.
std::string clean(double x) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", x);
    return shortest(std::strtod(buf, nullptr));
}

bool is_name(const std::string& s) {
    if (s.empty()) return false;
    const auto head = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    if (!head(s[0])) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char c) { return head(c) || (c >= '0' && c <= '9') || c == '-'; });
}

Setting make_setting(const std::string& path, const RawNode& value, const SourceLoc& loc) {
    return Setting{path, std::make_shared<const RawNode>(value), render_flow(value), loc};
}

bool whole(double x) { return std::isfinite(x) && x == std::trunc(x) && std::fabs(x) < 9e15; }

}  // namespace

std::string render_flow(const RawNode& node) {
    switch (node.kind) {
    case RawNode::Kind::null: return "";
    case RawNode::Kind::scalar: return node.scalar;
    case RawNode::Kind::list: {
        std::string out = "[";
        for (std::size_t i = 0; i < node.items.size(); ++i) {
            if (i > 0) out += ", ";
            out += render_flow(node.items[i]);
        }
        return out + "]";
    }
    case RawNode::Kind::map: {
        std::string out = "{";
        for (std::size_t i = 0; i < node.entries.size(); ++i) {
            if (i > 0) out += ", ";
            out += node.entries[i].key;
            out += ": ";
            out += render_flow(node.entries[i].value);
        }
        return out + "}";
    }
    }
    return "";
}

std::vector<Variant> read_variants(const RawNode& root, std::vector<Diagnostic>& diags) {
    std::vector<Variant> out;
    Reader r(diags);
    const Cursor variants = Reader::child(Reader::root(root), "variants");
    if (!variants.present() || !r.check_map(variants)) return out;
    for (const RawEntry& v : variants.node->entries) {
        const std::string where = "variants." + v.key;
        if (!is_name(v.key)) {
            r.error(v.key_loc, where, "`" + v.key + "` is not a valid variant name",
                    "use letters, digits, `_` and `-`, starting with a letter or `_`");
            continue;
        }
        if (!v.value.is_map() || v.value.entries.empty()) {
            r.error(v.value.loc, where,
                    "a variant must be a map of values to change, got " + v.value.describe(),
                    "e.g. " + v.key + ": {stages.smt.servers: 3}");
            continue;
        }
        Variant variant{v.key, {}, v.key_loc};
        bool ok = true;
        for (const RawEntry& e : v.value.entries) {
            auto problems = check_override_path(e.key, e.key_loc);
            if (!problems.empty()) {
                for (auto& d : problems) {
                    d.message = "in variant `" + v.key + "`: " + d.message;
                    diags.push_back(std::move(d));
                }
                ok = false;
                continue;
            }
            if (e.value.is_null()) {
                r.error(e.key_loc, where + "." + e.key,
                        "the variant gives `" + e.key + "` no value",
                        "write `" + e.key + ": VALUE`");
                ok = false;
                continue;
            }
            variant.settings.push_back(make_setting(e.key, e.value, e.value.loc));
        }
        if (ok) out.push_back(std::move(variant));
    }
    return out;
}

namespace {

// Reads one entry of sweep.parameters; false on a problem (reported).
bool read_parameter(Reader& r, const Cursor& params, const RawEntry& e, SweepMethod method,
                    SweepParameter& p, std::vector<Diagnostic>& diags) {
    p.path = e.key;
    p.loc = e.key_loc;
    const std::string where = params.path + "." + e.key;
    auto problems = check_override_path(e.key, e.key_loc);
    if (!problems.empty()) {
        for (auto& d : problems) diags.push_back(std::move(d));
        return false;
    }
    const SchemaKey* leaf = override_target(e.key);
    const bool numeric = leaf == nullptr || leaf->type == KeyType::number ||
                         leaf->type == KeyType::integer || leaf->type == KeyType::distribution;
    p.integer = leaf != nullptr && leaf->type == KeyType::integer;
    if (leaf != nullptr && (leaf->type == KeyType::map || leaf->type == KeyType::list)) {
        r.error(e.key_loc, where, "`" + e.key + "` is not a single value, so it cannot be swept",
                "sweep a scalar below it, e.g. " + e.key + ".mean or a key of its own");
        return false;
    }
    if (e.value.is_list()) {
        if (e.value.items.empty()) {
            r.error(e.value.loc, where, "the list of values is empty", "list at least one value");
            return false;
        }
        for (const RawNode& item : e.value.items) {
            if (!item.is_scalar()) {
                r.error(item.loc, where,
                        "a swept value must be a single value, got " + item.describe(),
                        "list plain values: [1, 2, 3]");
                return false;
            }
            p.values.push_back(item.scalar);
        }
        return true;
    }
    if (!e.value.is_map()) {
        r.error(e.value.loc, where,
                "a swept parameter takes a list of values or {from, to, steps}, got " +
                    e.value.describe(),
                "e.g. " + e.key + ": [1, 2, 3] or " + e.key + ": {from: 0.8, to: 0.99, steps: 5}");
        return false;
    }
    if (!numeric) {
        r.error(e.value.loc, where,
                "`" + e.key + "` is not a number, so it takes a list of values, not a range",
                "list them: " + e.key + ": [a, b]");
        return false;
    }
    Cursor c;
    c.node = &e.value;
    c.path = where;
    c.pattern = "sweep.parameters.*";
    c.key = find_schema_key("sweep.parameters.*");
    c.loc = e.value.loc;
    c.key_loc = e.key_loc;
    if (!r.check_map(c)) return false;
    const auto from = r.number(Reader::child(c, "from"));
    const auto to = r.number(Reader::child(c, "to"));
    const Cursor steps_c = Reader::child(c, "steps");
    const auto steps = r.integer(steps_c);
    if (!from || !to) return false;
    if (*to < *from) {
        r.error(e.value.loc, where,
                "`to` (" + shortest(*to) + ") is below `from` (" + shortest(*from) + ")",
                "swap them");
        return false;
    }
    if (p.integer && (!whole(*from) || !whole(*to))) {
        r.error(e.value.loc, where, "`" + e.key + "` is a whole number, so `from` and `to` must be",
                "e.g. {from: 1, to: 4, steps: 4}");
        return false;
    }
    p.from = *from;
    p.to = *to;
    if (method == SweepMethod::lhs) {
        p.range = true;
        return true;
    }
    if (!steps_c.present() || !steps) {
        if (!steps_c.present())
            r.error(e.value.loc, where, "a grid range needs `steps` (how many values)",
                    "e.g. {from: " + shortest(*from) + ", to: " + shortest(*to) + ", steps: 5}");
        return false;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(*steps, kMaxSweepPoints + 1));
    if (n > kMaxSweepPoints) {
        r.error(steps_c.loc, steps_c.path, "too many steps (at most 1000000)", "use fewer steps");
        return false;
    }
    if (p.integer) {
        const double span = *to - *from;
        const double step = span / static_cast<double>(n - 1);
        if (!whole(step)) {
            r.error(steps_c.loc, steps_c.path,
                    shortest(static_cast<double>(n)) + " steps from " + shortest(*from) + " to " +
                        shortest(*to) + " are " + shortest(step) + " apart, but `" + e.key +
                        "` takes whole numbers only",
                    "choose steps so that (to - from) / (steps - 1) is whole, or list the values");
            return false;
        }
        for (std::size_t i = 0; i < n; ++i)
            p.values.push_back(shortest(*from + step * static_cast<double>(i)));
        return true;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(n - 1);
        p.values.push_back(i + 1 == n ? shortest(*to) : clean(*from + (*to - *from) * t));
    }
    return true;
}

// Latin hypercube: per parameter, its own stream (keyed by the sweep seed and its path, so a
// new parameter leaves the others' samples alone) shuffles the strata 0..n-1 and draws a point
// within each.
void latin_hypercube(SweepDesign& d) {
    const std::size_t n = d.samples;
    d.points.assign(n, std::vector<std::string>(d.parameters.size()));
    for (std::size_t j = 0; j < d.parameters.size(); ++j) {
        const SweepParameter& p = d.parameters[j];
        sim::RandomStream rng(d.seed, 0, p.path, "lhs");
        std::vector<std::size_t> strata(n);
        for (std::size_t i = 0; i < n; ++i) strata[i] = i;
        for (std::size_t i = n; i > 1; --i) {  // Fisher-Yates
            const auto k = static_cast<std::size_t>(rng.uniform01() * static_cast<double>(i));
            std::swap(strata[i - 1], strata[std::min(k, i - 1)]);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double u =
                (static_cast<double>(strata[i]) + rng.uniform01()) / static_cast<double>(n);
            std::string value;
            if (!p.range) {
                const auto k = static_cast<std::size_t>(u * static_cast<double>(p.values.size()));
                value = p.values[std::min(k, p.values.size() - 1)];
            } else if (p.integer) {
                const double count = p.to - p.from + 1.0;
                value = shortest(std::min(p.to, p.from + std::floor(u * count)));
            } else {
                value = shortest(p.from + u * (p.to - p.from));
            }
            d.points[i][j] = std::move(value);
        }
    }
}

}  // namespace

std::unique_ptr<SweepDesign> read_sweep(const RawNode& root, std::vector<Diagnostic>& diags) {
    Reader r(diags);
    const Cursor sweep = Reader::child(Reader::root(root), "sweep");
    if (!sweep.present()) return nullptr;
    const std::size_t before = r.error_count();
    if (!r.check_map(sweep)) return nullptr;
    auto d = std::make_unique<SweepDesign>();
    d->loc = sweep.key_loc;
    if (const auto m = r.text(Reader::child(sweep, "method"))) {
        d->method = *m == "lhs" ? SweepMethod::lhs : SweepMethod::grid;
    }
    const Cursor samples = Reader::child(sweep, "samples");
    if (const auto v = r.integer(samples)) d->samples = static_cast<std::size_t>(*v);
    if (const auto v = r.integer(Reader::child(sweep, "seed"))) d->seed = *v;
    if (d->method == SweepMethod::lhs && !samples.present()) {
        r.error(sweep.key_loc, sweep.path + ".samples", "a Latin hypercube needs `samples`",
                "e.g. sweep: {method: lhs, samples: 20, parameters: ...}");
    }
    if (samples.present() && d->samples > kMaxSweepPoints) {
        r.error(samples.loc, samples.path, "at most 1000000 samples", "use fewer samples");
    }
    const Cursor params = Reader::child(sweep, "parameters");
    if (r.check_map(params)) {
        if (params.node->entries.empty()) {
            r.error(params.loc, params.path, "no parameters to sweep",
                    "e.g. parameters: {stages.smt.servers: [1, 2, 3]}");
        }
        for (const RawEntry& e : params.node->entries) {
            SweepParameter p;
            if (read_parameter(r, params, e, d->method, p, diags)) d->parameters.push_back(p);
        }
    }
    if (r.error_count() != before) return nullptr;
    if (d->method == SweepMethod::grid) {
        double count = 1.0;
        for (const auto& p : d->parameters) count *= static_cast<double>(p.values.size());
        if (count > static_cast<double>(kMaxSweepPoints)) {
            r.error(params.key_loc, params.path,
                    "the grid has " + shortest(count) + " points, more than 1000000",
                    "sweep fewer values, or sample the space with method: lhs");
            return nullptr;
        }
        d->points.assign(1, {});
        for (const auto& p : d->parameters) {
            std::vector<std::vector<std::string>> next;
            next.reserve(d->points.size() * p.values.size());
            for (const auto& point : d->points) {
                for (const auto& v : p.values) {
                    next.push_back(point);
                    next.back().push_back(v);
                }
            }
            d->points = std::move(next);
        }
    } else {
        latin_hypercube(*d);
    }
    return d;
}

}  // namespace detail

std::vector<Setting> SweepDesign::settings(std::size_t p) const {
    std::vector<Setting> out;
    for (std::size_t j = 0; j < parameters.size(); ++j) {
        detail::RawNode node;
        node.kind = detail::RawNode::Kind::scalar;
        node.scalar = points[p][j];
        node.loc = parameters[j].loc;
        out.push_back(Setting{parameters[j].path, std::make_shared<const detail::RawNode>(node),
                              points[p][j], parameters[j].loc});
    }
    return out;
}

}  // namespace qosim::models
