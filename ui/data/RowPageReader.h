#pragma once
// Reads pages of a stored dataset version on one worker thread with its own read-only
// connection, so that a table over a million rows never makes the GUI thread wait for SQLite.
// Each row comes back as display text aligned to the columns asked for.
#include <QFuture>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <memory>
#include <vector>

namespace tunebench::ui {

struct RowCells {
  qint64 sourceLine = 0;  // 0: unknown
  QString split;
  QStringList values;  // one per column; a field the row lacks is empty
};

struct RowPage {
  qint64 versionId = 0;
  int page = 0;
  QStringList columns;  // the columns the values follow
  std::vector<RowCells> rows;
  QString error;
};

class RowPageReader {
 public:
  explicit RowPageReader(const QString& projectFile);
  // Waits for the page being read; pages not started are dropped.
  ~RowPageReader();
  RowPageReader(const RowPageReader&) = delete;
  RowPageReader& operator=(const RowPageReader&) = delete;

  // Rows [page * pageRows, (page + 1) * pageRows). With no columns, the columns are the fields
  // of the page's rows: those named in `preferredOrder` first, in its order, then the others.
  QFuture<RowPage> read(qint64 versionId, int page, int pageRows, const QStringList& columns,
                        const QStringList& preferredOrder = {});

 private:
  struct Connection;
  QThreadPool pool_;
  std::shared_ptr<Connection> connection_;  // used only on pool_'s thread
};

}  // namespace tunebench::ui
