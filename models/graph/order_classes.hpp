// Order classes: the kinds of order the sources create, the routes each takes, where it goes.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "models/scenario/routing.hpp"  // routes_taken()
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// One kind of order: a product of a source, or the plain orders of a source without
/// products. Units of one class follow the same routes (SPEC §3, Products).
struct OrderClass {
    std::size_t source = 0;              ///< index into Scenario::stages
    std::optional<std::size_t> product;  ///< index into Scenario::products; none: no products
    double share = 1.0;                  ///< the product's share of its source's orders (else 1)
};

/// Every order class: per source in stage order, its products in Scenario::products order, or
/// one class without a product when it has none.
[[nodiscard]] std::vector<OrderClass> order_classes(const Scenario& sc);

/// The stages a unit of class `c` can get to along the routes it takes (any prob): breadth-
/// first from its source and, when `c` is a class of the first source in file order (which
/// creates the orders of `initial_wip`), from every stage with initial_wip > 0. The scrap
/// target restarts a unit at its source, which is already reached.
[[nodiscard]] std::vector<bool> reachable_by(const Scenario& sc, const OrderClass& c);

/// True when some route of the scenario names a product.
[[nodiscard]] bool has_product_routes(const Scenario& sc);

}  // namespace qosim::models
