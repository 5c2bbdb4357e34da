// A sink: where orders are delivered, and where a customer survey may run.
#include "models/stages/sink.hpp"

#include "models/engine/pipeline.hpp"

namespace qosim::models::detail {

Sink::Sink(const StageSpec& spec_, std::uint32_t stage_, std::uint64_t seed,
           std::uint64_t replication)
    : spec(&spec_), stage(stage_) {
    if (spec_.survey) survey_rng = sim::RandomStream(seed, replication, spec_.name, kSurvey);
}

void Sink::arrive(Pipeline& p, OrderId id) {
    ++stats.arrivals;
    p.trace(id, stage, "arrive");
    const double now = p.now_;
    const Order& o = p.orders_[id];
    const double lead = now - o.created;
    p.lead_time_.add(lead);
    p.lead_time_q_.add(lead);
    ++p.delivered_;
    p.cum_delivered_ += 1;
    p.cum_lead_sum_ += lead;
    const bool late = now > o.due;
    const Costs& pen = p.scenario_.costs;
    double penalty = 0.0;
    if (late) {
        ++p.late_;
        p.lateness_.add(now - o.due);
        p.lateness_q_.add(now - o.due);
        penalty += pen.late_penalty;
    }
    if (o.defective()) {
        ++p.delivered_defective_;
        ++p.stats_of(o.defect_origin).defects_escaped;
        penalty += pen.escape_penalty;
    }
    if (ClassStats* cs = p.class_of(id)) {
        ClassStats& c = *cs;
        ++c.delivered;
        if (late) ++c.late;
        c.lead.add(lead);
        c.lead_q.add(lead);
        c.direct_cost += penalty;
    }
    p.attribute_time(id, late);
    if (p.options_.record_lead_times) p.lead_time_batches_.add(now, lead);
    p.trace(id, stage, "delivered");
    p.conclude(id, late || o.defective(), stage);
}

}  // namespace qosim::models::detail
