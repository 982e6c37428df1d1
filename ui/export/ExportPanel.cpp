#include "export/ExportPanel.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include "ActionButton.h"
#include "export/ExportFolder.h"
#include "export/RunExport.h"
#include "jobs/JobRunner.h"
#include "plugins/PluginRegistry.h"
#include "store/EvaluationOverview.h"

namespace tunebench::ui {

namespace {

QString runLabel(const store::RunRecord& run) {
  return QObject::tr("Run %1: %2 (%3)")
      .arg(run.id)
      .arg(QString::fromStdString(run.name), QString::fromLatin1(store::runStatusName(run.status)));
}

QString modelLabel(const std::optional<int64_t>& step) {
  return step ? QObject::tr("checkpoint step %1").arg(*step) : QObject::tr("final model");
}

ExportOverview readOverview(const std::string& projectFile) {
  ExportOverview overview;
  overview.runs = store::readRuns(projectFile);
  const std::string folder =
      QFileInfo(QString::fromStdString(projectFile)).absolutePath().toStdString();
  for (const auto& run : overview.runs)
    overview.sources.push_back(runExportSource(run.config, folder));
  overview.exports = readExports(projectFile);
  return overview;
}

}  // namespace

ExportPanel::ExportPanel(const PluginRegistry& plugins, QWidget* parent)
    : QWidget(parent), plugins_(plugins) {
  setObjectName(QStringLiteral("exportPanel"));
  exportAction_ = new QAction(tr("E&xport"), this);
  exportAction_->setObjectName(QStringLiteral("exportAction"));
  // Ctrl+Shift+X is Train ▸ Stop; E as in Export.
  exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
  exportAction_->setToolTip(
      tr("Export (%1)").arg(exportAction_->shortcut().toString(QKeySequence::NativeText)));
  addAction(exportAction_);
  connect(exportAction_, &QAction::triggered, this, [this] { startExport(); });
  openFolderAction_ = new QAction(tr("&Open Folder"), this);
  openFolderAction_->setObjectName(QStringLiteral("exportOpenFolderAction"));
  openFolderAction_->setToolTip(tr("Show the exported files in the file manager"));
  connect(openFolderAction_, &QAction::triggered, this, &ExportPanel::openFolder);

  auto* layout = new QVBoxLayout(this);
  auto* inputs = new QGroupBox(tr("What to export"), this);
  buildInputs(inputs);
  layout->addWidget(inputs);

  auto* resultRow = new QHBoxLayout;
  result_ = new QLabel(this);
  result_->setObjectName(QStringLiteral("exportResult"));
  result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  result_->setWordWrap(true);
  resultRow->addWidget(result_, 1);
  resultRow->addWidget(actionButton(openFolderAction_, this));
  layout->addLayout(resultRow);

  auto* listLabel = new QLabel(tr("Exports of the &project:"), this);
  exports_ = new QTableWidget(0, kColumnCount, this);
  exports_->setObjectName(QStringLiteral("exportsTable"));
  exports_->setAccessibleName(tr("Exports of the project"));
  listLabel->setBuddy(exports_);
  exports_->setHorizontalHeaderLabels(
      {tr("Run"), tr("Model"), tr("Format"), tr("Folder"), tr("Date"), tr("Size"), tr("SHA-256")});
  exports_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  exports_->setSelectionBehavior(QAbstractItemView::SelectRows);
  exports_->setSelectionMode(QAbstractItemView::SingleSelection);
  exports_->verticalHeader()->setVisible(false);
  exports_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  exports_->horizontalHeader()->setSectionResizeMode(kFolder, QHeaderView::Stretch);
  connect(exports_, &QTableWidget::itemSelectionChanged, this, &ExportPanel::updateActions);
  connect(exports_, &QTableWidget::cellActivated, this, [this] { openFolder(); });
  layout->addWidget(listLabel);
  layout->addWidget(exports_, 1);

  runChanged();
  setStatus(statusText());
}

void ExportPanel::buildInputs(QWidget* box) {
  auto* form = new QFormLayout(box);
  run_ = new QComboBox(box);
  run_->setObjectName(QStringLiteral("exportRun"));
  form->addRow(tr("&Run:"), run_);
  model_ = new QComboBox(box);
  model_->setObjectName(QStringLiteral("exportModel"));
  form->addRow(tr("&Model:"), model_);
  format_ = new QComboBox(box);
  format_->setObjectName(QStringLiteral("exportFormat"));
  for (const auto& exporter : plugins_.exporters())
    format_->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(exporter->displayName()),
                                                   QString::fromStdString(exporter->description())),
                     QString::fromStdString(exporter->id()));
  form->addRow(tr("&Format:"), format_);

  auto* destinationRow = new QHBoxLayout;
  destination_ = new QLineEdit(box);
  destination_->setObjectName(QStringLiteral("exportDestination"));
  auto* browse = new QToolButton(box);
  browse->setText(tr("…"));
  browse->setAccessibleName(tr("Choose the destination folder"));
  browse->setToolTip(browse->accessibleName());
  browse->setFocusPolicy(Qt::StrongFocus);
  destinationRow->addWidget(destination_, 1);
  destinationRow->addWidget(browse);
  destinationRow->addWidget(actionButton(exportAction_, box));
  auto* destinationLabel = new QLabel(tr("&Destination:"), box);
  destinationLabel->setBuddy(destination_);
  form->addRow(destinationLabel, destinationRow);

  note_ = new QLabel(box);
  note_->setObjectName(QStringLiteral("exportNote"));
  note_->setWordWrap(true);
  form->addRow(note_);
  status_ = new QLabel(box);
  status_->setObjectName(QStringLiteral("exportStatus"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setWordWrap(true);
  form->addRow(status_);

  connect(run_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ExportPanel::runChanged);
  connect(model_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &ExportPanel::formatChanged);
  connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &ExportPanel::formatChanged);
  connect(browse, &QToolButton::clicked, this, &ExportPanel::chooseDestination);
}

