#include "data/DatasetProfileView.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "data/ProfileCharts.h"
#include "jobs/BasicJobContext.h"

namespace tunebench::ui {

namespace {

QString percent(double share) {
  return QStringLiteral("%1%").arg(100.0 * share, 0, 'f', 1);
}

// Columns of the imported file that the mapping leaves out, so a user sees that a column with
// data is not used for training (and is not counted among the empty fields).
QString describeUnusedFields(const std::map<std::string, size_t>& fields) {
  QStringList parts;
  for (const auto& [field, withValue] : fields)
    parts << (withValue == 0 ? QObject::tr("%1 (always empty)").arg(QString::fromStdString(field))
                             : QObject::tr("%1 (%2 with a value)")
                                   .arg(QString::fromStdString(field))
                                   .arg(withValue));
  return QObject::tr("Not used by the column mapping: %1").arg(parts.join(QStringLiteral(", ")));
}

}  // namespace

DatasetProfileView::DatasetProfileView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("datasetProfileView"));
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("profileSummary"));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  top->addWidget(summary_, 1);
  busy_ = new QProgressBar(this);
  busy_->setRange(0, 0);
  busy_->setMaximumWidth(160);
  busy_->setAccessibleName(tr("Profiling"));
  busy_->hide();
  top->addWidget(busy_);
  layout->addLayout(top);
  note_ = new QLabel(this);
  note_->setObjectName(QStringLiteral("profileNote"));
  note_->setWordWrap(true);
  note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(note_);

  histogram_ = new LengthHistogramChart(this);
  labels_ = new LabelDistributionChart(this);
  auto* charts = new QSplitter(Qt::Horizontal, this);
  charts->addWidget(histogram_);
  charts->addWidget(labels_);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 2);

  fields_ = new QTableWidget(0, 9, this);
  fields_->setObjectName(QStringLiteral("profileFields"));
  fields_->setAccessibleName(tr("Length of each field"));
  fields_->setHorizontalHeaderLabels({tr("Field"), tr("Unit"), tr("Count"), tr("Min"), tr("Mean"),
                                      tr("P50"), tr("P90"), tr("P99"), tr("Max")});
  fields_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  fields_->setSelectionBehavior(QAbstractItemView::SelectRows);
  fields_->verticalHeader()->setVisible(false);
  fields_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  fields_->horizontalHeader()->setStretchLastSection(false);

  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(charts);
  split->addWidget(fields_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);

  // Setters called one after another start one computation.
  restartTimer_.setSingleShot(true);
  restartTimer_.setInterval(0);
  connect(&restartTimer_, &QTimer::timeout, this, &DatasetProfileView::start);
  clear(tr("Open a project and choose a dataset to profile it."));
}

// A computation still running is canceled and ends on its worker, unshown.
DatasetProfileView::~DatasetProfileView() = default;

void DatasetProfileView::setProject(const QString& projectFile, bool /*readOnly*/) {
  // The profile only reads: a read-only project is profiled like any other.
  if (projectFile == request_.projectFile) return;
  request_.projectFile = projectFile;
  request_.datasetId = 0;
  restart();
}

void DatasetProfileView::setDataset(qint64 datasetId, int version) {
  request_.datasetId = datasetId;
  request_.versionNumber = version;
  restart();
}

void DatasetProfileView::setModelFolder(const QString& folder) {
  if (folder == request_.modelFolder) return;
  request_.modelFolder = folder;
  restart();
}

void DatasetProfileView::setMaxLength(int tokens) {
  if (tokens == request_.maxLength) return;
  request_.maxLength = std::max(0, tokens);
  restart();
}

void DatasetProfileView::restart() {
  profiles_.clear();  // cancels a running computation, whose result is not shown
  ++key_;
  restartTimer_.start();
}

void DatasetProfileView::start() {
  if (request_.projectFile.isEmpty() || request_.datasetId <= 0) {
    busy_->hide();
    clear(request_.projectFile.isEmpty() ? tr("Open a project and choose a dataset to profile it.")
                                         : tr("Choose a dataset to profile it."));
    return;
  }
  auto context = std::make_shared<BasicJobContext>();
  busy_->show();
  summary_->setText(tr("Profiling…"));
  request_.bins = kBins;
  // Starts once a canceled computation still running has returned.
  profiles_.run(
      [request = request_, key = key_, context] { return computeProfile(request, key, *context); },
      [context] { context->cancel(); });
}

void DatasetProfileView::onFinished(const ProfileOutcome& outcome) {
  if (outcome.key != key_) return;  // the inputs changed meanwhile: a newer one runs
  busy_->hide();
  if (!outcome.error.isEmpty()) {
    const QString message = tr("Could not profile the dataset: %1").arg(outcome.error);
    clear(message);
    emit failed(tr("Dataset Profile"), message);
    return;
  }
  showOutcome(outcome);
}

