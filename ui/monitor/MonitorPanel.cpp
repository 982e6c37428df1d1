#include "monitor/MonitorPanel.h"

#include <qcustomplot.h>
#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <set>

namespace tunebench::ui {

namespace {

const QColor kWorse(200, 30, 30);

QString versionName(int number) {
  return QStringLiteral("v%1").arg(number);
}

QString regressionText(const store::ScoreRegression& regression) {
  return QObject::tr("%1 is worse than %2 on %3 %4: %5 → %6 (%7)")
      .arg(versionName(regression.version), versionName(regression.previousVersion),
           QString::fromStdString(regression.suite), metricTitle(regression.metric),
           formatScore(regression.metric, regression.previousValue),
           formatScore(regression.metric, regression.value),
           formatScoreChange(regression.metric, regression.difference()));
}

QString forgettingText(const store::VersionForgetting& forgetting) {
  return QObject::tr("%1 forgets: %2")
      .arg(versionName(forgetting.version),
           QString::fromStdString(store::describeForgetting(forgetting.comparison)));
}

}  // namespace

MonitorPanel::MonitorPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("monitorPanel"));
  refreshAction_ = new QAction(tr("Re&fresh Versions"), this);
  refreshAction_->setObjectName(QStringLiteral("monitorRefreshAction"));
  refreshAction_->setShortcut(QKeySequence(Qt::Key_F5));
  refreshAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  addAction(refreshAction_);
  connect(refreshAction_, &QAction::triggered, this, &MonitorPanel::refresh);

  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("monitorSummary"));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  top->addWidget(summary_, 1);
  auto* refreshButton = new QToolButton(this);
  refreshButton->setDefaultAction(refreshAction_);
  refreshButton->setFocusPolicy(Qt::StrongFocus);
  top->addWidget(refreshButton);
  layout->addLayout(top);

  auto* versionsLabel = new QLabel(tr("Exported &versions:"), this);
  versions_ = new QTableWidget(0, kVersionColumns, this);
  versions_->setObjectName(QStringLiteral("monitorVersions"));
  versions_->setAccessibleName(tr("Exported versions"));
  versionsLabel->setBuddy(versions_);
  versions_->setHorizontalHeaderLabels({tr("Version"), tr("Model"), tr("Exports"),
                                        tr("First exported"), tr("Evaluations"), tr("Flag")});
  versions_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  versions_->setSelectionBehavior(QAbstractItemView::SelectRows);
  versions_->verticalHeader()->setVisible(false);
  versions_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  versions_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(versionsLabel);
  layout->addWidget(versions_, 2);

  auto* evaluationRow = new QHBoxLayout;
  evaluation_ = new QComboBox(this);
  evaluation_->setObjectName(QStringLiteral("monitorEvaluation"));
  evaluation_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  evaluation_->setMinimumContentsLength(36);
  auto* evaluationLabel = new QLabel(tr("&Evaluation:"), this);
  evaluationLabel->setBuddy(evaluation_);
  evaluationRow->addWidget(evaluationLabel);
  evaluationRow->addWidget(evaluation_);
  evaluationRow->addStretch(1);
  layout->addLayout(evaluationRow);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  scores_ = new QTableWidget(0, kScoreColumns, splitter);
  scores_->setObjectName(QStringLiteral("monitorScores"));
  scores_->setAccessibleName(tr("Scores across versions"));
  scores_->setHorizontalHeaderLabels({tr("Version"), tr("Score"), tr("Change"), tr("Flag")});
  scores_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  scores_->verticalHeader()->setVisible(false);
  scores_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  scores_->horizontalHeader()->setStretchLastSection(true);
  chart_ = new QCustomPlot(splitter);
  chart_->setObjectName(QStringLiteral("monitorChart"));
  chart_->setAccessibleName(tr("Score across versions"));
  chart_->setMinimumSize(280, 200);
  chart_->xAxis->setLabel(tr("version"));
  // The legend goes below the chart, where it covers no point.
  chart_->plotLayout()->addElement(1, 0, chart_->legend);
  chart_->plotLayout()->setRowStretchFactor(1, 0.001);
  chart_->legend->setFillOrder(QCPLegend::foRowsFirst);
  chart_->legend->setVisible(false);
  splitter->addWidget(scores_);
  splitter->addWidget(chart_);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  layout->addWidget(splitter, 3);

  connect(evaluation_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &MonitorPanel::showSeries);
  showVersions();
}

