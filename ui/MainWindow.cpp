#include "MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

#include "AboutDialog.h"
#include "Stage.h"
#include "UnbuiltStagePanel.h"
#include "plugins/PluginRegistry.h"

namespace tunebench::ui {

MainWindow::MainWindow(const PluginRegistry& plugins, QWidget* parent)
    : QMainWindow(parent), plugins_(plugins) {
  setWindowTitle(tr("Tunebench"));
  auto* splitter = new QSplitter(this);
  splitter->setObjectName(QStringLiteral("mainSplitter"));
  navigator_ = new QListWidget(splitter);
  navigator_->setObjectName(QStringLiteral("stageNavigator"));
  navigator_->setAccessibleName(tr("Stages"));
  panels_ = new QStackedWidget(splitter);
  panels_->setObjectName(QStringLiteral("stagePanels"));

  int index = 0;
  for (const auto& stage : allStages()) {
    auto* item = new QListWidgetItem(tr("%1. %2").arg(index + 1).arg(stage.title), navigator_);
    item->setToolTip(tr("%1 (Ctrl+%2)").arg(stage.summary).arg(index + 1));
    panels_->addWidget(new UnbuiltStagePanel(stage, panels_));
    ++index;
  }
  navigator_->setMaximumWidth(220);
  splitter->setStretchFactor(1, 1);
  setCentralWidget(splitter);
  connect(navigator_, &QListWidget::currentRowChanged, this, &MainWindow::showStage);
  navigator_->setCurrentRow(0);

  buildMenus();
  restoreLayout();

  if (!plugins_.failures().empty()) {
    statusBar()->showMessage(
        tr("%n plugin(s) could not be loaded — see Help ▸ Plugins", nullptr,
           static_cast<int>(plugins_.failures().size())));
  } else {
    statusBar()->showMessage(tr("Ready"));
  }
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  // Projects arrive with the project store; until then these say so rather than pretend.
  for (const auto& [text, key] : {std::pair{tr("&New Project…"), QKeySequence::New},
                                  std::pair{tr("&Open Project…"), QKeySequence::Open}}) {
    auto* action = file->addAction(text);
    action->setShortcut(key);
    action->setEnabled(false);
    action->setStatusTip(tr("Projects are not available yet in this version"));
  }
  auto* recent = file->addMenu(tr("Open &Recent"));
  recent->setEnabled(false);
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* view = menuBar()->addMenu(tr("&Stage"));
  int index = 0;
  for (const auto& stage : allStages()) {
    auto* action = view->addAction(stage.title, this, [this, index] { showStage(index); });
    action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
    ++index;
  }

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Plugins…"), this, &MainWindow::showPluginReport);
  help->addAction(tr("&About Tunebench"), this, &MainWindow::showAbout);
}

void MainWindow::showStage(int index) {
  if (index < 0 || index >= panels_->count()) return;
  panels_->setCurrentIndex(index);
  if (navigator_->currentRow() != index) navigator_->setCurrentRow(index);
}

void MainWindow::showAbout() {
  auto* dialog = new AboutDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
}

void MainWindow::showPluginReport() {
  QString text = tr("<b>Loaded plugins</b><ul>");
  for (const auto& plugin : plugins_.plugins()) {
    text += QStringLiteral("<li>%1 [%2]<ul>")
                .arg(QString::fromStdString(plugin.name).toHtmlEscaped(),
                     QString::fromStdString(plugin.source).toHtmlEscaped());
    for (const auto& contribution : plugin.contributions)
      text += QStringLiteral("<li>%1</li>").arg(QString::fromStdString(contribution).toHtmlEscaped());
    text += QStringLiteral("</ul></li>");
  }
  text += QStringLiteral("</ul>");
  if (!plugins_.failures().empty()) {
    text += tr("<b>Could not be loaded</b><ul>");
    for (const auto& failure : plugins_.failures())
      text += QStringLiteral("<li>%1: %2</li>")
                  .arg(QString::fromStdString(failure.source).toHtmlEscaped(),
                       QString::fromStdString(failure.problem).toHtmlEscaped());
    text += QStringLiteral("</ul>");
  }
  QMessageBox::information(this, tr("Plugins"), text);
}

void MainWindow::restoreLayout() {
  QSettings settings;
  if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
    resize(1100, 720);
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
  showStage(settings.value(QStringLiteral("mainWindow/stage"), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  settings.setValue(QStringLiteral("mainWindow/stage"), panels_->currentIndex());
  event->accept();
}

}  // namespace tunebench::ui
