#include "data/ImportWizard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "data/ProjectStoreJob.h"
#include "jobs/JobRunner.h"
#include "plugins/PluginRegistry.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace {

// A wizard page whose behaviour is given by the wizard that owns its widgets.
class StepPage : public QWizardPage {
 public:
  std::function<void()> onInit;
  std::function<bool()> complete;
  std::function<bool()> validate;
  void initializePage() override {
    if (onInit) onInit();
  }
  bool isComplete() const override { return complete ? complete() : true; }
  bool validatePage() override { return validate ? validate() : true; }
  void changed() { emit completeChanged(); }
};

const DatasetKind kKinds[] = {DatasetKind::Instruction, DatasetKind::Chat, DatasetKind::Preference,
                              DatasetKind::RawText, DatasetKind::Classification};

QString kindTitle(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::Instruction:
      return QObject::tr("Instruction (instruction, input, output)");
    case DatasetKind::Chat:
      return QObject::tr("Chat (a list of messages)");
    case DatasetKind::Preference:
      return QObject::tr("Preference (prompt, chosen, rejected)");
    case DatasetKind::RawText:
      return QObject::tr("Text (plain text for language modelling)");
    case DatasetKind::Classification:
      return QObject::tr("Classification (text, label)");
  }
  return {};
}

StepPage* stepPage(QWizard* wizard, int id) {
  return static_cast<StepPage*>(wizard->page(id));
}

}  // namespace

ImportWizard::ImportWizard(const PluginRegistry& plugins, const QString& projectFile,
                           const QStringList& takenNames, StartJob startJob, QWidget* parent)
    : QWizard(parent),
      plugins_(plugins),
      projectFile_(projectFile),
      takenNames_(takenNames),
      startJob_(std::move(startJob)),
      result_(std::make_shared<store::ProjectImportResult>()) {
  setObjectName(QStringLiteral("importWizard"));
  setWindowTitle(tr("Import a Dataset"));
  setOption(QWizard::DisabledBackButtonOnLastPage);
  setOption(QWizard::NoBackButtonOnStartPage);
  setPage(FilePage, buildFilePage());
  setPage(SchemaPage, buildSchemaPage());
  setPage(PreviewPage, buildPreviewPage());
  setPage(ImportPage, buildImportPage());
  resize(820, 560);
}

ImportWizard::~ImportWizard() = default;

QWizardPage* ImportWizard::buildFilePage() {
  auto* step = new StepPage;
  step->setTitle(tr("Choose the file"));
  step->setSubTitle(
      tr("JSON Lines, JSON, CSV, TSV or plain text. Version 1 of the new dataset keeps the "
         "records as they are read."));
  auto* form = new QFormLayout(step);
  file_ = new QLineEdit(step);
  file_->setObjectName(QStringLiteral("importFile"));
  auto* browse = new QToolButton(step);
  browse->setText(tr("…"));
  browse->setToolTip(tr("Choose the file"));
  browse->setAccessibleName(tr("Choose the file"));
  connect(browse, &QToolButton::clicked, this, &ImportWizard::chooseFile);
  auto* fileRow = new QHBoxLayout;
  fileRow->addWidget(file_, 1);
  fileRow->addWidget(browse);
  auto* fileLabel = new QLabel(tr("&File:"), step);
  fileLabel->setBuddy(file_);
  form->addRow(fileLabel, fileRow);

  format_ = new QComboBox(step);
  format_->setObjectName(QStringLiteral("importFormat"));
  format_->addItem(tr("Detect from the file extension"), QString());
  for (const auto& importer : plugins_.datasetImporters()) {
    QStringList extensions;
    for (const auto& extension : importer->fileExtensions())
      extensions << QStringLiteral("*.") + QString::fromStdString(extension);
    format_->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(importer->displayName()),
                                                   extensions.join(QLatin1Char(' '))),
                     QString::fromStdString(importer->id()));
  }
  auto* formatLabel = new QLabel(tr("F&ormat:"), step);
  formatLabel->setBuddy(format_);
  form->addRow(formatLabel, format_);

  name_ = new QLineEdit(step);
  name_->setObjectName(QStringLiteral("importName"));
  name_->setPlaceholderText(tr("the file name without its extension"));
  auto* nameLabel = new QLabel(tr("Dataset &name:"), step);
  nameLabel->setBuddy(name_);
  form->addRow(nameLabel, name_);

  fileProblem_ = new QLabel(step);
  fileProblem_->setObjectName(QStringLiteral("importFileProblem"));
  fileProblem_->setWordWrap(true);
  fileProblem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  form->addRow(fileProblem_);

  connect(file_, &QLineEdit::textChanged, step, [this, step](const QString& text) {
    name_->setPlaceholderText(text.isEmpty() ? tr("the file name without its extension")
                                             : QFileInfo(text).completeBaseName());
    fileProblem_->clear();
    step->changed();
  });
  connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), step,
          [this] { fileProblem_->clear(); });
  step->complete = [this] { return !file_->text().trimmed().isEmpty(); };
  step->validate = [this] { return validateFile(); };
  return step;
}