MonitorPanel::~MonitorPanel() = default;

void MonitorPanel::setProject(const QString& projectFile) {
  if (projectFile == projectFile_) return;
  projectFile_ = projectFile;
  reads_.clear();  // a read of the previous project is not shown
  history_ = {};
  showVersions();
  read();
}

void MonitorPanel::refresh() {
  read();
}

void MonitorPanel::read() {
  if (projectFile_.isEmpty()) return;
  reads_.run([file = projectFile_] {
    return readProject<store::ModelVersionHistory>(
        file, 0, [](const std::string& f) { return store::readModelVersionHistory(f); });
  });
}

void MonitorPanel::showHistory(const HistoryRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    summary_->setText(tr("Could not read the exported versions: %1").arg(read.error));
    return;
  }
  history_ = read.value;
  showVersions();
  emit historyRead();
}

void MonitorPanel::showVersions() {
  const auto& versions = history_.versions;
  versions_->setRowCount(static_cast<int>(versions.size()));
  for (int row = 0; row < static_cast<int>(versions.size()); ++row) {
    const auto& version = versions[static_cast<size_t>(row)];
    QStringList formats, paths;
    for (const auto& record : version.exports) {
      formats << QString::fromStdString(record.format);
      paths << QString::fromStdString(record.format + ": " + record.path);
    }
    formats.removeDuplicates();
    QStringList flags;
    for (const auto& regression : history_.regressions)
      if (regression.version == version.number) flags << regressionText(regression);
    for (const auto& forgetting : history_.forgetting)
      if (forgetting.version == version.number) flags << forgettingText(forgetting);
    const QString model =
        tr("Run %1: %2 — %3")
            .arg(version.runId)
            .arg(QString::fromStdString(version.runName))
            .arg(version.checkpointId ? (version.checkpointStep
                                             ? tr("checkpoint step %1").arg(*version.checkpointStep)
                                             : tr("checkpoint"))
                                      : tr("final model"));
    const QStringList cells{
        versionName(version.number),
        model,
        formats.join(QStringLiteral(", ")),
        QDateTime::fromSecsSinceEpoch(static_cast<qint64>(version.exports.front().createdAt))
            .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
        QString::number(version.evaluations.size()),
        flags.isEmpty() ? QString() : QStringLiteral("⚠ ") + flags.join(QStringLiteral("; "))};
    for (int column = 0; column < kVersionColumns; ++column) {
      auto* item = new QTableWidgetItem(cells[column]);
      if (column == kFormats) item->setToolTip(paths.join(QStringLiteral("\n")));
      if (!flags.isEmpty()) {
        item->setForeground(kWorse);
        item->setToolTip(flags.join(QStringLiteral("\n")));
      }
      versions_->setItem(row, column, item);
    }
  }

  // The evaluation picker keeps its choice across refreshes.
  const QString kept = evaluation_->currentData().toString();
  {
    const QSignalBlocker blocker(evaluation_);
    evaluation_->clear();
    std::set<std::pair<std::string, std::string>> regressed;
    for (const auto& regression : history_.regressions)
      regressed.insert({regression.identity, regression.metric});
    for (const auto& series : history_.series) {
      const bool worse = regressed.count({series.identity, series.metric}) > 0;
      evaluation_->addItem(
          QStringLiteral("%1 — %2%3")
              .arg(QString::fromStdString(series.suite), metricTitle(series.metric),
                   worse ? tr(" (regression)") : QString()),
          QString::fromStdString(series.identity + '\n' + series.metric));
    }
    int index = evaluation_->findData(kept);
    // Without a choice yet, the first evaluation with a regression is the one to look at.
    if (index < 0)
      for (int i = 0; i < static_cast<int>(history_.series.size()) && index < 0; ++i)
        for (const auto& regression : history_.regressions)
          if (regression.identity == history_.series[static_cast<size_t>(i)].identity &&
              regression.metric == history_.series[static_cast<size_t>(i)].metric)
            index = i;
    evaluation_->setCurrentIndex(index >= 0 ? index : 0);
  }
  evaluation_->setEnabled(evaluation_->count() > 0);

  QString summary;
  if (projectFile_.isEmpty()) {
    summary = tr("Open or create a project to follow its exported versions.");
  } else if (versions.empty()) {
    summary =
        tr("No exported versions yet: export a run in the Export stage, and evaluate it in "
           "the Evaluate stage to compare versions here.");
  } else if (history_.series.empty()) {
    summary =
        tr("%n exported version(s), none evaluated yet: evaluate their runs in the Evaluate "
           "stage to compare them.",
           nullptr, static_cast<int>(versions.size()));
  } else if (!needsAttention()) {
    summary = tr("%n exported version(s); no version scores worse than the one before it.", nullptr,
                 static_cast<int>(versions.size()));
  } else {
    QStringList parts;
    QStringList lines;
    for (const auto& regression : history_.regressions) lines << regressionText(regression);
    if (!lines.isEmpty())
      parts << (lines.size() == 1 ? tr("⚠ 1 regression: ")
                                  : tr("⚠ %1 regressions: ").arg(lines.size())) +
                   lines.join(QStringLiteral("; "));
    QStringList forgotten;
    for (const auto& forgetting : history_.forgetting) forgotten << forgettingText(forgetting);
    if (!forgotten.isEmpty())
      parts << tr("⚠ worse than the base model beyond the confidence interval (forgetting): ") +
                   forgotten.join(QStringLiteral("; "));
    summary = parts.join(QStringLiteral("\n"));
  }
  summary_->setText(summary);
  summary_->setStyleSheet(!needsAttention()
                              ? QString()
                              : QStringLiteral("color: %1; font-weight: bold;").arg(kWorse.name()));
  showSeries();
}

