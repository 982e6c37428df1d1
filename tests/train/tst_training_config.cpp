// The run config both ways: trainingConfigToJson writes every setting in the shape the parser
// reads, so parse ∘ write is the identity on configs; old records are read through the upgrade.
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>
#include <set>

#include "common/Error.h"
#include "plugins/RunExportSource.h"
#include "store/ProjectStore.h"
#include "store/RunOverview.h"
#include "store/RunRepository.h"
#include "train/RecordedConfig.h"
#include "train/TrainingConfig.h"

using namespace tunebench;

namespace {

// Every setting away from its default, for a LoRA SFT run.
TrainingConfig loraEverything() {
  TrainingConfig c;
  c.modelFolder = "/models/base";
  c.outputFolder = "/runs/out";
  c.objective = Objective::Sft;
  c.data = {
      "/data/train.jsonl", "/data/val.jsonl", "body", "question", "answer", "tag", 77, true, false};
  c.optimizer = {OptimizerKind::Adam, 3e-4, 0.01, true, 0.8, 0.95, 1e-7, 0.5, true, 0.9, 0.8};
  c.schedule = {ScheduleKind::Step, 12, 0.25, 33, 0.75};
  c.batchSize = 3;
  c.fullBatch = true;
  c.gradientAccumulation = 5;
  c.epochs = 7;
  c.maxSteps = 123;
  c.maxGradNorm = 2.5;
  c.seed = 99;
  c.threads = 3;
  c.evalEvery = 11;
  c.checkpointEvery = 13;
  c.keepCheckpoints = 4;
  c.earlyStoppingPatience = 6;
  c.earlyStoppingMinDelta = 0.125;
  c.method.kind = MethodKind::Dora;
  c.method.lora.r = 12;
  c.method.lora.alpha = 24;
  c.method.lora.dropout = 0.2;
  c.method.lora.rslora = true;
  c.method.lora.targets = {"q_proj", "o_proj", "down_proj"};
  c.activationCheckpointing = true;
  return c;
}

TrainingConfig classifierEverything(bool balanced) {
  TrainingConfig c = loraEverything();
  c.objective = Objective::Classification;
  c.data.packing = false;
  c.method = {};
  c.method.kind = MethodKind::Freeze;
  c.freezeLayers = 2;
  c.freezeEmbeddings = true;
  c.classification.labels = {"ham", "spam", "eggs"};
  c.classification.loss.loss = LossBalancing::Loss::Focal;
  c.classification.loss.focalGamma = 3.5;
  if (balanced)
    c.classification.balancedWeights = true;
  else
    c.classification.loss.classWeights = {{"ham", 0.5}, {"spam", 2.0}};
  return c;
}

TrainingConfig unmergeable(MethodKind kind) {
  TrainingConfig c = loraEverything();
  c.method = {};
  c.method.kind = kind;
  c.method.promptTuning = {9, PromptTuningInit::Text, "Classify the review"};
  c.method.bottleneck = {17, BottleneckActivation::Relu};
  if (kind == MethodKind::Half) c.method.halfRounds = 5;
  return c;
}

// A run config as the demo of the previous release recorded it in its project.
nlohmann::json flatDemoRecord() {
  return {{"demo", true},
          {"method", "lora"},
          {"lora_r", 16},
          {"lora_alpha", 32},
          {"targets", "all linear"},
          {"lr", 3e-3},
          {"batch_size", 16},
          {"max_steps", 60},
          {"model", "/models/starter-v1"},
          {"output", "runs/demo-lora"},
          {"data", {{"train", "data/train.jsonl"}, {"validation", "data/validation.jsonl"}}}};
}

TrainingConfig roundTrip(const TrainingConfig& config) {
  return parseTrainingConfig(trainingConfigToJson(config), "round trip");
}

}  // namespace

