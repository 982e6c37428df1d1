// `tunebench-cli data profile --model` and `data preview` through the real binary, checked against
// the tokenizer itself and against the trainer's loader reading what `data export` wrote.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "CliRunner.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/LineReader.h"
#include "tokenizer/SentencePieceProcessor.h"
#include "train/TrainingData.h"

namespace {

#define EXPECT_EXIT(result, code)                                                             \
  QVERIFY2((result).exitCode == (code), qPrintable(QString("exit %1\nstdout: %2\nstderr: %3") \
                                                       .arg((result).exitCode)                \
                                                       .arg((result).out, (result).err)))

std::string instructionJsonl() {
  std::string text;
  for (int i = 0; i < 30; ++i) {
    std::string output;
    for (int k = 0; k <= i; ++k) output += (k ? " and " : "") + std::to_string(k * 7);
    text += nlohmann::json{{"instruction", "Count in sevens up to " + std::to_string(i) + "."},
                           {"input", i % 2 ? "Start at zero." : ""},
                           {"output", output}}
                .dump() +
            "\n";
  }
  return text;
}

std::vector<nlohmann::json> readRecords(const QString& path) {
  std::vector<nlohmann::json> records;
  tunebench::LineReader reader(path.toStdString(), 1 << 20);
  std::string line;
  while (reader.next(line))
    if (!line.empty()) records.push_back(nlohmann::json::parse(line));
  return records;
}

}  // namespace

class CliTokenProfileTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString project_, model_;

  nlohmann::json profileJson(const QStringList& extra) {
    auto r = runCli(
        QStringList{"data", "profile", project_, "counts", "--model", model_, "--json"} + extra);
    if (r.exitCode != 0) qWarning() << r.err;
    return nlohmann::json::parse(r.out.toStdString());
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    project_ = dir_.filePath("p.tbproj");
    model_ = dir_.filePath("model");
    EXPECT_EXIT(runCli({"project", "create", project_}), 0);
    const QString file = dir_.filePath("counts.jsonl");
    std::ofstream(file.toStdString(), std::ios::binary) << instructionJsonl();
    EXPECT_EXIT(runCli({"data", "import", project_, file}), 0);
    EXPECT_EXIT(runCli({"make-model", "--arch", "llama", "--preset", "tiny", "--out", model_}), 0);
  }

  void profileJsonCountsWithTheModelTokenizer() {
    const QString exported = dir_.filePath("counts-alpaca.jsonl");
    EXPECT_EXIT(runCli({"data", "export", project_, "counts", "--out", exported}), 0);
    const auto records = readRecords(exported);
    QCOMPARE(records.size(), size_t(30));
    const auto spm =
        tunebench::SentencePieceProcessor::fromFile(model_.toStdString() + "/tokenizer.model");
    std::vector<size_t> lengths;
    for (const auto& r : records)
      lengths.push_back(2 + spm.encode(r["prompt"].get<std::string>()).size() +
                        spm.encode(r["response"].get<std::string>()).size());
    std::sort(lengths.begin(), lengths.end());
    // A cut between the 20th and 21st longest sequences leaves exactly 10 over it.
    const size_t cut = lengths[19];
    QVERIFY(lengths[20] > cut);

    const auto json = profileJson({"--max-length", QString::number(cut), "--bins", "4"});
    QCOMPARE(json["examples"].get<size_t>(), size_t(30));
    QVERIFY(json["tokenizer"].get<std::string>().find("tokenizer.model") != std::string::npos);
    const auto& tokens = json["tokens"];
    QCOMPARE(tokens["objective"].get<std::string>(), std::string("sft"));
    QCOMPARE(tokens["template"].get<std::string>(), std::string("alpaca"));
    QCOMPARE(tokens["maxLength"].get<size_t>(), cut);
    QCOMPARE(tokens["training"]["min"].get<size_t>(), lengths.front());
    QCOMPARE(tokens["training"]["max"].get<size_t>(), lengths.back());
    QCOMPARE(tokens["training"]["p50"].get<size_t>(), lengths[14]);  // nearest rank: 15th of 30
    QCOMPARE(tokens["training"]["histogram"]["counts"].size(), size_t(4));
    QCOMPARE(tokens["truncated"].get<size_t>(), size_t(10));
    QCOMPARE(json["truncatedShare"].get<double>(), 10.0 / 30.0);
    size_t outputMax = 0;
    for (const auto& r : records)
      outputMax = std::max(outputMax, spm.encode(r["response"].get<std::string>()).size());
    QCOMPARE(tokens["fields"]["output"]["max"].get<size_t>(), outputMax);  // the response is it
    QVERIFY(json.contains("characters"));

    // Without --max-length the model's 256 positions apply.
    QCOMPARE(profileJson({})["tokens"]["maxLength"].get<int>(), 256);
    QCOMPARE(profileJson({"--template", "chatml"})["tokens"]["template"].get<std::string>(),
             std::string("chatml"));
  }

  void profileText() {
    const auto r =
        runCli({"data", "profile", project_, "counts", "--model", model_, "--max-length", "40"});
    EXPECT_EXIT(r, 0);
    QVERIFY2(r.out.contains("version 1: 30 examples (instruction)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("(sft, template alpaca, max length 40)"), qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression("tokens instruction: min [0-9]+, mean [0-9.]+, "
                                               "p50 [0-9]+, p90 [0-9]+, p99 [0-9]+, max [0-9]+")),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("tokens training text: min"), qPrintable(r.out));
    QVERIFY2(r.out.contains("training text histogram (tokens):"), qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression("truncated at 40: [0-9]+ of 30 \\([0-9.]+%\\)")),
             qPrintable(r.out));
    // Without --model the profile stays in characters.
    const auto plain = runCli({"data", "profile", project_, "counts"});
    EXPECT_EXIT(plain, 0);
    QVERIFY(!plain.out.contains("tokens training text"));
  }

  void previewAgreesWithTheTrainer_data() {
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("maxLength");
    QTest::newRow("row 0 alpaca") << 0 << "alpaca" << 256;
    QTest::newRow("row 17 alpaca") << 17 << "alpaca" << 256;
    QTest::newRow("row 29 chatml") << 29 << "chatml" << 256;
    QTest::newRow("row 29 cut") << 29 << "alpaca" << 50;
  }

  void previewAgreesWithTheTrainer() {
    QFETCH(int, row);
    QFETCH(QString, preset);
    QFETCH(int, maxLength);
    const QString exported = dir_.filePath(preset + ".jsonl");
    if (!QFile::exists(exported))
      EXPECT_EXIT(
          runCli({"data", "export", project_, "counts", "--template", preset, "--out", exported}),
          0);
    // The trainer reads the exported row on its own.
    const auto records = readRecords(exported);
    const QString single = dir_.filePath("single.jsonl");
    std::ofstream(single.toStdString(), std::ios::binary) << records.at(size_t(row)).dump() << "\n";
    tunebench::DataConfig config;
    config.maxLength = maxLength;
    const auto trained =
        tunebench::loadTrainingDataset(single.toStdString(), config, tunebench::Objective::Sft,
                                       tunebench::encoderForModelFolder(model_.toStdString()));
    const auto& expected = trained.examples.at(0);

    const auto r = runCli({"data", "preview", project_, "counts", "--model", model_, "--row",
                           QString::number(row), "--template", preset, "--max-length",
                           QString::number(maxLength), "--json"});
    EXPECT_EXIT(r, 0);
    const auto json = nlohmann::json::parse(r.out.toStdString());
    QCOMPARE(json["tokens"].size(), expected.ids.size());
    for (size_t i = 0; i < expected.ids.size(); ++i) {
      QCOMPARE(json["tokens"][i]["id"].get<int64_t>(), expected.ids[i]);
      QCOMPARE(json["tokens"][i]["loss"].get<bool>(),
               expected.labels[i] != tunebench::kIgnoredLabel);
    }
    QCOMPARE(json["truncated"].get<bool>(), trained.truncated == 1);

    // The listing shows the same flags, one token a line.
    const auto text = runCli({"data", "preview", project_, "counts", "--model", model_, "--row",
                              QString::number(row), "--template", preset, "--max-length",
                              QString::number(maxLength)});
    EXPECT_EXIT(text, 0);
    QVERIFY2(text.out.contains(
                 QString("row %1 of version 1 (sft, %2 tokens").arg(row).arg(expected.ids.size())),
             qPrintable(text.out));
    size_t losses = 0;
    for (int64_t label : expected.labels) losses += label != tunebench::kIgnoredLabel;
    QVERIFY2(text.out.contains(QString(", %1 with loss").arg(losses)), qPrintable(text.out));
    const QStringList lines = text.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), int(expected.ids.size()) + 2);  // header, column names, tokens
    QVERIFY2(lines[2].contains(QRegularExpression("^ +0 +1  -  +<s>$")), qPrintable(lines[2]));
    QVERIFY2(lines.last().contains(QRegularExpression(" yes +</s>$")) || json["truncated"] == true,
             qPrintable(lines.last()));
  }

  void errors() {
    const QString missing = dir_.filePath("no-such-model");
    auto r = runCli({"data", "profile", project_, "counts", "--model", missing});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains(missing), qPrintable(r.err));
    r = runCli({"data", "preview", project_, "counts", "--model", missing});
    EXPECT_EXIT(r, 1);
    QVERIFY2(r.err.contains(missing), qPrintable(r.err));

    r = runCli({"data", "preview", project_, "counts", "--model", model_, "--row", "30"});
    EXPECT_EXIT(r, 2);
    QVERIFY2(r.err.contains("row 30 is out of range: rows are numbered 0 to 29"),
             qPrintable(r.err));

    r = runCli({"data", "profile", project_, "counts", "--max-length", "64"});  // needs --model
    EXPECT_EXIT(r, 2);
    QVERIFY2(r.err.contains("--model"), qPrintable(r.err));
    r = runCli({"data", "preview", project_, "counts"});  // --model is required
    EXPECT_EXIT(r, 2);
    QVERIFY2(r.err.contains("--model"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(CliTokenProfileTest)
#include "tst_cli_token_profile.moc"
