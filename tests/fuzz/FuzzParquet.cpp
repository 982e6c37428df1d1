// Fuzz target for the Parquet importer: any bytes must import or fail with tunebench::Error,
// never crash, hang or throw anything else. The first byte is a control byte (the replay seeds
// it at random): bit 0 asks to skip bad rows, bits 1-3 cancel the job after that many progress
// reports (0: never); the rest is the file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "builtin/ParquetImporter.h"
#include "common/Error.h"

namespace {

struct DiscardingSink : tunebench::RecordSink {
  void record(tunebench::ImportedRecord&&) override {}
  void reject(tunebench::ImportReject&&) override {}
};

// Cancels after a number of progress reports, so that canceling mid-file is exercised too.
struct CancelingContext : tunebench::JobContext {
  explicit CancelingContext(int cancelAfter) : cancelAfter_(cancelAfter) {}
  bool isCanceled() const override { return cancelAfter_ > 0 && reports_ >= cancelAfter_; }
  void waitIfPaused() override {}
  void progress(int64_t, int64_t, const std::string&) override { ++reports_; }
  void metric(int64_t, const std::string&, double) override {}
  void log(tunebench::LogLevel, const std::string&) override {}
  int cancelAfter_;
  int reports_ = 0;
};

// Removed when the process ends.
struct TempFile {
  explicit TempFile(std::string p) : path(std::move(p)) {}
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  // Importers read files; a memory-backed folder keeps thousands of runs from waiting on disk.
  static const TempFile file([] {
    const std::filesystem::path shm = "/dev/shm";
    const auto folder = std::filesystem::is_directory(shm) && ::access("/dev/shm", W_OK) == 0
                            ? shm
                            : std::filesystem::temp_directory_path();
    return (folder / ("tunebench-fuzz-parquet-" + std::to_string(::getpid()) + ".parquet"))
        .string();
  }());
  std::ofstream(file.path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data + 1), std::streamsize(size - 1));
  DiscardingSink sink;
  CancelingContext context((control >> 1) & 7);
  tunebench::builtin::ParquetImporter importer;
  try {
    importer.importFile({file.path, (control & 1) != 0, {}}, sink, context);
  } catch (const tunebench::Error&) {
    // A clear refusal is a correct answer to malformed input.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the Parquet importer threw a non-Error exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
