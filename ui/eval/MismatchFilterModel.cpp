#include "eval/MismatchFilterModel.h"

#include "eval/EvaluationOutcomeModel.h"

namespace tunebench::ui {

MismatchFilterModel::MismatchFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {}

void MismatchFilterModel::setOnlyMismatches(bool on) {
  if (on == onlyMismatches_) return;
  onlyMismatches_ = on;
  invalidateFilter();
}

bool MismatchFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  if (!onlyMismatches_) return true;
  const auto index = sourceModel()->index(sourceRow, 0, sourceParent);
  return !sourceModel()->data(index, EvaluationOutcomeModel::kMatchRole).toBool();
}

}  // namespace tunebench::ui
