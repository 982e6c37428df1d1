#include "model/ModelDescriptionView.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "model/MemoryEstimate.h"
#include "model/ModelDescription.h"

namespace tunebench::ui {

namespace {

QString bytes(double value) {
  return QString::fromStdString(formatBytes(value));
}

QString count(int64_t value) {
  return QStringLiteral("%L1").arg(static_cast<qlonglong>(value));
}

QString specialTokensText(const ModelDescription& d) {
  QStringList parts;
  for (const auto& token : d.specialTokens) {
    const QString text =
        token.text.empty() ? QObject::tr("(no text)") : QString::fromStdString(token.text);
    const QString id = token.id ? QString::number(*token.id) : QObject::tr("unknown id");
    parts << QStringLiteral("%1 %2 = %3").arg(QString::fromStdString(token.role), text, id);
  }
  return parts.isEmpty() ? QObject::tr("none declared") : parts.join(QStringLiteral(", "));
}

}  // namespace

ModelDescriptionView::ModelDescriptionView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  problems_ = new QLabel(this);
  problems_->setObjectName(QStringLiteral("modelProblems"));
  // Paths and token texts such as "<s>" are shown as they are, never as markup.
  problems_->setTextFormat(Qt::PlainText);
  problems_->setWordWrap(true);
  problems_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  problems_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problems_->setVisible(false);
  layout->addWidget(problems_);

  auto* factsGroup = new QGroupBox(tr("Model"), this);
  factsBox_ = factsGroup;
  facts_ = new QFormLayout(factsGroup);
  layout->addWidget(factsGroup);

  auto* memoryGroup = new QGroupBox(
      tr("Memory estimate (weights, gradients and AdamW states; activations come on top and "
         "grow with batch size and sequence length)"),
      this);
  memoryBox_ = memoryGroup;
  auto* memoryLayout = new QVBoxLayout(memoryGroup);
  memory_ = new QTableWidget(0, 4, memoryGroup);
  memory_->setObjectName(QStringLiteral("memoryTable"));
  memory_->setHorizontalHeaderLabels(
      {tr("What"), tr("Memory"), tr("Trainable parameters"), tr("Assumptions")});
  memory_->horizontalHeader()->setStretchLastSection(true);
  memory_->verticalHeader()->setVisible(false);
  memory_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  memory_->setSelectionBehavior(QAbstractItemView::SelectRows);
  memory_->setAccessibleName(tr("Memory estimate"));
  memoryLayout->addWidget(memory_);
  layout->addWidget(memoryGroup, 1);
  // Without the memory table (a folder with problems), the room left stays below the facts.
  layout->addStretch(0);
  clear();
}

void ModelDescriptionView::setFact(const QString& key, const QString& value) {
  auto* label = values_.value(key);
  if (!label) {
    label = new QLabel(factsBox_);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setWordWrap(true);
    facts_->addRow(key + QLatin1Char(':'), label);
    values_.insert(key, label);
    order_ << key;
  }
  label->setText(value);
}

QString ModelDescriptionView::fact(const QString& key) const {
  const auto* label = values_.value(key);
  return label ? label->text() : QString();
}

QString ModelDescriptionView::problemsText() const {
  return problems_->isVisibleTo(this) ? problems_->text() : QString();
}

void ModelDescriptionView::clear() {
  while (facts_->rowCount() > 0) facts_->removeRow(0);
  values_.clear();
  order_.clear();
  problems_->clear();
  problems_->setVisible(false);
  memory_->setRowCount(0);
  memoryBox_->setVisible(false);
}

