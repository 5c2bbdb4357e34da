// Static quality analysis: builds each source's absorbing chain, solves it by LU, names traps.
#include "models/graph/absorbing_chain.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

#include "models/graph/order_classes.hpp"
#include "models/graph/station_load.hpp"
#include "models/scenario/routing.hpp"

namespace qosim::models {
namespace {

// State numbering: transient state (stage i, defective d) is 2 i + d; absorbing outcome
// "delivered at sink i with defect flag d" is 2 i + d, then cancelled_index(n) = 2 n and
// lost_index(n) = 2 n + 1. Sparse (sources and sinks waste slots) but trivial to read.
std::size_t cancelled_index(std::size_t n) { return 2 * n; }
std::size_t lost_index(std::size_t n) { return 2 * n + 1; }

/// One positive-probability move out of a transient state.
struct Step {
    bool absorbing = false;
    std::size_t to = 0;  // state or outcome index (see above)
    double p = 0.0;
    bool remake = false;  // a scrap that restarts the unit at its source
};

/// Everything one visit to a transient state does.
struct StateOut {
    std::vector<Step> steps;
    double scrap = 0.0;   // P(routed to scrap)
    double rework = 0.0;  // 1 when this visit repairs the unit
    double defect = 0.0;  // P(this visit creates a defect)
};

double link_loss(const StageSpec& s) {
    if (!s.retry) return s.loss_prob;
    return std::pow(s.loss_prob,
                    static_cast<double>(s.retry->max) + 1);  // every one of max + 1 sends lost
}

void check_probability(const StageSpec& s, std::size_t i, const char* what, double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
        throw QualityInputError(
            "stages." + s.name + "." + what + " must be in [0, 1], got " + std::to_string(p), i);
    }
}

void check_scenario(const Scenario& sc) {
    const std::size_t n = sc.stages.size();
    for (std::size_t i = 0; i < n; ++i) {
        const StageSpec& s = sc.stages[i];
        check_probability(s, i, "defect_prob", s.defect_prob);
        check_probability(s, i, "detect_prob", s.detect_prob);
        check_probability(s, i, "false_alarm_prob", s.false_alarm_prob);
        check_probability(s, i, "loss_prob", s.loss_prob);
        check_probability(s, i, "damage_prob", s.damage_prob);
        if (s.retry && s.retry->max < 0) {
            throw QualityInputError("stages." + s.name + ".retry.max must be >= 0", i);
        }
        for (const Route& r : s.routes) {
            if (r.to != kScrapTarget && r.to >= n) {
                throw QualityInputError("a route from " + s.name + " leads to an unknown stage", i);
            }
            if (r.product && *r.product >= sc.products.size()) {
                throw QualityInputError("a route from " + s.name + " names an unknown product", i);
            }
            check_probability(s, i, "routes[].prob", r.prob);
        }
        for (const auto& [p, dist] : s.service_by_product) {
            if (p >= sc.products.size()) {
                throw QualityInputError(
                    "stages." + s.name + ".service_by_product names an unknown product", i);
            }
        }
    }
    for (const Product& p : sc.products) {
        if (p.source >= n || sc.stages[p.source].type != StageType::source) {
            throw QualityInputError("product " + p.name + " does not belong to a source",
                                    std::nullopt);
        }
        if (!(p.share >= 0.0 && p.share <= 1.0)) {
            throw QualityInputError("product " + p.name + " has a share outside [0, 1]",
                                    std::nullopt);
        }
    }
}

// "the loop a -> b -> a has no exit: every `premium` order that enters it circulates forever"
std::string class_words(const Scenario& sc, const OrderClass& c) {
    return c.product ? "`" + sc.products[*c.product].name + "` " : "";
}

/// Builds the transitions of one order class's chain on demand.
class ChainBuilder {
public:
    ChainBuilder(const Scenario& sc, const Routing& routing, const OrderClass& c)
        : sc_(sc),
          routing_(routing),
          source_(c.source),
          product_(c.product),
          cls_(routing.class_of(c.product)) {}