QWizardPage* ImportWizard::buildSchemaPage() {
  auto* step = new StepPage;
  step->setTitle(tr("Schema and column mapping"));
  step->setSubTitle(tr("Which field of each record fills which part of a training example."));
  auto* layout = new QVBoxLayout(step);
  schema_ = new QLabel(step);
  schema_->setObjectName(QStringLiteral("importSchema"));
  schema_->setWordWrap(true);
  schema_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(schema_);
  auto* form = new QFormLayout;
  kind_ = new QComboBox(step);
  kind_->setObjectName(QStringLiteral("importKind"));
  for (auto kind : kKinds) kind_->addItem(kindTitle(kind), static_cast<int>(kind));
  auto* kindLabel = new QLabel(tr("&Kind:"), step);
  kindLabel->setBuddy(kind_);
  form->addRow(kindLabel, kind_);
  layout->addLayout(form);
  slotForm_ = new QFormLayout;
  layout->addLayout(slotForm_);
  auto* keys = new QFormLayout;
  roleKey_ = new QLineEdit(QStringLiteral("role"), step);
  roleKey_->setObjectName(QStringLiteral("importRoleKey"));
  contentKey_ = new QLineEdit(QStringLiteral("content"), step);
  contentKey_->setObjectName(QStringLiteral("importContentKey"));
  auto* roleLabel = new QLabel(tr("Message &role key:"), step);
  roleLabel->setBuddy(roleKey_);
  auto* contentLabel = new QLabel(tr("Message &content key:"), step);
  contentLabel->setBuddy(contentKey_);
  keys->addRow(roleLabel, roleKey_);
  keys->addRow(contentLabel, contentKey_);
  layout->addLayout(keys);
  layout->addStretch(1);

  connect(kind_, qOverload<int>(&QComboBox::currentIndexChanged), step, [this, step] {
    rebuildSlots(static_cast<DatasetKind>(kind_->currentData().toInt()));
    step->changed();
  });
  step->onInit = [this] { inspect(); };
  step->complete = [this] {
    return inspected_ && inspection_.error.isEmpty() && mappingComplete();
  };
  return step;
}

