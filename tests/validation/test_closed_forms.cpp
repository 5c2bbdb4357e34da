// Statistical validation: simulated means against closed-form queueing results.
//
// Design: the family-wise one of tests/support/family.hpp. This file's budget is 20 of the
// suite's K checks; each asks that the exact value lie in a Student-t interval at level
// 1 - 0.01 / K over R replications, and that the interval be no wider than a stated half-width
// of 2-5 % of the exact value, so a relative bias of twice that fails: M/M/1 6-7 % (W, Lq, L;
// utilisation 1 %), M/M/3 4 % (W) and 8 % (Lq, Wq), M/D/1 and M/G/1 7 %, the tandem 5-10 %
// per station's wait and 4 % for the sojourn, the split 3 % (utilisations) and 6 % (sojourn),
// M/M/1/K 7 % of the loss probability. Warm-ups are many relaxation times long, so
// initial-state bias is far below these half-widths.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "support/family.hpp"

using qosim::test::family_estimate_of;
using qosim::test::run_all;

namespace {

qosim::models::Scenario load(const std::string& yaml) {
    return qosim::test::load_validation(yaml, "inline.yaml");
}

// Erlang C: probability of waiting in an M/M/c queue with offered load a = lambda/mu.
double erlang_c(int c, double a) {
    const double rho = a / c;
    double sum = 0.0;
    double term = 1.0;  // a^k / k!
    for (int k = 0; k < c; ++k) {
        sum += term;
        term *= a / (k + 1);
    }
    const double last = term / (1.0 - rho);  // a^c / (c! (1 - rho))
    return last / (sum + last);
}

std::string mmc_yaml(double mean_interarrival, int servers, const std::string& service,
                     double horizon, double warmup, int seed = 2026) {
    return "name: validation\n"
           "run: {horizon: " +
           std::to_string(horizon) + ", warmup: " + std::to_string(warmup) +
           ", seed: " + std::to_string(seed) +
           "}\n"
           "stages:\n"
           "  arrivals: {type: source, interarrival: {dist: exponential, mean: " +
           std::to_string(mean_interarrival) +
           "}}\n"
           "  machine: {type: station, servers: " +
           std::to_string(servers) + ", service: " + service +
           "}\n"
           "  done: {type: sink}\n"
           "routes:\n"
           "  - {from: arrivals, to: machine}\n"
           "  - {from: machine, to: done}\n";
}

}  // namespace

TEST_CASE("M/M/1 at rho = 0.9 matches W, Lq and utilisation", "[validation]") {
    const double lambda = 0.9, mu = 1.0, rho = lambda / mu;
    const auto sc = load(mmc_yaml(1.0 / lambda, 1, "{dist: exponential, mean: 1.0}", 60000, 3000));
    const auto results = run_all(sc, 280);

    const double W = 1.0 / (mu - lambda);       // 10
    const double Lq = rho * rho / (1.0 - rho);  // 8.1
    const auto w = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    const auto lq = family_estimate_of(results, [](auto& r) { return r.stages[1].queue_len_mean; });
    const auto u = family_estimate_of(results, [](auto& r) { return r.stages[1].utilization; });
    const auto wip = family_estimate_of(results, [](auto& r) { return r.wip_mean; });
    QOSIM_FAMILY_CHECK(w, W, 0.3);
    QOSIM_FAMILY_CHECK(lq, Lq, 0.3);
    QOSIM_FAMILY_CHECK(u, rho, 0.005);
    QOSIM_FAMILY_CHECK(wip, lambda * W, 0.3);  // Little's law, L = lambda W
}

TEST_CASE("M/M/3 at rho = 0.8 matches Erlang C", "[validation]") {
    const double lambda = 2.4, mu = 1.0;
    const int c = 3;
    const auto sc = load(mmc_yaml(1.0 / lambda, c, "{dist: exponential, mean: 1.0}", 20000, 1000));
    const auto results = run_all(sc, 120);

    const double a = lambda / mu, rho = a / c;
    const double Lq = erlang_c(c, a) * rho / (1.0 - rho);
    const double W = Lq / lambda + 1.0 / mu;
    const auto w = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    const auto lq = family_estimate_of(results, [](auto& r) { return r.stages[1].queue_len_mean; });
    const auto wq = family_estimate_of(results, [](auto& r) { return r.stages[1].wait_mean; });
    QOSIM_FAMILY_CHECK(w, W, 0.045);
    QOSIM_FAMILY_CHECK(lq, Lq, 0.1);
    QOSIM_FAMILY_CHECK(wq, Lq / lambda, 0.042);
}

TEST_CASE("M/D/1 and M/G/1 match Pollaczek-Khinchine", "[validation]") {
    const double lambda = 0.8;
    SECTION("deterministic service") {
        const double s = 1.0, rho = lambda * s;
        const auto sc = load(mmc_yaml(1.0 / lambda, 1, "1.0", 30000, 1500));
        const auto results = run_all(sc, 120);
        const double Wq = lambda * s * s / (2.0 * (1.0 - rho));  // E[S^2] = s^2
        const auto wq = family_estimate_of(results, [](auto& r) { return r.stages[1].wait_mean; });
        QOSIM_FAMILY_CHECK(wq, Wq, 0.065);
    }
    SECTION("uniform service on [0.5, 1.5]") {
        const double mean = 1.0, var = 1.0 / 12.0, rho = lambda * mean;
        const auto sc =
            load(mmc_yaml(1.0 / lambda, 1, "{dist: uniform, min: 0.5, max: 1.5}", 30000, 1500));
        const auto results = run_all(sc, 120);
        const double Wq = lambda * (var + mean * mean) / (2.0 * (1.0 - rho));
        const auto wq = family_estimate_of(results, [](auto& r) { return r.stages[1].wait_mean; });
        QOSIM_FAMILY_CHECK(wq, Wq, 0.07);
    }
}

