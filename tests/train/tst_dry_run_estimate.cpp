// The dry-run estimate against the Trainer: the same trainable and total parameters for every
// method, memory that grows with what is trained, times that are measured, nothing written, and
// the parser's messages for bad configs (also through `tunebench-cli train --dry-run`).
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "../core/CliRunner.h"
#include "common/Error.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "train/DryRunEstimate.h"
#include "train/Trainer.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

// Name, size and modification time of every file under a folder.
std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> listing(const std::string& folder) {
  std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file())
      files[entry.path().string()] = {entry.file_size(), entry.last_write_time()};
  return files;
}

nlohmann::json methodJson(const QString& method) {
  if (method == "lora") return {{"name", "lora"}, {"r", 4}, {"alpha", 8}};
  if (method == "rslora") return {{"name", "lora"}, {"r", 4}, {"alpha", 8}, {"rslora", true}};
  if (method == "dora")
    return {{"name", "dora"}, {"r", 4}, {"targets", {"q_proj", "v_proj", "o_proj"}}};
  if (method == "freeze") return {{"name", "freeze"}};
  return {{"name", "full"}};
}

}  // namespace

class DryRunEstimateTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string tiny_, starter_, train_;

  nlohmann::json config(const std::string& model, const QString& output) {
    return {{"model", model},
            {"output", dir_.filePath(output).toStdString()},
            {"data", {{"train", train_}, {"max_length", 48}}},
            {"optimizer", {{"name", "adamw"}, {"lr", 2e-4}}},
            {"schedule", {{"name", "linear"}, {"warmup_steps", 2}}},
            {"batch_size", 4},
            {"epochs", 2},
            {"threads", 1},
            {"seed", 7}};
  }
  DryRunEstimate estimate(const nlohmann::json& json) {
    BasicJobContext context;
    return estimateTrainingRun(parseTrainingConfig(json, "run.json"), context);
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    tiny_ = dir_.filePath("tiny").toStdString();
    makeRandomModel({"llama", "tiny", tiny_, 3});
    starter_ = dir_.filePath("starter").toStdString();
    makeRandomModel({"llama", "starter", starter_, 4});
    train_ = dir_.filePath("train.jsonl").toStdString();
    std::ofstream train(train_);
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 32; ++i)
      train << nlohmann::json{{"text", "The " + std::string(animals[i % 4]) + " counts " +
                                           std::to_string(i) + " stones by the river."}}
                   .dump()
            << "\n";
  }

  void parametersAreTheTrainers_data() {
    QTest::addColumn<QString>("method");
    for (const char* method : {"full", "freeze", "lora", "rslora", "dora"})
      QTest::newRow(method) << QString(method);
  }
  void parametersAreTheTrainers() {
    QFETCH(QString, method);
    auto json = config(tiny_, "trainer-" + method);
    json["method"] = methodJson(method);
    if (method == "freeze") json["freeze"] = {{"layers", 1}, {"embeddings", true}};
    json["max_steps"] = 1;
    const auto measured = estimate(json);
    QVERIFY(measured.completed);

    // What the Trainer says of the same config.
    BasicJobContext context;
    std::string trainerLine;
    context.onLog = [&](LogLevel, const std::string& text) {
      if (text.rfind("trainable parameters:", 0) == 0) trainerLine = text;
    };
    Trainer trainer(parseTrainingConfig(json, "run.json"), false);
    trainer.run(context);
    QCOMPARE(trainerLine, "trainable parameters: " + std::to_string(measured.trainableParameters) +
                              " of " + std::to_string(measured.totalParameters));
    if (method == "full")
      QCOMPARE(measured.trainableParameters, measured.totalParameters);
    else
      QVERIFY(measured.trainableParameters < measured.totalParameters);
    QVERIFY(measured.trainableParameters > 0);
  }

  // Memory of the starter-size model: full fine-tuning keeps gradients and two AdamW moments for
  // every weight, LoRA for its adapters only. LoRA runs first, so memory it left behind could
  // only hide the difference.
  void fullNeedsMoreMemoryThanLora() {
    auto loraJson = config(starter_, "lora");
    loraJson["method"] = methodJson("lora");
    const auto lora = estimate(loraJson);
    const auto full = estimate(config(starter_, "full"));
    QVERIFY(lora.completed && full.completed);
    qInfo("starter (random) LoRA: +%.1f MiB peak %.1f MiB, %.1f ms/step, %.0f tokens/s",
          lora.peakIncreaseBytes() / 1048576.0, lora.peakResidentBytes / 1048576.0,
          lora.meanStepSeconds * 1000, lora.tokensPerSecond);
    qInfo("starter (random) full: +%.1f MiB peak %.1f MiB, %.1f ms/step, %.0f tokens/s",
          full.peakIncreaseBytes() / 1048576.0, full.peakResidentBytes / 1048576.0,
          full.meanStepSeconds * 1000, full.tokensPerSecond);
    qInfo("memory measured as %s", full.memoryMethod.c_str());
    QVERIFY(lora.peakIncreaseBytes() > 0);
    QVERIFY(lora.peakResidentBytes > 0);
    // Gradients alone are 4 bytes per trainable weight; the moments double that again.
    const auto weights = static_cast<int64_t>(4 * full.totalParameters);
    QVERIFY2(full.peakIncreaseBytes() - lora.peakIncreaseBytes() > weights,
             qPrintable(QString("full +%1, LoRA +%2, weights %3")
                            .arg(full.peakIncreaseBytes())
                            .arg(lora.peakIncreaseBytes())
                            .arg(weights)));
    QVERIFY(full.formulaBytes > lora.formulaBytes);
  }

  void timesAreMeasuredAndScaledToTheRun() {
    const auto measured = estimate(config(tiny_, "times"));
    QVERIFY(measured.completed);
    QVERIFY(!measured.syntheticBatches);
    QCOMPARE(measured.timedSteps, int64_t(3));
    QVERIFY(measured.meanStepSeconds > 0);
    QVERIFY(measured.fastestStepSeconds <= measured.meanStepSeconds);
    QVERIFY(measured.slowestStepSeconds >= measured.meanStepSeconds);
    QVERIFY(measured.tokensPerSecond > 0);
    QCOMPARE(measured.trainingExamples, int64_t(32));
    QCOMPARE(measured.totalSteps, int64_t(16));  // 32 examples / 4 per step × 2 epochs
    QCOMPARE(measured.estimatedTrainingSeconds, 16 * measured.meanStepSeconds);
    QVERIFY(measured.longestRow > 2 && measured.longestRow <= 48);
    const auto text = describeDryRunEstimate(measured);
    QVERIFY(text.find("tokens/s") != std::string::npos);
    QVERIFY(text.find("for 16 optimiser steps") != std::string::npos);
    QCOMPARE(dryRunEstimateJson(measured)["total_steps"].get<int64_t>(), int64_t(16));
  }

  void missingFileGivesSyntheticFullLengthBatches() {
    auto json = config(tiny_, "synthetic");
    json["data"]["train"] = dir_.filePath("absent.jsonl").toStdString();
    json["max_steps"] = 40;
    json["gradient_accumulation"] = 2;
    const auto measured = estimate(json);
    QVERIFY(measured.completed);
    QVERIFY(measured.syntheticBatches);
    QVERIFY(measured.dataNote.find("does not exist") != std::string::npos);
    QCOMPARE(measured.longestRow, int64_t(48));
    QCOMPARE(measured.gradientAccumulation, int64_t(2));
    QCOMPARE(measured.totalSteps, int64_t(40));
    QVERIFY(measured.estimatedTrainingSeconds > 0);

    json.erase("max_steps");
    const auto unknown = estimate(json);
    QCOMPARE(unknown.totalSteps, int64_t(0));
    QVERIFY(unknown.estimatedTrainingSeconds < 0);
  }

  void writesNothing() {
    const auto before = listing(tiny_);
    const auto output = dir_.filePath("untouched").toStdString();
    auto json = config(tiny_, "untouched");
    json["method"] = methodJson("lora");
    QVERIFY(estimate(json).completed);
    QVERIFY(!fs::exists(output));
    QVERIFY(listing(tiny_) == before);
  }

  void cancelStopsBeforeTheSteps() {
    BasicJobContext context;
    context.onProgress = [&](int64_t, int64_t, const std::string& text) {
      if (text.rfind("warm-up", 0) == 0) context.cancel();
    };
    const auto measured =
        estimateTrainingRun(parseTrainingConfig(config(tiny_, "canceled"), "run.json"), context);
    QVERIFY(!measured.completed);
    QVERIFY(measured.timedSteps == 0);
  }

  void badConfigsGiveTheParsersMessage_data() {
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("message");
    QTest::newRow("learning rate") << R"({"optimizer": {"lr": -1}})"
                                   << "optimizer.lr must be between 1e-12 and 100 (got -1)";
    QTest::newRow("unknown method") << R"({"method": {"name": "prefix_tuning"}})"
                                    << "method.name must be one of full, freeze, lora, dora";
    QTest::newRow("batch size") << R"({"batch_size": 0})"
                                << "batch_size must be between 1";
  }
  void badConfigsGiveTheParsersMessage() {
    QFETCH(QString, change);
    QFETCH(QString, message);
    auto json = config(tiny_, "bad");
    json.merge_patch(nlohmann::json::parse(change.toStdString()));
    const auto file = dir_.filePath("bad.json");
    std::ofstream(file.toStdString()) << json.dump();
    try {
      loadTrainingConfig(file.toStdString());
      QFAIL("the parser accepted the config");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
    const auto cli = runCli({"train", "--config", file, "--dry-run"});
    QVERIFY(cli.exitCode != 0);
    QVERIFY2(cli.err.contains(file + ": " + message), qPrintable(cli.err));
    QVERIFY(!fs::exists(dir_.filePath("bad").toStdString()));
  }

  void missingModelIsNamed() {
    auto json = config(dir_.filePath("no-model").toStdString(), "no-model-out");
    try {
      estimate(json);
      QFAIL("a missing model folder was accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(dir_.filePath("no-model")), e.what());
    }
  }

  void cliPrintsTheEstimate() {
    auto json = config(tiny_, "cli");
    json["method"] = methodJson("lora");
    const auto file = dir_.filePath("cli.json");
    std::ofstream(file.toStdString()) << json.dump();
    const auto text = runCli({"train", "--config", file, "--dry-run"});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("peak resident memory:"), qPrintable(text.out));
    QVERIFY(text.out.contains("tokens/s"));
    QVERIFY(text.out.contains("estimated training time:"));
    const auto asJson = runCli({"train", "--config", file, "--dry-run", "--json"});
    QCOMPARE(asJson.exitCode, 0);
    const auto parsed = nlohmann::json::parse(asJson.out.toStdString());
    QVERIFY(parsed["completed"].get<bool>());
    QVERIFY(parsed["peak_resident_bytes"].get<int64_t>() > 0);
    QVERIFY(!fs::exists(dir_.filePath("cli").toStdString()));
  }
};

QTEST_GUILESS_MAIN(DryRunEstimateTest)
#include "tst_dry_run_estimate.moc"
