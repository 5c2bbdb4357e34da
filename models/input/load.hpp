// Scenario loading: YAML text -> marked tree -> variant / sweep point -> overrides ->
// section builders -> semantic validation -> Scenario.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/scenario/design.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// The largest scenario file qosim reads (16 MiB): far above any hand-written scenario, and
/// small enough that parsing it stays within seconds and a few hundred MB.
inline constexpr std::size_t kMaxScenarioBytes = std::size_t{16} << 20;

/// A scenario file read and parsed once, from which the base scenario, each variant and each
/// sweep point are loaded: its raw tree (with file:line:column on every node), its variants and
/// its sweep design.
class ScenarioFile {
public:
    /// Reads and parses `path`. Throws ScenarioError for an unreadable file, a YAML syntax
    /// error, and problems in `variants:` or `sweep:` (paths checked like --set).
    static ScenarioFile read(const std::string& path);
    /// The same from text already in memory; `file` names it in messages.
    static ScenarioFile parse(const std::string& text, const std::string& file);

    /// Validates the scenario with `settings` applied in order (a variant's or a sweep
    /// point's), then `overrides` ("dotted.path=value" items from --set: they apply on top of
    /// every variant). Throws ScenarioError with every problem, each located.
    [[nodiscard]] Scenario load(const std::vector<std::string>& overrides = {},
                                const std::vector<Setting>& settings = {}) const;

    /// load(overrides) of the base scenario, also checking every variant and every swept value
    /// against it (each applied on its own), so a bad variant is an error before anything
    /// runs. Throws ScenarioError with every problem.
    [[nodiscard]] Scenario load_checked(const std::vector<std::string>& overrides = {}) const;

    [[nodiscard]] const std::vector<Variant>& variants() const { return variants_; }
    /// The variant called `name`, or null.
    [[nodiscard]] const Variant* find_variant(const std::string& name) const;
    /// The sweep design, or null when the file has none.
    [[nodiscard]] const SweepDesign* sweep() const { return sweep_.get(); }
    [[nodiscard]] const std::string& file() const { return file_; }
    /// FNV-1a of the file's bytes.
    [[nodiscard]] std::uint64_t content_hash() const { return hash_; }

private:
    std::string file_;
    std::uint64_t hash_ = 0;
    std::shared_ptr<const detail::RawNode> root_;
    std::vector<Variant> variants_;
    std::shared_ptr<const SweepDesign> sweep_;
};

/// ScenarioFile::read(path).load_checked(overrides).
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

/// The same from text already in memory; `file` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& file,
                            const std::vector<std::string>& overrides = {});

}  // namespace qosim::models
