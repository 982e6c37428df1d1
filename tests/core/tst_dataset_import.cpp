// The import job: importer plugin + schema detection + mapping, end to end from files.
#include <QTemporaryDir>
#include <QtTest>

#include "ImportTestSupport.h"
#include "common/Error.h"
#include "data/DatasetImport.h"

class DatasetImportTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void detectsAndMapsCsv() {
    const std::string path = tbtest::writeFile(
        dir_, "reviews.csv", "sentence,label\n\"great, really\",pos\nawful,neg\nfine,pos\n");
    tunebench::DatasetImportJob job(tbtest::importer("csv"), {path, false, {}});
    tunebench::BasicJobContext context;
    job.run(context);
    const auto& result = job.result();
    QCOMPARE(result.mapping.kind, tunebench::DatasetKind::Classification);
    QCOMPARE(result.dataset.examples.size(), size_t(3));
    QCOMPARE(result.dataset.examples[0].text, std::string("great, really"));
    QCOMPARE(result.dataset.examples[1].label, std::string("neg"));
    QCOMPARE(result.dataset.examples[2].sourceLine, int64_t(4));
  }

  void explicitMappingAndRejects() {
    const std::string path = tbtest::writeFile(
        dir_, "chat.jsonl",
        "{\"c\":[{\"from\":\"human\",\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"yo\"}]}\n"
        "{\"c\":\"not a list\"}\n"
        "{\"c\": }\n"
        "{\"c\":[{\"from\":\"human\",\"value\":\"bye\"}]}\n");
    tunebench::ColumnMapping mapping;
    mapping.kind = tunebench::DatasetKind::Chat;
    mapping.columns = {{"messages", "c"}};
    mapping.roleKey = "from";
    mapping.contentKey = "value";
    mapping.roleNames = {{"human", "user"}, {"gpt", "assistant"}};
    tbtest::CollectingSink raw;
    tunebench::DatasetImportJob job(tbtest::importer("jsonl"), {path, true, {}}, mapping, &raw);
    tunebench::BasicJobContext context;
    job.run(context);
    const auto& result = job.result();
    QCOMPARE(result.dataset.examples.size(), size_t(2));
    QCOMPARE(result.dataset.examples[0].messages[1].role, std::string("assistant"));
    QCOMPARE(result.rejects.size(), size_t(2));
    QCOMPARE(result.rejects[0].line, int64_t(2));
    QCOMPARE(result.rejects[1].line, int64_t(3));
    QCOMPARE(raw.records.size(), size_t(3));  // the raw import keeps what was read

    // Without skipping, the first bad row aborts the whole import.
    tunebench::DatasetImportJob strict(tbtest::importer("jsonl"), {path, false, {}}, mapping);
    try {
      strict.run(context);
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QCOMPARE(QString(e.what()), QString::fromStdString(path) +
                                      ": line 2 (byte offset 66): field \"c\": expected a list of "
                                      "messages, found string");
    }
  }

  void unknownShapeNamesTheFields() {
    const std::string path = tbtest::writeFile(dir_, "odd.json", "[{\"foo\":1,\"bar\":\"x\"}]");
    tunebench::DatasetImportJob job(tbtest::importer("json"), {path, false, {}});
    tunebench::BasicJobContext context;
    try {
      job.run(context);
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString(e.what()).contains("map the columns by hand (fields: bar, foo)"), e.what());
    }
  }

  // A file whose first rows are all bad: the reader's error, not "no records to look at".
  void detectionShowsTheReadersErrorWhenNoRowReads() {
    const std::string path =
        tbtest::writeFile(dir_, "all-bad.csv", "instruction,output\n\"never closed,x\n");
    tunebench::DatasetImportJob job(tbtest::importer("csv"), {path, false, {}});
    tunebench::BasicJobContext context;
    try {
      job.run(context);
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString(e.what()).contains(QString::fromStdString(path) +
                                          ": line 2, column 1 (byte offset 19): unterminated "
                                          "quoted field"),
               e.what());
      QVERIFY2(QString(e.what()).contains("no readable record to guess the columns from"),
               e.what());
    }
  }

  // A file of many columns: the message names the first 20 and counts the rest.
  void longFieldListsAreCut() {
    std::string header, row;
    for (int i = 0; i < 5000; ++i) {
      header += (i ? "," : "") + std::string("column_") + std::to_string(i);
      row += (i ? "," : "") + std::to_string(i);
    }
    const std::string path = tbtest::writeFile(dir_, "wide.csv", header + "\n" + row + "\n");
    tunebench::DatasetImportJob job(tbtest::importer("csv"), {path, false, {}});
    tunebench::BasicJobContext context;
    try {
      job.run(context);
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(QString(e.what()).contains("and 4980 more)"), e.what());
      QVERIFY(std::string(e.what()).size() < 1000);
    }
  }

  void sampleStopsEarly() {
    std::string many;
    for (int i = 0; i < 50000; ++i) many += "{\"text\":\"t" + std::to_string(i) + "\"}\n";
    const std::string path = tbtest::writeFile(dir_, "many.jsonl", many);
    const auto sample = tunebench::sampleRecords(*tbtest::importer("jsonl"), {path, false, {}}, 10);
    QCOMPARE(sample.size(), size_t(10));
    QCOMPARE(sample[9]["text"].get<std::string>(), std::string("t9"));
  }

  void canceledImportKeepsNothing() {
    std::string many;
    for (int i = 0; i < 50000; ++i) many += "{\"text\":\"t\"}\n";
    const std::string path = tbtest::writeFile(dir_, "cancel.jsonl", many);
    tunebench::DatasetImportJob job(tbtest::importer("jsonl"), {path, false, {}});
    tunebench::BasicJobContext context;
    context.onProgress = [&](int64_t done, int64_t, const std::string&) {
      if (done > 0) context.cancel();
    };
    job.run(context);
    QVERIFY(job.result().canceled);
    QVERIFY(job.result().dataset.examples.empty());
  }
};

QTEST_GUILESS_MAIN(DatasetImportTest)
#include "tst_dataset_import.moc"
