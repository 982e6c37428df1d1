#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "builtin/JsonLinesImporter.h"
#include "builtin/PlainTextImporter.h"
#include "common/Error.h"
#include "jobs/BasicJobContext.h"

namespace {

struct CollectingSink : tunebench::RecordSink {
  std::vector<tunebench::ImportedRecord> records;
  std::vector<tunebench::ImportReject> rejects;
  void record(tunebench::ImportedRecord&& r) override { records.push_back(std::move(r)); }
  void reject(tunebench::ImportReject&& r) override { rejects.push_back(std::move(r)); }
};

}  // namespace

class BuiltinImportersTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  std::string write(const char* name, const QByteArray& bytes) {
    const std::string path = dir_.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary).write(bytes.constData(), bytes.size());
    return path;
  }

 private slots:
  void jsonLines_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("records");
    QTest::addColumn<QString>("lastText");
    QTest::newRow("lf") << QByteArray("{\"t\":\"a\"}\n{\"t\":\"b\"}\n") << 2 << "b";
    QTest::newRow("crlf, no final newline")
        << QByteArray("{\"t\":\"a\"}\r\n{\"t\":\"b\"}") << 2 << "b";
    QTest::newRow("bom and blank lines")
        << QByteArray("\xEF\xBB\xBF{\"t\":\"a\"}\n\n   \n{\"t\":\"é\"}\n") << 2 << "é";
    QTest::newRow("empty file") << QByteArray() << 0 << "";
  }
  void jsonLines() {
    QFETCH(QByteArray, content);
    QFETCH(int, records);
    QFETCH(QString, lastText);
    CollectingSink sink;
    tunebench::BasicJobContext context;
    tunebench::builtin::JsonLinesImporter importer;
    importer.importFile({write("ok.jsonl", content), false, {}}, sink, context);
    QCOMPARE(int(sink.records.size()), records);
    if (records)
      QCOMPARE(QString::fromStdString(sink.records.back().fields["t"].get<std::string>()),
               lastText);
  }

  void jsonLinesErrors_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bad json") << QByteArray("{\"t\":1}\n{\"t\": }\n")
                              << "line 2, column 7 (byte offset 14): bad JSON";
    QTest::newRow("not an object")
        << QByteArray("{\"t\":1}\n[1,2]\n")
        << "line 2, column 1 (byte offset 8): expected a JSON object, found array";
    QTest::newRow("invalid utf-8") << QByteArray("{\"t\":\"\xC3\x28\"}\n")
                                   << "line 1, column 7 (byte offset 6): invalid UTF-8";
  }
  void jsonLinesErrors() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const std::string path = write("bad.jsonl", content);
    tunebench::builtin::JsonLinesImporter importer;
    tunebench::BasicJobContext context;
    CollectingSink strict;
    try {
      importer.importFile({path, false, {}}, strict, context);
      QFAIL("a bad row must abort the import");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QString::fromStdString(path) + ": " + expected),
               e.what());
    }
    CollectingSink lenient;
    importer.importFile({path, true, {}}, lenient, context);
    QCOMPARE(lenient.rejects.size(), size_t(1));
  }

  void lineLimitIsEnforced() {
    const std::string path = write(
        "long.jsonl", QByteArray("{\"t\":\"") + QByteArray(100, 'x') + "\"}\n{\"t\":\"ok\"}\n");
    tunebench::builtin::JsonLinesImporter importer;
    tunebench::BasicJobContext context;
    CollectingSink sink;
    try {
      importer.importFile({path, false, {{"maxLineBytes", 50}}}, sink, context);
      QFAIL("a line over the limit must abort the import");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString(e.what()).contains(": line 1, column 1 (byte offset 0): line longer than "
                                          "the limit of 50 bytes"),
               e.what());
    }
    for (const auto& bad : {nlohmann::json(0), nlohmann::json(-3), nlohmann::json("50")})
      QVERIFY_THROWS_EXCEPTION(
          tunebench::Error,
          importer.importFile({path, false, {{"maxLineBytes", bad}}}, sink, context));
    // Skipping bad rows, the long line is a reject and reading goes on after it.
    for (const size_t buffer : {size_t(1), size_t(7), size_t(4096)}) {
      CollectingSink lenient;
      importer.importFile({path, true, {{"maxLineBytes", 50}, {"readBufferBytes", buffer}}},
                          lenient, context);
      QCOMPARE(lenient.rejects.size(), size_t(1));
      QCOMPARE(lenient.records.size(), size_t(1));
      QCOMPARE(lenient.records[0].line, int64_t(2));
      QCOMPARE(lenient.records[0].byteOffset, int64_t(109));
    }
  }

  void plainText_data() {
    QTest::addColumn<QString>("unit");
    QTest::addColumn<QStringList>("texts");
    QTest::newRow("line") << "line" << QStringList{"one", "two", "three", "four"};
    QTest::newRow("block") << "block" << QStringList{"one\ntwo", "three\nfour"};
    QTest::newRow("file") << "file" << QStringList{"one\ntwo\n\nthree\nfour"};
  }
  void plainText() {
    QFETCH(QString, unit);
    QFETCH(QStringList, texts);
    const std::string path = write("doc.txt", "one\ntwo\n\nthree\r\nfour\n");
    CollectingSink sink;
    tunebench::BasicJobContext context;
    tunebench::builtin::PlainTextImporter importer;
    importer.importFile({path, false, {{"unit", unit.toStdString()}}}, sink, context);
    QStringList got;
    for (const auto& r : sink.records)
      got << QString::fromStdString(r.fields["text"].get<std::string>());
    QCOMPARE(got, texts);
    QCOMPARE(sink.records.front().line, int64_t(1));
  }

  void canceledImportStops() {
    QByteArray many;
    for (int i = 0; i < 20000; ++i) many += "{\"i\":" + QByteArray::number(i) + "}\n";
    const std::string path = write("many.jsonl", many);
    CollectingSink sink;
    tunebench::BasicJobContext context;
    context.onProgress = [&](int64_t, int64_t, const std::string&) { context.cancel(); };
    tunebench::builtin::JsonLinesImporter importer;
    importer.importFile({path, false, {}}, sink, context);
    QVERIFY(sink.records.size() < 20000);
  }
};

QTEST_GUILESS_MAIN(BuiltinImportersTest)
#include "tst_builtin_importers.moc"
