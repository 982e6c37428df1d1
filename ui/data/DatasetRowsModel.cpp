#include "data/DatasetRowsModel.h"

#include <algorithm>

namespace tunebench::ui {

namespace {

constexpr int kToolTipChars = 20000;

// One line of at most kDisplayChars characters: the view elides the rest at its edge.
QString displayText(const QString& text) {
  QString line = text.left(DatasetRowsModel::kDisplayChars + 1);
  line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
  line.replace(QLatin1Char('\r'), QLatin1Char(' '));
  line.replace(QLatin1Char('\t'), QLatin1Char(' '));
  if (text.size() > DatasetRowsModel::kDisplayChars)
    line = line.left(DatasetRowsModel::kDisplayChars) + QStringLiteral("…");
  return line;
}

}  // namespace

DatasetRowsModel::DatasetRowsModel(QObject* parent) : QAbstractTableModel(parent) {}

DatasetRowsModel::~DatasetRowsModel() {
  // The reader waits for the page it is reading; watchers go with this object.
  reader_.reset();
}

void DatasetRowsModel::setProject(const QString& projectFile) {
  if (projectFile == projectFile_) return;
  clear();
  projectFile_ = projectFile;
  reader_.reset();
  if (!projectFile_.isEmpty()) reader_ = std::make_unique<RowPageReader>(projectFile_);
}

void DatasetRowsModel::clear() {
  beginResetModel();
  ++generation_;
  pages_.clear();
  recent_.clear();
  inFlight_.clear();
  waiting_.clear();
  versionId_ = 0;
  pendingVersion_ = 0;
  rows_ = 0;
  hasSplit_ = false;
  fields_.clear();
  pagesRead_ = 0;
  endResetModel();
}

void DatasetRowsModel::setVersion(qint64 versionId, qint64 rows, bool hasSplit,
                                  const QStringList& fieldOrder) {
  clear();
  fieldOrder_ = fieldOrder;
  if (!reader_ || versionId <= 0) return;
  pendingVersion_ = versionId;
  rows_ = 0;
  hasSplit_ = hasSplit;
  // The first page names the columns; the rows appear with it.
  pendingRows_ = rows;
  start(0);
}

int DatasetRowsModel::heldRows() const {
  int held = 0;
  for (const auto& page : pages_) held += static_cast<int>(page.size());
  return held;
}

bool DatasetRowsModel::isRowLoaded(int row) const {
  const auto found = pages_.constFind(row / kPageRows);
  return found != pages_.constEnd() && static_cast<size_t>(row % kPageRows) < found->size();
}

QString DatasetRowsModel::fullText(int row, int column) const {
  if (!isRowLoaded(row)) return {};
  const auto& cells = pages_[row / kPageRows][static_cast<size_t>(row % kPageRows)];
  if (hasSplit_) {
    if (column == 0) return cells.split;
    --column;
  }
  return column >= 0 && column < cells.values.size() ? cells.values[column] : QString();
}

const RowCells* DatasetRowsModel::cells(int row) const {
  const int page = row / kPageRows;
  const auto found = pages_.constFind(page);
  if (found == pages_.constEnd()) {
    request(page);
    return nullptr;
  }
  if (recent_.front() != page) {
    recent_.remove(page);
    recent_.push_front(page);
  }
  const size_t offset = static_cast<size_t>(row % kPageRows);
  return offset < found->size() ? &(*found)[offset] : nullptr;
}

void DatasetRowsModel::request(int page) const {
  if (pages_.contains(page) || inFlight_.contains(page)) return;
  if (inFlight_.size() < kMaxInFlight) {
    start(page);
    return;
  }
  // Scrolling fast asks for many pages: read the latest asked first, forget the oldest.
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), page), waiting_.end());
  waiting_.push_front(page);
  if (static_cast<int>(waiting_.size()) > kMaxWaiting) waiting_.pop_back();
}

void DatasetRowsModel::start(int page) const {
  auto* self = const_cast<DatasetRowsModel*>(this);
  auto* watcher = new Watcher(self);
  const quint64 generation = generation_;
  connect(watcher, &Watcher::finished, self, [self, watcher, generation] {
    if (generation == self->generation_) self->arrived(watcher);
    watcher->deleteLater();
  });
  inFlight_.insert(page, generation);
  const qint64 version = versionId_ ? versionId_ : pendingVersion_;
  watcher->setFuture(reader_->read(version, page, kPageRows, fields_, fieldOrder_));
}

void DatasetRowsModel::arrived(Watcher* watcher) {
  RowPage page = watcher->result();
  inFlight_.remove(page.page);
  if (!page.error.isEmpty()) {
    emit readFailed(tr("Could not read rows %1 to %2: %3")
                        .arg(qint64(page.page) * kPageRows)
                        .arg(qint64(page.page + 1) * kPageRows - 1)
                        .arg(page.error));
  } else {
    ++pagesRead_;
    const int first = page.page * kPageRows;
    const int count = static_cast<int>(page.rows.size());
    if (versionId_ == 0) {
      beginResetModel();
      versionId_ = pendingVersion_;
      pendingVersion_ = 0;
      rows_ = pendingRows_;
      fields_ = page.columns;
      pages_.insert(page.page, std::move(page.rows));
      recent_.push_front(page.page);
      endResetModel();
      emit versionShown();
    } else {
      pages_.insert(page.page, std::move(page.rows));
      recent_.remove(page.page);
      recent_.push_front(page.page);
      while (pages_.size() > kMaxPages) {
        pages_.remove(recent_.back());
        recent_.pop_back();
      }
      if (count > 0) emit dataChanged(index(first, 0), index(first + count - 1, columnCount() - 1));
    }
    emit pageArrived(page.page);
  }
  while (inFlight_.size() < kMaxInFlight && !waiting_.empty()) {
    const int next = waiting_.front();
    waiting_.pop_front();
    if (!pages_.contains(next) && !inFlight_.contains(next)) start(next);
  }
}

int DatasetRowsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_);
}

int DatasetRowsModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid() || versionId_ == 0) return 0;
  return static_cast<int>(fields_.size()) + (hasSplit_ ? 1 : 0);
}

QVariant DatasetRowsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole)) return {};
  const RowCells* row = cells(index.row());
  if (!row) {
    if (role == Qt::DisplayRole && index.column() == 0) return tr("reading…");
    return {};
  }
  int column = index.column();
  QString text;
  if (hasSplit_ && column == 0) {
    text = row->split;
  } else {
    if (hasSplit_) --column;
    if (column >= row->values.size()) return {};
    text = row->values[column];
  }
  if (role == Qt::ToolTipRole) {
    if (text.size() <= kDisplayChars && !text.contains(QLatin1Char('\n'))) return text;
    return text.size() > kToolTipChars
               ? text.left(kToolTipChars) + tr("\n… (%n more character(s))", nullptr,
                                               static_cast<int>(text.size() - kToolTipChars))
               : text;
  }
  return displayText(text);
}

QVariant DatasetRowsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    if (role == Qt::DisplayRole) return section;
    if (role == Qt::ToolTipRole && isRowLoaded(section)) {
      const auto& row = pages_[section / kPageRows][static_cast<size_t>(section % kPageRows)];
      return row.sourceLine > 0
                 ? tr("Row %1, from line %2 of the imported file").arg(section).arg(row.sourceLine)
                 : tr("Row %1").arg(section);
    }
    return {};
  }
  if (role != Qt::DisplayRole || section < 0) return {};
  if (hasSplit_) {
    if (section == 0) return tr("split");
    --section;
  }
  return section < fields_.size() ? fields_[section] : QVariant();
}

}  // namespace tunebench::ui
