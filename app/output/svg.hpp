// A small SVG writer for report.html's charts: shapes and text appended in order, coordinates
// printed with fixed decimals (std::to_chars, locale-independent), so the bytes are a pure
// function of the numbers drawn.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qosim::app::svg {

/// `x` with one decimal ("12.5", "-0.0" printed as "0.0"); non-finite values as "0.0".
std::string coord(double x);

/// Text with &, <, >, " and ' escaped for XML content and attribute values.
std::string escape(std::string_view text);

/// A linear map from data values [lo, hi] to pixels [from, to] (to < from for a y axis).
struct Scale {
    double lo = 0.0;
    double hi = 1.0;
    double from = 0.0;
    double to = 1.0;
    [[nodiscard]] double operator()(double v) const;
};

/// About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart).
std::vector<double> ticks(double lo, double hi, int count);

/// [lo, hi] widened to the outer ticks of ticks(lo, hi, count); a zero-width range is widened.
std::pair<double, double> nice_range(double lo, double hi, int count);

/// One <svg> element. Attributes given as `extra` are written verbatim (trusted, ours).
class Canvas {
public:
    Canvas(double width, double height, std::string_view label);

    void rect(double x, double y, double w, double h, std::string_view fill,
              std::string_view extra = {});
    void line(double x1, double y1, double x2, double y2, std::string_view stroke,
              double width = 1.0, std::string_view extra = {});
    void circle(double cx, double cy, double r, std::string_view fill, std::string_view extra = {});
    /// `anchor`: start, middle or end. `text` is escaped.
    void text(double x, double y, std::string_view text, std::string_view anchor = "start",
              double size = 12.0, std::string_view extra = {});
    void polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke,
                  double width = 1.0, std::string_view extra = {});
    void polygon(const std::vector<std::pair<double, double>>& points, std::string_view fill,
                 std::string_view extra = {});
    void path(std::string_view d, std::string_view extra);
    /// Markup appended as is (a <defs> block, a <title>).
    void raw(std::string_view markup);

    /// The finished element.
    [[nodiscard]] std::string str() const;

private:
    double width_;
    double height_;
    std::string label_;
    std::string body_;
};

}  // namespace qosim::app::svg
