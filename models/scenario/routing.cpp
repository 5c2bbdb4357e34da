// Routing rules of SPEC §3: route tables per stage, order class and inspection outcome.
#include "models/scenario/routing.hpp"

#include <algorithm>

namespace qosim::models {

std::vector<const Route*> routes_taken(const StageSpec& stage, std::optional<std::size_t> product) {
    std::vector<const Route*> own;
    std::vector<const Route*> shared;
    for (const Route& r : stage.routes) {
        if (!r.product) {
            shared.push_back(&r);
        } else if (product && *r.product == *product) {
            own.push_back(&r);
        }
    }
    return own.empty() ? shared : own;
}

std::vector<const Route*> routes_for_outcome(const StageSpec& stage,
                                             const std::vector<const Route*>& taken,
                                             Outcome outcome) {
    if (stage.type != StageType::inspection) return taken;
    const RouteWhen when = outcome == Outcome::pass ? RouteWhen::pass : RouteWhen::fail;
    std::vector<const Route*> matching;
    std::vector<const Route*> either;
    for (const Route* r : taken) {
        if (r->when == when) matching.push_back(r);
        if (r->when == RouteWhen::any) either.push_back(r);
    }
    return matching.empty() ? either : matching;
}

std::size_t pick_cumulative(const std::vector<double>& cum, double u) {
    std::size_t i = 0;
    while (u >= cum[i] && i + 1 < cum.size()) ++i;
    return i;
}

std::size_t RouteTable::pick(double u) const { return pick_cumulative(cum, u); }

std::vector<double> cumulative_shares(const std::vector<double>& weights) {
    double total = 0.0;
    for (const double w : weights) total += w;
    std::vector<double> cum;
    cum.reserve(weights.size());
    double run = 0.0;
    for (const double w : weights) {
        run += w / total;
        cum.push_back(run);
    }
    if (!cum.empty()) cum.back() = 1.0;  // absorb rounding
    return cum;
}

namespace {

RouteTable make_table(const std::vector<const Route*>& routes) {
    RouteTable t;
    std::vector<double> weights;
    for (const Route* r : routes) {
        if (!(r->prob > 0.0)) continue;  // never taken
        t.to.push_back(r->to == kScrapTarget ? kScrapStage : static_cast<std::uint32_t>(r->to));
        weights.push_back(r->prob);
    }
    t.cum = cumulative_shares(weights);
    double total = 0.0;
    for (const double w : weights) total += w;
    for (const double w : weights) t.prob.push_back(w / total);
    return t;
}

bool names_a_product(const StageSpec& s) {
    return std::any_of(s.routes.begin(), s.routes.end(),
                       [](const Route& r) { return r.product.has_value(); });
}

}  // namespace

Routing::Routing(const Scenario& scenario) : no_product_class_(scenario.products.size()) {
    slots_.resize(scenario.stages.size());
    for (std::size_t i = 0; i < scenario.stages.size(); ++i) {
        const StageSpec& s = scenario.stages[i];
        Slot& slot = slots_[i];
        slot.first = tables_.size();
        slot.per_class = names_a_product(s);
        slot.tests = s.type == StageType::inspection;
        const std::size_t classes = slot.per_class ? class_count() : 1;
        for (std::size_t c = 0; c < classes; ++c) {
            const std::optional<std::size_t> product = slot.per_class && c < no_product_class_
                                                           ? std::optional<std::size_t>(c)
                                                           : std::nullopt;
            const std::vector<const Route*> taken = routes_taken(s, product);
            tables_.push_back(make_table(routes_for_outcome(s, taken, Outcome::pass)));
            if (slot.tests)
                tables_.push_back(make_table(routes_for_outcome(s, taken, Outcome::fail)));
        }
    }
}

}  // namespace qosim::models
