#include "data/DatasetVersionsView.h"

#include <QHeaderView>
#include <QLocale>

namespace tunebench::ui {

namespace {

constexpr int kDatasetRole = Qt::UserRole;
constexpr int kNumberRole = Qt::UserRole + 1;

QString splitText(const VersionSummary& version) {
  QStringList parts;
  for (const auto& [name, count] : version.splitCounts)
    parts << QStringLiteral("%1 %2").arg(name.isEmpty() ? QObject::tr("none") : name).arg(count);
  return parts.join(QStringLiteral(", "));
}

}  // namespace

DatasetVersionsView::DatasetVersionsView(QWidget* parent) : QTreeWidget(parent) {
  setObjectName(QStringLiteral("datasetVersions"));
  setAccessibleName(tr("Datasets and versions"));
  setColumnCount(kColumns);
  setHeaderLabels({tr("Version"), tr("Parent"), tr("Made by"), tr("Rows"), tr("Date")});
  setRootIsDecorated(true);
  setUniformRowHeights(true);
  setSelectionMode(QAbstractItemView::SingleSelection);
  header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  // Dataset rows span the columns, so the version column stays as narrow as "v12".
  header()->setSectionResizeMode(kVersion, QHeaderView::Interactive);
  header()->setStretchLastSection(true);
  connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (!item) return;
    const qint64 number = item->data(0, kNumberRole).toLongLong();
    if (number > 0) emit versionSelected(item->data(0, kDatasetRole).toLongLong(), number);
  });
}

void DatasetVersionsView::setCatalog(const DatasetCatalog& catalog) {
  const qint64 dataset = selectedDataset();
  const qint64 number = selectedVersion();
  {
    const QSignalBlocker blocker(this);
    clear();
    const QLocale locale;
    for (const auto& d : catalog.datasets) {
      auto* top = new QTreeWidgetItem(this);
      top->setText(kVersion, QStringLiteral("%1 (%2)").arg(d.name, d.kind));
      top->setToolTip(kVersion,
                      d.problem.isEmpty()
                          ? tr("%1, imported from %2").arg(d.name, d.source)
                          : tr("%1, imported from %2: %3").arg(d.name, d.source, d.problem));
      top->setData(0, kDatasetRole, d.id);
      top->setFirstColumnSpanned(true);
      for (const auto& v : d.versions) {
        auto* item = new QTreeWidgetItem(top);
        item->setText(kVersion, tr("v%1").arg(v.number));
        item->setText(kParent, v.parentNumber > 0 ? tr("v%1").arg(v.parentNumber) : QString());
        item->setText(kMadeBy, v.madeBy);
        item->setText(kRows, locale.toString(v.rows));
        item->setTextAlignment(kRows, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(kDate, v.created.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        item->setToolTip(kDate, locale.toString(v.created, QLocale::LongFormat));
        QString tip = tr("Version %1 of %2: %3 rows").arg(v.number).arg(d.name).arg(v.rows);
        if (v.rejects > 0) tip += tr(", %1 rejected rows stored").arg(v.rejects);
        if (v.hasSplit) tip += tr("; split: %1").arg(splitText(v));
        if (!v.balance.isEmpty()) tip += tr("; balanced by %1").arg(v.balance);
        for (int c = 0; c < kDate; ++c) item->setToolTip(c, tip);
        item->setData(0, kDatasetRole, d.id);
        item->setData(0, kNumberRole, v.number);
      }
    }
    expandAll();
    setColumnWidth(kVersion,
                   2 * indentation() + fontMetrics().horizontalAdvance(QStringLiteral("v00000")));
  }
  if (dataset > 0 && number > 0) select(dataset, number);
}

bool DatasetVersionsView::select(qint64 datasetId, qint64 number) {
  for (int i = 0; i < topLevelItemCount(); ++i) {
    auto* top = topLevelItem(i);
    if (top->data(0, kDatasetRole).toLongLong() != datasetId) continue;
    for (int j = 0; j < top->childCount(); ++j) {
      auto* item = top->child(j);
      if (item->data(0, kNumberRole).toLongLong() == number) {
        setCurrentItem(item);
        return true;
      }
    }
  }
  return false;
}

qint64 DatasetVersionsView::selectedDataset() const {
  const auto* item = currentItem();
  return item ? item->data(0, kDatasetRole).toLongLong() : 0;
}

qint64 DatasetVersionsView::selectedVersion() const {
  const auto* item = currentItem();
  return item ? item->data(0, kNumberRole).toLongLong() : 0;
}

}  // namespace tunebench::ui
