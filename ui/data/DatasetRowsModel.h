#pragma once
// A table over the rows of one stored dataset version, read page by page on a worker thread as
// the view asks for them. At most kMaxPages pages are held (least recently used go first), so a
// version of any size scrolls with bounded memory; rows not read yet show a placeholder until
// their page arrives.
#include <QAbstractTableModel>
#include <QFutureWatcher>
#include <QHash>
#include <QStringList>
#include <deque>
#include <list>
#include <memory>

#include "data/RowPageReader.h"

namespace tunebench::ui {

class DatasetRowsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int kPageRows = 200;
  static constexpr int kMaxPages = 24;
  static constexpr int kMaxInFlight = 2;
  static constexpr int kMaxWaiting = 8;
  static constexpr int kDisplayChars = 200;

  explicit DatasetRowsModel(QObject* parent = nullptr);
  ~DatasetRowsModel() override;

  void setProject(const QString& projectFile);
  // Shows the version once its first page is read (then versionShown() is emitted). Fields named
  // in `fieldOrder` come first, in its order.
  void setVersion(qint64 versionId, qint64 rows, bool hasSplit, const QStringList& fieldOrder = {});
  void clear();
  qint64 versionId() const { return versionId_; }
  // The columns after the optional split column: the fields of the version's first rows.
  QStringList fields() const { return fields_; }

  // Rows held in memory now, and pages read since the version was set.
  int heldRows() const;
  int pagesRead() const { return pagesRead_; }
  bool isRowLoaded(int row) const;
  // The full text of a cell, empty when its page is not held.
  QString fullText(int row, int column) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 signals:
  void versionShown();
  void pageArrived(int page);
  void readFailed(const QString& message);

 private:
  using Watcher = QFutureWatcher<RowPage>;
  const RowCells* cells(int row) const;
  void request(int page) const;
  void start(int page) const;
  void arrived(Watcher* watcher);

  QString projectFile_;
  std::unique_ptr<RowPageReader> reader_;
  qint64 versionId_ = 0;
  qint64 pendingVersion_ = 0;
  qint64 rows_ = 0;
  qint64 pendingRows_ = 0;
  bool hasSplit_ = false;
  QStringList fields_;
  QStringList fieldOrder_;
  quint64 generation_ = 0;  // drops pages read for an earlier version
  int pagesRead_ = 0;

  // Filled from const data(): the view asking for a row is what makes its page be read.
  mutable QHash<int, std::vector<RowCells>> pages_;
  mutable std::list<int> recent_;  // most recently used first
  mutable QHash<int, quint64> inFlight_;
  mutable std::deque<int> waiting_;  // most recently asked first
};

}  // namespace tunebench::ui