void ModelDescriptionView::showDescription(const ModelDescription& d) {
  clear();
  if (!d.problems.empty()) {
    QString text = tr("This folder cannot be used yet:");
    for (const auto& problem : d.problems)
      text += QStringLiteral("\n• ") + QString::fromStdString(problem);
    problems_->setText(text);
    problems_->setVisible(true);
  }
  setFact(tr("Folder"), QString::fromStdString(d.folder));
  if (d.config) {
    const auto& c = *d.config;
    setFact(tr("Architecture"),
            c.languageModelOf.empty()
                ? QString::fromStdString(c.architecture)
                : tr("%1 (the language model of %2; its vision tower is not loaded)")
                      .arg(QString::fromStdString(c.architecture),
                           QString::fromStdString(c.languageModelOf)));
    setFact(tr("Parameters"), count(c.parameterCount()));
    setFact(tr("Layers"), QString::number(c.numLayers));
    setFact(tr("Hidden size"),
            tr("%1 (intermediate %2)").arg(c.hiddenSize).arg(c.intermediateSize));
    setFact(tr("Attention heads"), tr("%1 (head dim %2)").arg(c.numHeads).arg(c.headDim));
    setFact(tr("Key/value heads"), QString::number(c.numKeyValueHeads));
    setFact(tr("Vocabulary"), count(c.vocabSize));
    setFact(tr("Max positions"), count(c.maxPositions));
    setFact(tr("Config dtype"), QString::fromStdString(c.torchDtype));
  }
  if (!d.dtypeElements.empty()) {
    QStringList dtypes;
    for (const auto& [dtype, elements] : d.dtypeElements)
      dtypes << tr("%1 (%2 values)")
                    .arg(QString::fromStdString(dtype), count(static_cast<int64_t>(elements)));
    setFact(tr("Weights"), tr("%n file(s), %1: %2", nullptr, static_cast<int>(d.checkpointFiles))
                               .arg(bytes(static_cast<double>(d.checkpointBytes)),
                                    dtypes.join(QStringLiteral(", "))));
  }
  setFact(tr("Tokenizer"),
          d.tokenizerType.empty() ? tr("none found") : QString::fromStdString(d.tokenizerType));
  setFact(tr("Special tokens"), specialTokensText(d));
  setFact(tr("Chat template"), d.hasChatTemplate ? tr("in tokenizer_config.json")
                                                 : tr("none (a built-in preset will be offered)"));
  if (!d.chatSample.empty())
    setFact(tr("Chat sample (%1)").arg(QString::fromStdString(d.chatSampleSource)),
            QString::fromStdString(d.chatSample));
  if (!d.sha256.empty()) setFact(tr("Fingerprint (SHA-256)"), QString::fromStdString(d.sha256));

  if (!d.config) return;
  memoryBox_->setVisible(true);
  const auto estimate = estimateMemory(*d.config);
  auto addRow = [this](const QString& what, double total, const QString& trainable,
                       const QString& assumptions) {
    const int row = memory_->rowCount();
    memory_->insertRow(row);
    memory_->setItem(row, 0, new QTableWidgetItem(what));
    auto* memory = new QTableWidgetItem(bytes(total));
    memory->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    memory_->setItem(row, 1, memory);
    memory_->setItem(row, 2, new QTableWidgetItem(trainable));
    auto* note = new QTableWidgetItem(assumptions);
    note->setToolTip(assumptions);
    memory_->setItem(row, 3, note);
  };
  addRow(tr("Weights fp32"), estimate.fp32Bytes, {}, tr("4 bytes per parameter"));
  addRow(tr("Weights bf16"), estimate.bf16Bytes, {}, tr("2 bytes per parameter"));
  addRow(tr("Weights NF4"), estimate.nf4Bytes, {},
         tr("4-bit blocks of 64 with double-quantised scales; embeddings in bf16"));
  for (const auto& method : estimate.training)
    addRow(tr("Training: %1").arg(QString::fromStdString(method.method)), method.totalBytes(),
           count(method.trainableParameters), QString::fromStdString(method.assumptions));
  memory_->resizeColumnsToContents();
  memory_->resizeRowsToContents();
  // Tall enough for every row: the table is short and scrolling it hides the answer.
  int height = memory_->horizontalHeader()->height() + 2 * memory_->frameWidth();
  for (int row = 0; row < memory_->rowCount(); ++row) height += memory_->rowHeight(row);
  memory_->setMinimumHeight(height);
}

}  // namespace tunebench::ui
