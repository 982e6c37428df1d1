// The Runs panel driven through its widgets: three runs recorded through the store, renamed,
// tagged and annotated (the changes persist after a refresh), compared (configuration diff with
// "differences only", figures, legend toggles, x-axis by step, epoch and time) and deleted with
// and without their files.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "UiTestSupport.h"
#include "runs/RunComparisonView.h"
#include "runs/RunsPanel.h"
#include "store/MetricRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "train/TrainChart.h"

using tunebench::ui::RunsPanel;
using tunebench::ui::TrainChart;
namespace store = tunebench::store;
namespace fs = std::filesystem;

using uitest::screenshotPath;

namespace {

constexpr int kSteps = 100;
constexpr int kShortRunSteps = 30;

struct RecordedRun {
  qint64 id = 0;
  fs::path output;
  double firstMetricSeconds = 0;  // after the run started
};

RecordedRun recordRun(store::ProjectStore& project, const std::string& name, double lr,
                      const std::string& method, int steps = kSteps) {
  RecordedRun recorded;
  recorded.output = project.folder() / "checkpoints" / name;
  fs::create_directories(recorded.output / "step-100");
  std::ofstream(recorded.output / "step-100" / "DONE") << "done";
  nlohmann::json config{{"output", recorded.output.string()},
                        {"optimizer", {{"lr", lr}}},
                        {"epochs", 2},
                        {"method", {{"name", method}}}};
  if (method == "lora") config["method"]["r"] = 8;
  store::NewRun run(name);
  run.config = config.dump();
  store::RunRepository runs(project);
  recorded.id = runs.create(run);
  runs.markRunning(recorded.id, 1);
  const double started = *runs.find(recorded.id)->startedAt;
  recorded.firstMetricSeconds = 3.2;
  std::vector<store::MetricPoint> points;
  for (int step = 1; step <= steps; ++step) {
    const double time = started + recorded.firstMetricSeconds + (step - 1) * 0.5;
    points.push_back({recorded.id, "loss", step, 3.0 * lr * 1000 / std::sqrt(step), time});
    points.push_back({recorded.id, "epoch", step, step / 50.0, time});
    points.push_back({recorded.id, "tokens_per_second", step, 1000, time});
    if (step % 25 == 0) points.push_back({recorded.id, "val_loss", step, 2.0 / step, time});
  }
  store::MetricRepository(project).append(points);
  runs.setStatus(recorded.id, store::RunStatus::Completed);
  return recorded;
}

// The open dialog of that name: closed ones may linger until their deferred deletion.
template <typename Dialog>
Dialog* openDialog(QWidget* parent, const QString& name) {
  for (auto* dialog : parent->findChildren<Dialog*>(name))
    if (dialog->isVisible()) return dialog;
  return nullptr;
}

int visibleRows(QTableWidget* table) {
  int rows = 0;
  for (int row = 0; row < table->rowCount(); ++row) rows += table->isRowHidden(row) ? 0 : 1;
  return rows;
}

QStringList visibleRowNames(QTableWidget* table) {
  QStringList names;
  for (int row = 0; row < table->rowCount(); ++row)
    if (!table->isRowHidden(row)) names << table->verticalHeaderItem(row)->text();
  return names;
}

}  // namespace

class RunsPanelTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    projectFile_ = dir_.filePath(QStringLiteral("runs.tbproj"));
    auto project = store::ProjectStore::create(projectFile_.toStdString());
    runs_.push_back(recordRun(project, "baseline", 0.001, "lora"));
    runs_.push_back(recordRun(project, "higher-lr", 0.002, "lora"));
    runs_.push_back(recordRun(project, "full", 0.001, "full", kShortRunSteps));

    panel_ = std::make_unique<RunsPanel>();
    panel_->resize(1200, 820);
    panel_->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
    QSignalSpy refreshed(panel_.get(), &RunsPanel::refreshed);
    panel_->setProject(projectFile_);
    QVERIFY(refreshed.wait(20000));
  }

  void listsRunsWithMethodAndStatus() {
    auto* table = panel_->table();
    QCOMPARE(table->rowCount(), 3);
    const int full = panel_->rowOfRun(runs_[2].id);
    const int baseline = panel_->rowOfRun(runs_[0].id);
    QCOMPARE(table->item(full, RunsPanel::kMethod)->text(), QStringLiteral("full"));
    QCOMPARE(table->item(baseline, RunsPanel::kMethod)->text(), QStringLiteral("lora"));
    QCOMPARE(table->item(baseline, RunsPanel::kStatus)->text(), QStringLiteral("completed"));
    QCOMPARE(table->item(baseline, RunsPanel::kSteps)->text(), QStringLiteral("100"));
    QCOMPARE(table->item(baseline, RunsPanel::kBestValidation)->text().toDouble(), 0.02);
  }

  void renameTagsAndNotesPersist() {
    auto* table = panel_->table();
    const qint64 id = runs_[0].id;
    selectRuns({id});

    QTest::keyClick(table, Qt::Key_F2);
    auto* rename = openDialog<QInputDialog>(panel_.get(), QStringLiteral("renameRunDialog"));
    QVERIFY(rename);
    QCOMPARE(rename->textValue(), QStringLiteral("baseline"));
    rename->setTextValue(QStringLiteral("lora baseline"));
    QVERIFY(acceptAndAwaitWrite(rename));

    activate();
    QTest::keyClick(table, Qt::Key_T, Qt::ControlModifier);
    auto* tags = openDialog<QInputDialog>(panel_.get(), QStringLiteral("runTagsDialog"));
    QVERIFY(tags);
    tags->setTextValue(QStringLiteral(" sweep, best,, sweep "));
    QVERIFY(acceptAndAwaitWrite(tags));

    activate();
    QTest::keyClick(table, Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
    auto* notes = openDialog<QDialog>(panel_.get(), QStringLiteral("runNotesDialog"));
    QVERIFY(notes);
    notes->findChild<QPlainTextEdit*>(QStringLiteral("runNotesEdit"))
        ->setPlainText(QStringLiteral("plateaus after step 60"));
    QSignalSpy written(panel_.get(), &RunsPanel::written);
    QSignalSpy refreshed(panel_.get(), &RunsPanel::refreshed);
    auto* save = notes->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Save);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(written.wait(10000));
    QVERIFY(written.first().at(0).toBool());
    QVERIFY(refreshed.wait(10000));

    // A fresh panel reads what the first one wrote.
    RunsPanel fresh;
    QSignalSpy freshRead(&fresh, &RunsPanel::refreshed);
    fresh.setProject(projectFile_);
    QVERIFY(freshRead.wait(20000));
    for (auto* panel : {panel_.get(), &fresh}) {
      const int row = panel->rowOfRun(id);
      QCOMPARE(panel->table()->item(row, RunsPanel::kName)->text(),
               QStringLiteral("lora baseline"));
      QCOMPARE(panel->table()->item(row, RunsPanel::kTags)->text(), QStringLiteral("best, sweep"));
      QCOMPARE(panel->table()->item(row, RunsPanel::kName)->toolTip(),
               QStringLiteral("plateaus after step 60"));
    }
    auto project = store::ProjectStore::open(projectFile_.toStdString());
    QCOMPARE(store::RunRepository(project).find(id)->notes, std::string("plateaus after step 60"));

    // An empty name is refused without a write.
    activate();
    QTest::keyClick(table, Qt::Key_F2);
    rename = openDialog<QInputDialog>(panel_.get(), QStringLiteral("renameRunDialog"));
    QVERIFY(rename);
    rename->setTextValue(QStringLiteral("   "));
    rename->done(QDialog::Accepted);
    QVERIFY(panel_->statusText().contains(QStringLiteral("cannot be empty")));
  }

  void theConfigurationDiffShowsExactlyTheDifferences() {
    compare({runs_[0].id, runs_[1].id});
    auto* view = panel_->comparison();
    auto* config = view->configTable();
    QCOMPARE(config->columnCount(), 2);
    QCOMPARE(config->horizontalHeaderItem(0)->text(),
             QStringLiteral("#%1 lora baseline").arg(runs_[0].id));
    QVERIFY(view->differencesOnlyBox()->isChecked());
    QCOMPARE(visibleRowNames(config),
             (QStringList{QStringLiteral("optimizer.lr"), QStringLiteral("output")}));
    QTest::mouseClick(view->differencesOnlyBox(), Qt::LeftButton);
    QCOMPARE(visibleRows(config), 5);  // epochs, method.name, method.r, optimizer.lr, output

    // With the full fine-tuning run: the method differs too, and its r is not set.
    compare({runs_[0].id, runs_[1].id, runs_[2].id});
    QTest::mouseClick(view->differencesOnlyBox(), Qt::LeftButton);
    QCOMPARE(visibleRowNames(config),
             (QStringList{QStringLiteral("method.name"), QStringLiteral("method.r"),
                          QStringLiteral("optimizer.lr"), QStringLiteral("output")}));
    QCOMPARE(config->verticalHeaderItem(2)->text(), QStringLiteral("method.r"));
    QCOMPARE(config->item(2, 2)->text(), QStringLiteral("(not set)"));

    // The figures side by side.
    auto* figures = view->figuresTable();
    QCOMPARE(figures->columnCount(), 3);
    QCOMPARE(figures->item(1, 0)->text().toDouble(), 0.02);         // best validation loss
    QCOMPARE(figures->item(2, 0)->text(), QStringLiteral("100"));   // at step
    QCOMPARE(figures->item(3, 1)->text(), QStringLiteral("100"));   // steps
    QCOMPARE(figures->item(4, 2)->text(), QStringLiteral("1000"));  // tokens/s
    QCOMPARE(figures->item(6, 0)->text(), QStringLiteral("—"));     // not recorded
  }

  void aLegendClickHidesAndShowsARun() {
    compare({runs_[0].id, runs_[1].id});
    auto* chart = panel_->chart();
    QCOMPARE(chart->seriesCount(), 4);  // training and validation of each
    // The legend names the runs; a key says which line style is which loss.
    auto* key = panel_->findChild<QLabel*>(QStringLiteral("comparisonLineKey"));
    QVERIFY(key && key->isVisibleTo(panel_.get()));
    QVERIFY2(key->text().contains(QStringLiteral("dashed")), qPrintable(key->text()));
    chart->replot();
    int listed = -1;
    for (int i = 0; i < chart->seriesCount(); ++i)
      if (chart->legendItemOf(i)) {
        listed = i;
        break;
      }
    QVERIFY(listed >= 0);
    auto* item = chart->legendItemOf(listed);
    const qint64 run = chart->seriesGraph(listed)->name().mid(1).section(' ', 0, 0).toLongLong();
    QVERIFY(chart->isGroupVisible(run));
    QTest::mouseClick(chart, Qt::LeftButton, {}, item->outerRect().center());
    QVERIFY(!chart->isGroupVisible(run));
    int hidden = 0;
    for (int i = 0; i < chart->seriesCount(); ++i)
      hidden += chart->seriesGraph(i)->visible() ? 0 : 1;
    QCOMPARE(hidden, 2);  // both curves of the run
    QVERIFY(chart->followsData());
    QTest::mouseClick(chart, Qt::LeftButton, {}, item->outerRect().center());
    QVERIFY(chart->isGroupVisible(run));
  }

  void theXAxisShowsStepsEpochsOrTime() {
    compare({runs_[0].id, runs_[1].id});
    auto* chart = panel_->chart();
    auto* axis = panel_->comparison()->xAxisBox();
    QCOMPARE(chart->xAxis->label(), QStringLiteral("step"));
    // The axis shows the data with a small margin on each side, no point on an edge.
    const auto covers = [chart](double first, double last) {
      const auto range = chart->xAxis->range();
      const double margin = 0.05 * (last - first);
      return range.lower < first && range.lower > first - margin && range.upper > last &&
             range.upper < last + margin;
    };
    QVERIFY2(covers(1, kSteps), qPrintable(QString::number(chart->xAxis->range().upper)));

    axis->setFocus();
    QTest::keyClick(axis, Qt::Key_Down);  // epoch
    QCOMPARE(chart->xAxis->label(), QStringLiteral("epoch"));
    QVERIFY(covers(1 / 50.0, 2.0));
    QVERIFY(panel_->comparison()->axisNote().isEmpty());

    QTest::keyClick(axis, Qt::Key_Down);  // wall time
    QVERIFY(chart->xAxis->label().contains(QStringLiteral("time")));
    const double last = runs_[0].firstMetricSeconds + (kSteps - 1) * 0.5;
    QVERIFY2(covers(runs_[0].firstMetricSeconds, last),
             qPrintable(QString::number(chart->xAxis->range().upper)));
    // The tooltip names the step, the value and the time.
    const auto* graph = chart->seriesGraph(0);
    const auto point = graph->data()->at(graph->dataCount() - 1);
    const QPoint at(chart->xAxis->coordToPixel(point->key),
                    chart->yAxis->coordToPixel(point->value));
    const QString hover = chart->hoverText(at);
    QVERIFY2(hover.contains(QStringLiteral("step 100")) &&
                 hover.contains(QStringLiteral("time 0:53")) &&
                 hover.contains(QStringLiteral("epoch 2.00")),
             qPrintable(hover));
    QVERIFY(panel_->grab().save(screenshotPath(QStringLiteral("runs.png"))));

    QTest::keyClick(axis, Qt::Key_Home);
    QCOMPARE(chart->xAxis->label(), QStringLiteral("step"));
    QVERIFY(covers(1, kSteps));
  }

  void runsOfDifferentLengthsLineUpOnTheShareOfTheRun() {
    compare({runs_[0].id, runs_[2].id});  // 100 and 30 steps
    auto* chart = panel_->chart();
    auto* axis = panel_->comparison()->xAxisBox();
    // The training curves: each ends at its run's last step (validation ends at its last check).
    const auto lastKeys = [chart] {
      QList<double> keys;
      for (int i = 0; i < chart->seriesCount(); ++i) {
        const auto* graph = chart->seriesGraph(i);
        if (graph->name().contains(QStringLiteral("validation"))) continue;
        if (graph->dataCount() > 0) keys << graph->data()->at(graph->dataCount() - 1)->key;
      }
      return keys;
    };
    QVERIFY(lastKeys().contains(double(kSteps)) && lastKeys().contains(double(kShortRunSteps)));
    axis->setCurrentIndex(axis->findData(int(tunebench::ui::XAxisKind::ShareOfRun)));
    QVERIFY2(chart->xAxis->label().contains(QStringLiteral("share")),
             qPrintable(chart->xAxis->label()));
    const auto keys = lastKeys();
    QCOMPARE(keys.size(), 2);
    for (double key : keys) QCOMPARE(key, 100.0);  // every run ends at 100 %
    QVERIFY(chart->xAxis->range().upper > 100 && chart->xAxis->range().upper < 105);
    QVERIFY(panel_->comparison()->axisNote().isEmpty());
    axis->setCurrentIndex(0);
  }

  void deletingKeepsFilesUnlessAsked() {
    // Without files: the records go, the folder stays.
    const auto kept = runs_[2];
    deleteRun(kept.id, false);
    QCOMPARE(panel_->table()->rowCount(), 2);
    QCOMPARE(panel_->rowOfRun(kept.id), -1);
    QVERIFY(fs::exists(kept.output / "step-100" / "DONE"));

    // With files: the folder goes too.
    const auto removed = runs_[1];
    deleteRun(removed.id, true);
    QCOMPARE(panel_->table()->rowCount(), 1);
    QVERIFY(!fs::exists(removed.output));
    QVERIFY(fs::exists(kept.output));
    QVERIFY(fs::exists(projectFile_.toStdString()));
    QVERIFY(panel_->statusText().contains(QStringLiteral("Removed")));
    auto project = store::ProjectStore::open(projectFile_.toStdString());
    QCOMPARE(store::MetricRepository(project).count(removed.id), int64_t(0));
    QVERIFY(!store::RunRepository(project).find(removed.id));

    // Cancelling deletes nothing.
    selectRuns({runs_[0].id});
    QTest::keyClick(panel_->table(), Qt::Key_Delete);
    auto* box = openDialog<QMessageBox>(panel_.get(), QStringLiteral("deleteRunsDialog"));
    QVERIFY(box);
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTest::qWait(200);
    QCOMPARE(panel_->table()->rowCount(), 1);
  }

  void cleanupTestCase() { panel_.reset(); }

 private:
  // Shortcuts reach the panel only while its window is active; a closed dialog leaves no window
  // active on the offscreen platform.
  void activate() {
    panel_->activateWindow();
    QApplication::setActiveWindow(panel_.get());
    QTRY_COMPARE(QApplication::activeWindow(), panel_.get());
    panel_->table()->setFocus();
  }

  void selectRuns(const QList<qint64>& ids) {
    activate();
    auto* table = panel_->table();
    table->clearSelection();
    for (qint64 id : ids) {
      const int row = panel_->rowOfRun(id);
      QVERIFY(row >= 0);
      table->selectionModel()->setCurrentIndex(
          table->model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
  }

  void compare(const QList<qint64>& ids) {
    selectRuns(ids);
    QSignalSpy refreshed(panel_.get(), &RunsPanel::refreshed);
    QTest::keyClick(panel_->table(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(panel_->comparedRuns().size(), ids.size());
  }

  bool acceptAndAwaitWrite(QDialog* dialog) {
    QSignalSpy written(panel_.get(), &RunsPanel::written);
    QSignalSpy refreshed(panel_.get(), &RunsPanel::refreshed);
    dialog->done(QDialog::Accepted);
    return written.wait(10000) && written.first().at(0).toBool() && refreshed.wait(10000);
  }

  void deleteRun(qint64 id, bool withFiles) {
    selectRuns({id});
    QTest::keyClick(panel_->table(), Qt::Key_Delete);
    auto* box = openDialog<QMessageBox>(panel_.get(), QStringLiteral("deleteRunsDialog"));
    QVERIFY(box);
    auto* files = box->findChild<QCheckBox*>(QStringLiteral("deleteRunFiles"));
    QVERIFY(files);
    QVERIFY(!files->isChecked());
    if (withFiles) QTest::mouseClick(files, Qt::LeftButton);
    QSignalSpy written(panel_.get(), &RunsPanel::written);
    QSignalSpy refreshed(panel_.get(), &RunsPanel::refreshed);
    QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("confirmDelete")),
                      Qt::LeftButton);
    QVERIFY(written.wait(10000));
    QVERIFY2(written.first().at(0).toBool(), qPrintable(written.first().at(1).toString()));
    QVERIFY(refreshed.wait(10000));
  }

  QTemporaryDir dir_;
  QString projectFile_;
  std::vector<RecordedRun> runs_;
  std::unique_ptr<RunsPanel> panel_;
};

QTEST_MAIN(RunsPanelTest)
#include "tst_runs_panel.moc"
