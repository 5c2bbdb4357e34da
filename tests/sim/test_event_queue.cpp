// Unit tests for EventQueue: (time, seq) order, FIFO ties, timers, cancellation, stress.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/event_queue.hpp"
#include "sim/random.hpp"

using qosim::sim::Event;
using qosim::sim::EventQueue;
using qosim::sim::RandomStream;
using qosim::sim::Time;
using qosim::sim::TimerId;

TEST_CASE("EventQueue pops in ascending time order", "[event_queue]") {
    EventQueue q;
    const double times[] = {5.0, 1.0, 3.5, 0.25, 9.0, 2.0, 7.0};
    for (std::uint32_t i = 0; i < 7; ++i) q.schedule(Time(times[i]), 0, i);
    REQUIRE(q.size() == 7);
    REQUIRE(q.peek_time() == Time(0.25));

    const double expected[] = {0.25, 1.0, 2.0, 3.5, 5.0, 7.0, 9.0};
    const std::uint32_t tokens[] = {3, 1, 5, 2, 0, 6, 4};
    Event e{};
    for (int i = 0; i < 7; ++i) {
        REQUIRE(q.pop(e));
        CHECK(e.time == expected[i]);
        CHECK(e.token == tokens[i]);
    }
    CHECK_FALSE(q.pop(e));
    CHECK(q.empty());
    CHECK(q.peek_time() == Time::infinity());
}

TEST_CASE("EventQueue breaks ties by scheduling order", "[event_queue]") {
    EventQueue q;
    // Interleave an earlier and a later time so the heap really reshuffles the ties.
    for (std::uint32_t i = 0; i < 1000; ++i) {
        q.schedule(Time(10.0), 1, i);
        if (i % 7 == 0) q.schedule(Time(i % 2 ? 20.0 : 5.0), 2, i);
    }
    Event e{};
    std::uint32_t next_token = 0;
    std::uint64_t last_seq = 0;
    bool first = true;
    while (q.pop(e)) {
        if (e.handler != 1) continue;
        CHECK(e.time == 10.0);
        CHECK(e.token == next_token);
        if (!first) CHECK(e.seq > last_seq);
        first = false;
        last_seq = e.seq;
        ++next_token;
    }
    CHECK(next_token == 1000);
}

TEST_CASE("EventQueue timer re-arm cancels the earlier arming", "[event_queue]") {
    Event e{};

    SECTION("re-arm to a later time") {
        EventQueue q;
        const TimerId t = q.make_timer();
        q.arm(t, Time(3.0), 7, 1);
        q.arm(t, Time(5.0), 7, 2);
        REQUIRE(q.pop(e));
        CHECK(e.time == 5.0);
        CHECK(e.token == 2);
        CHECK_FALSE(q.pop(e));
    }
    SECTION("re-arm to an earlier time") {
        EventQueue q;
        const TimerId t = q.make_timer();
        q.arm(t, Time(5.0), 7, 1);
        q.arm(t, Time(3.0), 7, 2);
        REQUIRE(q.pop(e));
        CHECK(e.time == 3.0);
        CHECK(e.token == 2);
        CHECK_FALSE(q.pop(e));
    }
    SECTION("timers are independent of each other and of one-shot events") {
        EventQueue q;
        const TimerId a = q.make_timer();
        const TimerId b = q.make_timer();
        CHECK(a != b);
        q.arm(a, Time(2.0), 1, 10);
        q.arm(b, Time(1.0), 2, 20);
        q.schedule(Time(1.5), 3, 30);
        q.arm(a, Time(4.0), 1, 11);  // only a's first arming dies
        REQUIRE(q.pop(e));
        CHECK(e.token == 20);
        REQUIRE(q.pop(e));
        CHECK(e.token == 30);
        REQUIRE(q.pop(e));
        CHECK(e.token == 11);
        CHECK_FALSE(q.pop(e));
    }
    SECTION("a timer can be re-armed after it fired") {
        EventQueue q;
        const TimerId t = q.make_timer();
        q.arm(t, Time(1.0), 0, 1);
        REQUIRE(q.pop(e));
        q.arm(t, Time(2.0), 0, 2);
        REQUIRE(q.pop(e));
        CHECK(e.time == 2.0);
        CHECK(e.token == 2);
    }
}

