// The scenario builder's shared state: one object read section by section (build_*.cpp), in
// the order load.cpp calls them, collecting every problem as a Diagnostic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/enum_names.hpp"
#include "models/scenario/join_names.hpp"
#include "models/scenario/raw_tree.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/schema.hpp"
#include "models/scenario/value_reader.hpp"

namespace qosim::models::detail {

/// 12 significant digits, locale-independent: a sum like 0.7 + 0.2 prints as 0.9.
std::string format_number(double x);

/// True when `s` matches [A-Za-z_][A-Za-z0-9_-]* (stage and product names).
bool is_valid_stage_name(const std::string& s);

/// "a station", "an inspection": stage types in running text.
std::string with_article(StageType t);

/// join_names() of at most the first 20 names, then "... (N in all)": a hint stays short
/// however many stages or products there are.
std::string listing(const std::vector<std::string>& names);

/// Reads a raw tree into a Scenario, one section at a time, collecting every problem. The
/// sections share what earlier ones found (stage names and types, products, metric uses);
/// semantic checks of the whole (models/validate) run on the result.
class ScenarioBuilder {
public:
    ScenarioBuilder(const RawNode& root, const std::string& file, std::vector<Diagnostic>& diags);

    /// Checks that the document is a map of known keys; false (reported) when it is not.
    bool read_root();

    // build_run.cpp: name, time_unit and run (horizon or orders, warm-up, replications,
    // precision).
    void read_header();
    void read_run();

    // build_targets.cpp: costs, targets, and the metrics precision and targets name.
    void read_costs();
    void read_targets();
    /// Survey metrics named by precision or targets need a sink with a survey.
    void check_survey_metrics();

    // build_stages.cpp (products: build_products.cpp, stations: build_station.cpp).
    void read_stages();

    // build_routes.cpp: routes, attached to their stages and checked group by group.
    void read_routes();

    // build_faults.cpp: scheduled faults.
    void read_faults();

    /// True when the stages and routes are sound enough for the graph checks.
    [[nodiscard]] bool graph_checkable() const { return graph_checkable_; }
    /// The place of the top-level `routes` key (where a problem naming no stage points).
    [[nodiscard]] SourceLoc routes_key_loc() const;
    /// The scenario read so far.
    [[nodiscard]] const Scenario& scenario() const { return sc_; }
    /// Moves the scenario out; the builder is done.
    [[nodiscard]] Scenario take() { return std::move(sc_); }

private:
    /// A metric named by a target or by precision (survey metrics need a survey).
    struct MetricUse {
        std::string metric;
        SourceLoc loc;
        std::string path;
    };

    /// One shift window as written.
    struct WindowItem {
        ShiftWindow window;
        Cursor from;
        std::size_t index = 0;
    };

    /// One route as written, before it is attached to its stage.
    struct RouteItem {
        std::size_t from = 0;
        std::size_t to = 0;  ///< a stage index or kScrapTarget
        std::optional<double> prob;
        bool prob_invalid = false;
        RouteWhen when = RouteWhen::any;
        std::optional<std::size_t> product;  ///< index into Scenario::products
        Cursor cursor;
        Cursor prob_cursor;
    };

    // builder.cpp: shared lookups.
    Cursor at(const Cursor& parent, std::string_view key) const {
        return Reader::child(parent, key);
    }
    int to_int(const Cursor& c, std::uint64_t v, int fallback);
    std::string stage_path(const StageSpec& s) const { return stages_.path + "." + s.name; }
    std::string target_name(std::size_t to) const {
        return to == kScrapTarget ? std::string("scrap") : names_[to];
    }
    std::optional<std::size_t> stage_index(const Cursor& c, const std::string& name,
                                           std::vector<std::size_t>* unsettled);
    /// The stage called `name`, or none (no message).
    std::optional<std::size_t> stage_index_quiet(const std::string& name) const;
    /// did_you_mean() over user-given names while the suggestion budget lasts.
    std::optional<std::string> suggest(const std::string& name,
                                       const std::vector<std::string>& names);

    // build_run.cpp
    void read_warmup(const Cursor& run, double horizon);
    /// An error at `c` when `stage` alone would cause more than run.max_events events over
    /// the horizon (expected_stage_events, the engine's own rule).
    void check_event_budget(const Cursor& c, const StageSpec& stage);
    void read_precision(const Cursor& run, const Cursor& reps, bool reps_ok);

    // build_targets.cpp
    bool check_metric_name(const std::string& name, const SourceLoc& loc, const std::string& path,
                           const std::string& list_prefix);

    // build_stages.cpp
    StageSpec read_stage(const Cursor& stages, const RawEntry& e);
    void read_source(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                     const std::string& label);
    void read_sink(const Cursor& sc, StageSpec& spec, StageTypeMask mask, const std::string& label);
    void read_link(const Cursor& sc, StageSpec& spec, StageTypeMask mask, const std::string& label);
    void read_cost(const Cursor& sc, StageSpec& spec, StageTypeMask mask, const std::string& label);

    // build_station.cpp: stations and inspections.
    void read_station(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                      const std::string& label);
    void read_initial_wip(const Cursor& sc, StageSpec& spec, bool servers_ok);
    void read_breakdowns(const Cursor& sc, StageSpec& spec, StageTypeMask mask,
                         const std::string& label);
    void read_shifts(const Cursor& sc, StageSpec& spec, const Cursor* servers, StageTypeMask mask,
                     const std::string& label);

    // build_products.cpp
    void read_products(const Cursor& sc, const StageSpec& spec, StageTypeMask mask,
                       const std::string& label);
    std::optional<std::size_t> product_index(const SourceLoc& loc, const std::string& path,
                                             const std::string& name);
    void read_service_by_product();

    // build_routes.cpp
    void attach_routes(const std::vector<RouteItem>& items,
                       const std::vector<std::size_t>& unsettled);
    void check_inspection_outcomes(const StageSpec& stage,
                                   const std::vector<const RouteItem*> (&groups)[3],
                                   const std::string& product);
    void check_route_group(const StageSpec& stage, bool inspection, RouteWhen when,
                           const std::string& product, const std::vector<const RouteItem*>& group);

    // build_faults.cpp
    std::optional<Fault> read_fault(const Cursor& fc);

    Reader r_;
    const RawNode& root_;
    Cursor top_;
    Cursor stages_;
    Scenario sc_;
    std::vector<std::string> names_;  ///< every key under stages, in file order
    /// Product name -> index into sc_.products (names are unique across the scenario).
    std::unordered_map<std::string, std::size_t> product_of_name_;
    /// Candidate names "did you mean" may still compare with (suggest()): about a second of
    /// work in all; past it an unknown name gets the plain hint.
    std::size_t suggestion_budget_ = 4'000'000;
    std::vector<bool> types_known_;  ///< per stage: its type was read
    bool last_type_known_ = false;
    bool graph_checkable_ = true;  ///< stages and routes sound enough for graph checks
    bool survey_written_ = false;  ///< some sink has a `survey` key (valid or not)
    std::vector<MetricUse> survey_metric_uses_;
    /// (stage index, its service_by_product map), resolved once every product is known.
    std::vector<std::pair<std::size_t, Cursor>> service_by_product_;
};

}  // namespace qosim::models::detail
