// A station's waiting line: FIFO ring, LIFO stack, or a keyed heap for priority / EDD.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "models/engine/order_pool.hpp"
#include "models/engine/ring.hpp"
#include "models/scenario/scenario.hpp"

namespace qosim::models::detail {

/// A queue of order ids under one discipline. No allocation once grown to its high-water mark.
///  - fifo: ring buffer, O(1)
///  - lifo: stack, O(1)
///  - priority / edd: binary heap on (key, seq), O(log n); ties leave in arrival order.
class OrderQueue {
public:
    explicit OrderQueue(Discipline d = Discipline::fifo) : discipline_(d) {}

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }

    /// Adds `id`; `key` orders priority/edd queues (smaller first) and is ignored otherwise.
    void push(OrderId id, double key) {
        switch (discipline_) {
        case Discipline::fifo: ring_.push(id); break;
        case Discipline::lifo: stack_.push_back(id); break;
        case Discipline::priority:
        case Discipline::edd: push_heap(Keyed{key, seq_++, id}); break;
        }
        ++size_;
    }

    /// Removes the next order to serve. Precondition: !empty().
    OrderId pop() {
        assert(size_ > 0);
        --size_;
        switch (discipline_) {
        case Discipline::fifo: return ring_.pop();
        case Discipline::lifo: {
            const OrderId id = stack_.back();
            stack_.pop_back();
            return id;
        }
        case Discipline::priority:
        case Discipline::edd: return pop_heap();
        }
        return kNoOrder;
    }

private:
    struct Keyed {
        double key;
        std::uint64_t seq;
        OrderId id;
    };
    static bool before(const Keyed& a, const Keyed& b) {
        return a.key < b.key || (a.key == b.key && a.seq < b.seq);
    }

    void push_heap(const Keyed& e) {
        std::size_t i = heap_.size();
        heap_.push_back(e);
        while (i > 0) {
            const std::size_t parent = (i - 1) / 2;
            if (!before(e, heap_[parent])) break;
            heap_[i] = heap_[parent];
            i = parent;
        }
        heap_[i] = e;
    }
    OrderId pop_heap() {
        const OrderId top = heap_.front().id;
        const Keyed last = heap_.back();
        heap_.pop_back();
        const std::size_t n = heap_.size();
        if (n == 0) return top;
        std::size_t i = 0;
        for (;;) {
            std::size_t c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && before(heap_[c + 1], heap_[c])) ++c;
            if (!before(heap_[c], last)) break;
            heap_[i] = heap_[c];
            i = c;
        }
        heap_[i] = last;
        return top;
    }

    Discipline discipline_;
    std::size_t size_ = 0;
    Ring<OrderId> ring_;
    std::vector<OrderId> stack_;
    std::vector<Keyed> heap_;
    std::uint64_t seq_ = 0;
};

}  // namespace qosim::models::detail
