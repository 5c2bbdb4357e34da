// The speed of light: a minimal hand-written tandem of single-server FIFO stations (M/M/1 when
// there is one), with qosim's random streams, inversion and statistics, to time qosim against.
//
// Usage: qosim_limit --horizon T --interarrival MEAN NAME:MEAN [NAME:MEAN ...]
//   e.g. qosim_limit --horizon 1000000 --interarrival 1.1111111111111112 machine:1.0
// Streams are keyed as qosim keys them (seed 1, replication 0, "orders"/"arrivals",
// NAME/"service"), so the model draws the same numbers as `qosim run` of the matching
// bench/models/*.yaml (warm-up 0) and prints the same lead_time_mean: the two are one model.
// What it keeps per order is what qosim reports: per station a wait tally and quantile sketch,
// time-weighted queue length and busy servers; for the run a lead-time tally and sketch and
// time-weighted WIP. What it leaves out is everything a general engine needs: routing tables,
// blocking, timers that can be cancelled, an order pool, dispatch on stage types.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "models/engine/ring.hpp"
#include "sim/distribution.hpp"
#include "sim/random.hpp"
#include "sim/statistics.hpp"

namespace {

using qosim::models::detail::Ring;
using qosim::sim::Distribution;
using qosim::sim::QuantileSketch;
using qosim::sim::RandomStream;
using qosim::sim::Tally;
using qosim::sim::TimeWeighted;

constexpr double kQuantileError =
    0.001;  // the sketch's relative error, as qosim's kQuantileRelError

/// A flat 4-ary min-heap of (time, seq, who): who = 0 is the source, k + 1 station k's service.
class Heap {
public:
    struct Entry {
        double time;
        unsigned long long seq;
        unsigned who;
    };
    void push(double t, unsigned who) {
        Entry e{t, seq_++, who};
        std::size_t i = h_.size();
        h_.push_back(e);
        while (i > 0) {
            const std::size_t p = (i - 1) / 4;
            if (!less(e, h_[p])) break;
            h_[i] = h_[p];
            i = p;
        }
        h_[i] = e;
    }
    bool pop(Entry& out) {
        if (h_.empty()) return false;
        out = h_.front();
        const Entry last = h_.back();
        h_.pop_back();
        const std::size_t n = h_.size();
        if (n == 0) return true;
        std::size_t i = 0;
        for (;;) {
            const std::size_t c = 4 * i + 1;
            if (c >= n) break;
            std::size_t best = c;
            const std::size_t end = c + 4 < n ? c + 4 : n;
            for (std::size_t j = c + 1; j < end; ++j)
                if (less(h_[j], h_[best])) best = j;
            if (!less(h_[best], last)) break;
            h_[i] = h_[best];
            i = best;
        }
        h_[i] = last;
        return true;
    }

private:
    static bool less(const Entry& a, const Entry& b) {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }
    std::vector<Entry> h_;
    unsigned long long seq_ = 0;
};

struct Station {
    Distribution service;
    RandomStream rng;
    Ring<std::pair<double, double>> queue;  // waiting: (created, entered this station)
    double in_service = -1;                 // created time of the unit in service; < 0 when idle
    TimeWeighted queue_len;
    TimeWeighted busy;
    Tally wait;
    QuantileSketch wait_q{kQuantileError};
    unsigned long long arrivals = 0, departures = 0;
};

int usage() {
    std::fprintf(stderr,
                 "usage: qosim_limit --horizon T --interarrival MEAN NAME:MEAN [NAME:MEAN ...]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    double horizon = 0, interarrival = 0;
    std::vector<std::pair<std::string, double>> names;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--horizon") && i + 1 < argc)
            horizon = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--interarrival") && i + 1 < argc)
            interarrival = std::atof(argv[++i]);
        else if (const char* colon = std::strchr(argv[i], ':'))
            names.emplace_back(std::string(argv[i], static_cast<std::size_t>(colon - argv[i])),
                               std::atof(colon + 1));
        else
            return usage();
    }
    if (!(horizon > 0) || !(interarrival > 0) || names.empty()) return usage();

    const Distribution arrival = Distribution::exponential(interarrival);
    RandomStream arrival_rng(1, 0, "orders", "arrivals");
    std::vector<Station> st;
    st.reserve(names.size());
    for (const auto& [name, mean] : names)
        st.push_back(Station{Distribution::exponential(mean),
                             RandomStream(1, 0, name, "service"),
                             {},
                             -1,
                             {},
                             {},
                             {},
                             QuantileSketch(kQuantileError),
                             0,
                             0});
    Tally lead;
    QuantileSketch lead_q(kQuantileError);
    TimeWeighted wip;
    unsigned long long created = 0, delivered = 0, events = 0, in_system = 0;

    Heap heap;
    double now = 0;
    // Puts a unit (created at `created_at`) into station k at `now`.
    const auto enter = [&](std::size_t k, double created_at) {
        Station& s = st[k];
        ++s.arrivals;
        if (s.in_service < 0) {
            s.wait.add(0.0);
            s.wait_q.add(0.0);
            s.in_service = created_at;
            s.busy.update(now, 1);
            heap.push(now + s.service.sample(s.rng), static_cast<unsigned>(k + 1));
        } else {
            s.queue.push({created_at, now});
            s.queue_len.update(now, static_cast<double>(s.queue.size()));
        }
    };
    heap.push(arrival.sample(arrival_rng), 0);
    Heap::Entry ev{};
    while (heap.pop(ev)) {
        if (ev.time > horizon) break;
        now = ev.time;
        ++events;
        if (ev.who == 0) {
            ++created;
            wip.update(now, static_cast<double>(++in_system));
            enter(0, now);
            heap.push(now + arrival.sample(arrival_rng), 0);
            continue;
        }
        const std::size_t k = ev.who - 1;
        Station& s = st[k];
        const double created_at = s.in_service;
        ++s.departures;
        if (s.queue.empty()) {
            s.in_service = -1;
            s.busy.update(now, 0);
        } else {
            const auto [c, entered] = s.queue.pop();
            s.queue_len.update(now, static_cast<double>(s.queue.size()));
            s.wait.add(now - entered);
            s.wait_q.add(now - entered);
            s.in_service = c;
            heap.push(now + s.service.sample(s.rng), ev.who);
        }
        if (k + 1 < st.size()) {
            enter(k + 1, created_at);
        } else {
            ++delivered;
            lead.add(now - created_at);
            lead_q.add(now - created_at);
            wip.update(now, static_cast<double>(--in_system));
        }
    }
    double checksum = wip.mean(horizon);
    for (const Station& s : st)
        checksum += s.busy.mean(horizon) + s.queue_len.mean(horizon) + s.wait.mean() +
                    s.wait_q.quantile(0.95) + static_cast<double>(s.departures);
    std::printf(
        "orders_created=%llu orders_delivered=%llu events=%llu lead_time_mean=%.17g "
        "lead_time_p95=%.17g checksum=%.6g\n",
        created, delivered, events, lead.mean(), lead_q.quantile(0.95), checksum);
    return 0;
}
