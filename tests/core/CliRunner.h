#pragma once
// Runs the real tunebench-cli binary of this build and collects what it printed.
#include <QProcess>
#include <QString>
#include <QStringList>

struct CliResult {
  int exitCode;  // -1: timed out, -2: crashed
  QString out;
  QString err;
};

inline CliResult runCli(const QStringList& arguments) {
  QProcess process;
  process.start(QStringLiteral(TUNEBENCH_BINARY_DIR "/bin/tunebench-cli"), arguments);
  if (!process.waitForFinished(120000)) return {-1, {}, QStringLiteral("timed out")};
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}
