#include "runs/RunComparisonView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "common/ScoreFormat.h"
#include "runs/RunFormat.h"
#include "train/TrainChart.h"

namespace tunebench::ui {

QColor RunComparisonView::colorOfRun(qint64 runId) {
  // Golden-angle hues: a run keeps its colour whichever runs it is compared with.
  return QColor::fromHsv(static_cast<int>((runId * 137) % 360), 200, 200);
}

QString RunComparisonView::runLabel(const store::RunRecord& run) {
  return QStringLiteral("#%1 %2").arg(run.id).arg(QString::fromStdString(run.name));
}

RunComparisonView::RunComparisonView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("runComparisonTabs"));
  layout->addWidget(tabs_);

  // Curves.
  auto* curves = new QWidget(tabs_);
  auto* curvesLayout = new QVBoxLayout(curves);
  auto* controls = new QHBoxLayout;
  auto* smoothingLabel = new QLabel(tr("S&moothing:"), curves);
  smoothing_ = new QSlider(Qt::Horizontal, curves);
  smoothing_->setObjectName(QStringLiteral("runsSmoothing"));
  smoothing_->setAccessibleName(tr("Loss smoothing"));
  smoothing_->setRange(0, 99);
  smoothing_->setValue(60);
  smoothing_->setMaximumWidth(200);
  smoothingLabel->setBuddy(smoothing_);
  smoothingValue_ = new QLabel(QStringLiteral("0.60"), curves);
  logScale_ = new QCheckBox(tr("&Log scale"), curves);
  logScale_->setObjectName(QStringLiteral("runsLogScale"));
  auto* xAxisLabel = new QLabel(tr("X a&xis:"), curves);
  xAxis_ = new QComboBox(curves);
  xAxis_->setObjectName(QStringLiteral("runsXAxis"));
  xAxis_->setAccessibleName(tr("X axis"));
  xAxis_->addItem(tr("Step"), static_cast<int>(XAxisKind::Step));
  xAxis_->addItem(tr("Epoch"), static_cast<int>(XAxisKind::Epoch));
  xAxis_->addItem(tr("Wall time"), static_cast<int>(XAxisKind::WallTime));
  // Runs of different lengths side by side: each from 0 to 100 % of its own steps.
  xAxis_->addItem(tr("Share of run"), static_cast<int>(XAxisKind::ShareOfRun));
  xAxis_->setItemData(xAxis_->count() - 1,
                      tr("Each run from its first step (0 %) to its last (100 %), so a short run "
                         "is not squeezed against a long one"),
                      Qt::ToolTipRole);
  xAxisLabel->setBuddy(xAxis_);
  shownRuns_ = new QToolButton(curves);
  shownRuns_->setText(tr("Shown &Runs"));
  shownRuns_->setToolTip(tr("Hide or show runs (or click their legend items)"));
  shownRuns_->setPopupMode(QToolButton::InstantPopup);
  shownRuns_->setMenu(new QMenu(shownRuns_));
  auto* fit = new QPushButton(tr("&Fit All"), curves);
  fit->setToolTip(
      tr("Show every point again after zooming or panning (or double-click the chart)"));
  for (QWidget* widget :
       std::initializer_list<QWidget*>{smoothingLabel, smoothing_, smoothingValue_, logScale_,
                                       xAxisLabel, xAxis_, shownRuns_, fit})
    controls->addWidget(widget);
  controls->addStretch(1);
  curvesLayout->addLayout(controls);
  chart_ = new TrainChart(tr("Loss of the compared runs"), tr("loss"), curves);
  chart_->setLegendToggles(true);
  curvesLayout->addWidget(chart_, 1);
  // The legend names runs; the line styles say which loss a curve is.
  lineKey_ = new QLabel(
      tr("Solid lines: training loss (smoothed, the raw values faint behind) · dashed lines with "
         "dots: validation loss."),
      curves);
  lineKey_->setObjectName(QStringLiteral("comparisonLineKey"));
  lineKey_->setWordWrap(true);
  curvesLayout->addWidget(lineKey_);
  axisNote_ = new QLabel(curves);
  axisNote_->setObjectName(QStringLiteral("runsAxisNote"));
  axisNote_->setWordWrap(true);
  axisNote_->hide();
  curvesLayout->addWidget(axisNote_);
  tabs_->addTab(curves, tr("C&urves"));

  connect(smoothing_, &QSlider::valueChanged, this, [this](int value) {
    smoothingValue_->setText(QString::number(value / 100.0, 'f', 2));
    chart_->setSmoothingWeight(value / 100.0);
    chart_->refresh();
  });
  connect(logScale_, &QCheckBox::toggled, this, [this](bool on) {
    chart_->setLogScale(on);
    chart_->refresh();
  });
  connect(xAxis_, &QComboBox::currentIndexChanged, this,
          [this] { setXAxisKind(static_cast<XAxisKind>(xAxis_->currentData().toInt())); });
  connect(fit, &QPushButton::clicked, this, [this] {
    chart_->followData();
    chart_->refresh();
  });
  connect(chart_, &TrainChart::groupVisibilityChanged, this, [this](qint64 group, bool visible) {
    for (auto* action : shownRuns_->menu()->actions())
      if (action->data().toLongLong() == group) action->setChecked(visible);
  });

  // Configuration.
  auto* configPage = new QWidget(tabs_);
  auto* configLayout = new QVBoxLayout(configPage);
  differencesOnly_ = new QCheckBox(tr("&Differences only"), configPage);
  differencesOnly_->setObjectName(QStringLiteral("differencesOnly"));
  differencesOnly_->setChecked(true);
  configNote_ = new QLabel(configPage);
  configNote_->setWordWrap(true);
  config_ = new QTableWidget(0, 0, configPage);
  config_->setObjectName(QStringLiteral("configDiffTable"));
  config_->setAccessibleName(tr("Configurations of the compared runs"));
  config_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  config_->horizontalHeader()->setStretchLastSection(true);
  configLayout->addWidget(differencesOnly_);
  configLayout->addWidget(configNote_);
  configLayout->addWidget(config_, 1);
  tabs_->addTab(configPage, tr("Confi&guration"));
  connect(differencesOnly_, &QCheckBox::toggled, this, &RunComparisonView::applyDifferencesOnly);

  // Figures.
  figures_ = new QTableWidget(0, 0, tabs_);
  figures_->setObjectName(QStringLiteral("runFiguresTable"));
  figures_->setAccessibleName(tr("Figures of the compared runs"));
  figures_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  figures_->horizontalHeader()->setStretchLastSection(true);
  tabs_->addTab(figures_, tr("M&etrics"));
}

