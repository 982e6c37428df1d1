#include "data/SplitBalancePanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <limits>

#include "common/Error.h"
#include "data/Balancing.h"
#include "data/ProjectStoreJob.h"
#include "jobs/JobRunner.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace {

// Reads a version's labels through a read-only connection and counts the classes before and
// after the chosen resampling.
class ClassCountJob : public Job {
 public:
  ClassCountJob(std::string projectFile, int64_t versionId, bool oversample, uint64_t seed,
                std::shared_ptr<ClassCounts> counts)
      : projectFile_(std::move(projectFile)),
        versionId_(versionId),
        oversample_(oversample),
        seed_(seed),
        counts_(std::move(counts)) {}
  std::string name() const override { return "count classes"; }
  void run(JobContext& context) override {
    store::OpenOptions options;
    options.readOnly = true;
    auto project = store::ProjectStore::open(projectFile_, options);
    const auto loaded = store::loadVersion(project, versionId_, context);
    if (context.isCanceled()) return;
    if (loaded.data.kind != DatasetKind::Classification)
      throw Error("dataset \"" + loaded.dataset.name + "\" is " +
                  datasetKindName(loaded.data.kind) + ": balancing needs classification labels");
    std::vector<std::string> labels;
    labels.reserve(loaded.data.examples.size());
    for (const auto& example : loaded.data.examples) labels.push_back(example.label);
    for (const auto& label : labels) ++counts_->before[label];
    const auto kept =
        oversample_ ? randomOversample(labels, seed_) : randomUndersample(labels, seed_);
    for (const auto& entry : counts_->before) counts_->after[entry.first] = 0;
    for (size_t index : kept) ++counts_->after[labels.at(index)];
  }

 private:
  std::string projectFile_;
  int64_t versionId_;
  bool oversample_;
  uint64_t seed_;
  std::shared_ptr<ClassCounts> counts_;
};

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
  balanceNote_ = new QLabel(box);
  balanceNote_->setObjectName(QStringLiteral("balanceNote"));
  balanceNote_->setWordWrap(true);
  layout->addWidget(balanceNote_);
  connect(count_, &QPushButton::clicked, this, &SplitBalancePanel::countClasses);
  return box;
}

void SplitBalancePanel::setVersion(const ChosenVersion& version) {
  const bool other = version.versionId != version_.versionId;
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
    current_->setText(text);
  } else {
    current_->setText(tr("Choose a dataset version on the left."));
  }
  if (other) {
    counts_->setRowCount(0);
    status_->clear();
  }
  updateInputs();
}

void SplitBalancePanel::setFields(const QStringList& fields) {
  const QString text = groupField_->currentText();
  groupField_->clear();
  groupField_->addItems(fields);
  groupField_->setCurrentText(text.isEmpty() && !fields.isEmpty() ? fields.front() : text);
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
  const bool classification = version_.kind == QLatin1String("classification");
  count_->setEnabled(chosen && idle && classification);
  balance_->setEnabled(classification);
  balanceSeed_->setEnabled(classification);
  balanceNote_->setText(
      classification
          ? tr("Shown, not stored: balancing is not a version operation of the project yet. The "
               "counts are what random over- or under-sampling with this seed gives.")
          : tr("Balancing needs a classification dataset (text and label)."));
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
  auto counts = std::make_shared<ClassCounts>();
  const bool oversample = balance_->currentData().toBool();
  runner_ = startJob_(std::make_unique<ClassCountJob>(
      version_.projectFile.toStdString(), version_.versionId, oversample,
      static_cast<uint64_t>(balanceSeed_->value()), counts));
  if (!runner_) return false;
  status_->setText(tr("Counting the classes of version %1…").arg(version_.number));
  connect(runner_, &JobRunner::finished, this, [this, counts] {
    auto* runner = runner_.data();
    runner_ = nullptr;
    if (runner->outcome() == JobRunner::Outcome::Succeeded) {
      showCounts(*counts);
    } else if (runner->outcome() == JobRunner::Outcome::Failed) {
      status_->setText(tr("The classes could not be counted: %1").arg(runner->errorText()));
      emit failed(tr("Balance"), runner->errorText());
    } else {
      status_->setText(tr("Counting was canceled."));
    }
    updateInputs();
  });
  updateInputs();
  return true;
}

void SplitBalancePanel::showCounts(const ClassCounts& counts) {
  counts_->setRowCount(static_cast<int>(counts.before.size()));
  int row = 0;
  qint64 before = 0, after = 0;
  for (const auto& [label, count] : counts.before) {
    const qint64 resampled = counts.after.count(label) ? counts.after.at(label) : 0;
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
  status_->setText(tr("%1 rows before, %2 after (not stored).").arg(before).arg(after));
  emit countsShown();
}

}  // namespace tunebench::ui