    [[nodiscard]] StateOut build(std::size_t state) const {
        const std::size_t i = state / 2;
        const bool d = state % 2 == 1;
        const StageSpec& s = sc_.stages[i];
        StateOut out;
        switch (s.type) {
        case StageType::source: route_out(out, i, Outcome::pass, d, 1.0); break;
        case StageType::station: {
            const bool repaired = s.repairs && d;
            if (repaired) out.rework = 1.0;
            if (d && !repaired) {
                route_out(out, i, Outcome::pass, true, 1.0);
            } else {
                out.defect = s.defect_prob;
                route_out(out, i, Outcome::pass, true, s.defect_prob);
                route_out(out, i, Outcome::pass, false, 1.0 - s.defect_prob);
            }
            break;
        }
        case StageType::inspection: {
            const double fail = d ? s.detect_prob : s.false_alarm_prob;
            route_out(out, i, Outcome::fail, d, fail);
            route_out(out, i, Outcome::pass, d, 1.0 - fail);
            break;
        }
        case StageType::link: {
            const double lost = link_loss(s);
            if (lost > 0.0) out.steps.push_back({true, lost_index(sc_.stages.size()), lost, false});
            const double arrive = 1.0 - lost;
            if (d) {
                route_out(out, i, Outcome::pass, true, arrive);
            } else {
                out.defect = arrive * s.damage_prob;
                route_out(out, i, Outcome::pass, true, arrive * s.damage_prob);
                route_out(out, i, Outcome::pass, false, arrive * (1.0 - s.damage_prob));
            }
            break;
        }
        case StageType::sink: break;  // absorbing: never a transient state
        }
        return out;
    }

private:
    // Sends probability `mass` of units leaving stage i with defect flag d along the routes of
    // `outcome` that this class takes (Routing: the engine's own tables).
    void route_out(StateOut& out, std::size_t i, Outcome outcome, bool d, double mass) const {
        if (!(mass > 0.0)) return;
        const RouteTable& table = routing_.table(i, cls_, outcome);
        if (table.empty()) {
            const StageSpec& s = sc_.stages[i];
            std::string what = "stage " + s.name + " has no route out";
            if (s.type == StageType::inspection) {
                what += std::string(" for outcome ") + (outcome == Outcome::pass ? "pass" : "fail");
            }
            if (product_) what += " for product " + sc_.products[*product_].name;
            throw QualityInputError(what + ", but units leave it that way", i);
        }
        const std::size_t n = sc_.stages.size();
        const std::size_t flag = d ? 1 : 0;
        for (std::size_t k = 0; k < table.to.size(); ++k) {
            const double w = mass * table.prob[k];
            if (!(w > 0.0)) continue;
            const std::uint32_t to = table.to[k];
            if (to == kScrapStage) {
                out.scrap += w;
                if (sc_.stages[source_].on_scrap == OnScrap::remake) {
                    // Remade: re-enters good through the source's routes (remake_routes()).
                    out.steps.push_back({false, 2 * source_, w, true});
                } else {
                    out.steps.push_back({true, cancelled_index(n), w, false});
                }
            } else if (sc_.stages[to].type == StageType::sink) {
                out.steps.push_back({true, 2 * std::size_t{to} + flag, w, false});
            } else {
                out.steps.push_back({false, 2 * std::size_t{to} + flag, w, false});
            }
        }
    }

