// Order classes: the kinds of order the sources create, the routes each takes, where it goes.
#include "models/graph/order_classes.hpp"

namespace qosim::models {

std::vector<OrderClass> order_classes(const Scenario& sc) {
    std::vector<OrderClass> out;
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        if (sc.stages[i].type != StageType::source) continue;
        bool any = false;
        for (std::size_t p = 0; p < sc.products.size(); ++p) {
            if (sc.products[p].source != i) continue;
            out.push_back(OrderClass{i, p, sc.products[p].share});
            any = true;
        }
        if (!any) out.push_back(OrderClass{i, std::nullopt, 1.0});
    }
    return out;
}

std::vector<bool> reachable_by(const Scenario& sc, const OrderClass& c) {
    const std::size_t n = sc.stages.size();
    std::vector<bool> seen(n, false);
    std::vector<std::size_t> work;
    const auto visit = [&](std::size_t i) {
        if (i < n && !seen[i]) {
            seen[i] = true;
            work.push_back(i);
        }
    };
    visit(c.source);
    std::optional<std::size_t> first_source;
    for (std::size_t i = 0; i < n && !first_source; ++i) {
        if (sc.stages[i].type == StageType::source) first_source = i;
    }
    if (first_source == c.source) {
        for (std::size_t i = 0; i < n; ++i) {
            if (sc.stages[i].initial_wip > 0) visit(i);
        }
    }
    while (!work.empty()) {
        const std::size_t i = work.back();
        work.pop_back();
        if (sc.stages[i].type == StageType::sink) continue;
        for (const Route* r : routes_taken(sc.stages[i], c.product)) {
            if (r->to != kScrapTarget) visit(r->to);
        }
    }
    return seen;
}

bool has_product_routes(const Scenario& sc) {
    for (const StageSpec& s : sc.stages) {
        for (const Route& r : s.routes) {
            if (r.product) return true;
        }
    }
    return false;
}

}  // namespace qosim::models
