// Section builder for `routes:`: each route read and resolved, then attached to its stage and
// checked group by group (one route takes every unit; several split them by prob).
#include <cmath>
#include <map>
#include <tuple>

#include "models/input/builder.hpp"

namespace qosim::models::detail {

namespace {

Route make_route(std::size_t to, double prob, RouteWhen when, std::optional<std::size_t> product,
                 const SourceLoc& loc) {
    Route r;
    r.to = to;
    r.prob = prob;
    r.when = when;
    r.product = product;
    r.loc = loc;
    return r;
}

/// How messages about one group of routes out of a stage (those sharing a `when` and a
/// `product`) name it.
struct RouteGroupWords {
    std::string all;    ///< "the routes out of `smt`" / "the `when: pass` routes out of `aoi`"
    std::string only;   ///< "the only route out of `smt`"
    std::string count;  ///< "`smt` has 3 routes out"
};

// `product` is the product's name, empty for the routes without `product`.
RouteGroupWords group_words(const std::string& stage, bool inspection, RouteWhen when,
                            const std::string& product, std::size_t size) {
    const std::string name = "`" + stage + "`";
    const std::string n = std::to_string(size);
    std::string qual;  // "`when: pass`, `product: premium` "
    if (when != RouteWhen::any) qual = std::string("`when: ") + to_string(when) + "`";
    if (!product.empty()) qual += (qual.empty() ? "`product: " : ", `product: ") + product + "`";
    if (!qual.empty()) qual += " ";
    const std::string without = inspection && when == RouteWhen::any ? " without `when`" : "";
    return {"the " + qual + "routes out of " + name + without,
            "the only " + qual + "route out of " + name + without,
            name + " has " + n + " " + qual + "routes" +
                (when == RouteWhen::any ? " out" + without : std::string())};
}

}  // namespace

void ScenarioBuilder::read_routes() {
    const Cursor routes = at(top_, "routes");
    if (!r_.check_list(routes)) {
        graph_checkable_ = false;
        return;
    }
    const std::size_t errors_before = r_.error_count();
    std::vector<RouteItem> items;
    // Stages with a route we could not read (or that a misspelt `from` probably meant):
    // counting their routes would only repeat that error.
    std::vector<std::size_t> unsettled;
    std::map<std::tuple<std::size_t, std::size_t, RouteWhen, std::size_t>, std::size_t> seen;
    // (A stage named scrap is already an error: let its routes resolve to it.)
    const bool scrap_stage = stage_index_quiet("scrap").has_value();
    for (std::size_t i = 0; i < routes.node->items.size(); ++i) {
        const Cursor rc = Reader::item(routes, i);
        if (!r_.check_map(rc)) continue;
        const Cursor from_c = at(rc, "from");
        const Cursor to_c = at(rc, "to");
        const Cursor prob_c = at(rc, "prob");
        const Cursor when_c = at(rc, "when");
        const auto from_name = r_.text(from_c);
        const auto to_name = r_.text(to_c);
        RouteItem item;
        item.cursor = rc;
        item.prob_cursor = prob_c;
        if (prob_c.present()) {
            item.prob = r_.number(prob_c);
            item.prob_invalid = !item.prob;
        }
        bool when_ok = true;
        if (when_c.present()) {
            if (const auto w = r_.text(when_c)) {
                item.when = parse_in(kRouteWhenNames, *w).value_or(RouteWhen::any);
            } else {
                when_ok = false;
            }
        }
        const Cursor product_c = at(rc, "product");
        bool product_ok = true;
        if (product_c.present()) {
            const auto name = r_.text(product_c);
            if (name) item.product = product_index(product_c.loc, product_c.path, *name);
            product_ok = item.product.has_value();
        }
        if (names_.empty() || !from_name) continue;
        if (*from_name == "scrap" && !scrap_stage) {
            r_.error(from_c.loc, from_c.path,
                     "`scrap` is the built-in scrap target, and no route leaves it",
                     "a scrapped unit is remade at its source's routes (on_scrap: remake) "
                     "or cancelled (on_scrap: cancel); route from the stage that scraps");
            continue;
        }
        const auto from = stage_index(from_c, *from_name, &unsettled);
        std::optional<std::size_t> to;
        if (to_name && *to_name == "scrap") {
            to = kScrapTarget;
        } else if (to_name) {
            to = stage_index(to_c, *to_name, nullptr);
        }
        if (!from) continue;
        if (!to) {  // its stage has a route we could not read: skip its route-count checks
            unsettled.push_back(*from);
            continue;
        }
        item.from = *from;
        item.to = *to;
        bool ok = when_ok && product_ok;
        const bool from_known = types_known_[*from];
        const StageType from_type = sc_.stages[*from].type;
        if (from_known && from_type == StageType::sink) {
            r_.error(from_c.loc, from_c.path,
                     "`" + *from_name + "` is a sink, and a sink has no routes out",
                     "remove this route; orders end at a sink");
            ok = false;
        }
        if (*to == kScrapTarget) {
            if (from_known && from_type == StageType::source) {
                r_.error(to_c.loc, to_c.path,
                         "`" + *from_name +
                             "` is a source, and a source cannot route to "
                             "`scrap`",
                         "stations, inspections and links scrap units; route the source to "
                         "its first stage");
                ok = false;
            }
        } else if (types_known_[*to] && sc_.stages[*to].type == StageType::source) {
            r_.error(to_c.loc, to_c.path,
                     "`" + *to_name + "` is a source, and a source has no routes in",
                     "route to the stage after the source instead");
            ok = false;
        }
        if (when_c.present() && when_ok && from_known && from_type != StageType::inspection) {
            r_.error(when_c.loc, when_c.path,
                     "`when` is only for routes out of an inspection, and `" + *from_name +
                         "` is " + with_article(from_type),
                     "remove `when: " + when_c.node->scalar + "`, or make `" + *from_name +
                         "` an inspection (type: inspection) to route by its test result");
            ok = false;
        }
        const std::size_t product_key = item.product.value_or(sc_.products.size());
        const auto [it, fresh] =
            seen.emplace(std::make_tuple(*from, *to, item.when, product_key), i);
        if (!fresh) {
            std::string when_text =
                item.when == RouteWhen::any ? "" : std::string(" when ") + to_string(item.when);
            if (item.product) when_text += " for product " + sc_.products[*item.product].name;
            r_.error(rc.loc, rc.path,
                     "duplicate route " + *from_name + " -> " + *to_name + when_text +
                         " (also routes." + std::to_string(it->second) + ")",
                     "keep one route per pair of stages; put the whole share in its prob");
            ok = false;
        }
        if (ok) {
            items.push_back(std::move(item));
        } else {
            unsettled.push_back(*from);
        }
    }
    attach_routes(items, unsettled);
    if (r_.error_count() != errors_before) graph_checkable_ = false;
}

void ScenarioBuilder::attach_routes(const std::vector<RouteItem>& items,
                                    const std::vector<std::size_t>& unsettled) {
    // The routes out of each stage, in file order, and the stages not to count: one pass each.
    std::vector<std::vector<const RouteItem*>> out_of(sc_.stages.size());
    for (const auto& item : items) out_of[item.from].push_back(&item);
    std::vector<bool> skip(sc_.stages.size(), false);
    for (const std::size_t s : unsettled) skip[s] = true;
    for (std::size_t s = 0; s < sc_.stages.size(); ++s) {
        if (!types_known_[s]) continue;
        StageSpec& stage = sc_.stages[s];
        const std::vector<const RouteItem*>& out = out_of[s];
        if (stage.type == StageType::sink) continue;
        if (skip[s]) continue;
        if (out.empty()) {
            r_.error(stage.loc, stage_path(stage),
                     with_article(stage.type) + " needs at least one route out",
                     "add `- {from: " + stage.name + ", to: NEXT_STAGE}` under routes");
            continue;
        }
        // One route set per product with routes of its own here, and the shared routes:
        // each set is checked alone (a product with its own routes takes only those).
        struct RouteSet {
            std::optional<std::size_t> product;
            std::vector<const RouteItem*> groups[3];  // by RouteWhen: any, pass, fail
        };
        std::vector<RouteSet> sets;                 // in order of first appearance
        std::map<std::size_t, std::size_t> set_of;  // product (or none) -> index in sets
        for (const RouteItem* item : out) {
            const auto [it, fresh] =
                set_of.emplace(item->product.value_or(sc_.products.size()), sets.size());
            if (fresh) sets.push_back(RouteSet{item->product, {}});
            sets[it->second].groups[static_cast<std::size_t>(item->when)].push_back(item);
        }
        const bool inspection = stage.type == StageType::inspection;
        std::map<std::pair<RouteWhen, std::size_t>, std::size_t> group_size;
        for (const RouteSet& set : sets) {
            const auto& groups = set.groups;
            const auto& product = set.product;
            const std::string name = product ? sc_.products[*product].name : "";
            if (inspection) check_inspection_outcomes(stage, groups, name);
            for (const RouteWhen when : {RouteWhen::any, RouteWhen::pass, RouteWhen::fail}) {
                const auto& group = groups[static_cast<std::size_t>(when)];
                if (group.empty()) continue;
                group_size[{when, product.value_or(sc_.products.size())}] = group.size();
                check_route_group(stage, inspection, when, name, group);
            }
        }
        for (const RouteItem* item : out) {
            const bool alone =
                group_size[{item->when, item->product.value_or(sc_.products.size())}] == 1;
            stage.routes.push_back(make_route(item->to, alone ? 1.0 : item->prob.value_or(0.0),
                                              item->when, item->product, item->cursor.loc));
        }
    }
}

// An inspection sends passed units along its pass routes (else those without `when`) and
// failed units along its fail routes (likewise): both need somewhere to go. `product` names
// the product whose own routes these are (empty: the routes without `product`).
void ScenarioBuilder::check_inspection_outcomes(const StageSpec& stage,
                                                const std::vector<const RouteItem*> (&groups)[3],
                                                const std::string& product) {
    const auto& any = groups[static_cast<std::size_t>(RouteWhen::any)];
    const auto& pass = groups[static_cast<std::size_t>(RouteWhen::pass)];
    const auto& fail = groups[static_cast<std::size_t>(RouteWhen::fail)];
    const std::string units = product.empty() ? "the units" : "the `" + product + "` units";
    const std::string tag = product.empty() ? "" : ", product: " + product;
    const std::string own = product.empty() ? ""
                                            : "; `" + product + "` has routes of its own out of `" +
                                                  stage.name + "`, so it takes only those";
    if (pass.empty() && any.empty()) {
        r_.error(stage.loc, stage_path(stage),
                 "inspection `" + stage.name + "` has no route for " + units + " that pass",
                 "add `- {from: " + stage.name + ", to: NEXT_STAGE, when: pass" + tag +
                     "}` under routes (a route without `when` serves both results)" + own);
    }
    if (fail.empty() && any.empty()) {
        r_.error(stage.loc, stage_path(stage),
                 "inspection `" + stage.name + "` has no route for " + units + " that fail",
                 "add `- {from: " + stage.name + ", to: REWORK_STAGE, when: fail" + tag +
                     "}` or `to: scrap` under routes (a route without `when` serves both "
                     "results)" +
                     own);
    }
    if (!pass.empty() && !fail.empty() && !any.empty()) {
        const Cursor& c = any.front()->cursor;
        r_.error(c.loc, c.path,
                 "this route out of `" + stage.name + "` has no `when`, but `" + stage.name +
                     "` has both pass and fail routes" +
                     (product.empty() ? "" : " for `" + product + "`") + ", so no unit takes it",
                 "add `when: pass` or `when: fail`, or remove the route");
    }
}

// The routes of one group (same stage, `when` and `product`) split the units by prob: one route
// takes them all; several must each have a prob, summing to 1.
void ScenarioBuilder::check_route_group(const StageSpec& stage, bool inspection, RouteWhen when,
                                        const std::string& product,
                                        const std::vector<const RouteItem*>& group) {
    const RouteGroupWords words = group_words(stage.name, inspection, when, product, group.size());
    if (group.size() == 1) {
        const RouteItem& only = *group.front();
        if (only.prob && *only.prob != 1.0) {
            r_.error(
                only.prob_cursor.loc, only.prob_cursor.path,
                words.only + " must have prob 1 (or none), got " + only.prob_cursor.node->scalar,
                "with one route out every unit takes it; add the other routes "
                "of the split");
        }
        return;
    }
    bool probs_ok = true;
    double sum = 0;
    std::string listing;
    for (const RouteItem* item : group) {
        if (item->prob_invalid) {
            probs_ok = false;
            continue;
        }
        if (!item->prob) {
            r_.error(item->cursor.loc, item->cursor.path, words.count + ", so each needs a `prob`",
                     "give each of " + words.all + " a prob; together they sum to 1");
            probs_ok = false;
            continue;
        }
        sum += *item->prob;
        listing += (listing.empty() ? "" : ", ") + stage.name + " -> " + target_name(item->to) +
                   " " + item->prob_cursor.node->scalar;
    }
    if (probs_ok && std::abs(sum - 1.0) > 1e-9) {
        // Point at an override that set one of these probs, if any; else the first.
        const RouteItem* first = group.front();
        for (const RouteItem* item : group) {
            if (item->prob_cursor.loc.line == 0) {
                first = item;
                break;
            }
        }
        const Cursor& where = first->prob_cursor.loc.line == 0 ? first->prob_cursor : first->cursor;
        r_.error(
            where.loc, where.path,
            "the probs of " + words.all + " sum to " + format_number(sum) + ", not 1: " + listing,
            "make them add up to 1");
    }
}

}  // namespace qosim::models::detail
