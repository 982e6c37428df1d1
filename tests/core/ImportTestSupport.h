#pragma once
// Shared by the importer tests: a sink that keeps everything, and a way to run an importer by id
// over bytes written to a temporary file.
#include <QTemporaryDir>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "builtin/BuiltinPlugins.h"
#include "jobs/BasicJobContext.h"
#include "plugins/PluginRegistry.h"

namespace tbtest {

struct CollectingSink : tunebench::RecordSink {
  std::vector<tunebench::ImportedRecord> records;
  std::vector<tunebench::ImportReject> rejects;
  void record(tunebench::ImportedRecord&& r) override { records.push_back(std::move(r)); }
  void reject(tunebench::ImportReject&& r) override { rejects.push_back(std::move(r)); }

  // Everything the import produced, as one comparable text.
  std::string dump() const {
    std::string text;
    for (const auto& r : records)
      text += std::to_string(r.line) + "@" + std::to_string(r.byteOffset) + " " + r.fields.dump() +
              "\n";
    for (const auto& r : rejects)
      text += "reject " + std::to_string(r.line) + "@" + std::to_string(r.byteOffset) + " " +
              r.problem + "\n";
    return text;
  }
};

inline std::shared_ptr<tunebench::DatasetImporter> importer(const std::string& id) {
  static const auto registry = [] {
    auto r = std::make_unique<tunebench::PluginRegistry>();
    tunebench::builtin::registerBuiltinPlugins(*r);
    return r;
  }();
  for (const auto& candidate : registry->datasetImporters())
    if (candidate->id() == id) return candidate;
  return nullptr;
}

inline std::string writeFile(const QTemporaryDir& dir, const std::string& name,
                             const std::string& bytes) {
  const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  return path;
}

}  // namespace tbtest