    const Scenario& sc_;
    const Routing& routing_;
    std::size_t source_;
    std::optional<std::size_t> product_;
    std::size_t cls_;
};

/// One order class's chain restricted to the states its orders can reach.
struct Chain {
    std::vector<std::size_t> states;                  // compact index -> state
    std::vector<std::optional<std::size_t>> compact;  // state -> compact index
    std::vector<StateOut> outs;                       // by compact index
};

Chain reachable_chain(const Scenario& sc, const Routing& routing, const OrderClass& oc) {
    const ChainBuilder builder(sc, routing, oc);
    Chain c;
    c.compact.assign(2 * sc.stages.size(), std::nullopt);
    const std::size_t start = 2 * oc.source;
    c.compact[start] = 0;
    c.states.push_back(start);
    for (std::size_t k = 0; k < c.states.size(); ++k) {  // breadth-first, in discovery order
        c.outs.push_back(builder.build(c.states[k]));
        for (const Step& st : c.outs.back().steps) {
            if (st.absorbing || c.compact[st.to]) continue;
            c.compact[st.to] = c.states.size();
            c.states.push_back(st.to);
        }
    }
    return c;
}

/// Row 0 of the fundamental matrix and of B = N R: what one order starting in the chain's
/// first state (its source, good) does.
struct ChainSolution {
    std::vector<double> visits;    // by compact index: N(0, x), expected visits to state x
    std::vector<double> absorbed;  // by outcome index: B(0, j), P(absorbed in outcome j)
};

/// Solves (I - Q)^T y = e_0 by sparse LU (row 0 of N = (I - Q)^-1 is y^T), then B(0, .) =
/// y^T R. I - Q has one row per reachable state and a few entries a row, so this costs about
/// the number of steps times a small fill-in factor instead of the m^3 of a dense inverse.
ChainSolution solve_chain(const Chain& c, std::size_t outcomes, const std::string& whose,
                          std::size_t src) {
    const std::size_t m = c.states.size();
    std::vector<Eigen::Triplet<double>> entries;
    for (std::size_t x = 0; x < m; ++x) {
        const auto col = static_cast<int>(x);
        entries.emplace_back(col, col, 1.0);
        for (const Step& st : c.outs[x].steps) {
            // Transposed: the step x -> y puts -p in row y, column x. Duplicates are summed.
            if (!st.absorbing)
                entries.emplace_back(static_cast<int>(*c.compact[st.to]), col, -st.p);
        }
    }
    Eigen::SparseMatrix<double> a(static_cast<int>(m), static_cast<int>(m));
    a.setFromTriplets(entries.begin(), entries.end());
    entries = {};
    Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
    lu.analyzePattern(a);
    lu.factorize(a);
    const std::string singular = "I - Q is numerically singular for " + whose +
                                 ": a loop's exit probability is too small to resolve";
    if (lu.info() != Eigen::Success) throw QualitySolveError(singular, src);
    Eigen::VectorXd e0 = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(m));
    e0(0) = 1.0;
    const Eigen::VectorXd y = lu.solve(e0);
    if (lu.info() != Eigen::Success || !y.allFinite()) {
        throw QualitySolveError("the chain of " + whose + " has no finite solution", src);
    }
    // A dense full-pivoting LU calls a pivot below m eps (relative) zero. Expected visits are
    // at least 1 / (smallest pivot), so visits past 1 / (m eps) mean the same: the system is
    // singular to working precision and its solution is noise.
    if (y.cwiseAbs().maxCoeff() * static_cast<double>(m) * std::numeric_limits<double>::epsilon() >=
        1.0) {
        throw QualitySolveError(singular, src);
    }
    ChainSolution sol;
    sol.visits.assign(y.data(), y.data() + m);
    sol.absorbed.assign(outcomes, 0.0);
    for (std::size_t x = 0; x < m; ++x) {
        for (const Step& st : c.outs[x].steps) {
            if (st.absorbing) sol.absorbed[st.to] += sol.visits[x] * st.p;
        }
    }
    for (const double p : sol.absorbed) {
        if (!std::isfinite(p)) {
            throw QualitySolveError("the chain of " + whose + " has no finite solution", src);
        }
    }
    return sol;
}

/// Compact indices reachable from `from` along transient steps (including `from`), in
/// breadth-first order; `parent` receives the step used to reach each one (for paths).
std::vector<std::size_t> reach(const Chain& c, std::size_t from,
                               std::vector<std::optional<std::size_t>>* parent = nullptr) {
    std::vector<bool> seen(c.states.size(), false);
    std::vector<std::size_t> order{from};
    seen[from] = true;
    for (std::size_t k = 0; k < order.size(); ++k) {
        for (const Step& st : c.outs[order[k]].steps) {
            if (st.absorbing) continue;
            const std::size_t y = *c.compact[st.to];
            if (parent != nullptr && !(*parent)[y] && y == from) (*parent)[y] = order[k];
            if (seen[y]) continue;
            seen[y] = true;
            if (parent != nullptr) (*parent)[y] = order[k];
            order.push_back(y);
        }
    }
    return order;
}

