// Headless report charts: PNG encoding (read back with QImage as an independent decoder, CRCs
// checked with a CRC-32 written here), the bitmap font, axis ticks and the line and bar charts.
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include "common/Error.h"
#include "report/BitmapFont.h"
#include "report/ChartAxes.h"
#include "report/Charts.h"
#include "report/PngWriter.h"

using namespace tunebench;

namespace {

uint32_t readBigEndian32(const std::vector<uint8_t>& bytes, size_t at) {
  return (uint32_t(bytes[at]) << 24) | (uint32_t(bytes[at + 1]) << 16) |
         (uint32_t(bytes[at + 2]) << 8) | uint32_t(bytes[at + 3]);
}

// CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320) bit by bit, independent of zlib.
uint32_t referenceCrc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint32_t rgbOf(const QImage& image, int x, int y) {
  return image.pixel(x, y) & 0xFFFFFFu;
}

// A test pattern that differs from pixel to pixel and from row to row, so that every PNG filter
// type gets used and any misplaced byte shows.
RgbImage pattern(int width, int height) {
  RgbImage image(width, height);
  uint32_t state = 12345;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      state = state * 1103515245u + 12345u;
      const uint32_t noise = (state >> 8) & 0xFFFFFFu;
      const uint32_t smooth = (uint32_t(x * 5) << 16) | (uint32_t(y * 9) << 8) | uint32_t(x + y);
      image.set(x, y, (y % 3 == 0) ? noise : smooth);
    }
  return image;
}

// Rows of the pixels of exactly this colour, by column range [x0, x1).
std::vector<int> rowsOfColour(const QImage& image, uint32_t colour, int x0, int x1) {
  std::vector<int> rows;
  for (int y = 0; y < image.height(); ++y)
    for (int x = x0; x < x1; ++x)
      if (rgbOf(image, x, y) == colour) rows.push_back(y);
  return rows;
}

double mean(const std::vector<int>& v) {
  double sum = 0;
  for (int x : v) sum += x;
  return v.empty() ? NAN : sum / double(v.size());
}

// Horizontal extent of the pixels of this colour: [first, last] column, or {-1, -1}.
std::pair<int, int> columnsOfColour(const QImage& image, uint32_t colour) {
  int first = -1, last = -1;
  for (int x = 0; x < image.width(); ++x)
    for (int y = 0; y < image.height(); ++y)
      if (rgbOf(image, x, y) == colour) {
        if (first < 0) first = x;
        last = x;
        break;
      }
  return {first, last};
}

size_t countColour(const QImage& image, uint32_t colour) {
  size_t n = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) n += rgbOf(image, x, y) == colour;
  return n;
}

}  // namespace

class ReportChartsTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

  QImage load(const std::string& file) {
    QImage image;
    if (!image.load(QString::fromStdString(file), "PNG")) return {};
    return image;
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void pngRoundTrip_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("1x1") << 1 << 1;
    QTest::newRow("37x23") << 37 << 23;
    QTest::newRow("one row") << 200 << 1;
    QTest::newRow("one column") << 1 << 50;
    QTest::newRow("300x200") << 300 << 200;
  }
  void pngRoundTrip() {
    QFETCH(int, width);
    QFETCH(int, height);
    const RgbImage image = pattern(width, height);
    const std::string file = path("pattern.png");
    writePng(file, image);
    const QImage decoded = load(file);
    QVERIFY(!decoded.isNull());
    QCOMPARE(decoded.width(), width);
    QCOMPARE(decoded.height(), height);
    QVERIFY(!decoded.hasAlphaChannel());
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        if (rgbOf(decoded, x, y) != image.get(x, y))
          QFAIL(qPrintable(QString("pixel (%1, %2) is %3, expected %4")
                               .arg(x)
                               .arg(y)
                               .arg(rgbOf(decoded, x, y), 6, 16, QChar('0'))
                               .arg(image.get(x, y), 6, 16, QChar('0'))));
    QCOMPARE(readFile(file), encodePng(image));
    QVERIFY(!QFile::exists(QString::fromStdString(file + ".part")));
  }

  void pngSetPixelsOnWhite() {
    RgbImage image(16, 9);
    image.set(0, 0, 0xFF0000);
    image.set(15, 0, 0x00FF00);
    image.set(0, 8, 0x0000FF);
    image.set(15, 8, 0x123456);
    image.set(7, 4, 0x000000);
    image.set(-1, 3, 0xABCDEF);  // outside: ignored
    image.set(16, 3, 0xABCDEF);
    const std::string file = path("dots.png");
    writePng(file, image);
    const QImage decoded = load(file);
    QCOMPARE(decoded.size(), QSize(16, 9));
    for (int y = 0; y < 9; ++y)
      for (int x = 0; x < 16; ++x) {
        uint32_t expected = 0xFFFFFF;
        if (x == 0 && y == 0) expected = 0xFF0000;
        if (x == 15 && y == 0) expected = 0x00FF00;
        if (x == 0 && y == 8) expected = 0x0000FF;
        if (x == 15 && y == 8) expected = 0x123456;
        if (x == 7 && y == 4) expected = 0x000000;
        QCOMPARE(rgbOf(decoded, x, y), expected);
      }
  }

  void pngChunkLayout() {
    const std::vector<uint8_t> png = encodePng(pattern(40, 30));
    const std::vector<uint8_t> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    QVERIFY(png.size() > 8);
    QVERIFY(std::equal(signature.begin(), signature.end(), png.begin()));
    std::vector<std::string> types;
    size_t at = 8;
    while (at < png.size()) {
      QVERIFY(at + 12 <= png.size());
      const uint32_t length = readBigEndian32(png, at);
      QVERIFY(at + 12 + length <= png.size());
      types.emplace_back(reinterpret_cast<const char*>(&png[at + 4]), 4);
      QCOMPARE(readBigEndian32(png, at + 8 + length), referenceCrc32(&png[at + 4], length + 4));
      if (types.back() == "IHDR") {
        QCOMPARE(length, 13u);
        QCOMPARE(readBigEndian32(png, at + 8), 40u);
        QCOMPARE(readBigEndian32(png, at + 12), 30u);
        QCOMPARE(std::vector<uint8_t>(png.begin() + long(at) + 16, png.begin() + long(at) + 21),
                 (std::vector<uint8_t>{8, 2, 0, 0, 0}));
      }
      if (types.back() == "IEND") QCOMPARE(length, 0u);
      at += 12 + length;
    }
    QCOMPARE(at, png.size());  // nothing after IEND
    QCOMPARE(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
    // A flipped bit in the data is caught by the CRC: QImage refuses the file.
    std::vector<uint8_t> broken = png;
    broken[8 + 8 + 5] ^= 0x01;  // IHDR's width
    QImage decoded;
    QVERIFY(!decoded.loadFromData(broken.data(), int(broken.size()), "PNG"));
  }

  void pngRefusesBadImages() {
    RgbImage empty;
    QVERIFY_THROWS_EXCEPTION(Error, encodePng(empty));
    RgbImage shortBuffer(4, 4);
    shortBuffer.pixels.pop_back();
    QVERIFY_THROWS_EXCEPTION(Error, encodePng(shortBuffer));
    QVERIFY_THROWS_EXCEPTION(Error, RgbImage(-1, 5));
  }

  void unwritablePathThrowsNamingIt() {
    const std::string file = path("no-such-folder/deeper/chart.png");
    try {
      writePng(file, RgbImage(4, 4));
      QFAIL("writing into a missing folder did not throw");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(file) != std::string::npos, e.what());
    }
    LineChartSpec spec;
    spec.series.push_back({"a", {0, 1}, {0, 1}});
    try {
      writeLineChartPng(file, spec);
      QFAIL("writing a chart into a missing folder did not throw");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(file) != std::string::npos, e.what());
    }
    // A bad size is reported with the file it was meant for.
    spec.width = 10;
    try {
      writeLineChartPng(path("tiny.png"), spec);
      QFAIL("a 10-pixel-wide chart did not throw");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(path("tiny.png")) != std::string::npos, e.what());
    }
  }

  void everyGlyphIsDistinct() {
    std::set<std::vector<uint8_t>> seen;
    for (int c = 32; c <= 126; ++c) {
      RgbImage cell(8, 12, 0xFFFFFF);
      drawText(cell, 1, 1, std::string(1, char(c)), 0x000000);
      size_t inked = 0;
      for (size_t i = 0; i < cell.pixels.size(); i += 3) inked += cell.pixels[i] == 0;
      if (c == ' ') {
        QCOMPARE(inked, size_t(0));
        continue;
      }
      QVERIFY2(inked > 0, qPrintable(QString("glyph '%1' is blank").arg(QChar(c))));
      QVERIFY2(seen.insert(cell.pixels).second,
               qPrintable(QString("glyph '%1' looks like an earlier one").arg(QChar(c))));
    }
    QCOMPARE(seen.size(), size_t(94));
  }

  void textMeasuresAndScales() {
    QCOMPARE(textWidth(""), 0);
    QCOMPARE(textWidth("H"), 5);
    QCOMPARE(textWidth("HH"), 11);
    QCOMPARE(textWidth("HH", 2), 22);
    QCOMPARE(textHeight(2), 2 * kFontRows);
    // Scale 2 draws each cell as a 2x2 block.
    RgbImage one(10, 12), two(20, 24);
    drawText(one, 0, 0, "A", 0);
    drawText(two, 0, 0, "A", 0, 2);
    for (int y = 0; y < 24; ++y)
      for (int x = 0; x < 20; ++x) QCOMPARE(two.get(x, y), one.get(x / 2, y / 2));
    // Text turned upwards: the first letter at the bottom.
    RgbImage up(12, 20);
    drawTextUp(up, 0, 0, "L.", 0);  // 'L' has its stem on the left: the box's bottom row
    QCOMPARE(up.get(0, textWidth("L.") - 1), 0u);
    QCOMPARE(fontGlyphRow('L', 6), uint8_t(0x1F));
    QCOMPARE(fontGlyphRow('\x01', 0), fontGlyphRow('?', 0));
    QCOMPARE(elideText("abcdefgh", textWidth("abcdefgh")), std::string("abcdefgh"));
    const std::string elided = elideText("abcdefghijkl", textWidth("abcdef"));
    QVERIFY(elided.size() >= 3 && elided.substr(elided.size() - 2) == "..");
    QVERIFY(textWidth(elided) <= textWidth("abcdef"));
  }

  void niceLinearTicks_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("target");
    QTest::addColumn<QStringList>("labels");
    QTest::newRow("0..1") << 0.0 << 1.0 << 5 << QStringList{"0", "0.2", "0.4", "0.6", "0.8", "1.0"};
    QTest::newRow("0.93..3.41") << 0.93 << 3.41 << 5
                                << QStringList{"0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5"};
    QTest::newRow("1..1200") << 1.0 << 1200.0 << 6
                             << QStringList{"0", "200", "400", "600", "800", "1000", "1200"};
    QTest::newRow("negative") << -7.0 << 3.0 << 4 << QStringList{"-10", "-5", "0", "5"};
    QTest::newRow("constant") << 7.0 << 7.0 << 4 << QStringList{"6.0", "6.5", "7.0", "7.5", "8.0"};
    QTest::newRow("constant zero")
        << 0.0 << 0.0 << 4 << QStringList{"-1.0", "-0.5", "0", "0.5", "1.0"};
    QTest::newRow("millions") << 0.0 << 3.3e7 << 4 << QStringList{"0", "1e7", "2e7", "3e7", "4e7"};
    QTest::newRow("tiny") << 1e-5 << 4e-5 << 3 << QStringList{"1e-5", "2e-5", "3e-5", "4e-5"};
  }
  void niceLinearTicks() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, target);
    QFETCH(QStringList, labels);
    const ChartAxis axis = linearAxis(lo, hi, target);
    QStringList got;
    for (const std::string& label : axis.labels) got << QString::fromStdString(label);
    QCOMPARE(got, labels);
    QVERIFY(axis.lo <= lo && axis.hi >= hi);
    QCOMPARE(axis.ticks.front(), axis.lo);
    QCOMPARE(axis.ticks.back(), axis.hi);
  }

  void logTicksArePowersOfTen() {
    const ChartAxis axis = logAxis(3e-6, 2.5e-4, 8);
    QVERIFY(axis.log);
    QStringList got;
    for (const std::string& label : axis.labels) got << QString::fromStdString(label);
    QCOMPARE(got, (QStringList{"1e-6", "1e-5", "1e-4", "0.001"}));
    QCOMPARE(axis.ticks, (std::vector<double>{-6, -5, -4, -3}));
    QVERIFY(!axis.minorTicks.empty());
    // Many decades: every other power.
    const ChartAxis wide = logAxis(1e-9, 1e9, 5);
    QVERIFY(wide.ticks.size() <= 6);
    for (double t : wide.ticks) QCOMPARE(t, std::round(t));
    // One value: a decade either side.
    const ChartAxis one = logAxis(1, 1, 5);
    QVERIFY(one.lo < 0 && one.hi > 0);
    QCOMPARE(formatPowerOfTen(0), std::string("1"));
    QCOMPARE(formatPowerOfTen(3), std::string("1000"));
    QCOMPARE(formatPowerOfTen(-2), std::string("0.01"));
    QCOMPARE(formatPowerOfTen(7), std::string("1e7"));
    QCOMPARE(formatPowerOfTen(-5), std::string("1e-5"));
  }

  void risingSeriesIsHigherOnTheRight() {
    LineChartSpec spec{"Rising", "step", "value", {}, false, 640, 360};
    ChartSeries series{"rising", {}, {}, 0x00A0F0};
    for (int i = 0; i <= 100; ++i) {
      series.x.push_back(i);
      series.y.push_back(0.5 * i + 3);
    }
    spec.series.push_back(series);
    const std::string file = path("rising.png");
    writeLineChartPng(file, spec);
    const QImage image = load(file);
    QCOMPARE(image.size(), QSize(640, 360));
    const auto [first, last] = columnsOfColour(image, 0x00A0F0);
    QVERIFY(first >= 0 && last - first > 300);  // the line spans most of the width
    const int quarter = (last - first) / 4;
    const std::vector<int> left = rowsOfColour(image, 0x00A0F0, first, first + quarter);
    const std::vector<int> right = rowsOfColour(image, 0x00A0F0, last - quarter, last + 1);
    QVERIFY(!left.empty() && !right.empty());
    QVERIFY2(mean(right) < mean(left) - 100,  // y grows downwards in the image
             qPrintable(QString("left rows %1, right rows %2").arg(mean(left)).arg(mean(right))));
  }

  void paletteAndLegendForSeveralSeries() {
    LineChartSpec spec{"Two", "x", "y", {}};
    spec.series.push_back({"falling", {0, 1, 2}, {3, 2, 1}});
    spec.series.push_back({"rising", {0, 1, 2}, {1, 2, 3}});
    const RgbImage image = renderLineChart(spec);
    size_t first = 0, second = 0;
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x) {
        first += image.get(x, y) == chartPaletteColor(0);
        second += image.get(x, y) == chartPaletteColor(1);
      }
    QVERIFY(first > 100 && second > 100);
    QVERIFY(chartPaletteColor(0) != chartPaletteColor(1));
  }

  void gapsAndNonFiniteValues_data() {
    QTest::addColumn<std::vector<double>>("y");
    QTest::addColumn<bool>("logY");
    QTest::addColumn<bool>("drawn");
    const double nan = std::nan(""), inf = INFINITY;
    QTest::newRow("NaN inside") << std::vector<double>{1, 2, nan, 4, 5} << false << true;
    QTest::newRow("NaN first and last") << std::vector<double>{nan, 2, 3, 4, nan} << false << true;
    QTest::newRow("infinities") << std::vector<double>{-inf, 2, inf, 4, 1e308} << false << true;
    QTest::newRow("isolated points") << std::vector<double>{1, nan, 3, nan, 5} << false << true;
    QTest::newRow("all NaN") << std::vector<double>{nan, nan, nan, nan, nan} << false << false;
    QTest::newRow("log with zero and negatives")
        << std::vector<double>{0, -1, 1e-3, 0.5, 20} << true << true;
    QTest::newRow("log, nothing positive")
        << std::vector<double>{0, -1, 0, -2, nan} << true << false;
    QTest::newRow("constant") << std::vector<double>{2, 2, 2, 2, 2} << false << true;
    QTest::newRow("constant, log") << std::vector<double>{2, 2, 2, 2, 2} << true << true;
  }
  void gapsAndNonFiniteValues() {
    QFETCH(std::vector<double>, y);
    QFETCH(bool, logY);
    QFETCH(bool, drawn);
    LineChartSpec spec{"Gaps", "step", "loss", {}, logY};
    spec.series.push_back({"s", {1, 2, 3, 4, 5}, y, 0xCC00CC});
    const std::string file = path("gaps.png");
    writeLineChartPng(file, spec);
    const QImage image = load(file);
    QCOMPARE(image.size(), QSize(800, 450));
    QCOMPARE(countColour(image, 0xCC00CC) > 0, drawn);
  }

  void emptyChartsAreFramesSayingNoData() {
    const std::vector<LineChartSpec> specs = {
        LineChartSpec{},
        LineChartSpec{"Empty series", "x", "y", {ChartSeries{"a", {}, {}}}},
        LineChartSpec{"Mismatched", "x", "y", {ChartSeries{"a", {1, 2, 3}, {}}}},
    };
    for (const LineChartSpec& spec : specs) {
      const std::string file = path("empty.png");
      writeLineChartPng(file, spec);
      const QImage image = load(file);
      QCOMPARE(image.size(), QSize(800, 450));
      QVERIFY(countColour(image, 0xFFFFFF) < size_t(800 * 450));  // a frame and "no data"
      QCOMPARE(countColour(image, chartPaletteColor(0)), size_t(0));
    }
  }

  void singlePointIsADot() {
    LineChartSpec spec{"One", "x", "y", {ChartSeries{"a", {5}, {2.5}, 0x00AA00}}};
    const RgbImage image = renderLineChart(spec);
    size_t n = 0;
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x) n += image.get(x, y) == 0x00AA00;
    QVERIFY(n > 3 && n < 200);
  }

  void barChartBarsFollowValues() {
    BarChartSpec spec{
        "Classes", "label", "count", {"small", "big", "none", "mid"}, {10, 40, std::nan(""), 20}};
    const std::string file = path("bars.png");
    writeBarChartPng(file, spec);
    const QImage image = load(file);
    QCOMPARE(image.size(), QSize(800, 450));
    // Bar heights by column: tallest where the value is largest, none for NaN.
    const uint32_t colour = chartPaletteColor(0);
    std::vector<int> heights;
    int run = 0, height = 0;
    for (int x = 0; x < image.width(); ++x) {
      int h = 0;
      for (int y = 0; y < image.height(); ++y) h += rgbOf(image, x, y) == colour;
      if (h > 0) {
        height = std::max(height, h);
        ++run;
      } else if (run > 0) {
        heights.push_back(height);
        run = height = 0;
      }
    }
    QCOMPARE(heights.size(), size_t(3));
    QVERIFY(heights[1] > heights[2] && heights[2] > heights[0]);
    QVERIFY(std::abs(heights[1] - 4 * heights[0]) <= 4);

    BarChartSpec mismatched{"Bad", "", "", {"a"}, {1, 2}};
    QVERIFY_THROWS_EXCEPTION(Error, renderBarChart(mismatched));
    BarChartSpec empty{"Nothing", "", "", {}, {}};
    QCOMPARE(renderBarChart(empty).width, 800);
    BarChartSpec zeros{"Zeros", "", "", {}, {0, 0, 0}};
    QCOMPARE(renderBarChart(zeros).height, 450);
    BarChartSpec many{"Many", "", "", {}, std::vector<double>(500, 1.0)};
    QCOMPARE(renderBarChart(many).width, 800);
  }

  void largeChartsUseLargerText() {
    LineChartSpec spec{"Large", "x", "y", {ChartSeries{"a", {0, 1}, {0, 1}}}, false, 1600, 900};
    const RgbImage image = renderLineChart(spec);
    QCOMPARE(image.width, 1600);
    QCOMPARE(image.height, 900);
  }
};

QTEST_GUILESS_MAIN(ReportChartsTest)
#include "tst_report_charts.moc"
