// The SVG writer of report.html: fixed-decimal coordinates and escaped text.
#include "app/output/svg.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "app/output/text.hpp"

namespace qosim::app::svg {

std::string coord(double x) {
    if (!std::isfinite(x)) x = 0.0;
    std::array<char, 64> buf{};
    const auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed, 1);
    if (ec != std::errc{}) return "0.0";
    std::string s(buf.data(), end);
    if (s == "-0.0") s = "0.0";
    return s;
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

double Scale::operator()(double v) const {
    if (!(hi > lo) || !std::isfinite(v)) return from;
    return from + (v - lo) / (hi - lo) * (to - from);
}

namespace {

double tick_step(double lo, double hi, int count) {
    const double span = hi - lo;
    if (!(span > 0) || !std::isfinite(span)) return 1.0;
    const double raw = span / std::max(count, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

}  // namespace

std::pair<double, double> nice_range(double lo, double hi, int count) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
    if (hi < lo) std::swap(lo, hi);
    if (hi == lo) {
        const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double step = tick_step(lo, hi, count);
    return {std::floor(lo / step) * step, std::ceil(hi / step) * step};
}

std::vector<double> ticks(double lo, double hi, int count) {
    std::vector<double> out;
    const double step = tick_step(lo, hi, count);
    const double first = std::ceil(lo / step - 1e-9) * step;
    for (int i = 0; i < 100; ++i) {
        const double v = first + i * step;
        if (v > hi + step * 1e-9) break;
        out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    }
    return out;
}

Canvas::Canvas(double width, double height, std::string_view label)
    : width_(width), height_(height), label_(escape(label)) {}

void Canvas::rect(double x, double y, double w, double h, std::string_view fill,
                  std::string_view extra) {
    body_ +=
        cat({"<rect x=\"", coord(x), "\" y=\"", coord(y), "\" width=\"", coord(w), "\" height=\"",
             coord(h), "\" fill=\"", fill, "\"", extra.empty() ? "" : " ", extra, "/>\n"});
}

void Canvas::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
                  std::string_view extra) {
    body_ += cat({"<line x1=\"", coord(x1), "\" y1=\"", coord(y1), "\" x2=\"", coord(x2),
                  "\" y2=\"", coord(y2), "\" stroke=\"", stroke, "\" stroke-width=\"", coord(width),
                  "\"", extra.empty() ? "" : " ", extra, "/>\n"});
}

void Canvas::circle(double cx, double cy, double r, std::string_view fill, std::string_view extra) {
    body_ += cat({"<circle cx=\"", coord(cx), "\" cy=\"", coord(cy), "\" r=\"", coord(r),
                  "\" fill=\"", fill, "\"", extra.empty() ? "" : " ", extra, "/>\n"});
}

void Canvas::text(double x, double y, std::string_view text, std::string_view anchor, double size,
                  std::string_view extra) {
    body_ += cat({"<text x=\"", coord(x), "\" y=\"", coord(y), "\" text-anchor=\"", anchor,
                  "\" font-size=\"", coord(size), "\"", extra.empty() ? "" : " ", extra, ">",
                  escape(text), "</text>\n"});
}

namespace {
std::string points_text(const std::vector<std::pair<double, double>>& points) {
    std::string out;
    for (const auto& [x, y] : points) {
        if (!out.empty()) out += ' ';
        out += cat({coord(x), ",", coord(y)});
    }
    return out;
}
}  // namespace

void Canvas::polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke,
                      double width, std::string_view extra) {
    body_ +=
        cat({"<polyline points=\"", points_text(points), "\" fill=\"none\" stroke=\"", stroke,
             "\" stroke-width=\"", coord(width), "\"", extra.empty() ? "" : " ", extra, "/>\n"});
}

void Canvas::polygon(const std::vector<std::pair<double, double>>& points, std::string_view fill,
                     std::string_view extra) {
    body_ += cat({"<polygon points=\"", points_text(points), "\" fill=\"", fill, "\"",
                  extra.empty() ? "" : " ", extra, "/>\n"});
}

void Canvas::path(std::string_view d, std::string_view extra) {
    body_ += cat({"<path d=\"", d, "\"", extra.empty() ? "" : " ", extra, "/>\n"});
}

void Canvas::raw(std::string_view markup) { body_ += markup; }

std::string Canvas::str() const {
    return cat({"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", coord(width_), "\" height=\"",
                coord(height_), "\" viewBox=\"0 0 ", coord(width_), " ", coord(height_),
                "\" role=\"img\" aria-label=\"", label_, "\" font-family=\"sans-serif\">\n<title>",
                label_, "</title>\n", body_, "</svg>\n"});
}

}  // namespace qosim::app::svg
