// The Evaluate stage's "Base vs fine-tuned" tab on a project built through the store: a run's
// final model scores 40% on a benchmark its base model scored 70% on (standard errors 5 points):
// the tab raises the forgetting alarm, lists both scores with the change and the interval, draws
// two bar sets with error bars, and lists the items that flipped, filterable by direction. A run
// within the interval raises none. The Runs stage marks the forgetful run's status, its
// comparison table lists the benchmark score, and Monitor flags the exported version.
#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "BuiltinPluginsForTests.h"
#include "UiTestSupport.h"
#include "eval/BenchmarkComparisonView.h"
#include "monitor/MonitorPanel.h"
#include "store/ArtifactRepository.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunOverview.h"
#include "store/RunRepository.h"

using tunebench::ui::BenchmarkComparisonView;
using tunebench::ui::MonitorPanel;
namespace store = tunebench::store;

namespace {

int64_t recordBenchmark(store::EvaluationRepository& evaluations, store::NewEvaluation what,
                        double acc, const std::vector<double>& scores) {
  what.suite = "general-choice.jsonl";
  what.dataSha256 = "feed";
  what.evaluator = "benchmark";
  const int64_t id = evaluations.create(what);
  evaluations.setMetric(id, "acc", acc);
  evaluations.setMetric(id, "acc_stderr", 0.05);
  evaluations.setMetric(id, "questions", static_cast<double>(scores.size()));
  std::vector<store::EvaluationItem> items;
  for (size_t i = 0; i < scores.size(); ++i) {
    store::EvaluationItem item;
    item.index = static_cast<int64_t>(i);
    item.input = "Question " + std::to_string(i + 1) + "?";
    item.expected = "yes";
    item.output = scores[i] == 1.0 ? "yes" : "no";
    item.score = scores[i];
    items.push_back(item);
  }
  evaluations.addItems(id, items);
  return id;
}

}  // namespace

class BenchmarkComparisonViewTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string project_;
  int64_t forgetful_ = 0, steady_ = 0;

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_benchmark_comparison_view"));
    QSettings().clear();
    QVERIFY(dir_.isValid());
    project_ = dir_.filePath(QStringLiteral("bench.tbproj")).toStdString();
    auto project = store::ProjectStore::create(project_);
    const int64_t model = store::ModelRepository(project).add(
        "starter", dir_.filePath(QStringLiteral("m")).toStdString(), "llama", "00");
    store::RunRepository runs(project);
    store::NewRun first("narrow data");
    first.modelId = model;
    forgetful_ = runs.create(first);
    store::NewRun second("mixed data");
    second.modelId = model;
    steady_ = runs.create(second);
    store::ExportRepository(project).add(forgetful_, std::nullopt, "merged",
                                         dir_.filePath(QStringLiteral("e1")).toStdString(), "a");
    store::EvaluationRepository evaluations(project);
    store::NewEvaluation ofBase;
    ofBase.modelId = model;
    // 10 items: the base gets 7 right; the forgetful run loses 4 and gains 1.
    recordBenchmark(evaluations, ofBase, 0.7, {1, 1, 1, 1, 1, 1, 1, 0, 0, 0});
    store::NewEvaluation ofForgetful;
    ofForgetful.runId = forgetful_;
    recordBenchmark(evaluations, ofForgetful, 0.4, {0, 0, 0, 0, 1, 1, 1, 1, 0, 0});
    store::NewEvaluation ofSteady;
    ofSteady.runId = steady_;
    recordBenchmark(evaluations, ofSteady, 0.7, {1, 1, 1, 1, 1, 1, 1, 0, 0, 0});
  }

  void raisesTheAlarmAndListsTheFlips() {
    BenchmarkComparisonView view(uitest::builtinPlugins());
    view.resize(1100, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy read(&view, &BenchmarkComparisonView::comparisonRead);
    view.setProject(QString::fromStdString(project_));
    view.setRun(forgetful_);
    QVERIFY(read.wait(10000));
    QVERIFY(view.forgets());
    QVERIFY2(view.summaryLabel()->text().contains(QStringLiteral("Forgetting")),
             qPrintable(view.summaryLabel()->text()));
    QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("70.0% → 40.0%")));
    QCOMPARE(view.scoresTable()->rowCount(), 1);
    QCOMPARE(view.scoresTable()->item(0, BenchmarkComparisonView::kBase)->text(),
             QStringLiteral("70.0%"));
    QCOMPARE(view.scoresTable()->item(0, BenchmarkComparisonView::kTuned)->text(),
             QStringLiteral("40.0%"));
    QCOMPARE(view.scoresTable()->item(0, BenchmarkComparisonView::kChange)->text(),
             QStringLiteral("−30.0 points"));
    // 1.96 × √(2 × 0.05²) = 13.9 points.
    QCOMPARE(view.scoresTable()->item(0, BenchmarkComparisonView::kInterval)->text(),
             QStringLiteral("±13.9 points"));
    // Base and fine-tuned bars, each with its error bars.
    QCOMPARE(view.chart()->plottableCount(), 4);
    QVERIFY(view.chart()->isVisible());

    QSignalSpy flipsRead(&view, &BenchmarkComparisonView::flipsRead);
    view.scoresTable()->selectRow(0);
    QVERIFY(flipsRead.wait(10000));
    QCOMPARE(view.flips().size(), size_t(5));
    QCOMPARE(view.flipsTable()->rowCount(), 5);
    view.flipFilterBox()->setCurrentIndex(view.flipFilterBox()->findData(
        static_cast<int>(BenchmarkComparisonView::FlipFilter::NowRight)));
    QCOMPARE(view.flipsTable()->rowCount(), 1);
    QCOMPARE(view.flipsTable()->item(0, BenchmarkComparisonView::kQuestion)->text(),
             QStringLiteral("Question 8?"));
    QCOMPARE(view.flipsTable()->item(0, BenchmarkComparisonView::kBefore)->text(),
             QStringLiteral("no"));
    view.flipFilterBox()->setCurrentIndex(view.flipFilterBox()->findData(
        static_cast<int>(BenchmarkComparisonView::FlipFilter::NowWrong)));
    QCOMPARE(view.flipsTable()->rowCount(), 4);
    view.grab().save(uitest::screenshotPath(QStringLiteral("benchmark_comparison.png")));

    // The other run is within the interval: no alarm.
    view.setRun(steady_);
    QVERIFY(read.wait(10000));
    QVERIFY(!view.forgets());
    QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("no score is worse")));
    QCOMPARE(view.scoresTable()->item(0, BenchmarkComparisonView::kVerdict)->text(),
             QStringLiteral("within the interval"));

    QSignalSpy asked(&view, &BenchmarkComparisonView::evaluateBaseRequested);
    view.evaluateBaseButton()->click();
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.front().front().toLongLong(), steady_);
  }

  void runsAndMonitorSayItToo() {
    const auto overview = store::readRunOverview(project_, {forgetful_, steady_}, {"loss"}, 100);
    bool marked = false;
    for (const auto& row : overview.rows) {
      if (row.run.id == forgetful_) marked = row.forgetting.size() == 1;
      if (row.run.id == steady_) QVERIFY(row.forgetting.empty());
    }
    QVERIFY(marked);
    QCOMPARE(overview.figures.size(), size_t(2));
    QCOMPARE(overview.figures[0].evaluationScores.size(), size_t(1));
    QCOMPARE(overview.figures[0].evaluationScores[0].metric, std::string("acc"));
    QCOMPARE(overview.figures[0].evaluationScores[0].value, 0.4);

    MonitorPanel panel;
    QSignalSpy read(&panel, &MonitorPanel::historyRead);
    panel.setProject(QString::fromStdString(project_));
    QVERIFY(read.wait(10000));
    QVERIFY(panel.needsAttention());
    QVERIFY2(panel.summaryText().contains(QStringLiteral("forgetting")),
             qPrintable(panel.summaryText()));
    QVERIFY(panel.versionsTable()
                ->item(0, MonitorPanel::kFlag)
                ->text()
                .contains(QStringLiteral("v1 forgets")));
  }
};

QTEST_MAIN(BenchmarkComparisonViewTest)
#include "tst_benchmark_comparison_view.moc"