/// The first state discovered by a breadth-first search from `from` (in reach()'s order,
/// `from` included) for which `pred` holds; the search stops there. States already `seen`
/// are not entered; those the search passes through are marked.
template <class Pred>
std::optional<std::size_t> first_reached(const Chain& c, std::size_t from, Pred pred,
                                         std::vector<bool>& seen) {
    if (pred(from)) return from;
    std::vector<std::size_t> order{from};
    seen[from] = true;
    for (std::size_t k = 0; k < order.size(); ++k) {
        for (const Step& st : c.outs[order[k]].steps) {
            if (st.absorbing) continue;
            const std::size_t y = *c.compact[st.to];
            if (seen[y]) continue;
            if (pred(y)) return y;
            seen[y] = true;
            order.push_back(y);
        }
    }
    return std::nullopt;
}

/// The strong component of each state of the chain's transient steps (Boost.Graph).
std::vector<std::size_t> strong_components_of(const Chain& c) {
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
    Graph g(c.states.size());
    for (std::size_t x = 0; x < c.states.size(); ++x) {
        for (const Step& st : c.outs[x].steps) {
            if (!st.absorbing) boost::add_edge(x, *c.compact[st.to], g);
        }
    }
    std::vector<std::size_t> component(c.states.size());
    (void)boost::strong_components(g, boost::make_iterator_property_map(
                                          component.begin(), boost::get(boost::vertex_index, g)));
    return component;
}

/// When some reachable state cannot be absorbed, returns the error naming a closed loop.
std::optional<TrappingLoopError> find_trap(const Scenario& sc, const Chain& c,
                                           const std::string& who) {
    const std::size_t m = c.states.size();
    // Backward closure from the states with a step into an absorbing outcome.
    std::vector<std::vector<std::size_t>> preds(m);
    std::vector<bool> exits(m, false);
    std::vector<std::size_t> work;
    for (std::size_t x = 0; x < m; ++x) {
        for (const Step& st : c.outs[x].steps) {
            if (st.absorbing) {
                if (!exits[x]) work.push_back(x);
                exits[x] = true;
            } else {
                preds[*c.compact[st.to]].push_back(x);
            }
        }
    }
    while (!work.empty()) {
        const std::size_t y = work.back();
        work.pop_back();
        for (const std::size_t x : preds[y]) {
            if (!exits[x]) {
                exits[x] = true;
                work.push_back(x);
            }
        }
    }
    std::optional<std::size_t> x;
    for (std::size_t k = 0; k < m && !x; ++k) {
        if (!exits[k]) x = k;  // first trapped state in discovery order
    }
    if (!x) return std::nullopt;

    // Walk down the condensation until x's reach set is strongly connected: that set is a
    // closed class (every successor of a trapped state is trapped). Each step moves x to the
    // first state, in breadth-first order from x, that cannot come back to x (another strong
    // component); a step stops at the first such state, so the walk is linear in all.
    // The states a step passes through are in x's component, which no later x can reach,
    // so the steps share one `seen`.
    const std::vector<std::size_t> component = strong_components_of(c);
    std::vector<bool> seen(m, false);
    const auto other_component = [&](std::size_t y) { return component[y] != component[*x]; };
    while (const auto next = first_reached(c, *x, other_component, seen)) x = next;
    const std::vector<std::size_t> cls = reach(c, *x);

    // Shortest cycle through x (breadth-first parents), rendered by stage name.
    std::vector<std::optional<std::size_t>> parent(m);
    reach(c, *x, &parent);
    std::vector<std::size_t> cycle;  // x, then the states after it, back to x excluded
    for (std::size_t y = *parent[*x]; y != *x; y = *parent[y]) cycle.push_back(y);
    cycle.push_back(*x);
    std::reverse(cycle.begin(), cycle.end());
    std::vector<bool> on_cycle(sc.stages.size(), false);
    std::vector<bool> listed(sc.stages.size(), false);  // already in named_order
    bool through_remake = false;
    std::vector<std::size_t> named_order{c.states[*x] / 2};
    listed[named_order.front()] = true;
    std::string path = sc.stages[c.states[*x] / 2].name;
    for (std::size_t j = 0; j < cycle.size(); ++j) {
        const std::size_t from = cycle[j];
        const std::size_t to = j + 1 == cycle.size() ? *x : cycle[j + 1];
        bool remake = false;
        for (const Step& st : c.outs[from].steps) {
            if (!st.absorbing && *c.compact[st.to] == to) {
                remake = st.remake;
                if (!remake) break;  // prefer a plain route when both exist
            }
        }
        on_cycle[c.states[from] / 2] = true;
        through_remake = through_remake || remake;
        path += remake ? " -> scrap (remake) -> " : " -> ";
        path += sc.stages[c.states[to] / 2].name;
        const std::size_t to_stage = c.states[to] / 2;
        if (!listed[to_stage]) {
            listed[to_stage] = true;
            named_order.push_back(to_stage);
        }
    }
    std::string also;
    std::vector<bool> in_class(sc.stages.size(), false);
    for (const std::size_t y : cls) in_class[c.states[y] / 2] = true;
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        if (in_class[i] && !on_cycle[i]) {
            also += (also.empty() ? "" : ", ") + sc.stages[i].name;
            named_order.push_back(i);
        }
    }
    std::string msg = "the loop " + path;
    if (!also.empty()) msg += " (together with " + also + ")";
    return TrappingLoopError(
        msg + " has no exit: every " + who + "order that enters it circulates forever",
        std::move(named_order), through_remake);
}

