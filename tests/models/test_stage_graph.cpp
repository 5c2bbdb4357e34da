// Stage graph: reachability, trapping loops, Graphviz output, and the loader's graph checks.
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "models/graph/stage_graph.hpp"
#include "models/input/load.hpp"
#include "models/scenario/diagnostics.hpp"

using namespace qosim::models;

namespace {

// A scenario built by hand, so that graphs the loader would refuse can be tested too.
Scenario graph(const std::vector<std::pair<std::string, StageType>>& stages,
               const std::vector<std::tuple<std::size_t, std::size_t, double>>& routes) {
    Scenario sc;
    for (const auto& [name, type] : stages) {
        StageSpec s;
        s.name = name;
        s.type = type;
        sc.stages.push_back(s);
    }
    for (const auto& [from, to, prob] : routes) {
        Route r;
        r.to = to;
        r.prob = prob;
        sc.stages[from].routes.push_back(r);
    }
    return sc;
}

constexpr auto src = StageType::source;
constexpr auto stn = StageType::station;
constexpr auto snk = StageType::sink;

std::vector<Diagnostic> errors_of(const std::string& yaml) {
    try {
        (void)load_scenario_text(yaml, "g.yaml");
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

}  // namespace

TEST_CASE("the graph has a vertex per stage and an edge per route", "[graph]") {
    const auto sc = graph({{"in", src}, {"a", stn}, {"b", stn}, {"out", snk}},
                          {{0, 1, 1.0}, {1, 2, 0.5}, {1, 3, 0.5}, {2, 3, 1.0}});
    const StageGraph g = build_stage_graph(sc);
    CHECK(boost::num_vertices(g) == 4);
    CHECK(boost::num_edges(g) == 4);
    CHECK(g[1].name == "a");
    CHECK(g[3].type == snk);
    CHECK(boost::in_degree(3, g) == 2);
}

TEST_CASE("reachability from sources and to sinks", "[graph]") {
    // in -> a -> out; b -> out has no way in; c <-> d trap what enters them
    const auto sc =
        graph({{"in", src}, {"a", stn}, {"b", stn}, {"c", stn}, {"d", stn}, {"out", snk}},
              {{0, 1, 1.0}, {1, 5, 0.5}, {1, 3, 0.5}, {2, 5, 1.0}, {3, 4, 1.0}, {4, 3, 1.0}});
    CHECK(reachable_from_sources(sc) == std::vector<bool>{true, true, false, true, true, true});
    CHECK(can_reach_sink(sc) == std::vector<bool>{true, true, true, false, false, true});
    CHECK(closed_loops(sc) == std::vector<std::vector<std::size_t>>{{3, 4}});
}

TEST_CASE("a loop with an exit is fine; a prob-0 exit is no exit", "[graph]") {
    const auto rework = graph({{"in", src}, {"a", stn}, {"fix", stn}, {"out", snk}},
                              {{0, 1, 1.0}, {1, 2, 0.2}, {1, 3, 0.8}, {2, 1, 1.0}});
    CHECK(closed_loops(rework).empty());
    CHECK(can_reach_sink(rework) == std::vector<bool>(4, true));

    const auto trapped = graph({{"in", src}, {"a", stn}, {"fix", stn}, {"out", snk}},
                               {{0, 1, 1.0}, {1, 2, 1.0}, {1, 3, 0.0}, {2, 1, 1.0}});
    CHECK(closed_loops(trapped) == std::vector<std::vector<std::size_t>>{{1, 2}});

    const auto self = graph({{"in", src}, {"a", stn}, {"out", snk}}, {{0, 1, 1.0}, {1, 1, 1.0}});
    CHECK(closed_loops(self) == std::vector<std::vector<std::size_t>>{{1}});
}

TEST_CASE("Graphviz output labels stages with their type and splits with their prob", "[graph]") {
    const auto sc =
        graph({{"in", src}, {"a", stn}, {"out", snk}}, {{0, 1, 1.0}, {1, 2, 0.75}, {1, 1, 0.25}});
    const std::string dot = to_graphviz(sc);
    CHECK(dot.rfind("digraph G {", 0) == 0);
    CHECK(dot.find("label=\"a\\nstation\\n1 server, service ") != std::string::npos);
    CHECK(dot.find("label=\"in\\nsource\\nevery ") != std::string::npos);
    // Shaped by type: stations are boxes, the source an inverted house, the sink a house.
    CHECK(dot.find("shape=box") != std::string::npos);
    CHECK(dot.find("shape=invhouse") != std::string::npos);
    CHECK(dot.find("label=\"out\\nsink\", shape=house") != std::string::npos);
    CHECK(dot.find("0->1 ;") != std::string::npos);  // prob 1: no label
    CHECK(dot.find("1->2 [label=\"0.75\"]") != std::string::npos);
    CHECK(dot.find("1->1 [label=\"0.25\"]") != std::string::npos);
    CHECK(dot.find("rankdir=LR") != std::string::npos);
}

TEST_CASE("the loader runs the graph checks and names the stages", "[graph][loader]") {
    const std::string head =
        "run: {horizon: 10}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 1}\n"
        "  a: {type: station, service: 0.5}\n"
        "  fix: {type: station, service: 0.5}\n"
        "  out: {type: sink}\n";
    // rework loop with an exit: valid
    CHECK(errors_of(head + "routes:\n  - {from: in, to: a}\n  - {from: a, to: fix, prob: 0.1}\n"
                           "  - {from: a, to: out, prob: 0.9}\n  - {from: fix, to: a}\n")
              .empty());
    // the exit has prob 0: a loop with no exit
    const auto trapped =
        errors_of(head +
                  "routes:\n  - {from: in, to: a}\n  - {from: a, to: fix, prob: 1}\n"
                  "  - {from: a, to: out, prob: 0}\n  - {from: fix, to: a}\n");
    // ... and the source, whose only way on leads into it, cannot reach a sink either.
    REQUIRE(trapped.size() == 2);
    CHECK(trapped[0].message == "stage `in` cannot reach a sink");
    CHECK(trapped[0].loc.line == 3);
    CHECK(trapped[1].message.find("the stages `a`, `fix` form a loop with no exit") == 0);
    CHECK(trapped[1].loc.line == 4);
    // a station routing only to itself
    const auto self = errors_of(head +
                                "routes:\n  - {from: in, to: a, prob: 0.5}\n"
                                "  - {from: in, to: fix, prob: 0.5}\n  - {from: a, to: out}\n"
                                "  - {from: fix, to: fix}\n");
    REQUIRE(self.size() == 1);
    CHECK(self[0].message.find("stage `fix` routes only to itself") != std::string::npos);
}

TEST_CASE("scrap is one extra vertex and counts as an exit", "[graph]") {
    // in -> a; a -> scrap (pass) or -> b (fail); b -> a: the loop a <-> b leaves via scrap.
    auto sc = graph({{"in", src}, {"a", StageType::inspection}, {"b", stn}, {"out", snk}},
                    {{0, 1, 1.0}, {1, 2, 1.0}, {2, 1, 1.0}});
    Route scrap;
    scrap.to = kScrapTarget;
    scrap.when = RouteWhen::pass;
    sc.stages[1].routes.push_back(scrap);
    sc.stages[1].routes[0].when = RouteWhen::fail;
    const StageGraph g = build_stage_graph(sc);
    REQUIRE(boost::num_vertices(g) == 5);
    CHECK(g[4].is_scrap);
    CHECK(g[4].name == "scrap");
    CHECK(boost::in_degree(4, g) == 1);
    CHECK(boost::out_degree(4, g) == 0);
    CHECK(closed_loops(sc).empty());
    CHECK(can_reach_sink(sc) == std::vector<bool>{true, true, true, true});
    CHECK(reachable_from_sources(sc) == std::vector<bool>{true, true, true, false});
    // Without any scrap route there is no scrap vertex.
    CHECK(boost::num_vertices(
              build_stage_graph(graph({{"in", src}, {"out", snk}}, {{0, 1, 1.0}}))) == 2);

    const std::string dot = to_graphviz(sc);
    CHECK(dot.find("4[label=\"scrap\", shape=octagon]") != std::string::npos);
    CHECK(dot.find("1->4 [label=\"pass\"]") != std::string::npos);
    CHECK(dot.find("1->2 [label=\"fail\"]") != std::string::npos);
}

TEST_CASE("the loader: scrap is an exit for the graph, remaking is a question of probability",
          "[graph][loader][quality]") {
    const std::string yaml =
        "run: {horizon: 10}\n"
        "stages:\n"
        "  in: {type: source, interarrival: 1, on_scrap: MODE}\n"
        "  a: {type: station, service: 0.5}\n"
        "  out: {type: sink}\n"
        "routes:\n  - {from: in, to: a}\n  - {from: a, to: scrap}\n";
    const auto with = [&yaml](const std::string& mode) {
        std::string y = yaml;
        y.replace(y.find("MODE"), 4, mode);
        return errors_of(y);
    };
    // Cancelled: every order ends (cancelled); `out` is never reached, which is allowed only
    // if something routes there ...
    const auto cancel = with("cancel");
    REQUIRE(cancel.size() == 1);
    CHECK(cancel[0].message == "stage `out` cannot be reached from any source");
    // ... remade: half the attempts get out; with an exit of prob 0, none ever does.
    const auto split = [&yaml](const std::string& scrap, const std::string& out) {
        std::string y = yaml;
        y.replace(y.find("MODE"), 4, "remake");
        const std::string routed = "  - {from: a, to: scrap}\n";
        y.replace(y.find(routed), routed.size(),
                  "  - {from: a, to: scrap, prob: " + scrap +
                      "}\n  - {from: a, to: out, prob: " + out + "}\n");
        return y;
    };
    CHECK(errors_of(split("0.5", "0.5")).empty());
    const std::string forever = split("1", "0");
    const auto remade = errors_of(forever);
    REQUIRE(remade.size() == 1);
    CHECK(remade[0].path == "stages.in");
    CHECK(remade[0].loc.line == 3);
    CHECK(remade[0].message ==
          "the loop in -> a -> scrap (remake) -> in has no exit: every order that enters it "
          "circulates forever");
    CHECK(remade[0].hint.find("on_scrap: cancel") != std::string::npos);
}

TEST_CASE("with product routes a stage is reachable when some product gets there",
          "[graph][products]") {
    // in makes a and b. Out of m, a has its own route to x; b takes the shared route to y.
    // Out of y, only a has a route to z (a never gets to y), and the shared one goes to out.
    auto sc = graph({{"in", src}, {"m", stn}, {"x", stn}, {"y", stn}, {"z", stn}, {"out", snk}},
                    {{0, 1, 1.0},
                     {1, 2, 1.0},
                     {1, 3, 1.0},
                     {2, 5, 1.0},
                     {3, 4, 1.0},
                     {3, 5, 1.0},
                     {4, 5, 1.0}});
    for (const char* name : {"a", "b"}) {
        Product p;
        p.name = name;
        p.source = 0;
        p.share = 0.5;
        sc.products.push_back(p);
    }
    sc.stages[1].routes[0].product = 0;  // m -> x: a only
    sc.stages[3].routes[0].product = 0;  // y -> z: a only
    CHECK(reachable_from_sources(sc) ==
          std::vector<bool>{true, true, true, true, false, true});  // z: nobody
    CHECK(can_reach_sink(sc) == std::vector<bool>(6, true));
    CHECK(closed_loops(sc).empty());
    // Now b gets its own route out of m as well: nobody takes the shared m -> y any more.
    Route own;
    own.to = 2;
    own.product = 1;
    sc.stages[1].routes.push_back(own);
    CHECK(reachable_from_sources(sc) == std::vector<bool>{true, true, true, false, false, true});

    // A loop only b takes: x -> x for b (x's shared route still leads out).
    Route self;
    self.to = 2;
    self.product = 1;
    sc.stages[2].routes.push_back(self);
    CHECK(closed_loops_of(sc, std::nullopt).empty());
    CHECK(closed_loops_of(sc, 0).empty());
    CHECK(closed_loops_of(sc, 1) == std::vector<std::vector<std::size_t>>{{2}});
    CHECK(closed_loops(sc) == std::vector<std::vector<std::size_t>>{{2}});
    CHECK(can_reach_sink_as(sc, 0)[2]);
    CHECK_FALSE(can_reach_sink_as(sc, 1)[2]);
    const auto to_sink = can_reach_sink(sc);
    CHECK_FALSE(to_sink[0]);  // b, from the source on, ends in the loop
    CHECK_FALSE(to_sink[2]);
    CHECK(to_sink[5]);
    // A loop of a product's own routes where it never goes is no trap.
    Route z_self;
    z_self.to = 4;
    z_self.product = 1;
    sc.stages[4].routes.push_back(z_self);
    CHECK(closed_loops_of(sc, 1) == std::vector<std::vector<std::size_t>>{{2}});

    const std::string dot = to_graphviz(sc);
    CHECK(dot.find("1->2 [label=\"a\"]") != std::string::npos);
    CHECK(dot.find("2->2 [label=\"b\"]") != std::string::npos);
}

TEST_CASE("a station holding initial_wip is reached by the first source's orders",
          "[graph][products]") {
    auto sc = graph({{"in", src}, {"a", stn}, {"b", stn}, {"out", snk}},
                    {{0, 1, 1.0}, {1, 3, 1.0}, {2, 3, 1.0}});
    CHECK(reachable_from_sources(sc) == std::vector<bool>{true, true, false, true});
    sc.stages[2].initial_wip = 5;
    CHECK(reachable_from_sources(sc) == std::vector<bool>{true, true, true, true});
    // The loader agrees: b has orders at time 0 and a way out, so it is no dead stage.
    CHECK(errors_of("run: {horizon: 10}\n"
                    "stages:\n"
                    "  in: {type: source, interarrival: 1}\n"
                    "  a: {type: station, service: 0.5}\n"
                    "  b: {type: station, service: 0.5, initial_wip: 5}\n"
                    "  out: {type: sink}\n"
                    "routes: [{from: in, to: a}, {from: a, to: out}, {from: b, to: out}]\n")
              .empty());
}