ExportPanel::~ExportPanel() {
  delete job_;  // cancels; a canceled export leaves nothing behind
}

void ExportPanel::setProject(const QString& projectFile, bool readOnly) {
  readOnly_ = readOnly;
  if (projectFile == projectFile_) {
    formatChanged();
    return;
  }
  projectFile_ = projectFile;
  reads_.clear();  // a read of the previous project is not shown
  overview_ = {};
  lastFolder_.clear();
  lastError_.clear();
  result_->clear();
  {
    const QSignalBlocker blocker(run_);
    run_->clear();
  }
  destination_->clear();
  showExports();
  runChanged();
  if (!projectFile_.isEmpty()) read();
  status_->clear();  // the previous project's status (or the no-project hint) is over
  setStatus(statusText());
}

void ExportPanel::refresh() {
  read();
}

void ExportPanel::read() {
  if (projectFile_.isEmpty()) return;
  reads_.run([file = projectFile_] { return readProject<ExportOverview>(file, 0, readOverview); });
}

void ExportPanel::showOverview(const OverviewRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    fail(tr("Could not read the project's runs and exports: %1").arg(read.error));
    return;
  }
  const qint64 keep = selectAfterRead_ ? selectAfterRead_ : selectedRun();
  const qint64 keepModel =
      model_->currentData().isValid() ? model_->currentData().toLongLong() : -1;
  selectAfterRead_ = 0;
  overview_ = read.value;
  {
    const QSignalBlocker blocker(run_);
    run_->clear();
    for (const auto& run : overview_.runs)
      run_->addItem(runLabel(run), QVariant::fromValue<qint64>(run.id));
    const int index = run_->findData(QVariant::fromValue<qint64>(keep));
    run_->setCurrentIndex(index >= 0 ? index : 0);
  }
  runChanged();
  if (selectedRun() == keep) selectModel(keepModel);
  showExports();
  emit overviewRead();
}

