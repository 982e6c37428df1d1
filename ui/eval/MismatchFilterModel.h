#pragma once
// Shows all rows of an EvaluationOutcomeModel, or only those whose answer does not match.
#include <QSortFilterProxyModel>

namespace tunebench::ui {

class MismatchFilterModel : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit MismatchFilterModel(QObject* parent = nullptr);

  bool onlyMismatches() const { return onlyMismatches_; }
  void setOnlyMismatches(bool on);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  bool onlyMismatches_ = false;
};

}  // namespace tunebench::ui