QWizardPage* ImportWizard::buildPreviewPage() {
  auto* step = new StepPage;
  step->setTitle(tr("Preview"));
  step->setSubTitle(
      tr("The first rows as training examples, with the problem of any row that "
         "would not be imported."));
  step->setButtonText(QWizard::NextButton, tr("&Import"));
  auto* layout = new QVBoxLayout(step);
  previewSummary_ = new QLabel(step);
  previewSummary_->setObjectName(QStringLiteral("importPreviewSummary"));
  previewSummary_->setWordWrap(true);
  layout->addWidget(previewSummary_);
  preview_ = new QTableWidget(step);
  preview_->setObjectName(QStringLiteral("importPreview"));
  preview_->setAccessibleName(tr("Preview of the first rows"));
  preview_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  preview_->setWordWrap(false);
  preview_->verticalHeader()->setVisible(false);
  preview_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(preview_, 1);
  skipBadRows_ = new QCheckBox(tr("&Skip bad rows (store them as rejects and go on)"), step);
  skipBadRows_->setObjectName(QStringLiteral("importSkipBadRows"));
  skipBadRows_->setToolTip(
      tr("Without this, the first bad row stops the import and nothing is stored."));
  layout->addWidget(skipBadRows_);
  step->onInit = [this] { showPreview(); };
  return step;
}

QWizardPage* ImportWizard::buildImportPage() {
  auto* step = new StepPage;
  step->setTitle(tr("Import"));
  auto* layout = new QVBoxLayout(step);
  progress_ = new QProgressBar(step);
  progress_->setObjectName(QStringLiteral("importProgress"));
  layout->addWidget(progress_);
  importStatus_ = new QLabel(step);
  importStatus_->setObjectName(QStringLiteral("importStatus"));
  importStatus_->setWordWrap(true);
  importStatus_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(importStatus_);
  auto* buttons = new QHBoxLayout;
  retry_ = new QPushButton(step);
  retry_->setObjectName(QStringLiteral("importRetry"));
  connect(retry_, &QPushButton::clicked, this, &ImportWizard::importAgain);
  backToMapping_ = new QPushButton(tr("Change the &Mapping"), step);
  connect(backToMapping_, &QPushButton::clicked, this, [this] {
    if (isImporting()) return;
    back();
    back();
  });
  buttons->addWidget(retry_);
  buttons->addWidget(backToMapping_);
  buttons->addStretch(1);
  layout->addLayout(buttons);
  layout->addStretch(1);
  retry_->setVisible(false);
  backToMapping_->setVisible(false);
  step->onInit = [this] { startImport(); };
  step->complete = [this] { return succeeded_; };
  return step;
}

void ImportWizard::setFile(const QString& file) {
  file_->setText(file);
}

void ImportWizard::chooseFile() {
  const QString file = QFileDialog::getOpenFileName(
      this, tr("Import a Dataset"),
      QFileInfo(file_->text().isEmpty() ? projectFile_ : file_->text()).path(),
      tr("Datasets (*.jsonl *.ndjson *.json *.parquet *.csv *.tsv *.tab *.txt *.text *.md);;All "
         "files (*)"));
  if (!file.isEmpty()) setFile(QDir::toNativeSeparators(file));
}

std::shared_ptr<DatasetImporter> ImportWizard::chosenImporter(QString* problem) const {
  const QString id = format_->currentData().toString();
  const QString file = QDir::fromNativeSeparators(file_->text().trimmed());
  auto importer = id.isEmpty() ? plugins_.importerForFile(file.toStdString())
                               : plugins_.findImporter(id.toStdString());
  if (!importer)
    *problem =
        tr("No importer reads “.%1” files. Choose the format above.").arg(QFileInfo(file).suffix());
  return importer;
}

bool ImportWizard::validateFile() {
  const QString file = QDir::fromNativeSeparators(file_->text().trimmed());
  const QFileInfo info(file);
  QString problem;
  if (!info.exists())
    problem = tr("%1 does not exist. Check the path or choose the file with “…”.")
                  .arg(QDir::toNativeSeparators(file));
  else if (!info.isFile() || !info.isReadable())
    problem = tr("%1 is not a readable file.").arg(QDir::toNativeSeparators(file));
  auto importer = problem.isEmpty() ? chosenImporter(&problem) : nullptr;
  const QString name =
      name_->text().trimmed().isEmpty() ? info.completeBaseName() : name_->text().trimmed();
  if (problem.isEmpty() && takenNames_.contains(name))
    problem =
        tr("The project already has a dataset named “%1”. Type another dataset name.").arg(name);
  fileProblem_->setText(problem);
  if (!problem.isEmpty()) return false;
  if (importer != importer_ || inspectedFile_ != file) inspected_ = false;
  importer_ = importer;
  return true;
}

