#pragma once
// The essentials of a training run as a form: model folder, training and validation JSON Lines,
// objective, optimiser, learning rate, batch size, epochs and max steps. Settings the form does not
// show come from the run.json last opened (or the Setup stage, or the engine's defaults) and are
// kept as they are; a read-only summary below the fields names them (method, objective details,
// schedule, output), with a link back to Setup.
#include <QWidget>
#include <nlohmann/json.hpp>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tunebench::ui {

class TrainConfigForm : public QWidget {
  Q_OBJECT
 public:
  explicit TrainConfigForm(QWidget* parent = nullptr);

  // Fills the form from a run.json's content; fields it does not show are kept for toJson().
  void load(const nlohmann::json& runConfig);
  // The run config: what was loaded, with the form's fields and this output folder.
  nlohmann::json toJson(const QString& outputFolder) const;

  void setModelFolder(const QString& folder);
  void setTrainFile(const QString& file);
  void setValidationFile(const QString& file);
  void setObjective(const QString& name);  // causal_lm | sft
  void setOptimizer(const QString& name);  // sgd | adagrad | rmsprop | adadelta | adam | adamw
  void setLearningRate(double lr);
  void setBatchSize(int size);
  void setEpochs(int epochs);
  void setMaxSteps(int steps);  // 0: as many as the epochs take

  QString modelFolder() const;
  QString trainFile() const;
  // The whole run config in a few lines (method and its settings, objective, schedule, output),
  // below the fields; or why the form does not make a config yet.
  QString summaryText() const;

 signals:
  // The user asked to change what the form does not show (the method, its settings, ...).
  void editInSetupRequested();

 private:
  QLineEdit* pathRow(const QString& label, const QString& objectName, bool folder,
                     const QString& filter);

  void updateSummary();

  nlohmann::json base_ = nlohmann::json::object();
  QLabel* summary_;
  QLineEdit* model_;
  QLineEdit* train_;
  QLineEdit* validation_;
  QComboBox* objective_;
  QComboBox* optimizer_;
  QDoubleSpinBox* learningRate_;
  QSpinBox* batchSize_;
  QSpinBox* epochs_;
  QSpinBox* maxSteps_;
};

}  // namespace tunebench::ui
