#include "store/RunOverview.h"

#include <algorithm>
#include <cmath>

#include "store/ProjectStore.h"

namespace tunebench::store {

RunOverview readRunOverview(const std::string& projectFile, const std::vector<int64_t>& compare,
                            const std::vector<std::string>& keys, int pixelBudget) {
  OpenOptions options;
  options.readOnly = true;
  auto project = ProjectStore::open(projectFile, options);
  RunRepository runs(project);
  MetricRepository metrics(project);
  RunOverview overview;
  for (auto& run : runs.list()) {
    RunOverviewRow row;
    // The validation curve has a point per evaluation: few enough to read whole.
    for (const auto& point : metrics.points(run.id, "val_loss"))
      if (std::isfinite(point.value))
        row.bestValidationLoss =
            std::min(row.bestValidationLoss.value_or(point.value), point.value);
    const auto loss = metrics.downsample({run.id}, {"loss"}, 1);
    if (!loss.empty() && !loss.front().buckets.empty())
      row.lastStep = loss.front().buckets.back().lastStep;
    if (run.startedAt) {
      const auto end = run.finishedAt ? run.finishedAt : run.heartbeatAt;
      if (end) row.durationSeconds = std::max(0.0, *end - *run.startedAt);
    }
    row.run = std::move(run);
    overview.rows.push_back(std::move(row));
  }
  if (!compare.empty() && !keys.empty())
    overview.curves = metrics.downsample(compare, keys, pixelBudget);
  return overview;
}

}  // namespace tunebench::store