bool MonitorPanel::selectEvaluation(const QString& suite, const QString& metric) {
  // The combo box lists the series in order.
  for (int i = 0; i < static_cast<int>(history_.series.size()); ++i) {
    const auto& series = history_.series[static_cast<size_t>(i)];
    if (QString::fromStdString(series.suite) == suite &&
        QString::fromStdString(series.metric) == metric) {
      evaluation_->setCurrentIndex(i);
      return true;
    }
  }
  return false;
}

namespace {

// The base models' scores come first in the table: where the versions started from.
void fillBaseModelRows(QTableWidget* table, const store::ScoreSeries& series) {
  for (int row = 0; row < static_cast<int>(series.baseModels.size()); ++row) {
    const auto& base = series.baseModels[static_cast<size_t>(row)];
    const QStringList cells{
        MonitorPanel::tr("base: %1").arg(QString::fromStdString(base.modelName)),
        formatScore(series.metric, base.value), QString(), QString()};
    for (int column = 0; column < MonitorPanel::kScoreColumns; ++column) {
      auto* item = new QTableWidgetItem(cells[column]);
      item->setToolTip(
          MonitorPanel::tr("The project's model before fine-tuning, evaluated the same way"));
      table->setItem(row, column, item);
    }
  }
}

}  // namespace

