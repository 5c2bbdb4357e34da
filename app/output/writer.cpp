// Output files: atomic writes (temp file + rename) and the set of files a run leaves behind.
#include "app/output/writer.hpp"

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "app/output/csv.hpp"
#include "app/output/report.hpp"
#include "app/output/text.hpp"

namespace qosim::app {

void write_file_atomic(const std::filesystem::path& target, std::string_view content) {
    const std::filesystem::path tmp =
        target.parent_path() / cat({".", target.filename().string(), ".tmp"});
    std::error_code ignored;
    try {
        write_new_file(tmp, content);
    } catch (...) {
        std::filesystem::remove(tmp, ignored);
        throw;
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        const int error = errno;
        std::filesystem::remove(tmp, ignored);
        throw WriteError(cat({"cannot move ", tmp.string(), " to ", target.string(), ": ",
                              std::error_code(error, std::generic_category()).message()}),
                         target, error);
    }
}

std::vector<std::filesystem::path> write_run_outputs(
    OutputSet& set, const models::Scenario& scenario,
    std::span<const models::ReplicationResult> results, const Summary& summary,
    const RunOutcome& outcome) {
    set.add("runs.csv", runs_csv(results, has_survey(scenario)));
    set.add("stages.csv", stages_csv(scenario, results));
    if (!scenario.products.empty()) set.add("classes.csv", classes_csv(scenario, results));
    if (outcome.timeseries_window) set.add("timeseries.csv", timeseries_csv(scenario, results));
    set.add("summary.csv", summary_csv(summary));
    set.add("stage_summary.csv", stage_summary_csv(scenario, summary));
    if (!scenario.products.empty())
        set.add("class_summary.csv", class_summary_csv(scenario, summary));
    set.add("run_info.csv", run_info_csv(scenario, outcome));
    set.add("report.html", report_html(scenario, results, summary, outcome));
    return set.publish();
}

}  // namespace qosim::app
