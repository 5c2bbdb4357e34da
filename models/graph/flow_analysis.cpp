// Static flow analysis: arrival rates and utilisations from analyse_quality(), plus link loads.
#include "models/graph/flow_analysis.hpp"

#include "models/graph/absorbing_chain.hpp"

namespace qosim::models {

bool FlowAnalysis::any_saturated() const {
    for (const bool s : saturated) {
        if (s) return true;
    }
    return false;
}

FlowAnalysis analyse_flow(const Scenario& sc) { return analyse_flow(sc, analyse_quality(sc)); }

FlowAnalysis analyse_flow(const Scenario& sc, const QualityAnalysis& qa) {
    FlowAnalysis out;
    out.arrival_rate = qa.arrival_rate;
    out.utilization.assign(sc.stages.size(), 0.0);
    out.saturated.assign(sc.stages.size(), false);
    out.loads.assign(sc.stages.size(), StationLoad{});
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        const StageSpec& s = sc.stages[i];
        if (s.type == StageType::station || s.type == StageType::inspection) {
            out.loads[i] = qa.loads[i];
            out.utilization[i] = out.loads[i].utilization;
            const LoadVerdict v = out.loads[i].verdict;
            out.saturated[i] = v == LoadVerdict::saturated || v == LoadVerdict::overloaded;
        } else if (s.type == StageType::link) {
            out.utilization[i] = out.arrival_rate[i] * s.delay.mean();
        }
    }
    return out;
}

}  // namespace qosim::models
