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

FlowAnalysis analyse_flow(const Scenario& sc) {
    const QualityAnalysis qa = analyse_quality(sc);
    FlowAnalysis out;
    out.arrival_rate = qa.arrival_rate;
    out.utilization.assign(sc.stages.size(), 0.0);
    out.saturated.assign(sc.stages.size(), false);
    for (std::size_t i = 0; i < sc.stages.size(); ++i) {
        const StageSpec& s = sc.stages[i];
        if (s.type == StageType::station || s.type == StageType::inspection) {
            out.utilization[i] = qa.utilization[i];
            out.saturated[i] = out.utilization[i] >= 1.0;
        } else if (s.type == StageType::link) {
            out.utilization[i] = out.arrival_rate[i] * s.delay.mean();
        }
    }
    return out;
}

}  // namespace qosim::models
