// A benchmark suite run on two models: every task on each, in order; the progress counts across
// all of them (non-decreasing, one total) so that the time left covers the whole suite; a task
// that fails is reported and the others still run; a cancel stops the suite within a task.
#include <QTemporaryDir>
#include <QtTest>

#include "builtin/BuiltinPlugins.h"
#include "eval/BenchmarkSuiteJob.h"
#include "jobs/BasicJobContext.h"
#include "model/ModelFactory.h"

using namespace tunebench;

class BenchmarkSuiteJobTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string model_;

  BenchmarkSuite suite() const {
    BenchmarkSuite suite;
    suite.name = "two tasks";
    auto mmlu =
        suiteTaskFromSpec("mmlu=" TUNEBENCH_SOURCE_DIR "/tests/fixtures/parquet/mmlu.jsonl");
    mmlu.settings["limit"] = 2;
    suite.tasks.push_back(mmlu);
    suite.tasks.push_back(suiteTaskFromSpec(dir_.filePath("missing.jsonl").toStdString()));
    return suite;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath("model").toStdString();
    makeRandomModel({"llama", "tiny", model_, 5});
  }

  void everyTaskOnEveryModelWithOneProgress() {
    const auto plugins = builtin::makeDefaultPluginRegistry();
    EvaluationRequest model;
    model.modelFolder = model_;
    BenchmarkSuiteJob job(*plugins, suite(), std::vector<EvaluationRequest>{model, model});
    BasicJobContext context;
    std::vector<std::pair<int64_t, int64_t>> progress;
    context.onProgress = [&](int64_t done, int64_t total, const std::string&) {
      progress.emplace_back(done, total);
    };
    job.run(context);
    QVERIFY(!job.canceled());
    QCOMPARE(job.outcomes().size(), size_t(4));
    for (size_t i = 0; i < 4; ++i) QCOMPARE(job.outcomes()[i].model, i / 2);
    QVERIFY(job.outcomes()[0].ran());
    QCOMPARE(job.outcomes()[0].settings["num_fewshot"].get<int64_t>(), int64_t(0));
    QVERIFY(job.outcomes()[1].error.find("missing.jsonl") != std::string::npos);
    QVERIFY(!job.outcomes()[1].ran());
    // The same model twice: the same figures.
    QCOMPARE(job.outcomes()[2].result.metrics, job.outcomes()[0].result.metrics);
    QVERIFY(!progress.empty());
    for (size_t i = 0; i < progress.size(); ++i) {
      QCOMPARE(progress[i].second, int64_t(4000));
      if (i > 0) QVERIFY(progress[i].first >= progress[i - 1].first);
    }
    QVERIFY(progress.back().first >= 2000);  // the second model's tasks were reached
  }

  void aCancelStopsWithinATask() {
    const auto plugins = builtin::makeDefaultPluginRegistry();
    EvaluationRequest model;
    model.modelFolder = model_;
    BenchmarkSuiteJob job(*plugins, suite(), std::vector<EvaluationRequest>{model, model});
    BasicJobContext context;
    // Cancels as soon as the second model's first task reports: gated on the work, not on time.
    context.onProgress = [&](int64_t, int64_t, const std::string& text) {
      if (text.rfind("model 2 of 2", 0) == 0) context.cancel();
    };
    job.run(context);
    QVERIFY(job.canceled());
    QCOMPARE(job.outcomes().size(), size_t(3));
    QVERIFY(job.outcomes()[2].result.canceled);
  }
};

QTEST_GUILESS_MAIN(BenchmarkSuiteJobTest)
#include "tst_benchmark_suite_job.moc"
