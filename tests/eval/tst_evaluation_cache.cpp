// The evaluation cache: scoring with a cache twice runs nothing the second time and gives the same
// scores bit for bit; a scoring canceled after its first batch resumes with only the missing
// requests and ends where an uninterrupted one does; keys tell requests apart; an EvaluationJob
// recorded into a project twice takes every score (and every GSM8K answer) from the project the
// second time, and "cache": false leaves the project's cache alone. Cancels are gated on progress
// calls, never on time.
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "ModelFixtures.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "common/TorchPch.h"
#include "eval/EvaluationJob.h"
#include "eval/LoglikelihoodScoring.h"
#include "eval/ModelSourceIdentity.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "store/EvaluationOverview.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "store/ScoredRequestRepository.h"

using namespace tunebench;
using nlohmann::json;

namespace {

// An in-memory cache that counts what is stored.
class MemoryCache : public EvaluationCache {
 public:
  std::string description() const override { return "the memory cache"; }
  std::string modelIdentity() override { return "fixture model"; }
  std::vector<std::optional<CachedScore>> findScores(
      const std::vector<std::string>& keys) override {
    std::vector<std::optional<CachedScore>> found;
    for (const auto& key : keys) {
      const auto at = scores.find(key);
      found.push_back(at == scores.end() ? std::nullopt : std::optional<CachedScore>(at->second));
    }
    return found;
  }
  void storeScores(const std::vector<std::pair<std::string, CachedScore>>& stored) override {
    ++storeCalls;
    for (const auto& [key, score] : stored) {
      scores[key] = score;
      storedKeys.push_back(key);
    }
  }
  std::vector<std::optional<std::string>> findAnswers(
      const std::vector<std::string>& keys) override {
    return std::vector<std::optional<std::string>>(keys.size());
  }
  void storeAnswers(const std::vector<std::pair<std::string, std::string>>&) override {}

  std::map<std::string, CachedScore> scores;
  std::vector<std::string> storedKeys;
  int storeCalls = 0;
};

// Cancels once it has seen `limit` progress reports; keeps the log.
class CancelAfterProgress : public JobContext {
 public:
  explicit CancelAfterProgress(int limit) : limit_(limit) {}
  bool isCanceled() const override { return limit_ >= 0 && progressCalls >= limit_; }
  void waitIfPaused() override {}
  void progress(int64_t, int64_t, const std::string&) override { ++progressCalls; }
  void metric(int64_t, const std::string&, double) override {}
  void log(LogLevel, const std::string& text) override { logged.push_back(text); }

  int progressCalls = 0;
  std::vector<std::string> logged;

 private:
  int limit_;
};

// Questions of several context lengths with single- and multi-token continuations, and one
// request longer than the model's 64 positions; no two requests alike.
std::vector<TokenizedRequest> requestsToScore() {
  std::vector<TokenizedRequest> requests;
  auto context = [](int64_t start, int64_t length) {
    std::vector<int64_t> ids;
    for (int64_t i = 0; i < length; ++i) ids.push_back((start + 7 * i) % 97);
    return ids;
  };
  for (int64_t q = 0; q < 6; ++q) {
    const auto shared = context(q + 1, 3 + 4 * (q % 3));
    for (int64_t c = 0; c < 3; ++c) requests.push_back({shared, {(10 + q * 4 + c) % 97}});
    requests.push_back({shared, {5, 6, 7}});
  }
  requests.push_back({context(50, 60), {1, 2, 3, 4, 5, 6, 7, 8}});
  return requests;
}

bool sameScores(const LoglikelihoodResult& a, const LoglikelihoodResult& b) {
  if (a.scores.size() != b.scores.size()) return false;
  for (size_t i = 0; i < a.scores.size(); ++i) {
    const double x = a.scores[i].logLikelihood, y = b.scores[i].logLikelihood;
    if (std::memcmp(&x, &y, sizeof x) != 0 || a.scores[i].greedy != b.scores[i].greedy)
      return false;
  }
  return true;
}

bool logHas(const std::vector<std::string>& logged, const std::string& text) {
  for (const auto& line : logged)
    if (line.find(text) != std::string::npos) return true;
  return false;
}

void writeLines(const std::string& path, const std::vector<json>& records) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& record : records) out << record.dump() << "\n";
}

}  // namespace

class EvaluationCacheTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_, project_;
  int64_t runId_ = 0;
  PluginRegistry plugins_;

  // Runs an evaluation recorded with the run; returns the log.
  std::vector<std::string> evaluate(const std::string& dataFile, json settings,
                                    EvaluatorResult* result = nullptr) {
    EvaluationRequest request;
    request.modelFolder = model_;
    request.dataFile = dataFile;
    request.evaluator = "benchmark";
    request.settings = std::move(settings);
    request.projectFile = project_;
    request.runId = runId_;
    EvaluationJob job(plugins_, request);
    std::vector<std::string> logged;
    BasicJobContext context;
    context.onLog = [&](LogLevel, const std::string& text) { logged.push_back(text); };
    job.run(context);
    if (result) *result = job.result();
    return logged;
  }

  static void scoringPaths() {
    QTest::addColumn<bool>("shared");
    QTest::newRow("shared contexts") << true;
    QTest::newRow("full sequences") << false;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    builtin::registerBuiltinPlugins(plugins_);
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 5});
    project_ = dir_.filePath("cache.tbproj").toStdString();
    auto project = store::ProjectStore::create(project_);
    runId_ = store::RunRepository(project).create(store::NewRun("evaluated run"));
  }

  void keysTellRequestsApart() {
    const TokenizedRequest a{{1, 2}, {3}}, b{{1}, {2, 3}}, c{{1, 2, 3}, {}};
    std::set<std::string> keys = {scoredRequestKey("m", a), scoredRequestKey("m", b),
                                  scoredRequestKey("m", c), scoredRequestKey("n", a)};
    QCOMPARE(keys.size(), size_t(4));
    QCOMPARE(scoredRequestKey("m", a), scoredRequestKey("m", TokenizedRequest{{1, 2}, {3}}));
    QCOMPARE(scoredRequestKey("m", a).size(), size_t(64));

    auto model = tinyRandomModel("llama", 2);
    const auto identity = computedModelIdentity("m", *model);
    QVERIFY2(identity.rfind("m ", 0) == 0 && identity.find("cpu") != std::string::npos,
             identity.c_str());
    QVERIFY(computedModelIdentity("", *model).empty());
  }

  void aModelSourceIdentityFollowsItsFiles() {
    const auto first = modelSourceIdentity({model_, "", ""});
    QCOMPARE(first.size(), size_t(64));
    QCOMPARE(modelSourceIdentity({model_, "", ""}), first);
    const auto other = dir_.filePath("other").toStdString();
    makeRandomModel({"llama", "tiny", other, 6});
    QVERIFY(modelSourceIdentity({other, "", ""}) != first);
    QVERIFY_THROWS_EXCEPTION(
        Error, modelSourceIdentity({model_, dir_.filePath("none").toStdString(), ""}));
  }

  void scoringTwiceRunsNothingTheSecondTime_data() { scoringPaths(); }
  void scoringTwiceRunsNothingTheSecondTime() {
    QFETCH(bool, shared);
    auto model = tinyRandomModel("llama", 11);
    model->eval();
    const auto requests = requestsToScore();
    LoglikelihoodOptions options;
    options.batchSize = 2;
    options.sharedContexts = shared;
    const auto plain = scoreLoglikelihoods(*model, requests, options);

    MemoryCache cache;
    options.cache = &cache;
    CancelAfterProgress firstContext(-1);
    const auto first = scoreLoglikelihoods(*model, requests, options, &firstContext);
    QVERIFY(!first.canceled);
    QCOMPARE(first.fromCache, size_t(0));
    QCOMPARE(cache.scores.size(), requests.size());
    QVERIFY(cache.storeCalls > 1);  // after each batch, not once at the end
    QVERIFY(sameScores(first, plain));
    QVERIFY(logHas(firstContext.logged, "0 of 25 requests from the memory cache"));

    // Every forward pass is a batch, and every batch stores its scores: nothing stored, nothing
    // run.
    cache.storeCalls = 0;
    CancelAfterProgress secondContext(-1);
    const auto second = scoreLoglikelihoods(*model, requests, options, &secondContext);
    QVERIFY(!second.canceled);
    QCOMPARE(second.fromCache, requests.size());
    QCOMPARE(cache.storeCalls, 0);
    QCOMPARE(secondContext.progressCalls, 1);  // all done at once
    QVERIFY(sameScores(second, plain));
    QVERIFY(logHas(secondContext.logged, "25 of 25 requests from the memory cache"));
  }

  void aCanceledScoringResumesWhereItStopped_data() { scoringPaths(); }
  void aCanceledScoringResumesWhereItStopped() {
    QFETCH(bool, shared);
    auto model = tinyRandomModel("qwen2", 3);
    model->eval();
    const auto requests = requestsToScore();
    LoglikelihoodOptions options;
    options.batchSize = 2;
    options.sharedContexts = shared;
    const auto uninterrupted = scoreLoglikelihoods(*model, requests, options);

    MemoryCache cache;
    options.cache = &cache;
    CancelAfterProgress cancelAfterOneBatch(1);
    const auto stopped = scoreLoglikelihoods(*model, requests, options, &cancelAfterOneBatch);
    QVERIFY(stopped.canceled);
    QCOMPARE(cache.storeCalls, 1);
    const size_t kept = cache.scores.size();
    QVERIFY(kept > 0 && kept < requests.size());
    QCOMPARE(size_t(std::count(stopped.scored.begin(), stopped.scored.end(), true)), kept);

    const std::set<std::string> storedFirst(cache.storedKeys.begin(), cache.storedKeys.end());
    cache.storedKeys.clear();
    const auto resumed = scoreLoglikelihoods(*model, requests, options);
    QVERIFY(!resumed.canceled);
    QCOMPARE(resumed.fromCache, kept);
    // Only the missing requests ran.
    QCOMPARE(cache.storedKeys.size(), requests.size() - kept);
    for (const auto& key : cache.storedKeys) QVERIFY(!storedFirst.count(key));
    QVERIFY(sameScores(resumed, uninterrupted));
  }

  void anEvaluationRecordedTwiceTakesItsScoresFromTheProject() {
    std::vector<json> records;
    for (int n = 0; n < 5; ++n)
      records.push_back(
          {{"question", "What is " + std::to_string(n) + " plus " + std::to_string(n) + "?"},
           {"subject", n < 3 ? "anatomy" : "astronomy"},
           {"choices", {std::to_string(2 * n), std::to_string(2 * n + 1), "none", "all"}},
           {"answer", n % 4}});
    const auto file = dir_.filePath("mmlu.jsonl").toStdString();
    writeLines(file, records);
    EvaluatorResult first, second, uncached;
    const auto firstLog = evaluate(file, {{"batch_size", 2}}, &first);
    QVERIFY(logHas(firstLog, "0 of 20 requests from the project's cache"));
    {
      auto project = store::ProjectStore::open(project_);
      QCOMPARE(store::ScoredRequestRepository(project).count(), int64_t(20));
    }
    const auto secondLog = evaluate(file, {{"batch_size", 2}}, &second);
    QVERIFY(logHas(secondLog, "20 of 20 requests from the project's cache"));
    QCOMPARE(second.metrics, first.metrics);
    QCOMPARE(second.items.size(), first.items.size());
    for (size_t i = 0; i < first.items.size(); ++i)
      QCOMPARE(second.items[i].details.dump(), first.items[i].details.dump());

    // Turned off: nothing read or written, and the same evaluation as far as the record goes.
    const auto offLog = evaluate(file, {{"batch_size", 2}, {"cache", false}}, &uncached);
    QVERIFY(!logHas(offLog, "from the project's cache"));
    QCOMPARE(uncached.metrics.size(), first.metrics.size());
    const auto stored = store::readRunEvaluations(project_, runId_);
    QCOMPARE(stored.size(), size_t(3));
    QCOMPARE(stored[2].record.identity(), stored[0].record.identity());
    QVERIFY_THROWS_EXCEPTION(Error, evaluate(file, {{"cache", "no"}}));
  }

  void generatedAnswersComeFromTheProjectTheSecondTime() {
    std::vector<json> records;
    for (int n = 1; n <= 3; ++n)
      records.push_back({{"question", "What is " + std::to_string(n) + " + 1?"},
                         {"answer", std::to_string(n) + " + 1 = " + std::to_string(n + 1) +
                                        "\n#### " + std::to_string(n + 1)}});
    const auto file = dir_.filePath("gsm8k.jsonl").toStdString();
    writeLines(file, records);
    const json settings = {{"max_gen_toks", 5}, {"batch_size", 2}};
    EvaluatorResult first, second;
    QVERIFY(logHas(evaluate(file, settings, &first), "0 of 3 answers from the project's cache"));
    QVERIFY(logHas(evaluate(file, settings, &second), "3 of 3 answers from the project's cache"));
    QCOMPARE(second.items.size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) QCOMPARE(second.items[i].output, first.items[i].output);
    QCOMPARE(second.metrics, first.metrics);
  }
};

QTEST_GUILESS_MAIN(EvaluationCacheTest)
#include "tst_evaluation_cache.moc"
