#include "eval/BenchmarkComparisonView.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "common/ScoreFormat.h"
#include "eval/BenchmarkSuiteEditor.h"
#include "eval/BenchmarkSuiteJob.h"
#include "jobs/JobRunner.h"
#include "store/ModelVersions.h"

namespace tunebench::ui {

namespace {

const QColor kWorse(200, 30, 30);
const QColor kBetter(20, 130, 60);
const QColor kBaseColor(150, 150, 150);
const QColor kTunedColor(40, 110, 200);

// The two-sided 95% quantile of the normal distribution: error bars are mean ± 1.96 se.
constexpr double kZ95 = 1.959963984540054;

QString intervalText(const store::BaseComparison& score) {
  const auto margin = score.margin();
  if (!margin) return QObject::tr("—");
  if (isShareMetric(score.metric))
    return QStringLiteral("±%1 points").arg(100.0 * *margin, 0, 'f', 1);
  return QStringLiteral("±%1").arg(*margin, 0, 'g', 3);
}

QString verdictText(const store::BaseComparison& score) {
  if (score.forgets()) return QObject::tr("⚠ worse beyond the interval (forgetting)");
  if (score.gains()) return QObject::tr("better beyond the interval");
  if (!score.margin()) return QObject::tr("no interval");
  return QObject::tr("within the interval");
}

// The figures drawn: a mean with its standard error on a 0–1 scale (accuracies, exact match).
bool isCharted(const store::BaseComparison& score) {
  return score.margin().has_value() && isShareMetric(score.metric) && std::isfinite(score.base) &&
         std::isfinite(score.tuned);
}

QTableWidgetItem* cell(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(item->flags() & ~Qt::ItemIsEditable);
  return item;
}

}  // namespace

BenchmarkComparisonView::BenchmarkComparisonView(const PluginRegistry& plugins, QWidget* parent)
    : QWidget(parent), plugins_(plugins) {
  setObjectName(QStringLiteral("benchmarkComparison"));
  auto* layout = new QVBoxLayout(this);
  auto* suiteBox = new QGroupBox(tr("Benchmark suite"), this);
  auto* suiteLayout = new QVBoxLayout(suiteBox);
  editor_ = new BenchmarkSuiteEditor(suiteBox);
  connect(editor_, &BenchmarkSuiteEditor::failed, this, &BenchmarkComparisonView::readFailed);
  connect(editor_, &BenchmarkSuiteEditor::changed, this,
          &BenchmarkComparisonView::updateSuiteActions);
  suiteLayout->addWidget(editor_);
  auto* runRow = new QHBoxLayout;
  includeBase_ = new QCheckBox(tr("Also evaluate the base &model"), suiteBox);
  includeBase_->setObjectName(QStringLiteral("benchmarkIncludeBase"));
  includeBase_->setChecked(true);
  includeBase_->setToolTip(
      tr("Scores the model the run was trained from on the same suite first, stored as that "
         "model's, so that forgetting shows below"));
  runSuite_ = new QPushButton(tr("&Run Suite"), suiteBox);
  runSuite_->setObjectName(QStringLiteral("benchmarkRunSuite"));
  connect(runSuite_, &QPushButton::clicked, this,
          [this] { emit runSuiteRequested(runId_, includeBase_->isChecked()); });
  cancelSuite_ = new QPushButton(tr("Cancel"), suiteBox);
  cancelSuite_->setObjectName(QStringLiteral("benchmarkCancelSuite"));
  suiteStatus_ = new QLabel(suiteBox);
  suiteStatus_->setObjectName(QStringLiteral("benchmarkSuiteStatus"));
  suiteStatus_->setWordWrap(true);
  runRow->addWidget(includeBase_);
  runRow->addWidget(runSuite_);
  runRow->addWidget(cancelSuite_);
  runRow->addWidget(suiteStatus_, 1);
  suiteLayout->addLayout(runRow);
  layout->addWidget(suiteBox);
  auto* top = new QHBoxLayout;
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("benchmarkSummary"));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  evaluateBase_ = new QPushButton(tr("Evaluate the &base model too"), this);
  evaluateBase_->setObjectName(QStringLiteral("benchmarkEvaluateBase"));
  evaluateBase_->setToolTip(
      tr("Evaluates the model this run was trained from on the file and settings of the "
         "evaluation tab, and stores the result as that model's, so that the two can be compared "
         "here. Catastrophic forgetting shows as a lower score on a general benchmark after "
         "fine-tuning (guide: evaluation and validation)."));
  connect(evaluateBase_, &QPushButton::clicked, this,
          [this] { emit evaluateBaseRequested(runId_); });
  top->addWidget(summary_, 1);
  top->addWidget(evaluateBase_, 0, Qt::AlignTop);
  layout->addLayout(top);

