// qosim entry point: parses the command line and maps every error to its exit code, in one place.
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/cli/cli_messages.hpp"
#include "app/cli/commands.hpp"
#include "app/output/output_set.hpp"
#include "models/run/replication.hpp"
#include "models/scenario/diagnostics.hpp"

int main(int argc, char** argv) {
    using namespace qosim::app;
    CLI::App app{"qosim", "qosim"};
    CommandLine cmd;
    try {
        configure_cli(app, cmd);
        reject_unknown_subcommand(app, std::vector<std::string>(argv + 1, argv + argc));
        app.parse(argc, argv);
        return execute(cmd);
    } catch (const CLI::ParseError& e) {
        // --help and --version are "successes" (exit 0); every other parse error is usage (2).
        const int rc = app.exit(e);
        return rc == 0 ? kExitOk : kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "qosim: " << e.what() << '\n';
        return kExitUsage;
    } catch (const qosim::models::ScenarioError& e) {
        // what() holds every rendered diagnostic, "file:line:col: path: message" + hints.
        std::cerr << render_scenario_error(e, cmd);
        return kExitUsage;
    } catch (const qosim::models::RunLimitError& e) {
        std::cerr << "qosim: run stopped: " << e.what() << '\n';
        return kExitError;
    } catch (const WriteError& e) {
        std::cerr << "qosim: " << e.what() << '\n' << write_error_advice(e.error());
        return kExitError;
    } catch (const std::filesystem::filesystem_error& e) {
        std::cerr << "qosim: " << e.what() << '\n' << write_error_advice(e.code().value());
        return kExitError;
    } catch (const std::bad_alloc&) {
        std::cerr << "qosim: out of memory: the machine (or a ulimit) refused more memory; "
                     "use fewer --jobs, fewer replications or a shorter --trace, or run on a "
                     "machine with more memory. The output directory is unchanged\n";
        return kExitError;
    } catch (const std::system_error& e) {
        if (e.code() == std::errc::resource_unavailable_try_again) {
            std::cerr
                << "qosim: cannot start a worker thread (" << e.what()
                << "): the system's thread or process limit is reached; use a smaller "
                   "--jobs or raise the limit (ulimit -u). The output directory is unchanged\n";
            return kExitError;
        }
        std::cerr << "qosim: internal error: " << e.what() << '\n';
        return kExitError;
    } catch (const std::exception& e) {
        std::cerr << "qosim: internal error: " << e.what() << '\n';
        return kExitError;
    } catch (...) {
        std::cerr << "qosim: internal error: unknown exception\n";
        return kExitError;
    }
}
