// Pre-tokenizer split patterns run with RE2 and the emulated \s+(?!\S), compared with Python's
// `regex` module (a backtracking engine with real lookahead and Unicode classes).
#include <QProcess>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <set>

#include "common/Error.h"
#include "tokenizer/BpeTrainer.h"
#include "tokenizer/ByteLevel.h"
#include "tokenizer/SplitRegex.h"

namespace {

// The Debian interpreter that install-deps.sh equips with the reference modules, else python3.
QString referencePython() {
  return QFile::exists("/usr/bin/python3") ? QStringLiteral("/usr/bin/python3") : QStringLiteral("python3");
}

std::vector<std::string> pythonFindAll(const std::string& pattern, const std::string& text) {
  QProcess python;
  python.start(referencePython(), {"-c",
                           "import json, sys, regex\n"
                           "job = json.load(sys.stdin)\n"
                           "print(json.dumps(regex.findall(job['pattern'], job['text'])))\n"});
  python.write(
      QByteArray::fromStdString(nlohmann::json{{"pattern", pattern}, {"text", text}}.dump()));
  python.closeWriteChannel();
  python.waitForFinished(30000);
  const QByteArray out = python.readAllStandardOutput();
  if (python.exitCode() != 0)
    qFatal("python3 regex failed: %s", python.readAllStandardError().constData());
  return nlohmann::json::parse(out.toStdString()).get<std::vector<std::string>>();
}

std::vector<std::string> pieces(const tunebench::SplitRegex& re, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& [b, e] : re.matches(text)) out.push_back(text.substr(b, e - b));
  return out;
}

QString show(const std::vector<std::string>& v) {
  return QString::fromStdString(nlohmann::json(v).dump());
}

}  // namespace

class SplitRegexTest : public QObject {
  Q_OBJECT
 private slots:
  void byteLevelTableIsABijection() {
    std::set<char32_t> seen;
    for (int b = 0; b < 256; ++b) {
      const char32_t cp = tunebench::byteToUnicode(static_cast<unsigned char>(b));
      QVERIFY(seen.insert(cp).second);
      QCOMPARE(tunebench::unicodeToByte(cp), b);
    }
    QCOMPARE(static_cast<int>(tunebench::byteToUnicode(' ')), 0x120);
    QCOMPARE(static_cast<int>(tunebench::byteToUnicode('\n')), 0x10A);
    QCOMPARE(static_cast<int>(tunebench::byteToUnicode('A')), static_cast<int>('A'));
    QCOMPARE(tunebench::unicodeToByte(0x20), -1);
    QCOMPARE(tunebench::unicodeToByte(256 + 68), -1);
  }

  void matchesPythonRegex_data() {
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("text");
    const std::pair<const char*, const char*> patterns[] = {
        {"gpt2", tunebench::kGpt2SplitPattern},
        {"llama3", tunebench::kLlama3SplitPattern},
        {"qwen2", tunebench::kQwen2SplitPattern}};
    const char* texts[] = {
        "Hello world",
        "Hello  world",
        "a   \n\n b",
        "  leading spaces",
        "trailing spaces   ",
        "I'm ok, they'LL say 1234567 isn't 89.",
        "emoji 😀😀 and 中文字符 mixed\t\ttabs",
        "x\r\n\r\ny\n",
        "\xC2\xA0nbsp \xE3\x80\x80 ideographic\xE2\x80\x83" "em space",
        "  \n  ",
        " ",
        "a \n",
        "def f(x):\n    return x**2  # square\n\n\n",
        "!!! ??? ...   ---",
        "caf\xC3\xA9 na\xC3\xAFve \xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "
        "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7",
    };
    for (const auto& [name, pattern] : patterns)
      for (size_t i = 0; i < sizeof texts / sizeof *texts; ++i)
        QTest::addRow("%s/%zu", name, i)
            << QString::fromUtf8(pattern) << QString::fromUtf8(texts[i]);
  }

  void matchesPythonRegex() {
    QFETCH(QString, pattern);
    QFETCH(QString, text);
    const tunebench::SplitRegex re(pattern.toStdString());
    const auto ours = pieces(re, text.toStdString());
    const auto reference = pythonFindAll(pattern.toStdString(), text.toStdString());
    QCOMPARE(show(ours), show(reference));
  }

  void lookaheadLeavesTheLastSpaceToTheNextWord() {
    const tunebench::SplitRegex gpt2(tunebench::kGpt2SplitPattern);
    QCOMPARE(show(pieces(gpt2, "a   b")), show({"a", "  ", " b"}));
    QCOMPARE(show(pieces(gpt2, "a   ")), show({"a", "   "}));
    QCOMPARE(show(pieces(gpt2, "a \tb")), show({"a", " ", "\t", "b"}));
  }

  void isolatedKeepsGaps() {
    const tunebench::SplitRegex digits("[0-9]+");
    const std::string text = "ab12cd345";
    std::vector<std::string> parts;
    for (const auto& [b, e] : digits.isolated(text)) parts.push_back(text.substr(b, e - b));
    QCOMPARE(show(parts), show({"ab", "12", "cd", "345"}));
  }

  void unsupportedLookaroundIsRefused() {
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::SplitRegex("a(?=b)|c"));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::SplitRegex("(?<!x)y"));
    QVERIFY_THROWS_EXCEPTION(tunebench::Error, tunebench::SplitRegex("[unclosed"));
  }
};

QTEST_GUILESS_MAIN(SplitRegexTest)
#include "tst_split_regex.moc"
