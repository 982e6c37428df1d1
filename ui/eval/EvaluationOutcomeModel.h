#pragma once
// The examples of an evaluation as a table: prompt, expected answer, generated answer and whether
// they match. Filled from a fresh result or from the items stored in the project.
#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "eval/Evaluation.h"
#include "store/EvaluationRepository.h"

namespace tunebench::ui {

class EvaluationOutcomeModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kIndex, kPrompt, kExpected, kGenerated, kMatch, kColumns };
  // Under Qt::UserRole every column gives whether the row's answer matches.
  static constexpr int kMatchRole = Qt::UserRole;

  struct Row {
    QString prompt, expected, generated;
    bool match = false;
  };

  explicit EvaluationOutcomeModel(QObject* parent = nullptr);

  void setOutcomes(const std::vector<ExampleOutcome>& outcomes);
  // A stored item matches when its score is 1.
  void setItems(const std::vector<store::EvaluationItem>& items);
  void clear();
  const Row& row(int index) const { return rows_.at(static_cast<size_t>(index)); }
  int mismatchCount() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<Row> rows_;
};

}  // namespace tunebench::ui
