#include "common/ScoreFormat.h"

#include <QObject>
#include <cmath>

namespace tunebench::ui {

QString metricTitle(const std::string& metric) {
  if (metric == "exact_match") return QObject::tr("exact match");
  if (metric == "perplexity") return QObject::tr("perplexity");
  if (metric == "accuracy") return QObject::tr("accuracy");
  if (metric == "macro_f1") return QObject::tr("macro-F1");
  return QString::fromStdString(metric);
}

bool isShareMetric(const std::string& metric) {
  return metric == "accuracy" || metric.rfind("exact_match", 0) == 0 || metric.rfind("acc", 0) == 0;
}

QString formatScore(const std::string& metric, double value) {
  if (!std::isfinite(value)) return QObject::tr("n/a");
  if (isShareMetric(metric)) return QStringLiteral("%1%").arg(100.0 * value, 0, 'f', 1);
  return QString::number(value, 'g', 5);
}

QString formatScoreChange(const std::string& metric, double difference) {
  if (!std::isfinite(difference)) return QObject::tr("n/a");
  const QString sign = difference > 0   ? QStringLiteral("+")
                       : difference < 0 ? QStringLiteral("−")
                                        : QString();
  if (isShareMetric(metric))
    return QObject::tr("%1%2 points").arg(sign).arg(100.0 * std::abs(difference), 0, 'f', 1);
  return sign + QString::number(std::abs(difference), 'g', 4);
}

}  // namespace tunebench::ui