  auto* vertical = new QSplitter(Qt::Vertical, this);
  auto* upper = new QSplitter(Qt::Horizontal, vertical);
  scores_ = new QTableWidget(0, kScoreColumns, upper);
  scores_->setObjectName(QStringLiteral("benchmarkScores"));
  scores_->setAccessibleName(tr("Scores of the base and the fine-tuned model"));
  scores_->setHorizontalHeaderLabels({tr("Evaluation"), tr("Metric"), tr("Base"), tr("Fine-tuned"),
                                      tr("Change"), tr("95% interval"), tr("Verdict")});
  scores_->setSelectionBehavior(QAbstractItemView::SelectRows);
  scores_->setSelectionMode(QAbstractItemView::SingleSelection);
  scores_->verticalHeader()->setVisible(false);
  scores_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  scores_->horizontalHeader()->setStretchLastSection(true);
  connect(scores_, &QTableWidget::itemSelectionChanged, this,
          &BenchmarkComparisonView::scoreChosen);
  chart_ = new QCustomPlot(upper);
  chart_->setObjectName(QStringLiteral("benchmarkChart"));
  chart_->setAccessibleName(tr("Base and fine-tuned scores with 95% error bars"));
  chart_->setMinimumSize(280, 200);
  chart_->yAxis->setLabel(tr("score (%)"));
  chart_->plotLayout()->addElement(1, 0, chart_->legend);
  chart_->plotLayout()->setRowStretchFactor(1, 0.001);
  chart_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  chart_->legend->setWrap(2);
  upper->addWidget(scores_);
  upper->addWidget(chart_);
  upper->setStretchFactor(0, 3);
  upper->setStretchFactor(1, 2);

  auto* lower = new QWidget(vertical);
  auto* lowerLayout = new QVBoxLayout(lower);
  lowerLayout->setContentsMargins(0, 0, 0, 0);
  auto* flipRow = new QHBoxLayout;
  flipsLabel_ = new QLabel(this);
  flipsLabel_->setObjectName(QStringLiteral("benchmarkFlipsLabel"));
  flipFilter_ = new QComboBox(this);
  flipFilter_->setObjectName(QStringLiteral("benchmarkFlipFilter"));
  flipFilter_->addItem(tr("All flips"), static_cast<int>(FlipFilter::All));
  flipFilter_->addItem(tr("Right before, wrong after"), static_cast<int>(FlipFilter::NowWrong));
  flipFilter_->addItem(tr("Wrong before, right after"), static_cast<int>(FlipFilter::NowRight));
  auto* filterLabel = new QLabel(tr("S&how:"), this);
  filterLabel->setBuddy(flipFilter_);
  connect(flipFilter_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &BenchmarkComparisonView::fillFlips);
  flipRow->addWidget(flipsLabel_, 1);
  flipRow->addWidget(filterLabel);
  flipRow->addWidget(flipFilter_);
  lowerLayout->addLayout(flipRow);
  flipsTable_ = new QTableWidget(0, kFlipColumns, lower);
  flipsTable_->setObjectName(QStringLiteral("benchmarkFlips"));
  flipsTable_->setAccessibleName(tr("Items that flipped"));
  flipsTable_->setHorizontalHeaderLabels({tr("#"), tr("Change"), tr("Question"), tr("Expected"),
                                          tr("Base answered"), tr("Fine-tuned answered")});
  flipsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
  flipsTable_->setWordWrap(false);
  flipsTable_->verticalHeader()->setVisible(false);
  auto* header = flipsTable_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setSectionResizeMode(kFlipIndex, QHeaderView::ResizeToContents);
  header->setSectionResizeMode(kFlipChange, QHeaderView::ResizeToContents);
  header->setSectionResizeMode(kQuestion, QHeaderView::Stretch);
  for (int column : {kExpected, kBefore, kAfter})
    header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
  lowerLayout->addWidget(flipsTable_, 1);
  vertical->addWidget(upper);
  vertical->addWidget(lower);
  vertical->setStretchFactor(0, 3);
  vertical->setStretchFactor(1, 2);
  layout->addWidget(vertical, 1);
  showScores();
}

