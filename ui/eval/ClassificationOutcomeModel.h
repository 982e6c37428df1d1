#pragma once
// The examples of a classifier's evaluation as a table: line, text, label, predicted class, its
// probability and whether the prediction is right. Under EvaluationOutcomeModel::kMatchRole
// every column gives whether it is right, so that MismatchFilterModel can keep the mistakes.
#include <QAbstractTableModel>
#include <vector>

#include "eval/ClassifierEvaluation.h"

namespace tunebench::ui {

class ClassificationOutcomeModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kLine, kText, kLabel, kPredicted, kProbability, kCorrect, kColumns };

  explicit ClassificationOutcomeModel(QObject* parent = nullptr);

  void setOutcomes(const std::vector<ClassifiedExample>& outcomes);
  void clear();
  const ClassifiedExample& outcome(int row) const { return outcomes_.at(static_cast<size_t>(row)); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<ClassifiedExample> outcomes_;
};

}  // namespace tunebench::ui
