#include "project/RecentProjects.h"

#include <QFileInfo>
#include <QSettings>

namespace tunebench::ui {

namespace {

const QString kKey = QStringLiteral("projects/recent");

void store(const QStringList& files) {
  QSettings().setValue(kKey, files);
}

}  // namespace

QStringList RecentProjects::files() const {
  return QSettings().value(kKey).toStringList();
}

void RecentProjects::add(const QString& file) {
  const QString path = QFileInfo(file).absoluteFilePath();
  auto list = files();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > kMaximum) list.removeLast();
  store(list);
}

void RecentProjects::remove(const QString& file) {
  auto list = files();
  list.removeAll(QFileInfo(file).absoluteFilePath());
  list.removeAll(file);
  store(list);
}

QStringList RecentProjects::pruneMissing() {
  QStringList kept, missing;
  for (const auto& file : files()) (QFileInfo::exists(file) ? kept : missing).append(file);
  if (!missing.isEmpty()) store(kept);
  return missing;
}

}  // namespace tunebench::ui
