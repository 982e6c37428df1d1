// Schema detection on the shapes other tools write, explicit mappings, and mapping errors.
#include <QtTest>

#include "common/Error.h"
#include "data/RecordMapper.h"

using nlohmann::json;
using tunebench::ColumnMapping;
using tunebench::DatasetKind;

Q_DECLARE_METATYPE(DatasetKind)

class SchemaMappingTest : public QObject {
  Q_OBJECT
 private slots:
  void detect_data() {
    QTest::addColumn<QByteArray>("records");  // JSON array of sample records
    QTest::addColumn<bool>("detected");
    QTest::addColumn<DatasetKind>("kind");
    QTest::addColumn<QByteArray>("columns");  // expected slot -> field, as JSON
    QTest::newRow("alpaca")
        << QByteArray("[{\"instruction\":\"a\",\"input\":\"\",\"output\":\"b\"}]") << true
        << DatasetKind::Instruction
        << QByteArray(
               "{\"input\":\"input\",\"instruction\":\"instruction\",\"output\":\"output\"}");
    QTest::newRow("question/answer")
        << QByteArray("[{\"question\":\"a\",\"answer\":\"b\"}]") << true << DatasetKind::Instruction
        << QByteArray("{\"instruction\":\"question\",\"output\":\"answer\"}");
    QTest::newRow("messages") << QByteArray(
                                     "[{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}]")
                              << true << DatasetKind::Chat
                              << QByteArray("{\"messages\":\"messages\"}");
    QTest::newRow("sharegpt") << QByteArray(
                                     "[{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"},{"
                                     "\"from\":\"gpt\",\"value\":\"yo\"}]}]")
                              << true << DatasetKind::Chat
                              << QByteArray("{\"messages\":\"conversations\"}");
    QTest::newRow("preference plain")
        << QByteArray("[{\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":\"r\"}]") << true
        << DatasetKind::Preference
        << QByteArray("{\"chosen\":\"chosen\",\"prompt\":\"prompt\",\"rejected\":\"rejected\"}");
    QTest::newRow("preference without prompt (HH)")
        << QByteArray(
               "[{\"chosen\":\"Human: q Assistant: a\",\"rejected\":\"Human: q Assistant: b\"}]")
        << true << DatasetKind::Preference
        << QByteArray("{\"chosen\":\"chosen\",\"rejected\":\"rejected\"}");
    QTest::newRow("classification")
        << QByteArray("[{\"sentence\":\"s\",\"label\":1},{\"sentence\":\"t\",\"label\":0}]") << true
        << DatasetKind::Classification << QByteArray("{\"label\":\"label\",\"text\":\"sentence\"}");
    QTest::newRow("raw text") << QByteArray("[{\"text\":\"s\"}]") << true << DatasetKind::RawText
                              << QByteArray("{\"text\":\"text\"}");
    QTest::newRow("unknown") << QByteArray("[{\"foo\":1,\"bar\":\"x\"}]") << false
                             << DatasetKind::RawText << QByteArray("{}");
    QTest::newRow("too few with the field") << QByteArray("[{\"text\":\"a\"},{\"x\":1},{\"x\":2}]")
                                            << false << DatasetKind::RawText << QByteArray("{}");
  }
  void detect() {
    QFETCH(QByteArray, records);
    QFETCH(bool, detected);
    QFETCH(DatasetKind, kind);
    QFETCH(QByteArray, columns);
    const auto sample = json::parse(records.toStdString()).get<std::vector<json>>();
    const auto guess = tunebench::detectSchema(sample);
    QCOMPARE(guess.mapping.has_value(), detected);
    QVERIFY(!guess.reason.empty());
    if (!detected) return;
    QCOMPARE(guess.mapping->kind, kind);
    QCOMPARE(QByteArray::fromStdString(json(guess.mapping->columns).dump()), columns);
    // Every detected mapping maps the sample it came from, and survives JSON.
    const auto again = ColumnMapping::fromJson(guess.mapping->toJson());
    for (const auto& record : sample) tunebench::mapRecord({record, 1, 0}, again);
  }

  void shareGptRolesAreTranslated() {
    const json record = json::parse(
        "{\"conversations\":[{\"from\":\"system\",\"value\":\"s\"},{\"from\":\"human\",\"value\":"
        "\"q\"},"
        "{\"from\":\"gpt\",\"value\":\"a\"}]}");
    const auto mapping = *tunebench::detectSchema({record}).mapping;
    const auto e = tunebench::mapRecord({record, 1, 0}, mapping);
    QCOMPARE(e.messages.size(), size_t(3));
    QCOMPARE(e.messages[1].role, std::string("user"));
    QCOMPARE(e.messages[2].role, std::string("assistant"));
    QCOMPARE(e.messages[2].content, std::string("a"));
  }

