#include "train/TrainConfigForm.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "train/ConfigSummary.h"

namespace tunebench::ui {
namespace {

QFormLayout* formOf(QWidget* widget) {
  return static_cast<QFormLayout*>(widget->layout());
}

}  // namespace

TrainConfigForm::TrainConfigForm(QWidget* parent) : QWidget(parent) {
  auto* form = new QFormLayout(this);
  form->setContentsMargins(0, 0, 0, 0);
  const QString jsonl = tr("JSON Lines (*.jsonl *.json);;All files (*)");
  model_ = pathRow(tr("&Model folder:"), QStringLiteral("modelFolder"), true, {});
  train_ = pathRow(tr("&Training data:"), QStringLiteral("trainFile"), false, jsonl);
  validation_ = pathRow(tr("&Validation data:"), QStringLiteral("validationFile"), false, jsonl);
  validation_->setPlaceholderText(tr("optional"));

  objective_ = new QComboBox(this);
  objective_->setObjectName(QStringLiteral("objective"));
  objective_->addItem(tr("Causal LM (raw text)"), QStringLiteral("causal_lm"));
  objective_->addItem(tr("Supervised fine-tuning (prompt → response)"), QStringLiteral("sft"));
  objective_->addItem(tr("Sequence classification (text → label)"),
                      QStringLiteral("classification"));
  form->addRow(tr("&Objective:"), objective_);

  optimizer_ = new QComboBox(this);
  optimizer_->setObjectName(QStringLiteral("optimizer"));
  for (const char* name : {"adamw", "adam", "sgd", "rmsprop", "adagrad", "adadelta"})
    optimizer_->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
  form->addRow(tr("O&ptimiser:"), optimizer_);

  learningRate_ = new QDoubleSpinBox(this);
  learningRate_->setObjectName(QStringLiteral("learningRate"));
  learningRate_->setDecimals(6);
  learningRate_->setRange(0.000001, 100);
  learningRate_->setSingleStep(0.0001);
  learningRate_->setValue(0.0001);
  form->addRow(tr("&Learning rate:"), learningRate_);

  auto spin = [this, form](const QString& label, const QString& name, int min, int max, int value) {
    auto* box = new QSpinBox(this);
    box->setObjectName(name);
    box->setRange(min, max);
    box->setValue(value);
    form->addRow(label, box);
    return box;
  };
  batchSize_ = spin(tr("&Batch size:"), QStringLiteral("batchSize"), 1, 4096, 4);
  epochs_ = spin(tr("&Epochs:"), QStringLiteral("epochs"), 1, 1000, 1);
  maxSteps_ = spin(tr("Max &steps:"), QStringLiteral("maxSteps"), 0, 100000000, 0);
  maxSteps_->setSpecialValueText(tr("as the epochs take"));

  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("runSummary"));
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::RichText);
  summary_->setTextInteractionFlags(Qt::TextBrowserInteraction);
  connect(summary_, &QLabel::linkActivated, this, [this] { emit editInSetupRequested(); });
  form->addRow(tr("Whole run:"), summary_);
  for (auto* edit : {model_, train_, validation_})
    connect(edit, &QLineEdit::textChanged, this, &TrainConfigForm::updateSummary);
  for (auto* box : {objective_, optimizer_})
    connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &TrainConfigForm::updateSummary);
  connect(learningRate_, qOverload<double>(&QDoubleSpinBox::valueChanged), this,
          &TrainConfigForm::updateSummary);
  for (auto* box : {batchSize_, epochs_, maxSteps_})
    connect(box, qOverload<int>(&QSpinBox::valueChanged), this, &TrainConfigForm::updateSummary);
  updateSummary();
}

void TrainConfigForm::updateSummary() {
  const QString outputWhenStarted =
      tr("checkpoints/run-<date and time> beside the project, named when "
         "the run starts");
  QStringList lines;
  try {
    const auto config = parseTrainingConfig(toJson(QStringLiteral("-")), "the form");
    for (const auto& line : describeRunConfig(config))
      lines << QString::fromStdString(line).toHtmlEscaped();
    lines.back() = tr("Output: %1").arg(outputWhenStarted.toHtmlEscaped());
  } catch (const std::exception& e) {
    lines
        << tr("Not a complete run config yet: %1").arg(QString::fromUtf8(e.what()).toHtmlEscaped());
  }
  lines << tr("<a href=\"setup\">Change the method and other settings in Setup…</a>");
  summary_->setText(lines.join(QStringLiteral("<br>")));
}

QString TrainConfigForm::summaryText() const {
  return summary_->text();
}