BenchmarkComparisonView::~BenchmarkComparisonView() {
  // The runner's destructor cancels the job, which ends on its own thread.
  delete suiteJob_;
}

bool BenchmarkComparisonView::startSuite(std::vector<EvaluationRequest> models) {
  if (suiteJob_) return false;
  std::unique_ptr<BenchmarkSuiteJob> job;
  try {
    job = std::make_unique<BenchmarkSuiteJob>(plugins_, editor_->suite(), std::move(models));
  } catch (const std::exception& e) {
    suiteStatus_->setText(QString::fromStdString(e.what()));
    emit readFailed(tr("Run Suite"), QString::fromStdString(e.what()));
    return false;
  }
  suiteJob_ = new JobRunner(std::move(job), this);
  connect(suiteJob_, &JobRunner::progressChanged, this, &BenchmarkComparisonView::suiteProgressed);
  connect(suiteJob_, &JobRunner::finished, this, &BenchmarkComparisonView::suiteEnded);
  connect(cancelSuite_, &QPushButton::clicked, suiteJob_, &JobRunner::cancel);
  suiteJob_->start();
  suiteStatus_->setText(tr("Starting the suite…"));
  updateSuiteActions();
  emit jobStarted(suiteJob_);
  return true;
}

void BenchmarkComparisonView::suiteProgressed() {
  if (!suiteJob_) return;
  const auto progress = suiteJob_->progress();
  QString text = progress.text;
  if (progress.total > 0)
    text = tr("%1% — %2 left — %3")
               .arg(100 * progress.done / progress.total)
               .arg(formatEta(suiteJob_->etaSeconds()), progress.text);
  suiteStatus_->setText(text);
}

void BenchmarkComparisonView::suiteEnded() {
  auto* runner = suiteJob_;
  suiteJob_ = nullptr;
  const auto& job = static_cast<const BenchmarkSuiteJob&>(runner->job());
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    suiteStatus_->setText(runner->errorText());
  } else {
    QStringList failures;
    int ran = 0;
    for (const auto& outcome : job.outcomes()) {
      if (!outcome.error.empty())
        failures << QStringLiteral("%1: %2").arg(QString::fromStdString(outcome.task.displayName()),
                                                 QString::fromStdString(outcome.error));
      else if (!outcome.result.canceled)
        ++ran;
    }
    QString text =
        job.canceled() || runner->outcome() == JobRunner::Outcome::Canceled
            ? tr("Canceled after %n evaluation(s); the canceled one is not stored.", nullptr, ran)
            : tr("Done: %n evaluation(s) stored.", nullptr, ran);
    if (!failures.isEmpty()) text += tr(" Failed: %1").arg(failures.join(QStringLiteral("; ")));
    suiteStatus_->setText(text);
  }
  runner->deleteLater();
  updateSuiteActions();
  refresh();
  emit suiteFinished();
}

void BenchmarkComparisonView::updateSuiteActions() {
  const bool running = suiteJob_ != nullptr;
  runSuite_->setEnabled(!running && runId_ > 0 && !projectFile_.isEmpty() &&
                        editor_->taskCount() > 0);
  runSuite_->setToolTip(runId_ > 0 ? tr("Runs every task on the final model of run %1").arg(runId_)
                                   : tr("Choose a run above first"));
  cancelSuite_->setEnabled(running);
  includeBase_->setEnabled(!running);
}

void BenchmarkComparisonView::setProject(const QString& projectFile) {
  if (projectFile == projectFile_) return;
  projectFile_ = projectFile;
  runId_ = 0;
  comparisonReads_.clear();
  flipsReads_.clear();
  comparison_ = {};
  flips_.clear();
  showScores();
}

void BenchmarkComparisonView::setRun(qint64 runId) {
  if (runId == runId_) return;
  runId_ = runId;
  comparison_ = {};
  flips_.clear();
  showScores();
  refresh();
}

void BenchmarkComparisonView::refresh() {
  if (projectFile_.isEmpty() || runId_ <= 0) return;
  comparisonReads_.run([file = projectFile_, runId = runId_] {
    return readProject<store::RunBaseComparison>(file, runId, [runId](const std::string& f) {
      return store::readRunBaseComparison(f, runId);
    });
  });
}

