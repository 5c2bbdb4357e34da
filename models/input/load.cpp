// Scenario loading, the orchestrator: parse once, then for each load apply the variant or
// sweep point and the overrides, run the section builders in order (build_*.cpp), then the
// semantic checks (models/validate), and throw every problem found, sorted by place.
#include "models/input/load.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

#include "models/input/builder.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/overrides.hpp"
#include "models/scenario/raw_tree.hpp"
#include "models/validate/graph_checks.hpp"
#include "models/validate/quality_checks.hpp"
#include "sim/random.hpp"

namespace qosim::models {

namespace {

// The sections in file order of dependence: stages before the routes that name them and the
// metrics checks that need to know whether a sink runs a survey; products (read with their
// source) before the routes and service_by_product that name them. The graph checks need
// sound stages and routes; the chain needs a fully valid scenario (its loop check relies on
// every earlier rule).
Scenario build_scenario(const detail::RawNode& root, const std::string& file,
                        std::vector<Diagnostic>& diags) {
    detail::ScenarioBuilder b(root, file, diags);
    if (!b.read_root()) return b.take();
    b.read_header();
    b.read_run();
    b.read_costs();
    b.read_targets();
    b.read_stages();
    b.check_survey_metrics();
    b.read_routes();
    b.read_faults();
    if (b.graph_checkable()) check_graph(b.scenario(), diags);
    if (diags.empty()) check_quality(b.scenario(), b.routes_key_loc(), diags);
    return b.take();
}

// In file order, like a compiler; override problems (line 0) first.
void sort_diagnostics(std::vector<Diagnostic>& diags) {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
    });
}

[[noreturn]] void file_error(const std::string& path, std::string message, std::string hint) {
    throw ScenarioError(
        {Diagnostic{SourceLoc{path, 0, 0}, "", std::move(message), std::move(hint)}});
}

// A scenario is a regular file of at most kMaxScenarioBytes: never a device, a FIFO or a
// directory (reading /dev/zero or a pipe would not end), and never read past the limit.
std::string read_text(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        file_error(path, "the scenario file does not exist",
                   "check the path (relative to the working directory)");
    }
    if (fs::is_directory(st)) {
        file_error(path, "is a directory, not a scenario file",
                   "give the path of a .yaml scenario you can read");
    }
    if (!fs::is_regular_file(st)) {
        file_error(path, "is not a regular file (a device, a pipe or a socket)",
                   "save the scenario to a file and give its path");
    }
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > kMaxScenarioBytes) {
        file_error(path,
                   "the scenario file has " + std::to_string(size) + " bytes, more than the " +
                       std::to_string(kMaxScenarioBytes) + " a scenario may have",
                   "a scenario is a hand-written description; generate large ones more "
                   "compactly (fewer, larger stages) or split the study into several files");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) file_error(path, "cannot read the scenario file", "check its permissions");
    std::string text;
    text.resize(static_cast<std::size_t>(std::min<std::uintmax_t>(size, kMaxScenarioBytes)) + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) file_error(path, "reading the scenario file failed", "check the file");
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) {  // grew while we read it
        file_error(
            path,
            "the scenario file is larger than " + std::to_string(kMaxScenarioBytes) + " bytes",
            "give a scenario of at most that size");
    }
    return text;
}

// The problems of one variant or swept value, said as such: "in variant `x`: ...".
void add_prefixed(std::vector<Diagnostic>& diags, const std::vector<Diagnostic>& found,
                  const std::string& prefix) {
    for (Diagnostic d : found) {
        d.message = prefix + d.message;
        if (std::find_if(diags.begin(), diags.end(), [&](const Diagnostic& e) {
                return e.loc.file == d.loc.file && e.loc.line == d.loc.line &&
                       e.loc.column == d.loc.column && e.message == d.message;
            }) == diags.end())
            diags.push_back(std::move(d));
    }
}

}  // namespace

ScenarioFile ScenarioFile::read(const std::string& path) { return parse(read_text(path), path); }

ScenarioFile ScenarioFile::parse(const std::string& text, const std::string& file) {
    std::vector<Diagnostic> diags;
    if (text.size() > kMaxScenarioBytes) {
        file_error(file,
                   "the scenario has more than " + std::to_string(kMaxScenarioBytes) + " bytes",
                   "give a scenario of at most that size");
    }
    auto root = detail::parse_yaml(text, file, diags);
    if (!root) throw ScenarioError(std::move(diags));
    ScenarioFile f;
    f.file_ = file;
    f.hash_ = sim::fnv1a64(text);
    f.variants_ = detail::read_variants(*root, diags);
    f.sweep_ = detail::read_sweep(*root, diags);
    if (!diags.empty()) {
        sort_diagnostics(diags);
        throw ScenarioError(std::move(diags));
    }
    f.root_ = std::make_shared<const detail::RawNode>(std::move(*root));
    return f;
}

Scenario ScenarioFile::load(const std::vector<std::string>& overrides,
                            const std::vector<Setting>& settings) const {
    std::vector<Diagnostic> diags;
    detail::RawNode root = *root_;
    for (const Setting& s : settings) detail::apply_value(root, s.path, *s.value, s.loc, diags);
    detail::apply_overrides(root, overrides, diags);
    Scenario sc = build_scenario(root, file_, diags);
    if (!diags.empty()) {
        sort_diagnostics(diags);
        throw ScenarioError(std::move(diags));
    }
    sc.content_hash = hash_;
    sc.overrides = overrides;
    for (const Setting& s : settings) sc.settings.push_back(s.path + "=" + s.text);
    return sc;
}

Scenario ScenarioFile::load_checked(const std::vector<std::string>& overrides) const {
    Scenario base = load(overrides);  // throws: the base's own problems come first
    std::vector<Diagnostic> diags;
    for (const Variant& v : variants_) {
        try {
            (void)load(overrides, v.settings);
        } catch (const ScenarioError& e) {
            add_prefixed(diags, e.diagnostics(), "in variant `" + v.name + "`: ");
        }
    }
    if (sweep_) {
        // Each swept value on its own (a range's ends for a Latin hypercube): a combination
        // that fails only jointly is reported by the point that runs it.
        constexpr std::size_t kChecked = 100;  // values per parameter checked up front
        for (const SweepParameter& p : sweep_->parameters) {
            std::vector<std::string> values = p.values;
            if (p.range) values = {detail::format_number(p.from), detail::format_number(p.to)};
            if (values.size() > kChecked) {
                values = {values.front(), values[values.size() / 2], values.back()};
            }
            for (const std::string& v : values) {
                detail::RawNode node;
                node.kind = detail::RawNode::Kind::scalar;
                node.scalar = v;
                node.loc = p.loc;
                const Setting s{p.path, std::make_shared<const detail::RawNode>(node), v, p.loc};
                try {
                    (void)load(overrides, {s});
                } catch (const ScenarioError& e) {
                    add_prefixed(diags, e.diagnostics(),
                                 "in sweep value " + p.path + "=" + v + ": ");
                }
            }
        }
    }
    if (!diags.empty()) {
        sort_diagnostics(diags);
        throw ScenarioError(std::move(diags));
    }
    return base;
}

const Variant* ScenarioFile::find_variant(const std::string& name) const {
    for (const Variant& v : variants_)
        if (v.name == name) return &v;
    return nullptr;
}

Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides) {
    return ScenarioFile::parse(text, file).load_checked(overrides);
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
    return ScenarioFile::read(path).load_checked(overrides);
}

}  // namespace qosim::models
