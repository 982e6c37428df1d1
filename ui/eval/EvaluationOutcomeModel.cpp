#include "eval/EvaluationOutcomeModel.h"

#include <algorithm>

#include "data/PromptFormat.h"

namespace tunebench::ui {

namespace {

// One line in a cell; the tooltip keeps the whole text.
QString oneLine(const QString& text) {
  QString line = text;
  line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
  return line.size() > 300 ? line.left(300) + QStringLiteral("…") : line;
}

}  // namespace

EvaluationOutcomeModel::EvaluationOutcomeModel(QObject* parent) : QAbstractTableModel(parent) {}

void EvaluationOutcomeModel::setOutcomes(const std::vector<ExampleOutcome>& outcomes) {
  beginResetModel();
  rows_.clear();
  rows_.reserve(outcomes.size());
  for (const auto& outcome : outcomes)
    rows_.push_back({QString::fromStdString(outcome.prompt),
                     QString::fromStdString(outcome.reference),
                     QString::fromStdString(outcome.generated), outcome.exactMatch});
  endResetModel();
}

void EvaluationOutcomeModel::setItems(const std::vector<store::EvaluationItem>& items) {
  beginResetModel();
  rows_.clear();
  rows_.reserve(items.size());
  for (const auto& item : items)
    rows_.push_back({QString::fromStdString(item.input), QString::fromStdString(item.expected),
                     QString::fromStdString(item.output), item.score && *item.score >= 1.0});
  endResetModel();
}

void EvaluationOutcomeModel::clear() {
  beginResetModel();
  rows_.clear();
  endResetModel();
}

int EvaluationOutcomeModel::mismatchCount() const {
  return static_cast<int>(
      std::count_if(rows_.begin(), rows_.end(), [](const Row& row) { return !row.match; }));
}

int EvaluationOutcomeModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int EvaluationOutcomeModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumns;
}

QVariant EvaluationOutcomeModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& r = rows_[static_cast<size_t>(index.row())];
  if (role == kMatchRole) return r.match;
  const auto text = [&]() -> QString {
    switch (index.column()) {
      case kPrompt:
        return r.prompt;
      case kExpected:
        return r.expected;
      case kGenerated:
        return r.generated;
      default:
        return {};
    }
  };
  switch (role) {
    case Qt::DisplayRole:
      if (index.column() == kIndex) return index.row() + 1;
      if (index.column() == kMatch) return r.match ? tr("yes") : tr("no");
      // A templated prompt shows what was asked; the tooltip has the whole prompt.
      if (index.column() == kPrompt)
        return oneLine(QString::fromStdString(instructionOfRenderedPrompt(r.prompt.toStdString())));
      return oneLine(text());
    case Qt::ToolTipRole:
      if (index.column() == kIndex || index.column() == kMatch) return {};
      return text();
    case Qt::AccessibleTextRole:
      if (index.column() == kMatch) return r.match ? tr("matches") : tr("does not match");
      return {};
    default:
      return {};
  }
}

QVariant EvaluationOutcomeModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kIndex:
      return tr("#");
    case kPrompt:
      return tr("Prompt");
    case kExpected:
      return tr("Expected");
    case kGenerated:
      return tr("Generated");
    case kMatch:
      return tr("Match");
    default:
      return {};
  }
}

}  // namespace tunebench::ui
