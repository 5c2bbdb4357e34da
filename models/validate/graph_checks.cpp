// Semantic checks of a built scenario's stage graph: every stage reachable from a source,
// no loop without an exit, every order class able to leave each stage it gets to and to
// reach a sink.
#include "models/validate/graph_checks.hpp"

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "models/graph/order_classes.hpp"
#include "models/graph/stage_graph.hpp"
#include "models/scenario/join_names.hpp"
#include "models/scenario/routing.hpp"

namespace qosim::models {

namespace {

/// The checks of one scenario, reporting into `diags`.
class GraphChecks {
public:
    GraphChecks(const Scenario& sc, std::vector<Diagnostic>& diags) : sc_(sc), diags_(diags) {}

    void run();

private:
    void report_loop(const std::vector<std::size_t>& loop, std::optional<std::size_t> product);
    bool check_class_routes();

    void error(const SourceLoc& loc, std::string path, std::string message, std::string hint) {
        diags_.push_back(Diagnostic{loc, std::move(path), std::move(message), std::move(hint)});
    }
    static std::string stage_path(const StageSpec& s) { return "stages." + s.name; }

    const Scenario& sc_;
    std::vector<Diagnostic>& diags_;
};

void GraphChecks::run() {
    if (!check_class_routes()) return;
    const auto reachable = reachable_from_sources(sc_);
    for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
        const StageSpec& s = sc_.stages[i];
        if (!reachable[i]) {
            error(s.loc, stage_path(s), "stage `" + s.name + "` cannot be reached from any source",
                  "add a route into `" + s.name + "`, or remove the stage");
        }
    }
    // Loops of the routes without `product` first, then those only a product takes.
    std::set<std::vector<std::size_t>> loops;
    std::vector<bool> in_loop(sc_.stages.size(), false);
    // Products without routes of their own take their source's shared routes: every such
    // product of one source finds the same loops as the first, so only the first is searched.
    std::vector<bool> own_routes(sc_.products.size(), false);
    for (const StageSpec& s : sc_.stages) {
        for (const Route& r : s.routes) {
            if (r.product && *r.product < own_routes.size()) own_routes[*r.product] = true;
        }
    }
    std::set<std::size_t> plain_searched;  // sources one of whose plain products was searched
    for (std::size_t k = 0; k <= sc_.products.size(); ++k) {
        const std::optional<std::size_t> product =
            k == 0 ? std::nullopt : std::optional<std::size_t>(k - 1);
        if (product && !own_routes[*product] &&
            !plain_searched.insert(sc_.products[*product].source).second) {
            continue;
        }
        for (const auto& loop : closed_loops_of(sc_, product)) {
            if (!loops.insert(loop).second) continue;
            report_loop(loop, product);
            for (const auto i : loop) in_loop[i] = true;
        }
    }
    // Every order class that gets to a stage must be able to go on to a sink (or scrap).
    const auto classes = order_classes(sc_);
    std::vector<std::vector<bool>> reach;
    std::vector<std::vector<bool>> exits;
    for (const OrderClass& c : classes) {
        reach.push_back(reachable_by(sc_, c));
        exits.push_back(can_reach_sink_as(sc_, c.product));
    }
    const auto to_sink = can_reach_sink(sc_);
    for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
        const StageSpec& s = sc_.stages[i];
        if (to_sink[i] || in_loop[i]) continue;
        std::optional<std::size_t> stuck;  // a product that cannot get on from here
        for (std::size_t k = 0; k < classes.size() && !stuck; ++k) {
            if (reach[k][i] && !exits[k][i] && classes[k].product) stuck = classes[k].product;
        }
        if (stuck && has_product_routes(sc_)) {
            const std::string& p = sc_.products[*stuck].name;
            error(s.loc, stage_path(s),
                  "product `" + p + "` cannot reach a sink from stage `" + s.name + "`",
                  "every path `" + p +
                      "` takes out of it ends in a loop with no exit; route it to a sink");
            continue;
        }
        error(s.loc, stage_path(s), "stage `" + s.name + "` cannot reach a sink",
              "every path out of it ends in a loop with no exit; route it to a sink");
    }
}

void GraphChecks::report_loop(const std::vector<std::size_t>& loop,
                              std::optional<std::size_t> product) {
    std::vector<std::string> members;
    for (const auto i : loop) members.push_back("`" + sc_.stages[i].name + "`");
    const StageSpec& first = sc_.stages[loop.front()];
    std::string what = loop.size() == 1
                           ? "stage " + members.front() + " routes only to itself"
                           : "the stages " + join_names(members) + " form a loop with no exit";
    std::string hint = "give one of them a route (with prob > 0) out of the loop";
    if (product) {
        const std::string& p = sc_.products[*product].name;
        what += " for product `" + p + "`: its units that enter it never reach a sink";
        hint += " that `" + p + "` takes";
    } else {
        what += ": units that enter it never reach a sink";
    }
    error(first.loc, stage_path(first), what, hint);
}

// Out of each stage an order class can get to, it needs a route it takes: a product's own
// routes there, or the routes without `product`. Only routes naming a product can leave a
// class without one (a stage with no route at all is reported by attach_routes).
bool GraphChecks::check_class_routes() {
    if (!has_product_routes(sc_)) return true;
    bool ok = true;
    std::set<std::pair<std::size_t, std::optional<std::size_t>>> reported;
    for (const OrderClass& c : order_classes(sc_)) {
        const auto reach = reachable_by(sc_, c);
        for (std::size_t i = 0; i < sc_.stages.size(); ++i) {
            const StageSpec& s = sc_.stages[i];
            if (!reach[i] || s.type == StageType::sink) continue;
            if (!routes_taken(s, c.product).empty()) continue;
            const std::pair key{i, c.product};
            if (!reported.insert(key).second) continue;
            ok = false;
            if (c.product) {
                const std::string& p = sc_.products[*c.product].name;
                error(s.loc, stage_path(s),
                      "product `" + p + "` has no route out of stage `" + s.name + "`",
                      "the routes out of `" + s.name + "` all name other products; add `- " +
                          "{from: " + s.name + ", to: NEXT_STAGE, product: " + p +
                          "}`, or a route without `product` (taken by every product with "
                          "no route of its own there)");
            } else {
                const std::string& src = sc_.stages[c.source].name;
                error(
                    s.loc, stage_path(s),
                    "orders from source `" + src + "` have no route out of stage `" + s.name + "`",
                    "`" + src +
                        "` has no products, so its orders take the routes without "
                        "`product`, and every route out of `" +
                        s.name + "` names a product; add `- {from: " + s.name +
                        ", to: NEXT_STAGE}`");
            }
        }
    }
    return ok;
}

}  // namespace

void check_graph(const Scenario& scenario, std::vector<Diagnostic>& diags) {
    GraphChecks(scenario, diags).run();
}

}  // namespace qosim::models
