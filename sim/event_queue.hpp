// The future event set: a 4-ary min-heap of small plain entries, ordered by (time, seq).
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace qosim::sim {

/// One scheduled event. 24 bytes; copied, never allocated individually.
struct Event {
    double time;            ///< when it fires (scenario time units)
    std::uint64_t seq;      ///< insertion sequence number: the deterministic tie-break
    std::uint32_t handler;  ///< who handles it (the owner's index, e.g. a stage)
    std::uint32_t token;    ///< what it is about (a server, an order slot, an event kind)
};

/// A timer slot: a recurring event source (a server's completion, a breakdown clock) that can
/// be re-armed or cancelled. Cancellation is lazy: arming bumps the slot's generation, and a
/// popped entry whose generation is stale is skipped.
using TimerId = std::uint32_t;

/// Future event set.
///
/// Order: ascending time; equal times in scheduling order (seq), so runs are deterministic
/// whatever the heap shape. Complexity: push and pop O(log4 n); cancel O(1) (lazy).
/// Memory: 32 bytes per pending entry in one std::vector that only grows to the high-water
/// mark of pending events: no allocation per event once warm.
///
/// Why 4-ary: half the depth of a binary heap and the four children share a cache line pair;
/// bench/ measured it faster than binary on the tandem line (see ARCHITECTURE.md).
class EventQueue {
public:
    /// Schedules a one-shot event at `t` (t must not precede the last popped time).
    void schedule(Time t, std::uint32_t handler, std::uint32_t token) {
        push(Entry{make_key(t, next_seq_++), handler, token, kNoTimer, 0});
    }

    /// Creates a timer slot owned by the caller; initially unarmed.
    TimerId make_timer() {
        timer_gen_.push_back(0);
        return static_cast<TimerId>(timer_gen_.size() - 1);
    }

    /// Arms `timer` to fire at `t`, cancelling any earlier arming of the same timer.
    void arm(TimerId timer, Time t, std::uint32_t handler, std::uint32_t token) {
        const std::uint32_t gen = ++timer_gen_[timer];
        push(Entry{make_key(t, next_seq_++), handler, token, timer, gen});
    }

    /// Cancels the pending arming of `timer`, if any.
    void cancel(TimerId timer) { ++timer_gen_[timer]; }

    /// True when no live event may remain (stale cancelled entries may still be stored).
    [[nodiscard]] bool empty() const { return heap_.empty(); }

    /// Time of the earliest stored entry (may be a cancelled one); infinity when empty.
    [[nodiscard]] Time peek_time() const {
        return heap_.empty() ? Time::infinity() : Time(time_of(heap_.front().key));
    }

    /// Removes the earliest live event into `out`; false when none is left.
    bool pop(Event& out) {
        while (!heap_.empty()) {
            const Entry top = heap_.front();
            remove_top();
            if (top.timer != kNoTimer && timer_gen_[top.timer] != top.gen) continue;  // stale
            out = Event{time_of(top.key), static_cast<std::uint64_t>(top.key), top.handler,
                        top.token};
            return true;
        }
        return false;
    }

    /// Number of stored entries (live and stale).
    [[nodiscard]] std::size_t size() const { return heap_.size(); }

    /// Drops everything (keeps capacity) and resets the sequence counter.
    void clear() {
        heap_.clear();
        timer_gen_.clear();
        next_seq_ = 0;
    }

private:
    static constexpr std::uint32_t kNoTimer = 0xFFFFFFFFu;
    static constexpr std::size_t kArity = 4;

    // An event as stored: the time as its bit pattern, which for times >= +0 orders like the
    // time itself, so (time, seq) is one 128-bit unsigned key (time bits high, seq low) and a
    // comparison is a compare and a subtract-with-borrow, no branch.
    __extension__ using Key = unsigned __int128;  // GCC and Clang; __extension__: -Wpedantic
    struct Entry {
        Key key;
        std::uint32_t handler;
        std::uint32_t token;
        std::uint32_t timer;
        std::uint32_t gen;
    };
    static_assert(sizeof(Entry) == 32);

    static Key make_key(Time t, std::uint64_t seq) {
        assert(t.value() >= 0.0);  // also rejects NaN; + 0.0 turns -0 into +0
        return (Key{std::bit_cast<std::uint64_t>(t.value() + 0.0)} << 64) | seq;
    }
    static double time_of(Key k) {
        return std::bit_cast<double>(static_cast<std::uint64_t>(k >> 64));
    }

    static bool before(const Entry& a, const Entry& b) { return a.key < b.key; }

    void push(const Entry& e) {
        std::size_t i = heap_.size();
        heap_.push_back(e);
        while (i > 0) {
            const std::size_t parent = (i - 1) / kArity;
            if (!before(e, heap_[parent])) break;
            heap_[i] = heap_[parent];
            i = parent;
        }
        heap_[i] = e;
    }

    // Bottom-up removal (Wegener 1993): the hole left by the top walks down to a leaf along
    // the smallest children, picked by a branch-free tournament, and the last entry sifts up
    // from there; it usually belongs near the bottom, so this saves a comparison per level.
    void remove_top() {
        const Entry last = heap_.back();
        heap_.pop_back();
        const std::size_t n = heap_.size();
        if (n == 0) return;
        Entry* h = heap_.data();
        std::size_t i = 0;
        for (;;) {
            const std::size_t first = i * kArity + 1;
            if (first >= n) break;
            std::size_t best = first;
            if (first + kArity <= n) {
                const std::size_t a = first + before(h[first + 1], h[first]);
                const std::size_t b = first + 2 + before(h[first + 3], h[first + 2]);
                best = before(h[b], h[a]) ? b : a;
            } else {
                for (std::size_t c = first + 1; c < n; ++c)
                    if (before(h[c], h[best])) best = c;
            }
            h[i] = h[best];
            i = best;
        }
        while (i > 0) {
            const std::size_t parent = (i - 1) / kArity;
            if (!before(last, h[parent])) break;
            h[i] = h[parent];
            i = parent;
        }
        h[i] = last;
    }

    std::vector<Entry> heap_;
    std::vector<std::uint32_t> timer_gen_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace qosim::sim
