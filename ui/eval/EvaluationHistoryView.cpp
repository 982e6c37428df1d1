#include "eval/EvaluationHistoryView.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace tunebench::ui {

namespace {

enum Column { kSuite, kDate, kMetrics, kColumns };
// The suite cell keeps the evaluation's id (Qt::UserRole) and these metrics.
constexpr int kExactMatchRole = Qt::UserRole + 1;
constexpr int kPerplexityRole = Qt::UserRole + 2;

QString formatMetric(const std::string& name, double value) {
  if (!std::isfinite(value))
    return QStringLiteral("%1 %2").arg(QString::fromStdString(name).replace('_', ' '),
                                       QObject::tr("n/a"));
  if (name == "exact_match") return QObject::tr("exact match %1%").arg(100.0 * value, 0, 'f', 1);
  if (name == "accuracy") return QObject::tr("accuracy %1%").arg(100.0 * value, 0, 'f', 1);
  if (name == "macro_f1") return QObject::tr("macro-F1 %1").arg(value, 0, 'f', 4);
  if (name == "examples") return QObject::tr("%1 examples").arg(static_cast<qint64>(value));
  return QStringLiteral("%1 %2").arg(QString::fromStdString(name).replace('_', ' '),
                                     QString::number(value, 'g', 5));
}

QString formatTime(double secondsSinceEpoch) {
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(secondsSinceEpoch * 1000))
      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

}  // namespace

EvaluationHistoryView::EvaluationHistoryView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* title = new QLabel(tr("Earlier evaluations of this r&un"), this);
  note_ = new QLabel(this);
  note_->setObjectName(QStringLiteral("evaluationHistoryNote"));
  note_->setWordWrap(true);
  table_ = new QTableWidget(0, kColumns, this);
  table_->setObjectName(QStringLiteral("evaluationHistory"));
  table_->setAccessibleName(tr("Earlier evaluations"));
  table_->setHorizontalHeaderLabels({tr("Suite"), tr("Date"), tr("Metrics")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  title->setBuddy(table_);
  layout->addWidget(title);
  layout->addWidget(table_, 1);
  layout->addWidget(note_);

  connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
    const auto rows = table_->selectionModel()->selectedRows(kSuite);
    if (!rows.isEmpty())
      readItems(table_->item(rows.front().row(), kSuite)->data(Qt::UserRole).toLongLong());
  });
}

EvaluationHistoryView::~EvaluationHistoryView() = default;

void EvaluationHistoryView::setProject(const QString& projectFile) {
  projectFile_ = projectFile;
  runId_ = 0;
  table_->setRowCount(0);
  note_->clear();
}

void EvaluationHistoryView::setRun(qint64 runId) {
  runId_ = runId;
  table_->setRowCount(0);
  metrics_.clear();
  note_->setText(runId > 0 || projectFile_.isEmpty()
                     ? QString()
                     : tr("Evaluations of another model folder are not listed here; those of "
                          "the project's own models are stored and shown in Monitor."));
  refresh();
}

QString EvaluationHistoryView::noteText() const {
  return note_->text();
}

void EvaluationHistoryView::refresh() {
  if (projectFile_.isEmpty() || runId_ == 0) return;
  historyReads_.run([file = projectFile_, runId = runId_] {
    return readProject<std::vector<store::EvaluationSummary>>(
        file, runId, [runId](const std::string& f) { return store::readRunEvaluations(f, runId); });
  });
}

void EvaluationHistoryView::clearSelection() {
  const QSignalBlocker blocker(table_);
  table_->clearSelection();
}

void EvaluationHistoryView::show(const HistoryRead& read) {
  if (read.projectFile != projectFile_ || read.key != runId_) return;
  if (!read.error.isEmpty()) {
    note_->setText(tr("Could not read the evaluations: %1").arg(read.error));
    return;
  }
  const QSignalBlocker blocker(table_);
  table_->setRowCount(static_cast<int>(read.value.size()));
  // Newest first.
  int row = static_cast<int>(read.value.size()) - 1;
  for (const auto& summary : read.value) {
    auto* suite = new QTableWidgetItem(QString::fromStdString(summary.record.suite));
    suite->setData(Qt::UserRole, QVariant::fromValue<qint64>(summary.record.id));
    suite->setData(kExactMatchRole, NAN);
    suite->setData(kPerplexityRole, NAN);
    table_->setItem(row, kSuite, suite);
    table_->setItem(row, kDate, new QTableWidgetItem(formatTime(summary.record.createdAt)));
    QStringList metrics, details;
    metrics_.insert(summary.record.id, summary.metrics);
    for (const auto& [name, value] : summary.metrics) {
      if (name == "exact_match") suite->setData(kExactMatchRole, value);
      if (name == "perplexity") suite->setData(kPerplexityRole, value);
      if (name == "mean_nll") continue;  // perplexity says the same
      details << formatMetric(name, value);
      // A classifier's per-class figures ("f1 calm") stay in the tooltip.
      const bool perClass = name.rfind("precision ", 0) == 0 || name.rfind("recall ", 0) == 0 ||
                            name.rfind("f1 ", 0) == 0;
      if (!perClass) metrics << formatMetric(name, value);
    }
    // One figure a line: a narrow panel wraps nothing away.
    auto* metricsCell = new QTableWidgetItem(metrics.join(QLatin1Char('\n')));
    metricsCell->setToolTip(details.join('\n'));
    table_->setItem(row, kMetrics, metricsCell);
    --row;
  }
  table_->resizeColumnToContents(kSuite);
  table_->resizeColumnToContents(kDate);
  table_->resizeRowsToContents();
  note_->setText(read.value.empty() ? tr("No evaluations of this run yet.")
                                    : tr("Select one to see its stored examples."));
  emit listed();
}

QList<qint64> EvaluationHistoryView::evaluationIds() const {
  QList<qint64> ids;
  for (int row = 0; row < table_->rowCount(); ++row)
    if (auto* item = table_->item(row, kSuite)) ids << item->data(Qt::UserRole).toLongLong();
  return ids;
}

void EvaluationHistoryView::readItems(qint64 evaluationId) {
  if (projectFile_.isEmpty() || evaluationId <= 0) return;
  itemsReads_.run([file = projectFile_, evaluationId] {
    return readProject<std::vector<store::EvaluationItem>>(
        file, evaluationId, [evaluationId](const std::string& f) {
          return store::readEvaluationItems(f, evaluationId, kStoredItemLimit);
        });
  });
}

void EvaluationHistoryView::showItems(const ItemsRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    emit readFailed(tr("Could not read evaluation %1: %2").arg(read.key).arg(read.error));
    return;
  }
  StoredEvaluation evaluation;
  evaluation.id = read.key;
  evaluation.exactMatch = evaluation.perplexity = NAN;
  for (int row = 0; row < table_->rowCount(); ++row) {
    auto* item = table_->item(row, kSuite);
    if (!item || item->data(Qt::UserRole).toLongLong() != read.key) continue;
    evaluation.suite = item->text();
    evaluation.date = table_->item(row, kDate)->text();
    evaluation.exactMatch = item->data(kExactMatchRole).toDouble();
    evaluation.perplexity = item->data(kPerplexityRole).toDouble();
  }
  evaluation.metrics = metrics_.value(read.key);
  evaluation.items = read.value;
  emit evaluationRead(evaluation);
}

}  // namespace tunebench::ui