// The service time of a unit of `product` at station s (service_by_product, else service).
const sim::Distribution& service_of(const StageSpec& s, std::optional<std::size_t> product) {
    if (product) {
        for (const auto& [p, dist] : s.service_by_product) {
            if (p == *product) return dist;
        }
    }
    return s.service;
}

std::string whose_orders(const Scenario& sc, const OrderClass& oc) {
    return "orders from " + sc.stages[oc.source].name +
           (oc.product ? " of product " + sc.products[*oc.product].name : std::string());
}

}  // namespace

std::vector<ChainMove> chain_moves(const Scenario& sc, const Routing& routing, const OrderClass& oc,
                                   std::size_t stage, bool defective) {
    const ChainBuilder builder(sc, routing, oc);
    const std::size_t n = sc.stages.size();
    std::vector<ChainMove> out;
    for (const Step& st : builder.build(2 * stage + (defective ? 1 : 0)).steps) {
        ChainMove m;
        m.p = st.p;
        if (!st.absorbing) {
            m.to = ChainMove::To::stage;
            m.stage = st.to / 2;
            m.defective = st.to % 2 == 1;
        } else if (st.to == cancelled_index(n)) {
            m.to = ChainMove::To::cancelled;
        } else if (st.to == lost_index(n)) {
            m.to = ChainMove::To::lost;
            m.defective = defective;
        } else {
            m.to = ChainMove::To::delivered;
            m.stage = st.to / 2;
            m.defective = st.to % 2 == 1;
        }
        out.push_back(m);
    }
    return out;
}

detail::SolvedChain detail::solved_chain(const Scenario& sc, std::size_t k) {
    check_scenario(sc);
    const std::vector<OrderClass> classes = order_classes(sc);
    const OrderClass& oc = classes.at(k);
    const Routing routing(sc);
    const Chain c = reachable_chain(sc, routing, oc);
    if (auto trap = find_trap(sc, c, class_words(sc, oc))) throw std::move(*trap);
    const std::size_t outcomes = 2 * sc.stages.size() + 2;
    ChainSolution sol = solve_chain(c, outcomes, whose_orders(sc, oc), oc.source);
    SolvedChain out;
    out.states = c.states.size();
    out.outcomes = outcomes;
    for (std::size_t x = 0; x < c.states.size(); ++x) {
        for (const Step& st : c.outs[x].steps) {
            out.steps.push_back({x, st.absorbing ? st.to : *c.compact[st.to], st.absorbing, st.p});
        }
    }
    out.visits = std::move(sol.visits);
    out.absorbed = std::move(sol.absorbed);
    return out;
}