void RunComparisonView::clear() {
  show(store::RunOverview{});
}

void RunComparisonView::show(const store::RunOverview& overview) {
  labels_.clear();
  for (int64_t id : overview.compared)
    for (const auto& row : overview.rows)
      if (row.run.id == id) labels_[id] = runLabel(row.run);
  showCurves(overview);
  showConfig(overview);
  showFigures(overview);
}

void RunComparisonView::showCurves(const store::RunOverview& overview) {
  timelines_.clear();
  for (const auto& recorded : overview.timelines) {
    auto timeline = std::make_shared<StepTimeline>();
    for (const auto& [step, epoch] : recorded.epochs)
      timeline->addEpoch(static_cast<double>(step), epoch);
    for (const auto& [step, seconds] : recorded.seconds)
      timeline->addSeconds(static_cast<double>(step), seconds);
    timelines_[recorded.runId] = timeline;
  }
  for (const auto& figures : overview.figures)
    if (figures.steps && timelines_.contains(figures.runId))
      timelines_[figures.runId]->setLastStep(static_cast<double>(*figures.steps));
  // One series per (run, key), rebuilt for each comparison; hidden runs stay hidden.
  QMap<qint64, bool> hidden;
  for (auto* action : shownRuns_->menu()->actions())
    if (!action->isChecked()) hidden[action->data().toLongLong()] = true;
  chart_->removeAllSeries();
  chart_->setSmoothingWeight(smoothing_->value() / 100.0);
  for (const auto& curve : overview.curves) {
    const QColor color = colorOfRun(curve.runId);
    const bool validation = curve.key == "val_loss";
    const QString label = labels_.value(curve.runId, QStringLiteral("#%1").arg(curve.runId));
    const int series = chart_->addSeries(validation ? tr("%1 (validation)").arg(label) : label,
                                         color, curve.runId, timelines_.value(curve.runId));
    QVector<double> steps, values;
    for (const auto& bucket : curve.buckets) {
      // Both ends of each bucket keep its spikes: the minimum and the maximum.
      if (!bucket.min || !bucket.max) continue;
      steps.append(static_cast<double>(bucket.firstStep));
      values.append(*bucket.min);
      if (bucket.lastStep != bucket.firstStep || *bucket.max != *bucket.min) {
        steps.append(static_cast<double>(bucket.lastStep));
        values.append(*bucket.max);
      }
    }
    if (validation) {
      QPen pen(color.darker(130), 1, Qt::DashLine);
      chart_->seriesGraph(series)->setPen(pen);
      chart_->seriesGraph(series)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    } else {
      chart_->smoothSeries(series);
    }
    chart_->addPoints(series, steps, values);
  }
  lineKey_->setVisible(std::any_of(overview.curves.begin(), overview.curves.end(),
                                   [](const auto& curve) { return curve.key == "val_loss"; }));
  chart_->setXAxisKind(static_cast<XAxisKind>(xAxis_->currentData().toInt()));
  for (auto it = hidden.begin(); it != hidden.end(); ++it)
    if (labels_.contains(it.key())) chart_->setGroupVisible(it.key(), false);
  rebuildShownRunsMenu();
  setXAxisKind(static_cast<XAxisKind>(xAxis_->currentData().toInt()));
  chart_->followData();
  chart_->refresh();
}