QLineEdit* TrainConfigForm::pathRow(const QString& label, const QString& objectName, bool folder,
                                    const QString& filter) {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* edit = new QLineEdit(row);
  edit->setObjectName(objectName);
  auto* browse = new QPushButton(tr("Browse…"), row);
  browse->setAccessibleName(tr("Browse for %1").arg(QString(label).remove('&').remove(':')));
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  connect(browse, &QPushButton::clicked, this, [this, edit, folder, filter, label] {
    const QString title = QString(label).remove('&').remove(':');
    const QString chosen = folder ? QFileDialog::getExistingDirectory(this, title, edit->text())
                                  : QFileDialog::getOpenFileName(this, title, edit->text(), filter);
    if (!chosen.isEmpty()) edit->setText(chosen);
  });
  formOf(this)->addRow(label, row);
  return edit;
}

void TrainConfigForm::load(const nlohmann::json& runConfig) {
  base_ = runConfig.is_object() ? runConfig : nlohmann::json::object();
  auto text = [](const nlohmann::json& object, const char* key) {
    return object.is_object() && object.contains(key) && object[key].is_string()
               ? QString::fromStdString(object[key].get<std::string>())
               : QString();
  };
  model_->setText(text(base_, "model"));
  const auto data = base_.value("data", nlohmann::json::object());
  train_->setText(text(data, "train"));
  validation_->setText(text(data, "validation"));
  setObjective(text(base_, "objective").isEmpty() ? QStringLiteral("causal_lm")
                                                  : text(base_, "objective"));
  const auto optimizer = base_.value("optimizer", nlohmann::json::object());
  setOptimizer(text(optimizer, "name").isEmpty() ? QStringLiteral("adamw")
                                                 : text(optimizer, "name"));
  if (optimizer.is_object() && optimizer.contains("lr") && optimizer["lr"].is_number())
    learningRate_->setValue(optimizer["lr"].get<double>());
  auto integer = [this](const char* key, QSpinBox* box, int fallback) {
    box->setValue(base_.contains(key) && base_[key].is_number_integer() ? base_[key].get<int>()
                                                                        : fallback);
  };
  integer("batch_size", batchSize_, 4);
  integer("epochs", epochs_, 1);
  integer("max_steps", maxSteps_, 0);
  updateSummary();
}

nlohmann::json TrainConfigForm::toJson(const QString& outputFolder) const {
  nlohmann::json json = base_;
  json["model"] = model_->text().trimmed().toStdString();
  json["output"] = outputFolder.toStdString();
  json["objective"] = objective_->currentData().toString().toStdString();
  auto& data = json["data"];
  if (!data.is_object()) data = nlohmann::json::object();
  // Left out when empty, so that the engine's check names the missing field.
  if (train_->text().trimmed().isEmpty())
    data.erase("train");
  else
    data["train"] = train_->text().trimmed().toStdString();
  if (validation_->text().trimmed().isEmpty())
    data.erase("validation");
  else
    data["validation"] = validation_->text().trimmed().toStdString();
  auto& optimizer = json["optimizer"];
  const std::string name = optimizer_->currentData().toString().toStdString();
  // Settings of another optimiser (momentum, betas) would be refused or meaningless.
  if (!optimizer.is_object() || optimizer.value("name", std::string()) != name)
    optimizer = nlohmann::json::object();
  optimizer["name"] = name;
  optimizer["lr"] = learningRate_->value();
  json["batch_size"] = batchSize_->value();
  json["epochs"] = epochs_->value();
  if (maxSteps_->value() > 0)
    json["max_steps"] = maxSteps_->value();
  else
    json.erase("max_steps");
  return json;
}

void TrainConfigForm::setModelFolder(const QString& folder) {
  model_->setText(folder);
}
void TrainConfigForm::setTrainFile(const QString& file) {
  train_->setText(file);
}
void TrainConfigForm::setValidationFile(const QString& file) {
  validation_->setText(file);
}
void TrainConfigForm::setObjective(const QString& name) {
  const int index = objective_->findData(name);
  if (index >= 0) objective_->setCurrentIndex(index);
}
void TrainConfigForm::setOptimizer(const QString& name) {
  const int index = optimizer_->findData(name);
  if (index >= 0) optimizer_->setCurrentIndex(index);
}
void TrainConfigForm::setLearningRate(double lr) {
  learningRate_->setValue(lr);
}
void TrainConfigForm::setBatchSize(int size) {
  batchSize_->setValue(size);
}
void TrainConfigForm::setEpochs(int epochs) {
  epochs_->setValue(epochs);
}
void TrainConfigForm::setMaxSteps(int steps) {
  maxSteps_->setValue(steps);
}
QString TrainConfigForm::modelFolder() const {
  return model_->text().trimmed();
}
QString TrainConfigForm::trainFile() const {
  return train_->text().trimmed();
}

}  // namespace tunebench::ui
