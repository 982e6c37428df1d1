// EvaluationJob: evaluates like evaluateModelFolder and records a run's evaluation in the project
// (suite, metrics, items); nothing is recorded for a canceled evaluation or without a run; a
// missing run fails before the evaluation. Evaluators are the registry's, chosen by id or by the
// model: a third party's is called with the request and its result recorded. And what "the final
// model of a run" resolves to.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/EvaluationJob.h"
#include "eval/RunEvaluationTarget.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"
#include "store/EvaluationOverview.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using namespace tunebench;
namespace fs = std::filesystem;

namespace {

// An evaluator as a third party would write one: counts the data file's lines, keeps the request.
class LineCountEvaluator : public Evaluator {
 public:
  std::string id() const override { return "line-count"; }
  std::string displayName() const override { return "Line count (fixture)"; }
  std::string description() const override { return "counts the lines of the data file"; }
  bool suits(const ModelSource&) const override { return false; }  // only when asked for
  EvaluatorResult evaluate(const EvaluatorRequest& request, JobContext& context) override {
    lastRequest = request;
    EvaluatorResult result;
    std::ifstream in(request.dataFile);
    std::string line;
    while (std::getline(in, line))
      result.items.push_back(
          {line, "", std::to_string(line.size()), 1.0, {{"bytes", line.size()}}});
    context.progress(1, 1, "counted");
    result.metrics = {{"lines", static_cast<double>(result.items.size())}, {"weight", 0.5}};
    return result;
  }
  EvaluatorRequest lastRequest;
};

std::shared_ptr<LineCountEvaluator> lineCounter;

void registerLineCounter(PluginRegistrar* registrar) {
  registrar->addEvaluator(lineCounter);
}

}  // namespace

class EvaluationJobTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_, data_, project_;
  int64_t runId_ = 0;
  PluginRegistry plugins_;

  EvaluationRequest request() const {
    EvaluationRequest request;
    request.modelFolder = model_;
    request.dataFile = data_;
    request.settings = {{"max_new_tokens", 3}};
    return request;
  }
  static EvaluationOptions directOptions() {
    EvaluationOptions options;
    options.maxNewTokens = 3;
    return options;
  }

  size_t evaluationsOfRun() {
    auto project = store::ProjectStore::open(project_);
    return store::EvaluationRepository(project).forRun(runId_).size();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    builtin::registerBuiltinPlugins(plugins_);
    lineCounter = std::make_shared<LineCountEvaluator>();
    plugins_.addBuiltin("line-count-fixture", registerLineCounter);
    QVERIFY(plugins_.failures().empty());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 5});
    data_ = dir_.filePath("eval.jsonl").toStdString();
    std::ofstream out(data_);
    for (int i = 0; i < 5; ++i)
      out << nlohmann::json{{"prompt", "What is " + std::to_string(i) + " plus 1?"},
                            {"response", std::to_string(i + 1)}}
                 .dump()
          << "\n";
    out.close();
    project_ = dir_.filePath("eval.tbproj").toStdString();
    auto project = store::ProjectStore::create(project_);
    runId_ = store::RunRepository(project).create(store::NewRun("evaluated run"));
  }

  void recordsARunsEvaluation() {
    auto req = request();
    req.projectFile = project_;
    req.runId = runId_;
    EvaluationJob job(plugins_, req);
    BasicJobContext context;
    job.run(context);
    QVERIFY(job.evaluationId() > 0);

    const auto direct =
        evaluateModelFolder(model_, "", loadEvalExamples(data_), directOptions(), nullptr);
    QCOMPARE(job.evaluatorId(), std::string("generation"));  // chosen by the model
    const auto result = generationResultOf(job.result());
    QCOMPARE(result.examples, int64_t(5));
    QCOMPARE(result.exactMatch, direct.exactMatch);
    QCOMPARE(result.perplexity, direct.perplexity);

    const auto stored = store::readRunEvaluations(project_, runId_);
    QCOMPARE(stored.size(), size_t(1));
    QCOMPARE(stored[0].record.id, job.evaluationId());
    QCOMPARE(stored[0].record.suite, std::string("eval.jsonl"));
    std::map<std::string, double> metrics(stored[0].metrics.begin(), stored[0].metrics.end());
    QCOMPARE(metrics.at("exact_match"), direct.exactMatch);
    QCOMPARE(metrics.at("perplexity"), direct.perplexity);
    QCOMPARE(metrics.at("examples"), 5.0);
    const auto items = store::readEvaluationItems(project_, job.evaluationId(), 100);
    QCOMPARE(items.size(), size_t(5));
    for (size_t i = 0; i < items.size(); ++i) {
      QCOMPARE(items[i].index, int64_t(i));
      QCOMPARE(items[i].input, direct.outcomes[i].prompt);
      QCOMPARE(items[i].expected, direct.outcomes[i].reference);
      QCOMPARE(items[i].output, direct.outcomes[i].generated);
      QCOMPARE(*items[i].score, direct.outcomes[i].exactMatch ? 1.0 : 0.0);
    }
    // The runs, newest first, for the run picker.
    QCOMPARE(store::readRuns(project_).front().id, runId_);
  }

  void withoutARunNothingIsRecorded() {
    const size_t before = evaluationsOfRun();
    auto req = request();
    req.projectFile = project_;  // no run: shown only
    EvaluationJob job(plugins_, req);
    QVERIFY(!job.records());
    BasicJobContext context;
    job.run(context);
    QCOMPARE(job.evaluationId(), int64_t(0));
    QCOMPARE(generationResultOf(job.result()).examples, int64_t(5));
    QCOMPARE(evaluationsOfRun(), before);
  }

  void aCanceledEvaluationIsNotRecorded() {
    const size_t before = evaluationsOfRun();
    auto req = request();
    req.projectFile = project_;
    req.runId = runId_;
    EvaluationJob job(plugins_, req);
    BasicJobContext context;
    context.cancel();
    job.run(context);
    QCOMPARE(job.evaluationId(), int64_t(0));
    QCOMPARE(evaluationsOfRun(), before);
  }

  void aMissingRunFailsBeforeEvaluating() {
    auto req = request();
    req.projectFile = project_;
    req.runId = runId_ + 1000;
    req.modelFolder = dir_.filePath("no-such-model").toStdString();  // never reached
    EvaluationJob job(plugins_, req);
    BasicJobContext context;
    try {
      job.run(context);
      QFAIL("expected an error");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(QStringLiteral("run %1 is not in").arg(runId_ + 1000)),
               e.what());
    }
  }

  void aBadFileNamesTheLine() {
    const std::string bad = dir_.filePath("bad.jsonl").toStdString();
    std::ofstream(bad) << "{\"prompt\": \"a\", \"response\": \"b\"}\n{\"prompt\": \"a\"}\n";
    auto req = request();
    req.dataFile = bad;
    EvaluationJob job(plugins_, req);
    BasicJobContext context;
    try {
      job.run(context);
      QFAIL("expected an error");
    } catch (const Error& e) {
      const QString message = e.what();
      QVERIFY2(message.contains(QString::fromStdString(bad) + ": line 2"), e.what());
      QVERIFY2(message.contains("response"), e.what());
    }
  }

  void theRegistryListsTheBuiltinEvaluators() {
    PluginRegistry builtins;
    builtin::registerBuiltinPlugins(builtins);
    QCOMPARE(builtins.evaluators().size(), size_t(5));
    QCOMPARE(builtins.evaluators()[0]->id(), std::string("generation"));
    QCOMPARE(builtins.evaluators()[1]->id(), std::string("classifier"));
    QCOMPARE(builtins.evaluators()[2]->id(), std::string("benchmark"));
    QCOMPARE(builtins.evaluators()[3]->id(), std::string("perplexity"));
    QCOMPARE(builtins.evaluators()[4]->id(), std::string("safety"));
    QVERIFY(builtins.evaluators()[0]->suits({model_, "", ""}));
    QVERIFY(!builtins.evaluators()[1]->suits({model_, "", ""}));
    // A language model's benchmarks and perplexity are asked for by name; the generation
    // evaluation stays its default.
    QVERIFY(builtins.evaluators()[2]->suits({model_, "", ""}));
    QVERIFY(builtins.evaluators()[3]->suits({model_, "", ""}));
  }

  // A third party's evaluator, asked for by id, gets the model source, the file and the
  // settings; its metrics and items are recorded in order.
  void aPluginEvaluatorChosenByIdIsRecorded() {
    auto req = request();
    req.evaluator = "line-count";
    req.settings["anything"] = "passed on";
    req.projectFile = project_;
    req.runId = runId_;
    req.suite = "lines";
    EvaluationJob job(plugins_, req);
    BasicJobContext context;
    job.run(context);
    QCOMPARE(job.evaluatorId(), std::string("line-count"));
    QCOMPARE(lineCounter->lastRequest.model.modelFolder, model_);
    QCOMPARE(lineCounter->lastRequest.dataFile, data_);
    QCOMPARE(lineCounter->lastRequest.settings["anything"].get<std::string>(),
             std::string("passed on"));
    QVERIFY(job.evaluationId() > 0);
    const auto stored = store::readRunEvaluations(project_, runId_);
    const auto& evaluation = stored.back();
    QCOMPARE(evaluation.record.id, job.evaluationId());
    QCOMPARE(evaluation.record.suite, std::string("lines"));
    std::map<std::string, double> metrics(evaluation.metrics.begin(), evaluation.metrics.end());
    QCOMPARE(metrics.at("lines"), 5.0);
    QCOMPARE(metrics.at("weight"), 0.5);
    const auto items = store::readEvaluationItems(project_, job.evaluationId(), 100);
    QCOMPARE(items.size(), size_t(5));
    QCOMPARE(items[0].output, std::to_string(items[0].input.size()));
    QVERIFY(QString::fromStdString(items[0].details).contains("\"bytes\""));
  }

  void unknownEvaluatorsAndBadSettingsAreClearErrors() {
    auto req = request();
    req.evaluator = "mmlu";
    try {
      EvaluationJob job(plugins_, req);
      QFAIL("an unknown evaluator was accepted");
    } catch (const Error& e) {
      QVERIFY2(
          QString(e.what()).contains(
              "unknown evaluator 'mmlu': use one of generation, classifier, benchmark, perplexity, "
              "safety, "
              "line-count"),
          e.what());
    }
    req = request();
    req.settings["max_new_tokens"] = "many";
    EvaluationJob job(plugins_, req);
    BasicJobContext context;
    try {
      job.run(context);
      QFAIL("a bad setting was accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("\"max_new_tokens\" must be a whole number"), e.what());
    }
  }

  void runTargetResolvesAgainstTheProjectFolder() {
    const std::string folder = dir_.path().toStdString();
    fs::create_directories(fs::path(folder) / "runs/r1/final");
    std::ofstream((fs::path(folder) / "runs/r1/final/config.json").string()) << "{}";
    const nlohmann::json config{
        {"output", "runs/r1"},
        {"data", {{"validation", "data/val.jsonl"}, {"prompt_field", "question"}}}};
    const auto target = runEvaluationTarget(config.dump(), folder);
    QVERIFY2(target.problem.empty(), target.problem.c_str());
    QCOMPARE(target.finalModelFolder, (fs::path(folder) / "runs/r1/final").string());
    QVERIFY(target.finalModelExists);
    QCOMPARE(target.validationFile, (fs::path(folder) / "data/val.jsonl").string());
    QCOMPARE(target.promptField, std::string("question"));
    QCOMPARE(target.responseField, std::string("response"));

    const auto unfinished = runEvaluationTarget(R"({"output": "/nowhere/run"})", folder);
    QVERIFY(!unfinished.finalModelExists);
    QVERIFY(QString::fromStdString(unfinished.problem).contains("/nowhere/run/final"));
    QVERIFY(!runEvaluationTarget("{}", folder).problem.empty());
    QVERIFY(!runEvaluationTarget("not json", folder).problem.empty());
  }
};

QTEST_GUILESS_MAIN(EvaluationJobTest)
#include "tst_evaluation_job.moc"