class TrainingConfigTest : public QObject {
  Q_OBJECT
 private slots:
  void writingThenParsingGivesTheSameConfig_data() {
    QTest::addColumn<int>("which");
    QTest::newRow("LoRA/DoRA, every setting") << 0;
    QTest::newRow("classifier, weights") << 1;
    QTest::newRow("classifier, balanced") << 2;
    QTest::newRow("prompt tuning") << 3;
    QTest::newRow("bottleneck") << 4;
    QTest::newRow("half") << 5;
    QTest::newRow("defaults") << 6;
  }
  void writingThenParsingGivesTheSameConfig() {
    QFETCH(int, which);
    const TrainingConfig configs[] = {
        loraEverything(),
        classifierEverything(false),
        classifierEverything(true),
        unmergeable(MethodKind::PromptTuning),
        unmergeable(MethodKind::Bottleneck),
        unmergeable(MethodKind::Half),
        parseTrainingConfig({{"model", "m"}, {"output", "o"}, {"data", {{"train", "t"}}}}, "x")};
    const auto written = trainingConfigToJson(configs[which]);
    const auto again = trainingConfigToJson(roundTrip(configs[which]));
    QCOMPARE(QString::fromStdString(again.dump(1)), QString::fromStdString(written.dump(1)));
  }

  // Every setting is written: each leaf of the default config's JSON differs in a config that
  // changed every setting, and survives the round trip.
  void everySettingIsWrittenAndReadBack() {
    const auto defaults =
        trainingConfigToJson(
            parseTrainingConfig({{"model", ""}, {"output", ""}, {"data", {{"train", ""}}}}, "x"))
            .flatten();
    const auto changed = trainingConfigToJson(loraEverything());
    const auto read = trainingConfigToJson(roundTrip(loraEverything())).flatten();
    std::set<std::string> leaves;
    for (const auto& [path, value] : defaults.items()) {
      if (path.rfind("/method", 0) == 0) continue;  // depends on the method: checked below
      QVERIFY2(changed.flatten().contains(path), path.c_str());
      QVERIFY2(changed.flatten()[path] != value, ("unchanged: " + path).c_str());
      QVERIFY2(read[path] == changed.flatten()[path], ("lost: " + path).c_str());
      leaves.insert(path);
    }
    QVERIFY(leaves.size() >= 35);
    const auto method = changed["method"];
    QCOMPARE(method["name"].get<std::string>(), std::string("dora"));
    QCOMPARE(method["r"].get<int>(), 12);
    QCOMPARE(method["alpha"].get<double>(), 24.0);
    QCOMPARE(method["dropout"].get<double>(), 0.2);
    QCOMPARE(method["rslora"].get<bool>(), true);
    QCOMPARE(method["targets"].size(), size_t(3));
    // The typed fields after the round trip, where JSON equality could hide a mapping error.
    const auto parsed = roundTrip(loraEverything());
    QCOMPARE(parsed.method.kind, MethodKind::Dora);
    QVERIFY(parsed.method.lora.dora);
    QCOMPARE(parsed.optimizer.beta2, 0.95);
    QCOMPARE(parsed.schedule.stepSize, int64_t(33));
    QCOMPARE(parsed.data.responseField, std::string("answer"));
    QCOMPARE(parsed.earlyStoppingMinDelta, 0.125);
    const auto text = roundTrip(unmergeable(MethodKind::PromptTuning));
    QCOMPARE(text.method.promptTuning.initText, std::string("Classify the review"));
    QCOMPARE(text.method.promptTuning.virtualTokens, int64_t(9));
    QCOMPARE(roundTrip(unmergeable(MethodKind::Bottleneck)).method.bottleneck.activation,
             BottleneckActivation::Relu);
    const auto weights = roundTrip(classifierEverything(false)).classification;
    QCOMPARE(weights.loss.classWeights.at("spam"), 2.0);
    QCOMPARE(weights.loss.focalGamma, 3.5);
    QCOMPARE(weights.labels.size(), size_t(3));
  }

  // One table names each value for files and people; parsing refuses what it does not name.
  void enumNamesComeFromOneTable() {
    for (const auto& name : methodNames())
      QCOMPARE(enumFromFileName(methodNames(), name.file).value(), name.value);
    QCOMPARE(std::string(fileNameOf(objectiveNames(), Objective::Classification)),
             std::string("classification"));
    try {
      parseTrainingConfig({{"model", "m"},
                           {"output", "o"},
                           {"data", {{"train", "t"}}},
                           {"method", {{"name", "lorax"}}}},
                          "run.json");
      QFAIL("an unknown method was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("full, freeze, lora, dora, qlora") != std::string::npos,
               e.what());
    }
  }