TEST_CASE("EventQueue cancel removes a pending arming", "[event_queue]") {
    EventQueue q;
    Event e{};
    const TimerId t = q.make_timer();
    q.arm(t, Time(1.0), 0, 1);
    q.schedule(Time(2.0), 0, 2);
    q.cancel(t);
    CHECK(q.size() == 2);  // lazy: the stale entry is still stored
    REQUIRE(q.pop(e));
    CHECK(e.token == 2);
    CHECK_FALSE(q.pop(e));

    // Cancelling an unarmed timer is harmless, and the timer can be armed again.
    q.cancel(t);
    q.arm(t, Time(3.0), 0, 3);
    REQUIRE(q.pop(e));
    CHECK(e.token == 3);
}

TEST_CASE("EventQueue clear drops everything and restarts the sequence", "[event_queue]") {
    EventQueue q;
    for (std::uint32_t i = 0; i < 10; ++i) q.schedule(Time(i), 0, i);
    q.clear();
    CHECK(q.empty());
    Event e{};
    CHECK_FALSE(q.pop(e));
    q.schedule(Time(1.0), 0, 99);
    REQUIRE(q.pop(e));
    CHECK(e.seq == 0);
    CHECK(e.token == 99);
}

// Random interleaving of schedule / arm / cancel / pop, checked against a std::multimap keyed
// by (time, seq) with timers tracked explicitly. Times are small integers offset from the
// current time so that many ties occur.
TEST_CASE("EventQueue matches a multimap reference under random operations", "[event_queue]") {
    RandomStream rng(2024, 0, "event_queue", "stress");
    EventQueue q;
    using Key = std::pair<double, std::uint64_t>;
    struct Ref {
        std::uint32_t token;
        int timer;  // -1 for one-shot
    };
    std::multimap<Key, Ref> ref;
    constexpr int kTimers = 16;
    std::vector<TimerId> timers;
    std::vector<std::multimap<Key, Ref>::iterator> armed(kTimers, ref.end());
    for (int i = 0; i < kTimers; ++i) timers.push_back(q.make_timer());

    std::uint64_t seq = 0;
    double now = 0.0;
    std::uint32_t token = 0;
    std::size_t popped = 0;
    for (int step = 0; step < 200000; ++step) {
        const double u = rng.uniform01();
        const double t = now + static_cast<double>(rng.next_u64() % 8);
        if (u < 0.40) {
            q.schedule(Time(t), 0, token);
            ref.emplace(Key{t, seq++}, Ref{token++, -1});
        } else if (u < 0.55) {
            const int k = static_cast<int>(rng.next_u64() % kTimers);
            q.arm(timers[static_cast<std::size_t>(k)], Time(t), 1, token);
            if (armed[static_cast<std::size_t>(k)] != ref.end())
                ref.erase(armed[static_cast<std::size_t>(k)]);
            armed[static_cast<std::size_t>(k)] = ref.emplace(Key{t, seq++}, Ref{token++, k});
        } else if (u < 0.60) {
            const int k = static_cast<int>(rng.next_u64() % kTimers);
            q.cancel(timers[static_cast<std::size_t>(k)]);
            if (armed[static_cast<std::size_t>(k)] != ref.end()) {
                ref.erase(armed[static_cast<std::size_t>(k)]);
                armed[static_cast<std::size_t>(k)] = ref.end();
            }
        } else {
            Event e{};
            const bool got = q.pop(e);
            REQUIRE(got == !ref.empty());
            if (!got) continue;
            const auto it = ref.begin();
            REQUIRE(e.time == it->first.first);
            REQUIRE(e.seq == it->first.second);
            REQUIRE(e.token == it->second.token);
            REQUIRE(e.handler == (it->second.timer < 0 ? 0u : 1u));
            if (it->second.timer >= 0)
                armed[static_cast<std::size_t>(it->second.timer)] = ref.end();
            ref.erase(it);
            now = e.time;
            ++popped;
        }
    }
    // Drain.
    Event e{};
    while (q.pop(e)) {
        REQUIRE_FALSE(ref.empty());
        REQUIRE(e.seq == ref.begin()->first.second);
        ref.erase(ref.begin());
        ++popped;
    }
    CHECK(ref.empty());
    CHECK(popped > 50000);
}