void ExportPanel::showExports() {
  exports_->setRowCount(static_cast<int>(overview_.exports.size()));
  const QLocale locale;
  int row = 0;
  // Newest first, as the user looks for the export just made.
  for (auto it = overview_.exports.rbegin(); it != overview_.exports.rend(); ++it, ++row) {
    const auto& listing = *it;
    const auto& record = listing.record;
    const QString run =
        record.runId ? tr("%1: %2").arg(*record.runId).arg(QString::fromStdString(listing.runName))
                     : tr("(deleted run)");
    const QString folder = QDir::toNativeSeparators(QString::fromStdString(listing.folder));
    const QStringList cells{run,
                            modelLabel(listing.checkpointStep),
                            QString::fromStdString(record.format),
                            listing.exists ? folder : tr("%1 (missing)").arg(folder),
                            QDateTime::fromSecsSinceEpoch(static_cast<qint64>(record.createdAt))
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                            listing.exists
                                ? locale.formattedDataSize(static_cast<qint64>(listing.bytes))
                                : QStringLiteral("—"),
                            QString::fromStdString(record.sha256.substr(0, 12))};
    for (int column = 0; column < kColumnCount; ++column) {
      auto* item = new QTableWidgetItem(cells[column]);
      if (column == kFolder) item->setData(Qt::UserRole, QString::fromStdString(listing.folder));
      if (column == kSha256) item->setToolTip(QString::fromStdString(record.sha256));
      if (column == kFolder) item->setToolTip(folder);
      exports_->setItem(row, column, item);
    }
  }
  updateActions();
}

qint64 ExportPanel::selectedRun() const {
  return run_->currentData().toLongLong();
}

std::shared_ptr<Exporter> ExportPanel::selectedExporter() const {
  return plugins_.findExporter(format_->currentData().toString().toStdString());
}

std::optional<int64_t> ExportPanel::selectedCheckpoint() const {
  const qint64 step = model_->currentData().isValid() ? model_->currentData().toLongLong() : -1;
  return step >= 0 ? std::optional<int64_t>(step) : std::nullopt;
}

QString ExportPanel::formatLabel(const std::string& format) const {
  const auto exporter = plugins_.findExporter(format);
  return QString::fromStdString(exporter ? exporter->displayName() : format);
}

const RunExportSource* ExportPanel::selectedSource() const {
  const int index = run_->currentIndex();
  if (index < 0 || static_cast<size_t>(index) >= overview_.sources.size()) return nullptr;
  return &overview_.sources[static_cast<size_t>(index)];
}

void ExportPanel::selectRun(qint64 runId) {
  const int index = run_->findData(QVariant::fromValue<qint64>(runId));
  if (index >= 0) {
    run_->setCurrentIndex(index);
  } else {
    selectAfterRead_ = runId;  // a run just made: selected once the runs are read again
    read();
  }
}

void ExportPanel::selectModel(qint64 checkpointStep) {
  const int index = model_->findData(QVariant::fromValue<qint64>(checkpointStep));
  if (index >= 0) model_->setCurrentIndex(index);
}

void ExportPanel::selectFormat(const QString& format) {
  const int index = format_->findData(format);
  if (index >= 0) format_->setCurrentIndex(index);
}

void ExportPanel::setDestination(const QString& folder) {
  destination_->setText(folder);
}

void ExportPanel::runChanged() {
  const auto* source = selectedSource();
  {
    const QSignalBlocker blocker(model_);
    model_->clear();
    if (source && source->problem.empty()) {
      model_->addItem(tr("Final model"), QVariant::fromValue<qint64>(-1));
      // Newest checkpoint first, after the final model.
      for (auto it = source->checkpoints.rbegin(); it != source->checkpoints.rend(); ++it)
        model_->addItem(tr("Checkpoint at step %1").arg(it->first),
                        QVariant::fromValue<qint64>(it->first));
    }
  }
  // Full fine-tuning has no adapter: formats that need one are not offered for it.
  auto* formats = qobject_cast<QStandardItemModel*>(format_->model());
  const bool adapters = !source || source->usesAdapters || source->unmergeable;
  const auto& exporters = plugins_.exporters();
  for (int row = 0; formats && row < formats->rowCount(); ++row) {
    const bool offered = adapters || !exporters[static_cast<size_t>(row)]->needsAdapters();
    formats->item(row)->setEnabled(offered);
    formats->item(row)->setToolTip(
        offered ? QString() : tr("The run fine-tuned all weights: it has no adapter to export."));
  }
  const int current = format_->currentIndex();
  if (formats && current >= 0 && !formats->item(current)->isEnabled())
    for (int row = 0; row < formats->rowCount(); ++row)
      if (formats->item(row)->isEnabled()) {
        format_->setCurrentIndex(row);
        break;
      }
  formatChanged();
}