  // What the demo recorded before runs recorded their whole config.
  void flatDemoRecordsAreUpgraded() {
    const auto stored = flatDemoRecord();
    const auto config = readRecordedConfig(stored.dump(), "/projects/demo");
    QCOMPARE(config.method.kind, MethodKind::Lora);
    QCOMPARE(config.method.lora.r, int64_t(16));
    QCOMPARE(config.method.lora.alpha, 32.0);
    QCOMPARE(config.method.lora.targets.size(), size_t(7));
    QCOMPARE(config.optimizer.learningRate, 3e-3);
    QCOMPARE(config.batchSize, int64_t(16));
    QCOMPARE(config.maxSteps, int64_t(60));
    QCOMPARE(config.objective, Objective::Sft);
    QCOMPARE(config.data.maxLength, int64_t(128));
    QCOMPARE(config.outputFolder, std::string("/projects/demo/runs/demo-lora"));
    QCOMPARE(config.data.trainPath, std::string("/projects/demo/data/train.jsonl"));
    // A record in today's shape passes unchanged.
    const auto current = trainingConfigToJson(loraEverything());
    QVERIFY(upgradeRecordedConfig(current) == current);
  }

  // Run comparison lines up what the trainer reads: a relative path and the absolute one, and a
  // default left out and written out, are the same setting.
  void canonicalConfigsDifferOnlyInRealSettings() {
    const nlohmann::json relative{
        {"model", "m"}, {"output", "o"}, {"data", {{"train", "data/t.jsonl"}}}};
    const nlohmann::json absolute{{"model", "/p/m"},
                                  {"output", "/p/o"},
                                  {"data", {{"train", "/p/data/t.jsonl"}, {"max_length", 256}}},
                                  {"batch_size", 4}};
    QCOMPARE(canonicalRecordedConfig(relative.dump(), "/p"),
             canonicalRecordedConfig(absolute.dump(), "/p"));
    // What is no training config is shown as stored.
    QCOMPARE(canonicalRecordedConfig(R"({"recipe": "x"})", "/p"),
             std::string(R"({"recipe": "x"})"));
    QVERIFY_THROWS_EXCEPTION(Error, readRecordedConfig("{oops", "/p"));
  }

  // A project holding a run recorded in the old shape and one recorded now: both are listed with
  // their method, compare setting by setting, and the old one can be exported.
  void oldAndNewRecordsOpenAndCompareInAProject() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string folder = dir.path().toStdString();
    const std::string file = folder + "/demo.tbproj";
    int64_t oldRun = 0, newRun = 0;
    {
      auto project = store::ProjectStore::create(file);
      store::RunRepository runs(project);
      store::NewRun old("demo LoRA");
      old.config = flatDemoRecord().dump();
      oldRun = runs.create(old);
      auto upgraded = readRecordedConfig(old.config, folder);
      upgraded.optimizer.learningRate = 1e-3;  // one real difference
      store::NewRun current("again");
      current.config = trainingConfigToJson(upgraded).dump();
      newRun = runs.create(current);
    }
    const auto overview = store::readRunOverview(
        file, {oldRun, newRun}, {}, 100,
        [&](const std::string& config) { return canonicalRecordedConfig(config, folder); });
    QCOMPARE(overview.rows.size(), size_t(2));
    for (const auto& row : overview.rows) QCOMPARE(row.method, std::string("lora"));
    QVERIFY2(overview.configError.empty(), overview.configError.c_str());
    std::vector<std::string> differing;
    for (const auto& difference : overview.config)
      if (difference.differs) differing.push_back(difference.key);
    QCOMPARE(differing, std::vector<std::string>{"optimizer.lr"});

    const auto source = runExportSource(flatDemoRecord().dump(), folder);
    QVERIFY(source.problem.find("cannot be read") == std::string::npos);
    QVERIFY(source.usesAdapters);
    QCOMPARE(source.config.outputFolder, folder + "/runs/demo-lora");
  }
};

QTEST_GUILESS_MAIN(TrainingConfigTest)
#include "tst_training_config.moc"
