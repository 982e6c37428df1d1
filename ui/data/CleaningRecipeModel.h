#pragma once
// The steps of a cleaning recipe being edited: id, on/off, settings, and what the last preview
// found (the step's report, or the core parser's complaint about its settings). Rows can be
// moved (Move Up/Down and drag within the list), checked on and off, added and removed; every
// change to the recipe itself bumps revision() and emits recipeChanged(), so that a preview made
// for an older revision is recognised and dropped.
#include <QAbstractListModel>
#include <QString>
#include <QVector>
#include <optional>

#include <nlohmann/json.hpp>

#include "data/CleaningStep.h"

namespace tunebench::ui {

class CleaningRecipeModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role {
    IdRole = Qt::UserRole + 1,
    ProblemRole,  // the core's complaint about the settings; empty when they are fine
    HasReportRole,
    BeforeRole,
    KeptRole,
    RemovedRole,
    ChangedRole,
    AddedRole,
  };

  struct Step {
    QString id;
    bool enabled = true;
    nlohmann::json settings = nlohmann::json::object();
    QString problem;
    std::optional<StepReport> report;
  };

  explicit CleaningRecipeModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
  bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                const QModelIndex& destinationParent, int destinationChild) override;
  bool removeRows(int row, int count, const QModelIndex& parent = {}) override;

  // Returns the new row.
  int addStep(const QString& id, const nlohmann::json& settings, bool enabled = true);
  // Moves the step at `from` so that it ends up at `to`.
  bool moveStep(int from, int to);
  void setEnabled(int row, bool enabled);
  void setSettings(int row, const nlohmann::json& settings);
  const Step& step(int row) const { return steps_.at(row); }
  const QVector<Step>& steps() const { return steps_; }
  bool hasProblems() const;
  int enabledCount() const;

  // {"steps": [{"id", "enabled", "settings"}]}: the format of `data clean --recipe`.
  nlohmann::json toJson() const;
  // Replaces every step (the recipe must have been checked by the core's parser already).
  void setRecipe(const nlohmann::json& recipe);

  quint64 revision() const { return revision_; }
  // What a preview of this revision found, per step (disabled steps: no report).
  void setOutcome(const QVector<QString>& problems,
                  const std::vector<std::optional<StepReport>>& reports);
  void clearOutcome();

 signals:
  void recipeChanged();

 private:
  void changed();
  QString countsLine(const Step& step) const;

  QVector<Step> steps_;
  quint64 revision_ = 0;
};

}  // namespace tunebench::ui
