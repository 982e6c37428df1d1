#pragma once
// How the Runs panel writes durations and tag lists.
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

namespace tunebench::ui {

// "42 s", "3 min 5 s", "2 h 10 min".
QString formatDuration(double seconds);
QString joinTags(const std::vector<std::string>& tags);
// "a, b,,c " → {"a", "b", "c"}: trimmed, empty ones dropped, duplicates removed.
std::vector<std::string> splitTags(const QString& text);

}  // namespace tunebench::ui
