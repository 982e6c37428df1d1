#pragma once
#include <QWidget>

#include "Stage.h"

namespace tunebench::ui {

// Shown for a stage whose panel is not built yet: says so plainly instead of pretending.
class UnbuiltStagePanel : public QWidget {
  Q_OBJECT
 public:
  explicit UnbuiltStagePanel(const StageDescription& stage, QWidget* parent = nullptr);
};

}  // namespace tunebench::ui
