#pragma once
// The dry-run estimate's figures (core/train/DryRunEstimate.h): peak memory measured and by
// formula, step time, tokens per second, the run's total time, trainable parameters and where
// the batches came from.
#include <QWidget>

#include "train/DryRunEstimate.h"

class QFormLayout;
class QLabel;

namespace tunebench::ui {

class EstimateView : public QWidget {
  Q_OBJECT
 public:
  explicit EstimateView(QWidget* parent = nullptr);

  void showEstimate(const DryRunEstimate& estimate);
  // A line in place of the figures: "Estimating…", an error, or what to do first.
  void showMessage(const QString& text);
  // Marks the figures as belonging to an earlier configuration (or clears the mark).
  void setStale(bool stale);

  bool hasEstimate() const { return hasEstimate_; }
  // The shown value of a figure: "peak", "increase", "formula", "step", "throughput", "total",
  // "parameters", "batches".
  QString figure(const QString& name) const;

 private:
  QLabel* addFigure(QFormLayout* form, const QString& name, const QString& label,
                    const QString& tip);

  QLabel* message_;
  QWidget* figures_;
  bool hasEstimate_ = false;
};

}  // namespace tunebench::ui
