// Sequence classification on a decoder: the head and its config, the loss against independent
// computations, training end to end (full, LoRA, prompt tuning, bottleneck adapters), saving
// and resuming.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "TrainingRecorder.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "eval/ModelSourceLoading.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelConfig.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "peft/AdapterFolder.h"
#include "peft/PeftAdapterFiles.h"
#include "train/Checkpoint.h"
#include "train/DryRunEstimate.h"
#include "train/TokenCache.h"
#include "train/Trainer.h"
#include "train/TrainingBatches.h"
#include "train/TrainingSetup.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

using Recorder = tunebench::testing::TrainingRecorder;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class SequenceClassificationTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_;
  std::string data_;

  nlohmann::json baseConfig(const QString& output) {
    return {{"model", model_},
            {"output", dir_.filePath(output).toStdString()},
            {"objective", "classification"},
            {"data",
             {{"train", data_ + "/train.jsonl"},
              {"validation", data_ + "/val.jsonl"},
              {"max_length", 32}}},
            {"optimizer", {{"name", "adamw"}, {"lr", 0.01}}},
            {"schedule", {{"name", "constant"}}},
            {"batch_size", 8},
            {"epochs", 4},
            {"threads", 1},
            {"seed", 3}};
  }
  TrainingResult train(const nlohmann::json& json, Recorder& recorder, bool resume = false) {
    Trainer trainer(parseTrainingConfig(json, "run.json"), resume);
    trainer.run(recorder.context);
    return trainer.result();
  }
  torch::Tensor classLogits(CausalLMImpl& model, const std::vector<std::vector<int64_t>>& rows) {
    std::vector<TokenizedExample> examples(rows.size());
    std::vector<const TokenizedExample*> pointers;
    for (size_t i = 0; i < rows.size(); ++i) {
      examples[i].ids = rows[i];
      examples[i].labels.assign(rows[i].size(), kIgnoredLabel);
      examples[i].classLabel = 0;
      pointers.push_back(&examples[i]);
    }
    torch::NoGradGuard noGrad;
    return classifyBatch(model, collate(pointers, torch::kCPU));
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    data_ = dir_.path().toStdString();
    // Two classes told apart by their words; three of every four examples are "calm".
    std::ofstream train(data_ + "/train.jsonl"), val(data_ + "/val.jsonl");
    const char* calm[] = {"the sea is quiet and still", "a soft and gentle evening",
                          "slow quiet rain on the roof", "still water under the moon"};
    const char* storm[] = {"loud thunder and wild wind", "the storm breaks the trees"};
    for (int i = 0; i < 48; ++i) {
      const bool stormy = i % 4 == 3;
      const std::string text = stormy ? storm[i % 2] : calm[i % 4];
      (i < 40 ? train : val) << nlohmann::json{{"text", text + " " + std::to_string(i % 7)},
                                               {"label", stormy ? "storm" : "calm"}}
                                    .dump()
                             << "\n";
    }
  }

  void configIsValidated_data() {
    QTest::addColumn<QString>("patch");
    QTest::addColumn<QString>("message");
    QTest::newRow("block without objective")
        << R"({"objective": "sft", "classification": {}})"
        << "classification applies to objective \"classification\" only";
    QTest::newRow("one label") << R"({"classification": {"labels": ["a"]}})"
                               << "classification.labels must list at least two";
    QTest::newRow("repeated label") << R"({"classification": {"labels": ["a", "a"]}})"
                                    << "names \"a\" twice";
    QTest::newRow("unknown loss") << R"({"classification": {"loss": "hinge"}})"
                                  << "classification.loss must be one of cross_entropy, focal";
    QTest::newRow("gamma without focal") << R"({"classification": {"focal_gamma": 1.0}})"
                                         << "focal_gamma applies to loss \"focal\" only";
    QTest::newRow("zero weight") << R"({"classification": {"class_weights": {"calm": 0}}})"
                                 << "class_weights must give each class a weight above 0";
    QTest::newRow("weights as list") << R"({"classification": {"class_weights": [1, 2]}})"
                                     << "must be \"balanced\" or an object";
    QTest::newRow("packing") << R"({"data": {"train": "t.jsonl", "packing": true}})"
                             << "data.packing cannot be used with objective classification";
  }
  void configIsValidated() {
    QFETCH(QString, patch);
    QFETCH(QString, message);
    auto json = baseConfig("config");
    json.merge_patch(nlohmann::json::parse(patch.toStdString()));
    try {
      parseTrainingConfig(json, "run.json");
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "run.json: "), e.what());
      QVERIFY2(contains(e.what(), message.toStdString()), e.what());
    }
    json = baseConfig("config");
    json["classification"] = {{"labels", {"calm", "storm"}},
                              {"loss", "focal"},
                              {"focal_gamma", 1.5},
                              {"class_weights", {{"storm", 3.0}}}};
    const auto config = parseTrainingConfig(json, "run.json");
    QCOMPARE(config.objective, Objective::Classification);
    QCOMPARE(config.classification.labels, (std::vector<std::string>{"calm", "storm"}));
    QCOMPARE(config.classification.loss.focalGamma, 1.5);
    QCOMPARE(config.classification.loss.classWeights.at("storm"), 3.0);
  }

  // config.json of a classifier: Hugging Face's architecture name, num_labels, id2label and
  // label2id; read back, the labels come in id order.
  void classifierConfigRoundTrips() {
    auto config = loadModelConfig(model_ + "/config.json");
    config.makeClassifier({"neg", "neutral", "pos"});
    const auto json = config.toJson();
    QCOMPARE(json["architectures"][0].get<std::string>(),
             std::string("LlamaForSequenceClassification"));
    QCOMPARE(json["num_labels"].get<int>(), 3);
    QCOMPARE(json["id2label"]["2"].get<std::string>(), std::string("pos"));
    QCOMPARE(json["label2id"]["neutral"].get<int>(), 1);
    const auto back = parseModelConfig(json.dump(), "config.json");
    QCOMPARE(back.classLabels, (std::vector<std::string>{"neg", "neutral", "pos"}));
    auto broken = json;
    broken["id2label"] = {{"0", "neg"}, {"0x", "pos"}};
    QVERIFY_THROWS_EXCEPTION(Error, parseModelConfig(broken.dump(), "config.json"));
    broken.erase("id2label");
    broken["num_labels"] = 2;
    QCOMPARE(parseModelConfig(broken.dump(), "config.json").classLabels,
             (std::vector<std::string>{"LABEL_0", "LABEL_1"}));
  }

  // Weighted cross-entropy equals PyTorch's cross_entropy(weight=...) with mean reduction;
  // focal loss with gamma 0 is cross-entropy, and with gamma 2 matches -(1-p)^2 log p.
  void lossesMatchTheirFormulas() {
    torch::manual_seed(1);
    const auto logits = torch::randn({7, 3}, torch::kFloat64);
    const auto labels = torch::tensor({0, 2, 1, 1, 0, 2, 2}, torch::kInt64);
    ClassificationLoss weighted;
    weighted.classWeights = {0.5, 2.0, 1.25};
    double weightSum = 0;
    for (int64_t i = 0; i < labels.size(0); ++i)
      weightSum += weighted.weightOf(labels[i].item<int64_t>());
    const double ours =
        summedClassificationLoss(logits, labels, weighted).item<double>() / weightSum;
    const double reference = torch::nn::functional::cross_entropy(
                                 logits, labels,
                                 torch::nn::functional::CrossEntropyFuncOptions().weight(
                                     torch::tensor(weighted.classWeights, torch::kFloat64)))
                                 .item<double>();
    QVERIFY2(std::abs(ours - reference) < 1e-12,
             qPrintable(QString("%1 vs %2").arg(ours).arg(reference)));

    ClassificationLoss focalZero;
    focalZero.focal = true;
    focalZero.focalGamma = 0.0;
    QVERIFY(
        std::abs(summedClassificationLoss(logits, labels, focalZero).item<double>() -
                 summedClassificationLoss(logits, labels, ClassificationLoss{}).item<double>()) <
        1e-12);

    ClassificationLoss focal;
    focal.focal = true;
    focal.focalGamma = 2.0;
    const auto one = torch::tensor({{2.0, 0.0}}, torch::kFloat64);
    const double p = std::exp(2.0) / (std::exp(2.0) + 1.0);
    const double expected = -(1 - p) * (1 - p) * std::log(p);
    const double got =
        summedClassificationLoss(one, torch::tensor({0}, torch::kInt64), focal).item<double>();
    QVERIFY2(std::abs(got - expected) < 1e-12,
             qPrintable(QString("%1 vs %2").arg(got).arg(expected)));
  }

  // The head reads each row at its last real token: padding after it changes nothing.
  void lastTokenPoolingIgnoresPadding() {
    auto loaded = loadModelFolder(model_);
    loaded.model->attachClassificationHead({"a", "b"}, 7);
    const std::vector<int64_t> shortRow{5, 9, 12}, longRow{5, 9, 12, 20, 21, 30};
    const auto alone = classLogits(*loaded.model, {shortRow});
    const auto padded = classLogits(*loaded.model, {shortRow, longRow});
    QVERIFY(torch::allclose(alone[0], padded[0], 1e-6, 1e-6));
    QVERIFY_THROWS_EXCEPTION(Error, loaded.model->attachClassificationHead({"a", "b"}, 7));
    ForwardInput input;
    input.inputIds = torch::tensor({{5, 9}}, torch::kInt64);
    try {
      loaded.model->forward(input);
      QFAIL("a classifier produced token logits");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "sequence classifier"), e.what());
    }
  }

  void classifierSavesAndReloads() {
    auto loaded = loadModelFolder(model_);
    loaded.model->attachClassificationHead({"calm", "storm"}, 11);
    const auto folder = dir_.filePath("saved-classifier").toStdString();
    SaveOptions options;
    options.tokenizerSourceFolder = model_;
    saveModelFolder(*loaded.model, folder, options);
    auto reloaded = loadModelFolder(folder);
    QVERIFY(reloaded.model->isClassifier());
    QCOMPARE(reloaded.model->config().classLabels, (std::vector<std::string>{"calm", "storm"}));
    QVERIFY(!reloaded.model->named_parameters().contains("lm_head.weight"));
    const std::vector<std::vector<int64_t>> rows{{3, 4, 5, 6}, {7, 8}};
    QVERIFY(torch::equal(classLogits(*loaded.model, rows), classLogits(*reloaded.model, rows)));
  }

  void labelsAreReadAndCached() {
    const auto encoder = encoderForModelFolder(model_);
    DataConfig data;
    data.maxLength = 32;
    const auto labels = classLabelsOfFile(data_ + "/train.jsonl", "label");
    QCOMPARE(labels, (std::vector<std::string>{"calm", "storm"}));
    const TokenCache cache(dir_.filePath("token-cache").toStdString());
    const auto first = loadTrainingDataset(data_ + "/train.jsonl", data, Objective::Classification,
                                           encoder, &cache, labels);
    const auto again = loadTrainingDataset(data_ + "/train.jsonl", data, Objective::Classification,
                                           encoder, &cache, labels);
    QVERIFY(!first.fromCache);
    QVERIFY(again.fromCache);
    QCOMPARE(first.examples.size(), size_t(40));
    QCOMPARE(classCounts(first.examples, 2), (std::vector<int64_t>{30, 10}));
    for (size_t i = 0; i < first.examples.size(); ++i) {
      QCOMPARE(again.examples[i].classLabel, first.examples[i].classLabel);
      QCOMPARE(first.examples[i].ids.back(), encoder.eosId);
      for (auto label : first.examples[i].labels) QCOMPARE(label, kIgnoredLabel);
    }
    // A label the head does not have names the file and line.
    const auto odd = data_ + "/odd.jsonl";
    std::ofstream(odd) << R"({"text": "a", "label": "calm"})"
                          "\n"
                          R"({"text": "b", "label": 7})"
                          "\n";
    try {
      loadTrainingDataset(odd, data, Objective::Classification, encoder, nullptr, labels);
      QFAIL("accepted an unknown label");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "odd.jsonl: line 2") && contains(e.what(), "label \"7\""),
               e.what());
    }
  }

  // Full fine-tuning with balanced class weights learns the two classes; the final folder is a
  // classifier that predicts as well as the run's last validation said.
  void trainsAClassifier() {
    auto json = baseConfig("full");
    json["classification"] = {{"class_weights", "balanced"}};
    Recorder recorder;
    const auto result = train(json, recorder);
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    const double first = recorder.losses.begin()->second, last = recorder.losses.rbegin()->second;
    QVERIFY2(last < 0.5 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    QVERIFY2(recorder.last.at("val_accuracy") == 1.0,
             qPrintable(QString::number(recorder.last.at("val_accuracy"))));
    QCOMPARE(recorder.last.at("val_macro_f1"), 1.0);
    QVERIFY(!recorder.last.count("val_perplexity"));
    bool loggedWeights = false;
    for (const auto& line : recorder.logs)
      loggedWeights |=
          contains(line, "calm: 30, weight 0.667") && contains(line, "storm: 10, weight 2");
    QVERIFY(loggedWeights);
    auto final = loadModelFolder(result.finalModelFolder);
    QCOMPARE(final.model->config().classLabels, (std::vector<std::string>{"calm", "storm"}));
    const auto config = readJsonFile(result.finalModelFolder + "/config.json");
    QCOMPARE(config["id2label"]["1"].get<std::string>(), std::string("storm"));
  }

  // LoRA keeps the head beside the adapter (PEFT's modules_to_save); the merged classifier
  // gives the logits of base + adapter.
  void loraClassifierMergesAndReloads() {
    auto json = baseConfig("lora");
    json["method"] = {{"name", "lora"}, {"r", 4}, {"alpha", 8}, {"dropout", 0.0}};
    json["epochs"] = 1;
    Recorder recorder;
    const auto result = train(json, recorder);
    const auto adapterConfig = readJsonFile(result.adapterFolder + "/adapter_config.json");
    QCOMPARE(adapterConfig["task_type"].get<std::string>(), std::string("SEQ_CLS"));
    QCOMPARE(adapterConfig["modules_to_save"][0].get<std::string>(), std::string("score"));

    auto base = loadModelFolder(model_);
    base.model->attachClassificationHead({"calm", "storm"}, 99);
    loadPeftAdapter(*base.model, result.adapterFolder);
    base.model->eval();
    auto merged = loadModelFolder(result.finalModelFolder);
    const std::vector<std::vector<int64_t>> rows{{3, 4, 5, 6, 7}, {8, 9}};
    QVERIFY(torch::allclose(classLogits(*base.model, rows), classLogits(*merged.model, rows), 1e-5,
                            1e-5));
    // The stored head is the trained one, not the seed's.
    auto fresh = loadModelFolder(model_);
    fresh.model->attachClassificationHead({"calm", "storm"}, 3);
    QVERIFY(!torch::equal(fresh.model->named_parameters()["score.weight"],
                          merged.model->named_parameters()["score.weight"]));
  }

  // Prompt tuning and bottleneck adapters train the head beside their adapter: the adapter
  // folder keeps it with the class names, and base + adapter gives the logits of the run's last
  // checkpoint (loaded by another path, its trainable tensors).
  void unmergeableAdaptersTrainClassifiers_data() {
    QTest::addColumn<QString>("method");
    QTest::newRow("prompt tuning") << "prompt_tuning";
    QTest::newRow("bottleneck") << "bottleneck";
  }
  void unmergeableAdaptersTrainClassifiers() {
    QFETCH(QString, method);
    const auto name = method.toStdString();
    auto json = baseConfig("unmergeable-" + method);
    json["method"] = name == "prompt_tuning"
                         ? nlohmann::json{{"name", name}, {name, {{"num_virtual_tokens", 4}}}}
                         : nlohmann::json{{"name", name}, {name, {{"size", 8}}}};
    json["optimizer"]["lr"] = 0.03;
    Recorder recorder;
    const auto result = train(json, recorder);
    QCOMPARE(result.stopReason, tunebench::StopReason::Completed);
    QVERIFY(result.finalModelFolder.empty());
    const double first = recorder.losses.begin()->second, last = recorder.losses.rbegin()->second;
    QVERIFY2(last < first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));

    const auto adapterConfig = readJsonFile(result.adapterFolder + "/adapter_config.json");
    QCOMPARE(adapterConfig["task_type"].get<std::string>(), std::string("SEQ_CLS"));
    QCOMPARE(adapterConfig["modules_to_save"][0].get<std::string>(), std::string("score"));
    const std::vector<std::string> labels{"calm", "storm"};
    QCOMPARE(readClassLabels(result.adapterFolder), labels);

    ModelSource withAdapter;
    withAdapter.modelFolder = model_;
    withAdapter.adapterFolder = result.adapterFolder;
    auto adapted = loadModelSource(withAdapter);
    QCOMPARE(adapted.model->config().classLabels, labels);
    ModelSource atCheckpoint;
    atCheckpoint.modelFolder = model_;
    atCheckpoint.checkpointFolder =
        *latestCheckpoint(dir_.filePath("unmergeable-" + method).toStdString() + "/checkpoints");
    auto checkpointed = loadModelSource(atCheckpoint);
    const std::vector<std::vector<int64_t>> rows{{3, 4, 5, 6, 7}, {8, 9}};
    QVERIFY(torch::allclose(classLogits(*adapted.model, rows),
                            classLogits(*checkpointed.model, rows), 1e-5, 1e-5));
    // The stored head is the trained one, not the seed's.
    auto fresh = loadModelFolder(model_);
    fresh.model->attachClassificationHead(labels, 3);
    QVERIFY(!torch::equal(fresh.model->named_parameters()["score.weight"],
                          adapted.model->named_parameters()["score.weight"]));

    // Without a head to take it, the adapter is refused with a reason.
    auto plain = loadModelFolder(model_);
    try {
      loadAdapterFolder(*plain.model, result.adapterFolder);
      QFAIL("a classifier's adapter loaded onto a language model");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "SEQ_CLS") && contains(e.what(), "class_labels.json"), e.what());
    }
  }

  void resumeContinuesBitForBit() {
    auto json = baseConfig("resume-whole");
    json["epochs"] = 2;
    json["classification"] = {{"loss", "focal"}, {"class_weights", {{"storm", 2.0}}}};
    Recorder whole;
    const auto uninterrupted = train(json, whole);
    json["output"] = dir_.filePath("resume-split").toStdString();
    Recorder first;
    first.cancelAfter = 3;
    QCOMPARE(train(json, first).stopReason, tunebench::StopReason::Stopped);
    Recorder second;
    const auto resumed = train(json, second, true);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    for (const auto& [step, loss] : second.losses)
      QVERIFY2(loss == whole.losses.at(step), qPrintable(QString("step %1").arg(step)));
  }

  // The dry run builds what training builds, head and class weights included.
  void dryRunEstimatesAClassifier() {
    auto json = baseConfig("dry-run");
    json["classification"] = {{"class_weights", "balanced"}};
    json["activation_checkpointing"] = true;
    BasicJobContext context;
    DryRunOptions options;
    options.timedSteps = 1;
    const auto estimate =
        estimateTrainingRun(parseTrainingConfig(json, "run.json"), context, options);
    QVERIFY(estimate.completed);
    QCOMPARE(estimate.trainingExamples, int64_t(40));
    QVERIFY(estimate.meanStepSeconds > 0);
    QVERIFY(!fs::exists(dir_.filePath("dry-run").toStdString() + "/checkpoints"));
  }

  void aLanguageModelObjectiveRefusesAClassifier() {
    auto loaded = loadModelFolder(model_);
    loaded.model->attachClassificationHead({"calm", "storm"}, 1);
    const auto folder = dir_.filePath("classifier-base").toStdString();
    SaveOptions options;
    options.tokenizerSourceFolder = model_;
    saveModelFolder(*loaded.model, folder, options);
    auto json = baseConfig("refused");
    json["model"] = folder;
    json["objective"] = "causal_lm";
    Recorder recorder;
    try {
      train(json, recorder);
      QFAIL("a classifier was trained as a language model");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "holds a sequence classifier"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(SequenceClassificationTest)
#include "tst_sequence_classification.moc"
