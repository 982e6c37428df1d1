#include "runs/RunsPanel.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <set>

#include "train/TrainChart.h"

namespace tunebench::ui {
namespace {

enum Column { kId, kName, kStatus, kBestValidation, kSteps, kDuration, kStarted, kColumns };

QString formatDuration(double seconds) {
  const auto total = static_cast<qint64>(seconds + 0.5);
  if (total < 60) return QObject::tr("%1 s").arg(total);
  if (total < 3600) return QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60);
  return QObject::tr("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

QTableWidgetItem* item(const QString& text, const QVariant& sortValue = {}) {
  auto* cell = new QTableWidgetItem(text);
  cell->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  if (sortValue.isValid()) cell->setData(Qt::UserRole, sortValue);
  return cell;
}

}  // namespace

QColor RunsPanel::colorOfRun(qint64 runId) {
  // Golden-angle hues: a run keeps its colour whichever runs it is compared with.
  return QColor::fromHsv(static_cast<int>((runId * 137) % 360), 200, 200);
}

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("runsPanel"));
  refreshAction_ = new QAction(tr("Re&fresh Runs"), this);
  refreshAction_->setShortcut(QKeySequence(Qt::Key_F5));
  compareAction_ = new QAction(tr("&Compare Selected"), this);
  compareAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
  addActions({refreshAction_, compareAction_});
  for (auto* action : {refreshAction_, compareAction_}) {
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action->setToolTip(action->text().remove('&') + QStringLiteral(" (") +
                       action->shortcut().toString(QKeySequence::NativeText) + QStringLiteral(")"));
  }
  connect(refreshAction_, &QAction::triggered, this, &RunsPanel::refresh);
  connect(compareAction_, &QAction::triggered, this, &RunsPanel::compareSelected);

  auto* layout = new QVBoxLayout(this);
  auto* buttons = new QHBoxLayout;
  for (auto* action : {refreshAction_, compareAction_}) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setFocusPolicy(Qt::StrongFocus);
    buttons->addWidget(button);
  }
  logScale_ = new QCheckBox(tr("&Log scale"), this);
  logScale_->setObjectName(QStringLiteral("runsLogScale"));
  buttons->addWidget(logScale_);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("runsStatus"));
  buttons->addWidget(status_, 1);
  layout->addLayout(buttons);

  table_ = new QTableWidget(0, kColumns, this);
  table_->setObjectName(QStringLiteral("runsTable"));
  table_->setAccessibleName(tr("Runs"));
  table_->setHorizontalHeaderLabels({tr("Id"), tr("Name"), tr("Status"), tr("Best val. loss"),
                                     tr("Steps"), tr("Duration"), tr("Started")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  connect(logScale_, &QCheckBox::toggled, this, [this](bool on) {
    chart_->setLogScale(on);
    chart_->refresh();
  });
  connect(table_, &QTableWidget::itemDoubleClicked, this, &RunsPanel::compareSelected);

  chart_ = new TrainChart(tr("Loss of the compared runs"), tr("loss"), this);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(chart_);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  connect(&watcher_, &QFutureWatcher<store::RunOverview>::finished, this, [this] {
    try {
      showOverview(watcher_.result());
      error_.clear();
    } catch (const std::exception& e) {
      error_ = QString::fromStdString(e.what());
    }
    status_->setText(statusText());
    emit refreshed();
    if (again_) {
      again_ = false;
      read(pending_);
    }
  });
  status_->setText(statusText());
}

RunsPanel::~RunsPanel() {
  watcher_.waitForFinished();
}

void RunsPanel::setProject(const QString& projectFile) {
  if (projectFile == projectFile_) return;
  projectFile_ = projectFile;
  compared_.clear();
  table_->setRowCount(0);
  chart_->clearData();
  chart_->refresh();
  if (!projectFile_.isEmpty()) refresh();
  status_->setText(statusText());
}

void RunsPanel::refresh() {
  read(compared_);
}

void RunsPanel::compareSelected() {
  std::set<qint64> ids;
  for (const auto& index : table_->selectionModel()->selectedRows(kId))
    ids.insert(table_->item(index.row(), kId)->data(Qt::UserRole).toLongLong());
  read(QList<qint64>(ids.begin(), ids.end()));
}

void RunsPanel::read(const QList<qint64>& compare) {
  if (projectFile_.isEmpty()) return;
  pending_ = compare;
  if (watcher_.isRunning()) {
    again_ = true;
    return;
  }
  const std::string file = projectFile_.toStdString();
  const std::vector<int64_t> runs(compare.begin(), compare.end());
  watcher_.setFuture(QtConcurrent::run([file, runs] {
    return store::readRunOverview(file, runs, {"loss", "val_loss"}, kPixelBudget);
  }));
  status_->setText(tr("Reading runs…"));
}

void RunsPanel::showOverview(const store::RunOverview& overview) {
  table_->setSortingEnabled(false);
  table_->setRowCount(static_cast<int>(overview.rows.size()));
  int row = 0;
  for (const auto& entry : overview.rows) {
    const auto& run = entry.run;
    auto* id = item(QString::number(run.id), QVariant::fromValue<qint64>(run.id));
    id->setForeground(colorOfRun(run.id));
    table_->setItem(row, kId, id);
    table_->setItem(row, kName, item(QString::fromStdString(run.name)));
    table_->setItem(row, kStatus, item(QString::fromLatin1(store::runStatusName(run.status))));
    table_->setItem(
        row, kBestValidation,
        item(entry.bestValidationLoss ? QString::number(*entry.bestValidationLoss, 'g', 5)
                                      : tr("—")));
    table_->setItem(row, kSteps, item(entry.lastStep ? QString::number(*entry.lastStep) : tr("—")));
    table_->setItem(row, kDuration,
                    item(entry.durationSeconds ? formatDuration(*entry.durationSeconds) : tr("—")));
    table_->setItem(row, kStarted,
                    item(run.startedAt ? QDateTime::fromMSecsSinceEpoch(
                                             static_cast<qint64>(*run.startedAt * 1000))
                                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                       : tr("not started")));
    ++row;
  }
  table_->resizeColumnsToContents();

  compared_ = pending_;
  // One series per (run, key), rebuilt for each comparison.
  chart_->removeAllSeries();
  for (const auto& curve : overview.curves) {
    QColor color = colorOfRun(curve.runId);
    const bool validation = curve.key == "val_loss";
    if (validation) color = color.darker(150);
    const int series = chart_->addSeries(
        tr("run %1 %2").arg(curve.runId).arg(validation ? tr("validation") : tr("training")),
        color);
    for (const auto& bucket : curve.buckets) {
      // Both ends of each bucket keep its spikes: the minimum and the maximum.
      if (!bucket.min || !bucket.max) continue;
      chart_->addPoint(series, static_cast<double>(bucket.firstStep), *bucket.min);
      if (bucket.lastStep != bucket.firstStep || *bucket.max != *bucket.min)
        chart_->addPoint(series, static_cast<double>(bucket.lastStep), *bucket.max);
    }
  }
  chart_->refresh();
}

QString RunsPanel::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to see its runs.");
  if (!error_.isEmpty()) return tr("Could not read the runs: %1").arg(error_);
  if (table_->rowCount() == 0) return tr("No runs yet: start one in the Train stage.");
  return compared_.isEmpty()
             ? tr("%n run(s). Select two or more and Compare Selected (Ctrl+Shift+C).", nullptr,
                  table_->rowCount())
             : tr("%n run(s); comparing %1.", nullptr, table_->rowCount()).arg(compared_.size());
}

}  // namespace tunebench::ui
