// tunebench-bench-charts: how long the Runs panel's overlay takes to redraw 10 runs of 100,000
// points per curve. The runs are written to a temporary project and read back through the panel's
// own path (readRunOverview's downsampling to the pixel budget, then RunComparisonView's chart);
// the same curves drawn raw, every point handed to QCustomPlot, are timed for comparison.
// Runs offscreen; prints the median and the worst of each.
#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

#include "runs/RunsPanel.h"
#include "store/MetricRepository.h"
#include "store/ProjectStore.h"
#include "store/RunRepository.h"
#include "train/TrainChart.h"

namespace {

using tunebench::ui::RunsPanel;
using tunebench::ui::TrainChart;
namespace store = tunebench::store;

struct Options {
  int runs = 10;
  int points = 100000;
  int redraws = 50;
};

double lossAt(int run, int step, std::mt19937& random) {
  std::normal_distribution<double> noise(0, 0.05);
  return 0.5 + (2.0 + 0.1 * run) / std::sqrt(1.0 + step / 100.0) + noise(random);
}

void writeRuns(const QString& file, const Options& options) {
  auto project = store::ProjectStore::create(file.toStdString());
  store::RunRepository runs(project);
  store::MetricRepository metrics(project);
  std::mt19937 random(7);
  for (int run = 0; run < options.runs; ++run) {
    const int64_t id = runs.create(store::NewRun("run " + std::to_string(run + 1)));
    std::vector<store::MetricPoint> points;
    points.reserve(10000);
    for (int step = 1; step <= options.points; ++step) {
      points.push_back({id, "loss", step, lossAt(run, step, random), 1e9 + step * 0.1});
      if (step % 1000 == 0)
        points.push_back({id, "val_loss", step, lossAt(run, step, random) + 0.1, 1e9 + step * 0.1});
      if (points.size() >= 10000) {
        metrics.append(points);
        points.clear();
      }
    }
    metrics.append(points);
    runs.setStatus(id, store::RunStatus::Completed);
  }
}

struct Timing {
  double median = 0, worst = 0;
  double cpuMedian = 0;  // this thread's CPU time: what a redraw costs on a machine shared
};

double threadCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

Timing timeRedraws(TrainChart* chart, int redraws) {
  std::vector<double> ms, cpu;
  chart->replot(QCustomPlot::rpImmediateRefresh);  // warm-up: layer buffers, fonts
  for (int i = 0; i < redraws; ++i) {
    QElapsedTimer clock;
    clock.start();
    const double cpuStart = threadCpuMs();
    chart->replot(QCustomPlot::rpImmediateRefresh);
    cpu.push_back(threadCpuMs() - cpuStart);
    ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  return {ms[ms.size() / 2], ms.back(), cpu[cpu.size() / 2]};
}

int totalPoints(TrainChart* chart) {
  int total = 0;
  for (int i = 0; i < chart->graphCount(); ++i) total += chart->graph(i)->dataCount();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  Options options;
  const QStringList args = app.arguments();
  for (int i = 1; i + 1 < args.size(); i += 2) {
    bool ok = false;
    const int value = args[i + 1].toInt(&ok);
    if (!ok || value < 1) {
      std::fprintf(stderr, "%s: %s needs a positive number\n", argv[0], qPrintable(args[i]));
      return 2;
    }
    if (args[i] == QLatin1String("--runs"))
      options.runs = value;
    else if (args[i] == QLatin1String("--points"))
      options.points = value;
    else if (args[i] == QLatin1String("--redraws"))
      options.redraws = value;
    else {
      std::fprintf(stderr, "usage: %s [--runs N] [--points N] [--redraws N]\n", argv[0]);
      return 2;
    }
  }

  QTemporaryDir dir;
  const QString file = dir.filePath(QStringLiteral("bench.tbproj"));
  QElapsedTimer clock;
  clock.start();
  try {
    writeRuns(file, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writing the runs failed: %s\n", e.what());
    return 1;
  }
  std::printf("%d runs x %d points per curve written in %.1f s\n", options.runs, options.points,
              clock.elapsed() / 1000.0);

  // Through the panel: read (worker thread, downsampled), then redraw.
  RunsPanel panel;
  panel.resize(1280, 900);
  panel.show();
  QSignalSpy refreshed(&panel, &RunsPanel::refreshed);
  panel.setProject(file);
  if (!refreshed.wait(120000)) return 1;
  panel.table()->selectAll();
  clock.restart();
  panel.compareSelected();
  if (!refreshed.wait(120000)) return 1;
  const double readMs = static_cast<double>(clock.elapsed());
  auto* overlay = panel.chart();
  const Timing downsampled = timeRedraws(overlay, options.redraws);
  std::printf(
      "panel path: read + downsample %.0f ms; %d graphs, %d points drawn; redraw median %.2f ms, "
      "worst %.2f ms over %d redraws (median CPU time %.2f ms)\n",
      readMs, overlay->graphCount(), totalPoints(overlay), downsampled.median, downsampled.worst,
      options.redraws, downsampled.cpuMedian);

  // Raw: every point of the same curves (with the same smoothed copies).
  TrainChart raw(QStringLiteral("raw"), QStringLiteral("loss"));
  raw.resize(overlay->size());
  raw.show();
  std::mt19937 random(7);
  for (int run = 0; run < options.runs; ++run) {
    QVector<double> steps(options.points), values(options.points);
    for (int step = 1; step <= options.points; ++step) {
      steps[step - 1] = step;
      values[step - 1] = lossAt(run, step, random);
    }
    const int series = raw.addSeries(QStringLiteral("run %1").arg(run + 1),
                                     RunsPanel::colorOfRun(run + 1), run + 1);
    raw.smoothSeries(series);
    raw.addPoints(series, steps, values);
  }
  raw.refresh();
  const Timing rawTiming = timeRedraws(&raw, options.redraws);
  std::printf(
      "raw: %d graphs, %d points drawn; redraw median %.2f ms, worst %.2f ms (median CPU time "
      "%.2f ms)\n",
      raw.graphCount(), totalPoints(&raw), rawTiming.median, rawTiming.worst, rawTiming.cpuMedian);
  return 0;
}
