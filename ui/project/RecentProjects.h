#pragma once
// The Open Recent list, kept in QSettings: newest first, at most eight, no duplicates.
#include <QStringList>

namespace tunebench::ui {

class RecentProjects {
 public:
  static constexpr int kMaximum = 8;

  QStringList files() const;
  void add(const QString& file);
  void remove(const QString& file);
  // Drops files that no longer exist and returns them.
  QStringList pruneMissing();
};

}  // namespace tunebench::ui
