// Well-formed CSV, TSV and JSON files: the records they give, and that the read buffer size
// never changes the result.
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include "ImportTestSupport.h"

using tbtest::CollectingSink;

class TableImportersTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  CollectingSink run(const std::string& id, const std::string& content,
                     nlohmann::json settings = nlohmann::json::object(), bool skip = false) {
    const std::string path = tbtest::writeFile(dir_, "in." + id, content);
    CollectingSink sink;
    tunebench::BasicJobContext context;
    tbtest::importer(id)->importFile({path, skip, settings}, sink, context);
    return sink;
  }

 private slots:
  void csv_data() {
    QTest::addColumn<QByteArray>("importer");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("expected");  // the records as a JSON array
    QTest::newRow("plain") << QByteArray("csv") << QByteArray("a,b\n1,2\n3,4\n")
                           << QByteArray("[{\"a\":\"1\",\"b\":\"2\"},{\"a\":\"3\",\"b\":\"4\"}]");
    QTest::newRow("quotes, delimiter and doubled quotes")
        << QByteArray("csv") << QByteArray("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n")
        << QByteArray("[{\"a\":\"x, y\",\"b\":\"say \\\"hi\\\"\"}]");
    QTest::newRow("embedded line ends kept as written")
        << QByteArray("csv") << QByteArray("a,b\r\n\"one\r\ntwo\",\"3\n4\"\r\n")
        << QByteArray("[{\"a\":\"one\\r\\ntwo\",\"b\":\"3\\n4\"}]");
    QTest::newRow("lone CR line ends")
        << QByteArray("csv") << QByteArray("a,b\r1,2\r3,4")
        << QByteArray("[{\"a\":\"1\",\"b\":\"2\"},{\"a\":\"3\",\"b\":\"4\"}]");
    QTest::newRow("bom, blank lines, empty fields")
        << QByteArray("csv")
        << QByteArray(
               "\xEF\xBB\xBF"
               "a,b\n\n,\n\"\",x\n\n")
        << QByteArray("[{\"a\":\"\",\"b\":\"\"},{\"a\":\"\",\"b\":\"x\"}]");
    QTest::newRow("sniffed tab") << QByteArray("csv") << QByteArray("a\tb\n1,5\t2\n")
                                 << QByteArray("[{\"a\":\"1,5\",\"b\":\"2\"}]");
    QTest::newRow("sniffed semicolon, quoted delimiters ignored")
        << QByteArray("csv") << QByteArray("a;b\n\"1,2,3\";x\n\"4,5\";y\n")
        << QByteArray("[{\"a\":\"1,2,3\",\"b\":\"x\"},{\"a\":\"4,5\",\"b\":\"y\"}]");
    QTest::newRow("tsv") << QByteArray("tsv") << QByteArray("a\tb\n\"q\tr\"\t\xC3\xA9\n")
                         << QByteArray("[{\"a\":\"q\\tr\",\"b\":\"é\"}]");
    QTest::newRow("json array") << QByteArray("json")
                                << QByteArray(" [ {\"a\": [1, {\"b\": \"]}\"}]} ,\n{\"a\":null} ] ")
                                << QByteArray("[{\"a\":[1,{\"b\":\"]}\"}]},{\"a\":null}]");
    QTest::newRow("json empty array")
        << QByteArray("json") << QByteArray("[]\n") << QByteArray("[]");
    QTest::newRow("json escaped quotes")
        << QByteArray("json") << QByteArray("[{\"a\":\"x\\\"}\\\\\"}]")
        << QByteArray("[{\"a\":\"x\\\"}\\\\\"}]");
    QTest::newRow("json columns")
        << QByteArray("json") << QByteArray("{\"text\":[\"a\",\"b\"],\"label\":[0,1]}")
        << QByteArray("[{\"label\":0,\"text\":\"a\"},{\"label\":1,\"text\":\"b\"}]");
  }
  void csv() {
    QFETCH(QByteArray, importer);
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, expected);
    for (size_t buffer : {size_t(1), size_t(7), size_t(4096), size_t(1) << 20}) {
      const auto sink =
          run(importer.toStdString(), content.toStdString(), {{"readBufferBytes", buffer}});
      nlohmann::json got = nlohmann::json::array();
      for (const auto& r : sink.records) got.push_back(r.fields);
      QCOMPARE(QByteArray::fromStdString(got.dump()), expected);
      QVERIFY(sink.rejects.empty());
    }
  }

  void recordPositions() {
    const auto sink = run("csv", "a,b\n\"x\ny\",1\r\n2,3\n");
    QCOMPARE(sink.records.size(), size_t(2));
    QCOMPARE(sink.records[0].line, int64_t(2));
    QCOMPARE(sink.records[0].byteOffset, int64_t(4));
    QCOMPARE(sink.records[1].line, int64_t(4));
    QCOMPARE(sink.records[1].byteOffset, int64_t(13));
  }

  void skipBadRowsKeepsTheRest() {
    const auto sink =
        run("csv", "a,b\n1,2\n3\n4,5\n6,\"x\"y\n7,8\n", nlohmann::json::object(), true);
    QCOMPARE(sink.records.size(), size_t(3));
    QCOMPARE(sink.rejects.size(), size_t(2));
    QCOMPARE(sink.rejects[0].line, int64_t(3));
    QCOMPARE(sink.rejects[1].line, int64_t(5));
    QCOMPARE(QString::fromStdString(sink.records[2].fields["a"].get<std::string>()), QString("7"));
  }

  // A quote that is never closed must not swallow the rest of the file: the line where it
  // opened is the bad record (kept with its text), reading goes on at the next line, and the
  // counts add up to the file's data lines.
  void anUnclosedQuoteRejectsOnlyItsLine() {
    const std::string file =
        "instruction,output\n"
        "What is 2 plus 2?,4\n"
        "\"Name the capital of France,Paris\n"
        "Name a colour,blue\n"
        "Say hello,hello\n";
    for (size_t buffer : {size_t(1), size_t(5), size_t(1) << 20}) {
      const auto sink = run("csv", file, {{"readBufferBytes", buffer}}, true);
      QCOMPARE(sink.records.size(), size_t(3));
      QCOMPARE(sink.rejects.size(), size_t(1));
      QCOMPARE(sink.rejects[0].line, int64_t(3));
      QCOMPARE(QString::fromStdString(sink.rejects[0].rawText),
               QString("\"Name the capital of France,Paris"));
      QVERIFY(sink.rejects[0].problem.find("unterminated quoted field") != std::string::npos);
      QCOMPARE(sink.records[0].line, int64_t(2));
      QCOMPARE(sink.records[1].line, int64_t(4));
      QCOMPARE(sink.records[1].byteOffset, int64_t(file.find("Name a colour")));
      QCOMPARE(QString::fromStdString(sink.records[2].fields["output"].get<std::string>()),
               QString("hello"));
    }
    // Every other bad record keeps its text too.
    const auto sink = run("csv", "a,b\n1,2\n3\n6,\"x\"y\n", nlohmann::json::object(), true);
    QCOMPARE(sink.rejects.size(), size_t(2));
    QCOMPARE(QString::fromStdString(sink.rejects[0].rawText), QString("3"));
    QCOMPARE(QString::fromStdString(sink.rejects[1].rawText), QString("6,\"x\"y"));
  }

  // Random rows full of quotes, delimiters, line ends and multi-byte text: every buffer size and
  // every importer must give the same records, and CSV must round-trip what was written.
  void bufferSizeNeverChangesResults() {
    std::mt19937 random(7);
    const std::vector<std::string> pieces = {"a", ",", "\"", "\n", "\r\n", "\r",
                                             "é", "€", " ",  "x",  "\t",   "\xF0\x9F\x98\x80"};
    std::string csv = "text,label\n";
    std::string jsonl;
    nlohmann::json array = nlohmann::json::array();
    std::vector<std::string> texts;
    for (int i = 0; i < 300; ++i) {
      std::string text;
      const int length = int(random() % 12);
      for (int k = 0; k < length; ++k) text += pieces[random() % pieces.size()];
      texts.push_back(text);
      std::string quoted = "\"";
      for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      csv += quoted + "\"," + std::to_string(i % 3) + (i % 2 ? "\r\n" : "\n");
      nlohmann::json record = {{"text", text}, {"label", std::to_string(i % 3)}};
      jsonl += record.dump() + (i % 2 ? "\r\n" : "\n");
      array.push_back(record);
    }
    for (const auto& [id, content] : std::vector<std::pair<std::string, std::string>>{
             {"csv", csv}, {"jsonl", jsonl}, {"json", array.dump(1)}}) {
      std::string reference;
      for (size_t buffer : {size_t(1), size_t(7), size_t(4096), size_t(1) << 20}) {
        const auto sink = run(id, content, {{"readBufferBytes", buffer}, {"delimiter", ","}});
        QCOMPARE(sink.records.size(), texts.size());
        for (size_t i = 0; i < texts.size(); ++i)
          QCOMPARE(sink.records[i].fields["text"].get<std::string>(), texts[i]);
        if (reference.empty()) reference = sink.dump();
        QCOMPARE(sink.dump(), reference);
      }
    }
  }
};

QTEST_GUILESS_MAIN(TableImportersTest)
#include "tst_table_importers.moc"