void MonitorPanel::showSeries() {
  const int index = evaluation_->currentIndex();
  chart_->clearGraphs();
  chart_->clearItems();
  // Without an evaluation to draw, an empty axis would say nothing: the chart steps aside.
  const bool drawn = index >= 0 && index < static_cast<int>(history_.series.size());
  chart_->setVisible(drawn);
  if (!drawn) {
    scores_->setRowCount(0);
    chart_->yAxis->setLabel(QString());
    chart_->replot();
    return;
  }
  const auto& series = history_.series[static_cast<size_t>(index)];
  const bool percent = isShareMetric(series.metric);
  const double scale = percent ? 100.0 : 1.0;
  const int bases = static_cast<int>(series.baseModels.size());
  scores_->setRowCount(bases + static_cast<int>(series.scores.size()));
  fillBaseModelRows(scores_, series);
  QVector<double> keys, values, worseKeys, worseValues;
  for (int row = 0; row < static_cast<int>(series.scores.size()); ++row) {
    const auto& score = series.scores[static_cast<size_t>(row)];
    const store::ScoreRegression* regression = nullptr;
    for (const auto& candidate : history_.regressions)
      if (candidate.version == score.version && candidate.identity == series.identity &&
          candidate.metric == series.metric)
        regression = &candidate;
    QString change;
    if (row > 0) {
      // Against the previous version evaluated here (NaN scores are not compared).
      const auto& previous = series.scores[static_cast<size_t>(row - 1)];
      change = tr("%1 vs %2")
                   .arg(formatScoreChange(series.metric, score.value - previous.value),
                        versionName(previous.version));
    }
    const QStringList cells{
        versionName(score.version), formatScore(series.metric, score.value), change,
        regression ? tr("⚠ worse than %1").arg(versionName(regression->previousVersion))
                   : QString()};
    for (int column = 0; column < kScoreColumns; ++column) {
      auto* item = new QTableWidgetItem(cells[column]);
      if (regression) item->setForeground(kWorse);
      scores_->setItem(bases + row, column, item);
    }
    if (std::isfinite(score.value)) {
      keys << score.version;
      values << score.value * scale;
      if (regression) {
        worseKeys << score.version;
        worseValues << score.value * scale;
      }
    }
  }
  auto* line = chart_->addGraph();
  line->setName(metricTitle(series.metric));
  line->setPen(QPen(QColor(40, 110, 200), 2));
  line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 7));
  line->setData(keys, values, true);
  auto* worse = chart_->addGraph();
  worse->setName(tr("worse than the version before"));
  worse->setLineStyle(QCPGraph::lsNone);
  worse->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(kWorse, 2.5), kWorse, 13));
  worse->setData(worseKeys, worseValues, true);
  if (worseKeys.isEmpty()) worse->removeFromLegend();
  for (const auto& base : series.baseModels) {
    if (!std::isfinite(base.value)) continue;
    // A level line: the base model has no version number.
    auto* level = chart_->addGraph();
    level->setName(tr("base: %1").arg(QString::fromStdString(base.modelName)));
    level->setPen(QPen(QColor(120, 120, 120), 1.5, Qt::DashLine));
    const double first = keys.isEmpty() ? 1.0 : keys.front();
    const double last = keys.isEmpty() ? 1.0 : keys.back();
    level->setData({first - 0.5, last + 0.5}, {base.value * scale, base.value * scale}, true);
    values << base.value * scale;
  }
  chart_->legend->setVisible(!worseKeys.isEmpty() || !series.baseModels.empty());
  chart_->yAxis->setLabel(QString::fromStdString(series.suite) + QStringLiteral(": ") +
                          metricTitle(series.metric) +
                          (percent ? QStringLiteral(" (%)") : QString()));
  // Whole versions on the x axis.
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(1.0);
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  chart_->xAxis->setTicker(ticker);
  chart_->rescaleAxes();
  const double lastVersion = keys.isEmpty() ? 1.0 : keys.back();
  const double firstVersion = keys.isEmpty() ? 1.0 : keys.front();
  chart_->xAxis->setRange(firstVersion - 0.5, lastVersion + 0.5);
  const auto range = chart_->yAxis->range();
  const double margin =
      range.size() > 0 ? range.size() * 0.15 : std::max(1.0, range.center() * 0.1);
  double lower = range.lower - margin, upper = range.upper + margin;
  // The margin stays inside what the metric can be: no negative scores, no share above 100 %.
  const bool nonNegative =
      std::all_of(values.begin(), values.end(), [](double value) { return value >= 0; });
  if (nonNegative) lower = std::max(lower, 0.0);
  if (percent) upper = std::min(upper, 100.0);
  chart_->yAxis->setRange(lower, upper);
  chart_->replot();
}

QString MonitorPanel::summaryText() const {
  return summary_->text();
}

}  // namespace tunebench::ui
