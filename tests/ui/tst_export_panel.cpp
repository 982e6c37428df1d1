// The Export panel driven through its widgets: a LoRA run and a full fine-tuning run trained a few
// steps; a checkpoint exported as an adapter through the Export button (the job on its worker
// thread), where the files went, the export listed with its SHA-256 prefix; the full run offers
// no adapter; an occupied destination fails with a message and records nothing; and in the main
// window the shortcut, the jobs area and the Export stage's state.
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <filesystem>
#include <fstream>

#include "../core/NotesExporter.h"
#include "../core/RecordedRunFixtures.h"
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "builtin/BuiltinPlugins.h"
#include "common/FolderDigest.h"
#include "export/ExportFolder.h"
#include "export/ExportPanel.h"
#include "jobs/JobsArea.h"
#include "plugins/PluginRegistry.h"
#include "project/ProjectSession.h"
#include "store/ArtifactRepository.h"
#include "store/ProjectStore.h"

using tunebench::ui::ExportPanel;
namespace store = tunebench::store;
namespace fs = std::filesystem;

using uitest::screenshotPath;

namespace {

constexpr int kTimeoutMs = 180000;

QToolButton* buttonOf(QWidget& panel, QAction* action) {
  for (auto* candidate : panel.findChildren<QToolButton*>())
    if (candidate->defaultAction() == action) return candidate;
  return nullptr;
}

std::vector<store::ExportRecord> recordedExports(const std::string& file) {
  auto project = store::ProjectStore::open(file);
  return store::ExportRepository(project).list();
}

}  // namespace

