// The cleaning recipe editor driven through its widgets on a project with a small classification
// dataset imported through the core: steps added from the menu, reordered with Ctrl+Up, switched
// off with Space, removed with Delete; the per-step counts of the preview against the core's
// recipe run directly on the same rows; the before/after sample of a changed row; a setting the
// core rejects and its message; recipe files saved and opened; Apply storing the next version.
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <algorithm>

#include "DataWidgetTestSupport.h"
#include "data/CleaningRecipe.h"
#include "data/CleaningRecipeEditor.h"
#include "data/CleaningRecipeModel.h"
#include "data/StepSettingsForm.h"
#include "data/TextDiff.h"
#include "jobs/JobRunner.h"
#include "model/ModelFactory.h"
#include "train/TrainingData.h"

using tunebench::ui::CleaningRecipeEditor;
using tunebench::ui::CleaningRecipeModel;

namespace {

constexpr int kTimeoutMs = 60000;

// 30 messages: irregular spacing in some, an e-mail address in every third; the last six repeat
// six of those with another address and regular spacing, so they become exact duplicates only
// once the addresses are redacted.
std::string messagesJsonl() {
  std::string text;
  auto message = [](int n, const std::string& address, bool irregular) {
    std::string m = std::string("message") + (irregular && n % 2 == 0 ? "   " : " ") + "number " +
                    std::to_string(n) + " about things";
    if (!address.empty()) m += " mail " + address;
    if (irregular && n % 5 == 0) m += "  ";
    return m;
  };
  for (int i = 0; i < 30; ++i) {
    const int n = i < 24 ? i : (i - 24) * 3;
    const bool original = i < 24;
    std::string address;
    if (n % 3 == 0)
      address = original ? "user" + std::to_string(n) + "@example.com"
                         : "other" + std::to_string(n) + "@test.org";
    text += nlohmann::json{{"text", message(n, address, original)},
                           {"label", n % 4 == 0 ? "spam" : "ham"}}
                .dump() +
            "\n";
  }
  return text;
}

// The reports the core's recipe gives on the same rows, one per enabled step.
std::vector<tunebench::StepReport> directReports(const nlohmann::json& recipe,
                                                 const tunebench::Dataset& rows,
                                                 size_t* keptRows = nullptr) {
  const auto built = tunebench::CleaningRecipe::fromJson(recipe);
  tunebench::BasicJobContext context;
  auto result = built.apply(rows, context);
  if (keptRows) *keptRows = result.dataset.examples.size();
  return result.reports;
}

// Every enabled step's counts in the editor equal the core's.
void compareWithCore(const CleaningRecipeEditor& editor, const tunebench::Dataset& rows) {
  auto* model = editor.model();
  const auto reports = directReports(model->toJson(), rows);
  size_t next = 0;
  for (int row = 0; row < model->rowCount(); ++row) {
    const QModelIndex index = model->index(row);
    if (!model->step(row).enabled) {
      QVERIFY(!index.data(CleaningRecipeModel::HasReportRole).toBool());
      continue;
    }
    QVERIFY2(index.data(CleaningRecipeModel::HasReportRole).toBool(),
             qPrintable(index.data().toString()));
    QVERIFY(next < reports.size());
    const auto& expected = reports[next++];
    QCOMPARE(model->step(row).id.toStdString(), expected.stepId);
    QCOMPARE(index.data(CleaningRecipeModel::BeforeRole).toLongLong(), qint64(expected.before));
    QCOMPARE(index.data(CleaningRecipeModel::KeptRole).toLongLong(), qint64(expected.kept));
    QCOMPARE(index.data(CleaningRecipeModel::RemovedRole).toLongLong(), qint64(expected.removed));
    QCOMPARE(index.data(CleaningRecipeModel::ChangedRole).toLongLong(), qint64(expected.changed));
    QVERIFY(index.data().toString().contains(QStringLiteral("%1 kept").arg(expected.kept)));
  }
  QCOMPARE(next, reports.size());
}

void waitForPreview(CleaningRecipeEditor& editor) {
  QTRY_VERIFY_WITH_TIMEOUT(!editor.isPreviewPending(), kTimeoutMs);
}

QStringList stepIds(const CleaningRecipeModel& model) {
  QStringList ids;
  for (const auto& step : model.steps()) ids.append(step.id);
  return ids;
}

void addFromMenu(CleaningRecipeEditor& editor, const QString& id) {
  for (auto* action : editor.addStepMenu()->actions()) {
    if (action->data().toString() == id) {
      action->trigger();
      return;
    }
  }
  QFAIL(qPrintable(QStringLiteral("no menu entry for ") + id));
}

}  // namespace

class CleaningRecipeEditorTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString project_;
  qint64 datasetId_ = 0;
  tunebench::Dataset rows_;

 private slots:
  void initTestCase() {
    qRegisterMetaType<tunebench::ui::JobRunner*>();
    QVERIFY(dir_.isValid());
    project_ = dir_.filePath(QStringLiteral("clean.tbproj"));
    datasetId_ = datawidgets::makeProject(dir_, project_, messagesJsonl());
    QVERIFY(datasetId_ > 0);
    rows_ = datawidgets::loadRows(project_, datasetId_, 1);
    QCOMPARE(rows_.examples.size(), size_t(30));
  }

  void wordDiffMarksTheChangedWords() {
    using tunebench::ui::DiffPiece;
    const auto pieces = tunebench::ui::diffWords(QStringLiteral("write to a@b.com  today"),
                                                 QStringLiteral("write to [EMAIL] today"));
    QString removed, added, same;
    for (const auto& p : pieces) {
      if (p.kind == DiffPiece::Kind::Removed) removed += p.text;
      if (p.kind == DiffPiece::Kind::Added) added += p.text;
      if (p.kind == DiffPiece::Kind::Same) same += p.text;
    }
    QCOMPARE(removed, QStringLiteral("a@b.com  "));
    QCOMPARE(added, QStringLiteral("[EMAIL] "));
    QCOMPARE(same, QStringLiteral("write to today"));
    const QString after = tunebench::ui::diffAfterHtml(pieces);
    QVERIFY2(after.contains(QStringLiteral("<span")) && after.contains(QStringLiteral("[EMAIL]")),
             qPrintable(after));
    QVERIFY(!after.contains(QStringLiteral("a@b.com")));
    QVERIFY(tunebench::ui::diffBeforeHtml(pieces).contains(QStringLiteral("a@b.com")));
  }

  void editsPreviewsAndApplies() {
    CleaningRecipeEditor editor;
    editor.resize(1200, 760);
    editor.show();
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    QSignalSpy loaded(&editor, &CleaningRecipeEditor::datasetLoaded);
    editor.setProject(project_, false);
    editor.setDataset(datasetId_, 1);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QCOMPARE(editor.loadedVersion().data->examples.size(), size_t(30));
    QVERIFY(!editor.applyAction()->isEnabled());  // nothing to apply yet

    // Every step kind of the core is in the menu.
    QCOMPARE(editor.addStepMenu()->actions().size(), int(tunebench::cleaningStepIds().size()));
    for (const QString id : {"whitespace", "exact-dedup", "pii", "drop-empty"})
      addFromMenu(editor, id);
    auto* model = editor.model();
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "exact-dedup", "pii", "drop-empty"}));
    QCOMPARE(editor.currentRow(), 3);
    waitForPreview(editor);
    compareWithCore(editor, rows_);
    // Deduplication before redaction finds nothing: the copies differ by their addresses.
    QCOMPARE(model->index(1).data(CleaningRecipeModel::RemovedRole).toLongLong(), qint64(0));

    // Ctrl+Up moves the redaction before the deduplication, which now finds the six copies.
    auto* list = editor.stepList();
    list->setFocus();
    editor.setCurrentRow(2);
    QTest::keyClick(list, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "pii", "exact-dedup", "drop-empty"}));
    QCOMPARE(editor.currentRow(), 1);
    waitForPreview(editor);
    compareWithCore(editor, rows_);
    QCOMPARE(model->index(2).data(CleaningRecipeModel::RemovedRole).toLongLong(), qint64(6));
    // Ctrl+Down and back.
    QTest::keyClick(list, Qt::Key_Down, Qt::ControlModifier);
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "exact-dedup", "pii", "drop-empty"}));
    QTest::keyClick(list, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "pii", "exact-dedup", "drop-empty"}));
    // A drag within the list moves through the same model call.
    QVERIFY(model->moveRows({}, 3, 1, {}, 0));
    QCOMPARE(stepIds(*model), (QStringList{"drop-empty", "whitespace", "pii", "exact-dedup"}));
    QVERIFY(model->moveRows({}, 0, 1, {}, 4));
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "pii", "exact-dedup", "drop-empty"}));

    // Space switches the selected step off.
    editor.setCurrentRow(0);
    QTest::keyClick(list, Qt::Key_Space);
    QVERIFY(!model->step(0).enabled);
    waitForPreview(editor);
    compareWithCore(editor, rows_);
    QVERIFY(model->index(0).data().toString().contains(QStringLiteral("off")));
    QTest::keyClick(list, Qt::Key_Space);
    QVERIFY(model->step(0).enabled);

    // Delete removes the selected step.
    editor.setCurrentRow(3);
    QTest::keyClick(list, Qt::Key_Delete);
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "pii", "exact-dedup"}));
    waitForPreview(editor);
    compareWithCore(editor, rows_);
    QCOMPARE(model->index(0).data(CleaningRecipeModel::ChangedRole).toLongLong() > 0, true);

    // The redaction's sample shows a changed row with the address replaced and marked.
    editor.setCurrentRow(1);
    const QString plain = editor.sampleView()->toPlainText();
    QVERIFY2(plain.contains(QStringLiteral("[EMAIL]")) &&
                 plain.contains(QStringLiteral("user0@example.com")),
             qPrintable(plain));
    QVERIFY2(editor.sampleView()->toHtml().contains(QStringLiteral("#c4ecc4")),
             qPrintable(editor.sampleView()->toHtml()));
    QVERIFY(editor.settingsForm()->editorFor(QStringLiteral("kinds")));
    QTest::qWait(100);  // the rebuilt settings form is laid out before the picture
    QVERIFY(editor.grab().save(datawidgets::screenshotPath(QStringLiteral("data-clean.png"))));

    // A setting the core rejects: its message under the form, Apply off until it is fixed.
    addFromMenu(editor, QStringLiteral("regex-filter"));
    waitForPreview(editor);
    QVERIFY2(editor.settingsForm()->problem().contains(QStringLiteral("pattern")),
             qPrintable(editor.settingsForm()->problem()));
    QVERIFY(!editor.applyAction()->isEnabled());
    auto* pattern = qobject_cast<QLineEdit*>(editor.settingsForm()->editorFor("pattern"));
    QVERIFY(pattern);
    QTest::keyClicks(pattern, QStringLiteral("number 1("));  // unbalanced: RE2 refuses it
    waitForPreview(editor);
    QVERIFY2(editor.settingsForm()->problem().contains(QStringLiteral("number 1(")),
             qPrintable(editor.settingsForm()->problem()));
    QTest::keyClick(pattern, Qt::Key_Backspace);
    waitForPreview(editor);
    QVERIFY2(editor.settingsForm()->problem().isEmpty(),
             qPrintable(editor.settingsForm()->problem()));
    compareWithCore(editor, rows_);
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Delete);
    QCOMPARE(stepIds(*model), (QStringList{"whitespace", "pii", "exact-dedup"}));

    // Saved as the JSON `data clean --recipe` reads, and opened again.
    const QString recipeFile = dir_.filePath(QStringLiteral("recipe.json"));
    QVERIFY(editor.saveRecipe(recipeFile));
    {
      QFile file(recipeFile);
      QVERIFY(file.open(QIODevice::ReadOnly));
      const auto json = nlohmann::json::parse(file.readAll().toStdString());
      QCOMPARE(tunebench::CleaningRecipe::fromJson(json).toJson(),
               tunebench::CleaningRecipe::fromJson(model->toJson()).toJson());
    }
    CleaningRecipeEditor reopened;
    QVERIFY(reopened.openRecipe(recipeFile));
    QCOMPARE(reopened.model()->toJson(), model->toJson());
    const QString broken = dir_.filePath(QStringLiteral("broken.json"));
    {
      QFile file(broken);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"steps\": [{\"id\": \"whitespace\"}, {\"id\": \"shout\"}]}");
    }
    QVERIFY(!reopened.openRecipe(broken));
    QVERIFY2(reopened.statusText().contains(QStringLiteral("broken.json")) &&
                 reopened.statusText().contains(QStringLiteral("step 2")),
             qPrintable(reopened.statusText()));
    QCOMPARE(reopened.model()->rowCount(), 3);  // left as it was

    // Apply stores version 2 with the rows the core's recipe keeps.
    size_t expectedRows = 0;
    directReports(model->toJson(), rows_, &expectedRows);
    QCOMPARE(expectedRows, size_t(24));
    waitForPreview(editor);
    QVERIFY(editor.applyAction()->isEnabled());
    QSignalSpy stored(&editor, &CleaningRecipeEditor::versionStored);
    QSignalSpy started(&editor, &CleaningRecipeEditor::jobStarted);
    auto* applyButton = editor.findChild<QPushButton*>(QStringLiteral("applyRecipeButton"));
    QVERIFY(applyButton && applyButton->isEnabled());
    QTest::mouseClick(applyButton, Qt::LeftButton);
    QCOMPARE(started.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, kTimeoutMs);
    QCOMPARE(stored.at(0).at(0).toLongLong(), datasetId_);
    QCOMPARE(stored.at(0).at(1).toInt(), 2);
    QVERIFY2(editor.statusText().contains(QStringLiteral("version 2")),
             qPrintable(editor.statusText()));
    const auto cleaned = datawidgets::loadRows(project_, datasetId_, 2);
    QCOMPARE(cleaned.examples.size(), expectedRows);
    for (const auto& example : cleaned.examples) {
      QVERIFY(example.text.find("@") == std::string::npos);
      QVERIFY(example.text.find("  ") == std::string::npos);
    }
    {
      tunebench::store::OpenOptions options;
      options.readOnly = true;
      auto store = tunebench::store::ProjectStore::open(project_.toStdString(), options);
      tunebench::store::DatasetRepository repository(store);
      const auto version = repository.findVersionByNumber(datasetId_, 2);
      QVERIFY(version);
      QStringList operations;
      for (const auto& step : repository.recipe(version->id))
        operations.append(QString::fromStdString(step.operation));
      QCOMPARE(operations, (QStringList{"whitespace", "pii", "exact-dedup"}));
    }

    // Ctrl+Return applies again (version 3); a read-only project cannot.
    QSignalSpy storedAgain(&editor, &CleaningRecipeEditor::versionStored);
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(storedAgain.count(), 1, kTimeoutMs);
    QCOMPARE(storedAgain.at(0).at(1).toInt(), 3);
    editor.setProject(project_, true);
    QVERIFY(!editor.applyAction()->isEnabled());
    QVERIFY(!editor.apply());
    QVERIFY(editor.statusText().contains(QStringLiteral("read-only")));
  }

  // A length filter in tokens needs the model: without one the core's message says so; with a
  // model folder the counts equal the core's filter counting with the same tokenizer.
  void tokenLengthFilterUsesTheModel() {
    const QString modelFolder = dir_.filePath(QStringLiteral("model"));
    tunebench::makeRandomModel({"llama", "tiny", modelFolder.toStdString(), 3});
    const auto encoder = tunebench::encoderForModelFolder(modelFolder.toStdString());
    // The median length in tokens as the maximum: about half the rows go.
    std::vector<size_t> lengths;
    for (const auto& example : rows_.examples)
      lengths.push_back(encoder.encode(tunebench::joinedText(example, rows_.kind)).size());
    std::sort(lengths.begin(), lengths.end());
    const size_t median = lengths[lengths.size() / 2];

    CleaningRecipeEditor editor;
    QSignalSpy loaded(&editor, &CleaningRecipeEditor::datasetLoaded);
    editor.setProject(project_, false);
    editor.setDataset(datasetId_, 1);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    editor.addStep(QStringLiteral("length"));
    auto* unit = qobject_cast<QComboBox*>(editor.settingsForm()->editorFor("unit"));
    QVERIFY(unit);
    unit->setCurrentText(QStringLiteral("tokens"));
    auto* max = qobject_cast<QLineEdit*>(editor.settingsForm()->editorFor("max"));
    QVERIFY(max);
    max->clear();
    QTest::keyClicks(max, QString::number(median));
    waitForPreview(editor);
    QVERIFY2(editor.settingsForm()->problem().contains(QStringLiteral("needs a model")),
             qPrintable(editor.settingsForm()->problem()));
    QVERIFY(!editor.applyAction()->isEnabled());

    editor.setModelFolder(modelFolder);
    waitForPreview(editor);
    QVERIFY2(editor.settingsForm()->problem().isEmpty(),
             qPrintable(editor.settingsForm()->problem()));
    tunebench::StepServices services;
    services.countTokens = [&](std::string_view text) {
      return encoder.encode(std::string(text)).size();
    };
    const auto recipe = tunebench::CleaningRecipe::fromJson(editor.model()->toJson(), services);
    tunebench::BasicJobContext context;
    const auto direct = recipe.apply(rows_, context);
    QCOMPARE(direct.reports.size(), size_t(1));
    QVERIFY(direct.reports[0].removed > 0 && direct.reports[0].kept > 0);
    const QModelIndex row = editor.model()->index(0);
    QCOMPARE(row.data(CleaningRecipeModel::KeptRole).toLongLong(), qint64(direct.reports[0].kept));
    QCOMPARE(row.data(CleaningRecipeModel::RemovedRole).toLongLong(),
             qint64(direct.reports[0].removed));
    QVERIFY(editor.applyAction()->isEnabled());
  }

  void newestVersionAndMissingDataset() {
    CleaningRecipeEditor editor;
    QSignalSpy loaded(&editor, &CleaningRecipeEditor::datasetLoaded);
    QSignalSpy failed(&editor, &CleaningRecipeEditor::failed);
    editor.setProject(project_, false);
    editor.setDataset(datasetId_, 0);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QVERIFY(editor.loadedVersion().versionNumber >= 2);
    editor.setDataset(datasetId_ + 100, 0);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QVERIFY2(editor.statusText().contains(QStringLiteral("no dataset")),
             qPrintable(editor.statusText()));
    QVERIFY(!editor.loadedVersion().data);
  }
};

QTEST_MAIN(CleaningRecipeEditorTest)
#include "tst_cleaning_recipe_editor.moc"