void DatasetProfileView::clear(const QString& message) {
  shown_ = {};
  summary_->setText(message);
  note_->clear();
  histogram_->clearChart(QString());
  labels_->clearChart(QString());
  fields_->setRowCount(0);
}

void DatasetProfileView::showOutcome(const ProfileOutcome& outcome) {
  shown_ = outcome;
  const auto& p = outcome.profile;
  QString summary = tr("%1: %2 records (%3) · %4 exact duplicates · %5 empty fields")
                        .arg(describeVersion(outcome.version))
                        .arg(p.examples)
                        .arg(QString::fromLatin1(datasetKindName(p.kind)))
                        .arg(p.exactDuplicates)
                        .arg(p.emptyFields);
  // The optional input apart: all empty means the data has no input field at all.
  if (p.kind == DatasetKind::Instruction && p.emptyInputs == p.examples && p.examples > 0)
    summary += tr(" · no input field");
  else if (p.emptyInputs > 0)
    summary += tr(" · %1 without an input (optional)").arg(p.emptyInputs);
  if (!p.unusedFields.empty()) summary += QLatin1Char('\n') + describeUnusedFields(p.unusedFields);
  summary_->setText(summary);
  QString note;
  if (outcome.tokens) {
    const auto& t = *outcome.tokens;
    const QString cut = tr("%1 truncated at %2 tokens (%3 of %4)")
                            .arg(percent(t.truncatedShare))
                            .arg(t.maxLength)
                            .arg(t.truncated)
                            .arg(t.examples);
    histogram_->showHistogram(
        t.training.histogram,
        tr("Training text in tokens (%1, template %2)")
            .arg(QString::fromStdString(t.objective), QString::fromStdString(t.preset)),
        tr("tokens"), double(t.maxLength), cut);
    note = tr("Tokens counted with %1.").arg(QDir::toNativeSeparators(outcome.tokenizerFile));
    if (t.withoutLoss)
      note += QLatin1Char(' ') + tr("%n example(s) lose every token that carries loss when cut.",
                                    nullptr, int(t.withoutLoss));
    if (t.countedInPart)
      note += QLatin1Char(' ') + tr("%n example(s) so long that their tokens were counted up to "
                                    "%1 (4 × the max length).",
                                    nullptr, int(t.countedInPart))
                                     .arg(4 * t.maxLength);
  } else {
    const auto all = p.tokens.find("all");
    if (all != p.tokens.end())
      histogram_->showHistogram(all->second.histogram, tr("Joined text in words"), tr("words"), 0,
                                QString());
    else
      histogram_->clearChart(tr("No records"));
    note = outcome.tokenizerError.isEmpty()
               ? tr("Token lengths need a model: choose a model folder to count tokens and see "
                    "how many examples the maximum length would cut. Shown: words and "
                    "characters.")
               : tr("The model's tokenizer could not be used (%1); shown: words and characters.")
                     .arg(outcome.tokenizerError);
  }
  note_->setText(note);
  // Only classification data has labels to chart.
  labels_->setVisible(!p.labels.empty());
  if (!p.labels.empty())
    labels_->showLabels(p.labels, p.imbalanceRatio);
  else
    labels_->clearChart(QString());
  fillFieldTable(outcome);
  emit profileShown();
}

void DatasetProfileView::fillFieldTable(const ProfileOutcome& outcome) {
  struct Row {
    QString field, unit;
    const LengthStats* stats;
  };
  QVector<Row> rows;
  auto add = [&](const std::map<std::string, LengthStats>& map, const QString& unit) {
    for (const auto& [field, stats] : map)
      rows.append(
          {field == "all" ? tr("(joined text)") : QString::fromStdString(field), unit, &stats});
  };
  add(outcome.profile.characters, tr("characters"));
  add(outcome.profile.tokens, tr("words"));
  if (outcome.tokens) {
    add(outcome.tokens->fields, tr("tokens"));
    rows.append({tr("(training text)"), tr("tokens"), &outcome.tokens->training});
    rows.append({tr("(tokens with loss)"), tr("tokens"), &outcome.tokens->lossTokens});
  }
  fields_->setRowCount(int(rows.size()));
  for (int r = 0; r < rows.size(); ++r) {
    const auto& s = *rows[r].stats;
    const QStringList cells = {rows[r].field,
                               rows[r].unit,
                               QString::number(s.count),
                               QString::number(s.min),
                               QString::number(s.mean, 'f', 1),
                               QString::number(s.p50),
                               QString::number(s.p90),
                               QString::number(s.p99),
                               QString::number(s.max)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (c >= 2) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      fields_->setItem(r, c, item);
    }
  }
}

QString DatasetProfileView::summaryText() const {
  return summary_->text();
}

QString DatasetProfileView::noteText() const {
  return note_->text();
}

}  // namespace tunebench::ui