void BenchmarkComparisonView::showComparison(const ComparisonRead& read) {
  if (read.projectFile != projectFile_ || read.key != runId_) return;
  if (!read.error.isEmpty()) {
    emit readFailed(
        tr("Benchmarks"),
        tr("Could not compare run %1 with its base model: %2").arg(read.key).arg(read.error));
    return;
  }
  // Keep the chosen evaluation across refreshes.
  const int row = scores_->currentRow();
  comparison_ = read.value;
  showScores();
  if (row >= 0 && row < scores_->rowCount()) scores_->selectRow(row);
  emit comparisonRead();
}

void BenchmarkComparisonView::showScores() {
  const auto& scores = comparison_.scores;
  const auto forgetting = store::forgettingAmong(scores);
  QString summary;
  if (projectFile_.isEmpty()) {
    summary = tr("Open or create a project to compare its runs with their base models.");
  } else if (runId_ <= 0) {
    summary =
        tr("Choose a run above: its final model is compared with the model it was trained "
           "from.");
  } else if (!comparison_.modelId) {
    summary = tr("Run %1 names no model of the project as its base, so there is nothing to "
                 "compare it with.")
                  .arg(runId_);
  } else if (scores.empty()) {
    summary = tr("Run %1 and its base model %2 share no evaluation yet. Evaluate the run on a "
                 "benchmark in the first tab, then press \"Evaluate the base model too\".")
                  .arg(runId_)
                  .arg(QString::fromStdString(comparison_.modelName));
  } else if (forgetting.empty()) {
    summary = tr("Run %1 against its base model %2: no score is worse beyond the 95% "
                 "interval.")
                  .arg(runId_)
                  .arg(QString::fromStdString(comparison_.modelName));
  } else {
    QStringList lines;
    for (const auto& score : forgetting)
      lines << QString::fromStdString(store::describeForgetting(score));
    summary = tr("⚠ Forgetting: run %1 scores below its base model %2 beyond the 95% interval "
                 "on %3")
                  .arg(runId_)
                  .arg(QString::fromStdString(comparison_.modelName))
                  .arg(lines.join(QStringLiteral("; ")));
  }
  summary_->setText(summary);
  summary_->setStyleSheet(forgetting.empty()
                              ? QString()
                              : QStringLiteral("color: %1; font-weight: bold;").arg(kWorse.name()));
  evaluateBase_->setEnabled(!projectFile_.isEmpty() && runId_ > 0);
  updateSuiteActions();

  const QSignalBlocker blocker(scores_);
  scores_->setRowCount(static_cast<int>(scores.size()));
  for (int row = 0; row < static_cast<int>(scores.size()); ++row) {
    const auto& score = scores[static_cast<size_t>(row)];
    const QStringList cells{QString::fromStdString(score.suite),
                            metricTitle(score.metric),
                            formatScore(score.metric, score.base),
                            formatScore(score.metric, score.tuned),
                            formatScoreChange(score.metric, score.difference()),
                            intervalText(score),
                            verdictText(score)};
    for (int column = 0; column < kScoreColumns; ++column) {
      auto* item = cell(cells[column]);
      if (score.forgets()) item->setForeground(kWorse);
      if (score.gains()) item->setForeground(kBetter);
      scores_->setItem(row, column, item);
    }
  }
  drawChart();
  flips_.clear();
  fillFlips();
}

