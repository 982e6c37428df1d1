#include "NoProjectPanel.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace tunebench::ui {

NoProjectPanel::NoProjectPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("noProjectPanel"));
  auto* layout = new QVBoxLayout(this);
  auto* title = new QLabel(tr("<h2>Open or create a project</h2>"), this);
  title->setObjectName(QStringLiteral("noProjectTitle"));
  layout->addWidget(title);
  auto* text =
      new QLabel(tr("A project is one file (*.tbproj) that keeps your datasets, models, runs and "
                    "evaluations together. The stages work on the open project."),
                 this);
  text->setWordWrap(true);
  layout->addWidget(text);

  auto* buttons = new QHBoxLayout;
  auto* create = new QPushButton(tr("&New Project…"), this);
  create->setToolTip(tr("Ctrl+N"));
  auto* open = new QPushButton(tr("&Open Project…"), this);
  open->setToolTip(tr("Ctrl+O"));
  buttons->addWidget(create);
  buttons->addWidget(open);
  buttons->addStretch(1);
  layout->addLayout(buttons);
  connect(create, &QPushButton::clicked, this, &NoProjectPanel::newRequested);
  connect(open, &QPushButton::clicked, this, &NoProjectPanel::openRequested);

  auto* recentLabel = new QLabel(tr("&Recent projects:"), this);
  recent_ = new QListWidget(this);
  recent_->setObjectName(QStringLiteral("recentProjectsList"));
  recentLabel->setBuddy(recent_);
  layout->addSpacing(12);
  layout->addWidget(recentLabel);
  layout->addWidget(recent_, 1);
  // Enter or a double click opens: itemActivated covers both.
  connect(recent_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
    emit recentRequested(item->data(Qt::UserRole).toString());
  });
}

void NoProjectPanel::setRecentProjects(const QStringList& files) {
  recent_->clear();
  for (const auto& file : files) {
    auto* item = new QListWidgetItem(
        QStringLiteral("%1 — %2").arg(QFileInfo(file).fileName(),
                                      QDir::toNativeSeparators(QFileInfo(file).path())),
        recent_);
    item->setData(Qt::UserRole, file);
  }
}

}  // namespace tunebench::ui
