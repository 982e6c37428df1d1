#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QtTest>

#include "AboutDialog.h"
#include "MainWindow.h"
#include "NoProjectPanel.h"
#include "UiTestSupport.h"
#include "builtin/BuiltinPlugins.h"
#include "demo/DemoRun.h"
#include "project/ProjectSession.h"
#include "project/RecentProjects.h"
#include "store/ProjectStore.h"

using tunebench::ui::MainWindow;
using tunebench::ui::ProjectSession;
using tunebench::ui::RecentProjects;
using tunebench::ui::Stage;
using tunebench::ui::StageState;

using uitest::screenshotPath;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
  }

  void init() { QSettings().clear(); }

  void showsTheSevenStages() {
    tunebench::PluginRegistry plugins;
    tunebench::builtin::registerBuiltinPlugins(plugins);
    MainWindow window(plugins);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* navigator = window.findChild<QListWidget*>(QStringLiteral("stageNavigator"));
    QVERIFY(navigator);
    QCOMPARE(navigator->count(), 7);
    const QStringList expected{"Data", "Model", "Setup", "Train", "Evaluate", "Export", "Monitor"};
    for (int i = 0; i < 7; ++i) QVERIFY(navigator->item(i)->text().endsWith(expected[i]));
  }

  void withoutAProjectThePanelsSaySo() {
    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), QStringLiteral("Tunebench"));
    for (int stage = 0; stage < 7; ++stage) {
      window.showStage(stage);
      QCOMPARE(window.currentPage()->objectName(), QStringLiteral("noProjectPanel"));
    }
    auto* title = window.currentPage()->findChild<QLabel*>(QStringLiteral("noProjectTitle"));
    QVERIFY(title->text().contains("Open or create a project"));
    QCOMPARE(window.stageState(Stage::Model), StageState::NotYet);
    QVERIFY(window.grab().save(screenshotPath(QStringLiteral("main-window-no-project.png"))));
  }

  void navigatorAndShortcutsSwitchPanels() {
    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.navigator()->setCurrentRow(3);
    QCOMPARE(window.panels()->currentIndex(), 3);
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentIndex(), 4);
    QCOMPARE(window.navigator()->currentRow(), 4);
    QCOMPARE(window.panels()->currentWidget()->objectName(), QStringLiteral("evaluatePanel"));
    QTest::keyClick(&window, Qt::Key_6, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentIndex(), 5);
    QCOMPARE(window.panels()->currentWidget()->objectName(), QStringLiteral("exportPanel"));
    QTest::keyClick(&window, Qt::Key_7, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentIndex(), 6);
    QCOMPARE(window.panels()->currentWidget()->objectName(), QStringLiteral("monitorPanel"));
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QTRY_COMPARE(window.panels()->currentIndex(), 2);
    QCOMPARE(window.panels()->currentWidget()->objectName(), QStringLiteral("setupPanel"));
  }

  void createCloseAndReopenThroughRecent() {
    QTemporaryDir dir;
    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(window.session(), &ProjectSession::opened);
    // The extension is added when the dialog's name lacks it.
    window.newProjectAt(dir.filePath("first"));
    QTRY_COMPARE(opened.count(), 1);
    const QString file = dir.filePath("first.tbproj");
    QVERIFY(QFile::exists(file));
    QCOMPARE(window.windowTitle(), QStringLiteral("first.tbproj — Tunebench"));
    window.showStage(2);
    QCOMPARE(window.currentPage()->objectName(), QStringLiteral("setupPanel"));
    QCOMPARE(RecentProjects().files(), QStringList{file});

    QSignalSpy closed(window.session(), &ProjectSession::closed);
    QTest::keyClick(&window, Qt::Key_W, Qt::ControlModifier);
    QTRY_COMPARE(closed.count(), 1);
    QCOMPARE(window.windowTitle(), QStringLiteral("Tunebench"));
    QCOMPARE(window.currentPage()->objectName(), QStringLiteral("noProjectPanel"));

    // Reopen from the recent list on the no-project page, by keyboard.
    auto* recent = window.findChild<tunebench::ui::NoProjectPanel*>()->recentList();
    QCOMPARE(recent->count(), 1);
    recent->setFocus();
    recent->setCurrentRow(0);
    QTest::keyClick(recent, Qt::Key_Return);
    QTRY_COMPARE(opened.count(), 2);
    QCOMPARE(window.session()->snapshot().file, file);
    QVERIFY(!window.session()->snapshot().readOnly);

    // The File ▸ Open Recent menu lists it too.
    emit window.recentMenu()->aboutToShow();
    QVERIFY(window.recentMenu()->actions().front()->text().contains("first.tbproj"));
  }

  // Once a project is open no panel still asks for one: the hint the panels showed without a
  // project gives way to what to do next.
  void anOpenProjectReplacesTheNoProjectHint() {
    QTemporaryDir dir;
    tunebench::PluginRegistry plugins;
    tunebench::builtin::registerBuiltinPlugins(plugins);
    MainWindow window(plugins);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(window.session(), &ProjectSession::opened);
    window.newProjectAt(dir.filePath("hint"));
    QTRY_COMPARE(opened.count(), 1);
    for (const char* name : {"evaluateStatus", "generationStatus", "exportStatus"}) {
      auto* status = window.findChild<QLabel*>(QLatin1String(name));
      QVERIFY2(status, name);
      QVERIFY2(!status->text().isEmpty(), name);
      QVERIFY2(!status->text().contains(QStringLiteral("Open or create")),
               qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(name), status->text())));
    }
  }

  // At the size a user gets on a laptop the stage titles are whole: the navigator keeps its
  // width on every stage, without a horizontal scrollbar; the panels give way.
  void theNavigatorKeepsItsTitlesWhole() {
    QTemporaryDir dir;
    tunebench::PluginRegistry plugins;
    tunebench::builtin::registerBuiltinPlugins(plugins);
    MainWindow window(plugins);
    window.resize(1600, 970);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(window.session(), &ProjectSession::opened);
    window.newProjectAt(dir.filePath("narrow"));
    QTRY_COMPARE(opened.count(), 1);
    auto* navigator = window.navigator();
    int widest = 0;
    for (int row = 0; row < navigator->count(); ++row)
      widest = std::max(widest,
                        navigator->fontMetrics().horizontalAdvance(navigator->item(row)->text()));
    // Panels that want more room (or a layout saved that way) squeeze the navigator.
    auto* splitter = window.findChild<QSplitter*>(QStringLiteral("mainSplitter"));
    splitter->setSizes({10, 10000});
    for (int stage = 0; stage < 7; ++stage) {
      window.showStage(stage);
      QCoreApplication::processEvents();
      QVERIFY2(window.width() <= 1600, qPrintable(QString::number(window.width())));
      QVERIFY2(navigator->viewport()->width() >= widest,
               qPrintable(QStringLiteral("stage %1: viewport %2 < titles %3")
                              .arg(stage)
                              .arg(navigator->viewport()->width())
                              .arg(widest)));
      QVERIFY(!navigator->horizontalScrollBar()->isVisible());
    }
  }

  void recentListKeepsEightAndDropsMissingFiles() {
    QTemporaryDir dir;
    RecentProjects recent;
    for (int i = 0; i < 10; ++i) {
      writeFile(dir.filePath(QStringLiteral("p%1.tbproj").arg(i)), "x");
      recent.add(dir.filePath(QStringLiteral("p%1.tbproj").arg(i)));
    }
    recent.add(dir.filePath("p5.tbproj"));  // again: moves to the front, no duplicate
    auto files = recent.files();
    QCOMPARE(files.size(), RecentProjects::kMaximum);
    QCOMPARE(files.front(), dir.filePath("p5.tbproj"));
    QCOMPARE(files.count(dir.filePath("p5.tbproj")), 1);
    QVERIFY(!files.contains(dir.filePath("p0.tbproj")));

    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    QFile::remove(dir.filePath("p9.tbproj"));
    window.openRecent(dir.filePath("p9.tbproj"));
    QVERIFY2(window.lastError().contains("no longer exists"), qPrintable(window.lastError()));
    QVERIFY(window.lastError().contains("File ▸ Open Project"));
    QVERIFY(!recent.files().contains(dir.filePath("p9.tbproj")));
    QFile::remove(dir.filePath("p8.tbproj"));
    emit window.recentMenu()->aboutToShow();
    QVERIFY(!recent.files().contains(dir.filePath("p8.tbproj")));
    QCOMPARE(recent.files().size(), RecentProjects::kMaximum - 2);
  }

  void errorsSayWhatToDo() {
    QTemporaryDir dir;
    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    QSignalSpy failed(window.session(), &ProjectSession::failed);
    writeFile(dir.filePath("notes.tbproj"), "just some notes, not a database at all......");
    window.openProjectAt(dir.filePath("notes.tbproj"));
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY2(window.lastError().contains("not a Tunebench project"),
             qPrintable(window.lastError()));
    QVERIFY(window.lastError().contains("create a new project"));
    QVERIFY(!window.session()->isOpen());
    QVERIFY(RecentProjects().files().isEmpty());

    window.newProjectAt(dir.filePath("notes.tbproj"));
    QTRY_COMPARE(failed.count(), 2);
    QVERIFY2(window.lastError().contains("file exists"), qPrintable(window.lastError()));
    QVERIFY(window.lastError().contains("Choose a new file name"));
  }

  void newerSchemaOpensReadOnly() {
    QTemporaryDir dir;
    const QString file = dir.filePath("future.tbproj");
    { tunebench::store::ProjectStore::create(file.toStdString()); }
    {
      tunebench::store::Connection raw(file.toStdString(),
                                       tunebench::store::Connection::Mode::ReadWrite);
      raw.exec("PRAGMA user_version = 999");
    }
    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    window.show();
    QSignalSpy opened(window.session(), &ProjectSession::opened);
    window.openProjectAt(file);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(window.windowTitle(), QStringLiteral("future.tbproj (read-only) — Tunebench"));
    auto* notice = window.findChild<QLabel*>(QStringLiteral("readOnlyNotice"));
    QVERIFY(notice->isVisible());
    QVERIFY2(notice->text().contains("newer Tunebench"), qPrintable(notice->text()));
  }

  void openDemoOpensAFinishedDemoProject() {
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("demo"));
    QDir().mkpath(folder + "/report");
    const auto project = tunebench::demoProjectFile(folder.toStdString());
    tunebench::store::ProjectStore::create(project);
    writeFile(folder + "/tunebench-demo.json", "{}");
    writeFile(folder + "/report/report.md", "# report\n");
    QVERIFY(tunebench::isDemoComplete(folder.toStdString()));
    tunebench::PluginRegistry plugins;
    tunebench::builtin::registerBuiltinPlugins(plugins);
    MainWindow window(plugins);
    window.show();
    QSignalSpy opened(window.session(), &ProjectSession::opened);
    window.openDemo(folder);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(window.session()->snapshot().file, QString::fromStdString(project));
  }

  void saveAsContinuesInTheCopy() {
    QTemporaryDir dir;
    tunebench::PluginRegistry plugins;
    MainWindow window(plugins);
    QSignalSpy opened(window.session(), &ProjectSession::opened);
    window.newProjectAt(dir.filePath("original.tbproj"));
    QTRY_COMPARE(opened.count(), 1);
    QVERIFY(QDir().mkpath(dir.filePath("elsewhere")));
    window.saveProjectAsAt(dir.filePath("elsewhere/copy"));
    QTRY_COMPARE(opened.count(), 2);
    QCOMPARE(window.session()->snapshot().file, dir.filePath("elsewhere/copy.tbproj"));
    QCOMPARE(window.windowTitle(), QStringLiteral("copy.tbproj — Tunebench"));
    QVERIFY(QFile::exists(dir.filePath("original.tbproj")));
    QCOMPARE(RecentProjects().files().front(), dir.filePath("elsewhere/copy.tbproj"));
  }

  void aboutDialogShowsTheInstallationFacts() {
    tunebench::ui::AboutDialog dialog;
    QSignalSpy ready(&dialog, &tunebench::ui::AboutDialog::factsReady);
    dialog.show();
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 30000);
    QVERIFY2(dialog.factsText().contains("OpenBLAS"), qPrintable(dialog.factsText()));
    QVERIFY(dialog.factsText().contains("LibTorch"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
