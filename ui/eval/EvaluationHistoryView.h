#pragma once
// The earlier evaluations of one run, newest first: suite, date and metrics, read on a worker
// thread through a read-only connection. Selecting one reads its stored examples.
#include <QHash>
#include <QWidget>
#include <vector>

#include "common/BackgroundTask.h"
#include "eval/ProjectRead.h"
#include "store/EvaluationOverview.h"

class QLabel;
class QTableWidget;

namespace tunebench::ui {

struct StoredEvaluation {
  qint64 id = 0;
  QString suite, date;
  double exactMatch = 0, perplexity = 0;                // NaN when not stored
  std::vector<std::pair<std::string, double>> metrics;  // all of them, by name
  std::vector<store::EvaluationItem> items;
};

class EvaluationHistoryView : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kStoredItemLimit = 100000;

  explicit EvaluationHistoryView(QWidget* parent = nullptr);
  ~EvaluationHistoryView() override;

  void setProject(const QString& projectFile);
  // 0: no run (another model folder), whose evaluations are not stored.
  void setRun(qint64 runId);
  qint64 runId() const { return runId_; }
  QTableWidget* table() const { return table_; }
  QList<qint64> evaluationIds() const;
  QString noteText() const;

 public slots:
  void refresh();
  void clearSelection();

 signals:
  void listed();
  void evaluationRead(const tunebench::ui::StoredEvaluation& evaluation);
  void readFailed(const QString& message);

 private:
  using HistoryRead = ProjectRead<std::vector<store::EvaluationSummary>>;
  using ItemsRead = ProjectRead<std::vector<store::EvaluationItem>>;

  void show(const HistoryRead& read);
  void readItems(qint64 evaluationId);
  void showItems(const ItemsRead& read);

  QString projectFile_;
  qint64 runId_ = 0;
  QTableWidget* table_;
  QLabel* note_;
  QHash<qint64, std::vector<std::pair<std::string, double>>> metrics_;  // by evaluation id
  BackgroundTask<HistoryRead> historyReads_{[this](const HistoryRead& read) { show(read); }};
  BackgroundTask<ItemsRead> itemsReads_{[this](const ItemsRead& read) { showItems(read); }};
};

}  // namespace tunebench::ui