void ImportWizard::inspect() {
  const QString file = QDir::fromNativeSeparators(file_->text().trimmed());
  if (inspected_ && inspectedFile_ == file) return;
  inspected_ = false;
  inspectedFile_ = file;
  schema_->setText(tr("Reading the first records of %1…").arg(QDir::toNativeSeparators(file)));
  kind_->setEnabled(false);
  ImportOptions options;
  options.path = file.toStdString();
  options.settings = nlohmann::json::object();
  // A read still running for a file chosen before is left to end; its result is not shown.
  inspections_.run([importer = importer_, options] {
    return inspectImportFile(*importer, options, kSampleRecords);
  });
}

void ImportWizard::showInspection(const ImportInspection& inspection) {
  inspection_ = inspection;
  if (inspection_.file != inspectedFile_) return;  // the user chose another file meanwhile
  inspected_ = true;
  kind_->setEnabled(inspection_.error.isEmpty());
  QStringList fields;
  for (const auto& field : inspection_.guess.fields) fields << QString::fromStdString(field);
  const QString format = QString::fromStdString(importer_->displayName());
  if (!inspection_.error.isEmpty()) {
    schema_->setText(tr("The file cannot be read as %1: %2\n\nChoose another format on the first "
                        "page, or fix the file.")
                         .arg(format, inspection_.error));
  } else if (inspection_.guess.mapping) {
    const auto& mapping = *inspection_.guess.mapping;
    schema_->setText(tr("Format: %1. Detected kind: %2 (%3). Fields: %4.")
                         .arg(format, QString::fromLatin1(datasetKindName(mapping.kind)),
                              QString::fromStdString(inspection_.guess.reason),
                              fields.join(QStringLiteral(", "))));
    roleKey_->setText(QString::fromStdString(mapping.roleKey));
    contentKey_->setText(QString::fromStdString(mapping.contentKey));
    const int index = kind_->findData(static_cast<int>(mapping.kind));
    const QSignalBlocker blocker(kind_);
    kind_->setCurrentIndex(index);
    rebuildSlots(mapping.kind);
  } else {
    schema_->setText(tr("Format: %1. No known kind fits by itself (%2). Fields: %3.\nChoose the "
                        "kind and map its fields below.")
                         .arg(format, QString::fromStdString(inspection_.guess.reason),
                              fields.isEmpty() ? tr("none") : fields.join(QStringLiteral(", "))));
    rebuildSlots(static_cast<DatasetKind>(kind_->currentData().toInt()));
  }
  stepPage(this, SchemaPage)->changed();
  emit inspected();
}

void ImportWizard::rebuildSlots(DatasetKind kind) {
  while (slotForm_->rowCount() > 0) slotForm_->removeRow(0);
  slots_.clear();
  QStringList fields;
  for (const auto& field : inspection_.guess.fields) fields << QString::fromStdString(field);
  const auto& guess = inspection_.guess.mapping;
  const bool guessed = guess && guess->kind == kind;
  auto addSlot = [&](const std::string& slotName, bool optional) {
    auto* box = new QComboBox;
    box->setObjectName(QStringLiteral("importSlot_") + QString::fromStdString(slotName));
    box->setEditable(true);
    if (optional) box->addItem(QString());
    box->addItems(fields);
    QString chosen;
    if (guessed) {
      const auto found = guess->columns.find(slotName);
      if (found != guess->columns.end()) chosen = QString::fromStdString(found->second);
    } else if (fields.contains(QString::fromStdString(slotName))) {
      chosen = QString::fromStdString(slotName);
    }
    box->setCurrentText(chosen);
    connect(box, &QComboBox::currentTextChanged, this,
            [this] { stepPage(this, SchemaPage)->changed(); });
    const QString label =
        QString::fromStdString(slotName) + (optional ? tr(" (optional):") : QStringLiteral(":"));
    slotForm_->addRow(label, box);
    slots_.insert(QString::fromStdString(slotName), box);
  };
  for (const auto& slotName : ColumnMapping::requiredSlots(kind)) addSlot(slotName, false);
  for (const auto& slotName : ColumnMapping::optionalSlots(kind)) addSlot(slotName, true);
  const bool messages = kind == DatasetKind::Chat || kind == DatasetKind::Preference;
  roleKey_->setEnabled(messages);
  contentKey_->setEnabled(messages);
}

