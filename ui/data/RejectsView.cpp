#include "data/RejectsView.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "jobs/JobRunner.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

namespace {

// Reads through its own read-only connection, so that a read-only project exports too.
class ExportRejectsJob : public Job {
 public:
  ExportRejectsJob(std::string projectFile, qint64 versionId, std::string out)
      : projectFile_(std::move(projectFile)), versionId_(versionId), out_(std::move(out)) {}
  std::string name() const override { return "export rejects"; }
  void run(JobContext& context) override {
    store::OpenOptions options;
    options.readOnly = true;
    auto project = store::ProjectStore::open(projectFile_, options);
    written_ = store::exportVersionRejects(project, versionId_, out_, context);
  }
  qint64 written() const { return written_; }

 private:
  std::string projectFile_;
  qint64 versionId_;
  std::string out_;
  qint64 written_ = 0;
};

// A rejected row can be megabytes long: the cell and the tooltip show its start.
constexpr int kCellChars = 500;
constexpr int kToolTipChars = 4000;

QString cut(const QString& text, int chars) {
  return text.size() <= chars ? text : text.left(chars) + QStringLiteral("…");
}

// Raw text on one line of the table; more of it in the tooltip.
QString oneLine(const QString& text) {
  QString line = cut(text, kCellChars);
  line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
  line.replace(QLatin1Char('\r'), QString());
  return line;
}

}  // namespace

RejectsView::RejectsView(StartJob startJob, QWidget* parent)
    : QWidget(parent), startJob_(std::move(startJob)) {
  setObjectName(QStringLiteral("rejectsView"));
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("rejectsSummary"));
  summary_->setWordWrap(true);
  top->addWidget(summary_, 1);
  export_ = new QPushButton(tr("E&xport Rejects…"), this);
  export_->setObjectName(QStringLiteral("exportRejects"));
  export_->setToolTip(
      tr("Write every rejected row as JSON Lines (line, problem, raw text), to repair them and "
         "import the file again"));
  connect(export_, &QPushButton::clicked, this, &RejectsView::chooseExportFile);
  top->addWidget(export_);
  layout->addLayout(top);
  table_ = new QTableWidget(0, 3, this);
  table_->setObjectName(QStringLiteral("rejectsTable"));
  table_->setAccessibleName(tr("Rejected rows"));
  table_->setHorizontalHeaderLabels({tr("Line"), tr("Problem"), tr("Raw text")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setWordWrap(false);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(1, 320);
  layout->addWidget(table_, 1);
  setVersion({}, 0, 0);
}

void RejectsView::setVersion(const QString& projectFile, qint64 versionId, qint64 count) {
  if (projectFile == projectFile_ && versionId == versionId_ && table_->rowCount() > 0) return;
  projectFile_ = projectFile;
  versionId_ = versionId;
  reads_.clear();
  table_->setRowCount(0);
  export_->setEnabled(false);
  if (projectFile.isEmpty() || versionId <= 0) {
    summary_->setText(tr("Choose a dataset version to see the rows its import skipped."));
    return;
  }
  if (count == 0) {
    summary_->setText(tr("No rows were rejected when this version was made."));
    emit rejectsShown();
    return;
  }
  summary_->setText(tr("Reading the rejected rows…"));
  reads_.run([file = projectFile, versionId] {
    return readProject<store::VersionRejects>(file, versionId, [versionId](const std::string& f) {
      return store::readVersionRejects(f, versionId, kShownRejects);
    });
  });
}

void RejectsView::showRejects(const RejectsRead& read) {
  if (read.projectFile != projectFile_ || read.key != versionId_) return;
  if (!read.error.isEmpty()) {
    summary_->setText(tr("Could not read the rejected rows: %1").arg(read.error));
    return;
  }
  const auto& rejects = read.value.rejects;
  table_->setRowCount(static_cast<int>(rejects.size()));
  for (int row = 0; row < table_->rowCount(); ++row) {
    const auto& reject = rejects[static_cast<size_t>(row)];
    auto* line = new QTableWidgetItem;
    line->setData(Qt::DisplayRole, QVariant::fromValue<qlonglong>(reject.line));
    table_->setItem(row, 0, line);
    auto* problem = new QTableWidgetItem(QString::fromStdString(reject.reason));
    problem->setToolTip(problem->text());
    table_->setItem(row, 1, problem);
    const QString text = QString::fromStdString(reject.raw);
    auto* raw = new QTableWidgetItem(oneLine(text));
    raw->setToolTip(cut(text, kToolTipChars));
    table_->setItem(row, 2, raw);
  }
  const QLocale locale;
  const qint64 total = read.value.total;
  summary_->setText(
      total > static_cast<qint64>(rejects.size())
          ? tr("%1 rows were rejected at import; the first %2 are shown. Export writes them all.")
                .arg(locale.toString(total), locale.toString(static_cast<qint64>(rejects.size())))
          : tr("%n row(s) were rejected at import: the line, the problem and the raw text.",
               nullptr, static_cast<int>(total)));
  export_->setEnabled(total > 0);
  emit rejectsShown();
}

void RejectsView::chooseExportFile() {
  const QString file = QFileDialog::getSaveFileName(
      this, tr("Export Rejects"), QDir::home().filePath(QStringLiteral("rejects.jsonl")),
      tr("JSON Lines (*.jsonl)"));
  if (!file.isEmpty()) exportTo(file);
}

bool RejectsView::exportTo(const QString& file) {
  if (projectFile_.isEmpty() || versionId_ <= 0) {
    emit failed(tr("Export Rejects"), tr("Choose a dataset version first."));
    return false;
  }
  auto job = std::make_unique<ExportRejectsJob>(projectFile_.toStdString(), versionId_,
                                                QDir::fromNativeSeparators(file).toStdString());
  auto* runner = startJob_(std::move(job));
  if (!runner) return false;
  connect(runner, &JobRunner::finished, this, [this, runner, file] {
    if (runner->outcome() == JobRunner::Outcome::Failed)
      emit failed(tr("Export Rejects"), runner->errorText());
    else if (runner->outcome() == JobRunner::Outcome::Succeeded)
      emit exported(file, static_cast<const ExportRejectsJob&>(runner->job()).written());
  });
  return true;
}

QString RejectsView::summaryText() const {
  return summary_->text();
}

}  // namespace tunebench::ui
