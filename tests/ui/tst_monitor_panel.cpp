// The Monitor panel on a project built through the store: two runs exported as versions v1 and
// v2 (v1 twice, in two formats: one version), evaluations recorded per run; v2 scores lower exact
// match than v1 and is flagged with the difference in the versions table, the score table, the
// summary and the chart; a newer, better evaluation of v2 clears the flag. The main window shows
// the Monitor stage as needing attention, then done.
#include <qcustomplot.h>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "MainWindow.h"
#include "UiTestSupport.h"
#include "monitor/MonitorPanel.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "store/ArtifactRepository.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using tunebench::ui::MonitorPanel;
namespace store = tunebench::store;

using uitest::screenshotPath;

namespace {

void recordEvaluation(const std::string& file, int64_t runId, const std::string& suite,
                      double exactMatch, double perplexity) {
  auto project = store::ProjectStore::open(file);
  store::EvaluationRepository evaluations(project);
  const int64_t id = evaluations.create(runId, std::nullopt, suite);
  evaluations.setMetric(id, "exact_match", exactMatch);
  evaluations.setMetric(id, "perplexity", perplexity);
  evaluations.setMetric(id, "examples", 10);
}

}  // namespace

class MonitorPanelTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string project_;
  int64_t first_ = 0, second_ = 0;

  QString projectFile() const { return QString::fromStdString(project_); }

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_monitor_panel"));
    QSettings().clear();
    QVERIFY(dir_.isValid());
    project_ = dir_.filePath(QStringLiteral("monitor.tbproj")).toStdString();
    auto project = store::ProjectStore::create(project_);
    store::RunRepository runs(project);
    first_ = runs.create(store::NewRun("baseline"));
    second_ = runs.create(store::NewRun("more data"));
    store::ExportRepository exports(project);
    const auto path = [&](const char* name) { return dir_.filePath(name).toStdString(); };
    exports.add(first_, std::nullopt, "merged", path("exports/baseline-merged-1"), "aa");
    exports.add(first_, std::nullopt, "adapter", path("exports/baseline-adapter-1"), "bb");
    exports.add(second_, std::nullopt, "merged", path("exports/more_data-merged-1"), "cc");
    recordEvaluation(project_, first_, "qa.jsonl", 0.60, 4.0);
    recordEvaluation(project_, second_, "qa.jsonl", 0.40, 3.5);
  }

  void flagsTheWorseVersion() {
    MonitorPanel panel;
    panel.resize(1000, 640);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy read(&panel, &MonitorPanel::historyRead);
    panel.setProject(projectFile());
    QTRY_COMPARE(read.count(), 1);

    auto* versions = panel.versionsTable();
    QCOMPARE(versions->rowCount(), 2);
    QCOMPARE(versions->item(0, MonitorPanel::kVersion)->text(), QStringLiteral("v1"));
    QVERIFY(versions->item(0, MonitorPanel::kModel)->text().contains("baseline"));
    QVERIFY(versions->item(0, MonitorPanel::kModel)->text().contains("final model"));
    QVERIFY(versions->item(0, MonitorPanel::kFormats)->text().contains("merged, adapter"));
    QCOMPARE(versions->item(0, MonitorPanel::kEvaluations)->text(), QStringLiteral("1"));
    QVERIFY(versions->item(0, MonitorPanel::kFlag)->text().isEmpty());
    const QString flag = versions->item(1, MonitorPanel::kFlag)->text();
    QVERIFY2(flag.contains(QStringLiteral("v2 is worse than v1 on qa.jsonl exact match")),
             qPrintable(flag));
    QVERIFY2(flag.contains(QStringLiteral("60.0% → 40.0%")), qPrintable(flag));
    QVERIFY2(flag.contains(QStringLiteral("−20.0 points")), qPrintable(flag));
    QVERIFY(panel.needsAttention());
    QVERIFY(panel.summaryText().contains(QStringLiteral("1 regression")));

    // Both metrics of qa.jsonl; the one with the regression is shown first.
    QCOMPARE(panel.evaluationBox()->count(), 2);
    QVERIFY(panel.evaluationBox()->currentText().contains(QStringLiteral("exact match")));
    QVERIFY(panel.evaluationBox()->currentText().contains(QStringLiteral("regression")));
    auto* scores = panel.scoresTable();
    QCOMPARE(scores->rowCount(), 2);
    QCOMPARE(scores->item(0, MonitorPanel::kScore)->text(), QStringLiteral("60.0%"));
    QCOMPARE(scores->item(1, MonitorPanel::kScore)->text(), QStringLiteral("40.0%"));
    QCOMPARE(scores->item(1, MonitorPanel::kChange)->text(), QStringLiteral("−20.0 points vs v1"));
    QCOMPARE(scores->item(1, MonitorPanel::kScoreFlag)->text(), QStringLiteral("⚠ worse than v1"));
    // The chart: the scores across versions, the worse one marked.
    QVERIFY(panel.chart()->isVisible());
    QCOMPARE(panel.chart()->graphCount(), 2);
    QCOMPARE(panel.chart()->graph(0)->dataCount(), 2);
    QCOMPARE(panel.chart()->graph(0)->data()->at(1)->key, 2.0);
    QCOMPARE(panel.chart()->graph(0)->data()->at(1)->value, 40.0);
    QCOMPARE(panel.chart()->graph(1)->dataCount(), 1);
    QCOMPARE(panel.chart()->graph(1)->data()->at(0)->key, 2.0);
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("monitor.png"))));

    // Lower perplexity is better: no flag there.
    QVERIFY(panel.selectEvaluation(QStringLiteral("qa.jsonl"), QStringLiteral("perplexity")));
    QCOMPARE(scores->item(1, MonitorPanel::kChange)->text(), QStringLiteral("−0.5 vs v1"));
    QVERIFY(scores->item(1, MonitorPanel::kScoreFlag)->text().isEmpty());
    QCOMPARE(panel.chart()->graph(1)->dataCount(), 0);
    QVERIFY(!panel.selectEvaluation(QStringLiteral("other.jsonl"), QStringLiteral("perplexity")));
  }

  // A score axis stays inside the metric's domain: exact match 0 % on both versions is not drawn
  // on an axis from −1 % to +1 %.
  void theScoreAxisStaysInTheMetricsDomain() {
    QTemporaryDir dir;
    const auto file = dir.filePath(QStringLiteral("zero.tbproj")).toStdString();
    {
      auto project = store::ProjectStore::create(file);
      store::RunRepository runs(project);
      const auto a = runs.create(store::NewRun("a"));
      const auto b = runs.create(store::NewRun("b"));
      store::ExportRepository exports(project);
      exports.add(a, std::nullopt, "merged", dir.filePath("a").toStdString(), "aa");
      exports.add(b, std::nullopt, "merged", dir.filePath("b").toStdString(), "bb");
      recordEvaluation(file, a, "qa.jsonl", 0.0, 9.0);
      recordEvaluation(file, b, "qa.jsonl", 0.0, 8.0);
    }
    MonitorPanel panel;
    QSignalSpy read(&panel, &MonitorPanel::historyRead);
    panel.setProject(QString::fromStdString(file));
    QTRY_COMPARE(read.count(), 1);
    QVERIFY(panel.selectEvaluation(QStringLiteral("qa.jsonl"), QStringLiteral("exact_match")));
    const auto range = panel.chart()->yAxis->range();
    QVERIFY2(range.lower >= 0.0 && range.upper <= 100.0 && range.upper > range.lower,
             qPrintable(QStringLiteral("%1..%2").arg(range.lower).arg(range.upper)));
  }

  // The base model's evaluation stands beside the versions (a row and a level line), and the
  // same file evaluated the same way is one evaluation whatever each was named.
  void theBaseModelIsShownBesideTheVersions() {
    QTemporaryDir dir;
    const auto file = dir.filePath(QStringLiteral("base.tbproj")).toStdString();
    {
      auto project = store::ProjectStore::create(file);
      const int64_t model = store::ModelRepository(project).add(
          "starter", dir.filePath("m").toStdString(), "LlamaForCausalLM", "00");
      store::RunRepository runs(project);
      const auto a = runs.create(store::NewRun("a"));
      const auto b = runs.create(store::NewRun("b"));
      store::ExportRepository exports(project);
      exports.add(a, std::nullopt, "merged", dir.filePath("a").toStdString(), "aa");
      exports.add(b, std::nullopt, "merged", dir.filePath("b").toStdString(), "bb");
      store::EvaluationRepository evaluations(project);
      const auto record = [&](store::NewEvaluation what, double exact) {
        what.dataSha256 = "feed";
        what.evaluator = "generation";
        evaluations.setMetric(evaluations.create(what), "exact_match", exact);
      };
      record({std::nullopt, std::nullopt, model, "demo test split: starter model", {}, {}, "{}"},
             0.10);
      record({a, std::nullopt, std::nullopt, "demo test split: after LoRA", {}, {}, "{}"}, 0.55);
      record({b, std::nullopt, std::nullopt, "test.jsonl", {}, {}, "{}"}, 0.60);
    }
    MonitorPanel panel;
    panel.resize(1000, 640);
    panel.show();
    QSignalSpy read(&panel, &MonitorPanel::historyRead);
    panel.setProject(QString::fromStdString(file));
    QTRY_COMPARE(read.count(), 1);
    QCOMPARE(panel.evaluationBox()->count(), 1);  // one evaluation, not three names
    QVERIFY(panel.selectEvaluation(QStringLiteral("test.jsonl"), QStringLiteral("exact_match")));
    auto* scores = panel.scoresTable();
    QCOMPARE(scores->rowCount(), 3);
    QCOMPARE(scores->item(0, MonitorPanel::kScoreVersion)->text(), QStringLiteral("base: starter"));
    QCOMPARE(scores->item(0, MonitorPanel::kScore)->text(), QStringLiteral("10.0%"));
    QCOMPARE(scores->item(1, MonitorPanel::kScoreVersion)->text(), QStringLiteral("v1"));
    QCOMPARE(scores->item(1, MonitorPanel::kScore)->text(), QStringLiteral("55.0%"));
    QCOMPARE(panel.chart()->graph(0)->dataCount(), 2);  // v1 and v2 only
    QCOMPARE(panel.chart()->graphCount(), 3);           // and the base model's level
    QCOMPARE(panel.chart()->graph(2)->data()->at(0)->value, 10.0);
    QVERIFY(!panel.needsAttention());
  }

  void aBetterEvaluationClearsTheFlag() {
    MonitorPanel panel;
    QSignalSpy read(&panel, &MonitorPanel::historyRead);
    panel.setProject(projectFile());
    QTRY_COMPARE(read.count(), 1);
    QVERIFY(panel.needsAttention());
    recordEvaluation(project_, second_, "qa.jsonl", 0.70, 3.0);  // the latest counts
    panel.refresh();
    QTRY_COMPARE(read.count(), 2);
    QVERIFY(!panel.needsAttention());
    QVERIFY(panel.hasEvaluatedVersions());
    QVERIFY(panel.versionsTable()->item(1, MonitorPanel::kFlag)->text().isEmpty());
    QCOMPARE(panel.versionsTable()->item(1, MonitorPanel::kEvaluations)->text(),
             QStringLiteral("2"));
    QVERIFY(panel.summaryText().contains(QStringLiteral("no version scores worse")));
  }

  void mainWindowShowsTheMonitorStageState() {
    // A third version, worse in perplexity than v2's latest evaluation.
    {
      auto project = store::ProjectStore::open(project_);
      const int64_t third = store::RunRepository(project).create(store::NewRun("third"));
      store::ExportRepository(project).add(third, std::nullopt, "merged",
                                           dir_.filePath("exports/third-merged-1").toStdString(),
                                           "dd");
      recordEvaluation(project_, third, "qa.jsonl", 0.70, 3.25);
    }
    tunebench::PluginRegistry plugins;
    tunebench::ui::MainWindow window(plugins);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* panel = window.monitorPanel();
    QSignalSpy read(panel, &MonitorPanel::historyRead);
    window.openProjectAt(projectFile());
    QTRY_VERIFY(read.count() >= 1);
    QTRY_COMPARE(window.stageState(tunebench::ui::Stage::Monitor),
                 tunebench::ui::StageState::NeedsAttention);
    QTest::keyClick(&window, Qt::Key_7, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentWidget(), static_cast<QWidget*>(panel));
    QCOMPARE(panel->history().regressions.size(), size_t(1));
    QCOMPARE(panel->history().regressions[0].version, 3);
    QCOMPARE(panel->history().regressions[0].metric, std::string("perplexity"));
    QVERIFY(panel->versionsTable()->item(2, MonitorPanel::kFlag)->text().contains("+0.25"));

    recordEvaluation(project_, 3, "qa.jsonl", 0.75, 2.5);
    panel->versionsTable()->setFocus();
    QTRY_VERIFY(panel->versionsTable()->hasFocus());
    QTest::keyClick(panel->versionsTable(), Qt::Key_F5);
    QTRY_COMPARE(read.count(), 2);
    QTRY_COMPARE(window.stageState(tunebench::ui::Stage::Monitor), tunebench::ui::StageState::Done);
    window.closeProject();
    QTRY_VERIFY(!window.session()->isOpen());
    QCOMPARE(panel->versionsTable()->rowCount(), 0);
    QVERIFY(!panel->chart()->isVisible());  // no evaluation: no empty axis
    QCOMPARE(window.stageState(tunebench::ui::Stage::Monitor), tunebench::ui::StageState::NotYet);
  }
};

QTEST_MAIN(MonitorPanelTest)
#include "tst_monitor_panel.moc"
