// Routing rules of SPEC §3, written once: the routes an order class takes out of a stage, the
// routes of an inspection outcome, and where a scrapped unit goes. The engine draws from these
// tables and the static analysis (`qosim check`) reads their probabilities, so the two cannot
// drift apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// A route table's target meaning the built-in `scrap` stage.
inline constexpr std::uint32_t kScrapStage = std::numeric_limits<std::uint32_t>::max() - 1;

/// The result of a visit that decides the way out: an inspection's test result. Stages that do
/// not test units have one way out, which both values name.
enum class Outcome : std::uint8_t { pass = 0, fail = 1 };

/// The routes out of `stage` that a unit of `product` takes (SPEC §3, Products): the routes
/// naming that product if there are any, otherwise the routes without `product`. With `product`
/// none (an order of a source without products), the routes without `product`. In file order.
[[nodiscard]] std::vector<const Route*> routes_taken(const StageSpec& stage,
                                                     std::optional<std::size_t> product);

/// Of `taken` (routes_taken()), those a unit leaving with `outcome` may use: out of an
/// inspection the routes with that `when` if there are any, else its routes without `when`
/// (they serve both results); out of any other stage all of them.
[[nodiscard]] std::vector<const Route*> routes_for_outcome(const StageSpec& stage,
                                                           const std::vector<const Route*>& taken,
                                                           Outcome outcome);

/// One way out of a stage for one order class and outcome: where units go and how likely each
/// target is. Routes with probability 0 are left out (no unit takes them); the others' `prob`s
/// are divided by their sum (1 in a validated scenario).
struct RouteTable {
    std::vector<std::uint32_t> to;  ///< stage indices, or kScrapStage
    std::vector<double> prob;       ///< normalised: sums to 1 (empty table: nowhere to go)
    std::vector<double> cum;        ///< running sums of prob; the last is exactly 1

    [[nodiscard]] bool empty() const { return to.empty(); }
    /// True when one target takes every unit: the engine then draws no random number, so a
    /// stage with a single way out never shifts its routing stream.
    [[nodiscard]] bool single() const { return to.size() == 1; }
    /// The entry a uniform draw u in [0, 1) selects: the first running sum above u.
    [[nodiscard]] std::size_t pick(double u) const;
};

/// The index of the first of the running sums `cum` above u (u in [0, 1)); the last sum is 1.
/// Shared by route tables and the product draw at a source.
[[nodiscard]] std::size_t pick_cumulative(const std::vector<double>& cum, double u);

/// Running sums of non-negative weights, divided by their total, the last set to exactly 1.
[[nodiscard]] std::vector<double> cumulative_shares(const std::vector<double>& weights);

/// The routing of a whole scenario: for every stage, order class and outcome, its RouteTable.
/// Order classes are numbered as the engine numbers them: class c < products.size() is
/// product c, class products.size() is an order of a source without products.
class Routing {
public:
    explicit Routing(const Scenario& scenario);

    /// The routes a unit of class `cls` takes out of `stage` after `outcome`.
    [[nodiscard]] const RouteTable& table(std::size_t stage, std::size_t cls,
                                          Outcome outcome = Outcome::pass) const {
        const Slot& s = slots_[stage];
        const std::size_t c = s.per_class ? cls : 0;
        return s.tests ? tables_[s.first + 2 * c + static_cast<std::size_t>(outcome)]
                       : tables_[s.first + c];
    }

    /// Where a scrapped unit of class `cls` created by `source` re-enters when its source
    /// remakes it (on_scrap: remake): the source's own routes, with a fresh draw, as a new
    /// unit of that class would be sent (SPEC §3). It keeps its creation time, due date and
    /// product.
    [[nodiscard]] const RouteTable& remake_routes(std::size_t source, std::size_t cls) const {
        return table(source, cls);
    }

    /// The class number of `product` (none: a source without products).
    [[nodiscard]] std::size_t class_of(std::optional<std::size_t> product) const {
        return product ? *product : no_product_class_;
    }
    /// Number of classes: every product plus the class of orders without one.
    [[nodiscard]] std::size_t class_count() const { return no_product_class_ + 1; }

private:
    struct Slot {
        std::size_t first = 0;   ///< index of the stage's first table
        bool per_class = false;  ///< some route out of it names a product
        bool tests = false;      ///< an inspection: a table per outcome
    };
    std::vector<RouteTable> tables_;
    std::vector<Slot> slots_;
    std::size_t no_product_class_ = 0;
};

}  // namespace qosim::models
