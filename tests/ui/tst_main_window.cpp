#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QtTest>

#include "AboutDialog.h"
#include "MainWindow.h"
#include "builtin/BuiltinPlugins.h"

using tunebench::ui::MainWindow;

class MainWindowTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("TunebenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
  }

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
    // Unbuilt stages say so plainly.
    auto* notice = window.panels()->currentWidget()->findChild<QLabel*>(QStringLiteral("notBuiltNotice"));
    QVERIFY(notice);
    QVERIFY(notice->text().contains("not built yet"));
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
