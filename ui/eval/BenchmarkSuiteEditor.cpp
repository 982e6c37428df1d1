#include "eval/BenchmarkSuiteEditor.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <set>

#include "common/Error.h"
#include "eval/ChoiceDocuments.h"

namespace tunebench::ui {

namespace {

const char* const kEvaluators[] = {"benchmark", "generation", "perplexity", "safety"};

QToolButton* buttonFor(QAction* action, QWidget* parent) {
  auto* button = new QToolButton(parent);
  button->setDefaultAction(action);
  button->setToolButtonStyle(Qt::ToolButtonTextOnly);
  return button;
}

int integerSetting(const nlohmann::json& settings, const char* key, int fallback) {
  const auto found = settings.find(key);
  return found != settings.end() && found->is_number_integer() ? found->get<int>() : fallback;
}

}  // namespace

BenchmarkSuiteEditor::BenchmarkSuiteEditor(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("benchmarkSuiteEditor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* top = new QHBoxLayout;
  name_ = new QLineEdit(this);
  name_->setObjectName(QStringLiteral("benchmarkSuiteName"));
  name_->setPlaceholderText(tr("general knowledge"));
  auto* nameLabel = new QLabel(tr("S&uite:"), this);
  nameLabel->setBuddy(name_);
  connect(name_, &QLineEdit::textEdited, this, &BenchmarkSuiteEditor::changed);

  addFiles_ = new QAction(tr("&Add Files…"), this);
  addFiles_->setToolTip(
      tr("Benchmark files as the Hugging Face hub has them (Parquet, JSON Lines or JSON): the task "
         "is detected from their fields when it is left at auto"));
  connect(addFiles_, &QAction::triggered, this, &BenchmarkSuiteEditor::chooseFiles);
  remove_ = new QAction(tr("Re&move"), this);
  connect(remove_, &QAction::triggered, this, &BenchmarkSuiteEditor::removeSelected);
  open_ = new QAction(tr("&Open Suite…"), this);
  connect(open_, &QAction::triggered, this, &BenchmarkSuiteEditor::chooseSuiteToOpen);
  save_ = new QAction(tr("Sa&ve Suite…"), this);
  save_->setToolTip(
      tr("Writes the suite as JSON (also valid YAML), files relative to it, to "
         "re-run or share"));
  connect(save_, &QAction::triggered, this, &BenchmarkSuiteEditor::chooseWhereToSave);
  top->addWidget(nameLabel);
  top->addWidget(name_, 1);
  for (auto* action : {addFiles_, remove_, open_, save_}) top->addWidget(buttonFor(action, this));
  layout->addLayout(top);

  table_ = new QTableWidget(0, kColumns, this);
  table_->setObjectName(QStringLiteral("benchmarkSuiteTasks"));
  table_->setAccessibleName(tr("Tasks of the suite"));
  table_->setHorizontalHeaderLabels(
      {tr("Name"), tr("File"), tr("Evaluator"), tr("Task"), tr("Few-shot"), tr("Limit")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(kFile, QHeaderView::Stretch);
  table_->setMinimumHeight(90);
  table_->setMaximumHeight(160);
  connect(table_, &QTableWidget::itemChanged, this, &BenchmarkSuiteEditor::changed);
  layout->addWidget(table_, 1);
}

int BenchmarkSuiteEditor::taskCount() const {
  return table_->rowCount();
}

void BenchmarkSuiteEditor::addTask(const SuiteTask& task) {
  const QSignalBlocker blocker(table_);
  const int row = table_->rowCount();
  table_->insertRow(row);
  table_->setItem(row, kName, new QTableWidgetItem(QString::fromStdString(task.name)));
  table_->item(row, kName)
      ->setToolTip(tr("Shown and stored as the evaluation's name; empty: the "
                      "file's name"));
  auto* file = new QTableWidgetItem(QDir::toNativeSeparators(QString::fromStdString(task.file)));
  file->setFlags(file->flags() & ~Qt::ItemIsEditable);
  file->setData(Qt::UserRole, QString::fromStdString(task.file));
  file->setToolTip(file->text());
  table_->setItem(row, kFile, file);

  auto* evaluator = new QComboBox(table_);
  for (const char* id : kEvaluators) evaluator->addItem(QString::fromLatin1(id));
  evaluator->setCurrentText(QString::fromStdString(task.evaluator));
  evaluator->setToolTip(
      tr("benchmark: multiple choice by log-likelihood (and GSM8K); "
         "generation: prompt/response pairs; perplexity: a text file"));
  table_->setCellWidget(row, kEvaluator, evaluator);

  auto* benchmark = new QComboBox(table_);
  benchmark->addItem(tr("auto (from the fields)"), QStringLiteral("auto"));
  for (const auto& info : choiceTasks())
    benchmark->addItem(QString::fromStdString(info.displayName), QString::fromStdString(info.id));
  const auto chosen = task.settings.find("task");
  if (chosen != task.settings.end() && chosen->is_string())
    benchmark->setCurrentIndex(
        std::max(0, benchmark->findData(QString::fromStdString(chosen->get<std::string>()))));
  table_->setCellWidget(row, kTask, benchmark);

  auto* fewShot = new QSpinBox(table_);
  fewShot->setRange(kDefaultFewShot, 64);
  fewShot->setSpecialValueText(tr("task's"));
  fewShot->setToolTip(
      tr("Solved examples before each question; \"task's\": the harness's default "
         "(GSM8K 5, the others 0)"));
  fewShot->setValue(integerSetting(task.settings, "num_fewshot", kDefaultFewShot));
  table_->setCellWidget(row, kFewShot, fewShot);

  auto* limit = new QSpinBox(table_);
  limit->setRange(0, 1 << 30);
  limit->setSpecialValueText(tr("all"));
  limit->setToolTip(tr("The first N questions (0: all)"));
  limit->setValue(integerSetting(task.settings, "limit", 0));
  table_->setCellWidget(row, kLimit, limit);

  nlohmann::json hidden = task.settings;
  for (const char* shown : {"task", "num_fewshot", "limit"}) hidden.erase(shown);
  hidden_.push_back(hidden);

  connect(evaluator, &QComboBox::currentTextChanged, this, [this, evaluator] {
    for (int r = 0; r < table_->rowCount(); ++r)
      if (table_->cellWidget(r, kEvaluator) == evaluator) evaluatorChanged(r);
  });
  for (auto* spin : {fewShot, limit})
    connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &BenchmarkSuiteEditor::changed);
  connect(benchmark, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &BenchmarkSuiteEditor::changed);
  evaluatorChanged(row);
  emit changed();
}

void BenchmarkSuiteEditor::evaluatorChanged(int row) {
  const bool benchmark =
      static_cast<QComboBox*>(table_->cellWidget(row, kEvaluator))->currentText() ==
      QLatin1String("benchmark");
  table_->cellWidget(row, kTask)->setEnabled(benchmark);
  table_->cellWidget(row, kFewShot)->setEnabled(benchmark);
  emit changed();
}

SuiteTask BenchmarkSuiteEditor::taskAt(int row) const {
  SuiteTask task;
  task.name = table_->item(row, kName)->text().trimmed().toStdString();
  task.file = table_->item(row, kFile)->data(Qt::UserRole).toString().toStdString();
  task.evaluator =
      static_cast<QComboBox*>(table_->cellWidget(row, kEvaluator))->currentText().toStdString();
  task.settings = hidden_.at(static_cast<size_t>(row));
  if (task.evaluator == "benchmark") {
    const auto* benchmark = static_cast<QComboBox*>(table_->cellWidget(row, kTask));
    task.settings["task"] = benchmark->currentData().toString().toStdString();
    const int fewShot = static_cast<QSpinBox*>(table_->cellWidget(row, kFewShot))->value();
    if (fewShot != kDefaultFewShot) task.settings["num_fewshot"] = fewShot;
  }
  const int limit = static_cast<QSpinBox*>(table_->cellWidget(row, kLimit))->value();
  if (limit > 0) task.settings["limit"] = limit;
  return task;
}

BenchmarkSuite BenchmarkSuiteEditor::suite() const {
  BenchmarkSuite suite;
  suite.name = name_->text().trimmed().toStdString();
  for (int row = 0; row < table_->rowCount(); ++row) suite.tasks.push_back(taskAt(row));
  if (suite.tasks.empty())
    throw Error("the suite has no task: add benchmark files or open a saved suite");
  return suite;
}

void BenchmarkSuiteEditor::setSuite(const BenchmarkSuite& suite) {
  table_->setRowCount(0);
  hidden_.clear();
  name_->setText(QString::fromStdString(suite.name));
  for (const auto& task : suite.tasks) addTask(task);
  emit changed();
}

bool BenchmarkSuiteEditor::openSuite(const QString& path) {
  try {
    setSuite(readBenchmarkSuite(QDir::fromNativeSeparators(path).toStdString()));
    return true;
  } catch (const std::exception& e) {
    emit failed(tr("Open Suite"), QString::fromStdString(e.what()));
    return false;
  }
}

bool BenchmarkSuiteEditor::saveSuite(const QString& path) {
  try {
    auto edited = suite();
    if (edited.name.empty()) edited.name = QFileInfo(path).completeBaseName().toStdString();
    writeBenchmarkSuite(edited, QDir::fromNativeSeparators(path).toStdString());
    name_->setText(QString::fromStdString(edited.name));
    return true;
  } catch (const std::exception& e) {
    emit failed(tr("Save Suite"), QString::fromStdString(e.what()));
    return false;
  }
}

void BenchmarkSuiteEditor::chooseFiles() {
  const auto files = QFileDialog::getOpenFileNames(
      this, tr("Add Benchmark Files"), QString(),
      tr("Benchmark files (*.parquet *.jsonl *.json *.txt);;All files (*)"));
  for (const auto& file : files) {
    SuiteTask task;
    task.file = QDir::fromNativeSeparators(QFileInfo(file).absoluteFilePath()).toStdString();
    if (file.endsWith(QLatin1String(".txt"), Qt::CaseInsensitive)) task.evaluator = "perplexity";
    addTask(task);
  }
}

void BenchmarkSuiteEditor::chooseSuiteToOpen() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open Suite"), QString(), tr("Suites (*.json *.yaml *.yml);;All files (*)"));
  if (!path.isEmpty()) openSuite(path);
}

void BenchmarkSuiteEditor::chooseWhereToSave() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save Suite"), QString(),
                                                    tr("Suites (*.json *.yaml *.yml)"));
  if (!path.isEmpty()) saveSuite(path);
}

void BenchmarkSuiteEditor::removeSelected() {
  std::set<int, std::greater<int>> rows;
  for (const auto& index : table_->selectionModel()->selectedRows()) rows.insert(index.row());
  if (rows.empty() && table_->currentRow() >= 0) rows.insert(table_->currentRow());
  for (int row : rows) {
    table_->removeRow(row);
    hidden_.erase(hidden_.begin() + row);
  }
  emit changed();
}

}  // namespace tunebench::ui