bool ImportWizard::mappingComplete() const {
  const auto kind = static_cast<DatasetKind>(kind_->currentData().toInt());
  for (const auto& slotName : ColumnMapping::requiredSlots(kind)) {
    const auto* box = slots_.value(QString::fromStdString(slotName));
    if (!box || box->currentText().trimmed().isEmpty()) return false;
  }
  return true;
}

ColumnMapping ImportWizard::mapping() const {
  ColumnMapping mapping;
  mapping.kind = static_cast<DatasetKind>(kind_->currentData().toInt());
  for (auto it = slots_.cbegin(); it != slots_.cend(); ++it) {
    const QString field = it.value()->currentText().trimmed();
    if (!field.isEmpty()) mapping.columns[it.key().toStdString()] = field.toStdString();
  }
  mapping.roleKey = roleKey_->text().trimmed().toStdString();
  mapping.contentKey = contentKey_->text().trimmed().toStdString();
  // ShareGPT role names detected in the file stay translated.
  if (inspection_.guess.mapping && inspection_.guess.mapping->kind == mapping.kind)
    mapping.roleNames = inspection_.guess.mapping->roleNames;
  return mapping;
}

void ImportWizard::showPreview() {
  const auto rows = previewRows(inspection_, mapping(), kPreviewRows);
  QStringList columns{tr("line")};
  for (const auto& row : rows)
    for (const auto& [field, value] : row.fields)
      if (!columns.contains(field)) columns << field;
  columns << tr("problem");
  preview_->clear();
  preview_->setColumnCount(columns.size());
  preview_->setHorizontalHeaderLabels(columns);
  preview_->setRowCount(static_cast<int>(rows.size()));
  int bad = 0;
  QStringList badLines;
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    const auto& row = rows[static_cast<size_t>(r)];
    preview_->setItem(r, 0, new QTableWidgetItem(QString::number(row.line)));
    for (const auto& [field, value] : row.fields) {
      QString shown = value.left(300);
      shown.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
      auto* item = new QTableWidgetItem(shown);
      item->setToolTip(value);
      preview_->setItem(r, static_cast<int>(columns.indexOf(field)), item);
    }
    if (!row.problem.isEmpty()) {
      ++bad;
      badLines << QString::number(row.line);
      auto* item = new QTableWidgetItem(row.problem);
      item->setToolTip(row.problem);
      preview_->setItem(r, static_cast<int>(columns.size() - 1), item);
    }
  }
  preview_->resizeColumnToContents(0);
  QString summary =
      tr("%n row(s) shown as they will be stored", nullptr, static_cast<int>(rows.size()));
  if (bad > 0)
    summary += tr("; %n of them would not be imported (line %1). Fix the mapping, or skip bad "
                  "rows below.",
                  nullptr, bad)
                   .arg(badLines.join(QStringLiteral(", ")));
  else
    summary += QStringLiteral(".");
  previewSummary_->setText(summary);
}

