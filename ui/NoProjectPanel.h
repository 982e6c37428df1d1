#pragma once
// Shown instead of the stage panels while no project is open: says so, and offers New, Open and
// the recent projects.
#include <QWidget>

class QListWidget;

namespace tunebench::ui {

class NoProjectPanel : public QWidget {
  Q_OBJECT
 public:
  explicit NoProjectPanel(QWidget* parent = nullptr);
  void setRecentProjects(const QStringList& files);
  QListWidget* recentList() const { return recent_; }

 signals:
  void newRequested();
  void openRequested();
  void recentRequested(const QString& file);

 private:
  QListWidget* recent_;
};

}  // namespace tunebench::ui
