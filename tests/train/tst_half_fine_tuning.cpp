// Half fine-tuning: per round half of every layer block trains; what no round picks, and
// everything outside the layers, keeps its pretrained values; a resume across rounds continues
// bit for bit.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "train/HalfFineTuning.h"
#include "train/Trainer.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

struct Recorder {
  BasicJobContext context;
  std::map<int64_t, double> losses;
  int64_t cancelAfter = -1;
  Recorder() {
    context.onMetric = [this](int64_t step, const std::string& key, double value) {
      if (key != "loss") return;
      losses[step] = value;
      if (step == cancelAfter) context.cancel();
    };
  }
};

std::string blockOf(const std::string& unit) {
  if (unit.find(".self_attn.") != std::string::npos) return "attention";
  if (unit.find(".mlp.") != std::string::npos) return "feed-forward";
  return "norm";
}

std::string layerOf(const std::string& unit) {
  const auto third = unit.find('.', std::string("model.layers.").size());
  return unit.substr(0, third);
}

}  // namespace

class HalfFineTuningTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_, data_;

  nlohmann::json config(const QString& output, int rounds) {
    return {{"model", model_},
            {"output", dir_.filePath(output).toStdString()},
            {"data", {{"train", data_}, {"max_length", 48}, {"token_cache", false}}},
            {"optimizer", {{"name", "adamw"}, {"lr", 0.01}}},
            {"schedule", {{"name", "constant"}}},
            {"method", {{"name", "half"}, {"rounds", rounds}}},
            {"batch_size", 4},
            {"epochs", 2},
            {"threads", 1},
            {"seed", 11}};
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    data_ = dir_.filePath("train.jsonl").toStdString();
    std::ofstream train(data_);
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 32; ++i)
      train << nlohmann::json{{"text", "The " + std::string(animals[i % 4]) + " has " +
                                           std::to_string(i % 10) + " legs."}}
                   .dump()
            << "\n";
  }

  // Each round: in every layer, half of each block (attention 4 units → 2, norms 2 → 1,
  // feed-forward 3 → 1 or 2); rounds differ; the seed decides.
  void planPicksHalfOfEveryBlock() {
    auto loaded = loadModelFolder(model_);
    const HalfFineTuningPlan plan(*loaded.model, 4, 30, 11);
    QCOMPARE(plan.rounds().size(), size_t(4));
    QCOMPARE(plan.rounds()[0].fromStep, int64_t(0));
    QCOMPARE(plan.rounds()[0].toStep, int64_t(8));
    QCOMPARE(plan.rounds()[3].toStep, int64_t(30));
    QCOMPARE(plan.roundAt(7), size_t(0));
    QCOMPARE(plan.roundAt(8), size_t(1));
    const int64_t layers = loaded.model->config().numLayers;
    QCOMPARE(plan.unitCount(), size_t(layers * 9));
    for (const auto& round : plan.rounds()) {
      std::map<std::pair<std::string, std::string>, int> picked;
      for (const auto& unit : round.trainable) ++picked[{layerOf(unit), blockOf(unit)}];
      QCOMPARE(picked.size(), size_t(layers * 3));
      for (const auto& [key, count] : picked) {
        if (key.second == "attention") QCOMPARE(count, 2);
        if (key.second == "norm") QCOMPARE(count, 1);
        if (key.second == "feed-forward") QVERIFY(count == 1 || count == 2);
      }
    }
    QVERIFY(plan.rounds()[0].trainable != plan.rounds()[1].trainable ||
            plan.rounds()[1].trainable != plan.rounds()[2].trainable);
    const HalfFineTuningPlan again(*loaded.model, 4, 30, 11);
    QCOMPARE(again.toJson(), plan.toJson());
    const HalfFineTuningPlan otherSeed(*loaded.model, 4, 30, 12);
    QVERIFY(otherSeed.toJson() != plan.toJson());
  }

  void unitsNoRoundPicksKeepTheirValues() {
    auto json = config("train", 2);
    json["epochs"] = 4;
    json["optimizer"]["lr"] = 0.03;
    Trainer trainer(parseTrainingConfig(json, "run.json"), false);
    Recorder recorder;
    trainer.run(recorder.context);
    const auto result = trainer.result();
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    const auto planJson = nlohmann::json::parse(
        std::ifstream(json["output"].get<std::string>() + "/half-fine-tuning.json"));
    std::set<std::string> picked;
    for (const auto& round : planJson["rounds"])
      for (const auto& unit : round["trainable"]) picked.insert(unit.get<std::string>());
    QVERIFY(picked.size() < planJson["units"].get<size_t>());  // two rounds leave some out

    auto base = loadModelFolder(model_);
    auto trained = loadModelFolder(result.finalModelFolder);
    std::map<std::string, torch::Tensor> before;
    for (const auto& item : base.model->named_parameters()) before[item.key()] = item.value();
    int changed = 0;
    for (const auto& item : trained.model->named_parameters()) {
      const bool same = torch::equal(item.value(), before.at(item.key()));
      if (picked.count(parameterUnit(item.key()))) {
        QVERIFY2(!same, item.key().c_str());
        ++changed;
      } else {
        QVERIFY2(same, item.key().c_str());
      }
    }
    QVERIFY(changed > 0);
    // Mean of the first and of the last four steps (single batches are noisy). Embeddings and
    // the output head stay frozen, so a random tiny model learns slowly.
    double early = 0, late = 0;
    auto it = recorder.losses.begin();
    auto back = recorder.losses.rbegin();
    for (int i = 0; i < 4; ++i, ++it, ++back) {
      early += it->second / 4;
      late += back->second / 4;
    }
    QVERIFY2(late < 0.97 * early, qPrintable(QString("%1 -> %2").arg(early).arg(late)));
  }

  // Stopped inside the second of four rounds and resumed: the same losses and weights as an
  // uninterrupted run (the round's selection and the optimiser state of resting units survive).
  void resumeAcrossRoundsIsExact() {
    auto json = config("whole", 4);
    Recorder whole;
    Trainer a(parseTrainingConfig(json, "run.json"), false);
    a.run(whole.context);
    json["output"] = dir_.filePath("split").toStdString();
    Recorder first;
    first.cancelAfter = 5;
    Trainer b(parseTrainingConfig(json, "run.json"), false);
    b.run(first.context);
    QCOMPARE(b.result().stopReason, tunebench::StopReason::Stopped);
    Recorder second;
    Trainer c(parseTrainingConfig(json, "run.json"), true);
    c.run(second.context);
    QCOMPARE(c.result().steps, a.result().steps);
    QCOMPARE(second.losses.begin()->first, int64_t(6));
    for (const auto& [step, loss] : second.losses)
      QVERIFY2(loss == whole.losses.at(step), qPrintable(QString("step %1").arg(step)));
    auto x = loadModelFolder(a.result().finalModelFolder);
    auto y = loadModelFolder(c.result().finalModelFolder);
    const auto px = x.model->parameters(), py = y.model->parameters();
    for (size_t i = 0; i < px.size(); ++i) QVERIFY(torch::equal(px[i], py[i]));
  }

  void freezeCannotBeCombined() {
    auto json = config("bad", 2);
    json["freeze"] = {{"layers", 1}};
    try {
      parseTrainingConfig(json, "run.json");
      QFAIL("half with freeze was accepted");
    } catch (const Error& e) {
      QVERIFY2(
          std::string(e.what()).find("cannot be combined with method half") != std::string::npos,
          e.what());
    }
  }
};

QTEST_GUILESS_MAIN(HalfFineTuningTest)
#include "tst_half_fine_tuning.moc"
