#include "jobs/JobsArea.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include "jobs/JobRunner.h"

namespace tunebench::ui {

JobsArea::JobsArea(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("jobsArea"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  text_ = new QLabel(this);
  text_->setObjectName(QStringLiteral("jobText"));
  bar_ = new QProgressBar(this);
  bar_->setObjectName(QStringLiteral("jobProgress"));
  bar_->setMaximumWidth(180);
  bar_->setTextVisible(false);
  eta_ = new QLabel(this);
  eta_->setObjectName(QStringLiteral("jobEta"));
  cancel_ = new QToolButton(this);
  cancel_->setObjectName(QStringLiteral("jobCancel"));
  cancel_->setText(tr("Cancel"));
  cancel_->setToolTip(tr("Cancel the running job (Ctrl+.)"));
  layout->addWidget(text_);
  layout->addWidget(bar_);
  layout->addWidget(eta_);
  layout->addWidget(cancel_);
  connect(cancel_, &QToolButton::clicked, this, &JobsArea::cancelShown);
  setVisible(false);
}

void JobsArea::track(JobRunner* runner) {
  runners_.append(runner);
  connect(runner, &JobRunner::progressChanged, this, [this, runner] {
    if (!runners_.isEmpty() && runners_.front() == runner) refresh();
  });
  connect(runner, &JobRunner::finished, this, [this, runner] {
    runners_.removeAll(runner);
    refresh();
  });
  connect(runner, &QObject::destroyed, this, [this] {
    runners_.removeAll(nullptr);
    refresh();
  });
  refresh();
}

void JobsArea::cancelShown() {
  if (!runners_.isEmpty() && runners_.front()) {
    runners_.front()->cancel();
    text_->setText(tr("Canceling %1…").arg(runners_.front()->name()));
    cancel_->setEnabled(false);
  }
}

QString JobsArea::text() const {
  return text_->text();
}
QString JobsArea::etaText() const {
  return eta_->text();
}
int JobsArea::progressValue() const {
  return bar_->value();
}

void JobsArea::refresh() {
  runners_.removeAll(nullptr);
  if (runners_.isEmpty()) {
    setVisible(false);
    return;
  }
  JobRunner* shown = runners_.front();
  const auto progress = shown->progress();
  QString text = progress.text.isEmpty() ? shown->name() : progress.text;
  if (runners_.size() > 1)
    text += tr(" (+%n more)", nullptr, static_cast<int>(runners_.size() - 1));
  text_->setText(text);
  text_->setToolTip(shown->name());
  if (progress.total > 0) {
    // QProgressBar holds ints: show per mille so byte counts above 2^31 fit.
    bar_->setRange(0, 1000);
    bar_->setValue(static_cast<int>(1000.0 * static_cast<double>(progress.done) /
                                    static_cast<double>(progress.total)));
  } else {
    bar_->setRange(0, 0);  // busy indicator: the amount of work is unknown
  }
  eta_->setText(shown->isPaused() ? tr("paused") : formatEta(shown->etaSeconds()));
  cancel_->setEnabled(true);
  setVisible(true);
}

}  // namespace tunebench::ui
