// Catch2 main of the validation suite: runs the tests, then checks the family's check count.
#define CATCH_CONFIG_RUNNER
#include <iostream>

#include <catch2/catch.hpp>

#include "support/family.hpp"

int main(int argc, char* argv[]) {
    Catch::Session session;
    if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
    const bool filtered = !session.configData().testsOrTags.empty();
    const int rc = session.run();
    const int ran = qosim::test::family_checks_run();
    if (!filtered && ran != qosim::test::kFamilyChecks) {
        std::cerr << "validation: " << ran << " statistical checks ran, but the family-wise "
                  << "design (tests/support/family.hpp) budgets " << qosim::test::kFamilyChecks
                  << "; update the per-file budget so every check keeps its share of the 1 % "
                  << "false-failure rate\n";
        return rc != 0 ? rc : 1;
    }
    return rc;
}
