// Malformed files for every importer: each must fail with the exact line, column, byte offset and
// problem, whatever the read buffer size, and with "skip bad rows" store exactly one reject.
#include <QTemporaryDir>
#include <QtTest>

#include "ImportTestSupport.h"
#include "common/Error.h"

using tbtest::CollectingSink;

namespace {

const std::vector<size_t> kBufferSizes = {1, 7, 4096, 1u << 20};

const char* kUnterminated = "unterminated quoted field (the quote opened here is never closed)";
const char* kQuoteInside =
    "quote character inside an unquoted field (quote the whole field and double the quotes inside "
    "it)";

std::string afterQuote(char c) {
  return std::string("unexpected character '") + c +
         "' after a closing quote (expected the delimiter or a line end)";
}

std::string at(int line, int column, int offset, const std::string& problem) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte offset " +
         std::to_string(offset) + "): " + problem;
}

}  // namespace

class ImportErrorsTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  void addRow(const char* name, const char* id, const std::string& content,
              const std::string& expected, const std::string& settings = "{}",
              bool skippable = true) {
    QTest::newRow(name) << QByteArray(id) << QByteArray::fromStdString(content)
                        << QString::fromStdString(expected) << QByteArray::fromStdString(settings)
                        << skippable;
  }

 private slots:
  void malformed_data() {
    QTest::addColumn<QByteArray>("importer");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QByteArray>("settings");
    QTest::addColumn<bool>("skippable");

    // CSV and TSV, written by hand.
    addRow("csv unterminated quote", "csv", "a,b\n1,\"x\n", at(2, 3, 6, kUnterminated));
    addRow("csv unterminated over lines", "csv", "a,b\n1,\"x\n2,3\n", at(2, 3, 6, kUnterminated));
    addRow("csv text after quote", "csv", "a,b\n1,\"x\"y\n", at(2, 6, 9, afterQuote('y')));
    addRow("csv quote in unquoted", "csv", "a,b\n1,x\"y\n", at(2, 4, 7, kQuoteInside));
    addRow("csv too many fields", "csv", "a,b\n1,2,3\n", at(2, 5, 8, "expected 2 fields, found 3"));
    addRow("csv too few fields", "csv", "a,b\n1\n", at(2, 2, 5, "expected 2 fields, found 1"));
    addRow("csv invalid utf-8", "csv", "a,b\n1,x\xC3(\n", at(2, 4, 7, "invalid UTF-8"));
    addRow("csv surrogate", "csv", "a,b\n1,\xED\xA0\x80\n", at(2, 3, 6, "invalid UTF-8"));
    addRow("csv overlong", "csv", "a,b\n\xC0\xAF,1\n", at(2, 1, 4, "invalid UTF-8"));
    addRow("csv truncated at end", "csv", "a,b\n1,\xE2\x82", at(2, 3, 6, "invalid UTF-8"));
    addRow("csv duplicate header", "csv", "a,a\n1,2\n",
           at(1, 3, 2, "header name \"a\" appears twice"), "{}", false);
    addRow("csv empty header name", "csv", "a,,c\n1,2,3\n",
           at(1, 3, 2, "header column 2 has no name"), "{}", false);
    addRow("csv header with bom", "csv",
           "\xEF\xBB\xBF"
           "a,a\n",
           at(1, 3, 5, "header name \"a\" appears twice"), "{}", false);
    addRow("csv unterminated header", "csv", "\"a,b\n",
           at(1, 1, 0, std::string(kUnterminated) + " (in the header)"), "{}", false);
    addRow("csv field over limit", "csv", "a,b\n1,hello\n",
           at(2, 3, 6, "field longer than the limit of 4 bytes"), R"({"maxFieldBytes":4})");
    addRow("csv field spanning lines", "csv", "a,b\n\"x\ny\",2,3\n",
           at(3, 6, 12, "expected 2 fields, found 3"));
    addRow("csv multibyte column", "csv", "a,b\n\xC3\xA9,x\"y\n", at(2, 4, 8, kQuoteInside));
    addRow("csv bom shifts offsets", "csv",
           "\xEF\xBB\xBF"
           "a,b\n1,2,3\n",
           at(2, 5, 11, "expected 2 fields, found 3"));
    addRow("csv doubled quotes then junk", "csv", "a,b\n\"x\"\"y\"z,1\n",
           at(2, 7, 10, afterQuote('z')));
    addRow("tsv too many fields", "tsv", "a\tb\n1\t2\t3\n",
           at(2, 5, 8, "expected 2 fields, found 3"));
    addRow("csv sniffed semicolons", "csv", "a;b\n1;2\n3;4;5\n",
           at(3, 5, 12, "expected 2 fields, found 3"));
    addRow("csv explicit pipe", "csv", "a|b\n1|2|3\n", at(2, 5, 8, "expected 2 fields, found 3"),
           R"({"delimiter":"|"})");
    addRow("csv no header short row", "csv", "1,2\n3\n", at(2, 2, 5, "expected 2 fields, found 1"),
           R"({"header":false})");

    // CSV, generated: every line end, with and without good rows before the bad one.
    const std::vector<std::pair<const char*, std::string>> ends = {
        {"LF", "\n"}, {"CRLF", "\r\n"}, {"CR", "\r"}};
    struct Bad {
      const char* name;
      std::string row;
      int column;
      std::string problem;
    };
    const std::vector<Bad> bads = {{"unterminated", "1,\"x", 3, kUnterminated},
                                   {"after quote", "1,\"x\"y", 6, afterQuote('y')},
                                   {"quote inside", "1,x\"y", 4, kQuoteInside},
                                   {"too many", "1,2,3", 5, "expected 2 fields, found 3"},
                                   {"too few", "1", 2, "expected 2 fields, found 1"}};
    for (const auto& [endName, end] : ends) {
      for (int goodRows : {0, 3}) {
        for (const auto& bad : bads) {
          std::string content = "h1,h2" + end;
          for (int i = 0; i < goodRows; ++i) content += "r,s" + end;
          const int rowOffset = int(content.size());
          content += bad.row + end;
          const std::string name = std::string("csv generated ") + bad.name + " after " +
                                   std::to_string(goodRows) + " rows, " + endName;
          addRow(name.c_str(), "csv", content,
                 at(2 + goodRows, bad.column, rowOffset + bad.column - 1, bad.problem));
        }
      }
    }

    // JSON Lines.
    const std::string badValue =
        "bad JSON: syntax error while parsing value - unexpected '}'; expected '[', '{', or a "
        "literal";
    addRow("jsonl bad value", "jsonl", "{\"t\":1}\n{\"t\": }\n", at(2, 7, 14, badValue));
    addRow("jsonl bad value cr", "jsonl", "{\"t\":1}\r{\"t\": }\r", at(2, 7, 14, badValue));
    addRow("jsonl bad value crlf", "jsonl", "{\"t\":1}\r\n{\"t\": }\r\n", at(2, 7, 15, badValue));
    addRow("jsonl bad value after bom", "jsonl", "\xEF\xBB\xBF{\"t\": }\n", at(1, 7, 9, badValue));
    addRow("jsonl bad value after multibyte", "jsonl", "{\"\xC3\xA9\": }\n", at(1, 7, 7, badValue));
    addRow("jsonl array", "jsonl", "{\"t\":1}\n[1,2]\n",
           at(2, 1, 8, "expected a JSON object, found array"));
    addRow("jsonl number", "jsonl", "  42\n", at(1, 3, 2, "expected a JSON object, found number"));
    addRow("jsonl invalid utf-8", "jsonl", "{\"t\":\"\xC3\x28\"}\n", at(1, 7, 6, "invalid UTF-8"));
    addRow("jsonl invalid utf-8 after multibyte", "jsonl", "{\"t\":\"\xC3\xA9\xFF\"}\n",
           at(1, 8, 8, "invalid UTF-8"));
    addRow("jsonl trailing comma", "jsonl", "{\"t\":1,}\n",
           at(1, 8, 7,
              "bad JSON: syntax error while parsing object key - unexpected '}'; "
              "expected string literal"));
    addRow("jsonl missing closing quote", "jsonl", "{\"t\":\"abc}\n",
           at(1, 11, 10,
              "bad JSON: syntax error while parsing value - invalid string: missing "
              "closing quote; last read: '\"abc}'"));
    // A number beyond a double is a bad row like any other: named, and skippable.
    addRow("jsonl number overflow", "jsonl", "{\"t\":1}\n{\"t\": 1e400}\n",
           at(2, 1, 8, "bad JSON: number overflow parsing '1e400'"));
    addRow("jsonl line over limit", "jsonl",
           "{\"t\":1}\n{\"t\":\"" + std::string(60, 'x') + "\"}\n",
           at(2, 1, 8, "line longer than the limit of 50 bytes"), R"({"maxLineBytes":50})");

    // JSON documents.
    addRow("json scalar document", "json", "\"x\"",
           at(1, 1, 0,
              "expected '[' (an array of records) or '{' (an object of columns), found "
              "'\"'"),
           "{}", false);
    addRow("json element not object", "json", "[{\"a\":1}, 2]",
           at(1, 11, 10, "expected a JSON object as array element, found number"));
    addRow("json bad element", "json", "[{\"a\":1},\n {\"a\": tru}]",
           at(2, 11, 20,
              "bad JSON: syntax error while parsing value - invalid literal; last read: "
              "'\"a\": tru}'"));
    addRow("json bad element over lines", "json", "[\n{\"a\":\n  x}]",
           at(3, 3, 10,
              "bad JSON: syntax error while parsing value - invalid literal; last read: "
              "'\"a\":<U+000A>  x'"));
    addRow("json trailing comma", "json", "[{\"a\":1},]",
           at(1, 10, 9, "expected a value, found ']'"), "{}", false);
    addRow("json missing comma", "json", "[{\"a\":1} {\"a\":2}]",
           at(1, 10, 9, "expected ',' or ']' after an array element, found '{'"), "{}", false);
    addRow("json unterminated element", "json",
           "[{\"a\":1}, {\"a\":", at(1, 11, 10, "value is never closed (the file ends inside it)"),
           "{}", false);
    addRow("json unterminated array", "json", "[{\"a\":1}",
           at(1, 9, 8, "expected ',' or ']' after an array element, found the end of the file"),
           "{}", false);
    addRow("json trailing content", "json", "[{\"a\":1}] x",
           at(1, 11, 10, "unexpected 'x' after the end of the document"), "{}", false);
    addRow("json invalid utf-8", "json", "[{\"a\":\"\xFF\"}]", at(1, 8, 7, "invalid UTF-8"));
    addRow("json record over limit", "json", "[{\"a\":\"long\"}]",
           at(1, 2, 1, "value longer than the limit of 5 bytes"), R"({"maxRecordBytes":5})", false);
    addRow("json columns of unequal length", "json", "{\"text\":[\"a\",\"b\"],\"label\":[\"x\"]}",
           at(1, 1, 0, "column \"text\" has 2 values but column \"label\" has 1"), "{}", false);
    addRow("json column not an array", "json", "{\"text\":\"a\"}",
           at(1, 1, 0,
              "column \"text\" is string, expected an array (an object of columns holds "
              "one array per field)"),
           "{}", false);

    // Plain text.
    addRow("text invalid utf-8", "text", "ok\nb\xC3(\n", at(2, 2, 4, "invalid UTF-8"));
    addRow("text line over limit", "text", "ok\r\n" + std::string(30, 'x') + "\r\nfine\n",
           at(2, 1, 4, "line longer than the limit of 20 bytes"), R"({"maxLineBytes":20})");
  }

  void malformed() {
    QFETCH(QByteArray, importer);
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QFETCH(QByteArray, settings);
    QFETCH(bool, skippable);
    auto plugin = tbtest::importer(importer.toStdString());
    QVERIFY(plugin);
    const std::string path =
        tbtest::writeFile(dir_, "bad." + importer.toStdString(), content.toStdString());
    tunebench::BasicJobContext context;
    for (const size_t buffer : kBufferSizes) {
      auto json = nlohmann::json::parse(settings.toStdString());
      json["readBufferBytes"] = buffer;
      CollectingSink strict;
      try {
        plugin->importFile({path, false, json}, strict, context);
        QFAIL(qPrintable(QString("no error with a %1-byte buffer").arg(buffer)));
      } catch (const tunebench::Error& e) {
        const QString message = QString::fromUtf8(e.what());
        const QString prefix = QString::fromStdString(path) + ": " + expected;
        // The message is the position and problem, then at most a hint that starts with ". ".
        QVERIFY2(message == prefix || message.startsWith(prefix + ". "),
                 qPrintable(QString("buffer %1: %2").arg(buffer).arg(message)));
      }
      if (!skippable) continue;
      CollectingSink lenient;
      plugin->importFile({path, true, json}, lenient, context);
      QCOMPARE(lenient.rejects.size(), size_t(1));
      QCOMPARE(QString::fromStdString(lenient.rejects[0].problem), expected);
    }
  }
};

QTEST_GUILESS_MAIN(ImportErrorsTest)
#include "tst_import_errors.moc"