void ExportPanel::formatChanged() {
  const auto* source = selectedSource();
  const QString format = format_->currentData().toString();
  const QString run =
      source ? runLabel(overview_.runs[static_cast<size_t>(run_->currentIndex())]) : QString();
  QString note;
  if (projectFile_.isEmpty()) {
    note.clear();
  } else if (!source) {
    note = tr("The project has no runs yet: train one in the Train stage, then export it here.");
  } else if (!source->problem.empty()) {
    note = tr("%1 cannot be exported: %2.").arg(run, QString::fromStdString(source->problem));
  } else {
    const auto exporter = selectedExporter();
    const auto checkpoint = selectedCheckpoint();
    const auto problem = exporter ? exporter->refusal(*source, checkpoint) : std::string();
    if (!exporter)
      note = tr("No export format is installed (see Help ▸ Plugins).");
    else if (!problem.empty())
      note = (checkpoint ? tr("Checkpoint step %1 cannot be exported in this format: %2.")
                               .arg(*checkpoint)
                               .arg(QString::fromStdString(problem))
                         : tr("The final model cannot be exported in this format: %1.")
                               .arg(QString::fromStdString(problem)));
    else
      note = QString::fromStdString(exporter->summary(*source));
    if (readOnly_)
      note += QStringLiteral(" ") + tr("The project is read-only: nothing can be "
                                       "exported or recorded.");
  }
  note_->setText(note);
  if (source) {
    const auto& name = overview_.runs[static_cast<size_t>(run_->currentIndex())].name;
    destination_->setPlaceholderText(
        tr("default: a new folder %1")
            .arg(QDir::toNativeSeparators(
                QFileInfo(projectFile_).absolutePath() + QStringLiteral("/exports/") +
                QString::fromStdString(exportFolderStem(name, format.toStdString())) +
                QStringLiteral("-<n>"))));
  } else {
    destination_->setPlaceholderText(tr("default: <project folder>/exports/<run>-<format>-<n>"));
  }
  updateActions();
}

void ExportPanel::chooseDestination() {
  const QString start = destination_->text().isEmpty() ? QFileInfo(projectFile_).absolutePath()
                                                       : destination_->text();
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Export Into"), start);
  if (!folder.isEmpty()) destination_->setText(QDir::toNativeSeparators(folder));
}

bool ExportPanel::startExport() {
  if (job_) return false;
  if (projectFile_.isEmpty()) {
    fail(tr("Open or create a project first."));
    return false;
  }
  if (readOnly_) {
    fail(
        tr("The project is read-only, so the export could not be recorded. Open a writable "
           "copy (File ▸ Save As) to export."));
    return false;
  }
  const auto* source = selectedSource();
  if (!source) {
    fail(tr("Choose a run to export; train one in the Train stage first."));
    return false;
  }
  if (!source->problem.empty()) {
    fail(tr("Run %1 cannot be exported: %2.")
             .arg(selectedRun())
             .arg(QString::fromStdString(source->problem)));
    return false;
  }
  const auto exporter = selectedExporter();
  if (!exporter) {
    fail(tr("No export format is installed; see Help ▸ Plugins."));
    return false;
  }
  RunExportRequest request;
  request.projectFile = projectFile_.toStdString();
  request.runId = selectedRun();
  request.format = exporter->id();
  request.checkpointStep = selectedCheckpoint();
  if (const auto problem = exporter->refusal(*source, request.checkpointStep); !problem.empty()) {
    fail(
        tr("Run %1's %2 cannot be exported as %3: %4.")
            .arg(request.runId)
            .arg(modelLabel(request.checkpointStep))
            .arg(QString::fromStdString(exporter->displayName()), QString::fromStdString(problem)));
    return false;
  }
  request.destination = QDir::fromNativeSeparators(destination_->text().trimmed()).toStdString();

  std::unique_ptr<RunExportJob> exportJob;
  try {
    exportJob = std::make_unique<RunExportJob>(plugins_, std::move(request));
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return false;
  }
  job_ = new JobRunner(std::move(exportJob), this);
  connect(job_, &JobRunner::progressChanged, this, [this] {
    if (!job_) return;
    const auto progress = job_->progress();
    if (!progress.text.isEmpty())
      setStatus(
          progress.total > 0
              ? tr("%1 (%2 of %3)").arg(progress.text).arg(progress.done + 1).arg(progress.total)
              : progress.text);
  });
  connect(job_, &JobRunner::finished, this, &ExportPanel::onFinished);
  lastError_.clear();
  job_->start();
  setStatus(tr("Exporting run %1…").arg(selectedRun()));
  updateActions();
  emit jobStarted(job_);
  return true;
}

