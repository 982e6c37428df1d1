#pragma once
#include <QMainWindow>

class QListWidget;
class QStackedWidget;

namespace tunebench {
class PluginRegistry;
}

namespace tunebench::ui {

// The workbench window: a navigator over the seven stages and the panel of the chosen stage.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(const PluginRegistry& plugins, QWidget* parent = nullptr);

  QListWidget* navigator() const { return navigator_; }
  QStackedWidget* panels() const { return panels_; }

 public slots:
  void showStage(int index);
  void showAbout();
  void showPluginReport();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void restoreLayout();

  const PluginRegistry& plugins_;
  QListWidget* navigator_;
  QStackedWidget* panels_;
};

}  // namespace tunebench::ui
