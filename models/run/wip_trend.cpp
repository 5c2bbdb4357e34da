// WIP trend test over replications and the mean location of the WIP at the end of the run.
#include "models/run/wip_trend.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/run/confidence.hpp"

namespace qosim::models {

double window_slope(const std::vector<double>& windows, double width) {
    const std::size_t k = windows.size();
    if (k < 2 || !(width > 0.0)) return 0.0;
    // x = window centre (k + 1/2) width; centred, so the intercept drops out.
    const double xbar = 0.5 * static_cast<double>(k - 1);
    double ybar = 0.0;
    for (const double y : windows) ybar += y;
    ybar /= static_cast<double>(k);
    double sxy = 0.0, sxx = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
        const double dx = static_cast<double>(i) - xbar;
        sxy += dx * (windows[i] - ybar);
        sxx += dx * dx;
    }
    return sxy / sxx / width;
}

WipTrend wip_trend(const std::vector<ReplicationResult>& results) {
    WipTrend out;
    std::vector<double> slopes;
    double span = 0.0, wip = 0.0;
    for (const ReplicationResult& r : results) {
        if (r.wip_windows.size() < 2 || !(r.observed_time > 0.0)) continue;
        const double width = r.observed_time / static_cast<double>(r.wip_windows.size());
        slopes.push_back(window_slope(r.wip_windows, width));
        span += r.observed_time;
        wip += r.wip_mean;
    }
    out.replications = slopes.size();
    if (slopes.empty()) return out;
    const auto n = static_cast<double>(slopes.size());
    span /= n;
    out.wip_mean = wip / n;
    double mean = 0.0;
    for (const double s : slopes) mean += s;
    mean /= n;
    out.slope = mean;
    out.growth = mean * span;
    if (slopes.size() < 2) return out;
    double ss = 0.0;
    for (const double s : slopes) ss += (s - mean) * (s - mean);
    const double se = std::sqrt(ss / (n - 1.0) / n);
    out.tested = true;
    out.critical = student_t_quantile(n - 1.0, 1.0 - kWipTrendAlpha);
    out.t = se > 0.0 ? mean / se : (mean > 0.0 ? std::numeric_limits<double>::infinity() : 0.0);
    const bool material = out.growth >= std::max(1.0, kWipTrendMaterial * out.wip_mean);
    out.growing = out.t > out.critical && material;
    return out;
}

std::vector<StageWipAtEnd> mean_wip_at_end(const std::vector<ReplicationResult>& results) {
    std::vector<StageWipAtEnd> out;
    if (results.empty()) return out;
    out.assign(results.front().wip_at_end.size(), StageWipAtEnd{});
    for (const ReplicationResult& r : results) {
        for (std::size_t i = 0; i < out.size() && i < r.wip_at_end.size(); ++i) {
            out[i].queued += r.wip_at_end[i].queued;
            out[i].in_service += r.wip_at_end[i].in_service;
            out[i].blocked += r.wip_at_end[i].blocked;
            out[i].in_transit += r.wip_at_end[i].in_transit;
        }
    }
    const auto n = static_cast<double>(results.size());
    for (auto& w : out) {
        w.queued /= n;
        w.in_service /= n;
        w.blocked /= n;
        w.in_transit /= n;
    }
    return out;
}

}  // namespace qosim::models
