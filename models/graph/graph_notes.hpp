// Results to draw on the stage graph (qosim graph --results, report.html): plain numbers per
// stage, and the layered layout the report draws the pipeline with.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/graph/stage_graph.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models {

/// Replication means of one stage's results, per time unit where it says so.
struct StageNote {
    std::optional<double> utilization;  ///< stations and inspections only
    double arrival_rate = 0.0;          ///< units entering per time unit (observed window)
    double departure_rate = 0.0;        ///< units leaving per time unit (observed window)
    double defects_escaped = 0.0;  ///< per replication: defects from here that reached a customer
    double lost = 0.0;             ///< per replication: orders lost here
    double cost = 0.0;             ///< per replication: cost charged to the stage
    double late_time_share = 0.0;  ///< share of late orders' lead time spent here
};

/// Annotations for the whole graph; `stages` is in Scenario::stages order.
struct GraphNotes {
    std::vector<StageNote> stages;
    std::optional<std::size_t> bottleneck;  ///< the station with the highest utilisation
};

/// About three significant digits without exponents: "0.125", "12.5", "28079".
[[nodiscard]] std::string short_number(double x);

/// What the scenario says of a stage, for labels: "2 servers, service 0.800 hour", "delay 23.3
/// hour", "every 0.500 hour" (a source's mean interarrival); empty for sinks.
[[nodiscard]] std::string stage_facts(const Scenario& sc, const StageSpec& s);

/// The station or inspection with the highest mean utilisation (the first on ties); none when
/// no stage has one.
[[nodiscard]] std::optional<std::size_t> find_bottleneck(const std::vector<StageNote>& stages);

/// The flow on route `route` out of stage `from` (units per time unit): the stage's departure
/// rate when it has one route, else the target's arrival rate when only this route enters it,
/// else the departure rate times the route's prob (`exact` false: an estimate).
[[nodiscard]] double route_flow(const Scenario& sc, const GraphNotes& notes, std::size_t from,
                                std::size_t route, bool& exact);

/// Graphviz `dot` text of the scenario with results: to_graphviz() shapes, labels that add the
/// utilisation (fill colour from green to red), errors reaching customers, cost and lateness
/// share, the bottleneck drawn bold and named, and every edge labelled with its flow.
[[nodiscard]] std::string to_graphviz(const Scenario& sc, const GraphNotes& notes);

/// Fill colour of a utilisation, "#rrggbb": green at 0, yellow at 0.75, red at >= 1.
[[nodiscard]] std::string utilization_colour(double utilization);

/// A layered drawing order of the stage graph (longest path from the sources after dropping the
/// edges that close a loop, found by depth-first search in file order): layer[v] is the column
/// of vertex v, slot[v] its row within the column; vertices as in build_stage_graph().
struct LayeredLayout {
    std::vector<std::size_t> layer;
    std::vector<std::size_t> slot;
    std::size_t layers = 0;
    std::size_t max_slots = 0;
};
[[nodiscard]] LayeredLayout layered_layout(const StageGraph& g);

}  // namespace qosim::models
