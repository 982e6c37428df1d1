// Side-by-side generation and checkpoint evaluation in the Evaluate stage, driven through the
// widgets: a run with a LoRA adapter trained here in seconds, the base model and the run in two
// columns with greedy settings, each column's text against core generate() run directly on that
// model (base alone; base + the run's adapter), text streamed in more than one update, the
// comparison stored and re-opened after the project is opened again, Stop canceling it; and the
// run picker's checkpoints with "Use the run's validation file", evaluated like core does.
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <filesystem>
#include <fstream>

#include "BuiltinPluginsForTests.h"
#include "DirectGeneration.h"
#include "LoraRunFixture.h"
#include "UiTestSupport.h"
#include "data/TrainerRecords.h"
#include "eval/EvaluatePanel.h"
#include "eval/Evaluation.h"
#include "eval/GenerationComparison.h"
#include "jobs/JobRunner.h"
#include "store/GenerationComparisonRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using tunebench::ui::EvaluatePanel;
using tunebench::ui::GenerationComparisonView;
namespace store = tunebench::store;
namespace fs = std::filesystem;

using uitest::screenshotPath;

namespace {

constexpr int kTimeoutMs = 180000;
constexpr int kLongGeneration = 200;
const char* const kPrompt = "The cat has";

}  // namespace

class GenerationComparisonTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  lorarun::LoraRun run_;
  QString project_, baseModel_, validation_;
  qint64 runId_ = 0;
  qint64 storedId_ = 0;
  QString storedTexts_[2];

  void openProject(EvaluatePanel& panel) {
    QSignalSpy models(panel.comparison(), &GenerationComparisonView::modelsRead);
    QSignalSpy comparisons(panel.comparison(), &GenerationComparisonView::comparisonsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY_WITH_TIMEOUT(models.count() >= 1 && comparisons.count() >= 1, 20000);
  }

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_generation_comparison"));
    QSettings().clear();
    qRegisterMetaType<tunebench::ui::JobRunner*>();
    QVERIFY(dir_.isValid());
    run_ = lorarun::makeLoraRun(dir_.path().toStdString());
    baseModel_ = QString::fromStdString(fs::path(run_.baseModel).lexically_normal().string());
    validation_ = dir_.filePath(QStringLiteral("lora-valid.jsonl"));
    {
      std::ofstream out(validation_.toStdString());
      out << R"({"question": "The cat has", "answer": "4 legs."})"
          << "\n"
          << R"({"question": "The owl has", "answer": "2 legs."})"
          << "\n";
    }
    // The run's config as recorded: with a validation file (the trainer did not need it).
    auto config = run_.config;
    config["data"]["validation"] = "lora-valid.jsonl";
    config["data"]["prompt_field"] = "question";
    config["data"]["response_field"] = "answer";
    project_ = dir_.filePath(QStringLiteral("compare.tbproj"));
    auto project = store::ProjectStore::create(project_.toStdString());
    store::RunRepository runs(project);
    store::NewRun run(std::string("lora run"));
    run.config = config.dump();
    runId_ = runs.create(run);
    runs.setStatus(runId_, store::RunStatus::Completed);
  }

  void generatesTheBaseModelAndARunSideBySide() {
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.resize(1400, 860);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    openProject(panel);
    auto* view = panel.comparison();
    QVERIFY(view->chooseBaseModel(baseModel_));
    QVERIFY(view->chooseRun(0, runId_));  // final model: base + the run's adapter
    // The run's checkpoints are offered too.
    QVERIFY(view->chooseRun(1, runId_, 2));
    QVERIFY(view->chooseRun(1, runId_, 4));
    QVERIFY(!view->chooseRun(1, runId_, 3));
    QVERIFY(view->chooseRun(1, 0));
    QTest::keyClicks(view->findChild<QPlainTextEdit*>(QStringLiteral("generationPrompt")), kPrompt);
    view->findChild<QSpinBox*>(QStringLiteral("generationMaxNewTokens"))->setValue(kLongGeneration);

    QSignalSpy started(&panel, &EvaluatePanel::jobStarted);
    QSignalSpy finished(view, &GenerationComparisonView::generationFinished);
    QSignalSpy listed(view, &GenerationComparisonView::comparisonsRead);
    panel.activateWindow();
    QTest::keyClick(&panel, Qt::Key_G, Qt::ControlModifier);
    QCOMPARE(started.count(), 1);
    QCOMPARE(panel.tabs()->currentWidget(), static_cast<QWidget*>(view));
    QVERIFY(view->isGenerating());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    QVERIFY2(view->lastError().isEmpty(), qPrintable(view->lastError()));

    const QString base =
        QString::fromStdString(directGeneration(run_.baseModel, "", kPrompt, kLongGeneration));
    const QString tuned = QString::fromStdString(
        directGeneration(run_.baseModel, run_.output + "/adapter", kPrompt, kLongGeneration));
    QVERIFY(base != tuned);  // the run's adapter changed what the model says
    QCOMPARE(view->columnText(0), base);
    QCOMPARE(view->columnText(1), tuned);
    QVERIFY(view->columnText(2).isEmpty());
    QVERIFY(view->columnTitle(1).contains(QStringLiteral("final model")));
    QVERIFY(view->columnStats(0).contains(QStringLiteral("tokens/s")));
    // The text streamed in: more than one update of a column (a timer, never one per token).
    QVERIFY2(view->columnUpdates(0) > 1 || view->columnUpdates(1) > 1,
             qPrintable(QStringLiteral("updates: %1, %2")
                            .arg(view->columnUpdates(0))
                            .arg(view->columnUpdates(1))));
    QVERIFY(view->columnUpdates(0) <= kLongGeneration);

    storedId_ = view->lastStoredComparison();
    QVERIFY(storedId_ > 0);
    QTRY_VERIFY(view->comparisonIds().contains(storedId_));
    storedTexts_[0] = base;
    storedTexts_[1] = tuned;
    panel.grab().save(screenshotPath(QStringLiteral("evaluate-generation.png")));
  }

  void theComparisonIsReopenedAfterTheProjectIsOpenedAgain() {
    QVERIFY(storedId_ > 0);
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.resize(1400, 860);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.tabs()->setCurrentIndex(1);
    openProject(panel);
    auto* view = panel.comparison();
    QCOMPARE(view->comparisonIds().value(0), storedId_);
    QVERIFY(view->columnText(0).isEmpty());
    QSignalSpy shown(view, &GenerationComparisonView::comparisonShown);
    auto* list = view->historyList();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->item(0)).center());
    QTRY_COMPARE(shown.count(), 1);
    QCOMPARE(view->prompt(), QString::fromLatin1(kPrompt));
    QCOMPARE(view->columnText(0), storedTexts_[0]);
    QCOMPARE(view->columnText(1), storedTexts_[1]);
    QVERIFY(view->columnTitle(1).contains(QStringLiteral("final model")));
    QCOMPARE(view->findChild<QSpinBox*>(QStringLiteral("generationMaxNewTokens"))->value(),
             kLongGeneration);
  }

  void stopCancelsTheGeneration() {
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    openProject(panel);
    auto* view = panel.comparison();
    const auto before = store::readGenerationComparisons(project_.toStdString()).size();
    QVERIFY(view->chooseBaseModel(baseModel_));
    QVERIFY(view->chooseRun(0, runId_, 2));
    view->setPrompt(QString::fromLatin1(kPrompt));
    view->setMaxNewTokens(kLongGeneration);
    QSignalSpy finished(view, &GenerationComparisonView::generationFinished);
    QVERIFY(view->generate());
    QVERIFY(view->stopAction()->isEnabled());
    view->stopAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    QVERIFY(view->statusText().contains(QStringLiteral("Stopped")));
    QVERIFY(!view->stopAction()->isEnabled());
    QVERIFY(view->generateAction()->isEnabled());
    QCOMPARE(view->lastStoredComparison(), qint64(0));
    QCOMPARE(store::readGenerationComparisons(project_.toStdString()).size(), before);
  }

  void problemsAreSaidBeforeStarting() {
    EvaluatePanel panel(uitest::builtinPlugins());
    openProject(panel);
    auto* view = panel.comparison();
    QVERIFY(view->chooseBaseModel(QString()));
    view->setPrompt(QString::fromLatin1(kPrompt));
    QVERIFY(!view->generate());
    QVERIFY(view->lastError().contains(QStringLiteral("Choose a base model")));
    QVERIFY(view->chooseBaseModel(baseModel_));
    view->setPrompt(QStringLiteral("  "));
    QVERIFY(!view->generate());
    QVERIFY(view->lastError().contains(QStringLiteral("prompt")));
  }

  void evaluatesACheckpointOnTheRunsValidationFile() {
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy checkpoints(&panel, &EvaluatePanel::checkpointsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY_WITH_TIMEOUT(checkpoints.count() >= 1, 20000);
    QCOMPARE(panel.selectedRun(), runId_);
    auto* box = panel.checkpointBox();
    QCOMPARE(box->count(), 3);  // the final model, steps 2 and 4
    QVERIFY(panel.selectCheckpoint(2));
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("evaluateTargetNote"))
                ->text()
                .contains(QStringLiteral("step 2")));
    panel.dataFileEdit()->setText(QStringLiteral("elsewhere.jsonl"));
    QTest::mouseClick(panel.runValidationButton(), Qt::LeftButton);
    QCOMPARE(QDir::fromNativeSeparators(panel.dataFileEdit()->text()),
             QDir::cleanPath(validation_));
    panel.setMaxNewTokens(3);
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    QVERIFY(panel.evaluate());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    tunebench::EvaluationOptions options;
    options.maxNewTokens = 3;
    const auto direct = tunebench::evaluateModel(
        {run_.baseModel, "", run_.output + "/checkpoints/step-00000002"},
        tunebench::loadEvalExamples(validation_.toStdString(), "question", "answer"), options);
    QCOMPARE(panel.lastResult().perplexity, direct.perplexity);
    QCOMPARE(panel.lastResult().examples, qint64(2));
    QVERIFY(panel.summaryText().contains(QStringLiteral("at step 2")));
    QVERIFY(panel.lastStoredEvaluation() > 0);
  }

  // A run whose training file holds Alpaca-rendered prompts is asked in Alpaca by default, and
  // its column says so; the base model gets the prompt as typed. After Generate the list selects
  // the new comparison, even when an earlier one was selected.
  void aTunedRunIsAskedInItsTrainingFormatAndTheNewComparisonIsSelected() {
    const QString alpacaTrain = dir_.filePath(QStringLiteral("alpaca-train.jsonl"));
    {
      tunebench::Example example;
      example.instruction = "What is 3 plus 4?";
      example.output = "7";
      std::ofstream out(alpacaTrain.toStdString());
      out << tunebench::trainerRecord(example, tunebench::DatasetKind::Instruction,
                                      tunebench::PromptPreset::Alpaca)
                 .dump()
          << "\n";
    }
    qint64 alpacaRun = 0;
    {
      auto config = run_.config;
      config["data"]["train"] = alpacaTrain.toStdString();
      auto project = store::ProjectStore::open(project_.toStdString());
      store::RunRepository runs(project);
      store::NewRun run(std::string("alpaca run"));
      run.config = config.dump();
      alpacaRun = runs.create(run);
      runs.setStatus(alpacaRun, store::RunStatus::Completed);
    }
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    openProject(panel);
    auto* view = panel.comparison();
    QCOMPARE(view->promptChoice(), tunebench::PromptChoice::AsTrained);
    QVERIFY(view->chooseBaseModel(baseModel_));
    // An earlier comparison, selected in the list before the next Generate.
    QSignalSpy finished(view, &GenerationComparisonView::generationFinished);
    QSignalSpy listed(view, &GenerationComparisonView::comparisonsRead);
    view->setPrompt(QStringLiteral("Earlier"));
    view->setMaxNewTokens(2);
    QVERIFY(view->generate());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
    const qint64 earlier = view->lastStoredComparison();
    auto* list = view->historyList();
    QTRY_VERIFY(list->currentItem() &&
                list->currentItem()->data(Qt::UserRole).toLongLong() == earlier);

    QVERIFY(view->chooseRun(0, alpacaRun));
    QVERIFY(view->chooseRun(1, 0));
    QVERIFY(view->chooseRun(2, 0));
    const QString question = QStringLiteral("What is 3 plus 4?");
    view->setPrompt(question);
    view->setMaxNewTokens(8);
    listed.clear();
    QVERIFY(view->generate());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kTimeoutMs);
    QVERIFY2(view->lastError().isEmpty(), qPrintable(view->lastError()));
    QVERIFY(view->lastStoredComparison() != earlier);
    const auto alpacaPrompt =
        tunebench::renderInstructionPrompt(question.toStdString(), tunebench::PromptPreset::Alpaca);
    QCOMPARE(view->columnText(0), QString::fromStdString(directGeneration(
                                      run_.baseModel, "", question.toStdString(), 8)));
    QCOMPARE(view->columnText(1), QString::fromStdString(directGeneration(
                                      run_.baseModel, run_.output + "/adapter", alpacaPrompt, 8)));
    QVERIFY2(view->columnTitle(0).contains(QStringLiteral("prompt: as typed")),
             qPrintable(view->columnTitle(0)));
    QVERIFY2(view->columnTitle(1).contains(QStringLiteral("prompt: Alpaca (as trained)")),
             qPrintable(view->columnTitle(1)));
    QVERIFY(view->lastStoredComparison() > 0);
    QTRY_VERIFY(listed.count() >= 1 && list->currentItem() &&
                list->currentItem()->data(Qt::UserRole).toLongLong() ==
                    view->lastStoredComparison());
  }
};

QTEST_MAIN(GenerationComparisonTest)
#include "tst_generation_comparison.moc"