class ExportPanelTest : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::string folder_, project_;
  int64_t loraRun_ = 0, fullRun_ = 0;
  tunebench::PluginRegistry plugins_;  // the built-in exporters and a third party's
  std::shared_ptr<tunebench::fixtures::NotesExporter> notes_;

  QString projectFile() const { return QString::fromStdString(project_); }

 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_export_panel"));
    QSettings().clear();
    tunebench::builtin::registerBuiltinPlugins(plugins_);
    notes_ = tunebench::fixtures::registerNotesExporter(plugins_);
    QVERIFY(dir_.isValid());
    folder_ = dir_.path().toStdString();
    tunebench::fixtures::makeTinyModelAndCorpus(folder_);
    project_ = folder_ + "/export.tbproj";
    store::ProjectStore::create(project_);
    loraRun_ = tunebench::fixtures::trainRecordedRun(project_, folder_, "lora run", "lora");
    fullRun_ = tunebench::fixtures::trainRecordedRun(project_, folder_, "full run", "full", 2, 2);
  }

  void exportsACheckpointThroughTheWidgets() {
    ExportPanel panel(plugins_);
    panel.resize(1000, 640);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy read(&panel, &ExportPanel::overviewRead);
    panel.setProject(projectFile(), false);
    QTRY_COMPARE(read.count(), 1);
    // Newest run first: the full run, then the LoRA run.
    QCOMPARE(panel.runBox()->count(), 2);
    QCOMPARE(panel.selectedRun(), fullRun_);
    panel.runBox()->setCurrentIndex(1);
    QCOMPARE(panel.selectedRun(), loraRun_);
    // Final model, then the checkpoints newest first.
    QCOMPARE(panel.modelBox()->count(), 3);
    QCOMPARE(panel.modelBox()->itemText(0), QStringLiteral("Final model"));
    QCOMPARE(panel.modelBox()->itemText(2), QStringLiteral("Checkpoint at step 2"));
    panel.modelBox()->setCurrentIndex(2);
    panel.formatBox()->setCurrentIndex(panel.formatBox()->findData(QStringLiteral("adapter")));
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("exportNote"))->text().contains("PEFT"));
    QVERIFY(panel.destinationEdit()->placeholderText().contains("lora_run-adapter-<n>"));
    QVERIFY(!panel.openFolderAction()->isEnabled());

    QSignalSpy finished(&panel, &ExportPanel::exportFinished);
    QSignalSpy started(&panel, &ExportPanel::jobStarted);
    auto* button = buttonOf(panel, panel.exportAction());
    QVERIFY(button && button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(started.count(), 1);
    QVERIFY(panel.isExporting());
    QVERIFY(!panel.exportAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));

    const QString expected =
        QDir(dir_.path()).filePath(QStringLiteral("exports/lora_run-adapter-1"));
    QCOMPARE(panel.lastExportFolder(), expected);
    QVERIFY(fs::exists(expected.toStdString() + "/adapter_model.safetensors"));
    QVERIFY(panel.resultLabel()->text().contains(QDir::toNativeSeparators(expected)));
    QVERIFY(panel.resultLabel()->text().contains(QStringLiteral("checkpoint step 2")));
    QVERIFY(panel.openFolderAction()->isEnabled());
    QCOMPARE(panel.folderToOpen(), expected);

    const auto records = recordedExports(project_);
    QCOMPARE(records.size(), size_t(1));
    QCOMPARE(records[0].sha256, tunebench::folderSha256(expected.toStdString()));
    QVERIFY(panel.resultLabel()->text().contains(QString::fromStdString(records[0].sha256)));
    // Listed once the project is read again.
    QTRY_COMPARE(panel.exportsTable()->rowCount(), 1);
    auto* table = panel.exportsTable();
    QCOMPARE(table->item(0, ExportPanel::kRun)->text(), QStringLiteral("1: lora run"));
    QCOMPARE(table->item(0, ExportPanel::kModel)->text(), QStringLiteral("checkpoint step 2"));
    QCOMPARE(table->item(0, ExportPanel::kFormat)->text(), QStringLiteral("adapter"));
    QCOMPARE(table->item(0, ExportPanel::kFolder)->text(), QDir::toNativeSeparators(expected));
    QCOMPARE(table->item(0, ExportPanel::kSha256)->text(),
             QString::fromStdString(records[0].sha256.substr(0, 12)));
    QVERIFY(!table->item(0, ExportPanel::kSize)->text().isEmpty());
    QVERIFY(!table->item(0, ExportPanel::kDate)->text().isEmpty());
    QVERIFY(panel.hasExports());
    // The choices stay for the next export.
    QCOMPARE(panel.selectedRun(), loraRun_);
    QVERIFY(panel.grab().save(screenshotPath(QStringLiteral("export.png"))));
  }

  void aFullFineTuningRunOffersNoAdapter() {
    ExportPanel panel(plugins_);
    QSignalSpy read(&panel, &ExportPanel::overviewRead);
    panel.setProject(projectFile(), false);
    QTRY_COMPARE(read.count(), 1);
    panel.selectRun(fullRun_);
    auto* formats = qobject_cast<QStandardItemModel*>(panel.formatBox()->model());
    QVERIFY(formats);
    QVERIFY(!formats->item(1)->isEnabled());
    QCOMPARE(panel.formatBox()->currentData().toString(), QStringLiteral("merged"));
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("exportNote"))->text().contains("all weights"));
    panel.selectRun(loraRun_);
    QVERIFY(formats->item(1)->isEnabled());
  }

  void anOccupiedDestinationFailsWithAMessage() {
    const QString taken = dir_.filePath(QStringLiteral("taken"));
    QDir().mkpath(taken);
    std::ofstream((taken + "/mine.txt").toStdString()) << "keep";
    const size_t before = recordedExports(project_).size();
    ExportPanel panel(plugins_);
    QSignalSpy read(&panel, &ExportPanel::overviewRead);
    panel.setProject(projectFile(), false);
    QTRY_COMPARE(read.count(), 1);
    panel.selectRun(loraRun_);
    panel.selectFormat(QStringLiteral("merged"));
    QTest::keyClicks(panel.destinationEdit(), taken);
    QSignalSpy failed(&panel, &ExportPanel::failed);
    QSignalSpy finished(&panel, &ExportPanel::exportFinished);
    QVERIFY(panel.startExport());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(failed.count(), 1);
    const QString message = failed.front().at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("already exists")), qPrintable(message));
    QVERIFY(panel.statusText().contains(message));
    QCOMPARE(recordedExports(project_).size(), before);
    QCOMPARE(QDir(taken).entryList(QDir::Files), QStringList{QStringLiteral("mine.txt")});

    // A read-only project exports nothing.
    panel.setProject(projectFile(), true);
    QVERIFY(!panel.exportAction()->isEnabled());
    QVERIFY(!panel.startExport());
    QVERIFY(panel.lastError().contains(QStringLiteral("read-only")));
  }

  void mainWindowExportsWithTheShortcut() {
    tunebench::ui::MainWindow window(plugins_);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* panel = window.exportPanel();
    QSignalSpy read(panel, &ExportPanel::overviewRead);
    window.openProjectAt(projectFile());
    QTRY_VERIFY(read.count() >= 1);
    QTRY_COMPARE(window.stageState(tunebench::ui::Stage::Export), tunebench::ui::StageState::Done);
    QTest::keyClick(&window, Qt::Key_6, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentWidget(), static_cast<QWidget*>(panel));
    panel->selectRun(loraRun_);
    panel->selectModel(-1);
    panel->selectFormat(QStringLiteral("merged"));
    QSignalSpy finished(panel, &ExportPanel::exportFinished);
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier | Qt::AltModifier);
    QTRY_COMPARE(window.jobsArea()->runningCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel->lastError().isEmpty(), qPrintable(panel->lastError()));
    QTRY_COMPARE(window.jobsArea()->runningCount(), 0);
    QVERIFY(fs::exists(panel->lastExportFolder().toStdString() + "/model.safetensors"));
    QTRY_COMPARE(panel->exportsTable()->rowCount(), 2);
    QCOMPARE(panel->exportsTable()->item(0, ExportPanel::kModel)->text(),
             QStringLiteral("final model"));

    window.closeProject();
    QTRY_VERIFY(!window.session()->isOpen());
    QCOMPARE(panel->exportsTable()->rowCount(), 0);
    QCOMPARE(panel->runBox()->count(), 0);
    QVERIFY(!panel->exportAction()->isEnabled());
    QCOMPARE(window.stageState(tunebench::ui::Stage::Export), tunebench::ui::StageState::NotYet);
  }

  // The formats are the registry's exporters: a plugin's appears, and exporting in it records the
  // files it wrote under its id.
  void aPluginExporterIsOfferedAndRecorded() {
    ExportPanel panel(plugins_);
    QSignalSpy read(&panel, &ExportPanel::overviewRead);
    panel.setProject(projectFile(), false);
    QTRY_COMPARE(read.count(), 1);
    QCOMPARE(panel.formatBox()->count(), 4);
    QCOMPARE(panel.formatBox()->itemData(0).toString(), QStringLiteral("merged"));
    QCOMPARE(panel.formatBox()->itemData(1).toString(), QStringLiteral("adapter"));
    QCOMPARE(panel.formatBox()->itemData(2).toString(), QStringLiteral("gguf"));
    QCOMPARE(panel.formatBox()->itemText(3),
             QStringLiteral("Run notes (fixture) (notes.txt + method.txt)"));
    panel.selectRun(fullRun_);
    panel.selectModel(-1);
    panel.selectFormat(QStringLiteral("notes"));
    QCOMPARE(panel.formatBox()->currentData().toString(), QStringLiteral("notes"));
    QVERIFY(
        panel.findChild<QLabel*>(QStringLiteral("exportNote"))->text().startsWith("Notes about"));
    const size_t before = recordedExports(project_).size();
    QSignalSpy finished(&panel, &ExportPanel::exportFinished);
    QVERIFY(panel.startExport());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));
    QVERIFY(notes_->lastRequest);
    QCOMPARE(notes_->lastRequest->runName, std::string("full run"));
    QVERIFY(fs::exists(panel.lastExportFolder().toStdString() + "/notes.txt"));
    QVERIFY(panel.resultLabel()->text().contains(QStringLiteral("Run notes (fixture)")));
    const auto exports = recordedExports(project_);
    QCOMPARE(exports.size(), before + 1);
    QCOMPARE(exports.back().format, std::string("notes"));
    // The exporter's refusal is shown before anything starts.
    panel.selectRun(loraRun_);
    panel.selectModel(4);
    panel.selectFormat(QStringLiteral("notes"));
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("exportNote"))->text().contains("not noted"));
    QVERIFY(!panel.startExport());
    QVERIFY(panel.lastError().contains(QStringLiteral("step 4 is not noted")));
  }
};

QTEST_MAIN(ExportPanelTest)
#include "tst_export_panel.moc"
