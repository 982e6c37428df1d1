#include "eval/ClassificationResultsView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include "eval/ClassificationOutcomeModel.h"
#include "eval/MismatchFilterModel.h"

namespace tunebench::ui {

namespace {

QTableWidget* readOnlyTable(const QString& name, const QString& accessibleName, QWidget* parent) {
  auto* table = new QTableWidget(parent);
  table->setObjectName(name);
  table->setAccessibleName(accessibleName);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionMode(QAbstractItemView::SingleSelection);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  return table;
}

QTableWidgetItem* numberCell(const QString& text) {
  auto* cell = new QTableWidgetItem(text);
  cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return cell;
}

}  // namespace

ClassificationResultsView::ClassificationResultsView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("classificationResults"));
  figures_ = new QLabel(this);
  figures_->setObjectName(QStringLiteral("classificationFigures"));
  figures_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  figures_->setWordWrap(true);

  classes_ = readOnlyTable(QStringLiteral("classificationClasses"), tr("Per-class figures"), this);
  classes_->setColumnCount(5);
  classes_->setHorizontalHeaderLabels(
      {tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
  classes_->verticalHeader()->setVisible(false);
  confusion_ = readOnlyTable(QStringLiteral("classificationConfusion"),
                             tr("Confusion matrix: rows are labels, columns predictions"), this);
  confusion_->setToolTip(tr("Rows: the label in the file; columns: the predicted class"));
  auto* classesLabel = new QLabel(tr("Per-class f&igures"), this);
  classesLabel->setBuddy(classes_);
  auto* confusionLabel = new QLabel(tr("&Confusion (rows: label, columns: predicted)"), this);
  confusionLabel->setBuddy(confusion_);
  auto* tables = new QHBoxLayout;
  auto* classesColumn = new QVBoxLayout;
  classesColumn->addWidget(classesLabel);
  classesColumn->addWidget(classes_);
  auto* confusionColumn = new QVBoxLayout;
  confusionColumn->addWidget(confusionLabel);
  confusionColumn->addWidget(confusion_);
  tables->addLayout(classesColumn, 1);
  tables->addLayout(confusionColumn, 1);

  onlyMistakes_ = new QCheckBox(tr("Only &wrong predictions"), this);
  onlyMistakes_->setObjectName(QStringLiteral("classificationOnlyMistakes"));
  examples_ = new ClassificationOutcomeModel(this);
  filter_ = new MismatchFilterModel(this);
  filter_->setSourceModel(examples_);
  examplesView_ = new QTableView(this);
  examplesView_->setObjectName(QStringLiteral("classificationExamples"));
  examplesView_->setAccessibleName(tr("Classified examples"));
  examplesView_->setModel(filter_);
  examplesView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  examplesView_->setWordWrap(false);
  examplesView_->verticalHeader()->setVisible(false);
  auto* header = examplesView_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::ResizeToContents);
  header->setSectionResizeMode(ClassificationOutcomeModel::kText, QHeaderView::Stretch);
  connect(onlyMistakes_, &QCheckBox::toggled, filter_, &MismatchFilterModel::setOnlyMismatches);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(figures_);
  layout->addLayout(tables, 2);
  layout->addWidget(onlyMistakes_);
  layout->addWidget(examplesView_, 3);
}

void ClassificationResultsView::setResult(const ClassifierEvaluationResult& result) {
  const auto& metrics = result.metrics;
  int64_t correct = 0;
  for (const auto& outcome : result.outcomes) correct += outcome.correct ? 1 : 0;
  QString text = tr("accuracy %1% (%2 of %3) · macro-F1 %4 · %5 classes")
                     .arg(100.0 * metrics.accuracy, 0, 'f', 1)
                     .arg(correct)
                     .arg(metrics.examples)
                     .arg(metrics.macroF1, 0, 'f', 4)
                     .arg(result.labels.size());
  if (result.truncated > 0)
    text += tr(" · %n text(s) cut at the max length", nullptr, static_cast<int>(result.truncated));
  figures_->setText(text);
  fillClasses(result);
  fillConfusion(result);
  examples_->setOutcomes(result.outcomes);
}

void ClassificationResultsView::clear() {
  figures_->clear();
  classes_->setRowCount(0);
  confusion_->setRowCount(0);
  confusion_->setColumnCount(0);
  examples_->clear();
}

QString ClassificationResultsView::figuresText() const {
  return figures_->text();
}

void ClassificationResultsView::fillClasses(const ClassifierEvaluationResult& result) {
  const int count = static_cast<int>(result.labels.size());
  classes_->setRowCount(count);
  for (int row = 0; row < count; ++row) {
    const auto& metrics = result.metrics.perClass.at(static_cast<size_t>(row));
    classes_->setItem(
        row, 0,
        new QTableWidgetItem(QString::fromStdString(result.labels[static_cast<size_t>(row)])));
    classes_->setItem(row, 1, numberCell(QString::number(metrics.precision, 'f', 4)));
    classes_->setItem(row, 2, numberCell(QString::number(metrics.recall, 'f', 4)));
    classes_->setItem(row, 3, numberCell(QString::number(metrics.f1, 'f', 4)));
    classes_->setItem(row, 4, numberCell(QString::number(metrics.support)));
  }
}

void ClassificationResultsView::fillConfusion(const ClassifierEvaluationResult& result) {
  const int count = static_cast<int>(result.labels.size());
  QStringList names;
  for (const auto& label : result.labels) names << QString::fromStdString(label);
  confusion_->setRowCount(count);
  confusion_->setColumnCount(count);
  confusion_->setHorizontalHeaderLabels(names);
  confusion_->setVerticalHeaderLabels(names);
  for (int actual = 0; actual < count; ++actual)
    for (int predicted = 0; predicted < count; ++predicted) {
      const auto value =
          result.confusion.at(static_cast<size_t>(actual)).at(static_cast<size_t>(predicted));
      auto* cell = numberCell(QString::number(value));
      // The diagonal holds the right answers.
      if (actual == predicted) {
        QFont font = cell->font();
        font.setBold(true);
        cell->setFont(font);
      }
      cell->setToolTip(tr("%1 example(s) labelled %2 predicted as %3")
                           .arg(value)
                           .arg(names[actual], names[predicted]));
      confusion_->setItem(actual, predicted, cell);
    }
}

}  // namespace tunebench::ui
