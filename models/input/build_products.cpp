// Section builder for a source's `products:` and the product names that routes and
// service_by_product refer to.
#include <climits>
#include <cmath>
#include <span>

#include "models/input/builder.hpp"
#include "models/scenario/did_you_mean.hpp"

namespace qosim::models::detail {

// `products:` of the source being read (its index is sc_.stages.size()). Every product
// named is added to sc_.products, even one with errors, so that routes naming it do not
// repeat them as "no such product"; a duplicate name is added once.
void ScenarioBuilder::read_products(const Cursor& sc, const StageSpec& spec, StageTypeMask mask,
                                    const std::string& label) {
    const Cursor products = at(sc, "products");
    if (!products.present() || !r_.check_map(products, mask, label)) return;
    if (!products.node->is_map() || products.node->entries.empty()) {
        r_.error(products.key_loc, products.path, "there are no products under `products`",
                 "give each product its share, e.g. products: {basic: {share: 0.7}, "
                 "premium: {share: 0.3}}; or remove `products`");
        return;
    }
    const std::size_t source = sc_.stages.size();
    bool shares_ok = true;
    double sum = 0.0;
    std::string listing;
    std::optional<Cursor> overridden;  // a share set by --set: blame it for a bad sum
    for (const auto& e : products.node->entries) {
        const Cursor pc = at(products, e.key);
        Product p;
        p.name = e.key;
        p.source = source;
        p.loc = e.key_loc;
        if (e.key == "scrap") {
            r_.error(e.key_loc, pc.path, "the name `scrap` is reserved (the built-in scrap target)",
                     "rename the product");
        } else if (!is_valid_stage_name(e.key)) {
            r_.error(e.key_loc, pc.path,
                     "a product name must match [A-Za-z_][A-Za-z0-9_-]*, got `" + e.key + "`",
                     "use letters, digits, `_` and `-`, starting with a letter or `_`");
        }
        const auto known = product_of_name_.find(e.key);
        const Product* twin =
            known == product_of_name_.end() ? nullptr : &sc_.products[known->second];
        if (twin != nullptr) {
            const std::string where =
                twin->source == source ? "this source" : "source `" + names_[twin->source] + "`";
            r_.error(e.key_loc, pc.path,
                     "product `" + e.key + "` is already defined by " + where +
                         (twin->loc.line > 0 ? " (line " + std::to_string(twin->loc.line) + ")"
                                             : std::string()),
                     "product names are unique across the scenario; rename one");
        }
        if (r_.check_map(pc, mask, label)) {
            const Cursor share_c = at(pc, "share");
            if (const auto v = r_.number(share_c)) {
                p.share = *v;
                sum += *v;
                listing += (listing.empty() ? "" : ", ") + e.key + " " + share_c.node->scalar;
                if (share_c.loc.line == 0 && !overridden) overridden = share_c;
            } else {
                shares_ok = false;
            }
            const Cursor due = at(pc, "due_in");
            if (due.present()) p.due_in = r_.distribution(due);
            const Cursor prio = at(pc, "priority");
            if (const auto v = r_.signed_integer(prio)) {
                if (*v < INT_MIN || *v > INT_MAX) {
                    r_.error(prio.loc, prio.path,
                             "must be from " + std::to_string(INT_MIN) + " to " +
                                 std::to_string(INT_MAX) + ", got " + prio.node->scalar);
                } else {
                    p.priority = static_cast<int>(*v);
                }
            }
        } else {
            shares_ok = false;
        }
        if (twin == nullptr) {
            product_of_name_.emplace(p.name, sc_.products.size());
            sc_.products.push_back(std::move(p));
        }
    }
    if (shares_ok && std::abs(sum - 1.0) > 1e-9) {
        const Cursor& where = overridden ? *overridden : products;
        r_.error(overridden ? where.loc : where.key_loc, where.path,
                 "the shares of the products of `" + spec.name + "` sum to " + format_number(sum) +
                     ", not 1: " + listing,
                 "make them add up to 1: each order is one of them");
    }
}

// The product called `name`, or none after reporting it (did you mean).
std::optional<std::size_t> ScenarioBuilder::product_index(const SourceLoc& loc,
                                                          const std::string& path,
                                                          const std::string& name) {
    if (const auto it = product_of_name_.find(name); it != product_of_name_.end())
        return it->second;
    if (sc_.products.empty()) {
        r_.error(
            loc, path, "there is no product `" + name + "`: no source has `products`",
            "define it under a source, e.g. products: {" + name + ": {share: 1}}, or remove this");
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (const Product& p : sc_.products) names.push_back(p.name);
    const auto guess = suggest(name, names);
    r_.error(loc, path, "there is no product `" + name + "`",
             guess ? "did you mean `" + *guess + "`?" : "the products are: " + listing(names));
    return std::nullopt;
}

// Products may be defined by a source later in the file: resolve service_by_product
// once every stage has been read.
void ScenarioBuilder::read_service_by_product() {
    for (const auto& [stage, c] : service_by_product_) {
        for (const auto& e : c.node->entries) {
            const Cursor dc = at(c, e.key);
            const auto product = product_index(e.key_loc, dc.path, e.key);
            const auto d = r_.distribution(dc);
            if (product && d) sc_.stages[stage].service_by_product.emplace_back(*product, *d);
        }
    }
}

}  // namespace qosim::models::detail
