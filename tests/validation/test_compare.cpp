// Common random numbers: a variant's paired comparison with the base is unbiased and much
// tighter than independent runs, so a small real effect is found.
//
// Design: the family-wise one of tests/support/family.hpp (this file's budget: 3 checks). An
// M/M/1 queue at rho = 0.8 (service mean 0.8) against a variant with service mean 0.79, a
// 1.25 % faster server: W = s / (1 - rho) falls from 4 to 0.79 / 0.21 = 3.7619 hours, a
// difference of -0.2381 (6 % of W). 30 paired replications of 20 000 hours.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/input/load.hpp"
#include "models/run/replication.hpp"
#include "support/family.hpp"

namespace {

constexpr const char* kYaml = R"(name: crn
run: {horizon: 20000, warmup: 1000, seed: 61}
stages:
  orders: {type: source, interarrival: {dist: exponential, mean: 1.0}}
  m: {type: station, service: {dist: exponential, mean: 0.8}}
  out: {type: sink}
routes:
  - {from: orders, to: m}
  - {from: m, to: out}
variants:
  faster: {stages.m.service.mean: 0.79}
)";

std::vector<double> lead_times(const qosim::models::Scenario& sc, int reps) {
    std::vector<double> out;
    for (const auto& r : qosim::test::run_all(sc, reps)) out.push_back(r.lead_time_mean);
    return out;
}

}  // namespace

TEST_CASE(
    "compare: CRN pairs the variant with the base, unbiased and tighter than "
    "independent runs",
    "[validation][compare]") {
    using qosim::test::family_estimate;
    const auto file = qosim::models::ScenarioFile::parse(kYaml, "crn.yaml");
    const std::uint64_t seed = 61 + qosim::test::seed_offset();
    const std::vector<std::string> same_seed = {"run.seed=" + std::to_string(seed)};
    const auto base = file.load(same_seed);
    const auto variant = file.load(same_seed, file.find_variant("faster")->settings);
    // Independent runs: the variant with streams of another seed.
    const std::vector<std::string> other_seed = {"run.seed=" + std::to_string(seed + 1000003)};
    const auto independent = file.load(other_seed, file.find_variant("faster")->settings);

    constexpr int kReps = 30;
    const auto b = lead_times(base, kReps);
    const auto v = lead_times(variant, kReps);
    const auto w = lead_times(independent, kReps);
    std::vector<double> paired, unpaired;
    for (int r = 0; r < kReps; ++r) {
        paired.push_back(v[r] - b[r]);
        unpaired.push_back(w[r] - b[r]);
    }
    const double exact = 0.79 / 0.21 - 0.8 / 0.2;
    const auto crn = family_estimate(paired);
    const auto indep = family_estimate(unpaired);
    INFO("paired " << crn.mean << " +- " << crn.half_width << ", independent " << indep.mean
                   << " +- " << indep.half_width << ", exact " << exact << " (seed offset "
                   << qosim::test::seed_offset() << ")");
    // Unbiased, and tight enough that a bias of a fifth of the effect would fail.
    QOSIM_FAMILY_CHECK(crn, exact, 0.05);
    // The paired interval excludes 0: the small effect is found ...
    ++qosim::test::family_checks_run();
    CHECK(std::abs(crn.mean) > crn.half_width);
    // ... and it is narrower than the interval of independent runs (whose variance is that of
    // two runs, not of their difference): at least twice, where the design gives ~5 times.
    ++qosim::test::family_checks_run();
    CHECK(crn.half_width * 2.0 < indep.half_width);
}
