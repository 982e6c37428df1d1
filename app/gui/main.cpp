// tunebench: the desktop workbench.
#include <QApplication>

#include "MainWindow.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Version.h"
#include "system/SystemInfo.h"
#include "system/BlasTuning.h"

int main(int argc, char** argv) {
  tunebench::restartWithBetterBlasIfNeeded(argv);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Tunebench"));
  QApplication::setApplicationName(QStringLiteral("Tunebench"));
  QApplication::setApplicationVersion(QString::fromLatin1(tunebench::kVersion));

  tunebench::setIntraOpThreads(0);  // LibTorch would otherwise use one thread here
  auto plugins = tunebench::builtin::makeDefaultPluginRegistry();
  tunebench::ui::MainWindow window(*plugins);
  window.show();
  // --demo opens the demo project, running the demo first when needed.
  if (QApplication::arguments().contains(QStringLiteral("--demo")))
    window.openDemo(tunebench::ui::MainWindow::defaultDemoFolder());
  return QApplication::exec();
}
