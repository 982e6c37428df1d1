// MainWindow's demo: opens the demo project, running the demo first (as a job with progress
// in the jobs area) when it has not been made yet.
#include <QStatusBar>

#include "MainWindow.h"
#include "common/Paths.h"
#include "demo/DemoRun.h"
#include "jobs/JobRunner.h"
#include "plugins/PluginRegistry.h"

namespace tunebench::ui {

QString MainWindow::defaultDemoFolder() {
  return QString::fromStdString((userDataDirectory() / "demo").string());
}

void MainWindow::openDemo(const QString& folder) {
  const std::string demoFolder = folder.toStdString();
  if (isDemoComplete(demoFolder)) {
    openProjectAt(QString::fromStdString(demoProjectFile(demoFolder)));
    return;
  }
  auto importer = plugins_.findImporter("jsonl");
  if (!importer) {
    showError(tr("Demo"), tr("The built-in JSON Lines importer is missing."));
    return;
  }
  DemoOptions options;
  options.folder = demoFolder;
  options.replace = true;  // an unfinished earlier demo in its own folder
  auto* runner = new JobRunner(std::make_unique<DemoJob>(options, importer), this);
  connect(runner, &JobRunner::finished, this, [this, runner, folder] {
    runner->deleteLater();
    if (runner->outcome() == JobRunner::Outcome::Succeeded) {
      const auto& outcome = static_cast<DemoJob&>(runner->job()).outcome();
      if (!outcome) return;
      openProjectAt(QString::fromStdString(outcome->projectFile));
      statusBar()->showMessage(
          tr("Demo finished: exact match %1 % before, %2 % after LoRA. Report: %3")
              .arg(100 * outcome->accuracyBefore, 0, 'f', 1)
              .arg(100 * outcome->accuracyAfter, 0, 'f', 1)
              .arg(QString::fromStdString(outcome->reportFile)));
    } else if (runner->outcome() == JobRunner::Outcome::Failed) {
      showError(tr("Demo"), runner->errorText());
    }
  });
  trackJob(runner);
  runner->start();
  statusBar()->showMessage(tr("Running the demo in %1 …").arg(folder));
}

}  // namespace tunebench::ui
