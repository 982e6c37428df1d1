// The workbench end to end through its widgets, in one project and one main window: a new
// project; a JSON Lines instruction file (with duplicates and stray whitespace) imported through
// the Data panel's wizard; whitespace clean-up and exact deduplication previewed with their counts
// and applied as a new version; a train/validation split; a tiny random model made with the Model
// panel's Create Random Model dialog; LoRA set up in the Setup panel and handed to the Train panel
// with "Use for Training"; a 20-step run whose points reach the loss chart, paused (no points
// arrive) and resumed, with the event loop's longest stall measured; a second run with another
// LoRA rank; both runs compared in the Runs tab (the configuration diff shows the rank and the
// output folder only); the base model and both runs generating side by side in the Evaluate
// panel; the second run exported as a PEFT adapter and listed by the Export and Monitor panels.
// Each stage's panel is saved as TUNEBENCH_BINARY_DIR/screenshots/e2e-<stage>.png.
//
// One step has no GUI path yet: no panel writes a version's rows as trainer JSON Lines (the
// command line's `data export` does), so the test calls the core's store::exportVersion for the
// training and validation files.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "MainWindow.h"
#include "StepGate.h"
#include "UiTestSupport.h"
#include "builtin/BuiltinPlugins.h"
#include "data/CleaningRecipeEditor.h"
#include "data/CleaningRecipeModel.h"
#include "data/DataPanel.h"
#include "data/DatasetRowsModel.h"
#include "data/ImportWizard.h"
#include "data/SplitBalancePanel.h"
#include "eval/EvaluatePanel.h"
#include "eval/GenerationComparison.h"
#include "export/ExportPanel.h"
#include "jobs/BasicJobContext.h"
#include "jobs/JobRunner.h"
#include "model/ModelPanel.h"
#include "model/StarterModelDialog.h"
#include "monitor/MonitorPanel.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "runs/RunComparisonView.h"
#include "runs/RunsPanel.h"
#include "setup/SetupForm.h"
#include "setup/SetupPanel.h"
#include "store/DatasetVersions.h"
#include "store/ProjectStore.h"
#include "train/TrainChart.h"
#include "train/TrainConfigForm.h"
#include "train/TrainPanel.h"
#include "train/TrainingCharts.h"
#include "train/TrainingFeed.h"

using tunebench::ui::CleaningRecipeEditor;
using tunebench::ui::CleaningRecipeModel;
using tunebench::ui::ImportWizard;
using tunebench::ui::MainWindow;
using tunebench::ui::Stage;
using tunebench::ui::StageState;
using tunebench::ui::TrainPanel;
namespace store = tunebench::store;

using uitest::retype;
using uitest::setSpin;

namespace {

constexpr int kTimeoutMs = 120000;
constexpr int kSteps = 20;
constexpr int kFirstRank = 8;
constexpr int kSecondRank = 4;
// Room for the Alpaca-formatted prompt and its short answer in the tiny model's tokens (its 320
// pieces split the Alpaca preamble finely: at 128 every answer was cut off and nothing learnt).
constexpr int kMaxLength = 256;
// 52 distinct prompt/response pairs, then 4 verbatim copies and 4 copies differing only in
// whitespace; 6 of the originals and the 4 whitespace copies have stray spaces.
constexpr int kDistinctRows = 52;
constexpr int kRows = 60;
constexpr int kStrayWhitespaceRows = 10;
const char* const kPrompt = "What is 3 plus 1?";

void saveScreenshot(QWidget* widget, const QString& stage) {
  QCoreApplication::processEvents();  // a just-filled view lays itself out before the picture
  QVERIFY(widget->grab().save(uitest::screenshotPath(QStringLiteral("e2e-%1.png").arg(stage))));
}

std::string question(int n, bool stray) {
  return stray ? "What is  " + std::to_string(n) + " plus 1?  "
               : "What is " + std::to_string(n) + " plus 1?";
}

void writeInstructions(const QString& file) {
  std::ofstream out(file.toStdString());
  auto row = [&](const std::string& prompt, const std::string& response) {
    out << nlohmann::json{{"prompt", prompt}, {"response", response}}.dump() << "\n";
  };
  for (int n = 0; n < kDistinctRows; ++n) row(question(n, n % 9 == 0), std::to_string(n + 1));
  for (int n = 1; n <= 4; ++n) row(question(n, false), std::to_string(n + 1));
  for (int n = 5; n <= 8; ++n)
    row("  What is " + std::to_string(n) + "   plus 1?", " " + std::to_string(n + 1) + " ");
}

void click(QWidget* panel, QAction* action) {
  auto* button = uitest::buttonOf(panel, action);
  QVERIFY2(button, qPrintable(action->text()));
  QVERIFY2(button->isEnabled(), qPrintable(action->text()));
  QTest::mouseClick(button, Qt::LeftButton);
}

void chooseData(QWidget* field, const QString& data) {
  auto* box = qobject_cast<QComboBox*>(field);
  QVERIFY(box);
  const int index = box->findData(data);
  QVERIFY2(index >= 0, qPrintable(data));
  box->setCurrentIndex(index);
}

QStringList visibleRowNames(QTableWidget* table) {
  QStringList names;
  for (int row = 0; row < table->rowCount(); ++row)
    if (!table->isRowHidden(row)) names << table->verticalHeaderItem(row)->text();
  return names;
}

int rowNamed(QTableWidget* table, const QString& name) {
  for (int row = 0; row < table->rowCount(); ++row)
    if (table->verticalHeaderItem(row)->text() == name) return row;
  return -1;
}

}  // namespace

class WorkbenchEndToEndTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  tunebench::PluginRegistry plugins_;
  std::unique_ptr<MainWindow> window_;
  QElapsedTimer total_;
  QString project_, modelFolder_, trainFile_, validationFile_;
  qint64 datasetId_ = 0, splitVersionId_ = 0;
  qint64 firstRun_ = 0, secondRun_ = 0;
  int stagesDone_ = 0;

  // Every stage builds on the one before; after a failure (also in a helper) the rest say so and
  // stop.
  bool earlierStagesDone(int stage) {
    if (stagesDone_ == stage) return true;
    qWarning("stage %d skipped: an earlier stage failed", stage + 1);
    return false;
  }

  void showStage(Stage stage) {
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    const int index = static_cast<int>(stage);
    QTest::keyClick(window_.get(), Qt::Key(Qt::Key_1 + index), Qt::ControlModifier);
    QTRY_COMPARE(window_->panels()->currentIndex(), index);
  }

  // Trains with the Train panel's form as it is; returns the longest event-loop stall.
  qint64 trainToCompletion(bool pauseAndResume) {
    auto* panel = window_->trainPanel();
    auto* loss = panel->charts()->lossChart();
    QSignalSpy ended(panel, &TrainPanel::trainingEnded);
    uitest::StallMeter stalls;
    QElapsedTimer clock;
    clock.start();
    // The test paces the run through a step gate: the pause lands after a known step whatever
    // the machine's speed, and the trainer is held there until the test resumes it.
    const auto gate = std::make_shared<uitest::StepGate>();
    panel->setStepGate(uitest::StepGate::hook(gate));
    const int pauseAfter = 2;
    if (pauseAndResume)
      gate->allow(pauseAfter);
    else
      gate->open();
    click(panel, panel->startAction());
    if (QTest::currentTestFailed()) return -1;
    [&] { QCOMPARE(panel->state(), TrainPanel::State::Running); }();
    if (QTest::currentTestFailed()) return -1;
    [&] { QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(0) > 0, kTimeoutMs); }();
    if (QTest::currentTestFailed()) return -1;
    const qint64 firstPointMs = clock.elapsed();
    if (pauseAndResume) {
      [&] {
        QTRY_COMPARE_WITH_TIMEOUT(loss->pointCount(0), pauseAfter, kTimeoutMs);
        qInfo("pause clicked at %lld ms", clock.elapsed());
        click(panel, panel->pauseAction());
        QCOMPARE(panel->state(), TrainPanel::State::Paused);
        // The next step may pass the gate now; the pause must hold it.
        gate->allow(1);
        QTRY_COMPARE_WITH_TIMEOUT(gate->passed(), int64_t(pauseAfter + 1), kTimeoutMs);
        QTest::qWait(300);
        QCOMPARE(loss->pointCount(0), pauseAfter);
        QCOMPARE(panel->state(), TrainPanel::State::Paused);
        qInfo("paused at step %d", pauseAfter);
        qInfo("resume clicked at %lld ms", clock.elapsed());
        click(panel, panel->resumeAction());
        QCOMPARE(panel->state(), TrainPanel::State::Running);
        gate->open();
      }();
      if (QTest::currentTestFailed()) return -1;
    }
    [&] {
      QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kTimeoutMs);
      QVERIFY2(panel->state() == TrainPanel::State::Completed, qPrintable(panel->lastError()));
      QCOMPARE(loss->pointCount(0), kSteps);
      // The responses fit in the maximum length: there is a loss to learn from.
      const auto* points = loss->graph(0)->data().data();
      qInfo("training loss %.4f at step 1, %.4f at step %d", points->at(0)->value,
            points->at(kSteps - 1)->value, kSteps);
      QVERIFY(points->at(0)->value > 0);
      QVERIFY(points->at(kSteps - 1)->value < points->at(0)->value);
      QVERIFY(panel->charts()->validationChart()->pointCount(0) >= 1);
      QVERIFY(panel->runId() > 0);
    }();
    if (QTest::currentTestFailed()) return -1;
    qInfo(
        "run %lld: %d steps in %.2f s (first point after %lld ms); longest event-loop stall "
        "%lld ms",
        panel->runId(), kSteps, clock.elapsed() / 1000.0, firstPointMs, stalls.longestMs());
    return stalls.longestMs();
  }

 private slots:
  void initTestCase() {
    total_.start();
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_workbench_e2e"));
    QSettings().clear();
    qRegisterMetaType<tunebench::ui::JobRunner*>();
    QVERIFY(dir_.isValid());
    tunebench::builtin::registerBuiltinPlugins(plugins_);  // the importers, as the program has
    window_ = std::make_unique<MainWindow>(plugins_);
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
  }

  void importsAnInstructionDataset() {
    QVERIFY(earlierStagesDone(0));
    QElapsedTimer clock;
    clock.start();
    QSignalSpy opened(window_->session(), &tunebench::ui::ProjectSession::opened);
    project_ = dir_.filePath(QStringLiteral("e2e.tbproj"));
    window_->newProjectAt(project_);
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(QFileInfo::exists(project_));

    showStage(Stage::Data);
    auto* panel = window_->dataPanel();
    QCOMPARE(window_->currentPage(), static_cast<QWidget*>(panel));
    QTRY_VERIFY(panel->isCatalogRead());
    QCOMPARE(window_->stageState(Stage::Data), StageState::NotYet);

    const QString file = dir_.filePath(QStringLiteral("arithmetic.jsonl"));
    writeInstructions(file);
    auto* wizard = panel->openImportWizard();
    QVERIFY(wizard);
    QCOMPARE(wizard->currentId(), int(ImportWizard::FilePage));
    wizard->setFile(file);
    wizard->next();
    QVERIFY2(wizard->currentId() == int(ImportWizard::SchemaPage),
             qPrintable(wizard->findChild<QLabel*>(QStringLiteral("importFileProblem"))->text()));
    QTRY_VERIFY(wizard->isInspected());
    QCOMPARE(wizard->mapping().kind, tunebench::DatasetKind::Instruction);
    QCOMPARE(wizard->slotBox("instruction")->currentText(), QStringLiteral("prompt"));
    QCOMPARE(wizard->slotBox("output")->currentText(), QStringLiteral("response"));
    wizard->next();
    QCOMPARE(wizard->currentId(), int(ImportWizard::PreviewPage));
    QVERIFY(!wizard->previewSummary()->text().contains(QStringLiteral("would not be imported")));
    wizard->next();
    QCOMPARE(wizard->currentId(), int(ImportWizard::ImportPage));
    QTRY_VERIFY_WITH_TIMEOUT(!wizard->isImporting(), kTimeoutMs);
    QVERIFY2(wizard->importSucceeded(), qPrintable(wizard->importError()));
    QCOMPARE(wizard->importResult().records, qint64(kRows));
    QCOMPARE(wizard->importResult().rejects, qint64(0));
    wizard->accept();

    QTRY_VERIFY(panel->currentVersion() == 1 && panel->currentDatasetId() > 0);
    datasetId_ = panel->currentDatasetId();
    QTRY_COMPARE(panel->rowsModel()->rowCount(), kRows);
    QTRY_COMPARE(window_->stageState(Stage::Data), StageState::NeedsAttention);
    saveScreenshot(panel, QStringLiteral("data-import"));
    qInfo("stage 1, project and import: %lld ms", clock.elapsed());
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void cleansAndSplits() {
    QVERIFY(earlierStagesDone(1));
    QElapsedTimer clock;
    clock.start();
    // The Clean tab works on the version the panel shows: the imported one.
    auto* panel = window_->dataPanel();
    auto* editor = panel->cleaningEditor();
    QVERIFY(editor);
    panel->tabs()->setCurrentWidget(editor);
    QTRY_VERIFY_WITH_TIMEOUT(
        editor->loadedVersion().data && editor->loadedVersion().versionNumber == 1, kTimeoutMs);
    QCOMPARE(editor->loadedVersion().data->examples.size(), size_t(kRows));
    for (const QString id : {"whitespace", "exact-dedup"}) {
      QAction* entry = nullptr;
      for (auto* action : editor->addStepMenu()->actions())
        if (action->data().toString() == id) entry = action;
      QVERIFY2(entry, qPrintable(id));
      entry->trigger();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!editor->isPreviewPending(), kTimeoutMs);
    auto* model = editor->model();
    QCOMPARE(model->rowCount(), 2);
    const QModelIndex whitespace = model->index(0);
    QCOMPARE(whitespace.data(CleaningRecipeModel::BeforeRole).toLongLong(), qint64(kRows));
    QCOMPARE(whitespace.data(CleaningRecipeModel::KeptRole).toLongLong(), qint64(kRows));
    QCOMPARE(whitespace.data(CleaningRecipeModel::ChangedRole).toLongLong(),
             qint64(kStrayWhitespaceRows));
    // The whitespace copies become duplicates once cleaned: 8 rows go.
    const QModelIndex dedup = model->index(1);
    QCOMPARE(dedup.data(CleaningRecipeModel::BeforeRole).toLongLong(), qint64(kRows));
    QCOMPARE(dedup.data(CleaningRecipeModel::RemovedRole).toLongLong(),
             qint64(kRows - kDistinctRows));
    QCOMPARE(dedup.data(CleaningRecipeModel::KeptRole).toLongLong(), qint64(kDistinctRows));
    QVERIFY2(dedup.data().toString().contains(QStringLiteral("%1 kept").arg(kDistinctRows)),
             qPrintable(dedup.data().toString()));
    editor->setCurrentRow(0);
    saveScreenshot(panel, QStringLiteral("clean"));

    // Apply stores version 2; the panel shows it.
    QSignalSpy stored(editor, &CleaningRecipeEditor::versionStored);
    auto* apply = editor->findChild<QPushButton*>(QStringLiteral("applyRecipeButton"));
    QVERIFY(apply && apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, kTimeoutMs);
    QCOMPARE(stored.at(0).at(1).toInt(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(panel->currentVersion(), 2, kTimeoutMs);
    const auto* cleaned = panel->catalog().findDataset(datasetId_)->findVersion(2);
    QVERIFY(cleaned);
    QCOMPARE(cleaned->madeBy, QStringLiteral("clean: whitespace, exact-dedup"));
    QCOMPARE(cleaned->parentNumber, qint64(1));
    QCOMPARE(cleaned->rows, qint64(kDistinctRows));
    QTRY_COMPARE(panel->rowsModel()->rowCount(), kDistinctRows);

    // Split & Balance: a quarter for validation, nothing for test.
    auto* split = panel->splitPanel();
    panel->tabs()->setCurrentWidget(split);
    chooseData(split->methodBox(), QStringLiteral("random"));
    split->findChild<QDoubleSpinBox*>(QStringLiteral("splitValidation"))->setValue(0.25);
    split->findChild<QDoubleSpinBox*>(QStringLiteral("splitTest"))->setValue(0.0);
    QVERIFY(split->splitButton()->isEnabled());
    QTest::mouseClick(split->splitButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(panel->currentVersion(), 3, kTimeoutMs);
    const auto* dataset = panel->catalog().findDataset(datasetId_);
    QVERIFY(dataset);
    const auto* version = dataset->findVersion(3);
    QVERIFY(version && version->hasSplit);
    QCOMPARE(version->parentNumber, qint64(2));
    QCOMPARE(version->madeBy, QStringLiteral("split"));
    const qint64 validation = version->splitRows("validation");
    QCOMPARE(validation, qint64(kDistinctRows / 4));
    QCOMPARE(version->splitRows("train"), qint64(kDistinctRows) - validation);
    QCOMPARE(version->splitRows("test"), qint64(0));
    QTRY_COMPARE(window_->stageState(Stage::Data), StageState::Done);
    splitVersionId_ = panel->currentVersionId();
    QVERIFY(splitVersionId_ > 0);
    saveScreenshot(panel, QStringLiteral("data-split"));
    qInfo("stage 2, clean and split: %lld ms", clock.elapsed());
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void createsATinyModel() {
    QVERIFY(earlierStagesDone(2));
    QElapsedTimer clock;
    clock.start();
    showStage(Stage::Model);
    auto* panel = window_->modelPanel();
    QCOMPARE(window_->stageState(Stage::Model), StageState::NotYet);
    modelFolder_ = dir_.filePath(QStringLiteral("models/tiny"));
    // Create Random Model (Ctrl+Shift+M) opens a modal dialog: filled in once it shows.
    bool dialogFilled = false;
    QTimer fillDialog;
    fillDialog.setInterval(20);
    connect(&fillDialog, &QTimer::timeout, this, [&] {
      auto* dialog =
          qobject_cast<tunebench::ui::StarterModelDialog*>(QApplication::activeModalWidget());
      if (!dialog || dialogFilled) return;
      dialogFilled = true;
      fillDialog.stop();
      dialog->findChild<QComboBox*>(QStringLiteral("starterArchitecture"))
          ->setCurrentText(QStringLiteral("llama"));
      auto* preset = dialog->findChild<QComboBox*>(QStringLiteral("starterPreset"));
      preset->setCurrentIndex(preset->findData(QStringLiteral("tiny")));
      auto* folder = dialog->findChild<QLineEdit*>(QStringLiteral("starterFolder"));
      folder->clear();
      QTest::keyClicks(folder, modelFolder_);
      auto* buttons = dialog->findChild<QDialogButtonBox*>();
      for (auto* button : buttons->buttons())
        if (buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
          QTest::mouseClick(button, Qt::LeftButton);
    });
    fillDialog.start();
    QSignalSpy shown(panel, &tunebench::ui::ModelPanel::descriptionShown);
    QTest::keyClick(window_.get(), Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
    fillDialog.stop();
    QVERIFY(dialogFilled);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, kTimeoutMs);
    QTRY_COMPARE(window_->session()->snapshot().models.size(), size_t(1));
    QCOMPARE(window_->session()->snapshot().currentModel()->folder, modelFolder_);
    QTRY_COMPARE(window_->stageState(Stage::Model), StageState::Done);
    saveScreenshot(panel, QStringLiteral("model"));
    qInfo("stage 3, model: %lld ms", clock.elapsed());
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void setsUpLora() {
    QVERIFY(earlierStagesDone(3));
    QElapsedTimer clock;
    clock.start();
    // No panel writes a version as trainer JSON Lines yet: the core's export, as `data export`.
    trainFile_ = dir_.filePath(QStringLiteral("train.jsonl"));
    validationFile_ = dir_.filePath(QStringLiteral("validation.jsonl"));
    {
      auto project = store::ProjectStore::open(project_.toStdString());
      tunebench::BasicJobContext context;
      const auto train = store::exportVersion(project, splitVersionId_, "train",
                                              trainFile_.toStdString(), std::nullopt, context);
      const auto validation =
          store::exportVersion(project, splitVersionId_, "validation",
                               validationFile_.toStdString(), std::nullopt, context);
      QCOMPARE(train + validation, int64_t(kDistinctRows));
    }

    showStage(Stage::Setup);
    auto* panel = window_->setupPanel();
    auto* form = panel->form();
    QTRY_COMPARE(form->modelFolder(), modelFolder_);
    chooseData(form->methodBox(), QStringLiteral("lora"));
    chooseData(form->field(QStringLiteral("objective")), QStringLiteral("sft"));
    retype(form->field(QStringLiteral("data.train")), trainFile_);
    retype(form->field(QStringLiteral("data.validation")), validationFile_);
    setSpin(form->field(QStringLiteral("data.max_length")), kMaxLength);
    setSpin(form->field(QStringLiteral("method.r")), kFirstRank);
    retype(form->field(QStringLiteral("optimizer.lr")), QStringLiteral("0.003"));
    setSpin(form->field(QStringLiteral("batch_size")), 4);
    setSpin(form->field(QStringLiteral("max_steps")), kSteps);
    setSpin(form->field(QStringLiteral("eval_every")), 10);
    setSpin(form->field(QStringLiteral("threads")), 1);
    QVERIFY2(panel->problem().isEmpty(), qPrintable(panel->problem()));
    QCOMPARE(panel->configState(), tunebench::ui::SetupPanel::ConfigState::Valid);
    QTRY_COMPARE(window_->stageState(Stage::Setup), StageState::Done);
    const auto config = panel->runConfig();
    QCOMPARE(config["method"]["name"].get<std::string>(), std::string("lora"));
    QCOMPARE(config["method"]["r"].get<int>(), kFirstRank);
    QCOMPARE(config["max_steps"].get<int>(), kSteps);
    saveScreenshot(panel, QStringLiteral("setup"));

    // Use for Training (Ctrl+Shift+T) fills the Train panel's form and shows it.
    QTest::keyClick(window_.get(), Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(window_->panels()->currentIndex(), static_cast<int>(Stage::Train));
    auto* trainForm = window_->trainPanel()->form();
    QCOMPARE(trainForm->trainFile(), trainFile_);
    QCOMPARE(trainForm->modelFolder(), modelFolder_);
    const auto handed = trainForm->toJson(QStringLiteral("/unused"));
    QVERIFY(handed["method"] == config["method"]);
    QCOMPARE(handed["max_steps"].get<int>(), kSteps);
    qInfo("stage 4, export for training and setup: %lld ms", clock.elapsed());
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void trainsPausesAndResumes() {
    QVERIFY(earlierStagesDone(4));
    auto* panel = window_->trainPanel();
    QCOMPARE(window_->currentPage(), panel->parentWidget()->parentWidget());
    const qint64 stall = trainToCompletion(true);
    if (QTest::currentTestFailed()) return;
    QVERIFY2(stall < 100, qPrintable(QStringLiteral("stall of %1 ms").arg(stall)));
    firstRun_ = panel->runId();
    saveScreenshot(panel, QStringLiteral("train"));
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void trainsASecondRunWithAnotherRank() {
    QVERIFY(earlierStagesDone(5));
    showStage(Stage::Setup);
    auto* setup = window_->setupPanel();
    setSpin(setup->form()->field(QStringLiteral("method.r")), kSecondRank);
    QVERIFY2(setup->problem().isEmpty(), qPrintable(setup->problem()));
    QTest::keyClick(window_.get(), Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(window_->panels()->currentIndex(), static_cast<int>(Stage::Train));
    auto* panel = window_->trainPanel();
    QCOMPARE(panel->form()->toJson(QStringLiteral("/unused"))["method"]["r"].get<int>(),
             kSecondRank);
    const qint64 stall = trainToCompletion(false);
    if (QTest::currentTestFailed()) return;
    QVERIFY2(stall < 100, qPrintable(QStringLiteral("stall of %1 ms").arg(stall)));
    secondRun_ = panel->runId();
    QVERIFY(secondRun_ != firstRun_);
    saveScreenshot(panel, QStringLiteral("train-second"));
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void comparesTheRuns() {
    QVERIFY(earlierStagesDone(6));
    auto* runs = window_->runsPanel();
    auto* tabs = qobject_cast<QTabWidget*>(window_->currentPage());
    QVERIFY(tabs);
    tabs->setCurrentWidget(runs);
    auto* table = runs->table();
    QTRY_COMPARE(table->rowCount(), 2);
    QTRY_VERIFY(runs->rowOfRun(firstRun_) >= 0 && runs->rowOfRun(secondRun_) >= 0);
    table->clearSelection();
    for (qint64 id : {firstRun_, secondRun_})
      table->selectionModel()->setCurrentIndex(
          table->model()->index(runs->rowOfRun(id), 0),
          QItemSelectionModel::Select | QItemSelectionModel::Rows);
    table->setFocus();
    QSignalSpy refreshed(runs, &tunebench::ui::RunsPanel::refreshed);
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(runs->comparedRuns().size(), 2);

    auto* view = runs->comparison();
    view->tabs()->setCurrentIndex(1);  // Configuration
    auto* config = view->configTable();
    QCOMPARE(config->columnCount(), 2);
    QVERIFY(view->differencesOnlyBox()->isChecked());
    // The rank that was changed, and the output folder every run has its own of.
    QCOMPARE(visibleRowNames(config), (QStringList{"method.r", "output"}));
    const int rank = rowNamed(config, QStringLiteral("method.r"));
    const int firstColumn = runs->comparedRuns().indexOf(firstRun_);
    const int secondColumn = runs->comparedRuns().indexOf(secondRun_);
    QVERIFY(firstColumn >= 0 && secondColumn >= 0);
    QCOMPARE(config->item(rank, firstColumn)->text(), QString::number(kFirstRank));
    QCOMPARE(config->item(rank, secondColumn)->text(), QString::number(kSecondRank));
    // Everything else is the same and shown once "Differences only" is off.
    auto* differencesOnly = view->differencesOnlyBox();
    const QPoint onBox(8, differencesOnly->height() / 2);  // the box, wherever the text ends
    QTest::mouseClick(differencesOnly, Qt::LeftButton, {}, onBox);
    QVERIFY(!differencesOnly->isChecked());
    QVERIFY(config->rowCount() > 10);
    QCOMPARE(visibleRowNames(config).size(), config->rowCount());
    QTest::mouseClick(differencesOnly, Qt::LeftButton, {}, onBox);
    QCOMPARE(visibleRowNames(config).size(), 2);
    saveScreenshot(runs, QStringLiteral("runs-compare"));
    view->tabs()->setCurrentIndex(0);
    saveScreenshot(runs, QStringLiteral("runs-curves"));
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void generatesSideBySide() {
    QVERIFY(earlierStagesDone(7));
    QElapsedTimer clock;
    clock.start();
    showStage(Stage::Evaluate);
    auto* panel = window_->evaluatePanel();
    auto* view = panel->comparison();
    // The project's model and the runs are offered once the panel has read them.
    QTRY_VERIFY_WITH_TIMEOUT(view->chooseBaseModel(modelFolder_), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(view->chooseRun(0, firstRun_), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(view->chooseRun(1, secondRun_), 20000);
    QVERIFY(view->chooseRun(2, 0));
    auto* prompt = view->findChild<QPlainTextEdit*>(QStringLiteral("generationPrompt"));
    QVERIFY(prompt);
    prompt->clear();
    QTest::keyClicks(prompt, QString::fromLatin1(kPrompt));
    view->findChild<QSpinBox*>(QStringLiteral("generationMaxNewTokens"))->setValue(8);
    QCOMPARE(view->findChild<QDoubleSpinBox*>(QStringLiteral("generationTemperature"))->value(),
             0.0);  // greedy

    QSignalSpy finished(view, &tunebench::ui::GenerationComparisonView::generationFinished);
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    QTest::keyClick(window_.get(), Qt::Key_G, Qt::ControlModifier);
    QVERIFY(view->isGenerating());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    QVERIFY2(view->lastError().isEmpty(), qPrintable(view->lastError()));
    for (int column = 0; column < 3; ++column) {
      QVERIFY2(!view->columnText(column).trimmed().isEmpty(),
               qPrintable(QStringLiteral("column %1 (%2) is empty")
                              .arg(column)
                              .arg(view->columnTitle(column))));
      qInfo("%s: %s", qPrintable(view->columnTitle(column)),
            qPrintable(view->columnText(column).simplified()));
    }
    QVERIFY(view->columnText(3).isEmpty());
    // Twenty steps of LoRA already change what the model says greedily.
    QVERIFY(view->columnText(1) != view->columnText(0) ||
            view->columnText(2) != view->columnText(0));
    QVERIFY(view->lastStoredComparison() > 0);
    saveScreenshot(panel, QStringLiteral("evaluate-generation"));
    qInfo("stage 8, side-by-side generation: %lld ms", clock.elapsed());
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void exportsTheSecondRun() {
    QVERIFY(earlierStagesDone(8));
    QElapsedTimer clock;
    clock.start();
    showStage(Stage::Export);
    auto* panel = window_->exportPanel();
    QTRY_COMPARE(panel->runBox()->count(), 2);
    panel->runBox()->setCurrentIndex(0);  // newest first
    QCOMPARE(panel->selectedRun(), secondRun_);
    QCOMPARE(panel->modelBox()->currentText(), QStringLiteral("Final model"));
    chooseData(panel->formatBox(), QStringLiteral("adapter"));
    QSignalSpy finished(panel, &tunebench::ui::ExportPanel::exportFinished);
    click(panel, panel->exportAction());
    QVERIFY(panel->isExporting());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel->lastError().isEmpty(), qPrintable(panel->lastError()));
    const QString folder = panel->lastExportFolder();
    QVERIFY(QFileInfo(folder).isDir());
    QVERIFY(QFileInfo::exists(folder + QStringLiteral("/adapter_model.safetensors")));
    QVERIFY(QFileInfo::exists(folder + QStringLiteral("/adapter_config.json")));
    QTRY_COMPARE(panel->exportsTable()->rowCount(), 1);
    auto* exports = panel->exportsTable();
    QCOMPARE(exports->item(0, tunebench::ui::ExportPanel::kFormat)->text(),
             QStringLiteral("adapter"));
    QCOMPARE(exports->item(0, tunebench::ui::ExportPanel::kFolder)->text(),
             QDir::toNativeSeparators(folder));
    QTRY_COMPARE(window_->stageState(Stage::Export), StageState::Done);
    saveScreenshot(panel, QStringLiteral("export"));

    showStage(Stage::Monitor);
    auto* monitor = window_->monitorPanel();
    QTRY_COMPARE(monitor->versionsTable()->rowCount(), 1);
    auto* versions = monitor->versionsTable();
    QCOMPARE(versions->item(0, tunebench::ui::MonitorPanel::kVersion)->text(),
             QStringLiteral("v1"));
    QVERIFY2(versions->item(0, tunebench::ui::MonitorPanel::kFormats)
                 ->text()
                 .contains(QStringLiteral("adapter")),
             qPrintable(versions->item(0, tunebench::ui::MonitorPanel::kFormats)->text()));
    const QString model = versions->item(0, tunebench::ui::MonitorPanel::kModel)->text();
    QVERIFY2(model.contains(QStringLiteral("Run %1:").arg(secondRun_)) &&
                 model.contains(QStringLiteral("final model")),
             qPrintable(model));
    saveScreenshot(monitor, QStringLiteral("monitor"));
    qInfo("stage 9, export and monitor: %lld ms", clock.elapsed());
    if (!QTest::currentTestFailed()) ++stagesDone_;
  }

  void cleanupTestCase() {
    qInfo("the whole workflow took %.1f s", total_.elapsed() / 1000.0);
    if (window_) {
      // A stage that failed may leave a run going; closing would then ask whether to stop it.
      auto* trainPanel = window_->findChild<TrainPanel*>();
      if (trainPanel && trainPanel->isTraining()) {
        trainPanel->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!trainPanel->isTraining(), kTimeoutMs);
      }
      window_->close();
      window_.reset();
    }
  }
};

QTEST_MAIN(WorkbenchEndToEndTest)
#include "tst_workbench_e2e.moc"
