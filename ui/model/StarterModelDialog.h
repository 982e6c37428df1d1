#pragma once
// Asks for a starter model's architecture, size and (empty or new) folder.
#include <QDialog>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace tunebench::ui {

class StarterModelDialog : public QDialog {
  Q_OBJECT
 public:
  StarterModelDialog(const QString& suggestedFolder, QWidget* parent = nullptr);

  QString architecture() const;
  QString preset() const;
  QString folder() const;

 private:
  void browse();
  void updateAcceptable();

  QComboBox* architecture_;
  QComboBox* preset_;
  QLineEdit* folder_;
  QPushButton* create_;
};

}  // namespace tunebench::ui
