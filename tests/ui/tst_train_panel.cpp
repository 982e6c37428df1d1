// The Train panel driven through its widgets: a tiny random model and a small JSON Lines dataset,
// training recorded in a real project, pause/resume, stop with a checkpoint, resume of a stopped
// run, closing the window during training, and the GUI's responsiveness and redraw rate.
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "MainWindow.h"
#include "StepGate.h"
#include "UiTestSupport.h"
#include "model/ModelFactory.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "runs/RunsPanel.h"
#include "store/EventRepository.h"
#include "store/MetricRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "train/TrainChart.h"
#include "train/TrainConfigForm.h"
#include "train/TrainPanel.h"
#include "train/TrainingCharts.h"
#include "train/TrainingConfig.h"
#include "train/TrainingFeed.h"

using tunebench::ui::TrainPanel;
namespace store = tunebench::store;

using uitest::buttonOf;
using uitest::screenshotPath;
using uitest::StallMeter;

namespace {

void click(QWidget* panel, QAction* action) {
  auto* button = buttonOf(panel, action);
  QVERIFY(button);
  QVERIFY(button->isEnabled());
  QTest::mouseClick(button, Qt::LeftButton);
}

// The complete checkpoints (with their DONE marker) under a run's output folder, by step.
QList<qint64> completeCheckpointSteps(const QString& outputFolder) {
  QList<qint64> steps;
  const QDir root(outputFolder + QStringLiteral("/checkpoints"));
  for (const auto& name : root.entryList({QStringLiteral("step-*")}, QDir::Dirs)) {
    if (name.endsWith(QLatin1String(".partial")) || !root.exists(name + QStringLiteral("/DONE")))
      continue;
    steps << name.mid(5).toLongLong();
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

store::RunStatus statusOf(const QString& project, qint64 runId) {
  auto db = store::ProjectStore::open(project.toStdString());
  auto run = store::RunRepository(db).find(runId);
  return run ? run->status : store::RunStatus::Failed;
}

}  // namespace

class TrainPanelTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString model_, train_, validation_, project_;

  void fillForm(TrainPanel& panel, int maxSteps) {
    auto* form = panel.form();
    QTest::keyClicks(form->findChild<QLineEdit*>(QStringLiteral("trainFile")), train_);
    form->setValidationFile(validation_);
    form->setLearningRate(0.003);
    form->setBatchSize(4);
    form->setEpochs(20);
    form->setMaxSteps(maxSteps);
  }

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_train_panel"));
    QSettings().clear();
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath(QStringLiteral("model"));
    tunebench::makeRandomModel({"llama", "tiny", model_.toStdString(), 3});
    train_ = dir_.filePath(QStringLiteral("train.jsonl"));
    validation_ = dir_.filePath(QStringLiteral("validation.jsonl"));
    std::ofstream train(train_.toStdString()), validation(validation_.toStdString());
    const char* animals[] = {"cat", "dog", "owl", "fox"};
    for (int i = 0; i < 48; ++i) {
      const std::string text = "The " + std::string(animals[i % 4]) + " counts " +
                               std::to_string(i % 10) + " and " + std::to_string(i * 7 % 10) + ".";
      (i < 40 ? train : validation) << nlohmann::json{{"text", text}}.dump() << "\n";
    }
    train.close();
    validation.close();
    project_ = dir_.filePath(QStringLiteral("train.tbproj"));
    store::ProjectStore::create(project_.toStdString());
  }

