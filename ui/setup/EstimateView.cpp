#include "setup/EstimateView.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include "model/MemoryEstimate.h"

namespace tunebench::ui {

namespace {

QString bytes(double value) {
  return QString::fromStdString(formatBytes(value));
}

QString duration(double seconds) {
  return QString::fromStdString(formatDuration(seconds));
}

}  // namespace

EstimateView::EstimateView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("estimateMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(message_);
  figures_ = new QWidget(this);
  auto* form = new QFormLayout(figures_);
  form->setContentsMargins(0, 0, 0, 0);
  addFigure(form, QStringLiteral("peak"), tr("Peak memory:"),
            tr("The process's highest resident memory during the steps"));
  addFigure(form, QStringLiteral("increase"), tr("Needed by the run:"),
            tr("How far the peak rose above the resident memory before the model was loaded: "
               "weights, gradients, optimiser state and activations"));
  addFigure(form, QStringLiteral("formula"), tr("By formula:"),
            tr("Weights, gradients and AdamW states computed from the model's shape "
               "(activations not included), for comparison"));
  addFigure(form, QStringLiteral("step"), tr("Step time:"),
            tr("Mean time of one optimiser step (all micro-batches), measured after an untimed "
               "warm-up step"));
  addFigure(form, QStringLiteral("throughput"), tr("Throughput:"),
            tr("Tokens processed per second in the timed steps"));
  addFigure(form, QStringLiteral("total"), tr("Training time:"),
            tr("The run's optimiser steps times the mean step time; validation and checkpoints "
               "add to it"));
  addFigure(form, QStringLiteral("parameters"), tr("Trainable parameters:"),
            tr("Parameters the optimiser updates, of all the model's parameters"));
  addFigure(form, QStringLiteral("batches"), tr("Batches:"), tr("What the steps ran on"));
  layout->addWidget(figures_);
  layout->addStretch(1);
  figures_->setVisible(false);
  showMessage(
      tr("Estimate (Ctrl+Shift+E) runs a few training steps of this configuration on a "
         "worker thread and measures peak memory and step time. Nothing is written."));
}

QLabel* EstimateView::addFigure(QFormLayout* form, const QString& name, const QString& label,
                                const QString& tip) {
  auto* value = new QLabel(figures_);
  value->setObjectName(QStringLiteral("estimate:") + name);
  value->setTextInteractionFlags(Qt::TextSelectableByMouse);
  value->setWordWrap(true);
  value->setToolTip(tip);
  form->addRow(label, value);
  if (auto* caption = qobject_cast<QLabel*>(form->labelForField(value))) caption->setToolTip(tip);
  return value;
}

void EstimateView::showEstimate(const DryRunEstimate& e) {
  auto set = [this](const QString& name, const QString& text) {
    findChild<QLabel*>(QStringLiteral("estimate:") + name)->setText(text);
  };
  const QLocale locale;
  set(QStringLiteral("peak"), tr("%1 (%2)").arg(bytes(static_cast<double>(e.peakResidentBytes)),
                                                QString::fromStdString(e.memoryMethod)));
  set(QStringLiteral("increase"), bytes(static_cast<double>(e.peakIncreaseBytes())));
  set(QStringLiteral("formula"),
      tr("%1 (%2; %3)")
          .arg(bytes(e.formulaBytes), QString::fromStdString(e.formulaMethod),
               QString::fromStdString(e.formulaAssumptions)));
  set(QStringLiteral("step"),
      tr("%1 mean of %2 steps (fastest %3, slowest %4)")
          .arg(duration(e.meanStepSeconds))
          .arg(e.timedSteps)
          .arg(duration(e.fastestStepSeconds), duration(e.slowestStepSeconds)));
  set(QStringLiteral("throughput"),
      tr("%1 tokens/s").arg(locale.toString(e.tokensPerSecond, 'f', 0)));
  set(QStringLiteral("total"),
      e.totalSteps > 0
          ? tr("%1 for %2 optimiser steps")
                .arg(duration(e.estimatedTrainingSeconds))
                .arg(e.totalSteps)
          : tr("unknown: set max steps, or choose the training file so the steps can be counted"));
  const double share = e.totalParameters > 0 ? 100.0 * static_cast<double>(e.trainableParameters) /
                                                   static_cast<double>(e.totalParameters)
                                             : 0.0;
  set(QStringLiteral("parameters"),
      tr("%1 of %2 (%3 %)")
          .arg(locale.toString(static_cast<qlonglong>(e.trainableParameters)),
               locale.toString(static_cast<qlonglong>(e.totalParameters)),
               locale.toString(share, 'f', 2)));
  set(QStringLiteral("batches"),
      tr("%1; batch %2 × accumulation %3, longest row %4 tokens (max length %5), on the %6")
          .arg(QString::fromStdString(e.dataNote))
          .arg(e.batchSize)
          .arg(e.gradientAccumulation)
          .arg(e.longestRow)
          .arg(e.maxLength)
          .arg(QString::fromStdString(e.device)));
  hasEstimate_ = true;
  figures_->setVisible(true);
  message_->setText(tr("Measured estimate"));
}

void EstimateView::showMessage(const QString& text) {
  message_->setText(text);
}

void EstimateView::setStale(bool stale) {
  if (!hasEstimate_) return;
  message_->setText(stale ? tr("Measured for an earlier configuration: estimate again to update.")
                          : tr("Measured estimate"));
}

QString EstimateView::figure(const QString& name) const {
  auto* label = findChild<QLabel*>(QStringLiteral("estimate:") + name);
  return label && hasEstimate_ ? label->text() : QString();
}

}  // namespace tunebench::ui
