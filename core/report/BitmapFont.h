#pragma once
// A small built-in bitmap font for headless report graphics: printable ASCII (32 to 126), each
// glyph 5 columns by 9 rows (7 rows above the baseline, 2 for descenders), drawn proportionally
// (a glyph advances by its inked width plus one blank column) at an integer scale.
// Bytes outside printable ASCII are drawn as '?'; UTF-8 sequences become one '?' each.
#include <cstdint>
#include <string>

#include "report/RgbImage.h"

namespace tunebench {

constexpr int kFontColumns = 5;
constexpr int kFontRows = 9;
constexpr int kFontAscent = 7;  // rows above the baseline

// Row `row` (0 = top) of the glyph for c: bit 4 is the leftmost column, bit 0 the rightmost.
uint8_t fontGlyphRow(char c, int row);

// Size of the box that drawText fills for text at this scale (scale is clamped to 1..8).
int textWidth(const std::string& text, int scale = 1);
int textHeight(int scale = 1);

// Draws text with the top-left of its box at (x, y).
void drawText(RgbImage& image, int x, int y, const std::string& text, uint32_t color,
              int scale = 1);
// Draws text turned a quarter turn counter-clockwise (reading upwards), e.g. a y-axis title.
// Its box is textHeight wide and textWidth tall, with its top-left at (x, y).
void drawTextUp(RgbImage& image, int x, int y, const std::string& text, uint32_t color,
                int scale = 1);

// text, or its longest prefix followed by ".." that fits in maxWidth pixels ("" if nothing fits).
std::string elideText(const std::string& text, int maxWidth, int scale = 1);

}  // namespace tunebench
