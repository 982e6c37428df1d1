// The one UTF-8 decoder of core/common: what it accepts is exactly well-formed UTF-8 (checked
// against utf8proc over every lead byte with boundary continuation bytes), and each caller's
// policy for invalid bytes stays as documented.
#include <QtTest>

#include <string>

#include <utf8proc.h>

#include "common/Utf8.h"

using namespace tunebench;

namespace {

// Continuation bytes at the edges of the ranges the Unicode table of well-formed sequences uses.
const unsigned char kEdges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};

// utf8proc's view of the sequence at the front: length and code point, length 0 when invalid.
Utf8Char utf8procCharAt(const std::string& text) {
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                  static_cast<utf8proc_ssize_t>(text.size()), &cp);
  if (n <= 0) return {};
  return {static_cast<char32_t>(cp), static_cast<size_t>(n)};
}

}  // namespace

class Utf8Test : public QObject {
  Q_OBJECT
 private slots:
  void decodesWhatUtf8procDecodes() {
    int compared = 0;
    for (int lead = 0; lead < 256; ++lead)
      for (unsigned char b1 : kEdges)
        for (unsigned char b2 : kEdges)
          for (unsigned char b3 : kEdges) {
            const std::string text{static_cast<char>(lead), static_cast<char>(b1),
                                   static_cast<char>(b2), static_cast<char>(b3)};
            for (size_t size = 1; size <= text.size(); ++size) {
              const std::string prefix = text.substr(0, size);
              const Utf8Char ours = utf8CharAt(prefix, 0);
              const Utf8Char theirs = utf8procCharAt(prefix);
              if (ours.length != theirs.length || ours.codePoint != theirs.codePoint)
                QFAIL(qPrintable(QStringLiteral("bytes %1: length %2 U+%3, utf8proc %4 U+%5")
                                     .arg(QByteArray::fromStdString(prefix).toHex(' '))
                                     .arg(ours.length)
                                     .arg(uint(ours.codePoint), 0, 16)
                                     .arg(theirs.length)
                                     .arg(uint(theirs.codePoint), 0, 16)));
              ++compared;
            }
          }
    QVERIFY(compared > 1000000);
  }

  void rejectsEachKindOfMalformedSequence() {
    QCOMPARE(utf8CharAt("\x80", 0).length, size_t(0));              // stray continuation
    QCOMPARE(utf8CharAt("\xC0\x80", 0).length, size_t(0));          // overlong NUL
    QCOMPARE(utf8CharAt("\xE0\x9F\xBF", 0).length, size_t(0));      // overlong U+07FF
    QCOMPARE(utf8CharAt("\xED\xA0\x80", 0).length, size_t(0));      // surrogate U+D800
    QCOMPARE(utf8CharAt("\xF4\x90\x80\x80", 0).length, size_t(0));  // above U+10FFFF
    QCOMPARE(utf8CharAt("\xE2\x82", 0).length, size_t(0));          // cut short
    QCOMPARE(utf8CharAt("\xF8\x88\x80\x80\x80", 0).length, size_t(0));
    const Utf8Char euro = utf8CharAt("a\xE2\x82\xAC", 1);
    QCOMPARE(euro.length, size_t(3));
    QCOMPARE(uint(euro.codePoint), 0x20ACu);
  }

  void callersKeepTheirPolicyForInvalidBytes() {
    const std::string text = "a\xC3\xA9\xFF\xE2\x82z";  // a é <FF> <E2 82 cut> z
    QCOMPARE(findInvalidUtf8(text), size_t(3));
    QCOMPARE(findInvalidUtf8("a\xC3\xA9z"), std::string_view::npos);
    // Code points for tokenizers and templates: an invalid byte stands for itself.
    QVERIFY(utf8ToCodePoints(text) == std::u32string({'a', 0xE9, 0xFF, 0xE2, 0x82, 'z'}));
    // Cleaning: each invalid byte becomes U+FFFD.
    QVERIFY(decodeUtf8(text) == std::vector<char32_t>({'a', 0xE9, 0xFFFD, 0xFFFD, 0xFFFD, 'z'}));
    // Display: each broken sequence becomes one U+FFFD.
    QCOMPARE(toValidUtf8Lossy(text), std::string("a\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBDz"));
    QCOMPARE(codePointsToUtf8(utf8ToCodePoints("a\xC3\xA9\xF0\x9F\x99\x82")),
             std::string("a\xC3\xA9\xF0\x9F\x99\x82"));
    QCOMPARE(std::string(stripUtf8Bom("\xEF\xBB\xBFx")), std::string("x"));
  }
};

QTEST_GUILESS_MAIN(Utf8Test)
#include "tst_utf8.moc"
