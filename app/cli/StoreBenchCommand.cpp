// `tunebench-cli bench store`: project store benchmarks.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "NumberChecks.h"
#include "StoreBench.h"
#include "common/Error.h"

namespace tunebench::cli {

std::vector<Command> addStoreBenchmarks(CLI::App& bench) {
  auto options = std::make_shared<StoreBenchOptions>();
  auto keep = std::make_shared<bool>(false);
  auto folder = std::make_shared<std::string>();
  auto* storeBench = bench.add_subcommand("store",
                                          "Project store: logging cost, chart query, "
                                          "dataset page");
  storeBench->add_option("--dir", *folder,
                         "Folder for the scratch project (default: a new "
                         "temporary folder, removed afterwards)");
  storeBench->add_flag("--keep", *keep, "Keep the scratch project");
  storeBench->add_option("--metric-rows", options->metricRows, "Metric rows in all")
      ->check(numberBetween(int64_t(1000), int64_t(100000000)));
  storeBench->add_option("--runs", options->metricRuns, "Runs the metric rows are spread over")
      ->check(numberBetween(int64_t(1), int64_t(1000)));
  storeBench->add_option("--pixels", options->pixelBudget, "Pixel budget of the chart query")
      ->check(numberBetween(1, 100000));
  storeBench->add_option("--dataset-rows", options->datasetRows, "Dataset records")
      ->check(numberBetween(int64_t(1000), int64_t(100000000)));
  storeBench
      ->add_option("--logging-seconds", options->loggingSeconds,
                   "Simulated training time for the logging figure")
      ->check(numberBetween(1, 600));

  return {{storeBench, [options, keep, folder] {
             namespace fs = std::filesystem;
             const bool scratch = folder->empty();
             fs::path where = *folder;
             if (scratch) {
               std::string pattern =
                   (fs::temp_directory_path() / "tunebench-bench-XXXXXX").string();
               if (!mkdtemp(pattern.data())) throw Error("bench: cannot make a temporary folder");
               where = pattern;
             } else {
               fs::create_directories(where);
               if (fs::exists(where / "bench.tbproj"))
                 throw Error((where / "bench.tbproj").string() + ": exists; remove it first");
             }
             options->folder = where;
             // Removes the scratch folder on every way out, errors included.
             struct Cleanup {
               fs::path folder;
               ~Cleanup() {
                 std::error_code ignored;
                 if (!folder.empty()) fs::remove_all(folder, ignored);
               }
             } cleanup{scratch && !*keep ? where : fs::path()};
             if (*keep || !scratch) std::cout << "keeping " << where.string() << "\n";
             return runStoreBench(*options);
           }}};
}

}  // namespace tunebench::cli
