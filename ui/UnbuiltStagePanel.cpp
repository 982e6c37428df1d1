#include "UnbuiltStagePanel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace tunebench::ui {

UnbuiltStagePanel::UnbuiltStagePanel(const StageDescription& stage, QWidget* parent)
    : QWidget(parent) {
  setObjectName(QStringLiteral("unbuiltPanel_") + stage.title);
  auto* layout = new QVBoxLayout(this);
  auto* title = new QLabel(QStringLiteral("<h2>%1</h2>").arg(stage.title.toHtmlEscaped()), this);
  auto* summary = new QLabel(stage.summary, this);
  summary->setWordWrap(true);
  auto* notice = new QLabel(
      tr("This panel is not built yet in this version of Tunebench. Nothing here works so far; "
         "the command-line tool shows what is available (tunebench-cli --help)."),
      this);
  notice->setObjectName(QStringLiteral("notBuiltNotice"));
  notice->setWordWrap(true);
  notice->setStyleSheet(QStringLiteral("color: palette(mid); font-style: italic;"));
  layout->addWidget(title);
  layout->addWidget(summary);
  layout->addSpacing(12);
  layout->addWidget(notice);
  layout->addStretch(1);
}

}  // namespace tunebench::ui
