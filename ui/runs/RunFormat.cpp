#include "runs/RunFormat.h"

#include <QObject>
#include <algorithm>

namespace tunebench::ui {

QString formatDuration(double seconds) {
  const auto total = static_cast<qint64>(seconds + 0.5);
  if (total < 60) return QObject::tr("%1 s").arg(total);
  if (total < 3600) return QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60);
  return QObject::tr("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

QString joinTags(const std::vector<std::string>& tags) {
  QStringList names;
  for (const auto& tag : tags) names << QString::fromStdString(tag);
  return names.join(QStringLiteral(", "));
}

std::vector<std::string> splitTags(const QString& text) {
  std::vector<std::string> tags;
  for (const auto& part : text.split(QLatin1Char(','))) {
    const auto tag = part.trimmed().toStdString();
    if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  }
  return tags;
}

}  // namespace tunebench::ui
