// The Evaluate panel driven through its widgets: a tiny random model as the final model of a run,
// a small JSON Lines file; the shown metrics and examples against a direct evaluation, the run's
// evaluation stored in the project and listed, stored examples shown again, the mismatch filter,
// another model folder evaluated without being stored, a bad file's error, and the main window's
// wiring (stage shortcut, Ctrl+E, the jobs area).
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "BuiltinPluginsForTests.h"
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Sha256.h"
#include "data/PromptFormat.h"
#include "eval/BenchmarkComparisonView.h"
#include "eval/BenchmarkSuiteEditor.h"
#include "eval/EvaluatePanel.h"
#include "eval/Evaluation.h"
#include "eval/EvaluationOutcomeModel.h"
#include "eval/MismatchFilterModel.h"
#include "jobs/JobRunner.h"
#include "jobs/JobsArea.h"
#include "model/ModelFactory.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "store/ArtifactRepository.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using tunebench::ui::EvaluatePanel;
using tunebench::ui::EvaluationOutcomeModel;
namespace store = tunebench::store;
namespace fs = std::filesystem;

using uitest::screenshotPath;

namespace {

constexpr int kMaxNewTokens = 4;
constexpr int kTimeoutMs = 180000;

void clickEvaluate(EvaluatePanel& panel) {
  QToolButton* button = nullptr;
  for (auto* candidate : panel.findChildren<QToolButton*>())
    if (candidate->defaultAction() == panel.evaluateAction()) button = candidate;
  QVERIFY(button);
  QVERIFY(button->isEnabled());
  QTest::mouseClick(button, Qt::LeftButton);
}

void writeExamples(const QString& file, const std::vector<tunebench::EvalExample>& examples) {
  std::ofstream out(file.toStdString());
  for (const auto& example : examples)
    out << nlohmann::json{{"prompt", example.prompt}, {"response", example.reference}}.dump()
        << "\n";
}

tunebench::EvaluationResult directEvaluation(const QString& model, const QString& data) {
  tunebench::EvaluationOptions options;
  options.maxNewTokens = kMaxNewTokens;
  return tunebench::evaluateModelFolder(model.toStdString(), "",
                                        tunebench::loadEvalExamples(data.toStdString()), options);
}

// The rows the table shows, in its order, as (prompt, expected, generated, match).
void compareRows(const EvaluatePanel& panel, const tunebench::EvaluationResult& expected) {
  auto* model = panel.outcomes();
  QCOMPARE(model->rowCount(), static_cast<int>(expected.outcomes.size()));
  for (int i = 0; i < model->rowCount(); ++i) {
    const auto& outcome = expected.outcomes[static_cast<size_t>(i)];
    QCOMPARE(model->row(i).prompt, QString::fromStdString(outcome.prompt));
    QCOMPARE(model->row(i).expected, QString::fromStdString(outcome.reference));
    QCOMPARE(model->row(i).generated, QString::fromStdString(outcome.generated));
    QCOMPARE(model->row(i).match, outcome.exactMatch);
  }
}

// An evaluator as a third party would write one: the length of each reference answer.
class AnswerLengthEvaluator : public tunebench::Evaluator {
 public:
  std::string id() const override { return "answer-length"; }
  std::string displayName() const override { return "Answer length (fixture)"; }
  std::string description() const override { return "characters of each response"; }
  bool suits(const tunebench::ModelSource&) const override { return false; }
  tunebench::EvaluatorResult evaluate(const tunebench::EvaluatorRequest& request,
                                      tunebench::JobContext&) override {
    tunebench::EvaluatorResult result;
    for (const auto& example : tunebench::loadEvalExamples(request.dataFile))
      result.items.push_back({example.prompt, example.reference,
                              std::to_string(example.reference.size()),
                              example.reference.size() == 3 ? 1.0 : 0.0});
    result.metrics = {{"answers", static_cast<double>(result.items.size())}};
    return result;
  }
};

void registerAnswerLength(tunebench::PluginRegistrar* registrar) {
  registrar->addEvaluator(std::make_shared<AnswerLengthEvaluator>());
}

}  // namespace

class EvaluatePanelTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString model_, runOutput_, data_, project_;
  qint64 runId_ = 0;

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_evaluate_panel"));
    QSettings().clear();
    qRegisterMetaType<tunebench::ui::JobRunner*>();
    QVERIFY(dir_.isValid());
    model_ = dir_.filePath(QStringLiteral("model"));
    tunebench::makeRandomModel({"llama", "tiny", model_.toStdString(), 7});
    data_ = dir_.filePath(QStringLiteral("validation.jsonl"));
    writeExamples(data_, {{"What is 2 plus 3?", "5"},
                          {"Name a bird.", "owl"},
                          {"The cat sat on the", "mat"},
                          {"Count: one two three", "four"},
                          {"Hello", "world"},
                          {"Colour of the sky?", "blue"}});
    // A completed run as the trainer leaves it: its config recorded, its final model on disk.
    runOutput_ = dir_.filePath(QStringLiteral("checkpoints/run-1"));
    fs::create_directories(runOutput_.toStdString());
    fs::copy(model_.toStdString(), (runOutput_ + QStringLiteral("/final")).toStdString(),
             fs::copy_options::recursive);
    project_ = dir_.filePath(QStringLiteral("evaluate.tbproj"));
    auto project = store::ProjectStore::create(project_.toStdString());
    store::RunRepository runs(project);
    store::NewRun run(std::string("tiny run"));
    run.config =
        nlohmann::json{{"model", model_.toStdString()},
                       {"output", "checkpoints/run-1"},
                       {"data", {{"train", "train.jsonl"}, {"validation", data_.toStdString()}}}}
            .dump();
    runId_ = runs.create(run);
    runs.setStatus(runId_, store::RunStatus::Completed);
  }

  void evaluatesTheFinalModelOfARunAndStoresIt() {
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.resize(1280, 820);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    // The newest run is picked, its validation file is the default evaluation data.
    QCOMPARE(panel.selectedRun(), runId_);
    QVERIFY(panel.targetBox()->currentText().contains(QStringLiteral("tiny run")));
    QCOMPARE(panel.targetBox()->itemText(panel.targetBox()->count() - 1),
             QStringLiteral("Another model folder…"));
    QCOMPARE(panel.dataFileEdit()->text(), data_);
    auto* modelFolder = panel.findChild<QLineEdit*>(QStringLiteral("evaluateModelFolder"));
    QCOMPARE(QDir::fromNativeSeparators(modelFolder->text()),
             runOutput_ + QStringLiteral("/final"));
    auto* note = panel.findChild<QLabel*>(QStringLiteral("evaluateTargetNote"));
    QVERIFY2(note->text().contains(QStringLiteral("stored with the run")),
             qPrintable(note->text()));
    QTRY_VERIFY(panel.findChild<QLabel*>(QStringLiteral("evaluationHistoryNote"))
                    ->text()
                    .contains(QStringLiteral("No evaluations")));

    panel.setMaxNewTokens(kMaxNewTokens);
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    QSignalSpy started(&panel, &EvaluatePanel::jobStarted);
    clickEvaluate(panel);
    QCOMPARE(started.count(), 1);
    QVERIFY(panel.isEvaluating());
    QVERIFY(!panel.evaluateAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));

    // The shown figures equal an independent evaluation of the same folder.
    const auto direct = directEvaluation(runOutput_ + QStringLiteral("/final"), data_);
    const auto& shown = panel.lastResult();
    QCOMPARE(shown.examples, int64_t(6));
    QCOMPARE(shown.exactMatch, direct.exactMatch);
    QCOMPARE(shown.perplexity, direct.perplexity);
    QVERIFY2(panel.summaryText().contains(QString::number(direct.perplexity, 'g', 5)),
             qPrintable(panel.summaryText()));
    QVERIFY2(panel.summaryText().contains(
                 QStringLiteral("%1%").arg(100.0 * direct.exactMatch, 0, 'f', 1)),
             qPrintable(panel.summaryText()));
    QCOMPARE(panel.shown(), EvaluatePanel::Shown::FreshResult);
    compareRows(panel, direct);
    QCOMPARE(panel.outcomesView()->model()->rowCount(), 6);

    // Stored with the run, and listed.
    QVERIFY(panel.lastStoredEvaluation() > 0);
    {
      auto db = store::ProjectStore::open(project_.toStdString());
      store::EvaluationRepository evaluations(db);
      const auto stored = evaluations.forRun(runId_);
      QCOMPARE(stored.size(), size_t(1));
      QCOMPARE(stored[0].id, panel.lastStoredEvaluation());
      QCOMPARE(stored[0].suite, std::string("validation.jsonl"));
      for (const auto& [name, value] : evaluations.metrics(stored[0].id)) {
        if (name == "exact_match") QCOMPARE(value, direct.exactMatch);
        if (name == "perplexity") QCOMPARE(value, direct.perplexity);
      }
      QCOMPARE(evaluations.items(stored[0].id, 0, 100).size(), size_t(6));
    }
    QTRY_COMPARE(panel.historyIds(), QList<qint64>{panel.lastStoredEvaluation()});
    auto* history = panel.historyTable();
    QCOMPARE(history->item(0, 0)->text(), QStringLiteral("validation.jsonl"));
    QVERIFY2(history->item(0, 2)->text().contains(QStringLiteral("perplexity")),
             qPrintable(history->item(0, 2)->text()));
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("evaluate_panel.png"))));

    // Selecting it shows its stored examples.
    QSignalSpy itemsShown(&panel, &EvaluatePanel::storedItemsShown);
    history->setFocus();
    history->selectRow(0);
    QTRY_COMPARE(itemsShown.count(), 1);
    QCOMPARE(panel.shown(), EvaluatePanel::Shown::StoredEvaluation);
    compareRows(panel, direct);
    QVERIFY2(panel.summaryText().contains(QStringLiteral("Stored evaluation")) &&
                 panel.summaryText().contains(QString::number(direct.perplexity, 'g', 5)),
             qPrintable(panel.summaryText()));
  }

  // Another model folder: the result is shown, not stored. The file has one answer the model
  // gives itself, so that the mismatch filter has something to leave out.
  void anotherModelFolderIsShownButNotStored() {
    const auto first = directEvaluation(model_, data_);
    const QString withMatch = dir_.filePath(QStringLiteral("with-match.jsonl"));
    writeExamples(withMatch, {{first.outcomes[0].prompt, first.outcomes[0].generated},
                              {first.outcomes[1].prompt, first.outcomes[1].reference},
                              {first.outcomes[2].prompt, first.outcomes[2].reference}});
    const auto direct = directEvaluation(model_, withMatch);
    QVERIFY(direct.outcomes[0].exactMatch);
    const int mismatches = static_cast<int>(std::count_if(
        direct.outcomes.begin(), direct.outcomes.end(),
        [](const tunebench::ExampleOutcome& outcome) { return !outcome.exactMatch; }));

    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectOtherModel(model_);
    QCOMPARE(panel.selectedRun(), qint64(0));
    auto* note = panel.findChild<QLabel*>(QStringLiteral("evaluateTargetNote"));
    QVERIFY2(note->text().contains(QStringLiteral("not stored")), qPrintable(note->text()));
    QCOMPARE(panel.historyTable()->rowCount(), 0);
    panel.dataFileEdit()->clear();
    QTest::keyClicks(panel.dataFileEdit(), withMatch);
    panel.setMaxNewTokens(kMaxNewTokens);

    const size_t storedBefore = [&] {
      auto db = store::ProjectStore::open(project_.toStdString());
      return store::EvaluationRepository(db).forRun(runId_).size();
    }();
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    panel.setFocus();
    QTest::keyClick(&panel, Qt::Key_E, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QCOMPARE(panel.lastStoredEvaluation(), qint64(0));
    QCOMPARE(panel.lastResult().exactMatch, direct.exactMatch);
    QCOMPARE(panel.lastResult().perplexity, direct.perplexity);
    compareRows(panel, direct);
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("evaluateStatus"))
                ->text()
                .contains(QStringLiteral("Not stored")));
    {
      auto db = store::ProjectStore::open(project_.toStdString());
      QCOMPARE(store::EvaluationRepository(db).forRun(runId_).size(), storedBefore);
    }

    // Only the mismatches.
    QCOMPARE(panel.outcomesView()->model()->rowCount(), 3);
    QTest::mouseClick(panel.onlyMismatchesBox(), Qt::LeftButton);
    QVERIFY(panel.outcomeFilter()->onlyMismatches());
    QCOMPARE(panel.outcomesView()->model()->rowCount(), mismatches);
    for (int row = 0; row < panel.outcomesView()->model()->rowCount(); ++row)
      QCOMPARE(panel.outcomesView()
                   ->model()
                   ->index(row, EvaluationOutcomeModel::kMatch)
                   .data()
                   .toString(),
               QStringLiteral("no"));
    QTest::mouseClick(panel.onlyMismatchesBox(), Qt::LeftButton);
    QCOMPARE(panel.outcomesView()->model()->rowCount(), 3);
  }

  void aBadFileShowsWhichLine() {
    const QString bad = dir_.filePath(QStringLiteral("bad.jsonl"));
    std::ofstream(bad.toStdString()) << "{\"prompt\": \"a\", \"response\": \"b\"}\n"
                                     << "{\"prompt\": \"a\", \"response\": \n";
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.setDataFile(bad);
    QSignalSpy failed(&panel, &EvaluatePanel::failed);
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    QVERIFY(panel.evaluate());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 1);
    const QString message = failed.front().at(1).toString();
    QVERIFY2(message.contains(bad + QStringLiteral(": line 2")), qPrintable(message));
    QVERIFY(panel.lastError().contains(bad + QStringLiteral(": line 2")));
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("evaluateStatus"))->text().contains(message));

    // Nothing to evaluate says so before starting.
    panel.setDataFile({});
    QVERIFY(!panel.evaluate());
    QVERIFY(panel.lastError().contains(QStringLiteral("evaluation file")));
  }

  void mainWindowShowsThePanelAndTracksItsJob() {
    tunebench::ui::MainWindow window(uitest::builtinPlugins());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* panel = window.evaluatePanel();
    QSignalSpy runsRead(panel, &EvaluatePanel::runsRead);
    window.openProjectAt(project_);
    QTRY_VERIFY(runsRead.count() >= 1);
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentWidget(), static_cast<QWidget*>(panel));
    // The earlier evaluation of the run is listed.
    QTRY_VERIFY(!panel->historyIds().isEmpty());
    panel->setMaxNewTokens(kMaxNewTokens);
    panel->setExampleLimit(2);
    QSignalSpy finished(panel, &EvaluatePanel::evaluationFinished);
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
    QTRY_COMPARE(window.jobsArea()->runningCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(panel->lastResult().examples, int64_t(2));
    QTRY_COMPARE(window.jobsArea()->runningCount(), 0);
    QTRY_COMPARE(panel->historyIds().size(), 2);
    QCOMPARE(panel->historyIds().front(), panel->lastStoredEvaluation());
    QVERIFY(window.grab().save(screenshotPath(QStringLiteral("main-window-evaluate.png"))));

    // Closing the project empties the panel.
    window.closeProject();
    QTRY_VERIFY(!window.session()->isOpen());
    QCOMPARE(panel->historyTable()->rowCount(), 0);
    QCOMPARE(panel->targetBox()->count(), 1);
    QVERIFY(!panel->evaluateAction()->isEnabled());
  }

  // The evaluations offered are the registry's; a plugin's, chosen, runs, is shown and stored.
  void aPluginEvaluatorIsOfferedAndStored() {
    tunebench::PluginRegistry plugins;
    tunebench::builtin::registerBuiltinPlugins(plugins);
    plugins.addBuiltin("answer-length-fixture", registerAnswerLength);
    EvaluatePanel panel(plugins);
    QCOMPARE(panel.evaluatorBox()->count(), 7);
    QCOMPARE(panel.evaluatorBox()->itemData(0).toString(), QString());  // chosen by the model
    QCOMPARE(panel.evaluatorBox()->itemData(1).toString(), QStringLiteral("generation"));
    QCOMPARE(panel.evaluatorBox()->itemData(2).toString(), QStringLiteral("classifier"));
    QCOMPARE(panel.evaluatorBox()->itemData(3).toString(), QStringLiteral("benchmark"));
    QCOMPARE(panel.evaluatorBox()->itemData(4).toString(), QStringLiteral("perplexity"));
    QCOMPARE(panel.evaluatorBox()->itemData(5).toString(), QStringLiteral("safety"));
    QCOMPARE(panel.evaluatorBox()->itemText(6), QStringLiteral("Answer length (fixture)"));
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectRun(runId_);
    panel.setDataFile(data_);
    QVERIFY(panel.selectEvaluator(QStringLiteral("answer-length")));
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    QVERIFY(panel.evaluate());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QVERIFY2(panel.summaryText().contains(QStringLiteral("answers 6")),
             qPrintable(panel.summaryText()));
    QCOMPARE(panel.outcomes()->rowCount(), 6);
    QCOMPARE(panel.outcomes()->row(0).generated, QStringLiteral("1"));  // "5"
    QVERIFY(panel.lastStoredEvaluation() > 0);
    auto db = store::ProjectStore::open(project_.toStdString());
    const auto metrics = store::EvaluationRepository(db).metrics(panel.lastStoredEvaluation());
    QCOMPARE(metrics.size(), size_t(1));
    QCOMPARE(metrics[0].first, std::string("answers"));
    QCOMPARE(metrics[0].second, 6.0);
  }

  // Results belong to what was evaluated: choosing another run (or another model folder) clears
  // the stored evaluation shown for the first run, so no run's figures stand beside another's
  // history.
  void switchingTheTargetClearsTheResultsShown() {
    qint64 secondRun = 0;
    {
      auto db = store::ProjectStore::open(project_.toStdString());
      store::RunRepository runs(db);
      store::NewRun run(std::string("second run"));
      run.config = nlohmann::json{{"model", model_.toStdString()},
                                  {"output", "checkpoints/run-2"},
                                  {"data", {{"train", "train.jsonl"}}}}
                       .dump();
      secondRun = runs.create(run);
      runs.setStatus(secondRun, store::RunStatus::Completed);
      store::EvaluationRepository evaluations(db);
      const auto id = evaluations.create(runId_, std::nullopt, "stored for the first run");
      evaluations.setMetric(id, "exact_match", 0.5);
      evaluations.setMetric(id, "perplexity", 12.0);
      evaluations.addItems(
          id,
          {{0, tunebench::renderInstructionPrompt("Name a bird.", tunebench::PromptPreset::Alpaca),
            "owl", "owl", 1.0},
           {1, "Hello", "world", "there", 0.0}});
    }
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectRun(runId_);
    QTRY_VERIFY(panel.historyTable()->rowCount() >= 1);
    // Every figure is readable in the list: one a line, the row as tall as they are.
    const auto* metrics = panel.historyTable()->item(0, 2);
    QVERIFY2(metrics->text().contains(QStringLiteral("exact match")) &&
                 metrics->text().contains(QStringLiteral("\n")),
             qPrintable(metrics->text()));
    QVERIFY(panel.historyTable()->rowHeight(0) >= 2 * panel.historyTable()->fontMetrics().height());
    QSignalSpy itemsShown(&panel, &EvaluatePanel::storedItemsShown);
    panel.historyTable()->selectRow(0);
    QTRY_COMPARE(itemsShown.count(), 1);
    QCOMPARE(panel.shown(), EvaluatePanel::Shown::StoredEvaluation);
    QVERIFY(panel.outcomes()->rowCount() > 0);
    // A templated prompt shows what was asked; its tooltip keeps the whole prompt.
    const auto promptCell = panel.outcomes()->index(0, EvaluationOutcomeModel::kPrompt);
    QCOMPARE(promptCell.data(Qt::DisplayRole).toString(), QStringLiteral("Name a bird."));
    QVERIFY(promptCell.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Below is")));

    // The user picks the second run in the selector.
    auto* target = panel.targetBox();
    target->setCurrentIndex(target->findData(QVariant::fromValue<qint64>(secondRun)));
    QCOMPARE(panel.selectedRun(), secondRun);
    QCOMPARE(panel.shown(), EvaluatePanel::Shown::Nothing);
    QCOMPARE(panel.outcomes()->rowCount(), 0);
    QVERIFY2(panel.summaryText().isEmpty(), qPrintable(panel.summaryText()));
    QTRY_VERIFY(panel.findChild<QLabel*>(QStringLiteral("evaluationHistoryNote"))
                    ->text()
                    .contains(QStringLiteral("No evaluations")));

    // Back to the first run: its evaluation can be shown again; another model folder clears it.
    panel.selectRun(runId_);
    QTRY_VERIFY(panel.historyTable()->rowCount() >= 1);
    panel.historyTable()->clearSelection();
    panel.historyTable()->selectRow(0);
    QTRY_COMPARE(itemsShown.count(), 2);
    QVERIFY(panel.outcomes()->rowCount() > 0);
    panel.selectOtherModel(model_);
    QCOMPARE(panel.shown(), EvaluatePanel::Shown::Nothing);
    QCOMPARE(panel.outcomes()->rowCount(), 0);
  }

  // One of the project's own models, evaluated without an adapter, is stored as that model's
  // evaluation (the base model Monitor shows beside its versions), with the evaluation's identity.
  void aProjectModelsEvaluationIsStoredAsTheModels() {
    QTemporaryDir dir;
    const QString projectFile = dir.filePath(QStringLiteral("models.tbproj"));
    int64_t modelId = 0;
    {
      auto project = store::ProjectStore::create(projectFile.toStdString());
      modelId = store::ModelRepository(project).add("tiny", model_.toStdString(),
                                                    "LlamaForCausalLM", "00");
    }
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(projectFile, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectOtherModel(model_);
    panel.dataFileEdit()->clear();
    QTest::keyClicks(panel.dataFileEdit(), data_);
    panel.setMaxNewTokens(kMaxNewTokens);
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    QVERIFY(panel.evaluate());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QVERIFY(panel.lastStoredEvaluation() > 0);
    QVERIFY2(panel.statusText().contains(QStringLiteral("Stored as the project model's")),
             qPrintable(panel.statusText()));
    auto project = store::ProjectStore::open(projectFile.toStdString());
    const auto stored = store::EvaluationRepository(project).ofModels();
    QCOMPARE(stored.size(), size_t(1));
    QCOMPARE(stored[0].modelId, std::optional<int64_t>(modelId));
    QCOMPARE(stored[0].evaluator, std::string("generation"));
    QCOMPARE(stored[0].dataSha256, tunebench::sha256OfFile(data_.toStdString()));
  }

  // A multiple-choice file with the user's own field names: the column fields are offered for
  // that task only, reach the evaluator and are recorded with the evaluation; choosing GSM8K
  // proposes its harness default of 5 few-shot examples.
  void aMultipleChoiceFileWithItsOwnColumns() {
    const QString file = dir_.filePath(QStringLiteral("own-columns.jsonl"));
    {
      std::ofstream out(file.toStdString());
      out << R"({"q": "2 + 2 =", "opts": ["3", "4", "5"], "gold": 1})"
          << "\n"
          << R"({"q": "The sky is", "opts": ["blue", "green"], "gold": "blue"})"
          << "\n"
          << R"({"q": "Cats say", "opts": ["woof", "meow"], "gold": "B"})"
          << "\n";
    }
    EvaluatePanel panel(uitest::builtinPlugins());
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectRun(runId_);
    auto* task = panel.benchmarkTaskBox();
    auto* question = panel.findChild<QLineEdit*>(QStringLiteral("evaluateQuestionField"));
    QVERIFY(question && !question->isEnabled());
    task->setCurrentIndex(task->findData(QStringLiteral("gsm8k")));
    QCOMPARE(panel.fewShotBox()->value(), 5);
    task->setCurrentIndex(task->findData(QStringLiteral("multiple_choice")));
    QCOMPARE(panel.fewShotBox()->value(), 0);
    QVERIFY(question->isEnabled());
    uitest::retype(question, QStringLiteral("q"));
    uitest::retype(panel.findChild<QLineEdit*>(QStringLiteral("evaluateChoicesField")),
                   QStringLiteral("opts"));
    uitest::retype(panel.findChild<QLineEdit*>(QStringLiteral("evaluateAnswerField")),
                   QStringLiteral("gold"));
    panel.setDataFile(file);
    QVERIFY(panel.selectEvaluator(QStringLiteral("benchmark")));
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    QVERIFY(panel.evaluate());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QVERIFY(panel.lastStoredEvaluation() > 0);
    auto db = store::ProjectStore::open(project_.toStdString());
    const auto stored = store::EvaluationRepository(db).forRun(runId_);
    const auto& record = stored.back();
    QCOMPARE(record.evaluator, std::string("benchmark"));
    QVERIFY2(nlohmann::json::parse(record.settings)["columns"] ==
                 nlohmann::json::parse(R"(["q", "opts", "gold"])"),
             record.settings.c_str());
    const auto items = store::EvaluationRepository(db).items(record.id, 0, 10);
    QCOMPARE(items.size(), size_t(3));
    QCOMPARE(items[1].expected, std::string("blue"));
    QCOMPARE(items[2].expected, std::string("meow"));
  }

  // The Base vs fine-tuned tab runs a suite on the run's base model and then its final model, in
  // one job the jobs area tracks; both results are stored and compared. The final model is a
  // copy of the base, so the scores agree and nothing is flagged.
  void aSuiteRunsOnTheBaseModelAndTheRun() {
    QTemporaryDir dir;
    const QString projectFile = dir.filePath(QStringLiteral("suite.tbproj"));
    qint64 runId = 0;
    {
      auto project = store::ProjectStore::create(projectFile.toStdString());
      const int64_t modelId = store::ModelRepository(project).add("tiny", model_.toStdString(),
                                                                  "LlamaForCausalLM", "00");
      store::NewRun run(std::string("tuned"));
      run.modelId = modelId;
      run.config =
          nlohmann::json{{"model", model_.toStdString()}, {"output", runOutput_.toStdString()}}
              .dump();
      runId = store::RunRepository(project).create(run);
    }
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.resize(1280, 900);
    panel.show();
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(projectFile, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectRun(runId);
    auto* view = panel.benchmarks();
    panel.tabs()->setCurrentWidget(view);
    QCOMPARE(view->run(), runId);
    QVERIFY(!view->runSuiteButton()->isEnabled());  // no task yet
    tunebench::SuiteTask task = tunebench::suiteTaskFromSpec("mmlu=" TUNEBENCH_SOURCE_DIR
                                                             "/tests/fixtures/parquet/mmlu.jsonl");
    task.settings["limit"] = 3;
    view->suiteEditor()->addTask(task);
    QVERIFY(view->runSuiteButton()->isEnabled());
    QSignalSpy started(&panel, &EvaluatePanel::jobStarted);
    QSignalSpy finished(view, &tunebench::ui::BenchmarkComparisonView::suiteFinished);
    QSignalSpy compared(view, &tunebench::ui::BenchmarkComparisonView::comparisonRead);
    view->runSuiteButton()->click();
    QCOMPARE(started.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(view->suiteStatusLabel()->text().contains(QStringLiteral("2 evaluation(s) stored")),
             qPrintable(view->suiteStatusLabel()->text()));
    QTRY_VERIFY(compared.count() >= 1 && !view->comparison().scores.empty());
    const auto& scores = view->comparison().scores;
    QCOMPARE(scores.front().metric, std::string("acc"));
    QCOMPARE(scores.front().base, scores.front().tuned);
    QVERIFY(!view->forgets());
    auto project = store::ProjectStore::open(projectFile.toStdString());
    store::EvaluationRepository evaluations(project);
    QCOMPARE(evaluations.ofModels().size(), size_t(1));
    QCOMPARE(evaluations.forRun(runId).size(), size_t(1));
    view->grab().save(uitest::screenshotPath(QStringLiteral("benchmark_suite.png")));
  }
};

QTEST_MAIN(EvaluatePanelTest)
#include "tst_evaluate_panel.moc"
