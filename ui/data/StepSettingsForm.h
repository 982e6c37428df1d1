#pragma once
// The settings of one cleaning step as a small form, made from the step's JSON settings (merged
// over the kind's defaults): a check box for a yes/no value, a choice box where the core accepts
// only a few words, a line for a number, a text or a list (comma-separated). Values that do not
// parse locally are passed on as typed, so that the core's parser names the problem, which is
// shown under the form.
#include <QString>
#include <QVector>
#include <QWidget>

#include <nlohmann/json.hpp>

class QFormLayout;
class QLabel;

namespace tunebench::ui {

class StepSettingsForm : public QWidget {
  Q_OBJECT
 public:
  explicit StepSettingsForm(QWidget* parent = nullptr);

  // Shows the step's settings; an empty id shows nothing.
  void setStep(const QString& stepId, const nlohmann::json& settings);
  QString stepId() const { return stepId_; }
  // The settings as the form holds them now.
  nlohmann::json settings() const;
  void setProblem(const QString& problem);
  QString problem() const;
  // The editor of a setting (QCheckBox, QComboBox or QLineEdit), or nullptr.
  QWidget* editorFor(const QString& key) const;

 signals:
  // The user changed a value.
  void edited();

 private:
  enum class Type { Boolean, Choice, Integer, Number, Text, List, Json };
  struct Field {
    QString key;
    Type type;
    QWidget* editor;
  };

  void clearFields();
  nlohmann::json valueOf(const Field& field) const;

  QString stepId_;
  QFormLayout* form_;
  QLabel* help_;
  QLabel* problem_;
  QVector<Field> fields_;
};

}  // namespace tunebench::ui
