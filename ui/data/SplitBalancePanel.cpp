#include "data/SplitBalancePanel.h"

#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <limits>

#include "data/Balancing.h"
#include "data/ProjectStoreJob.h"
#include "jobs/JobRunner.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace {

// Counts the classes of a version before and after the chosen resampling through a read-only
// connection; nothing is stored.
class BalancePlanJob : public Job {
 public:
  BalancePlanJob(std::string projectFile, int64_t versionId, store::BalanceRequest request,
                 std::shared_ptr<store::BalancePlan> plan)
      : projectFile_(std::move(projectFile)),
        versionId_(versionId),
        request_(std::move(request)),
        plan_(std::move(plan)) {}
  std::string name() const override { return "count classes"; }
  void run(JobContext& context) override {
    store::OpenOptions options;
    options.readOnly = true;
    auto project = store::ProjectStore::open(projectFile_, options);
    *plan_ = store::planBalance(project, versionId_, request_, context);
  }

 private:
  std::string projectFile_;
  int64_t versionId_;
  store::BalanceRequest request_;
  std::shared_ptr<store::BalancePlan> plan_;
};

QString countChanges(const store::ClassCounts& before, const store::ClassCounts& after) {
  QStringList changes;
  for (const auto& [label, count] : before) {
    const auto found = after.find(label);
    changes << QObject::tr("%1 %2 → %3")
                   .arg(QString::fromStdString(label))
                   .arg(count)
                   .arg(found == after.end() ? 0 : found->second);
  }
  return changes.join(QStringLiteral(", "));
}

QDoubleSpinBox* shareBox(double value, QWidget* parent) {
  auto* box = new QDoubleSpinBox(parent);
  box->setRange(0.0, 0.99);
  box->setDecimals(3);
  box->setSingleStep(0.05);
  box->setValue(value);
  return box;
}

void addRow(QFormLayout* form, const QString& text, QWidget* field) {
  auto* label = new QLabel(text, field->parentWidget());
  label->setBuddy(field);
  form->addRow(label, field);
}

}  // namespace

