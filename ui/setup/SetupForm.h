#pragma once
// Every setting of a training run (core/train/TrainingConfig.h) as grouped forms: model and data,
// method, optimiser, schedule, steps, evaluation and checkpoints. The form turns into a run
// config (toJson) that the engine's own parser checks; its message is shown under the field it
// names. Each field's tooltip explains it with the fine-tuning guide's best practices.
#include <QHash>
#include <QString>
#include <QWidget>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "train/TrainingConfig.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tunebench::ui {

class SetupForm : public QWidget {
  Q_OBJECT
 public:
  explicit SetupForm(QWidget* parent = nullptr);

  // The run config as the form shows it. Numbers that do not read as numbers stay text, so that
  // the parser names them.
  nlohmann::json toJson() const;
  // Fills every field, paths included.
  void setConfig(const TrainingConfig& config);
  // Fills every field except the model, output and data files (what a preset sets).
  void setHyperparameters(const TrainingConfig& config);

  void setModelFolder(const QString& folder);
  // Renames the LoRA targets as the model folder's family names its projections (Phi-3's fused
  // qkv_proj and gate_up_proj: peft/LoraTargets.h); nothing when the folder has no readable
  // config.json.
  void fitTargetsToModel();
  void setOutputFolder(const QString& folder);
  void setTrainFile(const QString& file);
  void setValidationFile(const QString& file);
  QString modelFolder() const;
  QString outputFolder() const;

  // The input of a setting by its name in run.json ("optimizer.lr", "method", "data.train").
  QWidget* field(const QString& key) const;
  QComboBox* methodBox() const { return method_; }
  // Shows `message` under the field named by `key` (the nearest enclosing one known); an empty
  // key clears every message. Returns the field it was shown at, or nullptr.
  QWidget* showProblem(const QString& key, const QString& message);
  QString problemShownAt(const QString& key) const;

 signals:
  // Any field changed (by the user or a setter).
  void edited();

 private:
  struct Row {
    QWidget* input = nullptr;
    QLabel* problem = nullptr;
  };
  QFormLayout* group(const QString& title, const QString& objectName);
  void addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* input,
              const QString& tip);
  QLineEdit* numberEdit(const QString& key);
  QSpinBox* spinBox(const QString& key, int min, int max);
  QCheckBox* checkBox(const QString& key, const QString& text);
  QComboBox* comboBox(const QString& key);
  QWidget* pathPicker(const QString& key, QLineEdit*& edit, bool folder, const QString& filter);
  void updateEnabledFields();
  void setHyperparameterFields(const TrainingConfig& config);
  using UnreadableFields = std::vector<std::pair<nlohmann::json::json_pointer, nlohmann::json>>;
  using ReadNumber =
      std::function<void(const QLineEdit*, const char* path, double& out, bool applies)>;
  TrainingConfig readConfig(UnreadableFields& unreadable) const;
  void readOptimization(TrainingConfig& config, const ReadNumber& number) const;
  void readClassification(ClassificationConfig& config, const ReadNumber& number,
                          UnreadableFields& unreadable) const;

  QHash<QString, Row> rows_;
  QLineEdit* model_;
  QLineEdit* output_;
  QComboBox* objective_;
  QLineEdit* train_;
  QLineEdit* validation_;
  QLineEdit* textField_;
  QLineEdit* promptField_;
  QLineEdit* responseField_;
  QLineEdit* labelField_;
  QLineEdit* classLabels_;
  QComboBox* classLoss_;
  QLineEdit* focalGamma_;
  QLineEdit* classWeights_;
  QCheckBox* activationCheckpointing_;
  QSpinBox* maxLength_;
  QCheckBox* packing_;
  QComboBox* method_;
  QSpinBox* loraRank_;
  QLineEdit* loraAlpha_;
  QLineEdit* loraDropout_;
  QCheckBox* rslora_;
  QLineEdit* loraTargets_;
  QSpinBox* halfRounds_;
  QSpinBox* promptTokens_;
  QComboBox* promptInit_;
  QLineEdit* promptInitText_;
  QSpinBox* bottleneckSize_;
  QComboBox* bottleneckActivation_;
  QSpinBox* freezeLayers_;
  QCheckBox* freezeEmbeddings_;
  QComboBox* optimizer_;
  QLineEdit* learningRate_;
  QLineEdit* weightDecay_;
  QCheckBox* decayNorms_;
  QLineEdit* beta1_;
  QLineEdit* beta2_;
  QLineEdit* eps_;
  QLineEdit* momentum_;
  QCheckBox* nesterov_;
  QLineEdit* rmsAlpha_;
  QLineEdit* rho_;
  QComboBox* schedule_;
  QSpinBox* warmup_;
  QLineEdit* minRatio_;
  QSpinBox* stepSize_;
  QLineEdit* gamma_;
  QSpinBox* batchSize_;
  QCheckBox* fullBatch_;
  QSpinBox* accumulation_;
  QSpinBox* epochs_;
  QSpinBox* maxSteps_;
  QLineEdit* maxGradNorm_;
  QSpinBox* seed_;
  QSpinBox* threads_;
  QComboBox* precision_;
  QSpinBox* evalEvery_;
  QSpinBox* checkpointEvery_;
  QSpinBox* keepCheckpoints_;
  QCheckBox* earlyStopping_;
  QSpinBox* patience_;
  QLineEdit* minDelta_;
  bool filling_ = false;
};

}  // namespace tunebench::ui