  void trainsTwentyStepsAndRecordsTheRun() {
    TrainPanel panel;
    panel.resize(1280, 860);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setProject(project_, model_, false);
    QCOMPARE(panel.form()->modelFolder(), model_);
    fillForm(panel, 20);

    StallMeter stalls;
    QElapsedTimer clock;
    clock.start();
    click(&panel, panel.startAction());
    QCOMPARE(panel.state(), TrainPanel::State::Running);
    auto* loss = panel.charts()->lossChart();
    QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(0) > 0, 120000);
    QTRY_COMPARE_WITH_TIMEOUT(panel.state(), TrainPanel::State::Completed, 300000);
    const double seconds = clock.elapsed() / 1000.0;
    QCOMPARE(loss->pointCount(0), 20);
    QVERIFY(panel.charts()->learningRateChart()->pointCount(0) == 20);
    QVERIFY(panel.charts()->gradNormChart()->pointCount(0) == 20);
    QVERIFY(panel.charts()->throughputChart()->pointCount(0) == 20);
    QVERIFY(panel.charts()->validationChart()->pointCount(0) >= 1);
    QCOMPARE(panel.progressBar()->value(), panel.progressBar()->maximum());
    // Every point lies inside its chart, none on an edge, and only curves with points are in a
    // legend (a language-model run has no validation accuracy).
    for (auto* chart : panel.charts()->charts()) {
      chart->refresh();
      for (int series = 0; series < chart->seriesCount(); ++series) {
        const auto* graph = chart->seriesGraph(series);
        if (!graph->visible()) continue;
        for (auto point = graph->data()->constBegin(); point != graph->data()->constEnd();
             ++point) {
          QVERIFY2(chart->xAxis->range().lower < point->key &&
                       point->key < chart->xAxis->range().upper &&
                       chart->yAxis->range().lower < point->value &&
                       point->value < chart->yAxis->range().upper,
                   qPrintable(QStringLiteral("%1: (%2, %3) outside x %4..%5, y %6..%7")
                                  .arg(graph->name())
                                  .arg(point->key)
                                  .arg(point->value)
                                  .arg(chart->xAxis->range().lower)
                                  .arg(chart->xAxis->range().upper)
                                  .arg(chart->yAxis->range().lower)
                                  .arg(chart->yAxis->range().upper)));
        }
      }
    }
    auto* validation = panel.charts()->validationChart();
    QCOMPARE(validation->pointCount(1), 0);  // accuracy
    QVERIFY(!validation->legend->hasItemWithPlottable(validation->seriesGraph(1)));

    // Responsiveness and the redraw limit.
    qInfo(
        "training took %.2f s; longest event-loop stall %lld ms; %d redraws (%.1f/s); "
        "%d feed deliveries",
        seconds, stalls.longestMs(), panel.charts()->redrawCount(),
        panel.charts()->redrawCount() / seconds, panel.feed()->deliveries());
    QVERIFY2(stalls.longestMs() < 100, qPrintable(QString::number(stalls.longestMs())));
    const auto& redraws = panel.charts()->redrawTimes();
    QVERIFY(redraws.size() >= 2);
    for (size_t i = 1; i < redraws.size(); ++i)
      QVERIFY2(redraws[i] - redraws[i - 1] >= 39,
               qPrintable(QStringLiteral("redraws %1 ms apart").arg(redraws[i] - redraws[i - 1])));
    QVERIFY(panel.charts()->redrawCount() <= 25 * seconds + 1);

    // The run in the project: completed, with its metrics.
    QVERIFY(panel.runId() > 0);
    QCOMPARE(statusOf(project_, panel.runId()), store::RunStatus::Completed);
    auto db = store::ProjectStore::open(project_.toStdString());
    QCOMPARE(store::MetricRepository(db).points(panel.runId(), "loss").size(), size_t(20));
    QVERIFY(!store::MetricRepository(db).points(panel.runId(), "val_loss").empty());

