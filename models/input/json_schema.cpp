// The scenario format as a JSON Schema (draft-07), generated from the schema table, the
// distribution family table and the runs.csv metric table: one truth with the loader.
#include "models/input/json_schema.hpp"

#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

#include "models/run/metrics.hpp"
#include "models/scenario/enum_names.hpp"
#include "models/scenario/schema.hpp"
#include "sim/distribution.hpp"
#include "sim/number_text.hpp"

namespace qosim::models {

namespace {

// A JSON value with ordered object keys (the text is deterministic: keys in insertion order).
class Json {
public:
    enum class Kind { null, boolean, number, string, array, object };

    static Json string(std::string_view s) {
        Json j(Kind::string);
        j.text_ = std::string(s);
        return j;
    }
    static Json number(double x) {
        Json j(Kind::number);
        j.text_ = sim::format_number(x);
        return j;
    }
    /// A number as the table writes it ("1e10"), which is also JSON.
    static Json number_text(std::string_view text) {
        Json j(Kind::number);
        j.text_ = std::string(text);
        return j;
    }
    static Json boolean(bool b) {
        Json j(Kind::boolean);
        j.text_ = b ? "true" : "false";
        return j;
    }
    static Json array() { return Json(Kind::array); }
    static Json object() { return Json(Kind::object); }
    static Json strings(const std::vector<std::string_view>& items) {
        Json a = array();
        for (const auto s : items) a.push(string(s));
        return a;
    }

    /// Object: sets `key` (replacing an earlier value of it). Returns *this.
    Json& set(std::string_view key, Json value) {
        for (auto& [k, v] : members_) {
            if (k == key) {
                v = std::move(value);
                return *this;
            }
        }
        members_.emplace_back(std::string(key), std::move(value));
        return *this;
    }
    /// Array: appends. Returns *this.
    Json& push(Json value) {
        items_.push_back(std::move(value));
        return *this;
    }
    /// Object: sets every member of `other`, in its order. Returns *this.
    Json& merge(Json other) {
        for (auto& [k, v] : other.members_) set(k, std::move(v));
        return *this;
    }
    [[nodiscard]] bool empty() const { return members_.empty() && items_.empty(); }

    void write(std::string& out, int indent) const {
        switch (kind_) {
        case Kind::null: out += "null"; return;
        case Kind::boolean:
        case Kind::number: out += text_; return;
        case Kind::string: write_string(out, text_); return;
        case Kind::array: write_array(out, indent); return;
        case Kind::object: write_object(out, indent); return;
        }
    }

private:
    explicit Json(Kind k) : kind_(k) {}

    static void write_string(std::string& out, std::string_view s) {
        out += '"';
        for (const char c : s) {
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    constexpr char kHex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += kHex[(c >> 4) & 0xf];
                    out += kHex[c & 0xf];
                } else {
                    out += c;
                }
            }
        }
        out += '"';
    }

    [[nodiscard]] bool scalars_only() const {
        for (const auto& i : items_) {
            if (i.kind_ == Kind::array || i.kind_ == Kind::object) return false;
        }
        return true;
    }

    void write_array(std::string& out, int indent) const {
        if (items_.empty()) {
            out += "[]";
            return;
        }
        if (scalars_only()) {  // short lists of names stay on one line
            out += '[';
            for (std::size_t i = 0; i < items_.size(); ++i) {
                if (i > 0) out += ", ";
                items_[i].write(out, indent);
            }
            out += ']';
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < items_.size(); ++i) {
            out.append(static_cast<std::size_t>(indent + 2), ' ');
            items_[i].write(out, indent + 2);
            out += i + 1 < items_.size() ? ",\n" : "\n";
        }
        out.append(static_cast<std::size_t>(indent), ' ');
        out += ']';
    }

