#pragma once
// Shows a ModelDescription: the problems first (plainly, one per line), then the model's facts
// and a memory table (weights at fp32/bf16/NF4, training per method).
#include <QMap>
#include <QWidget>

class QFormLayout;
class QLabel;
class QTableWidget;

namespace tunebench {
struct ModelDescription;
}

namespace tunebench::ui {

class ModelDescriptionView : public QWidget {
  Q_OBJECT
 public:
  explicit ModelDescriptionView(QWidget* parent = nullptr);

  void showDescription(const ModelDescription& description);
  void clear();

  // The text shown for a fact ("Architecture", "Parameters", ...); empty when not shown.
  QString fact(const QString& key) const;
  QStringList factKeys() const { return order_; }
  QString problemsText() const;
  QTableWidget* memoryTable() const { return memory_; }

 private:
  void setFact(const QString& key, const QString& value);

  QLabel* problems_;
  QWidget* factsBox_;
  QFormLayout* facts_;
  QMap<QString, QLabel*> values_;
  QStringList order_;
  QWidget* memoryBox_;
  QTableWidget* memory_;
};

}  // namespace tunebench::ui