void RunComparisonView::rebuildShownRunsMenu() {
  auto* menu = shownRuns_->menu();
  menu->clear();
  for (auto it = labels_.begin(); it != labels_.end(); ++it) {
    auto* action = menu->addAction(it.value());
    action->setCheckable(true);
    action->setData(it.key());
    action->setChecked(chart_->isGroupVisible(it.key()));
    const qint64 run = it.key();
    connect(action, &QAction::toggled, this, [this, run](bool on) {
      if (chart_->isGroupVisible(run) == on) return;
      chart_->setGroupVisible(run, on);
      chart_->refresh();
    });
  }
  shownRuns_->setEnabled(!labels_.isEmpty());
}

void RunComparisonView::setXAxisKind(XAxisKind kind) {
  chart_->setXAxisKind(kind);
  QStringList missing;
  for (auto it = labels_.begin(); it != labels_.end(); ++it) {
    const auto timeline = timelines_.value(it.key());
    if (kind != XAxisKind::Step && (!timeline || !timeline->knows(kind))) missing << it.value();
  }
  axisNote_->setVisible(!missing.isEmpty());
  axisNote_->setText(missing.isEmpty() ? QString()
                                       : tr("Not drawn on this axis (no %1 recorded): %2")
                                             .arg(kind == XAxisKind::Epoch      ? tr("epochs")
                                                  : kind == XAxisKind::WallTime ? tr("times")
                                                                                : tr("steps"),
                                                  missing.join(QStringLiteral(", "))));
  chart_->refresh();
}

QString RunComparisonView::axisNote() const {
  return axisNote_->isVisible() ? axisNote_->text() : QString();
}

void RunComparisonView::showConfig(const store::RunOverview& overview) {
  config_->clear();
  config_->setRowCount(static_cast<int>(overview.config.size()));
  config_->setColumnCount(static_cast<int>(overview.compared.size()));
  QStringList headers;
  for (int64_t id : overview.compared) headers << labels_.value(id);
  config_->setHorizontalHeaderLabels(headers);
  QStringList keys;
  for (int row = 0; row < config_->rowCount(); ++row) {
    const auto& field = overview.config[static_cast<size_t>(row)];
    keys << QString::fromStdString(field.key);
    for (int column = 0; column < config_->columnCount(); ++column) {
      const auto& value = field.values[static_cast<size_t>(column)];
      auto* cell = new QTableWidgetItem(value ? QString::fromStdString(*value) : tr("(not set)"));
      if (field.differs) {
        QFont font = cell->font();
        font.setBold(true);
        cell->setFont(font);
      }
      cell->setData(Qt::UserRole, field.differs);
      config_->setItem(row, column, cell);
    }
  }
  config_->setVerticalHeaderLabels(keys);
  configNote_->setText(overview.configError.empty()
                           ? QString()
                           : tr("The configurations could not be compared: %1")
                                 .arg(QString::fromStdString(overview.configError)));
  configNote_->setVisible(!overview.configError.empty());
  applyDifferencesOnly();
  config_->resizeColumnsToContents();
}