TEST_CASE("5-station Jackson tandem matches the product-form solution", "[validation]") {
    const double lambda = 1.0;
    const double mu[5] = {1.5, 2.0, 1.25, 3.0, 1.6};
    std::string yaml =
        "name: tandem\n"
        "run: {horizon: 30000, warmup: 2000, seed: 11}\n"
        "stages:\n"
        "  arrivals: {type: source, interarrival: {dist: exponential, mean: 1.0}}\n";
    for (int i = 0; i < 5; ++i)
        yaml +=
            "  s" + std::to_string(i) +
            ": {type: station, service: {dist: exponential, mean: " + std::to_string(1.0 / mu[i]) +
            "}}\n";
    yaml += "  done: {type: sink}\nroutes:\n  - {from: arrivals, to: s0}\n";
    for (int i = 0; i < 4; ++i)
        yaml += "  - {from: s" + std::to_string(i) + ", to: s" + std::to_string(i + 1) + "}\n";
    yaml += "  - {from: s4, to: done}\n";
    const auto results = run_all(load(yaml), 80);

    const double max_wq[5] = {0.045, 0.012, 0.16, 0.004, 0.031};
    double W = 0.0;
    for (int i = 0; i < 5; ++i) {
        const double Wi = 1.0 / (mu[i] - lambda);
        W += Wi;
        const auto wq = family_estimate_of(
            results, [i](auto& r) { return r.stages[static_cast<std::size_t>(i) + 1].wait_mean; });
        INFO("station " << i);
        QOSIM_FAMILY_CHECK(wq, Wi - 1.0 / mu[i], max_wq[i]);
    }
    const auto w = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    QOSIM_FAMILY_CHECK(w, W, 0.2);
}

TEST_CASE("Jackson network with a probabilistic split matches traffic equations", "[validation]") {
    // arrivals -> a; a -> b (0.3) | c (0.7); b, c -> done. lambda_b = 0.3 lambda, lambda_c = 0.7.
    const std::string yaml =
        "name: split\n"
        "run: {horizon: 30000, warmup: 1500, seed: 5}\n"
        "stages:\n"
        "  arrivals: {type: source, interarrival: {dist: exponential, mean: 1.0}}\n"
        "  a: {type: station, service: {dist: exponential, mean: 0.6}}\n"
        "  b: {type: station, service: {dist: exponential, mean: 2.0}}\n"
        "  c: {type: station, service: {dist: exponential, mean: 1.0}}\n"
        "  done: {type: sink}\n"
        "routes:\n"
        "  - {from: arrivals, to: a}\n"
        "  - {from: a, to: b, prob: 0.3}\n"
        "  - {from: a, to: c, prob: 0.7}\n"
        "  - {from: b, to: done}\n"
        "  - {from: c, to: done}\n";
    const auto results = run_all(load(yaml), 40);
    const double lam[3] = {1.0, 0.3, 0.7};
    const double s[3] = {0.6, 2.0, 1.0};
    double W = 0.0;  // mean sojourn = sum over stations of visits * W_i
    for (int i = 0; i < 3; ++i) {
        const double rho = lam[i] * s[i];
        const auto u = family_estimate_of(results, [i](auto& r) {
            return r.stages[static_cast<std::size_t>(i) + 1].utilization;
        });
        INFO("station " << i);
        QOSIM_FAMILY_CHECK(u, rho, 0.01);
        W += lam[i] * s[i] / (1.0 - rho);
    }
    const auto w = family_estimate_of(results, [](auto& r) { return r.lead_time_mean; });
    QOSIM_FAMILY_CHECK(w, W, 0.16);
}

TEST_CASE("M/M/1/K blocking at the first stage matches the loss probability", "[validation]") {
    // servers 1, capacity K-1 waiting places: an arrival finding K units is lost (balks).
    const int K = 5;
    const double lambda = 1.0, mu = 1.25, rho = lambda / mu;
    const std::string yaml =
        "name: mm1k\n"
        "run: {horizon: 20000, warmup: 500, seed: 9}\n"
        "stages:\n"
        "  arrivals: {type: source, interarrival: {dist: exponential, mean: 1.0}}\n"
        "  m: {type: station, service: {dist: exponential, mean: 0.8}, queue: {capacity: " +
        std::to_string(K - 1) +
        "}}\n"
        "  done: {type: sink}\n"
        "routes:\n  - {from: arrivals, to: m}\n  - {from: m, to: done}\n";
    const auto results = run_all(load(yaml), 80);
    const double pK = (1.0 - rho) * std::pow(rho, K) / (1.0 - std::pow(rho, K + 1));
    const auto loss = family_estimate_of(results, [](auto& r) { return r.loss_rate; });
    QOSIM_FAMILY_CHECK(loss, pK, 0.003);
    // Lost orders are customer-facing errors: with no due dates they are the only ones.
    for (const auto& r : results) CHECK(r.customer_error_rate == r.loss_rate);
}
