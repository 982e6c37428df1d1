// The Data panel driven through its widgets: the import wizard on a CSV file (detected schema,
// preview, import job, the version and its rows in the table), a malformed file's error with its
// line and the "skip bad rows" retry, the rows model over 200,000 rows read in bounded pages, a
// split stored as a new version (the Data stage becomes done), class counts for balancing, a
// balanced version stored and the class weights copied, the event loop kept responsive during
// an import, and the main window's wiring.
#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <fstream>
#include <nlohmann/json.hpp>

#include "MainWindow.h"
#include "UiTestSupport.h"
#include "builtin/BuiltinPlugins.h"
#include "data/DataPanel.h"
#include "data/DatasetRowsModel.h"
#include "data/DatasetVersionsView.h"
#include "data/ImportWizard.h"
#include "data/RejectsView.h"
#include "data/SplitBalancePanel.h"
#include "jobs/BasicJobContext.h"
#include "jobs/JobRunner.h"
#include "project/ProjectSession.h"
#include "store/DatasetBalancing.h"
#include "store/DatasetRepository.h"
#include "store/ProjectDatasetImport.h"
#include "store/ProjectStore.h"

using tunebench::ui::DataPanel;
using tunebench::ui::DatasetRowsModel;
using tunebench::ui::ImportWizard;
using tunebench::ui::StageState;
namespace store = tunebench::store;

using uitest::screenshotPath;

namespace {

constexpr int kTimeoutMs = 60000;
constexpr int kLargeRows = 200000;

QString newProject(const QTemporaryDir& dir, const QString& name) {
  const QString file = dir.filePath(name + QStringLiteral(".tbproj"));
  store::ProjectStore::create(file.toStdString());
  return file;
}

// instruction,input,output rows; row 2 has a quoted comma and a line break inside a field.
QString writeInstructionCsv(const QTemporaryDir& dir, int rows) {
  const QString file = dir.filePath(QStringLiteral("instructions.csv"));
  std::ofstream out(file.toStdString());
  out << "instruction,input,output\n";
  for (int i = 0; i < rows; ++i) {
    if (i == 2)
      out << "\"Say hello, politely\",\"\",\"Hello,\nhow are you?\"\n";
    else
      out << "Add " << i << " and 1,," << i + 1 << "\n";
  }
  return file;
}

int columnOf(const QAbstractItemModel& model, const QString& header) {
  for (int c = 0; c < model.columnCount(); ++c)
    if (model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString() == header) return c;
  return -1;
}

int columnOf(const QTableWidget& table, const QString& header) {
  for (int c = 0; c < table.columnCount(); ++c)
    if (table.horizontalHeaderItem(c) && table.horizontalHeaderItem(c)->text() == header) return c;
  return -1;
}

void openPanel(DataPanel& panel, const QString& project) {
  panel.setProject(project, false);
  QTRY_VERIFY(panel.isCatalogRead());
}

// Drives the wizard from the file to the import page, checking each page is reached.
void runWizardToImport(ImportWizard* wizard, const QString& file) {
  QVERIFY(wizard);
  QCOMPARE(wizard->currentId(), int(ImportWizard::FilePage));
  wizard->setFile(file);
  wizard->next();
  QCOMPARE(wizard->currentId(), int(ImportWizard::SchemaPage));
  QTRY_VERIFY(wizard->isInspected());
  wizard->next();
  QCOMPARE(wizard->currentId(), int(ImportWizard::PreviewPage));
}

}  // namespace

class DataPanelTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_data_panel"));
    QSettings().clear();
    qRegisterMetaType<tunebench::ui::JobRunner*>();
    tunebench::builtin::registerBuiltinPlugins(plugins_);
    QVERIFY(dir_.isValid());
    // A large JSON Lines file, shared by the paging and the responsiveness tests.
    largeFile_ = dir_.filePath(QStringLiteral("large.jsonl"));
    std::ofstream out(largeFile_.toStdString());
    for (int i = 0; i < kLargeRows; ++i)
      out << "{\"text\":\"row " << i << " of the large dataset\",\"label\":\""
          << (i % 5 == 0 ? "rare" : "common") << "\"}\n";
  }

  void importsThroughTheWizard() {
    const QString project = newProject(dir_, QStringLiteral("wizard"));
    const QString csv = writeInstructionCsv(dir_, 30);
    DataPanel panel(plugins_);
    panel.resize(1000, 640);
    panel.show();
    openPanel(panel, project);
    QCOMPARE(panel.stageState(), StageState::NotYet);
    QVERIFY(panel.tabs());
    QCOMPARE(panel.tabs()->count(), 5);
    QCOMPARE(panel.tabs()->tabText(0), QStringLiteral("&Rows"));
    QCOMPARE(panel.tabs()->tabText(1), QStringLiteral("&Clean"));
    QCOMPARE(panel.tabs()->tabText(2), QStringLiteral("&Profile"));
    QCOMPARE(panel.tabs()->tabText(3), QStringLiteral("Split && &Balance"));
    QCOMPARE(panel.tabs()->tabText(4), QStringLiteral("Re&jects"));
    QSignalSpy jobs(&panel, &DataPanel::jobStarted);
    QSignalSpy chosen(&panel, &DataPanel::versionChosen);

    auto* wizard = panel.openImportWizard();
    runWizardToImport(wizard, csv);
    if (QTest::currentTestFailed()) return;
    // Schema page results: detected instruction data mapped field by field.
    QCOMPARE(wizard->mapping().kind, tunebench::DatasetKind::Instruction);
    QVERIFY(wizard->schemaLabel()->text().contains("Comma-separated values"));
    QVERIFY(wizard->schemaLabel()->text().contains("instruction"));
    QCOMPARE(wizard->slotBox("instruction")->currentText(), QStringLiteral("instruction"));
    QCOMPARE(wizard->slotBox("output")->currentText(), QStringLiteral("output"));
    // Preview: the first rows as the trainer will see them, none rejected.
    auto* preview = wizard->previewTable();
    QCOMPARE(preview->rowCount(), ImportWizard::kPreviewRows);
    const int instruction = columnOf(*preview, "instruction");
    const int output = columnOf(*preview, "output");
    QVERIFY(instruction > 0 && output > 0);
    QCOMPARE(preview->item(0, instruction)->text(), QStringLiteral("Add 0 and 1"));
    QCOMPARE(preview->item(2, instruction)->text(), QStringLiteral("Say hello, politely"));
    QCOMPARE(preview->item(2, output)->toolTip(), QStringLiteral("Hello,\nhow are you?"));
    QCOMPARE(preview->item(0, 0)->text(), QStringLiteral("2"));  // line 2: after the header
    QVERIFY(!wizard->previewSummary()->text().contains("would not be imported"));

    wizard->next();
    QCOMPARE(wizard->currentId(), int(ImportWizard::ImportPage));
    QCOMPARE(jobs.count(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(wizard->importSucceeded(), kTimeoutMs);
    QCOMPARE(wizard->importResult().records, qint64(30));
    QCOMPARE(wizard->importResult().rejects, qint64(0));
    QVERIFY(wizard->importStatus()->text().contains("Imported 30 row"));
    wizard->accept();

    // The new dataset's version 1 is listed and chosen; its rows fill the table.
    QTRY_VERIFY(panel.currentVersion() == 1 && panel.currentDatasetId() > 0);
    QVERIFY(chosen.count() >= 1);
    const auto* dataset = panel.catalog().findDataset(panel.currentDatasetId());
    QVERIFY(dataset);
    QCOMPARE(dataset->name, QStringLiteral("instructions"));
    QCOMPARE(dataset->kind, QStringLiteral("instruction"));
    QCOMPARE(dataset->versions.size(), size_t(1));
    QCOMPARE(dataset->versions[0].madeBy, QStringLiteral("import"));
    QCOMPARE(dataset->versions[0].rows, qint64(30));
    auto* rows = panel.rowsModel();
    QTRY_COMPARE(rows->rowCount(), 30);
    QCOMPARE(rows->fields(), (QStringList{"instruction", "input", "output"}));
    const int field = columnOf(*rows, "instruction");
    QVERIFY(field >= 0);
    QTRY_COMPARE(rows->index(29, field).data().toString(), QStringLiteral("Add 29 and 1"));
    // Long or multi-line text is shown on one line; the tooltip has all of it.
    const int answer = columnOf(*rows, "output");
    QCOMPARE(rows->index(2, answer).data(Qt::ToolTipRole).toString(),
             QStringLiteral("Hello,\nhow are you?"));
    QVERIFY(!rows->index(2, answer).data().toString().contains('\n'));
    QCOMPARE(panel.stageState(), StageState::NeedsAttention);
    // The versions list shows number, what made it and rows.
    auto* list = panel.versionsView();
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->child(0)->text(tunebench::ui::DatasetVersionsView::kMadeBy),
             QStringLiteral("import"));
    // A second import of the same name is refused before anything runs.
    auto* again = panel.openImportWizard();
    again->setFile(csv);
    again->next();
    QCOMPARE(again->currentId(), int(ImportWizard::FilePage));
    QVERIFY(again->findChild<QLabel*>("importFileProblem")->text().contains("already has"));
    again->reject();
  }

  void malformedFileShowsLineAndSkipsBadRows() {
    const QString project = newProject(dir_, QStringLiteral("malformed"));
    const QString file = dir_.filePath(QStringLiteral("broken.jsonl"));
    {
      std::ofstream out(file.toStdString());
      for (int line = 1; line <= 10; ++line) {
        if (line == 4)
          out << "{\"text\": \"cut short\n";
        else
          out << "{\"text\": \"line " << line << "\"}\n";
      }
    }
    DataPanel panel(plugins_);
    panel.show();
    openPanel(panel, project);
    auto* wizard = panel.openImportWizard();
    runWizardToImport(wizard, file);
    if (QTest::currentTestFailed()) return;
    QCOMPARE(wizard->mapping().kind, tunebench::DatasetKind::RawText);
    // The preview already shows the bad line.
    QVERIFY2(wizard->previewSummary()->text().contains("line 4"),
             qPrintable(wizard->previewSummary()->text()));
    QVERIFY(!wizard->skipBadRowsBox()->isChecked());
    wizard->next();
    QTRY_VERIFY_WITH_TIMEOUT(!wizard->isImporting(), kTimeoutMs);
    QVERIFY(!wizard->importSucceeded());
    const QString error = wizard->importError();
    QVERIFY2(error.contains("broken.jsonl") && error.contains("line 4") && error.contains("column"),
             qPrintable(error));
    QVERIFY(wizard->importStatus()->text().contains("nothing was stored"));
    QVERIFY(wizard->retryButton()->isVisible());
    QVERIFY(wizard->retryButton()->text().contains("Skip Bad Rows"));
    // Nothing was stored by the failed import.
    panel.refresh();
    QTRY_VERIFY(panel.isCatalogRead());
    QTest::qWait(50);
    QTRY_COMPARE(panel.catalog().datasets.size(), size_t(0));

    QTest::mouseClick(wizard->retryButton(), Qt::LeftButton);
    QVERIFY(wizard->skipBadRowsBox()->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(wizard->importSucceeded(), kTimeoutMs);
    QCOMPARE(wizard->importResult().records, qint64(9));
    QCOMPARE(wizard->importResult().rejects, qint64(1));
    QVERIFY2(wizard->importStatus()->text().contains("1 bad row"),
             qPrintable(wizard->importStatus()->text()));
    wizard->accept();
    QTRY_COMPARE(panel.catalog().datasets.size(), size_t(1));
    QCOMPARE(panel.catalog().datasets[0].versions[0].rejects, qint64(1));
    QTRY_COMPARE(panel.rowsModel()->rowCount(), 9);

    // The Rejects tab shows the skipped row: its line, the problem and its raw text.
    auto* rejects = panel.rejectsView();
    QTRY_COMPARE(rejects->table()->rowCount(), 1);
    QCOMPARE(rejects->table()->item(0, 0)->data(Qt::DisplayRole).toLongLong(), qint64(4));
    QVERIFY2(!rejects->table()->item(0, 1)->text().isEmpty(),
             qPrintable(rejects->table()->item(0, 1)->text()));
    QVERIFY2(rejects->table()->item(0, 2)->text().contains(QStringLiteral("cut short")),
             qPrintable(rejects->table()->item(0, 2)->text()));
    QVERIFY2(rejects->summaryText().contains(QStringLiteral("1 row")),
             qPrintable(rejects->summaryText()));
    // Export writes it as JSON Lines through a job.
    const QString exported = dir_.filePath(QStringLiteral("broken-rejects.jsonl"));
    QSignalSpy done(rejects, &tunebench::ui::RejectsView::exported);
    QVERIFY(rejects->exportTo(exported));
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, kTimeoutMs);
    QCOMPARE(done.at(0).at(1).toLongLong(), qint64(1));
    std::ifstream in(exported.toStdString());
    std::string line;
    QVERIFY(std::getline(in, line));
    const auto record = nlohmann::json::parse(line);
    QCOMPARE(record["line"].get<int64_t>(), int64_t(4));
    QVERIFY(!record["problem"].get<std::string>().empty());
    QVERIFY(record["raw"].get<std::string>().find("cut short") != std::string::npos);
    QVERIFY(!std::getline(in, line));
  }

  void missingFieldNamesLineAndField() {
    const QString project = newProject(dir_, QStringLiteral("missing"));
    const QString file = dir_.filePath(QStringLiteral("pairs.jsonl"));
    {
      std::ofstream out(file.toStdString());
      for (int line = 1; line <= 6; ++line) {
        if (line == 3)
          out << "{\"instruction\": \"no answer here\"}\n";
        else
          out << "{\"instruction\": \"ask " << line << "\", \"output\": \"answer\"}\n";
      }
    }
    DataPanel panel(plugins_);
    panel.show();
    openPanel(panel, project);
    auto* wizard = panel.openImportWizard();
    runWizardToImport(wizard, file);
    if (QTest::currentTestFailed()) return;
    QCOMPARE(wizard->mapping().kind, tunebench::DatasetKind::Instruction);
    wizard->next();
    QTRY_VERIFY_WITH_TIMEOUT(!wizard->isImporting(), kTimeoutMs);
    const QString error = wizard->importError();
    QVERIFY2(error.contains("pairs.jsonl") && error.contains("line 3") && error.contains("output"),
             qPrintable(error));
    QTest::mouseClick(wizard->retryButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(wizard->importSucceeded(), kTimeoutMs);
    QCOMPARE(wizard->importResult().records, qint64(5));
    QCOMPARE(wizard->importResult().rejects, qint64(1));
    wizard->accept();
  }

  // Chat and preference rows hold message lists: the table shows the turns, not their JSON.
  void messageListsReadAsTurns() {
    const QString project = newProject(dir_, QStringLiteral("turns"));
    const QString file = dir_.filePath(QStringLiteral("turns.jsonl"));
    {
      std::ofstream out(file.toStdString());
      out << R"({"prompt": [{"role": "user", "content": "Convert 829 to binary"}], )"
          << R"("chosen": [{"role": "assistant", "content": "1100111101"}], "rejected": "no idea"})"
          << "\n";
    }
    store::ProjectImportResult imported;
    {
      auto projectStore = store::ProjectStore::open(project.toStdString());
      store::ProjectImportRequest request;
      request.options.path = file.toStdString();
      tunebench::BasicJobContext context;
      imported =
          store::importIntoProject(projectStore, *plugins_.findImporter("jsonl"), request, context);
    }
    DatasetRowsModel model;
    model.setProject(project);
    QSignalSpy shown(&model, &DatasetRowsModel::versionShown);
    model.setVersion(imported.versionId, 1, false);
    QTRY_COMPARE(shown.count(), 1);
    QTRY_VERIFY(model.isRowLoaded(0));
    QCOMPARE(model.index(0, columnOf(model, "prompt")).data().toString(),
             QStringLiteral("user: Convert 829 to binary"));
    QCOMPARE(model.index(0, columnOf(model, "chosen")).data().toString(),
             QStringLiteral("assistant: 1100111101"));
    QCOMPARE(model.index(0, columnOf(model, "rejected")).data().toString(),
             QStringLiteral("no idea"));
  }

  void largeVersionIsReadInBoundedPages() {
    const QString project = newProject(dir_, QStringLiteral("large"));
    QElapsedTimer timer;
    timer.start();
    store::ProjectImportResult imported;
    {
      auto projectStore = store::ProjectStore::open(project.toStdString());
      store::ProjectImportRequest request;
      request.options.path = largeFile_.toStdString();
      tunebench::BasicJobContext context;
      imported =
          store::importIntoProject(projectStore, *plugins_.findImporter("jsonl"), request, context);
    }
    QCOMPARE(imported.records, qint64(kLargeRows));
    qInfo("imported %d rows through the core in %lld ms", kLargeRows, timer.elapsed());

    DatasetRowsModel model;
    model.setProject(project);
    QSignalSpy shown(&model, &DatasetRowsModel::versionShown);
    model.setVersion(imported.versionId, kLargeRows, false);
    QTRY_COMPARE(shown.count(), 1);
    QCOMPARE(model.rowCount(), kLargeRows);
    const int text = columnOf(model, "text");
    const int label = columnOf(model, "label");
    QVERIFY(text >= 0 && label >= 0);
    // The last row: a placeholder first, its page read on demand.
    QSignalSpy arrived(&model, &DatasetRowsModel::pageArrived);
    timer.restart();
    const QModelIndex last = model.index(kLargeRows - 1, text);
    QVERIFY(!model.isRowLoaded(kLargeRows - 1));
    QCOMPARE(model.index(kLargeRows - 1, 0).data().toString(), QStringLiteral("reading…"));
    QVERIFY(arrived.wait(kTimeoutMs));
    qInfo("row 199,999 read %.2f ms after it was asked for", timer.nsecsElapsed() / 1e6);
    QCOMPARE(arrived.takeFirst().at(0).toInt(), (kLargeRows - 1) / DatasetRowsModel::kPageRows);
    QCOMPARE(last.data().toString(), QStringLiteral("row 199999 of the large dataset"));
    QCOMPARE(model.pagesRead(), 2);  // the first page (columns) and the last one
    QCOMPARE(model.heldRows(), 2 * DatasetRowsModel::kPageRows);

    // Scrolling a view over it from top to bottom keeps the held rows bounded.
    DataPanel panel(plugins_);
    panel.resize(1000, 640);
    panel.show();
    openPanel(panel, project);
    QTRY_COMPARE(panel.rowsModel()->rowCount(), kLargeRows);
    auto* view = panel.rowsView();
    auto* bar = view->verticalScrollBar();
    const int maxHeld = DatasetRowsModel::kMaxPages * DatasetRowsModel::kPageRows;
    int largestHeld = 0;
    timer.restart();
    for (int step = 0; step <= 100; ++step) {
      bar->setValue(int(qint64(bar->maximum()) * step / 100));
      QCoreApplication::processEvents();
      largestHeld = std::max(largestHeld, panel.rowsModel()->heldRows());
    }
    const QModelIndex bottom = panel.rowsModel()->index(kLargeRows - 1, 0);
    view->scrollTo(bottom);
    QTRY_VERIFY(panel.rowsModel()->isRowLoaded(kLargeRows - 1));
    largestHeld = std::max(largestHeld, panel.rowsModel()->heldRows());
    qInfo("scrolled 1%% steps through %d rows in %lld ms; at most %d rows held (limit %d)",
          kLargeRows, timer.elapsed(), largestHeld, maxHeld);
    QVERIFY(largestHeld <= maxHeld);
    QVERIFY(panel.rowsModel()->pagesRead() < kLargeRows / DatasetRowsModel::kPageRows / 4);
  }

  void splitMakesAVersionAndTheStageDone() {
    const QString project = newProject(dir_, QStringLiteral("split"));
    const QString csv = writeInstructionCsv(dir_, 40);
    {
      auto projectStore = store::ProjectStore::open(project.toStdString());
      store::ProjectImportRequest request;
      request.options.path = csv.toStdString();
      tunebench::BasicJobContext context;
      store::importIntoProject(projectStore, *plugins_.findImporter("csv"), request, context);
    }
    tunebench::ui::MainWindow window(plugins_);
    window.show();
    QSignalSpy opened(window.session(), &tunebench::ui::ProjectSession::opened);
    window.openProjectAt(project);
    QTRY_COMPARE(opened.count(), 1);
    auto* panel = window.dataPanel();
    QCOMPARE(window.panels()->widget(0), static_cast<QWidget*>(panel));
    QTRY_VERIFY(panel->isCatalogRead());
    QTRY_COMPARE(window.stageState(tunebench::ui::Stage::Data), StageState::NeedsAttention);
    QTRY_COMPARE(panel->currentVersion(), 1);

    auto* split = panel->splitPanel();
    store::SplitRequest request;
    request.method = "random";
    request.validation = 0.2;
    request.test = 0.1;
    request.seed = 7;
    split->setRequest(request);
    panel->tabs()->setCurrentWidget(split);
    QVERIFY(split->splitButton()->isEnabled());
    QTest::mouseClick(split->splitButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->currentVersion() == 2, kTimeoutMs);
    const auto* dataset = panel->catalog().findDataset(panel->currentDatasetId());
    const auto* version = dataset->findVersion(2);
    QVERIFY(version && version->hasSplit);
    QCOMPARE(version->parentNumber, qint64(1));
    QCOMPARE(version->madeBy, QStringLiteral("split"));
    QCOMPARE(version->splitRows("validation"), qint64(8));
    QCOMPARE(version->splitRows("test"), qint64(4));
    QCOMPARE(version->splitRows("train"), qint64(28));
    QCOMPARE(panel->stageState(), StageState::Done);
    QTRY_COMPARE(window.stageState(tunebench::ui::Stage::Data), StageState::Done);
    // The rows of the split version carry their side.
    auto* rows = panel->rowsModel();
    QTRY_COMPARE(rows->rowCount(), 40);
    QCOMPARE(rows->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("split"));
    QVERIFY(rows->isRowLoaded(39));
    QStringList sides;
    for (int r = 0; r < 40; ++r) sides << rows->index(r, 0).data().toString();
    QCOMPARE(sides.count("validation"), 8);
    QCOMPARE(sides.count("train"), 28);

    // Ctrl+I opens the wizard from the Data menu's action.
    QAction* importAction = nullptr;
    for (auto* menu : window.menuBar()->actions())
      if (menu->text() == QStringLiteral("&Data")) importAction = menu->menu()->actions().value(0);
    QVERIFY(importAction);
    QCOMPARE(importAction->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_I));
    window.showStage(0);
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::keyClick(&window, Qt::Key_I, Qt::ControlModifier);
    ImportWizard* wizard = nullptr;
    QTRY_VERIFY((wizard = panel->findChild<ImportWizard*>()) != nullptr);
    wizard->reject();

    panel->tabs()->setCurrentIndex(0);
    QVERIFY(window.grab().save(screenshotPath(QStringLiteral("data-main-window.png"))));
    QVERIFY(panel->grab().save(screenshotPath(QStringLiteral("data.png"))));
  }

  void classCountsBeforeAndAfterBalancing() {
    const QString project = newProject(dir_, QStringLiteral("balance"));
    const QString csv = dir_.filePath(QStringLiteral("labels.csv"));
    {
      std::ofstream out(csv.toStdString());
      out << "text,label\n";
      for (int i = 0; i < 10; ++i) out << "text " << i << "," << (i < 8 ? "spam" : "ham") << "\n";
    }
    {
      auto projectStore = store::ProjectStore::open(project.toStdString());
      store::ProjectImportRequest request;
      request.options.path = csv.toStdString();
      tunebench::BasicJobContext context;
      const auto result =
          store::importIntoProject(projectStore, *plugins_.findImporter("csv"), request, context);
      QCOMPARE(result.mapping.kind, tunebench::DatasetKind::Classification);
    }
    DataPanel panel(plugins_);
    panel.show();
    openPanel(panel, project);
    QTRY_COMPARE(panel.currentVersion(), 1);
    auto* split = panel.splitPanel();
    // The classification label's field is chosen; nothing can be stored before counting.
    QTRY_COMPARE(split->labelFieldBox()->currentText(), QStringLiteral("label"));
    QVERIFY(split->countButton()->isEnabled());
    QVERIFY(!split->storeBalanceButton()->isEnabled());
    QVERIFY(!split->copyWeightsButton()->isEnabled());
    QCOMPARE(split->storeBalanceButton()->shortcut(), QKeySequence(Qt::ALT | Qt::Key_A));
    QCOMPARE(split->copyWeightsButton()->shortcut(), QKeySequence(Qt::ALT | Qt::Key_W));
    QSignalSpy counted(split, &tunebench::ui::SplitBalancePanel::countsShown);
    split->balanceBox()->setCurrentIndex(1);  // under-sampling
    QTest::mouseClick(split->countButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(counted.count(), 1, kTimeoutMs);
    auto* table = split->countsTable();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("ham"));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("2"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("2"));
    QCOMPARE(table->item(1, 1)->text(), QStringLiteral("8"));
    QCOMPARE(table->item(1, 2)->text(), QStringLiteral("2"));
    QVERIFY(split->storeBalanceButton()->isEnabled());
    // Other settings than the counted ones must be counted again before storing.
    split->balanceBox()->setCurrentIndex(0);  // over-sampling
    QVERIFY(!split->storeBalanceButton()->isEnabled());
    QCOMPARE(table->rowCount(), 0);
    QTest::mouseClick(split->countButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(counted.count(), 2, kTimeoutMs);
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("8"));
    QCOMPARE(table->item(1, 2)->text(), QStringLiteral("8"));
    // Counting stored nothing.
    panel.refresh();
    QTest::qWait(100);
    QTRY_VERIFY(panel.isCatalogRead());
    QCOMPARE(panel.catalog().datasets[0].versions.size(), size_t(1));

    // The balanced class weights n / (classes × count) go to the clipboard as JSON.
    const QString weights = QStringLiteral(R"({"ham": 2.5, "spam": 0.625})");
    QVERIFY(split->copyWeightsButton()->isEnabled());
    QTest::mouseClick(split->copyWeightsButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), weights);
    QVERIFY(split->weightsLabel()->text().contains(weights));
    QVERIFY(split->statusLabel()->text().contains(weights));

    panel.tabs()->setCurrentWidget(split);
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("data-split-balance.png"))));

    // Storing makes version 2 from version 1, and the panel shows it.
    QVERIFY(split->findChild<QLabel*>("balanceNote")->text().contains("new version"));
    QTest::mouseClick(split->storeBalanceButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentVersion() == 2, kTimeoutMs);
    const auto* version = panel.catalog().findDataset(panel.currentDatasetId())->findVersion(2);
    QVERIFY(version);
    QCOMPARE(version->parentNumber, qint64(1));
    QCOMPARE(version->madeBy, QStringLiteral("balance"));
    QCOMPARE(version->rows, qint64(16));
    QVERIFY2(version->balance.contains(QStringLiteral("ham 2 → 8")) &&
                 version->balance.contains(QStringLiteral("spam 8 → 8")),
             qPrintable(version->balance));
    QVERIFY2(split->statusLabel()->text().contains(QStringLiteral("as version 2 (16 rows)")),
             qPrintable(split->statusLabel()->text()));
    QTRY_COMPARE(panel.rowsModel()->rowCount(), 16);
    {
      store::OpenOptions options;
      options.readOnly = true;
      auto projectStore = store::ProjectStore::open(project.toStdString(), options);
      tunebench::BasicJobContext context;
      std::map<std::string, int> classes;
      for (const auto& label : store::readLabels(projectStore, version->id, "label", context))
        ++classes[label];
      QCOMPARE(classes, (std::map<std::string, int>{{"ham", 8}, {"spam", 8}}));
      // Version 1 is as it was imported.
      const auto parent =
          store::DatasetRepository(projectStore).findVersionByNumber(panel.currentDatasetId(), 1);
      QCOMPARE(parent->recordCount, int64_t(10));
    }

    // A field some row lacks: the error names the version and the row, and nothing is stored.
    QSignalSpy failed(split, &tunebench::ui::SplitBalancePanel::failed);
    uitest::retype(split->labelFieldBox()->lineEdit(), QStringLiteral("stars"));
    QVERIFY(!split->storeBalanceButton()->isEnabled());
    QTest::mouseClick(split->countButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    const QString message = failed.at(0).at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("version 2, row 0")) &&
                 message.contains(QStringLiteral("\"stars\" is missing")),
             qPrintable(message));
    QVERIFY(!split->storeBalanceButton()->isEnabled());
  }

  void eventLoopStaysResponsiveDuringImport() {
    const QString project = newProject(dir_, QStringLiteral("responsive"));
    DataPanel panel(plugins_);
    panel.resize(1000, 640);
    panel.show();
    openPanel(panel, project);
    auto* wizard = panel.openImportWizard();
    runWizardToImport(wizard, largeFile_);
    if (QTest::currentTestFailed()) return;

    // Clicking Import switches the page and starts the job; then the import runs.
    QElapsedTimer click;
    click.start();
    wizard->next();
    const qint64 clickMs = click.elapsed();
    QVERIFY(wizard->isImporting());
    QElapsedTimer clock;
    clock.start();
    // The GUI thread's own work between ticks (uitest::StallMeter): load on the machine is no
    // stall. The measurement ends with the job, before the panel reads the new dataset.
    auto stalls = std::make_unique<uitest::StallMeter>();
    qint64 ranMs = 0, longest = 0;
    QString longestText;
    connect(wizard, &ImportWizard::importFinished, this, [&] {
      if (!stalls) return;
      ranMs = clock.elapsed();
      longest = stalls->longestMs();
      longestText = stalls->describeLongest();
      stalls.reset();
    });
    QTRY_VERIFY_WITH_TIMEOUT(!wizard->isImporting(), kTimeoutMs);
    QVERIFY2(wizard->importSucceeded(), qPrintable(wizard->importError()));
    QCOMPARE(wizard->importResult().records, qint64(kLargeRows));
    qInfo(
        "starting the import took %lld ms; the import of %d rows took %lld ms; longest event "
        "loop stall while it ran %s",
        clickMs, kLargeRows, ranMs, qPrintable(longestText));
    QVERIFY2(longest < 100, qPrintable(QStringLiteral("stall of %1 ms").arg(longest)));
    wizard->accept();
  }

 private:
  tunebench::PluginRegistry plugins_;
  QTemporaryDir dir_;
  QString largeFile_;
};

QTEST_MAIN(DataPanelTest)
#include "tst_data_panel.moc"
