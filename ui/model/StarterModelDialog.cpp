#include "model/StarterModelDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include "model/ModelFactory.h"

namespace tunebench::ui {

StarterModelDialog::StarterModelDialog(const QString& suggestedFolder, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Create Random Model"));
  auto* form = new QFormLayout(this);
  auto* intro = new QLabel(
      tr("A randomly initialised model with a tokenizer trained here: for trying the workflow "
         "end to end, not for useful answers."),
      this);
  intro->setWordWrap(true);
  form->addRow(intro);

  architecture_ = new QComboBox(this);
  architecture_->setObjectName(QStringLiteral("starterArchitecture"));
  for (const auto& name : makeModelArchitectures())
    architecture_->addItem(QString::fromStdString(name));
  form->addRow(tr("&Architecture:"), architecture_);

  preset_ = new QComboBox(this);
  preset_->setObjectName(QStringLiteral("starterPreset"));
  preset_->addItem(tr("tiny (seconds to make; for tests)"), QStringLiteral("tiny"));
  preset_->addItem(tr("small (a few million parameters)"), QStringLiteral("small"));
  preset_->addItem(tr("135m (SmolLM-135M / GPT-2 small shape)"), QStringLiteral("135m"));
  form->addRow(tr("&Size:"), preset_);

  auto* folderRow = new QHBoxLayout;
  folder_ = new QLineEdit(suggestedFolder, this);
  folder_->setObjectName(QStringLiteral("starterFolder"));
  auto* browse = new QPushButton(tr("&Browse…"), this);
  folderRow->addWidget(folder_, 1);
  folderRow->addWidget(browse);
  auto* folderLabel = new QLabel(tr("&Folder (empty or new):"), this);
  folderLabel->setBuddy(folder_);
  form->addRow(folderLabel, folderRow);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  create_ = buttons->addButton(tr("&Create"), QDialogButtonBox::AcceptRole);
  create_->setDefault(true);
  form->addRow(buttons);

  connect(browse, &QPushButton::clicked, this, &StarterModelDialog::browse);
  connect(folder_, &QLineEdit::textChanged, this, &StarterModelDialog::updateAcceptable);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  updateAcceptable();
}

QString StarterModelDialog::architecture() const {
  return architecture_->currentText();
}
QString StarterModelDialog::preset() const {
  return preset_->currentData().toString();
}
QString StarterModelDialog::folder() const {
  return folder_->text().trimmed();
}

void StarterModelDialog::browse() {
  const QString chosen =
      QFileDialog::getExistingDirectory(this, tr("Folder for the model"), folder_->text());
  if (!chosen.isEmpty()) folder_->setText(chosen);
}

void StarterModelDialog::updateAcceptable() {
  create_->setEnabled(!folder().isEmpty());
}

}  // namespace tunebench::ui
