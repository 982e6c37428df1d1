// The Evaluate panel with a sequence classifier, driven through its widgets: a classification
// run whose final model is a tiny random classifier; the fields come from the run's config; the
// figures, per-class table and confusion matrix shown equal a direct evaluation; the
// wrong-predictions filter; the evaluation stored with the run, listed and shown again from the
// project; a label the classifier does not have is reported with its file and line.
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "BuiltinPluginsForTests.h"
#include "UiTestSupport.h"
#include "eval/ClassificationOutcomeModel.h"
#include "eval/ClassificationResultsView.h"
#include "eval/ClassifierEvaluation.h"
#include "eval/EvaluatePanel.h"
#include "eval/MismatchFilterModel.h"
#include "jobs/JobRunner.h"
#include "model/ModelFactory.h"
#include "store/EvaluationRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"

using tunebench::ui::EvaluatePanel;
namespace store = tunebench::store;
namespace fs = std::filesystem;

namespace {

constexpr int kTimeoutMs = 180000;

void clickEvaluate(EvaluatePanel& panel) {
  auto* button = uitest::buttonOf(&panel, panel.evaluateAction());
  QVERIFY(button);
  QVERIFY(button->isEnabled());
  QTest::mouseClick(button, Qt::LeftButton);
}

// The shown confusion matrix, per-class table and examples against a result.
void compareShown(const EvaluatePanel& panel, const tunebench::ClassifierEvaluationResult& direct) {
  auto* view = panel.classificationView();
  const int classes = static_cast<int>(direct.labels.size());
  auto* confusion = view->confusionTable();
  QCOMPARE(confusion->rowCount(), classes);
  QCOMPARE(confusion->columnCount(), classes);
  for (int actual = 0; actual < classes; ++actual) {
    QCOMPARE(confusion->verticalHeaderItem(actual)->text(),
             QString::fromStdString(direct.labels[size_t(actual)]));
    for (int predicted = 0; predicted < classes; ++predicted)
      QCOMPARE(confusion->item(actual, predicted)->text().toLongLong(),
               direct.confusion[size_t(actual)][size_t(predicted)]);
  }
  auto* perClass = view->classTable();
  for (int c = 0; c < classes; ++c) {
    QCOMPARE(perClass->item(c, 3)->text(),
             QString::number(direct.metrics.perClass[size_t(c)].f1, 'f', 4));
    QCOMPARE(perClass->item(c, 4)->text().toLongLong(), direct.metrics.perClass[size_t(c)].support);
  }
  auto* examples = view->examples();
  QCOMPARE(examples->rowCount(), static_cast<int>(direct.outcomes.size()));
  for (int row = 0; row < examples->rowCount(); ++row) {
    QCOMPARE(examples->outcome(row).predicted, direct.outcomes[size_t(row)].predicted);
    QCOMPARE(examples->outcome(row).line, direct.outcomes[size_t(row)].line);
  }
  QVERIFY2(view->figuresText().contains(
               QStringLiteral("macro-F1 %1").arg(direct.metrics.macroF1, 0, 'f', 4)),
           qPrintable(view->figuresText()));
  QVERIFY2(view->figuresText().contains(
               QStringLiteral("accuracy %1%").arg(100.0 * direct.metrics.accuracy, 0, 'f', 1)),
           qPrintable(view->figuresText()));
}

}  // namespace

class EvaluateClassifierPanelTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString base_, runOutput_, data_, project_;
  qint64 runId_ = 0;

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_evaluate_classifier_panel"));
    QSettings().clear();
    qRegisterMetaType<tunebench::ui::JobRunner*>();
    QVERIFY(dir_.isValid());
    base_ = dir_.filePath(QStringLiteral("base"));
    tunebench::makeRandomModel({"llama", "tiny", base_.toStdString(), 7});
    // The run's final model: a classifier over three moods.
    runOutput_ = dir_.filePath(QStringLiteral("runs/mood"));
    tunebench::MakeModelOptions classifier{
        "llama", "tiny", (runOutput_ + QStringLiteral("/final")).toStdString(), 9};
    classifier.classLabels = {"calm", "rough", "windy"};
    tunebench::makeRandomModel(classifier);
    data_ = dir_.filePath(QStringLiteral("moods.jsonl"));
    {
      std::ofstream out(data_.toStdString());
      const char* texts[] = {"flat water", "high waves",  "gusts",          "a still bay",
                             "breakers",   "a gale",      "glassy sea",     "white caps",
                             "a breeze",   "mirror calm", "surf and spray", "a squall"};
      const char* moods[] = {"calm", "rough", "windy"};
      for (int i = 0; i < 12; ++i)
        out << nlohmann::json{{"sentence", texts[i]}, {"mood", moods[i % 3]}}.dump() << "\n";
    }
    project_ = dir_.filePath(QStringLiteral("classify.tbproj"));
    auto project = store::ProjectStore::create(project_.toStdString());
    store::RunRepository runs(project);
    store::NewRun run(std::string("mood classifier"));
    run.config = nlohmann::json{
        {"model", base_.toStdString()},
        {"output", "runs/mood"},
        {"objective", "classification"},
        {"data",
         {{"train", "train.jsonl"},
          {"validation", data_.toStdString()},
          {"text_field", "sentence"},
          {"label_field", "mood"},
          {"max_length",
           12}}}}.dump();
    runId_ = runs.create(run);
    runs.setStatus(runId_, store::RunStatus::Completed);
  }

  void evaluatesAClassifierRunAndStoresIt() {
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.resize(1280, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    QCOMPARE(panel.selectedRun(), runId_);
    QCOMPARE(panel.dataFileEdit()->text(), data_);
    // The classifier's fields and max length are the run's.
    QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("evaluateTextField"))->text(),
             QStringLiteral("sentence"));
    QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("evaluateLabelField"))->text(),
             QStringLiteral("mood"));
    QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("evaluateMaxLength"))->value(), 12);

    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    clickEvaluate(panel);
    QVERIFY(panel.isEvaluating());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QVERIFY(panel.showsClassifier());
    QVERIFY(panel.classificationView()->isVisible());
    QVERIFY(!panel.outcomesView()->isVisible());

    tunebench::ClassifierEvaluationOptions options;
    options.textField = "sentence";
    options.labelField = "mood";
    options.maxLength = 12;
    const auto direct = tunebench::evaluateClassifier(
        {(runOutput_ + QStringLiteral("/final")).toStdString(), {}, {}}, data_.toStdString(),
        options);
    const auto& shown = panel.lastClassifierResult();
    QCOMPARE(shown.metrics.examples, int64_t(12));
    QCOMPARE(shown.metrics.accuracy, direct.metrics.accuracy);
    QCOMPARE(shown.metrics.macroF1, direct.metrics.macroF1);
    QCOMPARE(shown.confusion, direct.confusion);
    compareShown(panel, direct);
    QVERIFY2(panel.summaryText().contains(QStringLiteral("sequence classifier")),
             qPrintable(panel.summaryText()));

    // Only the wrong predictions.
    int64_t wrong = 0;
    for (const auto& outcome : direct.outcomes) wrong += outcome.correct ? 0 : 1;
    auto* view = panel.classificationView();
    QTest::mouseClick(view->onlyMistakesBox(), Qt::LeftButton, {},
                      QPoint(8, view->onlyMistakesBox()->height() / 2));
    QVERIFY(view->onlyMistakesBox()->isChecked());
    QCOMPARE(view->examplesView()->model()->rowCount(), static_cast<int>(wrong));
    for (int row = 0; row < view->examplesView()->model()->rowCount(); ++row)
      QCOMPARE(view->examplesView()
                   ->model()
                   ->index(row, tunebench::ui::ClassificationOutcomeModel::kCorrect)
                   .data()
                   .toString(),
               QStringLiteral("no"));
    QVERIFY(panel.grab().save(uitest::screenshotPath(QStringLiteral("evaluate_classifier.png"))));
    view->onlyMistakesBox()->setChecked(false);

    // Stored with the run, listed with its accuracy, and shown again from the project.
    QVERIFY(panel.lastStoredEvaluation() > 0);
    QTRY_COMPARE(panel.historyIds(), QList<qint64>{panel.lastStoredEvaluation()});
    auto* history = panel.historyTable();
    QVERIFY2(history->item(0, 2)->text().contains(QStringLiteral("accuracy")) &&
                 history->item(0, 2)->text().contains(QStringLiteral("macro-F1")),
             qPrintable(history->item(0, 2)->text()));
    QSignalSpy itemsShown(&panel, &EvaluatePanel::storedItemsShown);
    history->setFocus();
    history->selectRow(0);
    QTRY_COMPARE(itemsShown.count(), 1);
    QCOMPARE(panel.shown(), EvaluatePanel::Shown::StoredEvaluation);
    QVERIFY(panel.showsClassifier());
    compareShown(panel, direct);
    QVERIFY2(panel.summaryText().contains(QStringLiteral("Stored evaluation")),
             qPrintable(panel.summaryText()));
  }

  void aLabelTheClassifierLacksIsReported() {
    const QString bad = dir_.filePath(QStringLiteral("foggy.jsonl"));
    std::ofstream(bad.toStdString()) << R"({"sentence": "flat", "mood": "calm"})"
                                        "\n"
                                        R"({"sentence": "grey", "mood": "foggy"})"
                                        "\n";
    EvaluatePanel panel(uitest::builtinPlugins());
    panel.show();
    QSignalSpy runsRead(&panel, &EvaluatePanel::runsRead);
    panel.setProject(project_, false);
    QTRY_VERIFY(runsRead.count() >= 1);
    panel.selectOtherModel(runOutput_ + QStringLiteral("/final"));
    panel.setDataFile(bad);
    panel.setClassifierFields(QStringLiteral("sentence"), QStringLiteral("mood"));
    QSignalSpy failed(&panel, &EvaluatePanel::failed);
    QSignalSpy finished(&panel, &EvaluatePanel::evaluationFinished);
    clickEvaluate(panel);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 1);
    QVERIFY2(panel.lastError().contains(QStringLiteral("foggy.jsonl: line 2")) &&
                 panel.lastError().contains(QStringLiteral("\"foggy\"")),
             qPrintable(panel.lastError()));
  }
};

QTEST_MAIN(EvaluateClassifierPanelTest)
#include "tst_evaluate_classifier_panel.moc"
