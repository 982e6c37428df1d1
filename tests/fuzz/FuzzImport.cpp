// Fuzz target for the dataset importers: any bytes must import or fail with tunebench::Error,
// never crash, hang or throw anything else. The first byte picks the importer, the read buffer
// size and whether bad rows are skipped; the rest is the file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "builtin/TextImporters.h"
#include "common/Error.h"
#include "jobs/BasicJobContext.h"
#include "plugins/PluginRegistry.h"

namespace {

struct DiscardingSink : tunebench::RecordSink {
  void record(tunebench::ImportedRecord&&) override {}
  void reject(tunebench::ImportReject&&) override {}
};

// Removed when the process ends.
struct TempFile {
  explicit TempFile(std::string p) : path(std::move(p)) {}
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

const tunebench::PluginRegistry& registry() {
  static const auto instance = [] {
    auto r = std::make_unique<tunebench::PluginRegistry>();
    r->addBuiltin("text-importers", tunebench::builtin::registerTextImporters);
    return r;
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& importers = registry().datasetImporters();
  const uint8_t control = data[0];
  const auto& importer = importers[control % importers.size()];
  const size_t buffers[] = {1, 3, 7, 64, 4096, 1u << 20};
  nlohmann::json settings = {{"readBufferBytes", buffers[(control / 8) % 6]},
                             {"maxLineBytes", 4096},
                             {"maxFieldBytes", 4096},
                             {"maxRecordBytes", 4096},
                             {"maxDocumentBytes", 65536}};
  const bool skipBadRows = control & 0x80;
  // Importers read files; a memory-backed folder keeps thousands of runs from waiting on disk.
  static const TempFile file([] {
    const std::filesystem::path shm = "/dev/shm";
    const auto folder = std::filesystem::is_directory(shm) && ::access("/dev/shm", W_OK) == 0
                            ? shm
                            : std::filesystem::temp_directory_path();
    return (folder / ("tunebench-fuzz-" + std::to_string(::getpid()) + ".in")).string();
  }());
  const std::string& path = file.path;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data + 1), std::streamsize(size - 1));
  DiscardingSink sink;
  tunebench::BasicJobContext context;
  try {
    importer->importFile({path, skipBadRows, settings}, sink, context);
  } catch (const tunebench::Error&) {
    // A clear refusal is a correct answer to malformed input.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "importer %s threw a non-Error exception: %s\n", importer->id().c_str(),
                 e.what());
    std::abort();
  }
  return 0;
}
