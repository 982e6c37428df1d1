#pragma once
// The GUI's command line: `tunebench [--demo | PROJECT.tbproj]`, `--help`, `--version`.
// Parsed apart from main() so that it can be tested without starting the GUI.
#include <QString>
#include <QStringList>

namespace tunebench::ui {

struct GuiCommandLine {
  enum class Action {
    OpenWindow,  // start the GUI (with the demo or a project when asked)
    PrintText,   // print text (help or version) and exit with 0
    Fail,        // print text (the error) to stderr and exit with 2
  };
  Action action = Action::OpenWindow;
  bool demo = false;
  QString projectFile;  // absolute; empty: none
  QString text;         // help, version or error message
};

// arguments as QCoreApplication::arguments() gives them (the program first). The application's
// name and version must be set first (they appear in --help and --version).
GuiCommandLine parseGuiCommandLine(const QStringList& arguments);

// True when the arguments ask only for text (help or version): the GUI need not start, so this
// works without a display.
bool asksForTextOnly(const QStringList& arguments);

}  // namespace tunebench::ui