  void preferenceChatStyle() {
    const json record = json::parse(
        "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"}],\"chosen\":\"good\","
        "\"rejected\":[{\"role\":\"assistant\",\"content\":\"bad\"}]}");
    const auto mapping = *tunebench::detectSchema({record}).mapping;
    QCOMPARE(mapping.kind, DatasetKind::Preference);
    const auto e = tunebench::mapRecord({record, 1, 0}, mapping);
    QCOMPARE(e.chosen[0].role, std::string("assistant"));
    QCOMPARE(e.chosen[0].content, std::string("good"));
    QCOMPARE(e.rejected[0].content, std::string("bad"));
  }

  void explicitMapping() {
    const auto mapping = ColumnMapping::fromJson(json::parse(
        "{\"kind\":\"classification\",\"columns\":{\"text\":\"review\",\"label\":\"stars\"}}"));
    const auto e = tunebench::mapRecord({json{{"review", "fine"}, {"stars", 4}}, 3, 20}, mapping);
    QCOMPARE(e.text, std::string("fine"));
    QCOMPARE(e.label, std::string("4"));
    QCOMPARE(e.sourceLine, int64_t(3));
  }

  void mappingErrors_data() {
    QTest::addColumn<QByteArray>("mapping");
    QTest::addColumn<QByteArray>("record");
    QTest::addColumn<QString>("expected");
    const QByteArray instruction =
        "{\"kind\":\"instruction\",\"columns\":{\"instruction\":\"q\",\"output\":\"a\"}}";
    QTest::newRow("missing field") << instruction << QByteArray("{\"q\":\"x\"}")
                                   << "line 7 (byte offset 99): field \"a\": missing";
    QTest::newRow("wrong type")
        << instruction << QByteArray("{\"q\":\"x\",\"a\":3}")
        << "line 7 (byte offset 99): field \"a\": expected a string, found number";
    QTest::newRow("bad message") << QByteArray(
                                        "{\"kind\":\"chat\",\"columns\":{\"messages\":\"m\"}}")
                                 << QByteArray("{\"m\":[{\"role\":\"user\"}]}")
                                 << "line 7 (byte offset 99): field \"m[0].content\": missing";
    QTest::newRow("unknown role")
        << QByteArray(
               "{\"kind\":\"chat\",\"columns\":{\"messages\":\"c\"},\"roleKey\":\"from\","
               "\"contentKey\":\"value\",\"roleNames\":{\"human\":\"user\"}}")
        << QByteArray("{\"c\":[{\"from\":\"robot\",\"value\":\"x\"}]}")
        << "line 7 (byte offset 99): field \"c[0].from\": unknown role \"robot\"";
    QTest::newRow("label of wrong type")
        << QByteArray("{\"kind\":\"classification\",\"columns\":{\"text\":\"t\",\"label\":\"l\"}}")
        << QByteArray("{\"t\":\"x\",\"l\":[1]}")
        << "line 7 (byte offset 99): field \"l\": expected a string, integer or boolean label, "
           "found array";
  }
  void mappingErrors() {
    QFETCH(QByteArray, mapping);
    QFETCH(QByteArray, record);
    QFETCH(QString, expected);
    const auto m = ColumnMapping::fromJson(json::parse(mapping.toStdString()));
    try {
      tunebench::mapRecord({json::parse(record.toStdString()), 7, 99}, m);
      QFAIL("mapping must fail");
    } catch (const tunebench::Error& e) {
      QCOMPARE(QString::fromStdString(e.what()), expected);
    }
  }

  void invalidMappings() {
    QVERIFY_THROWS_EXCEPTION(
        tunebench::Error, ColumnMapping::fromJson(json::parse(
                              "{\"kind\":\"instruction\",\"columns\":{\"instruction\":\"q\"}}")));
    QVERIFY_THROWS_EXCEPTION(
        tunebench::Error, ColumnMapping::fromJson(json::parse(
                              "{\"kind\":\"text\",\"columns\":{\"text\":\"t\",\"label\":\"l\"}}")));
    QVERIFY_THROWS_EXCEPTION(
        tunebench::Error,
        ColumnMapping::fromJson(json::parse("{\"kind\":\"poetry\",\"columns\":{}}")));
  }

  void sinkRejectsOrAborts() {
    const auto mapping =
        ColumnMapping::fromJson(json::parse("{\"kind\":\"text\",\"columns\":{\"text\":\"t\"}}"));
    tunebench::MappingSink lenient(mapping, "d.jsonl", true);
    lenient.record({json{{"t", "a"}}, 1, 0});
    lenient.record({json{{"x", "b"}}, 2, 8});
    lenient.record({json{{"t", "c"}}, 3, 16});
    QCOMPARE(lenient.dataset().examples.size(), size_t(2));
    QCOMPARE(lenient.dataset().examples[1].sourceIndex, int64_t(2));
    QCOMPARE(lenient.rejects().size(), size_t(1));
    QCOMPARE(lenient.rejects()[0].line, int64_t(2));

    tunebench::MappingSink strict(mapping, "d.jsonl", false);
    try {
      strict.record({json{{"x", "b"}}, 2, 8});
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QCOMPARE(QString(e.what()), QString("d.jsonl: line 2 (byte offset 8): field \"t\": missing"));
    }
  }

  void datasetRoundTripsThroughJson() {
    for (auto kind : {DatasetKind::Instruction, DatasetKind::Chat, DatasetKind::Preference,
                      DatasetKind::RawText, DatasetKind::Classification}) {
      tunebench::Dataset d;
      d.kind = kind;
      tunebench::Example e;
      e.instruction = "i";
      e.input = "n";
      e.output = "o";
      e.text = "t";
      e.label = "l";
      e.messages = {{"user", "u"}};
      e.chosen = {{"assistant", "c"}};
      e.rejected = {{"assistant", "r"}};
      e.sourceIndex = 5;
      e.sourceLine = 9;
      d.examples.push_back(e);
      const auto back = tunebench::datasetFromJson(json::parse(tunebench::toJson(d).dump()));
      QCOMPARE(back.kind, kind);
      QCOMPARE(tunebench::toJson(back), tunebench::toJson(d));
    }
  }
};

QTEST_GUILESS_MAIN(SchemaMappingTest)
#include "tst_schema_mapping.moc"
