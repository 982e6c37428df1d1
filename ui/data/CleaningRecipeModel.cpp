#include "data/CleaningRecipeModel.h"

#include <QColor>

#include "data/CleaningStepCatalog.h"

namespace tunebench::ui {

CleaningRecipeModel::CleaningRecipeModel(QObject* parent) : QAbstractListModel(parent) {}

int CleaningRecipeModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(steps_.size());
}

QString CleaningRecipeModel::countsLine(const Step& s) const {
  if (!s.problem.isEmpty()) return tr("Problem: %1").arg(s.problem);
  if (!s.enabled) return tr("off");
  if (!s.report) return tr("not previewed yet");
  const auto& r = *s.report;
  QString line = tr("%1 in · %2 kept · %3 removed · %4 changed")
                     .arg(r.before)
                     .arg(r.kept)
                     .arg(r.removed)
                     .arg(r.changed);
  if (r.added) line += tr(" · %1 added").arg(r.added);
  return line;
}

QVariant CleaningRecipeModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= steps_.size()) return {};
  const Step& s = steps_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
      return QStringLiteral("%1. %2\n%3")
          .arg(index.row() + 1)
          .arg(cleaningStepTitle(s.id), countsLine(s));
    case Qt::AccessibleTextRole:
      return QStringLiteral("%1, %2").arg(cleaningStepTitle(s.id), countsLine(s));
    case Qt::ToolTipRole: {
      const auto* kind = findCleaningStepKind(s.id);
      QString tip = kind ? kind->help : QString();
      if (!s.problem.isEmpty()) tip += QStringLiteral("\n\n") + s.problem;
      return tip;
    }
    case Qt::CheckStateRole:
      return s.enabled ? Qt::Checked : Qt::Unchecked;
    case Qt::ForegroundRole:
      if (!s.problem.isEmpty()) return QColor(180, 30, 30);
      if (!s.enabled) return QColor(128, 128, 128);
      return {};
    case IdRole:
      return s.id;
    case ProblemRole:
      return s.problem;
    case HasReportRole:
      return s.report.has_value();
    case BeforeRole:
      return s.report ? QVariant(qint64(s.report->before)) : QVariant();
    case KeptRole:
      return s.report ? QVariant(qint64(s.report->kept)) : QVariant();
    case RemovedRole:
      return s.report ? QVariant(qint64(s.report->removed)) : QVariant();
    case ChangedRole:
      return s.report ? QVariant(qint64(s.report->changed)) : QVariant();
    case AddedRole:
      return s.report ? QVariant(qint64(s.report->added)) : QVariant();
    default:
      return {};
  }
}

bool CleaningRecipeModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::CheckStateRole) return false;
  setEnabled(index.row(), value.toInt() == Qt::Checked);
  return true;
}

Qt::ItemFlags CleaningRecipeModel::flags(const QModelIndex& index) const {
  // Drops land between rows only, never on a row.
  if (!index.isValid()) return Qt::ItemIsDropEnabled;
  return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsDragEnabled;
}

bool CleaningRecipeModel::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                                   const QModelIndex& destinationParent, int destinationChild) {
  if (sourceParent.isValid() || destinationParent.isValid() || count != 1) return false;
  if (sourceRow < 0 || sourceRow >= steps_.size()) return false;
  if (destinationChild < 0 || destinationChild > steps_.size()) return false;
  // Qt's destination is the row before which the step goes; a move onto itself does nothing.
  if (destinationChild == sourceRow || destinationChild == sourceRow + 1) return false;
  if (!beginMoveRows({}, sourceRow, sourceRow, {}, destinationChild)) return false;
  const int to = destinationChild > sourceRow ? destinationChild - 1 : destinationChild;
  steps_.move(sourceRow, to);
  endMoveRows();
  // Every row's number changed.
  emit dataChanged(index(0), index(int(steps_.size()) - 1), {Qt::DisplayRole});
  changed();
  return true;
}

bool CleaningRecipeModel::moveStep(int from, int to) {
  if (from < 0 || from >= steps_.size() || to < 0 || to >= steps_.size() || from == to)
    return false;
  return moveRows({}, from, 1, {}, to > from ? to + 1 : to);
}

bool CleaningRecipeModel::removeRows(int row, int count, const QModelIndex& parent) {
  if (parent.isValid() || row < 0 || count < 1 || row + count > steps_.size()) return false;
  beginRemoveRows({}, row, row + count - 1);
  steps_.remove(row, count);
  endRemoveRows();
  if (!steps_.isEmpty())
    emit dataChanged(index(0), index(int(steps_.size()) - 1), {Qt::DisplayRole});
  changed();
  return true;
}

int CleaningRecipeModel::addStep(const QString& id, const nlohmann::json& settings, bool enabled) {
  const int row = int(steps_.size());
  beginInsertRows({}, row, row);
  Step step;
  step.id = id;
  step.enabled = enabled;
  step.settings = settings.is_object() ? settings : nlohmann::json::object();
  steps_.append(step);
  endInsertRows();
  changed();
  return row;
}

void CleaningRecipeModel::setEnabled(int row, bool enabled) {
  if (row < 0 || row >= steps_.size() || steps_[row].enabled == enabled) return;
  steps_[row].enabled = enabled;
  emit dataChanged(index(row), index(row));
  changed();
}

void CleaningRecipeModel::setSettings(int row, const nlohmann::json& settings) {
  if (row < 0 || row >= steps_.size() || steps_[row].settings == settings) return;
  steps_[row].settings = settings;
  changed();
}

bool CleaningRecipeModel::hasProblems() const {
  for (const auto& s : steps_)
    if (!s.problem.isEmpty()) return true;
  return false;
}

int CleaningRecipeModel::enabledCount() const {
  int n = 0;
  for (const auto& s : steps_) n += s.enabled;
  return n;
}

nlohmann::json CleaningRecipeModel::toJson() const {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : steps_)
    steps.push_back({{"id", s.id.toStdString()}, {"enabled", s.enabled}, {"settings", s.settings}});
  return {{"steps", steps}};
}

void CleaningRecipeModel::setRecipe(const nlohmann::json& recipe) {
  beginResetModel();
  steps_.clear();
  for (const auto& entry : recipe.at("steps")) {
    Step step;
    step.id = QString::fromStdString(entry.at("id").get<std::string>());
    step.enabled = entry.value("enabled", true);
    step.settings = entry.value("settings", nlohmann::json::object());
    steps_.append(step);
  }
  endResetModel();
  changed();
}

void CleaningRecipeModel::setOutcome(const QVector<QString>& problems,
                                     const std::vector<std::optional<StepReport>>& reports) {
  for (int row = 0; row < steps_.size(); ++row) {
    steps_[row].problem = row < problems.size() ? problems[row] : QString();
    steps_[row].report = size_t(row) < reports.size() ? reports[size_t(row)] : std::nullopt;
  }
  if (!steps_.isEmpty()) emit dataChanged(index(0), index(int(steps_.size()) - 1));
}

void CleaningRecipeModel::clearOutcome() {
  for (auto& s : steps_) s.report.reset();
  if (!steps_.isEmpty()) emit dataChanged(index(0), index(int(steps_.size()) - 1));
}

void CleaningRecipeModel::changed() {
  ++revision_;
  emit recipeChanged();
}

}  // namespace tunebench::ui
