// Evaluating sequence classifiers: the figures against counts made here by hand and against an
// independent scoring of every example; wrong labels; the adapter and checkpoint of a LoRA run,
// which must score its validation file exactly as the run's own validation did; recording.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../train/TrainingRecorder.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ClassifierEvaluation.h"
#include "eval/ClassifierSource.h"
#include "eval/EvaluationJob.h"
#include "eval/StoredClassifierEvaluation.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "store/EvaluationOverview.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "train/ClassificationMetrics.h"
#include "train/Trainer.h"
#include "train/TrainingData.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// F1 of one class from the confusion counts, written out as precision and recall.
double f1Of(const std::vector<std::vector<int64_t>>& confusion, size_t c) {
  int64_t truePositive = confusion[c][c], support = 0, predicted = 0;
  for (size_t other = 0; other < confusion.size(); ++other) {
    support += confusion[c][other];
    predicted += confusion[other][c];
  }
  const double precision = predicted ? double(truePositive) / double(predicted) : 0.0;
  const double recall = support ? double(truePositive) / double(support) : 0.0;
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

}  // namespace

class ClassifierEvaluationTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_, classifier_, data_;
  const std::vector<std::string> labels_{"calm", "storm", "wind"};

  void writeLines(const std::string& path, const std::vector<nlohmann::json>& records) {
    std::ofstream out(path);
    for (const auto& record : records) out << record.dump() << "\n";
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
    // An untrained three-class classifier: its answers are arbitrary but fixed.
    classifier_ = dir_.filePath("classifier").toStdString();
    auto loaded = loadModelFolder(model_);
    loaded.model->attachClassificationHead(labels_, 5);
    SaveOptions options;
    options.tokenizerSourceFolder = model_;
    saveModelFolder(*loaded.model, classifier_, options);
    data_ = dir_.filePath("labelled.jsonl").toStdString();
    std::vector<nlohmann::json> records;
    const char* texts[] = {"the sea is quiet",    "loud thunder",
                           "a strong breeze",     "still water",
                           "the storm breaks",    "wind in the trees",
                           "slow rain at dusk",   "lightning and hail",
                           "gusts from the west", ""};
    std::string longText;
    for (int i = 0; i < 12; ++i) longText += "a long calm evening where nothing moves on the sea ";
    for (int i = 0; i < 10; ++i)
      records.push_back(
          {{"sentence", i == 9 ? longText : texts[i]}, {"class", labels_[size_t(i % 3)]}});
    writeLines(data_, records);
  }

  // Ten answers over four classes, one of which never occurs: counted by hand.
  void metricsMatchHandCounts() {
    ConfusionMatrix confusion(4);
    const std::vector<std::pair<int, int>> answers{{0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 1},
                                                   {1, 1}, {1, 2}, {2, 0}, {2, 2}, {2, 2}};
    for (const auto& [actual, predicted] : answers) confusion.add(actual, predicted);
    const auto metrics = confusion.metrics();
    QCOMPARE(metrics.examples, int64_t(10));
    QCOMPARE(metrics.accuracy, 0.7);
    QCOMPARE(metrics.perClass[0].precision, 0.75);  // 3 of the 4 predicted "0"
    QCOMPARE(metrics.perClass[0].recall, 0.75);
    QVERIFY(std::abs(metrics.perClass[1].f1 - 2.0 / 3.0) < 1e-12);
    QCOMPARE(metrics.perClass[2].support, int64_t(3));
    QCOMPARE(metrics.perClass[3].f1, 0.0);
    // Class 3 neither occurs nor is predicted: it does not count in the mean.
    QVERIFY(std::abs(metrics.macroF1 - (0.75 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0) < 1e-12);
    QCOMPARE(confusion.count(2, 0), int64_t(1));
    QVERIFY_THROWS_EXCEPTION(Error, confusion.add(4, 0));
  }

  // Each example scored alone here, from its own tokens; the evaluation batches them.
  void figuresMatchAnIndependentScoring() {
    ClassifierEvaluationOptions options;
    options.textField = "sentence";
    options.labelField = "class";
    options.maxLength = 48;
    options.batchSize = 4;
    BasicJobContext context;
    int64_t lastDone = 0;
    context.onProgress = [&](int64_t done, int64_t, const std::string&) { lastDone = done; };
    const auto result = evaluateClassifier({classifier_, {}, {}}, data_, options, &context);
    QCOMPARE(lastDone, int64_t(10));
    QCOMPARE(result.labels, labels_);
    QCOMPARE(result.outcomes.size(), size_t(10));

    auto loaded = loadModelFolder(classifier_);
    loaded.model->eval();
    const auto encoder = encoderForModelFolder(classifier_);
    std::vector<std::vector<int64_t>> confusion(3, std::vector<int64_t>(3, 0));
    int64_t correct = 0, truncated = 0;
    std::ifstream in(data_);
    std::string line;
    for (size_t i = 0; std::getline(in, line); ++i) {
      const auto record = nlohmann::json::parse(line);
      std::vector<int64_t> ids;
      if (encoder.bosId >= 0) ids.push_back(encoder.bosId);
      for (auto id : encoder.encode(record["sentence"].get<std::string>())) ids.push_back(id);
      ids.push_back(encoder.eosId);
      if (ids.size() > 48) {
        ids.resize(48);
        ids.back() = encoder.eosId;
        ++truncated;
      }
      torch::NoGradGuard noGrad;
      ForwardInput input;
      input.inputIds = torch::tensor(ids, torch::kInt64).unsqueeze(0);
      const auto logits =
          loaded.model->classify(input, torch::tensor({int64_t(ids.size()) - 1}, torch::kInt64));
      const auto probabilities = torch::softmax(logits[0].to(torch::kFloat64), -1);
      const int64_t predicted = probabilities.argmax().item<int64_t>();
      const int64_t actual = int64_t(i % 3);
      ++confusion[size_t(actual)][size_t(predicted)];
      correct += predicted == actual ? 1 : 0;
      const auto& outcome = result.outcomes[i];
      QCOMPARE(outcome.line, int64_t(i + 1));
      QCOMPARE(outcome.label, labels_[size_t(actual)]);
      QCOMPARE(outcome.predicted, labels_[size_t(predicted)]);
      QVERIFY(std::abs(outcome.probability - probabilities[predicted].item<double>()) < 1e-5);
      QCOMPARE(outcome.correct, predicted == actual);
    }
    QCOMPARE(result.confusion, confusion);
    QCOMPARE(result.truncated, truncated);
    QCOMPARE(truncated, int64_t(1));
    QCOMPARE(result.metrics.accuracy, double(correct) / 10.0);
    double f1Sum = 0;
    int counted = 0;
    for (size_t c = 0; c < 3; ++c) {
      int64_t seen = 0;
      for (size_t other = 0; other < 3; ++other) seen += confusion[c][other] + confusion[other][c];
      if (seen == 0) continue;
      f1Sum += f1Of(confusion, c);
      ++counted;
      QVERIFY(std::abs(result.metrics.perClass[c].f1 - f1Of(confusion, c)) < 1e-12);
    }
    QVERIFY(std::abs(result.metrics.macroF1 - f1Sum / counted) < 1e-12);

    // The example limit, and cancellation before the first batch.
    options.maxExamples = 3;
    QCOMPARE(evaluateClassifier({classifier_, {}, {}}, data_, options).metrics.examples,
             int64_t(3));
    BasicJobContext canceled;
    canceled.cancel();
    const auto stopped = evaluateClassifier({classifier_, {}, {}}, data_, options, &canceled);
    QVERIFY(stopped.canceled);
    QCOMPARE(stopped.metrics.examples, int64_t(0));
  }

  void wrongLabelsAndFieldsNameTheLine() {
    const auto bad = dir_.filePath("bad.jsonl").toStdString();
    writeLines(bad, {{{"text", "quiet"}, {"label", "calm"}},
                     {{"text", "loud"}, {"label", "storm"}},
                     {{"text", "grey"}, {"label", "fog"}}});
    try {
      evaluateClassifier({classifier_, {}, {}}, bad, {});
      QFAIL("accepted a label the classifier does not have");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "bad.jsonl: line 3") && contains(e.what(), "\"fog\"") &&
                   contains(e.what(), "calm, storm, wind"),
               e.what());
    }
    writeLines(bad, {{{"text", "quiet"}, {"label", "calm"}}, {{"body", "x"}, {"label", "calm"}}});
    try {
      evaluateClassifier({classifier_, {}, {}}, bad, {});
      QFAIL("accepted a record without text");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "bad.jsonl: line 2") && contains(e.what(), "'text'"), e.what());
    }
    try {
      evaluateClassifier({model_, {}, {}}, bad, {});
      QFAIL("evaluated a language model as a classifier");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "not a sequence classifier"), e.what());
    }
    QVERIFY(classifierLabels({model_, {}, {}}).empty());
    QCOMPARE(classifierLabels({classifier_, {}, {}}), labels_);
  }

  // A LoRA classification run: its last checkpoint scores the validation file exactly as the
  // run's validation did; base + adapter (head in modules_to_save) and the merged model agree.
  void loraRunIsScoredAsItsValidationScoredIt() {
    const auto train = dir_.filePath("train.jsonl").toStdString();
    const auto val = dir_.filePath("val.jsonl").toStdString();
    std::vector<nlohmann::json> trainRecords, valRecords;
    const char* calm[] = {"the sea is quiet and still", "a soft and gentle evening"};
    const char* storm[] = {"loud thunder and wild wind", "the storm breaks the trees"};
    for (int i = 0; i < 30; ++i) {
      const bool stormy = i % 3 == 2;
      nlohmann::json record{
          {"text", std::string(stormy ? storm[i % 2] : calm[i % 2]) + " " + std::to_string(i % 5)},
          {"label", stormy ? "storm" : "calm"}};
      (i < 22 ? trainRecords : valRecords).push_back(record);
    }
    writeLines(train, trainRecords);
    writeLines(val, valRecords);
    const auto output = dir_.filePath("lora-run").toStdString();
    const nlohmann::json config{
        {"model", model_},
        {"output", output},
        {"objective", "classification"},
        {"data", {{"train", train}, {"validation", val}, {"max_length", 16}}},
        {"method", {{"name", "lora"}, {"r", 4}, {"alpha", 8}, {"dropout", 0.0}}},
        {"optimizer", {{"name", "adamw"}, {"lr", 0.01}}},
        {"schedule", {{"name", "constant"}}},
        {"batch_size", 4},
        {"epochs", 1},
        {"threads", 1},
        {"seed", 2}};
    testing::TrainingRecorder recorder;
    Trainer trainer(parseTrainingConfig(config, "run.json"), false);
    trainer.run(recorder.context);
    const auto trained = trainer.result();
    QCOMPARE(trained.stopReason, tunebench::StopReason::Completed);
    QVERIFY(!trained.lastCheckpoint.empty());

    ClassifierEvaluationOptions options;
    options.maxLength = 16;
    options.batchSize = 4;
    const auto atCheckpoint =
        evaluateClassifier({model_, {}, trained.lastCheckpoint}, val, options);
    QCOMPARE(atCheckpoint.labels, (std::vector<std::string>{"calm", "storm"}));
    QCOMPARE(atCheckpoint.metrics.accuracy, recorder.last.at("val_accuracy"));
    QCOMPARE(atCheckpoint.metrics.macroF1, recorder.last.at("val_macro_f1"));

    const auto withAdapter = evaluateClassifier({model_, trained.adapterFolder, {}}, val, options);
    const auto merged = evaluateClassifier({trained.finalModelFolder, {}, {}}, val, options);
    for (size_t i = 0; i < atCheckpoint.outcomes.size(); ++i) {
      QCOMPARE(withAdapter.outcomes[i].predicted, atCheckpoint.outcomes[i].predicted);
      QVERIFY(std::abs(withAdapter.outcomes[i].probability - atCheckpoint.outcomes[i].probability) <
              1e-6);
      QVERIFY(std::abs(merged.outcomes[i].probability - atCheckpoint.outcomes[i].probability) <
              1e-4);
    }
    QCOMPARE(withAdapter.confusion, atCheckpoint.confusion);

    // Away from its run, the adapter names its classes itself (class_labels.json)...
    const auto moved = dir_.filePath("moved-adapter").toStdString();
    fs::copy(trained.adapterFolder, moved);
    QCOMPARE(evaluateClassifier({model_, moved, {}}, val, options).confusion,
             atCheckpoint.confusion);
    // ...and without that file they are nowhere to be read.
    fs::remove(fs::path(moved) / "class_labels.json");
    try {
      evaluateClassifier({model_, moved, {}}, val, options);
      QFAIL("guessed the classes of a moved adapter");
    } catch (const Error& e) {
      QVERIFY2(contains(e.what(), "SEQ_CLS") && contains(e.what(), "id2label"), e.what());
    }
    // On a base that is a classifier over these classes, it is evaluated.
    auto base = loadModelFolder(model_);
    base.model->attachClassificationHead({"calm", "storm"}, 1);
    const auto classifierBase = dir_.filePath("classifier-base").toStdString();
    SaveOptions save;
    save.tokenizerSourceFolder = model_;
    saveModelFolder(*base.model, classifierBase, save);
    const auto onClassifier = evaluateClassifier({classifierBase, moved, {}}, val, options);
    QCOMPARE(onClassifier.confusion, atCheckpoint.confusion);
  }

  // The job routes a classifier to this evaluation and records it with the run.
  void jobRecordsAClassifierEvaluation() {
    const auto projectFile = dir_.filePath("classify.tbproj").toStdString();
    int64_t runId = 0;
    {
      auto project = store::ProjectStore::create(projectFile);
      runId = store::RunRepository(project).create(store::NewRun("classifier run"));
    }
    EvaluationRequest request;
    request.modelFolder = classifier_;
    request.dataFile = data_;
    request.settings = {{"text_field", "sentence"}, {"label_field", "class"}, {"max_length", 8}};
    request.projectFile = projectFile;
    request.runId = runId;
    PluginRegistry plugins;
    builtin::registerBuiltinPlugins(plugins);
    EvaluationJob job(plugins, request);
    BasicJobContext context;
    job.run(context);
    QCOMPARE(job.evaluatorId(), std::string("classifier"));
    QVERIFY(job.evaluationId() > 0);
    ClassifierEvaluationOptions options;
    options.textField = "sentence";
    options.labelField = "class";
    options.maxLength = 8;
    const auto result = evaluateClassifier({classifier_, {}, {}}, data_, options);
    // What the job returns is the same evaluation.
    const auto returned = classifierResultOf(job.result());
    QCOMPARE(returned.confusion, result.confusion);
    QCOMPARE(returned.metrics.accuracy, result.metrics.accuracy);
    QCOMPARE(returned.truncated, result.truncated);
    auto project = store::ProjectStore::open(projectFile);
    store::EvaluationRepository evaluations(project);
    std::map<std::string, double> metrics;
    for (const auto& [name, value] : evaluations.metrics(job.evaluationId())) metrics[name] = value;
    QCOMPARE(metrics.at("accuracy"), result.metrics.accuracy);
    QCOMPARE(metrics.at("macro_f1"), result.metrics.macroF1);
    QCOMPARE(metrics.at("examples"), 10.0);
    QCOMPARE(metrics.at("f1 wind"), result.metrics.perClass[2].f1);
    const auto items = evaluations.items(job.evaluationId(), 0, 100);
    QCOMPARE(items.size(), size_t(10));
    ConfusionMatrix again(3);
    for (const auto& item : items) {
      const auto index = [&](const std::string& label) {
        return int64_t(std::find(labels_.begin(), labels_.end(), label) - labels_.begin());
      };
      again.add(index(item.expected), index(item.output));
    }
    QCOMPARE(again.rows(), result.confusion);
    QCOMPARE(items[3].input, std::string("still water"));
    // Read back, the stored evaluation gives the same classes, counts and figures.
    const auto stored = storedClassifierResult(evaluations.metrics(job.evaluationId()), items);
    QVERIFY(isClassifierEvaluation(evaluations.metrics(job.evaluationId())));
    QCOMPARE(stored.labels, labels_);
    QCOMPARE(stored.confusion, result.confusion);
    QCOMPARE(stored.metrics.macroF1, result.metrics.macroF1);
    QCOMPARE(stored.outcomes[3].line, int64_t(4));
    QCOMPARE(stored.outcomes[3].probability, result.outcomes[3].probability);
    QVERIFY(contains(items[3].details, "\"line\":4"));
  }
};

QTEST_GUILESS_MAIN(ClassifierEvaluationTest)
#include "tst_classifier_evaluation.moc"
