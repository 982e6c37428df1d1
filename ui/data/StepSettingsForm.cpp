#include "data/StepSettingsForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "common/JsonFile.h"
#include "data/CleaningStepCatalog.h"

namespace tunebench::ui {

namespace {

QString listText(const nlohmann::json& array) {
  QStringList items;
  for (const auto& item : array)
    items.append(item.is_string() ? QString::fromStdString(item.get<std::string>())
                                  : QString::fromStdString(item.dump()));
  return items.join(QStringLiteral(", "));
}

}  // namespace

StepSettingsForm::StepSettingsForm(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  help_ = new QLabel(this);
  help_->setObjectName(QStringLiteral("stepHelp"));
  help_->setWordWrap(true);
  layout->addWidget(help_);
  form_ = new QFormLayout;
  layout->addLayout(form_);
  problem_ = new QLabel(this);
  problem_->setObjectName(QStringLiteral("stepProblem"));
  problem_->setWordWrap(true);
  problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problem_->setStyleSheet(QStringLiteral("color: #b41e1e;"));
  problem_->hide();
  layout->addWidget(problem_);
  layout->addStretch(1);
  setStep({}, nlohmann::json::object());
}

void StepSettingsForm::clearFields() {
  while (form_->rowCount() > 0) form_->removeRow(0);
  fields_.clear();
}

void StepSettingsForm::setStep(const QString& stepId, const nlohmann::json& settings) {
  clearFields();
  stepId_ = stepId;
  setProblem({});
  if (stepId.isEmpty()) {
    help_->setText(tr("Select a step to edit its settings."));
    return;
  }
  const auto* kind = findCleaningStepKind(stepId);
  nlohmann::json values = kind ? kind->defaults : nlohmann::json::object();
  if (settings.is_object())
    for (const auto& [key, value] : settings.items()) values[key] = value;
  help_->setText(kind ? kind->help : tr("Unknown step “%1”.").arg(stepId));
  if (values.empty()) {
    form_->addRow(new QLabel(tr("This step has no settings."), this));
    return;
  }
  for (const auto& [keyText, value] : values.items()) {
    const QString key = QString::fromStdString(keyText);
    Field field{key, Type::Text, nullptr};
    const QStringList choices = settingChoices(stepId, key);
    if (value.is_boolean()) {
      auto* box = new QCheckBox(this);
      box->setChecked(value.get<bool>());
      connect(box, &QCheckBox::toggled, this, &StepSettingsForm::edited);
      field = {key, Type::Boolean, box};
    } else if (!choices.isEmpty() && value.is_string()) {
      auto* box = new QComboBox(this);
      box->addItems(choices);
      const QString current = QString::fromStdString(value.get<std::string>());
      if (!choices.contains(current)) box->addItem(current);
      box->setCurrentText(current);
      connect(box, &QComboBox::currentTextChanged, this, &StepSettingsForm::edited);
      field = {key, Type::Choice, box};
    } else {
      auto* line = new QLineEdit(this);
      if (value.is_number_integer()) {
        field.type = Type::Integer;
        line->setText(QString::fromStdString(value.dump()));
      } else if (value.is_number()) {
        field.type = Type::Number;
        line->setText(QString::number(value.get<double>(), 'g', 10));
      } else if (value.is_string()) {
        field.type = Type::Text;
        line->setText(QString::fromStdString(value.get<std::string>()));
      } else if (value.is_array()) {
        field.type = Type::List;
        line->setText(listText(value));
        line->setPlaceholderText(tr("comma-separated"));
      } else {
        field.type = Type::Json;
        line->setText(QString::fromStdString(value.dump()));
      }
      connect(line, &QLineEdit::textEdited, this, &StepSettingsForm::edited);
      field.editor = line;
    }
    field.editor->setObjectName(QStringLiteral("setting_") + key);
    field.editor->setAccessibleName(key);
    form_->addRow(key + QLatin1Char(':'), field.editor);
    fields_.append(field);
  }
}

nlohmann::json StepSettingsForm::valueOf(const Field& field) const {
  switch (field.type) {
    case Type::Boolean:
      return static_cast<QCheckBox*>(field.editor)->isChecked();
    case Type::Choice:
      return static_cast<QComboBox*>(field.editor)->currentText().toStdString();
    case Type::Integer:
    case Type::Number: {
      const QString text = static_cast<QLineEdit*>(field.editor)->text().trimmed();
      bool ok = false;
      if (field.type == Type::Integer) {
        const qlonglong whole = text.toLongLong(&ok);
        if (ok) return whole >= 0 ? nlohmann::json(quint64(whole)) : nlohmann::json(whole);
      }
      const double number = text.toDouble(&ok);
      if (ok) return number;
      return text.toStdString();  // the core's parser says what it wants instead
    }
    case Type::Text:
      return static_cast<QLineEdit*>(field.editor)->text().toStdString();
    case Type::List: {
      nlohmann::json list = nlohmann::json::array();
      for (const QString& item :
           static_cast<QLineEdit*>(field.editor)->text().split(QLatin1Char(','))) {
        const QString trimmed = item.trimmed();
        if (!trimmed.isEmpty()) list.push_back(trimmed.toStdString());
      }
      return list;
    }
    case Type::Json: {
      const std::string text = static_cast<QLineEdit*>(field.editor)->text().toStdString();
      auto parsed = parseJsonOrDiscarded(text);
      return parsed.is_discarded() ? nlohmann::json(text) : parsed;
    }
  }
  return {};
}

nlohmann::json StepSettingsForm::settings() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& field : fields_) {
    auto value = valueOf(field);
    // An empty optional file name means "none": left out, as the core writes it.
    if (field.type == Type::Text && value == "" &&
        (field.key == QLatin1String("wordsFile") || field.key == QLatin1String("synonymsFile")))
      continue;
    out[field.key.toStdString()] = std::move(value);
  }
  return out;
}

void StepSettingsForm::setProblem(const QString& problem) {
  problem_->setText(problem);
  problem_->setVisible(!problem.isEmpty());
}

QString StepSettingsForm::problem() const {
  return problem_->text();
}

QWidget* StepSettingsForm::editorFor(const QString& key) const {
  for (const auto& field : fields_)
    if (field.key == key) return field.editor;
  return nullptr;
}

}  // namespace tunebench::ui
