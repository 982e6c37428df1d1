#pragma once
// Estimated text widths for laying out SVG charts. The viewer's fonts draw the text, so its exact
// width is unknown here; the estimate errs wide: 0.62 em per character, 0.35 em per space,
// 1 em for wide East Asian characters and emoji, nothing for combining marks.
#include <string>
#include <string_view>

namespace tunebench {

double estimatedTextWidth(std::string_view utf8, double fontSize);

// text, or its longest prefix (whole characters) followed by "…" whose estimated width fits
// maxWidth ("" if not even "…" fits).
std::string elideText(const std::string& text, double maxWidth, double fontSize);

}  // namespace tunebench
