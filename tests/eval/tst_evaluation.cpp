#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "eval/Evaluation.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"
#include "tokenizer/TokenizerLoader.h"
#include "train/Trainer.h"
#include "train/TrainingData.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

const EvalExample kPair{"What is 2 plus 3?", "The answer is 5."};

std::vector<EvalExample> mixedExamples() {
  return {{"What is 2 plus 3?", "The answer is 5."},
          {"Name a bird.", "owl"},
          {"The cat sat on the", " mat"},
          {"Count: one two three four five six", "seven"},
          {"Hello", "world"}};
}

std::string writeFile(const QTemporaryDir& dir, const QString& name, const std::string& text) {
  const std::string path = dir.filePath(name).toStdString();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

QString failureOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class EvaluationTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 3});
  }

  void answersMatchTrimsBothEnds_data() {
    QTest::addColumn<QString>("generated");
    QTest::addColumn<QString>("reference");
    QTest::addColumn<bool>("match");
    QTest::newRow("same") << "5"
                          << "5" << true;
    QTest::newRow("spaces around") << "  5 "
                                   << "5" << true;
    QTest::newRow("newlines and tabs") << "\n\t5\r\n"
                                       << " 5\t" << true;
    QTest::newRow("both empty") << " "
                                << "" << true;
    QTest::newRow("inner space counts") << "5 0"
                                        << "50" << false;
    QTest::newRow("case counts") << "Owl"
                                 << "owl" << false;
    QTest::newRow("prefix only") << "The answer is 5"
                                 << "The answer is 5." << false;
  }
  void answersMatchTrimsBothEnds() {
    QFETCH(QString, generated);
    QFETCH(QString, reference);
    QFETCH(bool, match);
    QCOMPARE(answersMatch(generated.toStdString(), reference.toStdString()), match);
  }

  void loadEvalExamplesReadsFieldsAndNamesErrors() {
    QTemporaryDir dir;
    const auto good = writeFile(dir, "good.jsonl",
                                "{\"q\": \"a\", \"a\": \"b\"}\n\n{\"q\": \"c\", \"a\": \"d\", "
                                "\"other\": 1}\n");
    const auto examples = loadEvalExamples(good, "q", "a");
    QCOMPARE(examples.size(), size_t(2));
    QCOMPARE(examples[1].prompt, std::string("c"));
    QCOMPARE(examples[1].reference, std::string("d"));

    const auto badJson =
        writeFile(dir, "bad.jsonl", "{\"prompt\": \"a\", \"response\": \"b\"}\n{\"prompt\": \n");
    auto message = failureOf([&] { loadEvalExamples(badJson); });
    QVERIFY2(message.contains(QString::fromStdString(badJson) + ": line 2: not valid JSON at column"),
             qPrintable(message));

    const auto missing = writeFile(dir, "missing.jsonl",
                                   "{\"prompt\": \"a\", \"response\": \"b\"}\n\n"
                                   "{\"prompt\": \"a\", \"answer\": \"b\"}\n");
    message = failureOf([&] { loadEvalExamples(missing); });
    QVERIFY2(
        message.contains(QString::fromStdString(missing) + ": line 3: field 'response' is missing"),
        qPrintable(message));

    const auto notText = writeFile(dir, "number.jsonl", "{\"prompt\": 4, \"response\": \"b\"}\n");
    message = failureOf([&] { loadEvalExamples(notText); });
    QVERIFY2(message.contains("line 1: field 'prompt' is not a string"), qPrintable(message));

    const auto array = writeFile(dir, "array.jsonl", "[1, 2]\n");
    message = failureOf([&] { loadEvalExamples(array); });
    QVERIFY2(message.contains("line 1: expected a JSON object"), qPrintable(message));

    message = failureOf([&] { loadEvalExamples(dir.filePath("absent.jsonl").toStdString()); });
    QVERIFY2(message.contains("absent.jsonl"), qPrintable(message));
  }

  // The perplexity equals exp of the mean cross-entropy over response + EOS, computed here
  // straight from the model's logits.
  void perplexityIsExpOfResponseCrossEntropy() {
    const auto encoder = encoderForModelFolder(model_);
    std::vector<int64_t> ids{encoder.bosId};
    for (int64_t id : encoder.encode(kPair.prompt)) ids.push_back(id);
    const int64_t promptLength = static_cast<int64_t>(ids.size());
    for (int64_t id : encoder.encode(kPair.reference)) ids.push_back(id);
    ids.push_back(encoder.eosId);
    const int64_t length = static_cast<int64_t>(ids.size());
    const int64_t responseLength = length - promptLength;

    auto loaded = loadModelFolder(model_);
    loaded.model->eval();
    torch::NoGradGuard noGrad;
    ForwardInput input;
    input.inputIds = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    const auto logits = loaded.model->forward(input)[0];
    // Position t predicts token t + 1: the response is predicted from promptLength - 1 on.
    const auto predictions = logits.narrow(0, promptLength - 1, responseLength);
    const auto targets = torch::tensor(ids, torch::kInt64).narrow(0, promptLength, responseLength);
    const double crossEntropy =
        torch::nn::functional::cross_entropy(predictions.to(torch::kFloat64), targets)
            .item<double>();

    EvaluationOptions options;
    options.maxNewTokens = 4;
    const auto result = evaluateModelFolder(model_, "", {kPair}, options);
    QCOMPARE(result.examples, int64_t(1));
    QCOMPARE(result.outcomes.size(), size_t(1));
    QCOMPARE(result.outcomes[0].responseTokens, responseLength);
    QCOMPARE(result.responseTokens, responseLength);
    QVERIFY2(std::abs(result.meanNll - crossEntropy) < 1e-5,
             qPrintable(QString("%1 vs %2").arg(result.meanNll).arg(crossEntropy)));
    QVERIFY(std::abs(result.perplexity - std::exp(crossEntropy)) < 1e-4 * std::exp(crossEntropy));
    QVERIFY(std::abs(result.outcomes[0].responseNll - crossEntropy * responseLength) < 1e-4);
    // A random model is far from the reference; its perplexity is about the vocabulary's size.
    QVERIFY(result.perplexity > 10);
  }

  // Scores do not depend on how examples are batched (right padding stays out of real tokens),
  // and left-padded batched generation gives what one prompt at a time gives.
  void batchingChangesNothing() {
    EvaluationOptions one;
    one.batchSize = 1;
    one.maxNewTokens = 8;
    EvaluationOptions three = one;
    three.batchSize = 3;
    const auto examples = mixedExamples();
    const auto a = evaluateModelFolder(model_, "", examples, one);
    const auto b = evaluateModelFolder(model_, "", examples, three);
    QCOMPARE(a.outcomes.size(), examples.size());
    QCOMPARE(b.outcomes.size(), examples.size());
    bool someText = false;
    for (size_t i = 0; i < examples.size(); ++i) {
      QCOMPARE(b.outcomes[i].generated, a.outcomes[i].generated);
      QCOMPARE(b.outcomes[i].generatedIds, a.outcomes[i].generatedIds);
      QCOMPARE(b.outcomes[i].responseTokens, a.outcomes[i].responseTokens);
      QVERIFY(std::abs(b.outcomes[i].responseNll - a.outcomes[i].responseNll) < 1e-3);
      someText = someText || !a.outcomes[i].generated.empty();
    }
    QVERIFY(someText);
    QVERIFY(std::abs(a.meanNll - b.meanNll) < 1e-5);

    // The text is what the folder's tokenizer decodes from the generated ids.
    const auto tokenizer = loadTokenizer(model_).tokenizer;
    for (const auto& outcome : a.outcomes) {
      const std::vector<int> ids(outcome.generatedIds.begin(), outcome.generatedIds.end());
      QCOMPARE(outcome.generated, tokenizer->decode(ids, true));
    }

    EvaluationOptions limited = three;
    limited.maxExamples = 2;
    const auto c = evaluateModelFolder(model_, "", examples, limited);
    QCOMPARE(c.examples, int64_t(2));
    QCOMPARE(c.outcomes[1].generated, a.outcomes[1].generated);
  }

  void progressAndCancellation() {
    BasicJobContext context;
    std::vector<std::pair<int64_t, int64_t>> reports;
    context.onProgress = [&](int64_t done, int64_t total, const std::string&) {
      reports.emplace_back(done, total);
      if (done == 2) context.cancel();
    };
    EvaluationOptions options;
    options.batchSize = 2;
    options.maxNewTokens = 2;
    const auto result = evaluateModelFolder(model_, "", mixedExamples(), options, &context);
    QVERIFY(result.canceled);
    QCOMPARE(result.examples, int64_t(2));
    QCOMPARE(reports.back(), std::make_pair(int64_t(2), int64_t(5)));
  }

  void badSettingsAndFoldersAreErrors() {
    EvaluationOptions options;
    options.batchSize = 0;
    QVERIFY(failureOf([&] {
              evaluateModelFolder(model_, "", {kPair}, options);
            }).contains("batch size"));
    QVERIFY(failureOf([&] { evaluateModelFolder(model_, "", {}, {}); }).contains("no examples"));
    const auto missing = dir_.filePath("no-adapter").toStdString();
    QVERIFY(failureOf([&] {
              evaluateModelFolder(model_, missing, {kPair}, {});
            }).contains(QString::fromStdString(missing)));
  }

  // After fine-tuning on one pair, the model answers it exactly and finds it far more likely;
  // a LoRA run evaluated as base + adapter agrees with its merged model.
  void trainingOnAPairMakesItExact() {
    const std::string data = dir_.filePath("pair.jsonl").toStdString();
    {
      std::ofstream out(data);
      const nlohmann::json record{{"prompt", kPair.prompt}, {"response", kPair.reference}};
      for (int i = 0; i < 8; ++i) out << record.dump() << "\n";
    }
    EvaluationOptions options;
    options.maxNewTokens = 24;  // the reference is 13 tokens of this tokenizer, then EOS
    const auto before = evaluateModelFolder(model_, "", {kPair}, options);
    QCOMPARE(before.exactMatch, 0.0);

    auto train = [&](const std::string& name, const nlohmann::json& method, double lr, int epochs) {
      nlohmann::json json{{"model", model_},
                          {"output", dir_.filePath(QString::fromStdString(name)).toStdString()},
                          {"objective", "sft"},
                          {"data", {{"train", data}, {"max_length", 48}}},
                          {"optimizer", {{"name", "adamw"}, {"lr", lr}}},
                          {"schedule", {{"name", "constant"}}},
                          {"batch_size", 4},
                          {"epochs", epochs},
                          {"threads", 1},
                          {"seed", 11}};
      if (!method.is_null()) json["method"] = method;
      BasicJobContext context;
      Trainer trainer(parseTrainingConfig(json, "run.json"), false);
      trainer.run(context);
      return trainer.result();
    };

    const auto full = train("full", nullptr, 0.01, 15);
    QCOMPARE(full.stopReason, tunebench::StopReason::Completed);
    const auto tuned = evaluateModelFolder(full.finalModelFolder, "", {kPair}, options);
    QVERIFY2(tuned.exactMatch == 1.0,
             qPrintable(QString::fromStdString("generated: " + tuned.outcomes[0].generated)));
    QVERIFY2(tuned.perplexity < 0.2 * before.perplexity,
             qPrintable(QString("%1 -> %2").arg(before.perplexity).arg(tuned.perplexity)));

    const nlohmann::json lora{
        {"name", "lora"},
        {"r", 8},
        {"alpha", 16},
        {"targets", {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}}};
    const auto adapted = train("lora", lora, 0.01, 30);
    QCOMPARE(adapted.stopReason, tunebench::StopReason::Completed);
    QVERIFY(fs::exists(adapted.adapterFolder + "/adapter_config.json"));
    const auto withAdapter = evaluateModelFolder(model_, adapted.adapterFolder, {kPair}, options);
    QVERIFY2(withAdapter.exactMatch == 1.0,
             qPrintable(QString::fromStdString("generated: " + withAdapter.outcomes[0].generated)));
    // Frozen random embeddings and head keep this tiny model's distributions flat: LoRA finds
    // the right tokens but lowers the perplexity less than full fine-tuning does.
    QVERIFY2(withAdapter.perplexity < 0.5 * before.perplexity,
             qPrintable(QString("%1 -> %2").arg(before.perplexity).arg(withAdapter.perplexity)));
    const auto merged = evaluateModelFolder(adapted.finalModelFolder, "", {kPair}, options);
    QVERIFY2(std::abs(merged.meanNll - withAdapter.meanNll) < 1e-4,
             qPrintable(QString("%1 vs %2").arg(merged.meanNll).arg(withAdapter.meanNll)));
    QCOMPARE(merged.outcomes[0].generated, withAdapter.outcomes[0].generated);
  }
};

QTEST_GUILESS_MAIN(EvaluationTest)
#include "tst_evaluation.moc"