void ImportWizard::startImport() {
  if (isImporting()) return;
  succeeded_ = false;
  importError_.clear();
  *result_ = {};
  retry_->setVisible(false);
  backToMapping_->setVisible(false);
  progress_->setRange(0, 0);
  const QString file = QDir::fromNativeSeparators(file_->text().trimmed());
  store::ProjectImportRequest request;
  request.options.path = file.toStdString();
  request.options.skipBadRows = skipBadRows_->isChecked();
  request.options.settings = nlohmann::json::object();
  request.mapping = mapping();
  request.name = name_->text().trimmed().toStdString();
  const QString name = name_->text().trimmed().isEmpty() ? QFileInfo(file).completeBaseName()
                                                         : name_->text().trimmed();
  importStatus_->setText(tr("Importing %1 as “%2”…").arg(QDir::toNativeSeparators(file), name));
  auto job = std::make_unique<ProjectStoreJob>(
      "import " + QFileInfo(file).fileName().toStdString(), projectFile_.toStdString(),
      [importer = importer_, request, result = result_](store::ProjectStore& project,
                                                        JobContext& context) {
        *result = store::importIntoProject(project, *importer, request, context);
      });
  runner_ = startJob_(std::move(job));
  if (!runner_) {
    importStatus_->setText(tr("The import could not be started."));
    return;
  }
  connect(runner_, &JobRunner::progressChanged, this, [this] {
    if (!runner_) return;
    const auto now = runner_->progress();
    if (now.total > 0) {
      progress_->setRange(0, 1000);
      progress_->setValue(static_cast<int>(1000.0 * double(now.done) / double(now.total)));
    }
  });
  connect(runner_, &JobRunner::finished, this, &ImportWizard::importEnded);
  stepPage(this, ImportPage)->changed();
}

void ImportWizard::importEnded() {
  auto* runner = runner_.data();
  runner_ = nullptr;
  progress_->setRange(0, 1);
  const bool skipped = skipBadRows_->isChecked();
  if (runner->outcome() == JobRunner::Outcome::Succeeded && !result_->canceled) {
    succeeded_ = true;
    progress_->setValue(1);
    QString text =
        tr("Imported %n row(s) as version 1 of dataset", nullptr,
           static_cast<int>(result_->records)) +
        QStringLiteral(" “%1” (%2).")
            .arg(name_->text().trimmed().isEmpty() ? QFileInfo(file_->text()).completeBaseName()
                                                   : name_->text().trimmed(),
                 QString::fromLatin1(datasetKindName(result_->mapping.kind)));
    if (result_->rejects > 0)
      text += QStringLiteral(" ") + tr("%n bad row(s) were skipped and stored as rejects.", nullptr,
                                       static_cast<int>(result_->rejects));
    importStatus_->setText(text);
  } else if (runner->outcome() == JobRunner::Outcome::Failed) {
    progress_->setValue(0);
    importError_ = runner->errorText();
    importStatus_->setText(tr("The import stopped and nothing was stored:\n%1").arg(importError_) +
                           (skipped ? QString()
                                    : tr("\n\nFix the file, or skip bad rows: they are stored as "
                                         "rejects and counted.")));
    retry_->setText(skipped ? tr("Import &Again") : tr("Skip Bad Rows and Import &Again"));
    retry_->setVisible(true);
    backToMapping_->setVisible(true);
  } else {
    progress_->setValue(0);
    importStatus_->setText(tr("The import was canceled; nothing was stored."));
    retry_->setText(tr("Import &Again"));
    retry_->setVisible(true);
    backToMapping_->setVisible(true);
  }
  stepPage(this, ImportPage)->changed();
  emit importFinished(succeeded_);
}

void ImportWizard::importAgain() {
  if (isImporting()) return;
  if (!importError_.isEmpty()) skipBadRows_->setChecked(true);
  startImport();
}

void ImportWizard::reject() {
  if (runner_) runner_->cancel();  // nothing is stored by a canceled import
  QWizard::reject();
}

}  // namespace tunebench::ui
