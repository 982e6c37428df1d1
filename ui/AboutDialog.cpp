#include "AboutDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

#include "system/SystemInfo.h"

namespace tunebench::ui {

namespace {

QString factsAsHtml(const SystemInfo& info) {
  QString html = QStringLiteral("<table>");
  for (const auto& [key, value] : describe(info))
    html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                .arg(QString::fromStdString(key).toHtmlEscaped(),
                     QString::fromStdString(value).toHtmlEscaped());
  return html + QStringLiteral("</table>");
}

}  // namespace

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("About Tunebench"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(
      tr("<h2>Tunebench</h2><p>Fine-tune language models on your workstation.</p>"), this));
  facts_ = new QLabel(tr("Measuring this installation…"), this);
  facts_->setObjectName(QStringLiteral("aboutFacts"));
  facts_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(facts_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);

  // The GEMM probe takes a few hundred milliseconds: never on the GUI thread.
  gathering_.run([] { return factsAsHtml(collectSystemInfo(true)); });
}

void AboutDialog::showFacts(const QString& html) {
  facts_->setText(html);
  emit factsReady();
}

QString AboutDialog::factsText() const {
  return facts_->text();
}

}  // namespace tunebench::ui
