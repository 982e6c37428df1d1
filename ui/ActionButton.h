#pragma once
// A text button that triggers an action and follows its text, shortcut tooltip and enabled
// state; it takes keyboard focus, so panels can be used without a mouse.
class QAction;
class QToolButton;
class QWidget;

namespace tunebench::ui {

QToolButton* actionButton(QAction* action, QWidget* parent);

}  // namespace tunebench::ui
