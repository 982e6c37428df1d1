// Log-likelihood scoring against independent paths: shared contexts with a KV cache against one
// full sequence per request, both against a plain forward pass written out here; the harness's
// request encoding; and the benchmark evaluator end to end on a generated MMLU-shaped suite.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

#include "ModelFixtures.h"
#include "builtin/BenchmarkEvaluator.h"
#include "builtin/PerplexityEvaluator.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "eval/AnswerExtraction.h"
#include "eval/GeneratedAnswers.h"
#include "eval/LoglikelihoodScoring.h"
#include "eval/RollingPerplexity.h"
#include "eval/SampleStatistics.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "model/ModelFolder.h"

using namespace tunebench;
using nlohmann::json;

namespace {

// Summed log-probability of `continuation` after `context`, from one unbatched forward pass of
// the whole sequence cut to the model's context from the left, as the harness cuts it.
LoglikelihoodScore scoreByHand(CausalLMImpl& model, const TokenizedRequest& request) {
  torch::NoGradGuard noGradients;
  std::vector<int64_t> input = request.context;
  input.insert(input.end(), request.continuation.begin(), request.continuation.end());
  const auto limit = static_cast<size_t>(model.config().maxPositions + 1);
  if (input.size() > limit) input.erase(input.begin(), input.end() - static_cast<long>(limit));
  input.pop_back();
  ForwardInput forward;
  forward.inputIds = torch::tensor(input, torch::kInt64).unsqueeze(0);
  const auto logProbabilities = model.forward(forward)[0].log_softmax(-1);
  LoglikelihoodScore score;
  const size_t first = input.size() - request.continuation.size();
  for (size_t i = 0; i < request.continuation.size(); ++i) {
    const auto row = logProbabilities[static_cast<int64_t>(first + i)];
    score.logLikelihood += row[request.continuation[i]].item<double>();
    score.greedy = score.greedy && row.argmax().item<int64_t>() == request.continuation[i];
  }
  return score;
}

// Questions of different context lengths, single-token and longer continuations, a repeated
// context, and one request longer than the model's 64 positions.
std::vector<TokenizedRequest> mixedRequests() {
  std::vector<TokenizedRequest> requests;
  auto context = [](int64_t start, int64_t length) {
    std::vector<int64_t> ids;
    for (int64_t i = 0; i < length; ++i) ids.push_back((start + 7 * i) % 97);
    return ids;
  };
  for (int64_t q = 0; q < 5; ++q) {
    const auto shared = context(q + 1, 3 + 4 * q);
    for (int64_t c = 0; c < 4; ++c) requests.push_back({shared, {(10 + q * 4 + c) % 97}});
    requests.push_back({shared, {5, 6, 7}});
    requests.push_back({shared, {8, 9}});
  }
  requests.push_back({context(50, 60), {1, 2, 3, 4, 5, 6, 7, 8}});  // 68 tokens: cut
  requests.push_back({context(3, 9), {}});
  return requests;
}

class FixedEncoder {
 public:
  // Bytes as ids: "ab" is {97, 98}; a tokenizer that merges nothing.
  static TextEncoder make() {
    TextEncoder encoder;
    encoder.encode = [](const std::string& text) {
      std::vector<int64_t> ids;
      for (unsigned char c : text) ids.push_back(c);
      return ids;
    };
    encoder.bosId = 1;
    encoder.eosId = 2;
    return encoder;
  }
};

void writeLines(const std::string& path, const std::vector<json>& records) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& record : records) out << record.dump() << "\n";
}

json mmluRecord(const std::string& subject, int n) {
  const auto text = std::to_string(n);
  return {{"question", "What is " + text + " plus " + text + "?"},
          {"subject", subject},
          {"choices", {std::to_string(2 * n), std::to_string(2 * n + 1), "none", "all"}},
          {"answer", n % 4}};
}

}  // namespace

class LoglikelihoodScoringTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    makeRandomModel({"llama", "tiny", dir_.filePath("model").toStdString(), 5});
  }

  void trailingContextSpacesMoveOntoTheContinuation() {
    const auto encoder = FixedEncoder::make();
    const auto request = tokenizeRequest(encoder, "A: ", "B");
    QCOMPARE(request.context, (std::vector<int64_t>{1, 'A', ':'}));
    QCOMPARE(request.continuation, (std::vector<int64_t>{' ', 'B'}));
    const auto empty = tokenizeRequest(encoder, "", "xy");
    QCOMPARE(empty.context, (std::vector<int64_t>{1}));
    QCOMPARE(empty.continuation, (std::vector<int64_t>{'x', 'y'}));
  }

  void sharedContextsMatchFullSequencesAndAPlainForwardPass() {
    auto model = tinyRandomModel("llama", 11);
    model->eval();
    const auto requests = mixedRequests();
    LoglikelihoodOptions shared;
    shared.batchSize = 2;
    LoglikelihoodOptions full = shared;
    full.sharedContexts = false;
    const auto viaCache = scoreLoglikelihoods(*model, requests, shared);
    const auto viaSequences = scoreLoglikelihoods(*model, requests, full);
    QVERIFY(!viaCache.canceled && !viaSequences.canceled);
    for (size_t i = 0; i < requests.size(); ++i) {
      const auto byHand = scoreByHand(*model, requests[i]);
      const auto where = QString("request %1").arg(i);
      QVERIFY2(std::abs(viaCache.scores[i].logLikelihood - byHand.logLikelihood) < 1e-4,
               qPrintable(where));
      QVERIFY2(std::abs(viaSequences.scores[i].logLikelihood - byHand.logLikelihood) < 1e-4,
               qPrintable(where));
      QCOMPARE(viaCache.scores[i].greedy, byHand.greedy);
      QCOMPARE(viaSequences.scores[i].greedy, byHand.greedy);
    }
    QCOMPARE(viaCache.scores.back().logLikelihood, 0.0);  // nothing to score
  }

  void scoringStopsWhenCanceled() {
    auto model = tinyRandomModel("qwen2", 3);
    model->eval();
    BasicJobContext context;
    context.cancel();
    const auto result = scoreLoglikelihoods(*model, mixedRequests(), {}, &context);
    QVERIFY(result.canceled);
    QCOMPARE(std::count(result.scored.begin(), result.scored.end(), true), 0L);
  }

  // A generated MMLU-shaped suite of two subjects with a dev file for one-shot prompts.
  void theBenchmarkEvaluatorScoresAnMmluShapedFile() {
    const std::string modelFolder = dir_.filePath("model").toStdString();
    std::vector<json> test, dev;
    for (int n = 0; n < 5; ++n) test.push_back(mmluRecord(n < 3 ? "anatomy" : "astronomy", n));
    for (int n = 10; n < 12; ++n) dev.push_back(mmluRecord(n == 10 ? "anatomy" : "astronomy", n));
    const std::string testFile = dir_.filePath("mmlu_test.jsonl").toStdString();
    const std::string devFile = dir_.filePath("mmlu_dev.jsonl").toStdString();
    writeLines(testFile, test);
    writeLines(devFile, dev);

    builtin::BenchmarkEvaluator evaluator;
    EvaluatorRequest request;
    request.model.modelFolder = modelFolder;
    request.dataFile = testFile;
    request.settings = {{"num_fewshot", 1}, {"fewshot_file", devFile}, {"batch_size", 2}};
    BasicJobContext context;
    const auto result = evaluator.evaluate(request, context);
    QVERIFY(!result.canceled);
    QCOMPARE(result.items.size(), size_t(5));
    std::map<std::string, double> metrics(result.metrics.begin(), result.metrics.end());
    QCOMPARE(result.metrics.front().first, std::string("acc"));
    QVERIFY(metrics.count("acc (anatomy)") && metrics.count("acc (astronomy)"));
    QCOMPARE(metrics.at("questions"), 5.0);
    // Independently from the items: each prediction is the largest log-likelihood, and acc is
    // the mean of the items' scores with the pooled standard error of the two subjects.
    std::vector<double> anatomy, astronomy, all;
    for (const auto& item : result.items) {
      const auto lls = item.details.at("log_likelihoods").get<std::vector<double>>();
      QCOMPARE(lls.size(), size_t(4));
      const size_t best =
          static_cast<size_t>(std::max_element(lls.begin(), lls.end()) - lls.begin());
      QCOMPARE(item.details.at("predicted").get<size_t>(), best);
      QCOMPARE(item.score, best == item.details.at("gold").at(0).get<size_t>() ? 1.0 : 0.0);
      (item.details.at("subject") == "anatomy" ? anatomy : astronomy).push_back(item.score);
      all.push_back(item.score);
    }
    QVERIFY(std::abs(metrics.at("acc") - mean(all)) < 1e-12);
    QVERIFY(std::abs(metrics.at("acc_stderr") -
                     pooledStandardError({meanStandardError(anatomy), meanStandardError(astronomy)},
                                         {anatomy.size(), astronomy.size()})) < 1e-12);
    // The one-shot prompt is in front of the question the item shows.
    QVERIFY(result.items.front().input.rfind("What is 0 plus 0?", 0) == 0);

    // The same numbers without the shared-context path.
    request.settings["shared_contexts"] = false;
    const auto unshared = evaluator.evaluate(request, context);
    for (size_t i = 0; i < result.items.size(); ++i) {
      const auto a = result.items[i].details.at("log_likelihoods").get<std::vector<double>>();
      const auto b = unshared.items[i].details.at("log_likelihoods").get<std::vector<double>>();
      for (size_t c = 0; c < a.size(); ++c) QVERIFY(std::abs(a[c] - b[c]) < 1e-4);
    }
    const auto identity = evaluator.scoringSettings(request.settings);
    QCOMPARE(identity.at("num_fewshot").get<int>(), 1);
    QVERIFY(!identity.contains("batch_size") && !identity.contains("shared_contexts"));
  }

  // Windows as the harness's get_rolling_token_windows (context_len 1) + make_disjoint_window
  // give them (worked out with its published definition).
  void rollingWindowsPredictEveryTokenOnce() {
    std::vector<int64_t> tokens;
    for (int64_t i = 1; i <= 10; ++i) tokens.push_back(i);
    const auto windows = rollingWindows(tokens, 0, 4);
    QCOMPARE(windows.size(), size_t(3));
    QCOMPARE(windows[0].context, std::vector<int64_t>{0});
    QCOMPARE(windows[0].continuation, (std::vector<int64_t>{1, 2, 3, 4}));
    QCOMPARE(windows[1].context, std::vector<int64_t>{4});
    QCOMPARE(windows[1].continuation, (std::vector<int64_t>{5, 6, 7, 8}));
    QCOMPARE(windows[2].context, (std::vector<int64_t>{6, 7, 8}));
    QCOMPARE(windows[2].continuation, (std::vector<int64_t>{9, 10}));
    QCOMPARE(rollingWindows({1, 2, 3}, 0, 4).size(), size_t(1));
    QVERIFY(rollingWindows({}, 0, 4).empty());
    QCOMPARE(pythonWordCount(" a b "), int64_t(4));
    QCOMPARE(pythonWordCount("a  b\n c"), int64_t(3));
    QCOMPARE(pythonWordCount(""), int64_t(1));
  }

  // A text longer than the window: the evaluator's total is the sum of its windows, each scored
  // here by a plain forward pass; the figures follow from the total.
  void rollingPerplexityAddsUpItsWindows() {
    const std::string modelFolder = dir_.filePath("model").toStdString();
    const std::string file = dir_.filePath("texts.jsonl").toStdString();
    const std::string text = "The cat sat on the mat. The dog sat on the log. Then both slept.";
    writeLines(file, {json{{"text", text}}, json{{"text", "Short one."}}});
    builtin::PerplexityEvaluator evaluator;
    EvaluatorRequest request;
    request.model.modelFolder = modelFolder;
    request.dataFile = file;
    request.settings = {{"window_length", 8}, {"batch_size", 3}};
    BasicJobContext context;
    const auto result = evaluator.evaluate(request, context);
    QCOMPARE(result.items.size(), size_t(2));
    auto loaded = loadModelFolder(modelFolder);
    loaded.model->eval();
    const auto encoder = encoderForModelFolder(modelFolder);
    const int64_t start = startTokenOf(encoder);
    const auto windows = rollingWindows(encoder.encode(text), start, 8);
    QVERIFY(windows.size() > 2);
    double byHand = 0.0;
    for (const auto& window : windows) byHand += scoreByHand(*loaded.model, window).logLikelihood;
    const double scored = result.items[0].details.at("log_likelihood").get<double>();
    QVERIFY2(std::abs(scored - byHand) < 1e-3,
             qPrintable(QString("%1 vs %2").arg(scored).arg(byHand)));
    const double total = scored + result.items[1].details.at("log_likelihood").get<double>();
    const double words = double(pythonWordCount(text) + pythonWordCount("Short one."));
    const double bytes = double(text.size() + std::string("Short one.").size());
    std::map<std::string, double> metrics(result.metrics.begin(), result.metrics.end());
    QVERIFY(std::abs(metrics.at("word_perplexity") - std::exp(-total / words)) <
            1e-6 * metrics.at("word_perplexity"));
    QVERIFY(std::abs(metrics.at("bits_per_byte") - (-total / bytes / std::log(2.0))) < 1e-9);
  }

  // A hub-style Parquet file and its JSON Lines twin are the same benchmark.
  void aParquetBenchmarkScoresAsItsJsonLinesTwin() {
    const std::string fixtures = TUNEBENCH_SOURCE_DIR "/tests/fixtures/parquet/";
    builtin::BenchmarkEvaluator evaluator;
    EvaluatorRequest request;
    request.model.modelFolder = dir_.filePath("model").toStdString();
    request.settings = {{"limit", 6}, {"num_fewshot", 1}};
    BasicJobContext context;
    request.dataFile = fixtures + "mmlu.duckdb-v2-zstd.parquet";
    const auto fromParquet = evaluator.evaluate(request, context);
    request.dataFile = fixtures + "mmlu.jsonl";
    const auto fromJsonLines = evaluator.evaluate(request, context);
    QCOMPARE(fromParquet.items.size(), size_t(6));
    QCOMPARE(fromParquet.metrics, fromJsonLines.metrics);
    for (size_t i = 0; i < fromParquet.items.size(); ++i) {
      QCOMPARE(fromParquet.items[i].input, fromJsonLines.items[i].input);
      QCOMPARE(fromParquet.items[i].details, fromJsonLines.items[i].details);
    }
  }

  // GSM8K: the harness's prompt ("Question: …\nAnswer: <solved answer>\n\n" per example), the
  // response cut before "Question:", both answer filters on what was generated.
  void gsm8kAnswersAreGeneratedAndFiltered() {
    QCOMPARE(cutAtStopStrings("x = 4.\n#### 4\n\nQuestion: next", {"Question:", "</s>"}),
             std::string("x = 4.\n#### 4\n\n"));
    QCOMPARE(cutAtStopStrings("no stop", {"Question:"}), std::string("no stop"));
    std::vector<json> records;
    for (int n = 1; n <= 4; ++n)
      records.push_back({{"question", "What is " + std::to_string(n) + " + 1?"},
                         {"answer", std::to_string(n) + " + 1 = " + std::to_string(n + 1) +
                                        "\n#### " + std::to_string(n + 1)}});
    QCOMPARE(detectChoiceTask(records[0]).value_or(""), std::string("gsm8k"));
    std::vector<ChoiceDocument> documents;
    for (const auto& record : records)
      documents.push_back(readChoiceDocument("gsm8k", record, "r"));
    ChoiceBenchmarkSettings settings;
    settings.fewShot = 1;
    settings.maxNewTokens = 6;
    settings.limit = 3;
    const std::vector<ChoiceDocument> train(documents.begin() + 3, documents.end());
    const auto prompts = choicePromptsFor("gsm8k", documents, &train, settings);
    QCOMPARE(prompts.size(), size_t(3));
    QCOMPARE(prompts[0].contextOf(0),
             std::string("Question: What is 4 + 1?\nAnswer: 4 + 1 = 5\n#### 5\n\n"
                         "Question: What is 1 + 1?\nAnswer:"));

    BasicJobContext context;
    const auto result = evaluateGeneratedDocuments({dir_.filePath("model").toStdString(), "", {}},
                                                   "gsm8k", documents, &train, settings, context);
    QVERIFY(!result.canceled);
    QCOMPARE(result.items.size(), size_t(3));
    std::map<std::string, double> metrics(result.metrics.begin(), result.metrics.end());
    QCOMPARE(metrics.at("questions"), 3.0);
    std::vector<std::string> outputs, references;
    for (const auto& item : result.items) {
      QVERIFY(item.output.find("Question:") == std::string::npos);
      outputs.push_back(item.output);
      references.push_back(item.expected);
    }
    // The figures follow from the outputs by the filters alone.
    const auto rescored = gsm8kScores(outputs, references);
    QCOMPARE(metrics.at("exact_match,strict-match"), rescored.strictMatch);
    QCOMPARE(metrics.at("exact_match,flexible-extract"), rescored.flexibleExtract);
    QCOMPARE(result.items[0].details.at("strict_answer").get<std::string>(),
             rescored.items[0].strictAnswer);
  }

  void unknownLayoutsAndTasksAreNamed() {
    const std::string modelFolder = dir_.filePath("model").toStdString();
    const std::string file = dir_.filePath("odd.jsonl").toStdString();
    writeLines(file, {json{{"prompt", "x"}, {"response", "y"}}});
    builtin::BenchmarkEvaluator evaluator;
    EvaluatorRequest request;
    request.model.modelFolder = modelFolder;
    request.dataFile = file;
    BasicJobContext context;
    try {
      evaluator.evaluate(request, context);
      QFAIL("a file of no known layout was scored");
    } catch (const Error& e) {
      QVERIFY(std::string(e.what()).find("odd.jsonl") != std::string::npos);
      QVERIFY(std::string(e.what()).find("prompt, response") != std::string::npos);
    }
    request.settings = {{"task", "squad"}};
    QVERIFY_THROWS_EXCEPTION(Error, evaluator.evaluate(request, context));
  }
};

QTEST_GUILESS_MAIN(LoglikelihoodScoringTest)
#include "tst_loglikelihood_scoring.moc"
