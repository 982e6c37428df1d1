// `tunebench-cli data ...` end to end through the real binary.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "CliRunner.h"

#include <fstream>

#include "DataTestSupport.h"

namespace {

QString write(const QTemporaryDir& dir, const QString& name, const std::string& bytes) {
  const QString path = dir.filePath(name);
  std::ofstream(path.toStdString(), std::ios::binary) << bytes;
  return path;
}

QStringList readLines(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

#define EXPECT_EXIT(result, code)                                                             \
  QVERIFY2((result).exitCode == (code), qPrintable(QString("exit %1\nstdout: %2\nstderr: %3") \
                                                       .arg((result).exitCode)                \
                                                       .arg((result).out, (result).err)))

}  // namespace

class CliDataTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString project_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    project_ = dir_.filePath("p.tbproj");
    EXPECT_EXIT(runCli({"project", "create", project_}), 0);
  }

  void importListCleanSplitExport() {
    const auto file = write(dir_, "mail.jsonl", datatest::classificationJsonl());
    auto r = runCli({"data", "import", project_, file});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("imported 100 records as dataset \"mail\" version 1 (classification)"),
             qPrintable(r.out));

    const auto recipe = write(dir_, "recipe.json", R"({"steps": [{"id": "exact-dedup"}]})");
    r = runCli({"data", "clean", project_, "mail", "--recipe", recipe});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("exact-dedup: 100 in, 90 kept, 10 removed"), qPrintable(r.out));
    QVERIFY2(r.out.contains("stored version 2 with 90 records (from version 1)"),
             qPrintable(r.out));

    r = runCli({"data", "split", project_, "mail", "--method", "stratified", "--validation", "0.1",
                "--test", "0.1", "--seed", "4"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("stored version 3 (split of version 2): test=9 train=72 validation=9"),
             qPrintable(r.out));

    r = runCli({"data", "list", project_});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("mail (classification) from mail.jsonl"), qPrintable(r.out));
    QVERIFY2(r.out.contains("v1: 100 records, imported"), qPrintable(r.out));
    QVERIFY2(r.out.contains("v2: 90 records, from v1 by exact-dedup"), qPrintable(r.out));
    QVERIFY2(r.out.contains("v3: 90 records, from v2 by split, split test=9 train=72"),
             qPrintable(r.out));

    r = runCli({"data", "profile", project_, "mail", "--version", "1"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("version 1: 100 examples (classification)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("exact duplicates: 10"), qPrintable(r.out));

    const auto out = dir_.filePath("train.jsonl");
    r = runCli(
        {"data", "export", project_, "mail", "--version", "3", "--split", "train", "--out", out});
    EXPECT_EXIT(r, 0);
    const auto lines = readLines(out);
    QCOMPARE(lines.size(), 72);
    // The file now exists: replacing it needs --force; a folder is never written as a file.
    r = runCli({"data", "export", project_, "mail", "--version", "3", "--out", out});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains(out + " already exists: pass --force"), qPrintable(r.err));
    QCOMPARE(readLines(out).size(), 72);
    r = runCli({"data", "export", project_, "mail", "--version", "3", "--out", dir_.path()});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("is a folder"), qPrintable(r.err));
    r = runCli({"data", "export", project_, "mail", "--version", "3", "--split", "train", "--out",
                out, "--force"});
    EXPECT_EXIT(r, 0);
    for (const auto& line : lines) {
      const auto record = QJsonDocument::fromJson(line.toUtf8()).object();
      QVERIFY(record.contains("prompt") && record.contains("response") && record.contains("text"));
      QVERIFY(record["response"].toString() == "spam" || record["response"].toString() == "ham");
    }
  }

  void badRowsFailOrAreSkipped() {
    std::string text = datatest::textJsonl();
    text.insert(text.find('\n') + 1, "{\"text\": \"unterminated\n");
    const auto file = write(dir_, "broken.jsonl", text);
    auto r = runCli({"data", "import", project_, file, "--name", "broken"});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("broken.jsonl") && r.err.contains("line 2"), qPrintable(r.err));
    r = runCli({"data", "list", project_});
    QVERIFY2(!r.out.contains("broken"), qPrintable(r.out));  // nothing was left behind

    r = runCli({"data", "import", project_, file, "--name", "broken", "--skip-bad-rows"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("imported 20 records"), qPrintable(r.out));
    QVERIFY2(r.out.contains("rejected rows: 1"), qPrintable(r.out));

    // The skipped row, written out to be repaired.
    const auto rejects = dir_.filePath("broken-rejects.jsonl");
    r = runCli({"data", "rejects", project_, "broken", "--out", rejects});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("wrote 1 rejected rows"), qPrintable(r.out));
    const auto lines = readLines(rejects);
    QCOMPARE(lines.size(), 1);
    const auto record = QJsonDocument::fromJson(lines[0].toUtf8()).object();
    QCOMPARE(record["line"].toInt(), 2);
    QVERIFY(record["raw"].toString().contains("unterminated"));
    QVERIFY(!record["problem"].toString().isEmpty());
    r = runCli({"data", "rejects", project_, "broken", "--out", rejects});
    EXPECT_EXIT(r, 1);  // not replaced unless asked
    QVERIFY2(r.err.contains("--force"), qPrintable(r.err));
  }

  void explicitMappingAndFormat() {
    const auto file = write(dir_, "pairs.txt", "q,a\nwhat,that\nwho,them\n");
    auto r =
        runCli({"data", "import", project_, file, "--format", "csv", "--name", "pairs", "--mapping",
                R"({"kind": "instruction", "columns": {"instruction": "q", "output": "a"}})"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("imported 2 records as dataset \"pairs\" version 1 (instruction)"),
             qPrintable(r.out));
    const auto out = dir_.filePath("pairs.jsonl");
    r = runCli({"data", "export", project_, "pairs", "--out", out});
    EXPECT_EXIT(r, 0);
    const auto lines = readLines(out);
    QCOMPARE(lines.size(), 2);
    const auto first = QJsonDocument::fromJson(lines[0].toUtf8()).object();
    QCOMPARE(first["response"].toString(), QString("that"));
    QVERIFY(first["prompt"].toString().contains("### Instruction:\nwhat"));

    // The model's own chat template (only tokenizer_config.json is read).
    QTemporaryDir model;
    write(
        model, "tokenizer_config.json",
        R"({"chat_template": "{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}"})");
    const auto templated = dir_.filePath("pairs-templated.jsonl");
    r = runCli({"data", "export", project_, "pairs", "--out", templated, "--template", "model",
                "--model", model.path()});
    EXPECT_EXIT(r, 0);
    const auto record = QJsonDocument::fromJson(readLines(templated)[0].toUtf8()).object();
    QCOMPARE(record["prompt"].toString(), QString("<user>what</user><assistant>"));
    QCOMPARE(record["response"].toString(), QString("that</assistant>"));
    r = runCli({"data", "export", project_, "pairs", "--out", templated, "--template", "model"});
    EXPECT_EXIT(r, 2);
    QVERIFY2(r.err.contains("--template model needs --model"), qPrintable(r.err));
    QTemporaryDir noTemplate;
    write(noTemplate, "tokenizer_config.json", "{}");
    r = runCli({"data", "export", project_, "pairs", "--out", templated, "--template", "model",
                "--model", noTemplate.path()});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("has no chat_template"), qPrintable(r.err));
  }

  void balanceStoresAVersionAndPrintsWeights() {
    std::string text;
    for (int i = 0; i < 9; ++i)
      text += "{\"text\": \"review " + std::to_string(i) + "\", \"sentiment\": \"" +
              (i % 3 == 2 ? "pos" : "neg") + "\"}\n";
    const auto file = write(dir_, "reviews.jsonl", text);
    auto r = runCli(
        {"data", "import", project_, file, "--mapping",
         R"({"kind": "classification", "columns": {"text": "text", "label": "sentiment"}})"});
    EXPECT_EXIT(r, 0);

    r = runCli({"data", "balance", project_, "reviews", "--label", "sentiment", "--class-weights"});
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral(R"({"neg": 0.75, "pos": 1.5})"));
    QVERIFY(QJsonDocument::fromJson(r.out.toUtf8()).isObject());

    r = runCli({"data", "balance", project_, "reviews", "--label", "sentiment", "--method",
                "oversample", "--seed", "5"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("stored version 2 (oversample of version 1 by \"sentiment\", seed "
                            "5): 9 -> 12 records\n  neg: 6 -> 6\n  pos: 3 -> 6\n"),
             qPrintable(r.out));
    r = runCli({"data", "balance", project_, "reviews", "--version", "1", "--label", "sentiment",
                "--method", "undersample"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("stored version 3 (undersample of version 1 by \"sentiment\", seed "
                            "0): 9 -> 6 records\n  neg: 6 -> 3\n  pos: 3 -> 3\n"),
             qPrintable(r.out));
    // A field that some row lacks is named with the version and the row.
    r = runCli({"data", "balance", project_, "reviews", "--version", "1", "--label", "stars",
                "--method", "oversample"});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("dataset \"reviews\" version 1, row 0 (line 1): the label field "
                            "\"stars\" is missing"),
             qPrintable(r.err));
    r = runCli({"data", "list", project_});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("v1: 9 records, imported"), qPrintable(r.out));
    QVERIFY2(r.out.contains("v2: 12 records, from v1 by balance (oversample of \"sentiment\", "
                            "seed 5: neg=6 pos=6)"),
             qPrintable(r.out));
    QVERIFY2(!r.out.contains("v4:"), qPrintable(r.out));  // the failed one stored nothing
    r = runCli({"data", "balance", project_, "reviews", "--label", "sentiment"});
    EXPECT_EXIT(r, 2);
    QVERIFY2(r.err.contains("--method oversample or undersample is needed"), qPrintable(r.err));
    EXPECT_EXIT(runCli({"data", "balance", project_, "reviews", "--label", "sentiment", "--method",
                        "oversample", "--class-weights"}),
                2);
  }

  void usageErrorsExitWithTwo() {
    EXPECT_EXIT(runCli({"data", "split", project_, "mail", "--method", "sideways"}), 2);
    EXPECT_EXIT(runCli({"data", "import", project_}), 2);
    const auto file = write(dir_, "x.jsonl", datatest::textJsonl());
    const auto r = runCli({"data", "import", project_, file, "--mapping", "{not json"});
    EXPECT_EXIT(r, 2);
    QVERIFY2(r.err.contains("--mapping"), qPrintable(r.err));
  }

  void missingThingsExitWithOne() {
    auto r = runCli({"data", "profile", project_, "nosuch"});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("no dataset \"nosuch\""), qPrintable(r.err));
    r = runCli({"data", "export", project_, "mail", "--version", "1", "--split", "train", "--out",
                dir_.filePath("unsplit.jsonl")});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains("has no splits"), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir_.filePath("unsplit.jsonl")));
  }
};

QTEST_GUILESS_MAIN(CliDataTest)
#include "tst_cli_data.moc"
