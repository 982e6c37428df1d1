#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "../train/TrainingRecorder.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "train/Trainer.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

using Recorder = tunebench::testing::TrainingRecorder;

torch::Tensor logitsOf(CausalLMImpl& model) {
  torch::NoGradGuard noGrad;
  model.eval();
  ForwardInput input;
  input.inputIds = torch::arange(3, 23, torch::kInt64).view({2, 10}) % 50;
  return model.forward(input);
}

}  // namespace

class LoraTrainingTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_;
  std::string data_;

  nlohmann::json loraConfig(const QString& output) {
    return {{"model", model_},
            {"output", dir_.filePath(output).toStdString()},
            {"data", {{"train", data_ + "/train.jsonl"}, {"max_length", 48}}},
            {"optimizer", {{"name", "adamw"}, {"lr", 0.02}}},
            {"schedule", {{"name", "constant"}}},
            {"method",
             {{"name", "lora"},
              {"r", 4},
              {"alpha", 8},
              {"dropout", 0.1},
              {"targets",
               {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}}}},
            {"batch_size", 4},
            {"epochs", 3},
            {"threads", 1},
            {"seed", 7}};
  }
  TrainingResult train(const nlohmann::json& json, Recorder& recorder, bool resume = false) {
    Trainer trainer(parseTrainingConfig(json, "run.json"), resume);
    trainer.run(recorder.context);
    return trainer.result();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    data_ = dir_.path().toStdString();
    std::ofstream train(data_ + "/train.jsonl");
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 32; ++i) {
      const int a = i % 10, b = (i * 7) % 10;
      nlohmann::json record{{"text", "The " + std::string(animals[i % 4]) + " has " +
                                         std::to_string(a) + " and " + std::to_string(b) + "."}};
      train << record.dump() << "\n";
    }
  }

  void trainingMovesOnlyAdapters() {
    auto json = loraConfig("train");
    Trainer trainer(parseTrainingConfig(json, "run.json"), false);
    std::map<std::string, torch::Tensor> first;
    std::vector<std::string> changedBase, unchangedAdapters;
    const int64_t lastStep = 3 * 8 - 1;
    trainer.hooks.afterBackward = [&](int64_t step, CausalLMImpl& model) {
      if (step == 0)
        for (const auto& item : model.named_parameters())
          first[item.key()] = item.value().detach().clone();
      if (step != lastStep) return;
      for (const auto& item : model.named_parameters()) {
        const bool same = torch::equal(item.value(), first.at(item.key()));
        const bool adapter = item.key().find(".lora_") != std::string::npos;
        if (!adapter && !same) changedBase.push_back(item.key());
        if (adapter && same) unchangedAdapters.push_back(item.key());
      }
    };
    Recorder recorder;
    trainer.run(recorder.context);
    const auto result = trainer.result();
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    QVERIFY(!first.empty());
    QVERIFY2(changedBase.empty(), changedBase.empty() ? "" : changedBase.front().c_str());
    QVERIFY2(unchangedAdapters.empty(),
             unchangedAdapters.empty() ? "" : unchangedAdapters.front().c_str());
    const double firstLoss = recorder.losses.begin()->second,
                 lastLoss = recorder.losses.rbegin()->second;
    QVERIFY2(lastLoss < 0.9 * firstLoss,
             qPrintable(QString("%1 -> %2").arg(firstLoss).arg(lastLoss)));
    bool reported = false;
    for (const auto& line : recorder.logs)
      reported |= line.rfind("trainable parameters: ", 0) == 0;
    QVERIFY(reported);

    // The adapter in PEFT layout on the untouched base gives the merged final model's logits.
    QCOMPARE(result.adapterFolder, json["output"].get<std::string>() + "/adapter");
    QVERIFY(fs::exists(result.adapterFolder + "/adapter_config.json"));
    auto merged = loadModelFolder(result.finalModelFolder);
    auto base = loadModelFolder(model_);
    const auto baseLogits = logitsOf(*base.model);
    loadPeftAdapter(*base.model, result.adapterFolder);
    const auto adapted = logitsOf(*base.model);
    QVERIFY(!torch::allclose(adapted, baseLogits, 0, 1e-3));
    QVERIFY(torch::allclose(logitsOf(*merged.model), adapted, 1e-5, 1e-5));
  }

  void resumeContinuesBitForBit_data() {
    QTest::addColumn<QString>("method");
    QTest::newRow("lora") << "lora";
    QTest::newRow("dora") << "dora";
    QTest::newRow("qlora") << "qlora";
  }
  void resumeContinuesBitForBit() {
    QFETCH(QString, method);
    auto json = loraConfig("resume-" + method + "-whole");
    json["method"]["name"] = method.toStdString();
    json["epochs"] = 2;
    Recorder whole;
    const auto uninterrupted = train(json, whole);

    json["output"] = dir_.filePath("resume-" + method + "-split").toStdString();
    Recorder first;
    first.cancelAfter = 5;
    QCOMPARE(train(json, first).stopReason, tunebench::StopReason::Stopped);
    Recorder second;
    const auto resumed = train(json, second, true);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(second.losses.begin()->first, int64_t(6));
    for (const auto& [step, loss] : second.losses)
      QVERIFY2(loss == whole.losses.at(step), qPrintable(QString("step %1").arg(step)));
    auto a = loadModelFolder(model_), b = loadModelFolder(model_);
    loadPeftAdapter(*a.model, uninterrupted.adapterFolder);
    loadPeftAdapter(*b.model, resumed.adapterFolder);
    const auto pa = a.model->parameters(), pb = b.model->parameters();
    QCOMPARE(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) QVERIFY(torch::equal(pa[i], pb[i]));
  }

  void methodSettingsAreValidated_data() {
    QTest::addColumn<QString>("method");
    QTest::addColumn<bool>("withFreeze");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown method")
        << R"({"name":"prefix"})" << false << "method.name must be one of";
    QTest::newRow("rank zero") << R"({"name":"lora","r":0})" << false << "method.r must be between";
    QTest::newRow("empty targets")
        << R"({"name":"lora","targets":[]})" << false << "method.targets";
    QTest::newRow("unknown key") << R"({"name":"dora","rank":4})" << false
                                 << "method.rank is not a known";
    QTest::newRow("lora key on full")
        << R"({"name":"full","r":4})" << false << "method.r is not a known";
    QTest::newRow("lora with freeze")
        << R"({"name":"lora"})" << true << "freeze cannot be combined";
    QTest::newRow("freeze without block")
        << R"({"name":"freeze"})" << false << "method freeze needs";
  }
  void methodSettingsAreValidated() {
    QFETCH(QString, method);
    QFETCH(bool, withFreeze);
    QFETCH(QString, expected);
    auto json = loraConfig("unused");
    json["method"] = nlohmann::json::parse(method.toStdString());
    if (withFreeze) json["freeze"] = {{"layers", 1}};
    try {
      parseTrainingConfig(json, "run.json");
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
  }

  void methodSettingsAreRead() {
    auto json = loraConfig("unused");
    json["method"] = {{"name", "dora"}, {"r", 16}, {"alpha", 4}, {"rslora", true}};
    const auto config = parseTrainingConfig(json, "run.json");
    QVERIFY(config.method.kind == MethodKind::Dora);
    QCOMPARE(config.method.lora.r, int64_t(16));
    QCOMPARE(config.method.lora.alpha, 4.0);
    QCOMPARE(config.method.lora.dropout, 0.05);
    QVERIFY(config.method.lora.dora && config.method.lora.rslora);
    QCOMPARE(config.method.lora.targets, std::vector<std::string>({"q_proj", "v_proj"}));
    json.erase("method");
    QVERIFY(parseTrainingConfig(json, "run.json").method.kind == MethodKind::Full);
  }
};

QTEST_GUILESS_MAIN(LoraTrainingTest)
#include "tst_lora_training.moc"