QualityAnalysis analyse_quality(const Scenario& scenario) {
    const Scenario& sc = scenario;
    check_scenario(sc);
    const std::size_t n = sc.stages.size();

    // Every order class with its rate: its source's 1 / E[interarrival] times its share.
    const std::vector<OrderClass> classes = order_classes(sc);
    std::vector<double> rates;
    double total_rate = 0.0;
    for (const OrderClass& c : classes) {
        const StageSpec& s = sc.stages[c.source];
        const double mean = s.interarrival.mean();
        if (!(mean > 0.0) || !std::isfinite(mean)) {
            throw QualityInputError(
                "source " + s.name + " has a mean interarrival time of " + std::to_string(mean),
                c.source);
        }
        rates.push_back(c.share / mean);
        total_rate += c.share / mean;
    }
    if (classes.empty()) throw QualityInputError("the scenario has no source", std::nullopt);
    if (!(total_rate > 0.0))
        throw QualityInputError("no product has a share above 0", std::nullopt);

    const Routing routing(sc);
    QualityAnalysis qa;
    qa.visits.assign(n, 0.0);
    qa.arrival_rate.assign(n, 0.0);
    qa.utilization.assign(n, 0.0);
    qa.loads.assign(n, StationLoad{});
    qa.defects_introduced.assign(n, 0.0);
    qa.work.assign(n, 0.0);
    qa.work_sq.assign(n, 0.0);

    for (std::size_t k = 0; k < classes.size(); ++k) {
        const OrderClass& oc = classes[k];
        const std::size_t src = oc.source;
        const double share = rates[k] / total_rate;
        const Chain c = reachable_chain(sc, routing, oc);
        if (auto trap = find_trap(sc, c, class_words(sc, oc))) throw std::move(*trap);

        const ChainSolution sol = solve_chain(c, 2 * n + 2, whose_orders(sc, oc), src);
        const std::vector<double>& b = sol.absorbed;
        // Row 0 is the start state (source, good): breadth-first discovery starts there.
        for (std::size_t i = 0; i < n; ++i) {
            if (sc.stages[i].type != StageType::sink) continue;
            const double pg = b[2 * i];
            const double pd = b[2 * i + 1];
            qa.p_delivered_good += share * pg;
            qa.p_delivered_defective += share * pd;
            qa.visits[i] += share * (pg + pd);
        }
        qa.p_cancelled += share * b[cancelled_index(n)];
        qa.p_lost += share * b[lost_index(n)];
        for (std::size_t x = 0; x < c.states.size(); ++x) {
            const double v = share * sol.visits[x];
            const StateOut& out = c.outs[x];
            const std::size_t stage = c.states[x] / 2;
            const StageSpec& s = sc.stages[stage];
            qa.expected_scraps += v * out.scrap;
            qa.expected_reworks += v * out.rework;
            qa.defects_introduced[stage] += v * out.defect;
            // A source is visited once per order; its remakes are not new orders.
            if (s.type != StageType::source) qa.visits[stage] += v;
            if (s.type == StageType::station || s.type == StageType::inspection) {
                const sim::Distribution& service = service_of(s, oc.product);
                const double m = service.mean();
                qa.work[stage] += v * total_rate * m;
                qa.work_sq[stage] += v * total_rate * m * m * (1.0 + service.scv());
            }
        }
        qa.visits[src] += share;
    }

    for (std::size_t i = 0; i < n; ++i) {
        const StageSpec& s = sc.stages[i];
        qa.arrival_rate[i] = qa.visits[i] * total_rate;
        if (s.type != StageType::station && s.type != StageType::inspection) continue;
        if (!(qa.arrival_rate[i] > 0.0)) continue;
        qa.loads[i] = station_load(s, qa.work[i], qa.work_sq[i]);
        qa.utilization[i] = qa.loads[i].utilization;
    }
    return qa;
}

}  // namespace qosim::models
