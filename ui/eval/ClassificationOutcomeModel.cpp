#include "eval/ClassificationOutcomeModel.h"

#include "eval/EvaluationOutcomeModel.h"

namespace tunebench::ui {

ClassificationOutcomeModel::ClassificationOutcomeModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ClassificationOutcomeModel::setOutcomes(const std::vector<ClassifiedExample>& outcomes) {
  beginResetModel();
  outcomes_ = outcomes;
  endResetModel();
}

void ClassificationOutcomeModel::clear() {
  beginResetModel();
  outcomes_.clear();
  endResetModel();
}

int ClassificationOutcomeModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(outcomes_.size());
}

int ClassificationOutcomeModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumns;
}

QVariant ClassificationOutcomeModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto& outcome = outcomes_[static_cast<size_t>(index.row())];
  if (role == EvaluationOutcomeModel::kMatchRole) return outcome.correct;
  if (role == Qt::TextAlignmentRole && (index.column() == kLine || index.column() == kProbability))
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && index.column() == kText)
    return QString::fromStdString(outcome.text);
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kLine:
      return QVariant::fromValue<qint64>(outcome.line);
    case kText: {
      QString text = QString::fromStdString(outcome.text);
      text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
      return text.size() > 300 ? text.left(300) + QStringLiteral("…") : text;
    }
    case kLabel:
      return QString::fromStdString(outcome.label);
    case kPredicted:
      return QString::fromStdString(outcome.predicted);
    case kProbability:
      return QString::number(outcome.probability, 'f', 3);
    case kCorrect:
      return outcome.correct ? tr("yes") : tr("no");
    default:
      return {};
  }
}

QVariant ClassificationOutcomeModel::headerData(int section, Qt::Orientation orientation,
                                                int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kLine:
      return tr("Line");
    case kText:
      return tr("Text");
    case kLabel:
      return tr("Label");
    case kPredicted:
      return tr("Predicted");
    case kProbability:
      return tr("Probability");
    case kCorrect:
      return tr("Right");
    default:
      return {};
  }
}

}  // namespace tunebench::ui
