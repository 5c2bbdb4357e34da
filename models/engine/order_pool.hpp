// Orders in flight: an index-based pool with a free list, so memory follows WIP, not run length.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace qosim::models::detail {

using OrderId = std::uint32_t;
inline constexpr OrderId kNoOrder = std::numeric_limits<OrderId>::max();

inline constexpr std::uint32_t kNoStage = std::numeric_limits<std::uint32_t>::max();

/// What a unit on a link is doing; the link's event for it means the next step of this.
enum class LinkPhase : std::uint8_t { travelling, awaiting_resend, vanishing };

/// One order in flight. 64 bytes (62 used).
struct Order {
    double created = 0.0;  ///< creation time (kept through remakes)
    double due = 0.0;      ///< due date; +infinity when the order has none
    double entered = 0.0;  ///< when it arrived at its current stage (waits, attribution)
    OrderId next_free = kNoOrder;
    std::int32_t priority = 0;
    std::uint32_t source = 0;                ///< stage index of the source that created it
    std::uint32_t defect_origin = kNoStage;  ///< stage that made it defective; none when good
    std::uint32_t attempts = 0;              ///< link re-sends so far on the current link
    std::uint32_t cls = 0;                   ///< product index; products.size() = no product
    std::uint64_t serial = 0;                ///< creation number within the replication (trace)
    std::uint32_t at_stage = kNoStage;       ///< the stage it is at now (lateness attribution)
    LinkPhase phase = LinkPhase::travelling;
    std::uint8_t visits = 0;  ///< entries used in its slot's inline visit list (OrderPool)

    [[nodiscard]] bool defective() const { return defect_origin != kNoStage; }
};
static_assert(sizeof(Order) == 64, "an order fills one cache line");

/// Time an order has spent at one stage so far.
struct StageVisit {
    std::uint32_t stage;
    double time;
};

/// Pool of orders. acquire/release are O(1); ids stay valid until released.
/// Capacity only grows to the high-water mark of orders alive at once.
///
/// Beside each order, the time it has spent at each stage (lateness attribution), in two
/// parts: an inline list of kInlineVisits entries per slot, appended to without a search
/// (the common path: one entry per stage passed), and, once that is full, an overflow list
/// of distinct stages. So a slot holds at most kInlineVisits + (number of stages) entries,
/// however long the order loops, and a released slot keeps its overflow's capacity.
class OrderPool {
public:
    static constexpr std::uint8_t kInlineVisits = 8;

    OrderId acquire() {
        ++live_;
        if (free_ != kNoOrder) {
            const OrderId id = free_;
            free_ = orders_[id].next_free;
            return id;
        }
        orders_.emplace_back();
        visit_stage_.resize(visit_stage_.size() + kInlineVisits);
        visit_time_.resize(visit_time_.size() + kInlineVisits);
        overflow_.emplace_back();
        return static_cast<OrderId>(orders_.size() - 1);
    }

    void release(OrderId id) {
        --live_;
        Order& o = orders_[id];
        o.next_free = free_;
        if (o.visits == kInlineVisits) overflow_[id].clear();
        o.visits = 0;
        free_ = id;
    }

    /// Adds `time` to order `id`'s time at `stage`.
    void add_time(OrderId id, std::uint32_t stage, double time) {
        Order& o = orders_[id];
        const std::size_t base = std::size_t{id} * kInlineVisits;
        if (o.visits < kInlineVisits) {
            visit_stage_[base + o.visits] = stage;
            visit_time_[base + o.visits] = time;
            ++o.visits;
            return;
        }
        for (std::size_t k = 0; k < kInlineVisits; ++k) {
            if (visit_stage_[base + k] == stage) {
                visit_time_[base + k] += time;
                return;
            }
        }
        for (StageVisit& v : overflow_[id]) {
            if (v.stage == stage) {
                v.time += time;
                return;
            }
        }
        overflow_[id].push_back(StageVisit{stage, time});
    }

    /// Calls f(stage, time) for each entry of order `id`'s time per stage (a stage may come
    /// more than once: the sums are what counts).
    template <class F>
    void for_each_visit(OrderId id, F&& f) const {
        const Order& o = orders_[id];
        const std::size_t base = std::size_t{id} * kInlineVisits;
        for (std::size_t k = 0; k < o.visits; ++k) f(visit_stage_[base + k], visit_time_[base + k]);
        if (o.visits == kInlineVisits) {
            for (const StageVisit& v : overflow_[id]) f(v.stage, v.time);
        }
    }

    Order& operator[](OrderId id) { return orders_[id]; }
    const Order& operator[](OrderId id) const { return orders_[id]; }

    /// Orders currently alive.
    [[nodiscard]] std::uint64_t live() const { return live_; }
    /// Slots ever allocated (the high-water mark of live orders).
    [[nodiscard]] std::size_t capacity() const { return orders_.size(); }

private:
    std::vector<Order> orders_;
    std::vector<std::uint32_t> visit_stage_;         ///< kInlineVisits per slot
    std::vector<double> visit_time_;                 ///< kInlineVisits per slot
    std::vector<std::vector<StageVisit>> overflow_;  ///< by slot, once its inline list is full
    OrderId free_ = kNoOrder;
    std::uint64_t live_ = 0;
};

}  // namespace qosim::models::detail
