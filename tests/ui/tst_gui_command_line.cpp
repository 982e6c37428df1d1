// The GUI's command line: a project file to open, --demo, --help and --version; an unknown option
// and a missing project file are errors that say what is wrong.
#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "GuiCommandLine.h"

using tunebench::ui::asksForTextOnly;
using tunebench::ui::GuiCommandLine;
using tunebench::ui::parseGuiCommandLine;

namespace {

GuiCommandLine parse(QStringList arguments) {
  arguments.prepend(QStringLiteral("tunebench"));
  return parseGuiCommandLine(arguments);
}

}  // namespace

class TestGuiCommandLine : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QCoreApplication::setApplicationName(QStringLiteral("Tunebench"));
    QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
  }

  void nothingOpensAnEmptyWindow() {
    const auto line = parse({});
    QCOMPARE(line.action, GuiCommandLine::Action::OpenWindow);
    QVERIFY(!line.demo);
    QVERIFY(line.projectFile.isEmpty());
  }

  void demoOpensTheDemo() {
    const auto line = parse({QStringLiteral("--demo")});
    QCOMPARE(line.action, GuiCommandLine::Action::OpenWindow);
    QVERIFY(line.demo);
  }

  void aProjectFileIsOpened() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("mine.tbproj"));
    QFile project(file);
    QVERIFY(project.open(QIODevice::WriteOnly));
    project.close();
    const auto line = parse({file});
    QCOMPARE(line.action, GuiCommandLine::Action::OpenWindow);
    QCOMPARE(line.projectFile, file);
    QVERIFY(!line.demo);
  }

  void aMissingProjectFileIsNamed() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("gone.tbproj"));
    const auto line = parse({file});
    QCOMPARE(line.action, GuiCommandLine::Action::Fail);
    QVERIFY2(line.text.contains(QStringLiteral("the project file %1 does not exist").arg(file)),
             qPrintable(line.text));
  }

  void aFolderIsNotAProject() {
    QTemporaryDir dir;
    const auto line = parse({dir.path()});
    QCOMPARE(line.action, GuiCommandLine::Action::Fail);
    QVERIFY2(line.text.contains(dir.path()), qPrintable(line.text));
  }

  void anUnknownOptionIsAnError() {
    const auto line = parse({QStringLiteral("--frobnicate")});
    QCOMPARE(line.action, GuiCommandLine::Action::Fail);
    QVERIFY2(line.text.contains(QStringLiteral("frobnicate")), qPrintable(line.text));
    QVERIFY2(line.text.contains(QStringLiteral("--help")), qPrintable(line.text));
  }

  void demoAndAProjectAreNotBoth() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("mine.tbproj"));
    QFile project(file);
    QVERIFY(project.open(QIODevice::WriteOnly));
    project.close();
    const auto line = parse({QStringLiteral("--demo"), file});
    QCOMPARE(line.action, GuiCommandLine::Action::Fail);
    QVERIFY2(line.text.contains(QStringLiteral("--demo")), qPrintable(line.text));
  }

  void twoProjectsAreAnError() {
    const auto line = parse({QStringLiteral("a.tbproj"), QStringLiteral("b.tbproj")});
    QCOMPARE(line.action, GuiCommandLine::Action::Fail);
    QVERIFY2(line.text.contains(QStringLiteral("one project file at most")), qPrintable(line.text));
  }

  void helpDescribesTheUsage() {
    const auto line = parse({QStringLiteral("--help")});
    QCOMPARE(line.action, GuiCommandLine::Action::PrintText);
    QVERIFY2(line.text.contains(QStringLiteral("--demo")), qPrintable(line.text));
    QVERIFY2(line.text.contains(QStringLiteral("PROJECT.tbproj")), qPrintable(line.text));
    QVERIFY(asksForTextOnly({QStringLiteral("tunebench"), QStringLiteral("--help")}));
  }

  void versionSaysTheVersion() {
    const auto line = parse({QStringLiteral("--version")});
    QCOMPARE(line.action, GuiCommandLine::Action::PrintText);
    QCOMPARE(line.text, QStringLiteral("Tunebench 9.8.7\n"));
    QVERIFY(asksForTextOnly({QStringLiteral("tunebench"), QStringLiteral("-v")}));
    QVERIFY(!asksForTextOnly({QStringLiteral("tunebench"), QStringLiteral("--demo")}));
  }
};

QTEST_GUILESS_MAIN(TestGuiCommandLine)
#include "tst_gui_command_line.moc"
