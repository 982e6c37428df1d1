#include "data/DataPanel.h"

#include <QAction>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "data/CleaningRecipeEditor.h"
#include "data/DatasetProfileView.h"
#include "data/DatasetRowsModel.h"
#include "data/DatasetVersionsView.h"
#include "data/ImportWizard.h"
#include "data/RejectsView.h"
#include "data/SplitBalancePanel.h"
#include "jobs/JobRunner.h"
#include "plugins/PluginRegistry.h"

namespace tunebench::ui {

namespace {

QString splitSummary(const VersionSummary& version) {
  QStringList parts;
  for (const auto& [name, count] : version.splitCounts)
    parts << QStringLiteral("%1 %2").arg(name.isEmpty() ? QObject::tr("none") : name).arg(count);
  return parts.join(QStringLiteral(", "));
}

}  // namespace

DataPanel::DataPanel(const PluginRegistry& plugins, QWidget* parent)
    : QWidget(parent), plugins_(plugins) {
  setObjectName(QStringLiteral("dataPanel"));
  importAction_ = new QAction(tr("&Import Dataset…"), this);
  importAction_->setObjectName(QStringLiteral("importDatasetAction"));
  importAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
  importAction_->setToolTip(tr("Import a dataset file (%1)")
                                .arg(importAction_->shortcut().toString(QKeySequence::NativeText)));
  connect(importAction_, &QAction::triggered, this, [this] { openImportWizard(); });

  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  auto* importButton = new QToolButton(this);
  importButton->setDefaultAction(importAction_);
  importButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
  importButton->setFocusPolicy(Qt::StrongFocus);
  top->addWidget(importButton);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("dataStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  top->addWidget(status_, 1);
  layout->addLayout(top);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  versions_ = new DatasetVersionsView(splitter);
  tabs_ = new QTabWidget(splitter);
  tabs_->setObjectName(QStringLiteral("dataTabs"));

  auto* rowsPage = new QWidget(tabs_);
  auto* rowsLayout = new QVBoxLayout(rowsPage);
  versionSummary_ = new QLabel(rowsPage);
  versionSummary_->setObjectName(QStringLiteral("dataVersionSummary"));
  versionSummary_->setWordWrap(true);
  versionSummary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  rowsLayout->addWidget(versionSummary_);
  rows_ = new DatasetRowsModel(this);
  rowsView_ = new QTableView(rowsPage);
  rowsView_->setObjectName(QStringLiteral("dataRows"));
  rowsView_->setAccessibleName(tr("Rows of the version"));
  rowsView_->setModel(rows_);
  rowsView_->setWordWrap(false);
  rowsView_->setTextElideMode(Qt::ElideRight);
  rowsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  rowsView_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  // Fixed row heights: the view never measures a million rows.
  rowsView_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  rowsView_->verticalHeader()->setDefaultSectionSize(rowsView_->fontMetrics().height() + 8);
  rowsView_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  rowsView_->horizontalHeader()->setDefaultSectionSize(240);
  rowsView_->horizontalHeader()->setStretchLastSection(true);
  rowsLayout->addWidget(rowsView_, 1);
  tabs_->addTab(rowsPage, tr("&Rows"));

  split_ = new SplitBalancePanel(
      [this](std::unique_ptr<Job> job) { return startJob(std::move(job)); }, tabs_);
  cleaner_ = new CleaningRecipeEditor(tabs_);
  tabs_->addTab(cleaner_, tr("&Clean"));
  profile_ = new DatasetProfileView(tabs_);
  tabs_->addTab(profile_, tr("&Profile"));
  tabs_->addTab(split_, tr("Split && &Balance"));
  rejects_ =
      new RejectsView([this](std::unique_ptr<Job> job) { return startJob(std::move(job)); }, tabs_);
  tabs_->addTab(rejects_, tr("Re&jects"));
  connect(rejects_, &RejectsView::failed, this, &DataPanel::failed);
  connect(rejects_, &RejectsView::exported, this, [this](const QString& file, qint64 count) {
    setStatus(tr("Wrote %n rejected row(s) to %1.", nullptr, static_cast<int>(count))
                  .arg(QDir::toNativeSeparators(file)));
  });
  connect(cleaner_, &CleaningRecipeEditor::jobStarted, this, &DataPanel::jobStarted);
  connect(cleaner_, &CleaningRecipeEditor::failed, this, &DataPanel::failed);
  connect(profile_, &DatasetProfileView::failed, this, &DataPanel::failed);
  // A cleaned version is shown at once: the catalog is read again and the new version chosen.
  connect(cleaner_, &CleaningRecipeEditor::versionStored, this,
          [this](qint64 datasetId, int version) {
            selectVersion(datasetId, version);
            refresh();
          });
  connect(this, &DataPanel::versionChosen, this, [this](qint64 datasetId, int version) {
    cleaner_->setDataset(datasetId, version);
    profile_->setDataset(datasetId, version);
  });

  splitter->addWidget(versions_);
  splitter->addWidget(tabs_);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 5);
  // Room for every column of the version list (the date included) before the tabs take the rest.
  versions_->setMinimumWidth(320);
  splitter->setSizes({420, 880});
  layout->addWidget(splitter, 1);

  connect(versions_, &DatasetVersionsView::versionSelected, this, &DataPanel::chooseVersion);
  connect(rows_, &DatasetRowsModel::versionShown, this, [this] {
    split_->setFields(rows_->fields());
    // The split column is short.
    if (rows_->columnCount() > rows_->fields().size()) rowsView_->setColumnWidth(0, 90);
  });
  connect(rows_, &DatasetRowsModel::readFailed, this, [this](const QString& message) {
    setStatus(message);
    emit failed(tr("Dataset rows"), message + tr("\n\nCheck that the project file is still there "
                                                 "and readable, then choose the version again."));
  });
  connect(split_, &SplitBalancePanel::versionStored, this, [this](qint64 datasetId, qint64 number) {
    selectVersion(datasetId, number);
    refresh();
  });
  connect(split_, &SplitBalancePanel::failed, this, &DataPanel::failed);
  updateActions();
  setStatus(statusText());
}

DataPanel::~DataPanel() {
  // Runners cancel their jobs and let them end on their threads; the jobs reference nothing of
  // the widgets.
  for (auto* runner : runners_) delete runner;
  runners_.clear();
}

void DataPanel::setProject(const QString& projectFile, bool readOnly) {
  readOnly_ = readOnly;
  if (projectFile != projectFile_) {
    projectFile_ = projectFile;
    catalogReads_.clear();  // a read of the previous project is not shown
    catalog_ = {};
    catalogRead_ = false;
    datasetId_ = 0;
    versionNumber_ = 0;
    shownVersionId_ = 0;
    shownRows_ = -1;
    selectAfterRead_ = 0;
    versions_->setCatalog(catalog_);
    rows_->setProject(projectFile_);
    versionSummary_->clear();
    split_->setVersion({});
    rejects_->setVersion(projectFile_, 0, 0);
    cleaner_->setProject(projectFile_, readOnly);
    profile_->setProject(projectFile_, readOnly);
    refresh();
  } else if (datasetId_ > 0) {
    chooseVersion(datasetId_, versionNumber_);  // the split tab follows read-only changes
  }
  updateActions();
  setStatus(statusText());
  emit catalogRead();
}

void DataPanel::setModelFolder(const QString& folder) {
  cleaner_->setModelFolder(folder);
  profile_->setModelFolder(folder);
}

qint64 DataPanel::currentVersionId() const {
  const auto* dataset = catalog_.findDataset(datasetId_);
  const auto* version = dataset ? dataset->findVersion(versionNumber_) : nullptr;
  return version ? version->id : 0;
}

void DataPanel::refresh() {
  if (projectFile_.isEmpty()) return;
  catalogReads_.run([file = projectFile_] {
    return readProject<DatasetCatalog>(file, 0,
                                       [](const std::string& f) { return readDatasetCatalog(f); });
  });
}

void DataPanel::showCatalog(const CatalogRead& read) {
  if (read.projectFile != projectFile_) return;
  if (!read.error.isEmpty()) {
    setStatus(tr("Could not read the datasets: %1").arg(read.error));
    emit failed(tr("Datasets"), tr("Could not read the project's datasets: %1").arg(read.error));
    return;
  }
  catalog_ = read.value;
  catalogRead_ = true;
  versions_->setCatalog(catalog_);
  bool selected = false;
  if (selectAfterRead_ > 0 && versions_->select(selectAfterRead_, selectNumberAfterRead_)) {
    selectAfterRead_ = 0;
    selected = true;
  }
  if (!selected && versions_->selectedVersion() == 0 && !catalog_.datasets.empty()) {
    // Start at the newest version of the first dataset.
    const auto& first = catalog_.datasets.front();
    if (!first.versions.empty()) versions_->select(first.id, first.versions.back().number);
  }
  if (versions_->selectedVersion() == 0) {
    datasetId_ = 0;
    versionNumber_ = 0;
    shownVersionId_ = 0;
    rows_->clear();
    split_->setVersion({});
    rejects_->setVersion(projectFile_, 0, 0);
    versionSummary_->clear();
  } else {
    chooseVersion(versions_->selectedDataset(), versions_->selectedVersion());
  }
  updateActions();
  setStatus(statusText());
  emit catalogRead();
}

void DataPanel::selectVersion(qint64 datasetId, qint64 number) {
  if (versions_->select(datasetId, number)) return;
  selectAfterRead_ = datasetId;
  selectNumberAfterRead_ = number;
}

void DataPanel::chooseVersion(qint64 datasetId, qint64 number) {
  const auto* dataset = catalog_.findDataset(datasetId);
  const auto* version = dataset ? dataset->findVersion(number) : nullptr;
  if (!version) return;
  const bool changed = datasetId != datasetId_ || number != versionNumber_;
  datasetId_ = datasetId;
  versionNumber_ = number;
  if (version->id != shownVersionId_ || version->rows != shownRows_) {
    shownVersionId_ = version->id;
    shownRows_ = version->rows;
    rows_->setVersion(version->id, version->rows, version->hasSplit, dataset->fieldOrder);
  }
  ChosenVersion chosen;
  chosen.projectFile = projectFile_;
  chosen.readOnly = readOnly_;
  chosen.datasetId = datasetId;
  chosen.datasetName = dataset->name;
  chosen.kind = dataset->kind;
  chosen.versionId = version->id;
  chosen.number = number;
  chosen.rows = version->rows;
  chosen.splitSummary = splitSummary(*version);
  chosen.fields = rows_->fields();
  chosen.labelField = version->labelField;
  chosen.balance = version->balance;
  split_->setVersion(chosen);
  rejects_->setVersion(projectFile_, version->id, version->rejects);
  showVersionSummary();
  if (changed) emit versionChosen(datasetId, static_cast<int>(number));
}

void DataPanel::showVersionSummary() {
  const auto* dataset = catalog_.findDataset(datasetId_);
  const auto* version = dataset ? dataset->findVersion(versionNumber_) : nullptr;
  if (!version) {
    versionSummary_->clear();
    return;
  }
  const QLocale locale;
  QString text = tr("“%1” version %2 (%3, %4): %5 rows")
                     .arg(dataset->name)
                     .arg(version->number)
                     .arg(dataset->kind, version->madeBy)
                     .arg(locale.toString(version->rows));
  if (version->rejects > 0)
    text += tr("; %1 bad rows were skipped at import (see Rejects)")
                .arg(locale.toString(version->rejects));
  if (version->hasSplit) text += tr("; split: %1").arg(splitSummary(*version));
  if (!version->balance.isEmpty()) text += tr("; balanced by %1").arg(version->balance);
  versionSummary_->setText(text + QStringLiteral("."));
}

StageState DataPanel::stageState() const {
  if (projectFile_.isEmpty() || !catalogRead_) return StageState::NotYet;
  return dataStageState(catalog_);
}

ImportWizard* DataPanel::openImportWizard() {
  if (projectFile_.isEmpty()) {
    emit failed(tr("Import"), tr("Open or create a project first (File ▸ New Project or Open "
                                 "Project); datasets are stored in the project."));
    return nullptr;
  }
  if (readOnly_) {
    emit failed(tr("Import"),
                tr("The project is read-only, so no dataset can be added. Save a copy with File ▸ "
                   "Save Project As, or open it with a newer Tunebench."));
    return nullptr;
  }
  QStringList names;
  for (const auto& dataset : catalog_.datasets) names << dataset.name;
  auto* wizard = new ImportWizard(
      plugins_, projectFile_, names,
      [this](std::unique_ptr<Job> job) { return startJob(std::move(job)); }, this);
  wizard->setAttribute(Qt::WA_DeleteOnClose);
  connect(wizard, &ImportWizard::importFinished, this, [this, wizard](bool succeeded) {
    if (succeeded) selectVersion(wizard->importResult().datasetId, 1);
    refresh();
  });
  wizard->open();
  return wizard;
}

JobRunner* DataPanel::startJob(std::unique_ptr<Job> job) {
  auto* runner = new JobRunner(std::move(job), this);
  runners_.push_back(runner);
  connect(runner, &JobRunner::finished, this, [this, runner] {
    runners_.erase(std::remove(runners_.begin(), runners_.end(), runner), runners_.end());
    runner->deleteLater();
    updateActions();
  });
  emit jobStarted(runner);
  runner->start();
  updateActions();
  return runner;
}

QString DataPanel::statusText() const {
  if (projectFile_.isEmpty()) return tr("Open or create a project to import datasets.");
  const QString shortcut = importAction_->shortcut().toString(QKeySequence::NativeText);
  if (!catalogRead_) return tr("Reading the datasets…");
  if (catalog_.datasets.empty())
    return readOnly_ ? tr("The project has no datasets (read-only: none can be imported).")
                     : tr("No datasets yet: import a JSON Lines, JSON, CSV, TSV or text file "
                          "with Import Dataset (%1).")
                           .arg(shortcut);
  switch (stageState()) {
    case StageState::Done:
      return tr("%n dataset(s). A version with train and validation rows is ready for training.",
                nullptr, static_cast<int>(catalog_.datasets.size()));
    case StageState::NeedsAttention:
      return tr("%n dataset(s), none split yet: split a version into train and validation on "
                "the Split && Balance tab.",
                nullptr, static_cast<int>(catalog_.datasets.size()))
          .replace(QStringLiteral("&&"), QStringLiteral("&"));
    case StageState::NotYet:
      break;
  }
  return {};
}

void DataPanel::setStatus(const QString& text) {
  status_->setText(text);
}

void DataPanel::updateActions() {
  importAction_->setEnabled(!projectFile_.isEmpty() && !readOnly_);
}

}  // namespace tunebench::ui
