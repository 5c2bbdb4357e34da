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

/// One order in flight. 64 bytes (60 used).
struct Order {
    double created = 0.0;   ///< creation time (kept through remakes)
    double due = 0.0;       ///< due date; +infinity when the order has none
    double entered = 0.0;   ///< when it joined its current queue or link attempt
    double at_since = 0.0;  ///< when it arrived at its current stage (lateness attribution)
    OrderId next_free = kNoOrder;
    std::int32_t priority = 0;
    std::uint32_t source = 0;                ///< stage index of the source that created it
    std::uint32_t defect_origin = kNoStage;  ///< stage that made it defective; none when good
    std::uint32_t attempts = 0;              ///< link re-sends so far on the current link
    std::uint32_t cls = 0;                   ///< product index; products.size() = no product
    std::uint64_t serial = 0;                ///< creation number within the replication (trace)
    std::uint32_t at_stage = kNoStage;       ///< the stage it is at now (lateness attribution)
    LinkPhase phase = LinkPhase::travelling;

    [[nodiscard]] bool defective() const { return defect_origin != kNoStage; }
};

/// Time an order has spent at one stage so far (all its visits together).
struct StageVisit {
    std::uint32_t stage;
    double time;
};

/// Pool of orders. acquire/release are O(1); ids stay valid until released.
/// Capacity only grows to the high-water mark of orders alive at once.
///
/// Beside each order, the stages it has spent time at (for lateness attribution): one entry
/// per distinct stage, so a slot's list is at most the number of stages long, and a released
/// slot keeps its list's capacity for the next order.
class OrderPool {
public:
    OrderId acquire() {
        ++live_;
        if (free_ != kNoOrder) {
            const OrderId id = free_;
            free_ = orders_[id].next_free;
            return id;
        }
        orders_.emplace_back();
        visits_.emplace_back();
        return static_cast<OrderId>(orders_.size() - 1);
    }

    void release(OrderId id) {
        --live_;
        orders_[id].next_free = free_;
        visits_[id].clear();
        free_ = id;
    }

    /// Adds `time` (> 0) to the order's time at `stage`.
    void add_time(OrderId id, std::uint32_t stage, double time) {
        std::vector<StageVisit>& v = visits_[id];
        for (StageVisit& e : v) {
            if (e.stage == stage) {
                e.time += time;
                return;
            }
        }
        v.push_back(StageVisit{stage, time});
    }
    /// The stages order `id` has spent time at, with the time at each.
    [[nodiscard]] const std::vector<StageVisit>& visits(OrderId id) const { return visits_[id]; }

    Order& operator[](OrderId id) { return orders_[id]; }
    const Order& operator[](OrderId id) const { return orders_[id]; }

    /// Orders currently alive.
    [[nodiscard]] std::uint64_t live() const { return live_; }
    /// Slots ever allocated (the high-water mark of live orders).
    [[nodiscard]] std::size_t capacity() const { return orders_.size(); }

private:
    std::vector<Order> orders_;
    std::vector<std::vector<StageVisit>> visits_;  ///< by order slot
    OrderId free_ = kNoOrder;
    std::uint64_t live_ = 0;
};

}  // namespace qosim::models::detail
