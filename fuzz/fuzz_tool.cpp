// Helper for scripts/fuzz.sh, generated from the schema table so it follows the format:
//   fuzz_tool dict              prints a libFuzzer dictionary: every key name, choice word,
//                               distribution name and parameter, and YAML syntax that matters
//                               (anchors, aliases, merge keys, flow collections, odd numbers)
//   fuzz_tool override-seeds DIR
//                               writes seed inputs for the `overrides` target: one
//                               `PATH=VALUE` item per scalar key, on fuzz_overrides.cpp's
//                               built-in scenario's stages
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <string_view>

#include "models/scenario/schema.hpp"

namespace {

namespace models = qosim::models;

/// A dictionary entry: the text in double quotes, '"' and '\' escaped, other bytes outside
/// printable ASCII as \xNN (libFuzzer's format).
std::string dict_entry(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte > 0x7e) {
            constexpr std::string_view kHex = "0123456789ABCDEF";
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out + '"';
}

int print_dict() {
    std::set<std::string> words;
    for (const models::SchemaKey& key : models::schema_keys()) {
        const std::string_view last = models::last_segment(key.path);
        if (last != "*" && last != "#") words.insert(std::string(last) + ":");
        for (const std::string_view c : models::split_choices(key.choices)) words.emplace(c);
        if (!key.default_value.empty()) words.emplace(key.default_value);
    }
    for (const models::DistributionSchema& d : models::distribution_schema()) {
        words.insert("dist: " + std::string(d.name));
        for (const std::string_view p : d.params)
            if (!p.empty()) words.insert(std::string(p) + ":");
    }
    for (const char* syntax : {"&a ",
                               "*a",
                               "<<: *a",
                               "{",
                               "}",
                               "[",
                               "]",
                               ": ",
                               ", ",
                               "- ",
                               "---\n",
                               "...\n",
                               "? ",
                               "!!str ",
                               "!!float ",
                               "!!map ",
                               "~",
                               "null",
                               "|\n",
                               ">\n",
                               "'",
                               "\"",
                               "#",
                               "\n  ",
                               ".inf",
                               "-.inf",
                               ".nan",
                               "1e308",
                               "-1e308",
                               "4.9e-324",
                               "1e-300",
                               "2147483647",
                               "2147483648",
                               "9223372036854775807",
                               "18446744073709551616",
                               "-0",
                               "0x10",
                               "0o7",
                               "1_000",
                               "true",
                               "false",
                               "=",
                               "#set\n"})
        words.emplace(syntax);
    for (const std::string& w : words) std::cout << dict_entry(w) << "\n";
    return 0;
}

/// The built-in scenario's stage (fuzz_overrides.cpp) that a `stages.*.KEY` row applies to.
std::string_view stage_for(models::StageTypeMask types) {
    using models::StageType;
    if (types & models::stage_bit(StageType::station)) return "smt";
    if (types & models::stage_bit(StageType::inspection)) return "aoi";
    if (types & models::stage_bit(StageType::source)) return "orders";
    if (types & models::stage_bit(StageType::link)) return "ship";
    return "customer";
}

/// A value of the key's type: its default when it has one.
std::string sample_value(const models::SchemaKey& key) {
    if (!key.default_value.empty()) return std::string(key.default_value);
    switch (key.type) {
    case models::KeyType::number: return "1.5";
    case models::KeyType::integer: return "2";
    case models::KeyType::boolean: return "true";
    case models::KeyType::choice: return std::string(models::split_choices(key.choices).front());
    case models::KeyType::distribution: return "{dist: exponential, mean: 1}";
    case models::KeyType::name: return "customer";
    case models::KeyType::string: return "text";
    default: return "";
    }
}

int write_override_seeds(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    int n = 0;
    for (const models::SchemaKey& key : models::schema_keys()) {
        const std::string value = sample_value(key);
        const std::string_view pattern = key.path;
        if (value.empty() || pattern.starts_with("variants") || pattern.starts_with("sweep"))
            continue;
        std::string path;
        std::string_view parent;
        std::size_t start = 0;
        while (start <= pattern.size()) {
            const std::size_t end = std::min(pattern.find('.', start), pattern.size());
            const std::string_view seg = pattern.substr(start, end - start);
            std::string_view name = seg;
            if (seg == "#") name = "0";
            if (seg == "*") {
                name = parent == "stages"               ? stage_for(key.stage_types)
                       : parent == "products"           ? "basic"
                       : parent == "service_by_product" ? "premium"
                                                        : "on_time_rate";
            }
            if (!path.empty()) path += '.';
            path += name;
            parent = seg;
            start = end + 1;
        }
        std::ofstream(dir / ("set_" + std::to_string(n++))) << path << "=" << value << "\n";
    }
    std::cerr << "fuzz_tool: " << n << " override seeds in " << dir.string() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view mode = argc > 1 ? argv[1] : "";
    if (mode == "dict" && argc == 2) return print_dict();
    if (mode == "override-seeds" && argc == 3) return write_override_seeds(argv[2]);
    std::cerr << "usage: fuzz_tool dict | fuzz_tool override-seeds DIR\n";
    return 2;
}
