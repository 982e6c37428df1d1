#pragma once
// A read of the project done on a worker thread: the value, or the error as text, so that it
// reaches the GUI thread intact; with the project file and key it was read for, so that a result
// that arrives after the user moved on can be recognised and dropped.
#include <QString>
#include <exception>

namespace tunebench::ui {

template <typename T>
struct ProjectRead {
  QString projectFile;
  qint64 key = 0;
  T value{};
  QString error;
};

// Runs read(projectFile) and wraps what it returns or throws.
template <typename T, typename F>
ProjectRead<T> readProject(const QString& projectFile, qint64 key, F&& read) {
  ProjectRead<T> result;
  result.projectFile = projectFile;
  result.key = key;
  try {
    result.value = read(projectFile.toStdString());
  } catch (const std::exception& e) {
    result.error = QString::fromStdString(e.what());
  }
  return result;
}

}  // namespace tunebench::ui
