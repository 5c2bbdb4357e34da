// The bad-input corpus: one YAML file per error class, each with its line:column and message.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/schema.hpp"

using namespace qosim::models;

namespace {

std::string bad(const std::string& name) {
    return std::string(QOSIM_TEST_DATA_DIR) + "/bad/" + name + ".yaml";
}

std::vector<Diagnostic> diagnostics_of(const std::string& path) {
    try {
        (void)load_scenario(path);
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

std::vector<Diagnostic> diagnostics_of_text(const std::string& yaml) {
    try {
        (void)load_scenario_text(yaml, "inline.yaml");
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

/// One corpus entry: the file, where the (first) diagnostic points, its path, a fragment of
/// its message or hint, and how many diagnostics the file yields in all.
struct Case {
    const char* file;
    int line;
    int column;
    const char* path;
    const char* fragment;
    std::size_t count = 1;
};

// clang-format off
const Case kCorpus[] = {
    {"syntax",                   3,  7, "",                                "YAML syntax error"},
    {"stray_comma",              2,  1, "",                                "YAML syntax error: `,` cannot start a value here"},
    {"multi_document",           4,  1, "",                                "a second YAML document starts here"},
    {"duplicate_key",            9,  5, "stages.smt.servers",              "duplicate key `servers` (first given at line 7)"},
    {"wrong_type_word",          5, 33, "stages.smt.servers",              "must be a whole number, got `two`"},
    {"wrong_type_fraction",      5, 33, "stages.smt.servers",              "must be a whole number, got 2.5"},
    {"unknown_key",              7,  5, "stages.smt.srvers",               "did you mean `servers`?"},
    {"key_not_for_type",         4, 43, "stages.orders.servers",           "does not apply to a source stage"},
    {"missing_required",         5,  3, "stages.smt.service",              "missing required key `service`"},
    {"missing_horizon",          2,  1, "run",                             "`run` needs `horizon` (simulated time per replication) or `orders`"},
    {"negative_time",            5, 33, "stages.smt.service",              "must be >= 0 (a duration cannot be negative), got -0.5"},
    {"negative_param",           7, 42, "stages.smt.service.sd",           "must be >= 0, got -0.2"},
    {"prob_out_of_range",       10, 33, "routes.1.prob",                   "must be in [0, 1] (a probability), got 1.5", 2},
    {"bad_enum",                 5, 58, "stages.smt.queue.discipline",     "must be one of fifo, lifo, priority, edd; got `fifoo`"},
    {"bad_enum",                 5, 58, "stages.smt.queue.discipline",     "did you mean `fifo`?"},
    {"bad_stage_type",           5, 15, "stages.smt.type",                 "did you mean `station`?"},
    {"bad_time_unit",            2, 12, "time_unit",                       "must be one of second, minute, hour, day, week; got `hours`"},
    {"unknown_dist",             4, 47, "stages.orders.interarrival.dist", "did you mean `exponential`?"},
    {"unknown_dist_param",       4, 60, "stages.orders.interarrival.maen", "did you mean `mean`?"},
    {"missing_dist_param",       5, 24, "stages.smt.service.sd",           "missing parameter `sd` of the lognormal distribution"},
    {"exponential_mean_and_rate",4, 69, "stages.orders.interarrival.rate", "give mean or rate, not both"},
    {"empirical_lengths",        5, 79, "stages.smt.service.weights",      "as many entries as values"},
    {"zero_interarrival",        4, 40, "stages.orders.interarrival",      "must have a mean > 0"},
    {"infinite_mean",            7, 14, "stages.smt.service",              "this weibull distribution has no finite mean: scale * Gamma(1 + 1/shape) overflows"},
    {"infinite_mean",            7, 14, "stages.smt.service",              "raise `shape`"},
    {"infinite_variance",        4, 40, "stages.orders.interarrival",      "this gamma distribution has no finite variance"},
    {"dangling_route",           8, 24, "routes.0.to",                     "there is no stage `smtt`"},
    {"dangling_route",           8, 24, "routes.0.to",                     "did you mean `smt`?"},
    {"unreachable",              7,  3, "stages.spare",                    "cannot be reached from any source"},
    {"closed_loop",              5,  3, "stages.a",                        "the stages `a`, `b` form a loop with no exit"},
    {"no_sink_reach",            5,  3, "stages.x",                        "stage `x` cannot reach a sink", 2},
    {"no_source",                3,  1, "stages",                          "there is no source stage"},
    {"no_sink",                  3,  1, "stages",                          "there is no sink stage"},
    {"prob_sum",                10,  5, "routes.1",                        "sum to 0.9, not 1: smt -> done 0.7, smt -> rework 0.2"},
    {"missing_prob",            11,  5, "routes.2",                        "each needs a `prob`"},
    {"single_route_prob",        9, 33, "routes.1.prob",                   "the only route out of `smt` must have prob 1"},
    {"sink_out_route",          10, 12, "routes.2.from",                   "a sink has no routes out"},
    {"source_in_route",         12, 22, "routes.3.to",                     "a source has no routes in"},
    {"duplicate_route",         10,  5, "routes.2",                        "duplicate route orders -> smt (also routes.0)"},
    {"no_out_route",             7,  3, "stages.spare",                    "a station needs at least one route out"},
    {"warmup_ge_horizon",        2, 29, "run.warmup",                      "must be < horizon (100), got 100"},
    {"unknown_target",          11,  3, "targets.customer_eror_rate",      "did you mean `customer_error_rate`?"},
    {"bad_stage_name",           5,  3, "stages.smt line",                 "a stage name must match"},
    {"scrap_stage_name",         5,  3, "stages.scrap",                    "`scrap` is reserved"},
    {"empty",                    1,  1, "",                                "the scenario is empty"},
    {"not_a_map",                2,  1, "",                                "must be a map of keys, got a list"},
    {"sweep_integer_steps",     12, 60, "sweep.parameters.stages.smt.servers.steps", "3 steps from 1 to 4 are 1.5 apart, but `stages.smt.servers` takes whole numbers only"},
    {"variant_unknown_path",    11, 12, "stages.smt.servise",              "in variant `faster`: unknown key `servise` under `stages.smt`"},
    // faults and quality
    {"defect_prob_range",        5, 51, "stages.smt.defect_prob",          "must be in [0, 1] (a probability), got 1.5"},
    {"when_not_inspection",      9, 33, "routes.1.when",                   "`when` is only for routes out of an inspection, and `smt` is a station"},
    {"when_not_inspection",      9, 33, "routes.1.when",                   "or make `smt` an inspection (type: inspection)"},
    {"bad_route_when",           9, 33, "routes.1.when",                   "did you mean `pass`?"},
    {"inspection_no_fail_route", 6,  3, "stages.aoi",                      "inspection `aoi` has no route for the units that fail"},
    {"inspection_no_pass_route", 5,  3, "stages.aoi",                      "inspection `aoi` has no route for the units that pass"},
    {"inspection_unused_route", 12,  5, "routes.3",                        "has both pass and fail routes, so no unit takes it"},
    {"pass_prob_sum",           11,  5, "routes.1",                        "the probs of the `when: pass` routes out of `aoi` sum to 0.9, not 1: aoi -> ship 0.6, aoi -> pickup 0.3"},
    {"shift_overlap",           11, 18, "stages.smt.shifts.servers.0.from", "the shift window [12, 20) overlaps [8, 16) (stages.smt.shifts.servers.1)"},
    {"shift_past_cycle",         8, 50, "stages.smt.shifts.servers.0.to",  "must be <= cycle (24), got 28"},
    {"shift_no_servers",         8, 34, "stages.smt.shifts.servers",       "no shift window has a server on"},
    {"breakdowns_missing_repair",8,  5, "stages.smt.breakdowns.repair",    "missing required key `repair`"},
    {"retry_timeout_zero",       5, 71, "stages.uplink.retry.timeout",     "must be > 0, got 0"},
    {"fault_unknown_stage",     11, 13, "faults.0.stage",                  "there is no stage `smtt`"},
    {"fault_unknown_stage",     11, 13, "faults.0.stage",                  "did you mean `smt`?"},
    {"fault_kind_stage",        11, 13, "faults.0.stage",                  "a surge fault needs a source, and `smt` is a station"},
    {"fault_surge_no_factor",   11,  5, "faults.0.factor",                 "a surge fault needs `factor` (> 0)"},
    {"fault_key_not_for_kind",  11, 53, "faults.0.value",                  "`value` does not apply to an outage fault"},
    {"fault_overlap",           12, 36, "faults.1.at",                     "this outage fault on `smt` overlaps faults.0 ([50, 60))"},
    {"scrap_from_source",        9, 24, "routes.1.to",                     "a source cannot route to `scrap`"},
    {"probabilistic_loop",       7,  3, "stages.aoi",                      "the loop aoi -> rework -> aoi has no exit"},
    {"probabilistic_loop",       7,  3, "stages.aoi",                      "lower a defect_prob, detect_prob, false_alarm_prob or damage_prob of 1"},
    {"remake_loop",              4,  3, "stages.orders",                   "the loop orders -> smt -> aoi -> scrap (remake) -> orders has no exit"},
    {"remake_loop",              4,  3, "stages.orders",                   "or cancel scrapped orders (on_scrap: cancel)"},
    // products, surveys, order-count runs and precision
    {"product_share_sum",        7,  5, "stages.orders.products",          "the shares of the products of `orders` sum to 0.9, not 1: basic 0.7, premium 0.2"},
    {"product_duplicate",        5, 52, "stages.shop.products.premium",    "product `premium` is already defined by source `web` (line 4)"},
    {"route_unknown_product",   10, 36, "routes.1.product",                "there is no product `premum`"},
    {"route_unknown_product",   10, 36, "routes.1.product",                "did you mean `premium`?"},
    {"service_by_product_unknown",7,26, "stages.smt.service_by_product.premum", "there is no product `premum`"},
    {"service_by_product_unknown",7,26, "stages.smt.service_by_product.premum", "did you mean `premium`?"},
    {"product_no_route_out",     6,  3, "stages.pack",                     "product `basic` has no route out of stage `pack`"},
    {"horizon_and_orders",       2, 21, "run.orders",                      "give `horizon` or `orders`, not both"},
    {"precision_unknown_metric", 4, 23, "run.precision.metric",            "unknown metric `customer_eror_rate`"},
    {"precision_unknown_metric", 4, 23, "run.precision.metric",            "did you mean `customer_error_rate`?"},
    {"precision_half_width_zero",4, 51, "run.precision.half_width",        "must be > 0, got 0"},
    {"survey_response_rate",     6, 46, "stages.done.survey.response_rate", "must be in [0, 1] (a probability), got 1.5"},
    // inputs that once crashed, hung or exhausted qosim
    {"alias_cycle_list",         2,  7, "name.0",                          "an alias refers to the anchor that contains it"},
    {"alias_cycle_map",          3,  6, "run.again",                       "an alias refers to the anchor that contains it"},
    {"billion_laughs",           3, 31, "l4.7.8.9.3.7",                    "expand to more than 100000 copied YAML nodes"},
    {"deep_nesting",             3, 69, "run.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", "nests deeper than 64 levels"},
    {"servers_huge",             7, 31, "stages.m.servers",                "must be in [1, 100000], got 100000000"},
    {"replications_huge",        4, 35, "run.replications",                "must be in [1, 1000000], got 10000000"},
    {"retry_max_overflow",       7, 72, "stages.net.retry.max",            "must be in [0, 1000000], got 2147483647"},
    {"interarrival_tiny",        6, 40, "stages.orders.interarrival",      "more than run.max_events = 1e+09 events"},
    {"interarrival_tiny",        6, 40, "stages.orders.interarrival",      "raise run.max_events only if this is meant"},
    {"shift_cycle_tiny",        11, 14, "stages.m.shifts.cycle",           "changes shift about 2e+12 times over run.horizon = 1000"},
};
// clang-format on

}  // namespace

TEST_CASE("bad-input corpus: each error class at its line:column with its message",
          "[loader][bad_input]") {
    for (const Case& c : kCorpus) {
        const std::string path = bad(c.file);
        INFO("file " << path);
        const auto diags = diagnostics_of(path);
        REQUIRE(diags.size() == c.count);
        const std::string where =
            path + ":" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": ";
        bool found = false;
        for (const auto& d : diags) {
            INFO("got: " << d.render());
            if (d.loc.file == path && d.loc.line == c.line && d.loc.column == c.column &&
                d.path == c.path &&
                (d.message + "\n" + d.hint).find(c.fragment) != std::string::npos) {
                found = true;
                CHECK(d.render().rfind(where + (d.path.empty() ? "" : d.path + ": "), 0) == 0);
            }
        }
        if (!found) {
            for (const auto& d : diags) UNSCOPED_INFO(d.render());
        }
        CHECK(found);
    }
}

TEST_CASE("a file with three independent errors reports all three, in file order",
          "[loader][bad_input]") {
    const std::string path = bad("three_errors");
    try {
        (void)load_scenario(path);
        FAIL("expected ScenarioError");
    } catch (const ScenarioError& e) {
        const auto& d = e.diagnostics();
        REQUIRE(d.size() == 3);
        CHECK(d[0].path == "run.replications");
        CHECK(d[0].loc.line == 2);
        CHECK(d[1].path == "stages.smt.servers");
        CHECK(d[1].message == "must be in [1, 100000], got 0");
        CHECK(d[2].path == "costs.late_penalty");
        CHECK(d[2].loc.line == 10);
        // what() is every rendered diagnostic, one after the other.
        const std::string what = e.what();
        CHECK(what == d[0].render() + "\n" + d[1].render() + "\n" + d[2].render());
    }
}

TEST_CASE("a number where a map belongs and a list where text belongs are type errors",
          "[loader][bad_input]") {
    const auto diags = diagnostics_of_text(
        "run: 5\n"
        "stages:\n"
        "  orders: {type: [source], interarrival: 1}\n"
        "  c: {type: sink}\n"
        "routes: [{from: orders, to: c}]\n");
    REQUIRE(diags.size() == 2);
    CHECK(diags[0].path == "run");
    CHECK(diags[0].message == "must be a map of keys, got `5`");
    CHECK(diags[1].path == "stages.orders.type");
    CHECK(diags[1].message.find("got a list") != std::string::npos);
}

TEST_CASE("fault and quality rules that need no file of their own",
          "[loader][bad_input][quality]") {
    const std::string head =
        "run: {horizon: 100}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1}\n"
        "  smt: {type: station, service: 0.5}\n"
        "  aoi: {type: inspection, service: 0.1}\n"
        "  ship: {type: link, delay: 1}\n"
        "  done: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: smt}\n"
        "  - {from: smt, to: aoi}\n"
        "  - {from: aoi, to: ship, when: pass}\n"
        "  - {from: aoi, to: scrap, when: fail}\n"
        "  - {from: ship, to: done}\n";
    REQUIRE(diagnostics_of_text(head).empty());
    REQUIRE(diagnostics_of_text(head + "faults:\n").empty());  // an empty list of faults

    const auto one = [&head](const std::string& before, const std::string& after) {
        std::string yaml = head;
        yaml.replace(yaml.find(before), before.size(), after);
        return diagnostics_of_text(yaml);
    };
    const auto with_fault = [&head](const std::string& fault) {
        return diagnostics_of_text(head + "faults:\n  - " + fault + "\n");
    };

    // Station-only and inspection-only keys, with the article right.
    auto d = one("aoi: {type: inspection, service: 0.1",
                 "aoi: {type: inspection, service: 0.1, "
                 "defect_prob: 0.1");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "`defect_prob` does not apply to an inspection stage");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, "
            "detect_prob: 0.9");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "`detect_prob` does not apply to a station stage");
    d = one("ship: {type: link, delay: 1", "ship: {type: link, delay: 1, retry: {timeout: 1}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "stages.ship.retry.max");
    CHECK(d[0].message == "missing required key `max`");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, breakdowns: {time_between: 0, repair: 1}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "stages.smt.breakdowns.time_between");
    CHECK(d[0].message == "must have a mean > 0, got a mean of 0");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, breakdowns: {time_between: 9, repair: 1, "
            "on_failure: restrat}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].hint == "did you mean `restart`?");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, shifts: {cycle: 24, servers: [{from: 8, to: 8, "
            "servers: 1}]}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "stages.smt.shifts.servers.0.to");
    CHECK(d[0].message == "must be after `from` (8), got 8");

    // Routes: scrap has no routes out; duplicates count `when`; when on a link.
    d = one("  - {from: ship, to: done}\n",
            "  - {from: ship, to: done}\n  - {from: scrap, to: done}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "`scrap` is the built-in scrap target, and no route leaves it");
    d = one("  - {from: aoi, to: scrap, when: fail}\n",
            "  - {from: aoi, to: scrap, when: fail, prob: 0.5}\n"
            "  - {from: aoi, to: scrap, when: fail, prob: 0.5}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "duplicate route aoi -> scrap when fail (also routes.3)");
    d = one("  - {from: ship, to: done}\n", "  - {from: ship, to: done, when: fail}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message.find("and `ship` is a link") != std::string::npos);
    // A link and a station may scrap.
    CHECK(one("  - {from: ship, to: done}\n",
              "  - {from: ship, to: done, prob: 0.9}\n  - {from: ship, to: scrap, prob: 0.1}\n")
              .empty());
    // The fail group of one with a prob other than 1.
    d = one("to: scrap, when: fail}", "to: scrap, when: fail, prob: 0.5}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message ==
          "the only `when: fail` route out of `aoi` must have prob 1 (or none), "
          "got 0.5");

    // Faults: every kind on its stage types, the value and factor rules.
    CHECK(with_fault("{stage: aoi, kind: outage, at: 1, duration: 2}").empty());
    CHECK(with_fault("{stage: ship, kind: defect_prob, at: 1, duration: 2, value: 0.5}").empty());
    CHECK(with_fault("{stage: ship, kind: service, at: 1, duration: 2, factor: 3}").empty());
    d = with_fault("{stage: smt, kind: loss_prob, at: 1, duration: 2, value: 0.5}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "a loss_prob fault needs a link, and `smt` is a station");
    d = with_fault("{stage: ship, kind: outage, at: 1, duration: 2}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "an outage fault needs a station or inspection, and `ship` is a link");
    d = with_fault("{stage: smt, kind: defect_prob, at: 1, duration: 2}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "faults.0.value");
    CHECK(d[0].message == "a defect_prob fault needs `value` (in [0, 1])");
    d = with_fault("{stage: smt, kind: service, at: 1, duration: 2, factor: 0, value: 1}");
    REQUIRE(d.size() == 2);
    CHECK(d[0].message == "must be > 0, got 0");
    CHECK(d[1].message == "`value` does not apply to a service fault");
    d = with_fault("{stage: smt, kind: outge, at: -1, duration: 0}");
    REQUIRE(d.size() == 3);
    CHECK(d[0].hint == "did you mean `outage`?");
    CHECK(d[1].path == "faults.0.at");
    CHECK(d[2].path == "faults.0.duration");
    d = with_fault("{kind: outage, at: 1, duration: 2}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "missing required key `stage`");
    // Faults of different kinds, or on different stages, may overlap.
    CHECK(diagnostics_of_text(head +
                              "faults:\n"
                              "  - {stage: smt, kind: outage, at: 1, duration: 5}\n"
                              "  - {stage: smt, kind: service, at: 2, duration: 5, factor: 2}\n"
                              "  - {stage: aoi, kind: outage, at: 2, duration: 5}\n")
              .empty());
}

TEST_CASE("product, survey, run and precision rules that need no file of their own",
          "[loader][bad_input][products]") {
    const std::string head =
        "run: {horizon: 100}\n"
        "stages:\n"
        "  orders: {type: source, interarrival: 1,\n"
        "           products: {basic: {share: 0.6}, premium: {share: 0.4}}}\n"
        "  smt: {type: station, service: 0.5}\n"
        "  aoi: {type: inspection, service: 0.1}\n"
        "  pack: {type: station, service: 0.2}\n"
        "  done: {type: sink}\n"
        "routes:\n"
        "  - {from: orders, to: smt}\n"
        "  - {from: smt, to: aoi}\n"
        "  - {from: aoi, to: done, when: pass}\n"
        "  - {from: aoi, to: scrap, when: fail}\n"
        "  - {from: pack, to: done}\n"
        "  - {from: smt, to: pack, product: premium}\n";
    REQUIRE(diagnostics_of_text(head).empty());
    const auto one = [&head](const std::string& before, const std::string& after) {
        std::string yaml = head;
        REQUIRE(yaml.find(before) != std::string::npos);
        yaml.replace(yaml.find(before), before.size(), after);
        return diagnostics_of_text(yaml);
    };
    const auto plus = [&head](const std::string& more) { return diagnostics_of_text(head + more); };

    // Product definitions.
    auto d = one("basic: {share: 0.6}", "basic: {share: 0.6}, scrap: {share: 0}");
    REQUIRE(d.size() == 2);
    CHECK(d[0].message == "the name `scrap` is reserved (the built-in scrap target)");
    CHECK(d[1].message == "must be in (0, 1] (a probability), got 0");
    d = one("basic: {share: 0.6}", "'basic line': {share: 0.6}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message.find("a product name must match [A-Za-z_][A-Za-z0-9_-]*") == 0);
    d = one("products: {basic: {share: 0.6}, premium: {share: 0.4}}", "products: {}");
    REQUIRE(d.size() == 2);  // ... and the route naming premium
    CHECK(d[0].message == "there are no products under `products`");
    CHECK(d[1].message == "there is no product `premium`: no source has `products`");
    d = one("premium: {share: 0.4}", "premium: {share: 0.4, priority: 1.5}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "stages.orders.products.premium.priority");
    CHECK(d[0].message == "must be a whole number, got 1.5");
    d = one("premium: {share: 0.4}", "premium: {share: 0.4, priorty: 1}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].hint == "did you mean `priority`?");
    d = one("premium: {share: 0.4}", "premium: {}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "missing required key `share`");
    d = one("premium: {share: 0.4}", "premium: {share: 0.4, due_in: -1}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "stages.orders.products.premium.due_in");
    // Keys on the wrong stage type.
    d = one("smt: {type: station, service: 0.5", "smt: {type: station, service: 0.5, products: {}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "`products` does not apply to a station stage");
    d = one("done: {type: sink", "done: {type: sink, initial_wip: 3");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "`initial_wip` does not apply to a sink stage");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, survey: {response_rate: 0.1}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "`survey` does not apply to a station stage");

    // service_by_product and initial_wip.
    CHECK(one("pack: {type: station, service: 0.2",
              "pack: {type: station, service: 0.2, service_by_product: {premium: 0.4}")
              .empty());
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, service_by_product: {basic: {dist: normal}}");
    REQUIRE(d.size() == 2);
    CHECK(d[0].message == "missing parameter `mean` of the normal distribution");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, service: 0.5, initial_wip: -2");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be >= 0, got -2");
    d = one("smt: {type: station, service: 0.5",
            "smt: {type: station, servers: 2, service: 0.5, queue: {capacity: 3}, initial_wip: 6");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be <= servers + queue.capacity (2 + 3 = 5), got 6");
    CHECK(one("smt: {type: station, service: 0.5",
              "smt: {type: station, servers: 2, service: 0.5, queue: {capacity: 3}, "
              "initial_wip: 5")
              .empty());

    // Routes by product: groups, duplicates, inspections, stuck classes and loops.
    d = plus("  - {from: pack, to: smt, product: basic}\n");  // basic never reaches pack: fine
    CHECK(d.empty());
    d = one("  - {from: smt, to: pack, product: premium}\n",
            "  - {from: smt, to: pack, product: premium, prob: 0.5}\n"
            "  - {from: smt, to: done, product: premium, prob: 0.4}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message ==
          "the probs of the `product: premium` routes out of `smt` sum to 0.9, not 1: "
          "smt -> pack 0.5, smt -> done 0.4");
    d = plus("  - {from: smt, to: pack, product: premium}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "duplicate route smt -> pack for product premium (also routes.5)");
    d = plus("  - {from: aoi, to: pack, when: pass, product: premium}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "stages.aoi");
    CHECK(d[0].message == "inspection `aoi` has no route for the `premium` units that fail");
    CHECK(d[0].hint.find("when: fail, product: premium}") != std::string::npos);
    d = plus("  - {from: aoi, to: pack, when: pass, product: premium, prob: 0.5}\n");
    REQUIRE(d.size() == 2);  // (and no fail route for premium, as above)
    CHECK(d[1].message ==
          "the only `when: pass`, `product: premium` route out of `aoi` must have prob 1 (or "
          "none), got 0.5");
    d = one("  - {from: pack, to: done}\n", "  - {from: pack, to: done, product: premium}\n");
    CHECK(d.empty());  // only premium gets to pack
    d = one("  - {from: orders, to: smt}\n", "  - {from: orders, to: smt, product: basic}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "product `premium` has no route out of stage `orders`");
    d = plus("  - {from: pack, to: pack, product: premium}\n");
    REQUIRE(d.size() == 3);  // premium's only way on from orders and smt leads into it
    CHECK(d[0].message == "product `premium` cannot reach a sink from stage `orders`");
    CHECK(d[1].message == "product `premium` cannot reach a sink from stage `smt`");
    CHECK(d[2].message ==
          "stage `pack` routes only to itself for product `premium`: its units that enter it "
          "never reach a sink");
    CHECK(d[2].hint.find("that `premium` takes") != std::string::npos);
    d = diagnostics_of_text(
        "run: {horizon: 100}\n"
        "stages: {in: {type: source, interarrival: 1}, m: {type: station, service: 1}, "
        "out: {type: sink}}\n"
        "routes: [{from: in, to: m}, {from: m, to: out, product: gold}]\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "there is no product `gold`: no source has `products`");
    d = diagnostics_of_text(
        "run: {horizon: 100}\n"
        "stages: {in: {type: source, interarrival: 1}, web: {type: source, interarrival: 1, "
        "products: {gold: {share: 1}}}, m: {type: station, service: 1}, out: {type: sink}}\n"
        "routes: [{from: in, to: m}, {from: web, to: m}, {from: m, to: out, product: gold}]\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "orders from source `in` have no route out of stage `m`");

    // run: warmup words, horizon or orders, precision.
    d = one("run: {horizon: 100}", "run: {horizon: 100, warmup: atuo}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be a number or `auto`, got `atuo`");
    CHECK(d[0].hint == "did you mean `auto`?");
    d = one("run: {horizon: 100}", "run: {horizon: 100, warmup: soon}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be a number, got `soon`");
    CHECK(d[0].hint.find("number >= 0 or auto") != std::string::npos);
    CHECK(one("run: {horizon: 100}", "run: {horizon: 100, warmup: auto}").empty());
    d = one("run: {horizon: 100}", "run: {orders: 0}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be > 0, got 0");
    d = one("run: {horizon: 100}", "run: {orders: 10, warmup: -1}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be >= 0 (a duration cannot be negative), got -1");
    d = one("run: {horizon: 100}",
            "run: {horizon: 100, replications: 50, precision: {metric: loss_rate, half_width: "
            "0.1, max_replications: 20}}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "run.replications");
    CHECK(d[0].message ==
          "with `precision`, replications is the minimum number of replications and must be <= "
          "precision.max_replications (20), got 50");
    d = one("run: {horizon: 100}",
            "run: {horizon: 100, precision: {metric: loss_rate, half_width: 0.1, "
            "max_replications: 2}}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "must be in [3, 1000000], got 2");
    d = one("run: {horizon: 100}", "run: {horizon: 100, precision: {half_width: 0.1}}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "missing required key `metric`");
    // Survey metrics need a survey, for precision and targets alike.
    d = one("run: {horizon: 100}",
            "run: {horizon: 100, precision: {metric: survey_error_rate, half_width: 0.01}}");
    REQUIRE(d.size() == 1);
    CHECK(d[0].message ==
          "`survey_error_rate` is measured only when a sink runs a survey, and no sink does");
    d = plus("targets: {survey_responses: {min: 100}}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].path == "targets.survey_responses");
    CHECK(one("done: {type: sink", "done: {type: sink, survey: {response_rate: 0.2, bias: 3}")
              .empty());
    std::string surveyed = head + "targets: {survey_error_rate: {max: 0.05}}\n";
    surveyed.replace(surveyed.find("done: {type: sink"), 17,
                     "done: {type: sink, survey: {response_rate: 0.2}");
    CHECK(diagnostics_of_text(surveyed).empty());
    d = one("done: {type: sink", "done: {type: sink, survey: {bias: 0}");
    REQUIRE(d.size() == 2);
    CHECK(d[0].message == "missing required key `response_rate`");
    CHECK(d[1].message == "must be > 0, got 0");
}

TEST_CASE("a scenario error renders at most kMaxRenderedDiagnostics, then counts the rest",
          "[loader][bad_input]") {
    auto diags = [](std::size_t n) {
        std::vector<Diagnostic> out(n);
        for (std::size_t i = 0; i < n; ++i) {
            out[i].loc.file = "f.yaml";
            out[i].loc.line = static_cast<int>(i + 1);
            out[i].loc.column = 1;
            out[i].message = "bad " + std::to_string(i);
        }
        return out;
    };
    const std::string all = ScenarioError(diags(kMaxRenderedDiagnostics)).what();
    CHECK(all.find("f.yaml:50:1: bad 49") != std::string::npos);
    CHECK(all.find("more error") == std::string::npos);
    const ScenarioError one_more(diags(kMaxRenderedDiagnostics + 1));
    const std::string text = one_more.what();
    CHECK(text.find("f.yaml:50:1: bad 49") != std::string::npos);
    CHECK(text.find("bad 50") == std::string::npos);
    CHECK(text.find("\n\u2026 and 1 more error (51 in all, the first 50 shown); fix these") !=
          std::string::npos);
    CHECK(one_more.diagnostics().size() == kMaxRenderedDiagnostics + 1);  // all kept
}