void BenchmarkComparisonView::drawChart() {
  chart_->clearPlottables();
  QVector<double> keys, base, tuned, baseErrors, tunedErrors;
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (const auto& score : comparison_.scores) {
    if (!isCharted(score)) continue;
    const double key = static_cast<double>(keys.size() + 1);
    keys << key;
    base << 100.0 * score.base;
    tuned << 100.0 * score.tuned;
    baseErrors << 100.0 * kZ95 * score.baseStandardError.value_or(0.0);
    tunedErrors << 100.0 * kZ95 * score.tunedStandardError.value_or(0.0);
    ticker->addTick(key, QString::fromStdString(score.suite) + QStringLiteral("\n") +
                             metricTitle(score.metric));
  }
  chart_->setVisible(!keys.isEmpty());
  if (keys.isEmpty()) {
    chart_->replot();
    return;
  }
  constexpr double kWidth = 0.35;
  auto addBars = [&](const QString& name, const QColor& color, double offset,
                     const QVector<double>& values, const QVector<double>& errors) {
    auto* bars = new QCPBars(chart_->xAxis, chart_->yAxis);
    bars->setName(name);
    bars->setWidth(kWidth);
    bars->setPen(QPen(color.darker(130)));
    bars->setBrush(color);
    QVector<double> shifted;
    for (double key : keys) shifted << key + offset;
    bars->setData(shifted, values, true);
    auto* whiskers = new QCPErrorBars(chart_->xAxis, chart_->yAxis);
    whiskers->removeFromLegend();
    whiskers->setDataPlottable(bars);
    whiskers->setData(errors);
    whiskers->setPen(QPen(Qt::black, 1.2));
  };
  addBars(tr("base: %1").arg(QString::fromStdString(comparison_.modelName)), kBaseColor,
          -kWidth / 2, base, baseErrors);
  addBars(tr("fine-tuned: run %1").arg(runId_), kTunedColor, kWidth / 2, tuned, tunedErrors);
  chart_->xAxis->setTicker(ticker);
  chart_->xAxis->setRange(0.4, keys.size() + 0.6);
  chart_->yAxis->setRange(0.0, 100.0);
  chart_->legend->setVisible(true);
  chart_->replot();
}

void BenchmarkComparisonView::scoreChosen() {
  const int row = scores_->currentRow();
  flips_.clear();
  if (row < 0 || row >= static_cast<int>(comparison_.scores.size())) {
    fillFlips();
    return;
  }
  const auto& score = comparison_.scores[static_cast<size_t>(row)];
  flipsLabel_->setText(tr("Reading the items of %1…").arg(QString::fromStdString(score.suite)));
  flipsReads_.run([file = projectFile_, key = static_cast<qint64>(score.tunedEvaluationId),
                   before = score.baseEvaluationId, after = score.tunedEvaluationId] {
    return readProject<std::vector<store::ItemFlip>>(
        file, key, [=](const std::string& f) { return store::readItemFlips(f, before, after); });
  });
}

void BenchmarkComparisonView::showFlips(const FlipsRead& read) {
  const int row = scores_->currentRow();
  if (read.projectFile != projectFile_ || row < 0 ||
      row >= static_cast<int>(comparison_.scores.size()) ||
      comparison_.scores[static_cast<size_t>(row)].tunedEvaluationId != read.key)
    return;
  if (!read.error.isEmpty()) {
    emit readFailed(tr("Benchmarks"), tr("Could not read the items: %1").arg(read.error));
    return;
  }
  flips_ = read.value;
  fillFlips();
  emit flipsRead();
}

void BenchmarkComparisonView::fillFlips() {
  const auto filter = static_cast<FlipFilter>(flipFilter_->currentData().toInt());
  int nowRight = 0, nowWrong = 0;
  for (const auto& flip : flips_) (flip.nowRight ? nowRight : nowWrong) += 1;
  const int row = scores_->currentRow();
  if (row < 0 || row >= static_cast<int>(comparison_.scores.size()))
    flipsLabel_->setText(
        tr("Choose an evaluation above to see the items fine-tuning turned right or wrong."));
  else
    flipsLabel_->setText(
        tr("%1: %2 right before and wrong after, %3 wrong before and right after")
            .arg(QString::fromStdString(comparison_.scores[static_cast<size_t>(row)].suite))
            .arg(nowWrong)
            .arg(nowRight));
  flipsTable_->setRowCount(0);
  for (const auto& flip : flips_) {
    if ((filter == FlipFilter::NowRight && !flip.nowRight) ||
        (filter == FlipFilter::NowWrong && flip.nowRight))
      continue;
    const int at = flipsTable_->rowCount();
    flipsTable_->insertRow(at);
    const QStringList cells{QString::number(flip.index + 1),
                            flip.nowRight ? tr("now right") : tr("now wrong"),
                            QString::fromStdString(flip.input).simplified(),
                            QString::fromStdString(flip.expected),
                            QString::fromStdString(flip.baseOutput),
                            QString::fromStdString(flip.tunedOutput)};
    for (int column = 0; column < kFlipColumns; ++column) {
      auto* item = cell(cells[column]);
      if (column == kQuestion) item->setToolTip(QString::fromStdString(flip.input));
      if (column == kFlipChange) item->setForeground(flip.nowRight ? kBetter : kWorse);
      flipsTable_->setItem(at, column, item);
    }
  }
}

}  // namespace tunebench::ui