    // Chart controls: smoothing, log scale, hover text.
    auto* slider = panel.charts()->smoothingSlider();
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_End);
    QCOMPARE(loss->smoothingWeight(), 0.99);
    QTest::mouseClick(panel.charts()->logScaleBox(), Qt::LeftButton);
    QVERIFY(loss->logScale());
    QTest::mouseClick(panel.charts()->logScaleBox(), Qt::LeftButton);
    QVERIFY(!loss->logScale());
    loss->replot();
    const QPoint onFirst(loss->xAxis->coordToPixel(loss->graph(0)->data()->at(0)->key),
                         loss->yAxis->coordToPixel(loss->graph(0)->data()->at(0)->value));
    QVERIFY2(loss->hoverText(onFirst).contains(QStringLiteral("step 1")),
             qPrintable(loss->hoverText(onFirst)));
    slider->setValue(60);
    QTest::qWait(100);
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("train_panel.png"))));
  }

  // A job reporting far faster than the screen can follow: thousands of metrics a second from
  // another thread still give at most 25 redraws a second, and a diagnosis event becomes a
  // shaded range with its message on hover.
  void aFloodOfMetricsIsRedrawnAtMostTwentyFiveTimesASecond() {
    tunebench::ui::TrainingFeed feed;
    tunebench::ui::TrainingCharts charts;
    charts.resize(1000, 600);
    charts.show();
    QVERIFY(QTest::qWaitForWindowExposed(&charts));
    connect(&feed, &tunebench::ui::TrainingFeed::batch, &charts,
            &tunebench::ui::TrainingCharts::add);
    StallMeter stalls;
    std::atomic<bool> done{false};
    const int steps = 20000;
    std::thread producer([&] {
      for (int step = 1; step <= steps; ++step) {
        feed.addMetric(step, QStringLiteral("loss"), 3.0 / std::sqrt(step) + (step % 7) * 0.01);
        feed.addMetric(step, QStringLiteral("lr"), 1e-3);
        if (step == 5000)
          feed.addEvent({QStringLiteral("fluctuation"), 4000, 5000,
                         QStringLiteral("loss varies a lot; lower the rate")});
        if (step % 10 == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      done = true;
    });
    QElapsedTimer clock;
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 60000);
    producer.join();
    QTRY_COMPARE_WITH_TIMEOUT(charts.lossChart()->pointCount(0), steps, 10000);
    QTest::qWait(100);
    const double seconds = clock.elapsed() / 1000.0;
    const auto& redraws = charts.redrawTimes();
    qInfo("%d steps in %.2f s: %d feed deliveries, %d redraws (%.1f/s), longest stall %lld ms",
          steps, seconds, feed.deliveries(), charts.redrawCount(), charts.redrawCount() / seconds,
          stalls.longestMs());
    QVERIFY(charts.redrawCount() >= 5);
    QVERIFY(charts.redrawCount() <= 25 * seconds + 1);
    for (size_t i = 1; i < redraws.size(); ++i)
      QVERIFY2(redraws[i] - redraws[i - 1] >= 39,
               qPrintable(QStringLiteral("redraws %1 ms apart").arg(redraws[i] - redraws[i - 1])));
    QVERIFY(feed.deliveries() <= 25 * seconds + 2);
    QVERIFY2(stalls.longestMs() < 100, qPrintable(QString::number(stalls.longestMs())));

    auto* loss = charts.lossChart();
    QCOMPARE(loss->eventCount(), 1);
    loss->replot();
    const QPoint inRange(loss->xAxis->coordToPixel(4500),
                         loss->yAxis->coordToPixel(loss->yAxis->range().center()));
    QVERIFY2(loss->hoverText(inRange).contains(QStringLiteral("lower the rate")),
             qPrintable(loss->hoverText(inRange)));
    QVERIFY(charts.grab().save(screenshotPath(QStringLiteral("train_charts_flood.png"))));
  }

  // The live charts' x-axis by step, epoch (the trainer's "epoch" metric, which a step reports
  // after its loss) or time since the first metric.
  void theLiveChartsShowStepsEpochsOrTime() {
    tunebench::ui::TrainingCharts charts;
    charts.resize(1000, 600);
    charts.show();
    QVERIFY(QTest::qWaitForWindowExposed(&charts));
    tunebench::ui::FeedBatch batch;
    for (int step = 1; step <= 40; ++step) {
      const double time = 1000.0 + 2.0 * step;  // step 1 after 2 s, step 40 after 80 s
      batch.metrics.push_back({step, QStringLiteral("loss"), 2.0 / step, time});
      batch.metrics.push_back({step, QStringLiteral("epoch"), step / 20.0, time});
    }
    charts.add(batch);
    auto* loss = charts.lossChart();
    QTRY_COMPARE(loss->pointCount(0), 40);
    QCOMPARE(loss->xAxis->label(), QStringLiteral("step"));

    auto* axis = charts.xAxisBox();
    axis->setFocus();
    QTest::keyClick(axis, Qt::Key_Down);
    QCOMPARE(loss->xAxis->label(), QStringLiteral("epoch"));
    // The data's extent with a 3 % margin on each side.
    const auto covers = [loss](double first, double last) {
      const double margin = 0.03 * (last - first);
      return std::abs(loss->xAxis->range().lower - (first - margin)) < 1e-9 &&
             std::abs(loss->xAxis->range().upper - (last + margin)) < 1e-9;
    };
    QTRY_VERIFY(covers(0.05, 2.0));
    QCOMPARE(loss->pointCount(0), 40);

    QTest::keyClick(axis, Qt::Key_Down);
    QVERIFY(loss->xAxis->label().contains(QStringLiteral("time")));
    // Seconds since the first metric.
    QTRY_VERIFY(covers(0.0, 78.0));
    loss->replot();
    const auto last = loss->graph(0)->data()->at(39);
    const QPoint at(loss->xAxis->coordToPixel(last->key), loss->yAxis->coordToPixel(last->value));
    const QString hover = loss->hoverText(at);
    QVERIFY2(hover.contains(QStringLiteral("step 40")) && hover.contains(QStringLiteral("1:18")) &&
                 hover.contains(QStringLiteral("epoch 2.00")),
             qPrintable(hover));

    // A point whose epoch comes in a later batch is placed once it does.
    tunebench::ui::FeedBatch early, late;
    early.metrics.push_back({41, QStringLiteral("loss"), 0.04, 1082.0});
    late.metrics.push_back({41, QStringLiteral("epoch"), 2.05, 1082.0});
    QTest::keyClick(axis, Qt::Key_Up);  // epoch
    charts.add(early);
    QTRY_COMPARE(loss->unplacedPointCount(0), 1);
    charts.add(late);
    QTRY_COMPARE(loss->pointCount(0), 41);
    QCOMPARE(loss->unplacedPointCount(0), 0);
  }

  void pausesResumesStopsWithACheckpointAndResumesTheRun() {
    const QString config = dir_.filePath(QStringLiteral("run.json"));
    {
      std::ofstream out(config.toStdString());
      out << nlohmann::json{
          {"model", "model"},
          {"output", "unused"},
          {"data", {{"train", "train.jsonl"}, {"max_length", 48}}},
          {"optimizer", {{"name", "adam"}, {"lr", 0.002}}},
          {"batch_size", 2},
          {"epochs", 5},
          {"max_steps", 40},
          {"threads", 1},
          {"seed",
           7}}.dump(2);
    }
    TrainPanel panel;
    panel.resize(1280, 860);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setProject(project_, QString(), false);
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QVERIFY2(panel.openRunConfig(config), qPrintable(panel.lastError()));
    QCOMPARE(panel.form()->modelFolder(), model_);
    QCOMPARE(panel.form()->trainFile(), train_);

    // The test paces the run: each step starts only when the gate allows it, so pausing and
    // stopping land at known steps on a fast machine and a busy one alike.
    const auto gate = std::make_shared<uitest::StepGate>();
    panel.setStepGate(uitest::StepGate::hook(gate));
    gate->allow(3);
    QTest::keyClick(&panel, Qt::Key_R, Qt::ControlModifier);  // Start
    QCOMPARE(panel.state(), TrainPanel::State::Running);
    auto* loss = panel.charts()->lossChart();
    QTRY_COMPARE_WITH_TIMEOUT(loss->pointCount(0), 3, 120000);
    click(&panel, panel.pauseAction());
    QCOMPARE(panel.state(), TrainPanel::State::Paused);
    // The fourth step may pass the gate now; the pause must hold it.
    gate->allow(1);
    QTRY_COMPARE_WITH_TIMEOUT(gate->passed(), int64_t(4), 60000);
    QTest::qWait(300);
    QCOMPARE(loss->pointCount(0), 3);

    click(&panel, panel.resumeAction());
    QCOMPARE(panel.state(), TrainPanel::State::Running);
    QTRY_COMPARE_WITH_TIMEOUT(loss->pointCount(0), 4, 60000);  // then it waits at the gate
    click(&panel, panel.pauseAction());
    QCOMPARE(panel.state(), TrainPanel::State::Paused);
    const int stoppedAt = 4;

    // Stop while paused: the trainer wakes, writes a checkpoint and the run is stopped.
    QSignalSpy ended(&panel, &TrainPanel::trainingEnded);
    click(&panel, panel.stopAction());
    gate->open();
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
    QCOMPARE(panel.state(), TrainPanel::State::Stopped);
    QCOMPARE(loss->pointCount(0), stoppedAt);
    QCOMPARE(completeCheckpointSteps(panel.outputFolder()), QList<qint64>{stoppedAt});
    QCOMPARE(statusOf(project_, panel.runId()), store::RunStatus::Stopped);
    const qint64 run = panel.runId();

    // Resume continues the same run from the checkpoint to the end.
    click(&panel, panel.resumeAction());
    QCOMPARE(panel.state(), TrainPanel::State::Running);
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 300000);
    QCOMPARE(panel.state(), TrainPanel::State::Completed);
    QCOMPARE(panel.runId(), run);
    QCOMPARE(statusOf(project_, run), store::RunStatus::Completed);
    auto db = store::ProjectStore::open(project_.toStdString());
    const auto points = store::MetricRepository(db).points(run, "loss");
    QCOMPARE(points.size(), size_t(40));
    QCOMPARE(points.front().step, int64_t(1));
    QCOMPARE(points.back().step, int64_t(40));
    QVERIFY(panel.logView()->toPlainText().contains(QStringLiteral("resuming at step")));
  }

  void aBadConfigSaysWhatIsWrong() {
    TrainPanel panel;
    panel.setProject(project_, model_, false);
    const QString config = dir_.filePath(QStringLiteral("bad.json"));
    std::ofstream(config.toStdString()) << R"({"model": "model", "output": "o",
        "data": {"train": "train.jsonl"}, "optimizer": {"name": "adamw", "lr": -1}})";
    QVERIFY(!panel.openRunConfig(config));
    QVERIFY2(panel.lastError().contains(QStringLiteral("optimizer.lr")),
             qPrintable(panel.lastError()));
    // Without training data the start is refused with the field named.
    panel.form()->setTrainFile(QString());
    QVERIFY(!panel.start());
    QVERIFY2(panel.lastError().contains(QStringLiteral("data.train")),
             qPrintable(panel.lastError()));
    QCOMPARE(panel.state(), TrainPanel::State::Idle);
  }

  // A classification config from the Setup panel keeps its objective and settings here.
  void aClassificationConfigKeepsItsObjective() {
    TrainPanel panel;
    const nlohmann::json config{{"model", "m"},
                                {"objective", "classification"},
                                {"data", {{"train", "t.jsonl"}, {"label_field", "tag"}}},
                                {"classification", {{"class_weights", "balanced"}}}};
    panel.form()->load(config);
    const auto json = panel.form()->toJson(QStringLiteral("out"));
    QCOMPARE(json["objective"].get<std::string>(), std::string("classification"));
    QVERIFY(json["classification"] == config["classification"]);
    QCOMPARE(tunebench::parseTrainingConfig(json, "run.json").data.labelField, std::string("tag"));
  }

  void closingTheWindowDuringTrainingStopsWithACheckpoint() {
    tunebench::PluginRegistry plugins;
    auto* window = new tunebench::ui::MainWindow(plugins);
    window->setAttribute(Qt::WA_DeleteOnClose, false);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QSignalSpy opened(window->session(), &tunebench::ui::ProjectSession::opened);
    window->openProjectAt(project_);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    QTest::keyClick(window, Qt::Key_4, Qt::ControlModifier);
    auto* panel = window->trainPanel();
    QTRY_VERIFY(window->currentPage()->isAncestorOf(panel));
    QVERIFY(panel->isVisible());
    panel->form()->setModelFolder(model_);
    fillForm(*panel, 5000);
    // Two steps, then the trainer waits at the gate: the close lands at step 2 on any machine
    // (before the first epoch's validation and its checkpoint).
    const auto gate = std::make_shared<uitest::StepGate>();
    panel->setStepGate(uitest::StepGate::hook(gate));
    gate->allow(2);
    click(panel, panel->startAction());
    QTRY_COMPARE_WITH_TIMEOUT(panel->charts()->lossChart()->pointCount(0), 2, 120000);

    int asked = 0;
    panel->confirmStopOnClose = [&asked](QWidget*) { return ++asked == 2; };
    QVERIFY(!window->close());  // declined: training goes on
    QCOMPARE(panel->state(), TrainPanel::State::Running);
    QVERIFY(!window->close());  // accepted: stops first, closes when the checkpoint is written
    QVERIFY(window->isVisible());
    gate->open();
    QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 60000);
    QCOMPARE(asked, 2);
    QCOMPARE(panel->state(), TrainPanel::State::Stopped);
    QCOMPARE(statusOf(project_, panel->runId()), store::RunStatus::Stopped);
    QCOMPARE(completeCheckpointSteps(panel->outputFolder()), QList<qint64>{2});
    delete window;
  }

  // Runs this test file trained, listed and two of them overlaid.
  void theRunsPanelListsAndComparesRuns() {
    tunebench::ui::RunsPanel panel;
    panel.resize(1100, 760);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy refreshed(&panel, &tunebench::ui::RunsPanel::refreshed);
    panel.setProject(project_);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 20000);
    auto* table = panel.table();
    QCOMPARE(table->rowCount(), 3);
    // Newest first: the run stopped on close, the paused-stopped-resumed one, the first run.
    using Panel = tunebench::ui::RunsPanel;
    QCOMPARE(table->item(2, Panel::kStatus)->text(), QStringLiteral("completed"));
    QCOMPARE(table->item(2, Panel::kSteps)->text(), QStringLiteral("20"));
    QCOMPARE(table->item(2, Panel::kMethod)->text(), QStringLiteral("full"));
    QVERIFY(table->item(2, Panel::kBestValidation)->text().toDouble() > 0);
    QCOMPARE(table->item(1, Panel::kSteps)->text(), QStringLiteral("40"));
    QCOMPARE(table->item(1, Panel::kBestValidation)->text(), QStringLiteral("—"));  // no data
    QCOMPARE(table->item(0, Panel::kStatus)->text(), QStringLiteral("stopped"));

    table->setFocus();
    table->selectRow(1);
    table->selectionModel()->select(table->model()->index(2, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, 20000);
    QCOMPARE(panel.comparedRuns().size(), 2);
    // Training loss of both runs, validation loss of the one that had validation data.
    auto* chart = panel.chart();
    QCOMPARE(chart->seriesCount(), 3);
    QCOMPARE(chart->pointCount(0) > 0 && chart->pointCount(1) > 0, true);
    QVERIFY(panel.statusText().contains(QStringLiteral("comparing 2")));
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("runs_panel.png"))));
  }
};

QTEST_MAIN(TrainPanelTest)
#include "tst_train_panel.moc"
