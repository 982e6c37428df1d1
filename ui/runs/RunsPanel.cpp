#include "runs/RunsPanel.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

#include "runs/RunComparisonView.h"
#include "runs/RunFormat.h"
#include "store/ProjectStore.h"
#include "store/RunDeletion.h"
#include "train/RecordedConfig.h"
#include "train/TrainChart.h"

namespace tunebench::ui {
namespace {

QTableWidgetItem* item(const QString& text, const QVariant& sortValue = {}) {
  auto* cell = new QTableWidgetItem(text);
  cell->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  if (sortValue.isValid()) cell->setData(Qt::UserRole, sortValue);
  return cell;
}

QString runsText(const QList<qint64>& ids) {
  QStringList names;
  for (qint64 id : ids) names << QStringLiteral("#%1").arg(id);
  return names.join(QStringLiteral(", "));
}

}  // namespace

QColor RunsPanel::colorOfRun(qint64 runId) {
  return RunComparisonView::colorOfRun(runId);
}

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("runsPanel"));
  refreshAction_ = new QAction(tr("Re&fresh Runs"), this);
  refreshAction_->setShortcut(QKeySequence(Qt::Key_F5));
  compareAction_ = new QAction(tr("&Compare Selected"), this);
  compareAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
  renameAction_ = new QAction(tr("Re&name…"), this);
  renameAction_->setShortcut(QKeySequence(Qt::Key_F2));
  tagsAction_ = new QAction(tr("&Tags…"), this);
  tagsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  notesAction_ = new QAction(tr("N&otes…"), this);
  notesAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
  deleteAction_ = new QAction(tr("&Delete…"), this);
  deleteAction_->setShortcut(QKeySequence(QKeySequence::Delete));
  const QList<QAction*> actions{refreshAction_, compareAction_, renameAction_,
                                tagsAction_,    notesAction_,   deleteAction_};
  addActions(actions);
  for (auto* action : actions) {
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action->setToolTip(action->text().remove('&').remove(QStringLiteral("…")) +
                       QStringLiteral(" (") +
                       action->shortcut().toString(QKeySequence::NativeText) + QStringLiteral(")"));
  }
  connect(refreshAction_, &QAction::triggered, this, &RunsPanel::refresh);
  connect(compareAction_, &QAction::triggered, this, &RunsPanel::compareSelected);
  connect(renameAction_, &QAction::triggered, this, &RunsPanel::renameCurrent);
  connect(tagsAction_, &QAction::triggered, this, &RunsPanel::editTagsOfCurrent);
  connect(notesAction_, &QAction::triggered, this, &RunsPanel::editNotesOfCurrent);
  connect(deleteAction_, &QAction::triggered, this, &RunsPanel::deleteSelected);

  auto* layout = new QVBoxLayout(this);
  auto* buttons = new QHBoxLayout;
  for (auto* action : actions) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setFocusPolicy(Qt::StrongFocus);
    buttons->addWidget(button);
  }
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("runsStatus"));
  status_->setWordWrap(true);
  buttons->addWidget(status_, 1);
  layout->addLayout(buttons);

  table_ = new QTableWidget(0, kColumns, this);
  table_->setObjectName(QStringLiteral("runsTable"));
  table_->setAccessibleName(tr("Runs"));
  table_->setHorizontalHeaderLabels({tr("Id"), tr("Name"), tr("Status"), tr("Method"), tr("Tags"),
                                     tr("Best val. loss"), tr("Steps"), tr("Duration"),
                                     tr("Started")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setContextMenuPolicy(Qt::ActionsContextMenu);
  table_->addActions({compareAction_, renameAction_, tagsAction_, notesAction_, deleteAction_});
  connect(table_, &QTableWidget::itemDoubleClicked, this, &RunsPanel::compareSelected);
  connect(table_, &QTableWidget::itemSelectionChanged, this, &RunsPanel::updateActions);

  comparison_ = new RunComparisonView(this);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(comparison_);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  updateActions();
  status_->setText(statusText());
}

RunsPanel::~RunsPanel() = default;

void RunsPanel::overviewRead(const store::RunOverview& overview) {
  try {
    showOverview(overview);
    error_.clear();
  } catch (const std::exception& e) {
    error_ = QString::fromStdString(e.what());
  }
  status_->setText(statusText());
  emit refreshed();
}

void RunsPanel::overviewFailed(const QString& error) {
  error_ = error;
  status_->setText(statusText());
  emit refreshed();
}

void RunsPanel::writeDone(const WriteOutcome& outcome) {
  lastWrite_ = outcome.message;
  updateActions();
  emit written(outcome.ok, outcome.message);
  refresh();
  status_->setText(statusText());
}

TrainChart* RunsPanel::chart() const {
  return comparison_->chart();
}

void RunsPanel::setProject(const QString& projectFile) {
  if (projectFile == projectFile_) return;
  // A change or read in flight belongs to the old project: it ends unreported.
  writes_.clear();
  reads_.clear();
  projectFile_ = projectFile;
  compared_.clear();
  runs_.clear();
  lastWrite_.clear();
  table_->setRowCount(0);
  comparison_->clear();
  if (!projectFile_.isEmpty()) refresh();
  updateActions();
  status_->setText(statusText());
}

void RunsPanel::refresh() {
  read(compared_);
}

QList<qint64> RunsPanel::selectedRuns() const {
  std::set<int> rows;
  for (const auto& index : table_->selectionModel()->selectedRows(kId)) rows.insert(index.row());
  QList<qint64> ids;
  for (int row : rows) ids << table_->item(row, kId)->data(Qt::UserRole).toLongLong();
  return ids;
}

int RunsPanel::rowOfRun(qint64 runId) const {
  for (int row = 0; row < table_->rowCount(); ++row)
    if (table_->item(row, kId)->data(Qt::UserRole).toLongLong() == runId) return row;
  return -1;
}

void RunsPanel::compareSelected() {
  auto ids = selectedRuns();
  std::sort(ids.begin(), ids.end());
  read(ids);
}

void RunsPanel::read(const QList<qint64>& compare) {
  if (projectFile_.isEmpty()) return;
  const std::string file = projectFile_.toStdString();
  const std::vector<int64_t> runs(compare.begin(), compare.end());
  reads_.run([file, runs] {
    // Configs are compared as the trainer reads them: defaults filled in, paths resolved.
    const auto folder = QFileInfo(QString::fromStdString(file)).path().toStdString();
    return store::readRunOverview(
        file, runs, {"loss", "val_loss"}, kPixelBudget,
        [folder](const std::string& config) { return canonicalRecordedConfig(config, folder); });
  });
  status_->setText(tr("Reading runs…"));
}

void RunsPanel::showOverview(const store::RunOverview& overview) {
  const auto selected = selectedRuns();
  const qint64 current =
      table_->currentRow() >= 0 && table_->item(table_->currentRow(), kId)
          ? table_->item(table_->currentRow(), kId)->data(Qt::UserRole).toLongLong()
          : -1;
  runs_.clear();
  table_->setSortingEnabled(false);
  table_->clearSelection();
  table_->setRowCount(static_cast<int>(overview.rows.size()));
  int row = 0;
  for (const auto& entry : overview.rows) {
    const auto& run = entry.run;
    runs_[run.id] = run;
    auto* id = item(QString::number(run.id), QVariant::fromValue<qint64>(run.id));
    id->setForeground(colorOfRun(run.id));
    table_->setItem(row, kId, id);
    auto* name = item(QString::fromStdString(run.name));
    if (!run.notes.empty()) name->setToolTip(QString::fromStdString(run.notes));
    table_->setItem(row, kName, name);
    auto* status = item(QString::fromLatin1(store::runStatusName(run.status)));
    if (!entry.forgetting.empty()) {
      // The forgetting alarm: worse than the base model beyond the confidence interval.
      QStringList lines;
      for (const auto& comparison : entry.forgetting)
        lines << QString::fromStdString(store::describeForgetting(comparison));
      status->setText(status->text() + tr(" ⚠ forgetting"));
      status->setForeground(QColor(200, 30, 30));
      status->setToolTip(tr("Scores below its base model beyond the 95% interval:\n%1\nThe "
                            "Evaluate stage's \"Base vs fine-tuned\" tab compares them.")
                             .arg(lines.join(QStringLiteral("\n"))));
    }
    table_->setItem(row, kStatus, status);
    table_->setItem(row, kMethod,
                    item(entry.method.empty() ? tr("—") : QString::fromStdString(entry.method)));
    table_->setItem(row, kTags, item(joinTags(run.tags)));
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
  // The selection outlives the refresh.
  for (qint64 id : selected)
    if (const int at = rowOfRun(id); at >= 0)
      table_->selectionModel()->select(table_->model()->index(at, kId),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
  if (const int at = rowOfRun(current); at >= 0)
    table_->selectionModel()->setCurrentIndex(table_->model()->index(at, kId),
                                              QItemSelectionModel::NoUpdate);

  compared_ = QList<qint64>(overview.compared.begin(), overview.compared.end());
  comparison_->show(overview);
  updateActions();
}

const store::RunRecord* RunsPanel::currentRun() const {
  const int row = table_->currentRow();
  if (row < 0 || !table_->item(row, kId)) return nullptr;
  const auto found = runs_.find(table_->item(row, kId)->data(Qt::UserRole).toLongLong());
  return found == runs_.end() ? nullptr : &found->second;
}

void RunsPanel::updateActions() {
  const bool idle = !writes_.isBusy() && !projectFile_.isEmpty();
  const bool any = !table_->selectionModel()->selectedRows().isEmpty();
  for (auto* action : {renameAction_, tagsAction_, notesAction_})
    action->setEnabled(idle && currentRun());
  deleteAction_->setEnabled(idle && any);
  compareAction_->setEnabled(any);
}

void RunsPanel::write(const QString& what, WriteOperation operation) {
  if (projectFile_.isEmpty() || writes_.isBusy()) return;
  const std::string file = projectFile_.toStdString();
  writes_.run([file, what, operation]() -> WriteOutcome {
    try {
      auto project = store::ProjectStore::open(file);
      if (project.isReadOnly())
        return {false, tr("Could not %1: the project is open read-only (%2).")
                           .arg(what, QString::fromStdString(project.readOnlyReason()))};
      return {true, operation(project)};
    } catch (const std::exception& e) {
      return {false, tr("Could not %1: %2").arg(what, QString::fromStdString(e.what()))};
    }
  });
  updateActions();
  status_->setText(tr("Saving…"));
}

void RunsPanel::renameCurrent() {
  const auto* run = currentRun();
  if (!run || !renameAction_->isEnabled()) return;
  auto* dialog = new QInputDialog(this);
  dialog->setObjectName(QStringLiteral("renameRunDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Rename Run"));
  dialog->setLabelText(tr("New name of run #%1:").arg(run->id));
  dialog->setTextValue(QString::fromStdString(run->name));
  const qint64 id = run->id;
  connect(dialog, &QInputDialog::textValueSelected, this, [this, id](const QString& text) {
    const auto name = text.trimmed().toStdString();
    if (name.empty()) {
      lastWrite_ = tr("Run #%1 keeps its name: a name cannot be empty.").arg(id);
      status_->setText(statusText());
      return;
    }
    write(tr("rename run #%1").arg(id), [id, name](store::ProjectStore& project) {
      store::RunRepository(project).rename(id, name);
      return tr("Run #%1 renamed to “%2”.").arg(id).arg(QString::fromStdString(name));
    });
  });
  dialog->open();
}

void RunsPanel::editTagsOfCurrent() {
  const auto* run = currentRun();
  if (!run || !tagsAction_->isEnabled()) return;
  auto* dialog = new QInputDialog(this);
  dialog->setObjectName(QStringLiteral("runTagsDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Tags of Run #%1").arg(run->id));
  dialog->setLabelText(tr("Tags, separated by commas:"));
  dialog->setTextValue(joinTags(run->tags));
  const qint64 id = run->id;
  connect(dialog, &QInputDialog::textValueSelected, this, [this, id](const QString& text) {
    const auto tags = splitTags(text);
    write(tr("set the tags of run #%1").arg(id), [id, tags](store::ProjectStore& project) {
      store::RunRepository(project).setTags(id, tags);
      return tr("Run #%1 tagged: %2.").arg(id).arg(tags.empty() ? tr("no tags") : joinTags(tags));
    });
  });
  dialog->open();
}

void RunsPanel::editNotesOfCurrent() {
  const auto* run = currentRun();
  if (!run || !notesAction_->isEnabled()) return;
  auto* dialog = new QDialog(this);
  dialog->setObjectName(QStringLiteral("runNotesDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Notes on Run #%1").arg(run->id));
  auto* layout = new QVBoxLayout(dialog);
  auto* label = new QLabel(tr("&Notes on %1:").arg(RunComparisonView::runLabel(*run)), dialog);
  auto* edit = new QPlainTextEdit(QString::fromStdString(run->notes), dialog);
  edit->setObjectName(QStringLiteral("runNotesEdit"));
  label->setBuddy(edit);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, dialog);
  layout->addWidget(label);
  layout->addWidget(edit, 1);
  layout->addWidget(buttons);
  dialog->resize(480, 300);
  connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
  const qint64 id = run->id;
  connect(dialog, &QDialog::accepted, this, [this, id, edit] {
    const auto notes = edit->toPlainText().toStdString();
    write(tr("save the notes on run #%1").arg(id), [id, notes](store::ProjectStore& project) {
      store::RunRepository(project).setNotes(id, notes);
      return tr("Notes on run #%1 saved.").arg(id);
    });
  });
  dialog->open();
}

void RunsPanel::deleteSelected() {
  const auto ids = selectedRuns();
  if (ids.isEmpty() || !deleteAction_->isEnabled()) return;
  for (qint64 id : ids) {
    const auto found = runs_.find(id);
    if (found != runs_.end() && (found->second.status == store::RunStatus::Running)) {
      lastWrite_ = tr("Run #%1 is running: stop it in the Train tab before deleting it.").arg(id);
      status_->setText(statusText());
      return;
    }
  }
  auto* box = new QMessageBox(
      QMessageBox::Warning, tr("Delete Runs"),
      ids.size() == 1 ? tr("Delete run %1?").arg(runsText(ids))
                      : tr("Delete %n runs (%1)?", nullptr, ids.size()).arg(runsText(ids)),
      QMessageBox::NoButton, this);
  box->setObjectName(QStringLiteral("deleteRunsDialog"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setInformativeText(
      tr("Their metrics, events and checkpoint records are removed from the project. Files "
         "stay on disk unless you tick the box; files outside the project's folder are never "
         "removed."));
  auto* withFiles = new QCheckBox(tr("Also delete the run's &files (checkpoints, outputs)"), box);
  withFiles->setObjectName(QStringLiteral("deleteRunFiles"));
  withFiles->setChecked(false);
  box->setCheckBox(withFiles);
  auto* confirm = box->addButton(tr("&Delete"), QMessageBox::DestructiveRole);
  confirm->setObjectName(QStringLiteral("confirmDelete"));
  box->setDefaultButton(box->addButton(QMessageBox::Cancel));
  connect(box, &QMessageBox::finished, this, [this, box, confirm, withFiles, ids] {
    if (box->clickedButton() != confirm) return;
    const bool removeFiles = withFiles->isChecked();
    const std::vector<int64_t> runs(ids.begin(), ids.end());
    for (qint64 id : ids) compared_.removeAll(id);
    write(tr("delete %1").arg(runsText(ids)), [runs, removeFiles](store::ProjectStore& project) {
      QStringList removed, kept;
      for (int64_t id : runs) {
        const auto result = store::deleteRun(project, id, removeFiles);
        for (const auto& path : result.removed)
          removed << QDir::toNativeSeparators(QString::fromStdString(path.string()));
        for (const auto& file : result.kept)
          kept << tr("%1 (%2)").arg(
              QDir::toNativeSeparators(QString::fromStdString(file.path.string())),
              QString::fromStdString(file.keptBecause));
      }
      QString message = tr("Deleted %n run(s).", nullptr, static_cast<int>(runs.size()));
      if (!removed.isEmpty())
        message += QLatin1Char(' ') + tr("Removed %1.").arg(removed.join(QStringLiteral(", ")));
      if (!kept.isEmpty())
        message += QLatin1Char(' ') + tr("Kept %1.").arg(kept.join(QStringLiteral("; ")));
      if (!removeFiles) message += QLatin1Char(' ') + tr("Their files were kept.");
      return message;
    });
  });
  box->open();
}

QString RunsPanel::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to see its runs.");
  if (!error_.isEmpty()) return tr("Could not read the runs: %1").arg(error_);
  QString text;
  if (table_->rowCount() == 0)
    text = tr("No runs yet: start one in the Train stage.");
  else
    text = compared_.isEmpty()
               ? tr("%n run(s). Select two or more and Compare Selected (Ctrl+Shift+C).", nullptr,
                    table_->rowCount())
               : tr("%n run(s); comparing %1.", nullptr, table_->rowCount()).arg(compared_.size());
  return lastWrite_.isEmpty() ? text : lastWrite_ + QLatin1Char(' ') + text;
}

}  // namespace tunebench::ui
