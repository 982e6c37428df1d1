// tunebench: the desktop workbench. `tunebench [--demo | PROJECT.tbproj]`, `--help`, `--version`.
#include <QApplication>
#include <cstdio>

#include "GuiCommandLine.h"
#include "MainWindow.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Version.h"
#include "system/BlasTuning.h"
#include "system/SystemInfo.h"

namespace {

void nameApplication() {
  QCoreApplication::setOrganizationName(QStringLiteral("Tunebench"));
  QCoreApplication::setApplicationName(QStringLiteral("Tunebench"));
  QCoreApplication::setApplicationVersion(QString::fromLatin1(tunebench::kVersion));
}

// Prints help, version or an error; the exit status of a command line that opens no window.
int answer(const tunebench::ui::GuiCommandLine& commandLine) {
  const bool failed = commandLine.action == tunebench::ui::GuiCommandLine::Action::Fail;
  std::fputs(commandLine.text.toLocal8Bit().constData(), failed ? stderr : stdout);
  return failed ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  using tunebench::ui::GuiCommandLine;
  QStringList arguments;
  for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
  if (tunebench::ui::asksForTextOnly(arguments)) {
    // Help and version need no display.
    QCoreApplication app(argc, argv);
    nameApplication();
    return answer(tunebench::ui::parseGuiCommandLine(QCoreApplication::arguments()));
  }

  tunebench::restartWithBetterBlasIfNeeded(argv);
  QApplication app(argc, argv);
  nameApplication();
  // Parsed after QApplication has taken its own options (-platform, -style, ...).
  const auto commandLine = tunebench::ui::parseGuiCommandLine(QApplication::arguments());
  if (commandLine.action != GuiCommandLine::Action::OpenWindow) return answer(commandLine);

  tunebench::setIntraOpThreads(0);  // LibTorch would otherwise use one thread here
  auto plugins = tunebench::builtin::makeDefaultPluginRegistry();
  tunebench::ui::MainWindow window(*plugins);
  window.show();
  if (commandLine.demo)  // opens the demo project, running the demo first when needed
    window.openDemo(tunebench::ui::MainWindow::defaultDemoFolder());
  else if (!commandLine.projectFile.isEmpty())
    window.openProjectAt(commandLine.projectFile);
  return QApplication::exec();
}
