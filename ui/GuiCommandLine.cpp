#include "GuiCommandLine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

namespace tunebench::ui {

namespace {

GuiCommandLine failure(const QString& message) {
  GuiCommandLine result;
  result.action = GuiCommandLine::Action::Fail;
  result.text =
      QStringLiteral("tunebench: %1\nRun 'tunebench --help' for the usage.\n").arg(message);
  return result;
}

GuiCommandLine text(const QString& text) {
  GuiCommandLine result;
  result.action = GuiCommandLine::Action::PrintText;
  result.text = text;
  return result;
}

}  // namespace

GuiCommandLine parseGuiCommandLine(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      QCoreApplication::translate("GuiCommandLine",
                                  "Tunebench: a workbench for fine-tuning "
                                  "language models."));
  const auto help = parser.addHelpOption();
  const auto version = parser.addVersionOption();
  const QCommandLineOption demo(
      QStringLiteral("demo"),
      QCoreApplication::translate("GuiCommandLine",
                                  "Open the demo project, running the demo first when it is "
                                  "not there."));
  parser.addOption(demo);
  parser.addPositionalArgument(
      QStringLiteral("project"),
      QCoreApplication::translate("GuiCommandLine", "A project file (*.tbproj) to open."),
      QStringLiteral("[PROJECT.tbproj]"));

  const bool parsed = parser.parse(arguments);
  // Help and version win over everything else, as they do in most programs.
  if (parser.isSet(help)) return text(parser.helpText());
  if (parser.isSet(version))
    return text(QStringLiteral("%1 %2\n").arg(QCoreApplication::applicationName(),
                                              QCoreApplication::applicationVersion()));
  if (!parsed) return failure(parser.errorText());

  const auto positional = parser.positionalArguments();
  if (positional.size() > 1)
    return failure(QStringLiteral("one project file at most, got %1: %2")
                       .arg(positional.size())
                       .arg(positional.join(QStringLiteral(", "))));
  GuiCommandLine result;
  result.demo = parser.isSet(demo);
  if (positional.isEmpty()) return result;
  if (result.demo) return failure(QStringLiteral("give either --demo or a project file, not both"));
  const QFileInfo file(positional.front());
  if (!file.exists())
    return failure(
        QStringLiteral("the project file %1 does not exist").arg(file.absoluteFilePath()));
  if (!file.isFile())
    return failure(QStringLiteral("%1 is not a file: give a project file (*.tbproj)")
                       .arg(file.absoluteFilePath()));
  result.projectFile = file.absoluteFilePath();
  return result;
}

bool asksForTextOnly(const QStringList& arguments) {
  static const QStringList textOptions = {QStringLiteral("-h"), QStringLiteral("--help"),
                                          QStringLiteral("-?"), QStringLiteral("-v"),
                                          QStringLiteral("--version")};
  for (qsizetype i = 1; i < arguments.size(); ++i) {
    if (arguments[i] == QStringLiteral("--")) return false;
    if (textOptions.contains(arguments[i])) return true;
  }
  return false;
}

}  // namespace tunebench::ui