    void write_object(std::string& out, int indent) const {
        if (members_.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        for (std::size_t i = 0; i < members_.size(); ++i) {
            out.append(static_cast<std::size_t>(indent + 2), ' ');
            write_string(out, members_[i].first);
            out += ": ";
            members_[i].second.write(out, indent + 2);
            out += i + 1 < members_.size() ? ",\n" : "\n";
        }
        out.append(static_cast<std::size_t>(indent), ' ');
        out += '}';
    }

    Kind kind_;
    std::string text_;
    std::vector<std::pair<std::string, Json>> members_;
    std::vector<Json> items_;
};

// Stage, product and variant names (is_valid_stage_name in models/input, is_name in design).
constexpr std::string_view kNamePattern = "^[A-Za-z_][A-Za-z0-9_-]*$";

bool is_child(std::string_view path, std::string_view parent) {
    if (parent.empty()) return path.find('.') == std::string_view::npos;
    return path.size() > parent.size() + 1 && path.starts_with(parent) &&
           path[parent.size()] == '.' &&
           path.substr(parent.size() + 1).find('.') == std::string_view::npos;
}

// The supported rows directly under `parent` that apply to a stage of `mask`, in table order.
std::vector<const SchemaKey*> children(std::string_view parent, StageTypeMask mask) {
    std::vector<const SchemaKey*> out;
    for (const auto& k : schema_keys()) {
        if (!is_child(k.path, parent) || k.status != KeyStatus::supported) continue;
        if ((k.stage_types & mask) == 0) continue;
        out.push_back(&k);
    }
    return out;
}

const SchemaKey* wildcard_child(std::string_view parent, StageTypeMask mask) {
    for (const SchemaKey* k : children(parent, mask)) {
        if (last_segment(k->path) == "*" || last_segment(k->path) == "#") return k;
    }
    return nullptr;
}

std::string unit_text(std::string_view unit) {
    if (unit == "time") return "the scenario's time_unit";
    return std::string(unit);
}

// help, then the unit and default in words.
std::string description(const SchemaKey& k) {
    std::string out(k.help);
    if (!k.unit.empty()) {
        out += ". Unit: ";
        out += unit_text(k.unit);
    }
    if (!k.default_value.empty()) {
        out += ". Default: ";
        out += k.default_value;
    }
    if (k.required) out += ". Required";
    return out;
}

void add_range(Json& s, const Range& r) {
    if (std::isfinite(r.lo)) s.set(r.lo_open ? "exclusiveMinimum" : "minimum", Json::number(r.lo));
    if (std::isfinite(r.hi)) s.set(r.hi_open ? "exclusiveMaximum" : "maximum", Json::number(r.hi));
}

std::vector<std::string_view> metric_names() {
    std::vector<std::string_view> out;
    for (const auto& m : run_metrics()) out.push_back(m.name);
    return out;
}

Json name_rule(bool scrap_refused) {
    Json names = Json::object();
    names.set("pattern", Json::string(kNamePattern));
    if (scrap_refused) names.set("not", Json::object().set("const", Json::string("scrap")));
    return names;
}

// Text keys take any scalar: the loader reads `name: 2024` as the text "2024".
Json scalar_types() {
    return Json::array()
        .push(Json::string("string"))
        .push(Json::string("number"))
        .push(Json::string("boolean"));
}

Json key_schema(const SchemaKey& k, StageTypeMask mask);

// A map's keys: the literal children as properties, a `*` child as additionalProperties
// (otherwise none are allowed), required children listed; empty (null) only when nothing in
// it is required, as the loader reads an empty value as an empty map.
Json map_schema(std::string_view pattern, StageTypeMask mask, bool null_ok) {
    Json s = Json::object();
    Json props = Json::object();
    std::vector<std::string_view> required;
    const SchemaKey* wild = nullptr;
    for (const SchemaKey* c : children(pattern, mask)) {
        const auto seg = last_segment(c->path);
        if (seg == "*") {
            wild = c;
            continue;
        }
        props.set(seg, key_schema(*c, mask));
        if (c->required) required.push_back(seg);
    }
    const bool nullable = null_ok && required.empty();
    s.set("type", nullable ? Json::array().push(Json::string("object")).push(Json::string("null"))
                           : Json::string("object"));
    if (!props.empty()) s.set("properties", std::move(props));
    if (!required.empty()) s.set("required", Json::strings(required));
    if (wild != nullptr) {
        const std::string_view p = wild->path;
        if (p == "targets.*") {
            s.set("propertyNames", Json::object().set("enum", Json::strings(metric_names())));
        } else if (p == "stages.*" || p == "stages.*.products.*") {
            s.set("propertyNames", name_rule(true));
        } else if (p == "variants.*" || p == "stages.*.service_by_product.*") {
            s.set("propertyNames", name_rule(false));
        }
        s.set("additionalProperties", key_schema(*wild, mask));
    } else {
        s.set("additionalProperties", Json::boolean(false));
    }
    return s;
}

// A stage: `type` first; the keys allowed and required depend on it (one if/then per type).
Json stage_schema(const SchemaKey& k) {
    const SchemaKey* type_key = find_schema_key("stages.*.type");
    Json s = Json::object();
    s.set("description", Json::string(description(k)));
    s.set("type", Json::string("object"));
    s.set("properties", Json::object().set("type", key_schema(*type_key, kAllStageTypes)));
    s.set("required", Json::strings({"type"}));
    Json all = Json::array();
    for (const auto t : split_choices(type_key->choices)) {
        const auto type = parse_in(kStageTypeNames, t);
        if (!type) continue;
        Json when = Json::object();
        when.set("properties",
                 Json::object().set("type", Json::object().set("const", Json::string(t))));
        when.set("required", Json::strings({"type"}));
        all.push(Json::object()
                     .set("if", std::move(when))
                     .set("then", map_schema(k.path, stage_bit(*type), false)));
    }
    s.set("allOf", std::move(all));
    return s;
}

Json distribution_ref(const SchemaKey& k) {
    Json s = Json::object();
    s.set("description", Json::string(description(k)));
    s.set("allOf", Json::array().push(
                       Json::object().set("$ref", Json::string("#/definitions/distribution"))));
    return s;
}

Json setting_schema(const SchemaKey& k, StageTypeMask mask) {
    Json s = Json::object();
    s.set("description", Json::string(description(k)));
    if (k.path == "sweep.parameters.*") {
        Json list = Json::object();
        list.set("type", Json::string("array"));
        list.set("minItems", Json::number(1));
        list.set("items", Json::object().set("type", scalar_types()));
        s.set("anyOf", Json::array().push(std::move(list)).push(map_schema(k.path, mask, false)));
        return s;
    }
    s.set("not", Json::object().set("type", Json::string("null")));  // variants.*.*: any value
    return s;
}

Json key_schema(const SchemaKey& k, StageTypeMask mask) {
    if (k.path == "stages.*") return stage_schema(k);
    switch (k.type) {
    case KeyType::distribution: return distribution_ref(k);
    case KeyType::setting: return setting_schema(k, mask);
    default: break;
    }
    Json s = Json::object();
    s.set("description", Json::string(description(k)));
    switch (k.type) {
    case KeyType::map: {
        const bool named = k.path == "stages" || k.path == "variants.*" || k.path == "targets.*";
        Json body = map_schema(k.path, mask, !named);
        if (named) body.set("minProperties", Json::number(1));  // no stages / an empty variant
        s.merge(std::move(body));
        return s;
    }
    case KeyType::list: {
        s.set("type", Json::string("array"));
        if (const SchemaKey* item = wildcard_child(k.path, mask))
            s.set("items", key_schema(*item, mask));
        return s;
    }
    case KeyType::string:
        if (k.path == "run.precision.metric") {
            s.set("enum", Json::strings(metric_names()));
        } else {
            s.set("type", scalar_types());
        }
        return s;
    case KeyType::name:
        s.set("type", Json::string("string"));
        s.set("pattern", Json::string(kNamePattern));
        return s;
    case KeyType::choice:
        s.set("enum", Json::strings(split_choices(k.choices)));
        if (!k.default_value.empty()) s.set("default", Json::string(k.default_value));
        return s;
    case KeyType::number:
    case KeyType::integer: {
        Json num = Json::object();
        num.set("type", Json::string(k.type == KeyType::number ? "number" : "integer"));
        add_range(num, k.range);
        if (!k.choices.empty()) {  // words taken instead of a number: run.warmup: auto
            s.set("anyOf",
                  Json::array()
                      .push(std::move(num))
                      .push(Json::object().set("enum", Json::strings(split_choices(k.choices)))));
        } else {
            s.set("type", Json::string(k.type == KeyType::number ? "number" : "integer"));
            add_range(s, k.range);
        }
        if (!k.default_value.empty()) {
            if (k.default_value == "auto") {
                s.set("default", Json::string(k.default_value));
            } else {
                s.set("default", Json::number_text(k.default_value));
            }
        }
        return s;
    }
    case KeyType::boolean:
        s.set("type", Json::string("boolean"));
        if (!k.default_value.empty()) s.set("default", Json::boolean(k.default_value == "true"));
        return s;
    case KeyType::distribution:
    case KeyType::setting: break;
    }
    return s;
}

// A bare number (a constant) or {dist: NAME, PARAM: value ...}; each family's parameters by
// if/then on `dist` (the factories in sim/ check their ranges).
Json distribution_definition() {
    std::vector<std::string_view> names;
    Json per_family = Json::array();
    for (const auto& d : sim::distribution_families()) {
        names.push_back(d.name);
        Json props = Json::object();
        props.set("dist", Json::object().set("const", Json::string(d.name)));
        std::vector<std::string_view> params;
        for (const auto p : d.params) {
            if (p.empty()) continue;
            params.push_back(p);
            if (d.kind == sim::DistKind::empirical) {
                props.set(p, Json::object()
                                 .set("type", Json::string("array"))
                                 .set("items", Json::object().set("type", Json::string("number"))));
            } else if (d.kind == sim::DistKind::erlang && p == "k") {
                props.set(p, Json::object().set("type", Json::string("integer")));
            } else {
                props.set(p, Json::object().set("type", Json::string("number")));
            }
        }
        Json then = Json::object();
        then.set("description", Json::string(d.help));
        then.set("properties", std::move(props));
        then.set("additionalProperties", Json::boolean(false));
        if (d.one_of) {
            Json one = Json::array();
            for (const auto p : params)
                one.push(Json::object().set("required", Json::strings({p})));
            then.set("oneOf", std::move(one));
        } else {
            then.set("required", Json::strings(params));
        }
        Json when = Json::object();
        when.set("properties",
                 Json::object().set("dist", Json::object().set("const", Json::string(d.name))));
        when.set("required", Json::strings({"dist"}));
        per_family.push(Json::object().set("if", std::move(when)).set("then", std::move(then)));
    }
    Json constant = Json::object();
    constant.set("description", Json::string("a constant"));
    constant.set("type", Json::string("number"));
    constant.set("minimum", Json::number(0));
    Json map = Json::object();
    map.set("type", Json::string("object"));
    map.set("properties",
            Json::object().set("dist", Json::object()
                                           .set("description", Json::string("the family"))
                                           .set("enum", Json::strings(names))));
    map.set("required", Json::strings({"dist"}));
    map.set("allOf", std::move(per_family));
    Json s = Json::object();
    s.set("description",
          Json::string("a constant (a bare number >= 0) or {dist: NAME, PARAM: value ...}"));
    s.set("oneOf", Json::array().push(std::move(constant)).push(std::move(map)));
    return s;
}

}  // namespace

std::string scenario_json_schema() {
    Json root = Json::object();
    root.set("$schema", Json::string("http://json-schema.org/draft-07/schema#"));
    root.set("title", Json::string("qosim scenario"));
    root.set("description",
             Json::string("A qosim scenario file (generated by `qosim schema` from the schema "
                          "table the loader reads; `qosim check` also checks the rules across "
                          "keys)."));
    root.merge(map_schema("", kAllStageTypes, false));
    root.set("definitions", Json::object().set("distribution", distribution_definition()));
    std::string out;
    root.write(out, 0);
    out += '\n';
    return out;
}

}  // namespace qosim::models
