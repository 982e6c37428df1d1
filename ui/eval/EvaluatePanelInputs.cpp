// The Evaluate panel's inputs: what to evaluate, on which file, with which fields and limits.
#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>

#include "eval/ChoiceDocuments.h"
#include "eval/EvaluatePanel.h"
#include "plugins/PluginRegistry.h"

namespace tunebench::ui {

namespace {

QToolButton* browseButton(const QString& accessibleName, QWidget* parent) {
  auto* button = new QToolButton(parent);
  button->setText(QObject::tr("…"));
  button->setAccessibleName(accessibleName);
  button->setToolTip(accessibleName);
  button->setFocusPolicy(Qt::StrongFocus);
  return button;
}

}  // namespace

void EvaluatePanel::buildInputs(QWidget* box) {
  auto* form = new QFormLayout(box);
  target_ = new QComboBox(box);
  target_->setObjectName(QStringLiteral("evaluateTarget"));
  target_->addItem(tr("Another model folder…"), QVariant::fromValue<qint64>(0));
  form->addRow(tr("&Model:"), target_);
  auto* checkpointRow = new QHBoxLayout;
  checkpoint_ = new QComboBox(box);
  checkpoint_->setObjectName(QStringLiteral("evaluateCheckpoint"));
  checkpoint_->addItem(tr("Final model"), QVariant::fromValue<qint64>(-1));
  useValidation_ = new QToolButton(box);
  useValidation_->setObjectName(QStringLiteral("evaluateUseValidation"));
  useValidation_->setText(tr("&Use the run's validation file"));
  useValidation_->setToolTip(
      tr("Fill the evaluation file and its fields from the run's recorded config"));
  useValidation_->setFocusPolicy(Qt::StrongFocus);
  checkpointRow->addWidget(checkpoint_, 1);
  checkpointRow->addWidget(useValidation_);
  auto* checkpointLabel = new QLabel(tr("Chec&kpoint:"), box);
  checkpointLabel->setBuddy(checkpoint_);
  form->addRow(checkpointLabel, checkpointRow);

  auto* modelRow = new QHBoxLayout;
  modelFolder_ = new QLineEdit(box);
  modelFolder_->setObjectName(QStringLiteral("evaluateModelFolder"));
  browseModel_ = browseButton(tr("Choose the model folder"), box);
  modelRow->addWidget(modelFolder_, 1);
  modelRow->addWidget(browseModel_);
  auto* modelLabel = new QLabel(tr("Model f&older:"), box);
  modelLabel->setBuddy(modelFolder_);
  form->addRow(modelLabel, modelRow);
  auto* adapterRow = new QHBoxLayout;
  adapterFolder_ = new QLineEdit(box);
  adapterFolder_->setObjectName(QStringLiteral("evaluateAdapterFolder"));
  adapterFolder_->setPlaceholderText(
      tr("optional adapter folder (LoRA/DoRA, prompt tuning, bottleneck) applied on the model"));
  browseAdapter_ = browseButton(tr("Choose the adapter folder"), box);
  adapterRow->addWidget(adapterFolder_, 1);
  adapterRow->addWidget(browseAdapter_);
  auto* adapterLabel = new QLabel(tr("&Adapter folder:"), box);
  adapterLabel->setBuddy(adapterFolder_);
  form->addRow(adapterLabel, adapterRow);
  targetNote_ = new QLabel(box);
  targetNote_->setObjectName(QStringLiteral("evaluateTargetNote"));
  targetNote_->setWordWrap(true);
  form->addRow(targetNote_);

  auto* dataRow = new QHBoxLayout;
  dataFile_ = new QLineEdit(box);
  dataFile_->setObjectName(QStringLiteral("evaluateDataFile"));
  dataFile_->setPlaceholderText(tr("JSON Lines of prompt/response records"));
  auto* browseData = browseButton(tr("Choose the evaluation file"), box);
  dataRow->addWidget(dataFile_, 1);
  dataRow->addWidget(browseData);
  auto* dataLabel = new QLabel(tr("Evaluation &file:"), box);
  dataLabel->setBuddy(dataFile_);
  form->addRow(dataLabel, dataRow);

  evaluator_ = new QComboBox(box);
  evaluator_->setObjectName(QStringLiteral("evaluateEvaluator"));
  evaluator_->addItem(tr("Chosen by the model"), QString());
  for (const auto& evaluator : plugins_.evaluators()) {
    evaluator_->addItem(QString::fromStdString(evaluator->displayName()),
                        QString::fromStdString(evaluator->id()));
    evaluator_->setItemData(evaluator_->count() - 1,
                            QString::fromStdString(evaluator->description()), Qt::ToolTipRole);
  }
  evaluator_->setToolTip(
      tr("Which evaluation runs; by default the one that suits the model (a "
         "language model's or a classifier's)"));
  auto* evaluatorLabel = new QLabel(tr("E&valuation:"), box);
  evaluatorLabel->setBuddy(evaluator_);
  form->addRow(evaluatorLabel, evaluator_);

  auto* fieldsRow = new QHBoxLayout;
  promptField_ = new QLineEdit(QStringLiteral("prompt"), box);
  promptField_->setObjectName(QStringLiteral("evaluatePromptField"));
  promptField_->setAccessibleName(tr("Prompt field"));
  responseField_ = new QLineEdit(QStringLiteral("response"), box);
  responseField_->setObjectName(QStringLiteral("evaluateResponseField"));
  responseField_->setAccessibleName(tr("Response field"));
  auto* responseLabel = new QLabel(tr("&response field:"), box);
  responseLabel->setBuddy(responseField_);
  fieldsRow->addWidget(promptField_, 1);
  fieldsRow->addWidget(responseLabel);
  fieldsRow->addWidget(responseField_, 1);
  auto* promptLabel = new QLabel(tr("&Prompt field:"), box);
  promptLabel->setBuddy(promptField_);
  form->addRow(promptLabel, fieldsRow);

  // Only a sequence classifier reads these; the job finds out which kind the model is.
  auto* classifierRow = new QHBoxLayout;
  textField_ = new QLineEdit(QStringLiteral("text"), box);
  textField_->setObjectName(QStringLiteral("evaluateTextField"));
  textField_->setAccessibleName(tr("Classifier text field"));
  labelField_ = new QLineEdit(QStringLiteral("label"), box);
  labelField_->setObjectName(QStringLiteral("evaluateLabelField"));
  labelField_->setAccessibleName(tr("Classifier label field"));
  maxLength_ = new QSpinBox(box);
  maxLength_->setObjectName(QStringLiteral("evaluateMaxLength"));
  maxLength_->setAccessibleName(tr("Classifier max length"));
  maxLength_->setRange(2, 1 << 20);
  maxLength_->setValue(256);
  maxLength_->setToolTip(
      tr("Tokens per text; longer texts are cut, keeping the end-of-text "
         "token last, as training cut them (the run's data.max_length)"));
  auto* labelFieldLabel = new QLabel(tr("la&bel field:"), box);
  labelFieldLabel->setBuddy(labelField_);
  auto* maxLengthLabel = new QLabel(tr("max len&gth:"), box);
  maxLengthLabel->setBuddy(maxLength_);
  classifierRow->addWidget(textField_, 1);
  classifierRow->addWidget(labelFieldLabel);
  classifierRow->addWidget(labelField_, 1);
  classifierRow->addWidget(maxLengthLabel);
  classifierRow->addWidget(maxLength_);
  auto* textFieldLabel = new QLabel(tr("Classifier &text field:"), box);
  textFieldLabel->setBuddy(textField_);
  textFieldLabel->setToolTip(
      tr("Used when the model is a sequence classifier: each record's text and label"));
  form->addRow(textFieldLabel, classifierRow);

  buildBenchmarkRow(form, box);

  auto* limitsRow = new QHBoxLayout;
  maxNewTokens_ = new QSpinBox(box);
  maxNewTokens_->setObjectName(QStringLiteral("evaluateMaxNewTokens"));
  maxNewTokens_->setAccessibleName(tr("Max new tokens"));
  maxNewTokens_->setRange(1, 4096);
  maxNewTokens_->setValue(32);
  limit_ = new QSpinBox(box);
  limit_->setObjectName(QStringLiteral("evaluateLimit"));
  limit_->setAccessibleName(tr("Example limit"));
  limit_->setRange(0, 10000000);
  limit_->setSpecialValueText(tr("all"));
  limit_->setValue(0);
  auto* limitLabel = new QLabel(tr("E&xamples:"), box);
  limitLabel->setBuddy(limit_);
  limitsRow->addWidget(maxNewTokens_);
  limitsRow->addWidget(limitLabel);
  limitsRow->addWidget(limit_);
  limitsRow->addStretch(1);
  auto* evaluateButton = new QToolButton(box);
  evaluateButton->setDefaultAction(evaluateAction_);
  evaluateButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
  evaluateButton->setFocusPolicy(Qt::StrongFocus);
  limitsRow->addWidget(evaluateButton);
  auto* tokensLabel = new QLabel(tr("Max &new tokens:"), box);
  tokensLabel->setBuddy(maxNewTokens_);
  form->addRow(tokensLabel, limitsRow);

  status_ = new QLabel(box);
  status_->setObjectName(QStringLiteral("evaluateStatus"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setWordWrap(true);
  form->addRow(status_);

  connect(target_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &EvaluatePanel::targetChanged);
  connect(checkpoint_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &EvaluatePanel::targetChanged);
  connect(useValidation_, &QToolButton::clicked, this, [this] { useRunValidationFile(); });
  connect(browseModel_, &QToolButton::clicked, this, &EvaluatePanel::chooseModelFolder);
  connect(browseAdapter_, &QToolButton::clicked, this, &EvaluatePanel::chooseAdapterFolder);
  connect(browseData, &QToolButton::clicked, this, &EvaluatePanel::chooseDataFile);
}

// Only the benchmark evaluation reads these (eval/ChoiceDocuments.h).
void EvaluatePanel::buildBenchmarkRow(QFormLayout* form, QWidget* box) {
  auto* benchmarkRow = new QHBoxLayout;
  benchmarkTask_ = new QComboBox(box);
  benchmarkTask_->setObjectName(QStringLiteral("evaluateBenchmarkTask"));
  benchmarkTask_->addItem(tr("Detected from the file's fields"), QStringLiteral("auto"));
  for (const auto& task : choiceTasks())
    benchmarkTask_->addItem(QString::fromStdString(task.displayName),
                            QString::fromStdString(task.id));
  benchmarkTask_->setToolTip(
      tr("Which benchmark the file holds, in its Hugging Face hub layout; scored by "
         "log-likelihood as lm-evaluation-harness scores it, so that the figures compare with "
         "published ones"));
  fewShot_ = new QSpinBox(box);
  fewShot_->setObjectName(QStringLiteral("evaluateFewShot"));
  fewShot_->setRange(0, 25);
  fewShot_->setToolTip(
      tr("Solved examples put before each question: the first ones of the same subject for "
         "MMLU, drawn with the harness's seed (1234) for the others, never the question itself"));
  auto* fewShotLabel = new QLabel(tr("&few-shot:"), box);
  fewShotLabel->setBuddy(fewShot_);
  benchmarkRow->addWidget(benchmarkTask_, 1);
  benchmarkRow->addWidget(fewShotLabel);
  benchmarkRow->addWidget(fewShot_);
  auto* benchmarkLabel = new QLabel(tr("Benchmar&k task:"), box);
  benchmarkLabel->setBuddy(benchmarkTask_);
  benchmarkLabel->setToolTip(tr("Used by the benchmark (multiple choice) evaluation"));
  form->addRow(benchmarkLabel, benchmarkRow);

  // A file of the user's own: which fields hold the question, the choices and the answer.
  auto* columnsRow = new QHBoxLayout;
  const auto columnEdit = [box](const char* name, const QString& text, const QString& tip) {
    auto* edit = new QLineEdit(text, box);
    edit->setObjectName(QString::fromLatin1(name));
    edit->setToolTip(tip);
    return edit;
  };
  questionField_ = columnEdit("evaluateQuestionField", QStringLiteral("question"),
                              tr("Field holding the question text"));
  choicesField_ = columnEdit("evaluateChoicesField", QStringLiteral("choices"),
                             tr("Field holding the list of choices"));
  answerField_ = columnEdit("evaluateAnswerField", QStringLiteral("answer"),
                            tr("Field holding the answer: the index, the letter or the text of the "
                               "right choice"));
  for (auto* edit : {questionField_, choicesField_, answerField_}) columnsRow->addWidget(edit);
  auto* columnsLabel = new QLabel(tr("Choice colu&mns:"), box);
  columnsLabel->setBuddy(questionField_);
  columnsLabel->setToolTip(tr("For the \"Multiple choice (your columns)\" task"));
  form->addRow(columnsLabel, columnsRow);
  const auto taskChanged = [this] {
    const std::string task = benchmarkTask_->currentData().toString().toStdString();
    for (auto* edit : {questionField_, choicesField_, answerField_})
      edit->setEnabled(task == "multiple_choice");
    // The harness's own few-shot count for the task (GSM8K's 5); the user may change it after.
    fewShot_->setValue(task == "auto" ? 0 : static_cast<int>(choiceTask(task).defaultFewShot));
  };
  connect(benchmarkTask_, qOverload<int>(&QComboBox::currentIndexChanged), this, taskChanged);
  taskChanged();
}

}  // namespace tunebench::ui
