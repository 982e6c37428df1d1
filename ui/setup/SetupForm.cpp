#include "setup/SetupForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>

#include "common/JsonFile.h"
#include "model/ModelConfig.h"
#include "peft/LoraTargets.h"
#include "setup/SetupTips.h"

namespace tunebench::ui {
namespace {

constexpr int kManySteps = 1 << 30;

QString numberText(double value) {
  return QString::number(value, 'g', 10);
}

// A number where the text reads as one; the text itself otherwise (the parser then says it must
// be a number).
nlohmann::json numberValue(const QLineEdit* edit) {
  const QString text = edit->text().trimmed();
  bool ok = false;
  const double value = QLocale::c().toDouble(text, &ok);
  if (ok) return value;
  return text.toStdString();
}

void selectData(QComboBox* box, const QString& data) {
  const int index = box->findData(data);
  if (index >= 0) box->setCurrentIndex(index);
}

// Fills a combo box from an enum's name table: the label shown, the file name as its data.
template <typename Enum>
void addNamedItems(QComboBox* box, const EnumNames<Enum>& names) {
  for (const auto& name : names)
    box->addItem(QString::fromUtf8(name.label), QString::fromLatin1(name.file));
}

template <typename Enum>
void selectNamed(QComboBox* box, const EnumNames<Enum>& names, Enum value) {
  selectData(box, QString::fromLatin1(fileNameOf(names, value)));
}

template <typename Enum>
Enum namedValue(const QComboBox* box, const EnumNames<Enum>& names, Enum fallback) {
  return enumFromFileName(names, box->currentData().toString().toStdString()).value_or(fallback);
}

// "q_proj, v_proj" or "q_proj v_proj".
std::vector<std::string> listedTargets(const QString& text) {
  std::vector<std::string> targets;
  for (const auto& target :
       text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
    targets.push_back(target.toStdString());
  return targets;
}

}  // namespace

SetupForm::SetupForm(QWidget* parent) : QWidget(parent) {
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  const QString jsonl = tr("JSON Lines (*.jsonl *.json);;All files (*)");

  auto* data = group(tr("Model and data"), QStringLiteral("modelAndData"));
  addRow(data, QStringLiteral("model"), tr("&Model folder:"),
         pathPicker(QStringLiteral("model"), model_, true, {}), setupTip(QStringLiteral("model")));
  // A model chosen by typing or browsing: its family may name the projections otherwise.
  connect(model_, &QLineEdit::textChanged, this, [this] {
    if (!filling_) fitTargetsToModel();
  });
  addRow(data, QStringLiteral("output"), tr("Output folder:"),
         pathPicker(QStringLiteral("output"), output_, true, {}),
         setupTip(QStringLiteral("output")));
  objective_ = comboBox(QStringLiteral("objective"));
  addNamedItems(objective_, objectiveNames());
  addRow(data, QStringLiteral("objective"), tr("O&bjective:"), objective_, {});
  addRow(data, QStringLiteral("data.train"), tr("Trainin&g data:"),
         pathPicker(QStringLiteral("data.train"), train_, false, jsonl), {});
  addRow(data, QStringLiteral("data.validation"), tr("&Validation data:"),
         pathPicker(QStringLiteral("data.validation"), validation_, false, jsonl), {});
  validation_->setPlaceholderText(tr("optional"));
  textField_ = new QLineEdit(QStringLiteral("text"), this);
  promptField_ = new QLineEdit(QStringLiteral("prompt"), this);
  responseField_ = new QLineEdit(QStringLiteral("response"), this);
  addRow(data, QStringLiteral("data.text_field"), tr("Text field:"), textField_, {});
  addRow(data, QStringLiteral("data.prompt_field"), tr("Prompt field:"), promptField_, {});
  addRow(data, QStringLiteral("data.response_field"), tr("Response field:"), responseField_, {});
  labelField_ = new QLineEdit(QStringLiteral("label"), this);
  addRow(data, QStringLiteral("data.label_field"), tr("Label field:"), labelField_, {});
  maxLength_ = spinBox(QStringLiteral("data.max_length"), 2, 1 << 20);
  addRow(data, QStringLiteral("data.max_length"), tr("Max &length (tokens):"), maxLength_, {});
  packing_ = checkBox(QStringLiteral("data.packing"), tr("Pack examples into full rows"));
  addRow(data, QStringLiteral("data.packing"), tr("Packing:"), packing_, {});

  auto* method = group(tr("Method"), QStringLiteral("methodGroup"));
  method_ = comboBox(QStringLiteral("method"));
  addNamedItems(method_, methodNames());
  addRow(method, QStringLiteral("method"), tr("Met&hod:"), method_, {});
  loraRank_ = spinBox(QStringLiteral("method.r"), 1, 4096);
  addRow(method, QStringLiteral("method.r"), tr("Rank r:"), loraRank_, {});
  loraAlpha_ = numberEdit(QStringLiteral("method.alpha"));
  addRow(method, QStringLiteral("method.alpha"), tr("Alpha:"), loraAlpha_, {});
  loraDropout_ = numberEdit(QStringLiteral("method.dropout"));
  addRow(method, QStringLiteral("method.dropout"), tr("Adapter dropout:"), loraDropout_, {});
  rslora_ = checkBox(QStringLiteral("method.rslora"), tr("rsLoRA (scale by alpha / √r)"));
  addRow(method, QStringLiteral("method.rslora"), tr("Scaling:"), rslora_, {});
  loraTargets_ = new QLineEdit(this);
  addRow(method, QStringLiteral("method.targets"), tr("Target layers:"), loraTargets_, {});
  halfRounds_ = spinBox(QStringLiteral("method.rounds"), 0, 1 << 20);
  halfRounds_->setSpecialValueText(tr("one per epoch"));
  addRow(method, QStringLiteral("method.rounds"), tr("Half fine-tuning rounds:"), halfRounds_, {});
  promptTokens_ = spinBox(QStringLiteral("method.prompt_tuning.num_virtual_tokens"), 1, 4096);
  addRow(method, QStringLiteral("method.prompt_tuning.num_virtual_tokens"), tr("Virtual tokens:"),
         promptTokens_, {});
  promptInit_ = comboBox(QStringLiteral("method.prompt_tuning.init"));
  promptInit_->addItem(tr("Random"), QStringLiteral("random"));
  promptInit_->addItem(tr("From a text"), QStringLiteral("text"));
  addRow(method, QStringLiteral("method.prompt_tuning.init"), tr("Virtual tokens start:"),
         promptInit_, {});
  promptInitText_ = new QLineEdit(this);
  promptInitText_->setObjectName(QStringLiteral("method.prompt_tuning.init_text"));
  addRow(method, QStringLiteral("method.prompt_tuning.init_text"), tr("Init text:"),
         promptInitText_, {});
  bottleneckSize_ = spinBox(QStringLiteral("method.bottleneck.size"), 1, 1 << 16);
  addRow(method, QStringLiteral("method.bottleneck.size"), tr("Bottleneck size:"), bottleneckSize_,
         {});
  bottleneckActivation_ = comboBox(QStringLiteral("method.bottleneck.activation"));
  bottleneckActivation_->addItem(tr("GELU"), QStringLiteral("gelu"));
  bottleneckActivation_->addItem(tr("ReLU"), QStringLiteral("relu"));
  addRow(method, QStringLiteral("method.bottleneck.activation"), tr("Adapter activation:"),
         bottleneckActivation_, {});
  freezeLayers_ = spinBox(QStringLiteral("freeze.layers"), 0, 1 << 20);
  addRow(method, QStringLiteral("freeze.layers"), tr("Frozen layers:"), freezeLayers_, {});
  freezeEmbeddings_ = checkBox(QStringLiteral("freeze.embeddings"), tr("Freeze embeddings"));
  addRow(method, QStringLiteral("freeze.embeddings"), tr("Embeddings:"), freezeEmbeddings_, {});

  auto* optimizer = group(tr("Optimiser"), QStringLiteral("optimizerGroup"));
  optimizer_ = comboBox(QStringLiteral("optimizer.name"));
  for (const char* name : {"adamw", "adam", "sgd", "rmsprop", "adagrad", "adadelta"})
    optimizer_->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
  addRow(optimizer, QStringLiteral("optimizer.name"), tr("O&ptimiser:"), optimizer_, {});
  learningRate_ = numberEdit(QStringLiteral("optimizer.lr"));
  addRow(optimizer, QStringLiteral("optimizer.lr"), tr("Lea&rning rate:"), learningRate_, {});
  weightDecay_ = numberEdit(QStringLiteral("optimizer.weight_decay"));
  addRow(optimizer, QStringLiteral("optimizer.weight_decay"), tr("&Weight decay:"), weightDecay_,
         {});
  decayNorms_ = checkBox(QStringLiteral("optimizer.decay_norms_and_biases"),
                         tr("Decay norms and biases too"));
  addRow(optimizer, QStringLiteral("optimizer.decay_norms_and_biases"), QString(), decayNorms_, {});
  auto* betas = new QWidget(this);
  auto* betasLayout = new QHBoxLayout(betas);
  betasLayout->setContentsMargins(0, 0, 0, 0);
  beta1_ = numberEdit(QStringLiteral("optimizer.beta1"));
  beta2_ = numberEdit(QStringLiteral("optimizer.beta2"));
  beta1_->setAccessibleName(tr("Beta 1"));
  beta2_->setAccessibleName(tr("Beta 2"));
  betasLayout->addWidget(beta1_);
  betasLayout->addWidget(beta2_);
  betas->setFocusProxy(beta1_);
  addRow(optimizer, QStringLiteral("optimizer.betas"), tr("Betas:"), betas, {});
  eps_ = numberEdit(QStringLiteral("optimizer.eps"));
  addRow(optimizer, QStringLiteral("optimizer.eps"), tr("Epsilon:"), eps_, {});
  momentum_ = numberEdit(QStringLiteral("optimizer.momentum"));
  addRow(optimizer, QStringLiteral("optimizer.momentum"), tr("Momentum:"), momentum_, {});
  nesterov_ = checkBox(QStringLiteral("optimizer.nesterov"), tr("Nesterov momentum"));
  addRow(optimizer, QStringLiteral("optimizer.nesterov"), QString(), nesterov_, {});
  rmsAlpha_ = numberEdit(QStringLiteral("optimizer.alpha"));
  addRow(optimizer, QStringLiteral("optimizer.alpha"), tr("RMSprop alpha:"), rmsAlpha_, {});
  rho_ = numberEdit(QStringLiteral("optimizer.rho"));
  addRow(optimizer, QStringLiteral("optimizer.rho"), tr("AdaDelta rho:"), rho_, {});

  auto* schedule = group(tr("Learning-rate schedule"), QStringLiteral("scheduleGroup"));
  schedule_ = comboBox(QStringLiteral("schedule.name"));
  addNamedItems(schedule_, scheduleNames());
  addRow(schedule, QStringLiteral("schedule.name"), tr("Sche&dule:"), schedule_, {});
  warmup_ = spinBox(QStringLiteral("schedule.warmup_steps"), 0, kManySteps);
  addRow(schedule, QStringLiteral("schedule.warmup_steps"), tr("Warm-up steps:"), warmup_, {});
  minRatio_ = numberEdit(QStringLiteral("schedule.min_lr_ratio"));
  addRow(schedule, QStringLiteral("schedule.min_lr_ratio"), tr("Minimum rate (share):"), minRatio_,
         {});
  stepSize_ = spinBox(QStringLiteral("schedule.step_size"), 1, kManySteps);
  addRow(schedule, QStringLiteral("schedule.step_size"), tr("Step size:"), stepSize_, {});
  gamma_ = numberEdit(QStringLiteral("schedule.gamma"));
  addRow(schedule, QStringLiteral("schedule.gamma"), tr("Gamma:"), gamma_, {});

  auto* steps = group(tr("Batches and steps"), QStringLiteral("stepsGroup"));
  batchSize_ = spinBox(QStringLiteral("batch_size"), 1, 1 << 20);
  addRow(steps, QStringLiteral("batch_size"), tr("Batch si&ze:"), batchSize_, {});
  fullBatch_ = checkBox(QStringLiteral("full_batch"), tr("Full batch (one step per epoch)"));
  addRow(steps, QStringLiteral("full_batch"), QString(), fullBatch_, {});
  accumulation_ = spinBox(QStringLiteral("gradient_accumulation"), 1, 1 << 20);
  addRow(steps, QStringLiteral("gradient_accumulation"), tr("Gradient accumulation:"),
         accumulation_, {});
  epochs_ = spinBox(QStringLiteral("epochs"), 1, 1 << 20);
  addRow(steps, QStringLiteral("epochs"), tr("Epoch&s:"), epochs_, {});
  maxSteps_ = spinBox(QStringLiteral("max_steps"), 0, kManySteps);
  maxSteps_->setSpecialValueText(tr("as the epochs take"));
  addRow(steps, QStringLiteral("max_steps"), tr("Max steps:"), maxSteps_, {});
  maxGradNorm_ = numberEdit(QStringLiteral("max_grad_norm"));
  addRow(steps, QStringLiteral("max_grad_norm"), tr("&Clip gradient norm at:"), maxGradNorm_, {});
  seed_ = spinBox(QStringLiteral("seed"), 0, 2147483647);
  addRow(steps, QStringLiteral("seed"), tr("Seed:"), seed_, {});
  threads_ = spinBox(QStringLiteral("threads"), 0, 1024);
  threads_->setSpecialValueText(tr("all cores"));
  addRow(steps, QStringLiteral("threads"), tr("Threads:"), threads_, {});
  precision_ = comboBox(QStringLiteral("precision"));
  precision_->addItem(tr("fp32"));
  precision_->addItem(tr("bf16 mixed — not available in this version"));
  qobject_cast<QStandardItemModel*>(precision_->model())->item(1)->setEnabled(false);
  addRow(steps, QStringLiteral("precision"), tr("Precision:"), precision_, {});
  activationCheckpointing_ = checkBox(QStringLiteral("activation_checkpointing"),
                                      tr("Recompute layer activations in backward"));
  addRow(steps, QStringLiteral("activation_checkpointing"), tr("Activation checkpointing:"),
         activationCheckpointing_, {});

  auto* evaluation = group(tr("Evaluation and checkpoints"), QStringLiteral("evaluationGroup"));
  evalEvery_ = spinBox(QStringLiteral("eval_every"), 0, kManySteps);
  evalEvery_->setSpecialValueText(tr("epoch ends only"));
  addRow(evaluation, QStringLiteral("eval_every"), tr("Validate every (steps):"), evalEvery_, {});
  checkpointEvery_ = spinBox(QStringLiteral("checkpoint_every"), 0, kManySteps);
  checkpointEvery_->setSpecialValueText(tr("at the end only"));
  addRow(evaluation, QStringLiteral("checkpoint_every"), tr("Checkpoint every (steps):"),
         checkpointEvery_, {});
  keepCheckpoints_ = spinBox(QStringLiteral("keep_checkpoints"), 1, 1000);
  addRow(evaluation, QStringLiteral("keep_checkpoints"), tr("Keep checkpoints:"), keepCheckpoints_,
         {});
  earlyStopping_ = checkBox(QStringLiteral("early_stopping"), tr("Stop early"));
  addRow(evaluation, QStringLiteral("early_stopping"), tr("Early stopping:"), earlyStopping_, {});
  patience_ = spinBox(QStringLiteral("early_stopping.patience"), 1, 1 << 20);
  addRow(evaluation, QStringLiteral("early_stopping.patience"), tr("Patience (validations):"),
         patience_, {});
  minDelta_ = numberEdit(QStringLiteral("early_stopping.min_delta"));
  addRow(evaluation, QStringLiteral("early_stopping.min_delta"), tr("Minimum improvement:"),
         minDelta_, {});

  auto* classes = group(tr("Classification"), QStringLiteral("classificationGroup"));
  classLabels_ = new QLineEdit(this);
  classLabels_->setObjectName(QStringLiteral("classification.labels"));
  classLabels_->setPlaceholderText(tr("from the training file"));
  addRow(classes, QStringLiteral("classification.labels"), tr("Classes:"), classLabels_, {});
  classLoss_ = comboBox(QStringLiteral("classification.loss"));
  classLoss_->addItem(tr("Cross-entropy"), QStringLiteral("cross_entropy"));
  classLoss_->addItem(tr("Focal loss"), QStringLiteral("focal"));
  addRow(classes, QStringLiteral("classification.loss"), tr("Classification loss:"), classLoss_,
         {});
  focalGamma_ = numberEdit(QStringLiteral("classification.focal_gamma"));
  addRow(classes, QStringLiteral("classification.focal_gamma"), tr("Focal gamma:"), focalGamma_,
         {});
  classWeights_ = new QLineEdit(this);
  classWeights_->setObjectName(QStringLiteral("classification.class_weights"));
  classWeights_->setPlaceholderText(tr("none; balanced; or {\"label\": weight, …}"));
  addRow(classes, QStringLiteral("classification.class_weights"), tr("Class weights:"),
         classWeights_, {});

  int index = 0;
  for (auto* box : findChildren<QGroupBox*>(QString(), Qt::FindDirectChildrenOnly)) {
    grid->addWidget(box, index / 2, index % 2);
    ++index;
  }
  grid->setRowStretch(index / 2 + 1, 1);

  for (auto* edit : findChildren<QLineEdit*>())
    connect(edit, &QLineEdit::textChanged, this, [this] {
      if (!filling_) emit edited();
    });
  for (auto* box : findChildren<QSpinBox*>())
    connect(box, &QSpinBox::valueChanged, this, [this] {
      if (!filling_) emit edited();
    });
  for (auto* box : findChildren<QCheckBox*>())
    connect(box, &QCheckBox::toggled, this, [this] {
      updateEnabledFields();
      if (!filling_) emit edited();
    });
  for (auto* box : findChildren<QComboBox*>())
    connect(box, &QComboBox::currentIndexChanged, this, [this] {
      updateEnabledFields();
      if (!filling_) emit edited();
    });
  setConfig(TrainingConfig{});
}

QFormLayout* SetupForm::group(const QString& title, const QString& objectName) {
  auto* box = new QGroupBox(title, this);
  box->setObjectName(objectName);
  auto* form = new QFormLayout(box);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  return form;
}

void SetupForm::addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* input,
                       const QString& tip) {
  // The input with its problem line below it: the parser's message appears where it applies.
  auto* cell = new QWidget(form->parentWidget());
  auto* layout = new QVBoxLayout(cell);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(1);
  input->setParent(cell);
  layout->addWidget(input);
  auto* problem = new QLabel(cell);
  problem->setObjectName(QStringLiteral("problem:") + key);
  problem->setWordWrap(true);
  problem->setStyleSheet(QStringLiteral("color: #b00020;"));
  problem->setVisible(false);
  layout->addWidget(problem);
  const QString text = tip.isEmpty() ? setupTip(key) : tip;
  input->setToolTip(text);
  if (label.isEmpty()) {
    form->addRow(cell);
  } else {
    form->addRow(label, cell);
    if (auto* labelWidget = qobject_cast<QLabel*>(form->labelForField(cell))) {
      labelWidget->setBuddy(input);
      labelWidget->setToolTip(text);
    }
  }
  input->setAccessibleDescription(text);
  rows_.insert(key, {input, problem});
}

QLineEdit* SetupForm::numberEdit(const QString& key) {
  auto* edit = new QLineEdit(this);
  edit->setObjectName(key);
  return edit;
}

QSpinBox* SetupForm::spinBox(const QString& key, int min, int max) {
  auto* box = new QSpinBox(this);
  box->setObjectName(key);
  box->setRange(min, max);
  return box;
}

QCheckBox* SetupForm::checkBox(const QString& key, const QString& text) {
  auto* box = new QCheckBox(text, this);
  box->setObjectName(key);
  return box;
}

QComboBox* SetupForm::comboBox(const QString& key) {
  auto* box = new QComboBox(this);
  box->setObjectName(key);
  return box;
}

QWidget* SetupForm::pathPicker(const QString& key, QLineEdit*& edit, bool folder,
                               const QString& filter) {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  edit = new QLineEdit(row);
  edit->setObjectName(key);
  auto* browse = new QPushButton(tr("Browse…"), row);
  browse->setObjectName(key + QStringLiteral(".browse"));
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  row->setFocusProxy(edit);
  QLineEdit* target = edit;
  connect(browse, &QPushButton::clicked, this, [this, target, folder, filter, key] {
    const QString title =
        folder ? tr("Choose a folder for %1").arg(key) : tr("Choose the file for %1").arg(key);
    const QString chosen = folder
                               ? QFileDialog::getExistingDirectory(this, title, target->text())
                               : QFileDialog::getOpenFileName(this, title, target->text(), filter);
    if (!chosen.isEmpty()) target->setText(chosen);
  });
  browse->setAccessibleName(tr("Browse for %1").arg(key));
  return row;
}

// Reads the form into a typed config. A number field whose text is no number keeps its place in
// `unreadable` (its run.json path and the text), so that the parser names it; fields that do not
// apply to the chosen optimiser or schedule are read only when they hold numbers.
TrainingConfig SetupForm::readConfig(UnreadableFields& unreadable) const {
  auto text = [](const QLineEdit* edit) { return edit->text().trimmed().toStdString(); };
  auto number = [&](const QLineEdit* edit, const char* path, double& out, bool applies = true) {
    bool ok = false;
    const double value = QLocale::c().toDouble(edit->text().trimmed(), &ok);
    if (ok)
      out = value;
    else if (applies)
      unreadable.emplace_back(nlohmann::json::json_pointer(path), text(edit));
  };
  TrainingConfig c;
  c.modelFolder = text(model_);
  c.outputFolder = text(output_);
  c.objective = namedValue(objective_, objectiveNames(), Objective::CausalLm);
  const bool classification = c.objective == Objective::Classification;
  auto& d = c.data;
  d.trainPath = text(train_);
  d.validationPath = text(validation_);
  d.textField = text(textField_);
  d.promptField = text(promptField_);
  d.responseField = text(responseField_);
  d.labelField = text(labelField_);
  d.maxLength = maxLength_->value();
  // Packing has no meaning for a classifier (one label per row); its box is disabled then.
  d.packing = packing_->isChecked() && !classification;

  auto& m = c.method;
  m.kind = namedValue(method_, methodNames(), MethodKind::Full);
  m.lora.r = loraRank_->value();
  number(loraAlpha_, "/method/alpha", m.lora.alpha, m.usesAdapters());
  number(loraDropout_, "/method/dropout", m.lora.dropout, m.usesAdapters());
  m.lora.rslora = rslora_->isChecked();
  m.lora.targets = listedTargets(loraTargets_->text());
  m.halfRounds = halfRounds_->value();
  m.promptTuning.virtualTokens = promptTokens_->value();
  m.promptTuning.init = promptInit_->currentData().toString() == QLatin1String("text")
                            ? PromptTuningInit::Text
                            : PromptTuningInit::Random;
  // The text only goes with text init, where the parser needs it (and says so when empty).
  if (m.promptTuning.init == PromptTuningInit::Text)
    m.promptTuning.initText = promptInitText_->text().toStdString();
  m.bottleneck.size = bottleneckSize_->value();
  m.bottleneck.activation = bottleneckActivation_->currentData().toString() == QLatin1String("relu")
                                ? BottleneckActivation::Relu
                                : BottleneckActivation::Gelu;
  if (m.kind == MethodKind::Freeze) {
    c.freezeLayers = freezeLayers_->value();
    c.freezeEmbeddings = freezeEmbeddings_->isChecked();
  }
  readOptimization(c, number);
  if (classification) readClassification(c.classification, number, unreadable);
  c.seed = static_cast<uint64_t>(seed_->value());
  c.threads = threads_->value();
  c.evalEvery = evalEvery_->value();
  c.checkpointEvery = checkpointEvery_->value();
  c.keepCheckpoints = keepCheckpoints_->value();
  if (earlyStopping_->isChecked()) {
    c.earlyStoppingPatience = patience_->value();
    number(minDelta_, "/early_stopping/min_delta", c.earlyStoppingMinDelta);
  }
  return c;
}

void SetupForm::readOptimization(TrainingConfig& c, const ReadNumber& number) const {
  auto& o = c.optimizer;
  o.kind = enumFromFileName(optimizerNames(), optimizer_->currentData().toString().toStdString())
               .value_or(OptimizerKind::AdamW);
  const bool adam = o.kind == OptimizerKind::Adam || o.kind == OptimizerKind::AdamW;
  const bool sgd = o.kind == OptimizerKind::Sgd;
  const bool rmsprop = o.kind == OptimizerKind::RmsProp;
  number(learningRate_, "/optimizer/lr", o.learningRate, true);
  number(weightDecay_, "/optimizer/weight_decay", o.weightDecay, true);
  o.decayNormsAndBiases = decayNorms_->isChecked();
  number(beta1_, "/optimizer/betas/0", o.beta1, adam);
  number(beta2_, "/optimizer/betas/1", o.beta2, adam);
  number(momentum_, "/optimizer/momentum", o.momentum, sgd || rmsprop);
  o.nesterov = nesterov_->isChecked() && sgd;
  number(rmsAlpha_, "/optimizer/alpha", o.alpha, rmsprop);
  number(rho_, "/optimizer/rho", o.rho, o.kind == OptimizerKind::AdaDelta);
  number(eps_, "/optimizer/eps", o.eps, !sgd);

  auto& s = c.schedule;
  s.kind = namedValue(schedule_, scheduleNames(), ScheduleKind::Linear);
  s.warmupSteps = warmup_->value();
  number(minRatio_, "/schedule/min_lr_ratio", s.minLearningRateRatio,
         s.kind == ScheduleKind::Linear || s.kind == ScheduleKind::Cosine);
  s.stepSize = stepSize_->value();
  number(gamma_, "/schedule/gamma", s.gamma, s.kind == ScheduleKind::Step);

  c.batchSize = batchSize_->value();
  c.fullBatch = fullBatch_->isChecked();
  c.gradientAccumulation = accumulation_->value();
  c.epochs = epochs_->value();
  c.maxSteps = maxSteps_->value();
  number(maxGradNorm_, "/max_grad_norm", c.maxGradNorm, true);
  c.activationCheckpointing = activationCheckpointing_->isChecked();
}

void SetupForm::readClassification(ClassificationConfig& c, const ReadNumber& number,
                                   UnreadableFields& unreadable) const {
  for (const auto& label : classLabels_->text().split(
           QRegularExpression(QStringLiteral("\\s*,\\s*")), Qt::SkipEmptyParts))
    c.labels.push_back(label.trimmed().toStdString());
  c.loss.loss = classLoss_->currentData().toString() == QLatin1String("focal")
                    ? LossBalancing::Loss::Focal
                    : LossBalancing::Loss::CrossEntropy;
  number(focalGamma_, "/classification/focal_gamma", c.loss.focalGamma,
         c.loss.loss == LossBalancing::Loss::Focal);
  // "balanced" or a JSON object of weights; anything else goes to the parser as typed.
  const QString weights = classWeights_->text().trimmed();
  if (weights.isEmpty()) return;
  if (weights == QLatin1String("balanced")) {
    c.balancedWeights = true;
    return;
  }
  const auto parsed = parseJsonOrDiscarded(weights.toStdString());
  const nlohmann::json::json_pointer path("/classification/class_weights");
  if (!parsed.is_object()) {
    unreadable.emplace_back(path,
                            parsed.is_discarded() ? nlohmann::json(weights.toStdString()) : parsed);
    return;
  }
  for (const auto& [label, weight] : parsed.items()) {
    if (!weight.is_number()) {
      unreadable.emplace_back(path, parsed);
      return;
    }
    c.loss.classWeights[label] = weight.get<double>();
  }
}

nlohmann::json SetupForm::toJson() const {
  UnreadableFields unreadable;
  const auto config = readConfig(unreadable);
  // The engine writes the shape; the form only says what is set.
  auto json = trainingConfigToJson(config);
  for (const auto& [path, value] : unreadable) json[path] = value;
  // Files left out when empty, so that the parser names what is missing.
  if (config.data.trainPath.empty()) json["data"].erase("train");
  return json;
}

void SetupForm::setConfig(const TrainingConfig& config) {
  filling_ = true;
  model_->setText(QString::fromStdString(config.modelFolder));
  output_->setText(QString::fromStdString(config.outputFolder));
  train_->setText(QString::fromStdString(config.data.trainPath));
  validation_->setText(QString::fromStdString(config.data.validationPath));
  textField_->setText(QString::fromStdString(config.data.textField));
  promptField_->setText(QString::fromStdString(config.data.promptField));
  responseField_->setText(QString::fromStdString(config.data.responseField));
  labelField_->setText(QString::fromStdString(config.data.labelField));
  setHyperparameterFields(config);
  filling_ = false;
  updateEnabledFields();
  emit edited();
}

void SetupForm::setHyperparameters(const TrainingConfig& config) {
  filling_ = true;
  setHyperparameterFields(config);
  filling_ = false;
  fitTargetsToModel();
  updateEnabledFields();
  emit edited();
}

void SetupForm::fitTargetsToModel() {
  std::string architecture;
  try {
    architecture =
        loadModelConfig(QDir(modelFolder()).filePath(QStringLiteral("config.json")).toStdString())
            .architecture;
  } catch (const std::exception&) {
    return;  // no model chosen yet, or one the parser names the problem of
  }
  const auto targets = listedTargets(loraTargets_->text());
  const auto fitted = loraTargetsForArchitecture(architecture, targets);
  if (fitted == targets) return;
  QStringList names;
  for (const auto& target : fitted) names << QString::fromStdString(target);
  loraTargets_->setText(names.join(QStringLiteral(", ")));
}

void SetupForm::setHyperparameterFields(const TrainingConfig& c) {
  selectNamed(objective_, objectiveNames(), c.objective);
  QStringList classLabels;
  for (const auto& label : c.classification.labels) classLabels << QString::fromStdString(label);
  classLabels_->setText(classLabels.join(QStringLiteral(", ")));
  const auto& loss = c.classification.loss;
  selectData(classLoss_, loss.loss == LossBalancing::Loss::Focal ? QStringLiteral("focal")
                                                                 : QStringLiteral("cross_entropy"));
  focalGamma_->setText(numberText(loss.focalGamma));
  classWeights_->setText(c.classification.balancedWeights ? QStringLiteral("balanced")
                         : loss.classWeights.empty()
                             ? QString()
                             : QString::fromStdString(nlohmann::json(loss.classWeights).dump()));
  activationCheckpointing_->setChecked(c.activationCheckpointing);
  maxLength_->setValue(static_cast<int>(c.data.maxLength));
  packing_->setChecked(c.data.packing);
  selectNamed(method_, methodNames(), c.method.kind);
  loraRank_->setValue(static_cast<int>(c.method.lora.r));
  loraAlpha_->setText(numberText(c.method.lora.alpha));
  // The engine's LoRA default dropout when a method block gives none.
  loraDropout_->setText(numberText(c.method.usesAdapters() ? c.method.lora.dropout : 0.05));
  rslora_->setChecked(c.method.lora.rslora);
  QStringList targets;
  for (const auto& target : c.method.lora.targets) targets << QString::fromStdString(target);
  loraTargets_->setText(targets.join(QStringLiteral(", ")));
  halfRounds_->setValue(static_cast<int>(c.method.halfRounds));
  promptTokens_->setValue(static_cast<int>(c.method.promptTuning.virtualTokens));
  selectData(promptInit_, c.method.promptTuning.init == PromptTuningInit::Text
                              ? QStringLiteral("text")
                              : QStringLiteral("random"));
  promptInitText_->setText(QString::fromStdString(c.method.promptTuning.initText));
  bottleneckSize_->setValue(static_cast<int>(c.method.bottleneck.size));
  selectData(bottleneckActivation_,
             QString::fromLatin1(activationName(c.method.bottleneck.activation)));
  freezeLayers_->setValue(static_cast<int>(c.freezeLayers));
  freezeEmbeddings_->setChecked(c.freezeEmbeddings);
  const auto& o = c.optimizer;
  selectData(optimizer_, QString::fromLatin1(optimizerName(o.kind)));
  learningRate_->setText(numberText(o.learningRate));
  weightDecay_->setText(numberText(o.weightDecay));
  decayNorms_->setChecked(o.decayNormsAndBiases);
  beta1_->setText(numberText(o.beta1));
  beta2_->setText(numberText(o.beta2));
  eps_->setText(numberText(o.eps));
  momentum_->setText(numberText(o.momentum));
  nesterov_->setChecked(o.nesterov);
  rmsAlpha_->setText(numberText(o.alpha));
  rho_->setText(numberText(o.rho));
  selectNamed(schedule_, scheduleNames(), c.schedule.kind);
  warmup_->setValue(static_cast<int>(std::min<int64_t>(c.schedule.warmupSteps, kManySteps)));
  minRatio_->setText(numberText(c.schedule.minLearningRateRatio));
  stepSize_->setValue(static_cast<int>(std::min<int64_t>(c.schedule.stepSize, kManySteps)));
  gamma_->setText(numberText(c.schedule.gamma));
  batchSize_->setValue(static_cast<int>(c.batchSize));
  fullBatch_->setChecked(c.fullBatch);
  accumulation_->setValue(static_cast<int>(c.gradientAccumulation));
  epochs_->setValue(static_cast<int>(c.epochs));
  maxSteps_->setValue(static_cast<int>(std::min<int64_t>(c.maxSteps, kManySteps)));
  maxGradNorm_->setText(numberText(c.maxGradNorm));
  seed_->setValue(static_cast<int>(std::min<uint64_t>(c.seed, 2147483647u)));
  threads_->setValue(c.threads);
  evalEvery_->setValue(static_cast<int>(std::min<int64_t>(c.evalEvery, kManySteps)));
  checkpointEvery_->setValue(static_cast<int>(std::min<int64_t>(c.checkpointEvery, kManySteps)));
  keepCheckpoints_->setValue(static_cast<int>(c.keepCheckpoints));
  earlyStopping_->setChecked(c.earlyStoppingPatience > 0);
  patience_->setValue(c.earlyStoppingPatience > 0 ? static_cast<int>(c.earlyStoppingPatience) : 3);
  minDelta_->setText(numberText(c.earlyStoppingMinDelta));
}

void SetupForm::updateEnabledFields() {
  const QString method = method_->currentData().toString();
  const bool adapters = method == QLatin1String("lora") || method == QLatin1String("dora") ||
                        method == QLatin1String("qlora");
  for (auto* input : {static_cast<QWidget*>(loraRank_), static_cast<QWidget*>(loraAlpha_),
                      static_cast<QWidget*>(loraDropout_), static_cast<QWidget*>(rslora_),
                      static_cast<QWidget*>(loraTargets_)})
    input->setEnabled(adapters);
  halfRounds_->setEnabled(method == QLatin1String("half"));
  const QString objective = objective_->currentData().toString();
  const bool classification = objective == QLatin1String("classification");
  for (auto* input : {static_cast<QWidget*>(labelField_), static_cast<QWidget*>(classLabels_),
                      static_cast<QWidget*>(classLoss_), static_cast<QWidget*>(classWeights_)})
    input->setEnabled(classification);
  focalGamma_->setEnabled(classification &&
                          classLoss_->currentData().toString() == QLatin1String("focal"));
  promptField_->setEnabled(objective == QLatin1String("sft"));
  responseField_->setEnabled(objective == QLatin1String("sft"));
  textField_->setEnabled(objective != QLatin1String("sft"));
  packing_->setEnabled(!classification);
  const bool prompt = method == QLatin1String("prompt_tuning");
  promptTokens_->setEnabled(prompt);
  promptInit_->setEnabled(prompt);
  promptInitText_->setEnabled(prompt &&
                              promptInit_->currentData().toString() == QLatin1String("text"));
  bottleneckSize_->setEnabled(method == QLatin1String("bottleneck"));
  bottleneckActivation_->setEnabled(method == QLatin1String("bottleneck"));
  freezeLayers_->setEnabled(method == QLatin1String("freeze"));
  freezeEmbeddings_->setEnabled(method == QLatin1String("freeze"));
  const QString kind = optimizer_->currentData().toString();
  const bool adam = kind == QLatin1String("adam") || kind == QLatin1String("adamw");
  beta1_->setEnabled(adam);
  beta2_->setEnabled(adam);
  eps_->setEnabled(kind != QLatin1String("sgd"));
  momentum_->setEnabled(kind == QLatin1String("sgd") || kind == QLatin1String("rmsprop"));
  nesterov_->setEnabled(kind == QLatin1String("sgd"));
  rmsAlpha_->setEnabled(kind == QLatin1String("rmsprop"));
  rho_->setEnabled(kind == QLatin1String("adadelta"));
  const QString schedule = schedule_->currentData().toString();
  minRatio_->setEnabled(schedule == QLatin1String("linear") || schedule == QLatin1String("cosine"));
  stepSize_->setEnabled(schedule == QLatin1String("step"));
  gamma_->setEnabled(schedule == QLatin1String("step"));
  batchSize_->setEnabled(!fullBatch_->isChecked());
  accumulation_->setEnabled(!fullBatch_->isChecked());
  patience_->setEnabled(earlyStopping_->isChecked());
  minDelta_->setEnabled(earlyStopping_->isChecked());
}

void SetupForm::setModelFolder(const QString& folder) {
  model_->setText(folder);
  fitTargetsToModel();
}
void SetupForm::setOutputFolder(const QString& folder) {
  output_->setText(folder);
}
void SetupForm::setTrainFile(const QString& file) {
  train_->setText(file);
}
void SetupForm::setValidationFile(const QString& file) {
  validation_->setText(file);
}
QString SetupForm::modelFolder() const {
  return model_->text().trimmed();
}
QString SetupForm::outputFolder() const {
  return output_->text().trimmed();
}

QWidget* SetupForm::field(const QString& key) const {
  // Path rows: the edit rather than the row with its Browse button.
  if (auto* edit = findChild<QLineEdit*>(key)) return edit;
  const auto found = rows_.find(key);
  return found == rows_.end() ? nullptr : found->input;
}

QWidget* SetupForm::showProblem(const QString& key, const QString& message) {
  for (auto& row : rows_) {
    row.problem->clear();
    row.problem->setVisible(false);
  }
  if (key.isEmpty()) return nullptr;
  // "optimizer.betas" is a row; "method.targets" too; "data" is not: fall back to the nearest
  // enclosing key that is one.
  QString name = key;
  while (!name.isEmpty() && !rows_.contains(name)) {
    const int dot = name.lastIndexOf('.');
    name = dot < 0 ? QString() : name.left(dot);
  }
  if (name.isEmpty()) return nullptr;
  auto& row = rows_[name];
  row.problem->setText(message);
  row.problem->setVisible(true);
  return row.input;
}

QString SetupForm::problemShownAt(const QString& key) const {
  const auto found = rows_.find(key);
  return found == rows_.end() || !found->problem->isVisible() ? QString() : found->problem->text();
}

}  // namespace tunebench::ui