void RunComparisonView::applyDifferencesOnly() {
  const bool only = differencesOnly_->isChecked();
  for (int row = 0; row < config_->rowCount(); ++row) {
    const auto* cell = config_->item(row, 0);
    config_->setRowHidden(row, only && cell && !cell->data(Qt::UserRole).toBool());
  }
}

void RunComparisonView::showFigures(const store::RunOverview& overview) {
  figures_->clear();
  const QStringList rows{tr("Final training loss"),
                         tr("Best validation loss"),
                         tr("Step of the best validation loss"),
                         tr("Steps"),
                         tr("Tokens per second (mean)"),
                         tr("Duration"),
                         tr("Trainable parameters")};
  figures_->setRowCount(static_cast<int>(rows.size()));
  figures_->setColumnCount(static_cast<int>(overview.figures.size()));
  figures_->setVerticalHeaderLabels(rows);
  QStringList headers;
  for (const auto& figures : overview.figures) headers << labels_.value(figures.runId);
  figures_->setHorizontalHeaderLabels(headers);
  auto number = [](const std::optional<double>& value, int precision = 5) {
    return value ? QString::number(*value, 'g', precision) : QObject::tr("—");
  };
  auto integer = [](const auto& value) {
    return value ? QString::number(static_cast<qint64>(*value)) : QObject::tr("—");
  };
  for (int column = 0; column < figures_->columnCount(); ++column) {
    const auto& figures = overview.figures[static_cast<size_t>(column)];
    const QStringList cells{
        number(figures.finalTrainLoss),
        number(figures.bestValidationLoss),
        integer(figures.bestValidationStep),
        integer(figures.steps),
        number(figures.meanTokensPerSecond, 4),
        figures.durationSeconds ? formatDuration(*figures.durationSeconds) : tr("—"),
        figures.trainableParameters
            ? QLocale().toString(static_cast<qint64>(*figures.trainableParameters))
            : tr("—")};
    for (int row = 0; row < cells.size(); ++row)
      figures_->setItem(row, column, new QTableWidgetItem(cells[row]));
  }
  // Then a row per evaluation and metric any compared run's final model has.
  std::vector<std::pair<std::string, std::string>> evaluationRows;
  QStringList evaluationLabels;
  for (const auto& figures : overview.figures)
    for (const auto& score : figures.evaluationScores)
      if (std::find(evaluationRows.begin(), evaluationRows.end(),
                    std::make_pair(score.identity, score.metric)) == evaluationRows.end()) {
        evaluationRows.emplace_back(score.identity, score.metric);
        evaluationLabels << QStringLiteral("%1: %2").arg(QString::fromStdString(score.suite),
                                                         metricTitle(score.metric));
      }
  const int first = figures_->rowCount();
  figures_->setRowCount(first + static_cast<int>(evaluationRows.size()));
  for (int row = 0; row < evaluationLabels.size(); ++row)
    figures_->setVerticalHeaderItem(first + row, new QTableWidgetItem(evaluationLabels[row]));
  for (int column = 0; column < figures_->columnCount(); ++column)
    for (int row = 0; row < static_cast<int>(evaluationRows.size()); ++row) {
      QString text = tr("—");
      for (const auto& score : overview.figures[static_cast<size_t>(column)].evaluationScores)
        if (std::make_pair(score.identity, score.metric) ==
            evaluationRows[static_cast<size_t>(row)])
          text = formatScore(score.metric, score.value);
      figures_->setItem(first + row, column, new QTableWidgetItem(text));
    }
  figures_->resizeColumnsToContents();
}

}  // namespace tunebench::ui
