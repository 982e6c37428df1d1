#pragma once
#include <QDialog>

class QLabel;

namespace tunebench::ui {

// Version and installation facts (the same as `tunebench-cli info`), gathered off the GUI thread.
class AboutDialog : public QDialog {
  Q_OBJECT
 public:
  explicit AboutDialog(QWidget* parent = nullptr);
  QString factsText() const;

 signals:
  void factsReady();

 private:
  QLabel* facts_;
};

}  // namespace tunebench::ui