void ExportPanel::onFinished() {
  auto* runner = job_;
  job_ = nullptr;
  const auto& job = static_cast<const RunExportJob&>(runner->job());
  if (runner->outcome() == JobRunner::Outcome::Failed) {
    fail(runner->errorText());
    emit failed(tr("Export"), runner->errorText());
  } else if (runner->outcome() == JobRunner::Outcome::Canceled || job.result().canceled) {
    setStatus(tr("Export canceled: nothing was written or recorded."));
  } else {
    const auto& result = job.result();
    lastFolder_ = QString::fromStdString(result.folder);
    destination_->clear();
    result_->setText(tr("Exported run %1 (%2, %3) to %4: %n file(s), %5, SHA-256 %6", nullptr,
                        static_cast<int>(result.files))
                         .arg(job.request().runId)
                         .arg(modelLabel(job.request().checkpointStep),
                              formatLabel(job.request().format),
                              QDir::toNativeSeparators(lastFolder_),
                              QLocale().formattedDataSize(static_cast<qint64>(result.bytes)),
                              QString::fromStdString(result.sha256)));
    setStatus(tr("Recorded as export %1 of the project.").arg(result.exportId));
    exports_->clearSelection();
    read();
  }
  runner->deleteLater();
  updateActions();
  emit exportFinished();
}

QString ExportPanel::folderToOpen() const {
  const auto selected = exports_->selectionModel()->selectedRows(kFolder);
  if (!selected.isEmpty()) return selected.front().data(Qt::UserRole).toString();
  return lastFolder_;
}

void ExportPanel::openFolder() {
  const QString folder = folderToOpen();
  if (folder.isEmpty()) return;
  if (!QFileInfo::exists(folder)) {
    fail(tr("%1 is not there any more (moved or deleted).").arg(QDir::toNativeSeparators(folder)));
    return;
  }
  if (!QDesktopServices::openUrl(QUrl::fromLocalFile(folder)))
    fail(tr("No file manager could open %1; open it by hand.")
             .arg(QDir::toNativeSeparators(folder)));
}

void ExportPanel::setStatus(const QString& text) {
  status_->setText(text);
}

QString ExportPanel::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to export its runs.");
  if (!lastError_.isEmpty()) return lastError_;
  if (job_) return tr("Exporting…");
  return status_->text().isEmpty()
             ? tr("Choose a run, its final model or a checkpoint, and the format, then Export "
                  "(%1).")
                   .arg(exportAction_->shortcut().toString(QKeySequence::NativeText))
             : status_->text();
}

void ExportPanel::fail(const QString& message) {
  lastError_ = message;
  setStatus(tr("Error: %1").arg(message));
}

void ExportPanel::updateActions() {
  const bool idle = !job_;
  exportAction_->setEnabled(!projectFile_.isEmpty() && !readOnly_ && idle && selectedSource());
  run_->setEnabled(idle);
  model_->setEnabled(idle);
  format_->setEnabled(idle);
  destination_->setEnabled(idle);
  openFolderAction_->setEnabled(!folderToOpen().isEmpty());
}

}  // namespace tunebench::ui
