#pragma once
#include <QDialog>

#include "common/BackgroundTask.h"

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
  void showFacts(const QString& html);

  QLabel* facts_;
  BackgroundTask<QString> gathering_{
      [this](const QString& html) { showFacts(html); },
      [this](const QString& error) { showFacts(tr("Could not gather the facts: %1").arg(error)); }};
};

}  // namespace tunebench::ui
