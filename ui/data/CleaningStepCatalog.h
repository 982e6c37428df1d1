#pragma once
// The cleaning step kinds the core offers (cleaningStepIds()), with a title and a line of help for
// the Add Step menu and the settings a new step starts with. Defaults come from the core's own
// step (its settings() after being built from no settings); steps that cannot be built without
// a setting (regular expressions) start from the keys their parser reads, left empty.
#include <QString>
#include <QStringList>
#include <QVector>
#include <nlohmann/json.hpp>

namespace tunebench::ui {

struct CleaningStepKind {
  QString id;
  QString title;
  QString help;
  nlohmann::json defaults;
};

// Every kind, in the core's order.
const QVector<CleaningStepKind>& cleaningStepKinds();
// The kind with this id, or nullptr.
const CleaningStepKind* findCleaningStepKind(const QString& id);
// The title of a step id ("Whitespace clean-up"); the id itself when unknown.
QString cleaningStepTitle(const QString& id);
// The values a text setting may take, when the core accepts only a few (empty: free text).
QStringList settingChoices(const QString& stepId, const QString& key);

}  // namespace tunebench::ui
