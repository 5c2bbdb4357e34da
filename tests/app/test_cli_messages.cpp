// The command line's own messages: unknown subcommands, --reps/--seed/--horizon named as the
// options typed, a tab in YAML indentation named as the cause.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli_support.hpp"

namespace fs = std::filesystem;
using namespace cli_test;

TEST_CASE("an unknown subcommand is named, with a suggestion when one is close", "[cli]") {
    const auto bogus = run_cli("bogus");
    CHECK(bogus.code == 2);
    CHECK(bogus.err.find("unknown subcommand 'bogus'") != std::string::npos);
    CHECK(bogus.err.find("run, sweep, compare") != std::string::npos);  // no close one: the list
    CHECK(bogus.err.find("did you mean") == std::string::npos);

    const auto typo = run_cli("rnu " + data("mm1.yaml"));
    CHECK(typo.code == 2);
    CHECK(typo.err.find("unknown subcommand 'rnu'; did you mean 'run'?") != std::string::npos);

    const auto chek = run_cli("chek " + data("mm1.yaml"));
    CHECK(chek.code == 2);
    CHECK(chek.err.find("did you mean 'check'?") != std::string::npos);

    // Real subcommands and the top-level flags still parse.
    CHECK(run_cli("check " + data("mm1.yaml")).code == 0);
    CHECK(run_cli("--version").code == 0);
}

TEST_CASE("--reps, --seed and --horizon are reported as the options typed", "[cli]") {
    const TempDir tmp;
    const std::string o = " --out " + quoted(tmp / "res");
    const auto reps = run_cli("run " + data("mm1.yaml") + o + " --reps 0");
    CHECK(reps.code == 2);
    CHECK(reps.err.find("--reps 0: run.replications: must be in [1, 1000000], got 0") !=
          std::string::npos);
    CHECK(reps.err.find("--set") == std::string::npos);

    const auto seed = run_cli("run " + data("mm1.yaml") + o + " --seed -3 --horizon 0");
    CHECK(seed.code == 2);
    CHECK(seed.err.find("--seed -3: run.seed") != std::string::npos);
    CHECK(seed.err.find("--horizon 0: run.horizon") != std::string::npos);

    // A --set of the same key is still reported as the --set it is.
    const auto set = run_cli("run " + data("mm1.yaml") + o + " --set run.replications=0");
    CHECK(set.code == 2);
    CHECK(set.err.find("--set run.replications=0: run.replications") != std::string::npos);

    const auto sweep = run_cli("compare " + data("mm1.yaml") + o + " --reps 0");
    CHECK(sweep.code == 2);
    CHECK(sweep.err.find("--reps 0: run.replications") != std::string::npos);
    const auto check = run_cli("check " + data("mm1.yaml") + " --reps 0");
    CHECK(check.code == 2);
    CHECK(check.err.find("--reps 0: run.replications") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "res"));
}

TEST_CASE("a tab in YAML indentation is named as the cause, at its place", "[cli]") {
    const TempDir tmp;
    const auto write = [&tmp](const std::string& name, const std::string& text) {
        std::ofstream(tmp / name, std::ios::binary) << text;
        return quoted(tmp / name);
    };
    const std::string base =
        "name: tabs\nrun: {horizon: 10}\nstages:\n  orders:\n    type: source\n"
        "    interarrival: 1\n  customer: {type: sink}\nroutes:\n"
        "  - {from: orders, to: customer}\n";
    REQUIRE(run_cli("check " + write("ok.yaml", base)).code == 0);

    std::string tabbed = base;
    tabbed.replace(tabbed.find("    interarrival"), 4, "  \t");  // line 6: two spaces, a tab
    const auto r = run_cli("check " + write("tab.yaml", tabbed));
    CHECK(r.code == 2);
    CHECK(r.err.find("tab.yaml:6:3: tabs are not allowed in YAML indentation; use spaces") !=
          std::string::npos);
    CHECK(r.err.find("illegal") == std::string::npos);  // not yaml-cpp's generic message

    const auto lead = run_cli("check " + write("lead.yaml", "run:\n\thorizon: 10\n"));
    CHECK(lead.code == 2);
    CHECK(lead.err.find("lead.yaml:2:1: tabs are not allowed") != std::string::npos);

    // A tab after the indentation is not the cause of an error elsewhere: other syntax errors
    // keep yaml-cpp's message.
    const auto other = run_cli("check " + write("other.yaml", "run: {horizon: 10\n"));
    CHECK(other.code == 2);
    CHECK(other.err.find("tabs") == std::string::npos);
    CHECK(other.err.find("YAML syntax error") != std::string::npos);
}