SplitBalancePanel::SplitBalancePanel(StartJob startJob, QWidget* parent)
    : QWidget(parent), startJob_(std::move(startJob)) {
  setObjectName(QStringLiteral("splitBalancePanel"));
  auto* layout = new QVBoxLayout(this);
  current_ = new QLabel(this);
  current_->setObjectName(QStringLiteral("splitCurrent"));
  current_->setWordWrap(true);
  layout->addWidget(current_);
  auto* boxes = new QHBoxLayout;
  boxes->addWidget(buildSplitBox(), 1);
  boxes->addWidget(buildBalanceBox(), 1);
  layout->addLayout(boxes, 1);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("splitStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);
  updateInputs();
}

QWidget* SplitBalancePanel::buildSplitBox() {
  auto* box = new QGroupBox(tr("Split into train, validation and test"), this);
  auto* form = new QFormLayout(box);
  method_ = new QComboBox(box);
  method_->setObjectName(QStringLiteral("splitMethod"));
  method_->addItem(tr("Random"), QStringLiteral("random"));
  method_->addItem(tr("Stratified by label"), QStringLiteral("stratified"));
  method_->addItem(tr("K-fold (one fold as test)"), QStringLiteral("kfold"));
  method_->addItem(tr("By group (a group stays on one side)"), QStringLiteral("group"));
  addRow(form, tr("&Method:"), method_);
  validation_ = shareBox(0.1, box);
  validation_->setObjectName(QStringLiteral("splitValidation"));
  addRow(form, tr("&Validation share:"), validation_);
  test_ = shareBox(0.1, box);
  test_->setObjectName(QStringLiteral("splitTest"));
  addRow(form, tr("&Test share:"), test_);
  seed_ = new QSpinBox(box);
  seed_->setObjectName(QStringLiteral("splitSeed"));
  seed_->setRange(0, std::numeric_limits<int>::max());
  addRow(form, tr("S&eed:"), seed_);
  folds_ = new QSpinBox(box);
  folds_->setObjectName(QStringLiteral("splitFolds"));
  folds_->setRange(2, 1000);
  folds_->setValue(5);
  addRow(form, tr("F&olds:"), folds_);
  fold_ = new QSpinBox(box);
  fold_->setObjectName(QStringLiteral("splitFold"));
  fold_->setRange(0, 4);
  fold_->setToolTip(tr("Which fold is the test side (counted from 0)"));
  addRow(form, tr("Test f&old:"), fold_);
  groupField_ = new QComboBox(box);
  groupField_->setObjectName(QStringLiteral("splitGroupField"));
  groupField_->setEditable(true);
  addRow(form, tr("&Group field:"), groupField_);
  split_ = new QPushButton(tr("S&plit into a New Version"), box);
  split_->setObjectName(QStringLiteral("splitButton"));
  form->addRow(split_);
  connect(method_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &SplitBalancePanel::updateInputs);
  connect(folds_, qOverload<int>(&QSpinBox::valueChanged), this,
          [this](int folds) { fold_->setMaximum(folds - 1); });
  connect(split_, &QPushButton::clicked, this, &SplitBalancePanel::startSplit);
  return box;
}

QWidget* SplitBalancePanel::buildBalanceBox() {
  auto* box = new QGroupBox(tr("Balance classes"), this);
  auto* layout = new QVBoxLayout(box);
  auto* form = new QFormLayout;
  labelField_ = new QComboBox(box);
  labelField_->setObjectName(QStringLiteral("balanceLabelField"));
  labelField_->setEditable(true);
  labelField_->setToolTip(tr("The field of each row that holds its class (text or a number)"));
  addRow(form, tr("&Label field:"), labelField_);
  balance_ = new QComboBox(box);
  balance_->setObjectName(QStringLiteral("balanceMethod"));
  balance_->addItem(tr("Random over-sampling (up to the largest class)"), true);
  balance_->addItem(tr("Random under-sampling (down to the smallest class)"), false);
  addRow(form, tr("&Resampling:"), balance_);
  balanceSeed_ = new QSpinBox(box);
  balanceSeed_->setObjectName(QStringLiteral("balanceSeed"));
  balanceSeed_->setRange(0, std::numeric_limits<int>::max());
  addRow(form, tr("Resampling see&d:"), balanceSeed_);
  layout->addLayout(form);
  count_ = new QPushButton(tr("&Count Classes Before and After"), box);
  count_->setObjectName(QStringLiteral("balanceCount"));
  layout->addWidget(count_);
  counts_ = new QTableWidget(0, 3, box);
  counts_->setObjectName(QStringLiteral("balanceCounts"));
  counts_->setAccessibleName(tr("Class counts before and after"));
  counts_->setHorizontalHeaderLabels({tr("Class"), tr("Before"), tr("After")});
  counts_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  counts_->verticalHeader()->setVisible(false);
  counts_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(counts_, 1);
  weights_ = new QLabel(box);
  weights_->setObjectName(QStringLiteral("balanceWeights"));
  weights_->setWordWrap(true);
  weights_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(weights_);
  auto* buttons = new QHBoxLayout;
  storeBalance_ = new QPushButton(tr("Store B&alanced Version"), box);
  storeBalance_->setObjectName(QStringLiteral("balanceStore"));
  buttons->addWidget(storeBalance_);
  copyWeights_ = new QPushButton(tr("Copy Class &Weights"), box);
  copyWeights_->setObjectName(QStringLiteral("balanceCopyWeights"));
  copyWeights_->setToolTip(
      tr("Copies the balanced class weights, n / (classes × count), as the JSON object that "
         "classWeights of the loss balancing settings takes (Alt+W)"));
  buttons->addWidget(copyWeights_);
  layout->addLayout(buttons);
  balanceNote_ = new QLabel(box);
  balanceNote_->setObjectName(QStringLiteral("balanceNote"));
  balanceNote_->setWordWrap(true);
  layout->addWidget(balanceNote_);
  connect(count_, &QPushButton::clicked, this, &SplitBalancePanel::countClasses);
  connect(storeBalance_, &QPushButton::clicked, this, &SplitBalancePanel::storeBalancedVersion);
  connect(copyWeights_, &QPushButton::clicked, this, &SplitBalancePanel::copyClassWeights);
  // Counts belong to the settings they were made with: a change asks for a new count.
  connect(labelField_, &QComboBox::currentTextChanged, this, &SplitBalancePanel::forgetCounts);
  connect(balance_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &SplitBalancePanel::forgetCounts);
  connect(balanceSeed_, qOverload<int>(&QSpinBox::valueChanged), this,
          &SplitBalancePanel::forgetCounts);
  return box;
}

void SplitBalancePanel::setVersion(const ChosenVersion& version) {
  const bool other = version.versionId != version_.versionId;
  const bool otherDataset = version.datasetId != version_.datasetId;
  const bool justStored = storedVersion_ > 0 && version.versionId == storedVersion_;
  version_ = version;
  if (version_.versionId > 0) {
    QString text = tr("Version %1 of “%2” (%3): %4 rows.")
                       .arg(version_.number)
                       .arg(version_.datasetName, version_.kind)
                       .arg(version_.rows);
    text += version_.splitSummary.isEmpty()
                ? tr(" Not split yet.")
                : tr(" Split now: %1. A new split replaces it in a new version.")
                      .arg(version_.splitSummary);
    if (!version_.balance.isEmpty()) text += tr(" Balanced by %1.").arg(version_.balance);
    current_->setText(text);
  } else {
    current_->setText(tr("Choose a dataset version on the left."));
  }
  if (otherDataset || (other && labelField_->currentText().trimmed().isEmpty())) {
    const QSignalBlocker blocker(labelField_);
    labelField_->setCurrentText(version_.labelField);
  }
  if (other) {
    forgetCounts();
    if (!justStored) status_->clear();
    storedVersion_ = 0;
  }
  updateInputs();
}

void SplitBalancePanel::setFields(const QStringList& fields) {
  const QString text = groupField_->currentText();
  groupField_->clear();
  groupField_->addItems(fields);
  groupField_->setCurrentText(text.isEmpty() && !fields.isEmpty() ? fields.front() : text);
  // The label field is kept as it was: a different first row changes the list, not the choice.
  const QSignalBlocker blocker(labelField_);
  const QString label = labelField_->currentText();
  labelField_->clear();
  labelField_->addItems(fields);
  labelField_->setCurrentText(label);
}

store::SplitRequest SplitBalancePanel::request() const {
  store::SplitRequest request;
  request.method = method_->currentData().toString().toStdString();
  request.validation = validation_->value();
  request.test = test_->value();
  request.seed = static_cast<uint64_t>(seed_->value());
  request.folds = folds_->value();
  request.fold = fold_->value();
  request.groupField = groupField_->currentText().trimmed().toStdString();
  return request;
}

void SplitBalancePanel::setRequest(const store::SplitRequest& request) {
  method_->setCurrentIndex(method_->findData(QString::fromStdString(request.method)));
  validation_->setValue(request.validation);
  test_->setValue(request.test);
  seed_->setValue(static_cast<int>(request.seed));
  folds_->setValue(request.folds);
  fold_->setValue(request.fold);
  groupField_->setCurrentText(QString::fromStdString(request.groupField));
}

void SplitBalancePanel::updateInputs() {
  const QString method = method_->currentData().toString();
  const bool kfold = method == QLatin1String("kfold");
  validation_->setEnabled(!kfold);
  test_->setEnabled(!kfold);
  folds_->setEnabled(kfold);
  fold_->setEnabled(kfold);
  groupField_->setEnabled(method == QLatin1String("group"));
  const bool chosen = version_.versionId > 0;
  const bool idle = runner_ == nullptr;
  split_->setEnabled(chosen && idle && !version_.readOnly);
  split_->setToolTip(version_.readOnly ? tr("The project is read-only.") : QString());
  const bool labelled = !labelField_->currentText().trimmed().isEmpty();
  count_->setEnabled(chosen && idle && labelled);
  labelField_->setEnabled(chosen);
  balance_->setEnabled(chosen);
  balanceSeed_->setEnabled(chosen);
  const bool counted = isCounted();
  storeBalance_->setEnabled(idle && counted && !version_.readOnly);
  storeBalance_->setToolTip(version_.readOnly ? tr("The project is read-only.")
                            : counted
                                ? tr("Stores these balanced rows as a new version (Alt+A)")
                                : tr("Count the classes first: the counts show what is stored"));
  copyWeights_->setEnabled(counted);
  if (!chosen) {
    balanceNote_->setText(tr("Choose a dataset version on the left."));
  } else if (!labelled) {
    balanceNote_->setText(
        tr("Choose the label field: the field of each row that holds its class."));
  } else {
    balanceNote_->setText(
        tr("Count first; storing then writes a new version whose rows are the balanced rows "
           "(over-sampled copies are rows of their own) and leaves version %1 as it is. Copies "
           "keep the split of their row, so balance after splitting to keep copies of a "
           "training row out of validation and test (those sides are balanced too). Class "
           "weights are the alternative that keeps every row once.")
            .arg(version_.number));
  }
}

store::BalanceRequest SplitBalancePanel::balanceRequest() const {
  store::BalanceRequest request;
  request.labelField = labelField_->currentText().trimmed().toStdString();
  request.method = balance_->currentData().toBool() ? "oversample" : "undersample";
  request.seed = static_cast<uint64_t>(balanceSeed_->value());
  return request;
}

bool SplitBalancePanel::isCounted() const {
  if (!counted_ || counted_->versionId != version_.versionId) return false;
  const auto request = balanceRequest();
  return counted_->labelField == request.labelField && counted_->method == request.method &&
         counted_->seed == request.seed;
}

void SplitBalancePanel::forgetCounts() {
  counted_.reset();
  counts_->setRowCount(0);
  weights_->clear();
  updateInputs();
}

bool SplitBalancePanel::startSplit() {
  if (runner_ || version_.versionId <= 0 || version_.readOnly) return false;
  const auto splitRequest = request();
  if (splitRequest.method != "kfold" && splitRequest.validation + splitRequest.test >= 1.0) {
    status_->setText(
        tr("The validation and test shares add up to 1 or more: lower them so that "
           "rows are left for training."));
    return false;
  }
  if (splitRequest.method == "group" && splitRequest.groupField.empty()) {
    status_->setText(tr("Choose the group field: rows with the same value stay together."));
    return false;
  }
  auto stored = std::make_shared<store::DatasetVersionRecord>();
  const qint64 versionId = version_.versionId;
  const qint64 datasetId = version_.datasetId;
  const qint64 number = version_.number;
  auto job = std::make_unique<ProjectStoreJob>(
      "split " + version_.datasetName.toStdString() + " v" + std::to_string(number),
      version_.projectFile.toStdString(),
      [versionId, splitRequest, stored](store::ProjectStore& project, JobContext& context) {
        *stored = store::splitVersion(project, versionId, splitRequest, context);
      });
  runner_ = startJob_(std::move(job));
  if (!runner_) return false;
  status_->setText(tr("Splitting version %1…").arg(number));
  connect(runner_, &JobRunner::finished, this, [this, stored, datasetId, number] {
    auto* runner = runner_.data();
    runner_ = nullptr;
    if (runner->outcome() == JobRunner::Outcome::Succeeded && stored->id > 0) {
      status_->setText(
          tr("Stored the split of version %1 as version %2.").arg(number).arg(stored->number));
      emit versionStored(datasetId, stored->number);
    } else if (runner->outcome() == JobRunner::Outcome::Failed) {
      status_->setText(tr("The split failed; nothing was stored: %1").arg(runner->errorText()));
      emit failed(tr("Split"), tr("Version %1 could not be split: %2\n\nChange the settings (a "
                                  "stratified split needs a classification dataset, a group "
                                  "split a field present in every row) and try again.")
                                   .arg(number)
                                   .arg(runner->errorText()));
    } else {
      status_->setText(tr("The split was canceled; nothing was stored."));
    }
    updateInputs();
  });
  updateInputs();
  return true;
}

bool SplitBalancePanel::countClasses() {
  if (runner_ || version_.versionId <= 0) return false;
  const auto request = balanceRequest();
  if (request.labelField.empty()) {
    status_->setText(tr("Choose the label field: the field of each row that holds its class."));
    return false;
  }
  auto plan = std::make_shared<store::BalancePlan>();
  const qint64 versionId = version_.versionId;
  runner_ = startJob_(std::make_unique<BalancePlanJob>(version_.projectFile.toStdString(),
                                                       versionId, request, plan));
  if (!runner_) return false;
  status_->setText(tr("Counting the classes of version %1…").arg(version_.number));
  connect(runner_, &JobRunner::finished, this, [this, plan, request, versionId] {
    auto* runner = runner_.data();
    runner_ = nullptr;
    if (runner->outcome() == JobRunner::Outcome::Succeeded && versionId == version_.versionId) {
      counted_ = Counted{versionId, request.labelField, request.method, request.seed,
                         classWeightsJson(plan->classWeights)};
      showCounts(*plan);
    } else if (runner->outcome() == JobRunner::Outcome::Failed) {
      status_->setText(tr("The classes could not be counted: %1").arg(runner->errorText()));
      emit failed(tr("Balance"),
                  tr("%1\n\nChoose the field that holds the class in every row (rows without "
                     "it can be removed by cleaning first) and count again.")
                      .arg(runner->errorText()));
    } else {
      status_->setText(tr("Counting was canceled."));
    }
    updateInputs();
  });
  updateInputs();
  return true;
}

bool SplitBalancePanel::storeBalancedVersion() {
  if (runner_ || !isCounted() || version_.readOnly) return false;
  const auto request = balanceRequest();
  auto stored = std::make_shared<store::BalanceResult>();
  const qint64 versionId = version_.versionId;
  const qint64 datasetId = version_.datasetId;
  const qint64 number = version_.number;
  auto job = std::make_unique<ProjectStoreJob>(
      "balance " + version_.datasetName.toStdString() + " v" + std::to_string(number),
      version_.projectFile.toStdString(),
      [versionId, request, stored](store::ProjectStore& project, JobContext& context) {
        *stored = store::balanceVersion(project, versionId, request, context);
      });
  runner_ = startJob_(std::move(job));
  if (!runner_) return false;
  status_->setText(tr("Storing the balanced rows of version %1…").arg(number));
  connect(runner_, &JobRunner::finished, this, [this, stored, datasetId, number] {
    auto* runner = runner_.data();
    runner_ = nullptr;
    if (runner->outcome() == JobRunner::Outcome::Succeeded && stored->version.id > 0) {
      status_->setText(tr("Stored the balanced rows of version %1 as version %2 (%3 rows): %4.")
                           .arg(number)
                           .arg(stored->version.number)
                           .arg(stored->version.recordCount)
                           .arg(countChanges(stored->before, stored->after)));
      storedVersion_ = stored->version.id;
      emit versionStored(datasetId, stored->version.number);
    } else if (runner->outcome() == JobRunner::Outcome::Failed) {
      status_->setText(tr("Balancing failed; nothing was stored: %1").arg(runner->errorText()));
      emit failed(tr("Balance"),
                  tr("Version %1 could not be balanced: %2\n\nChoose the field that holds the "
                     "class in every row and try again.")
                      .arg(number)
                      .arg(runner->errorText()));
    } else {
      status_->setText(tr("Balancing was canceled; nothing was stored."));
    }
    updateInputs();
  });
  updateInputs();
  return true;
}

bool SplitBalancePanel::copyClassWeights() {
  if (!isCounted()) return false;
  const QString json = QString::fromStdString(counted_->weightsJson);
  QGuiApplication::clipboard()->setText(json);
  status_->setText(tr("Copied the class weights of version %1 to the clipboard: %2 (the "
                      "classWeights object of the loss balancing settings).")
                       .arg(version_.number)
                       .arg(json));
  return true;
}

void SplitBalancePanel::showCounts(const store::BalancePlan& plan) {
  counts_->setRowCount(static_cast<int>(plan.before.size()));
  int row = 0;
  qint64 before = 0, after = 0;
  for (const auto& [label, count] : plan.before) {
    const qint64 resampled = plan.after.count(label) ? plan.after.at(label) : 0;
    counts_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(label)));
    auto* b = new QTableWidgetItem(QString::number(count));
    b->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* a = new QTableWidgetItem(QString::number(resampled));
    a->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    counts_->setItem(row, 1, b);
    counts_->setItem(row, 2, a);
    before += count;
    after += resampled;
    ++row;
  }
  counts_->resizeColumnsToContents();
  weights_->setText(tr("Balanced class weights: %1")
                        .arg(QString::fromStdString(counted_ ? counted_->weightsJson : "")));
  status_->setText(tr("%1 rows before, %2 after. Store Balanced Version writes them as a new "
                      "version.")
                       .arg(before)
                       .arg(after));
  emit countsShown();
}

}  // namespace tunebench::ui
