#include "model/CheckpointFolder.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

void refusePickles(const fs::path& folder) {
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(folder, ec)) {
    const auto extension = item.path().extension().string();
    if (extension == ".bin" || extension == ".pt" || extension == ".pth" || extension == ".ckpt")
      throw Error(folder.string() + " holds weights only as " + item.path().filename().string() +
                  ", a pickle checkpoint, which Tunebench never loads because unpickling can run "
                  "arbitrary code. Convert it to model.safetensors first.");
  }
}

bool isPlainFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name.find('\0') == std::string::npos;
}

}  // namespace

CheckpointFolder::CheckpointFolder(const std::string& folderPath) {
  const fs::path folder(folderPath);
  if (!fs::is_directory(folder)) throw Error(folderPath + " is not a folder");
  const fs::path single = folder / "model.safetensors";
  const fs::path index = folder / "model.safetensors.index.json";

  if (fs::exists(single)) {
    files_.push_back(single.string());
  } else if (fs::exists(index)) {
    const auto json = readJsonFile(index.string());
    if (!json.is_object() || !json.contains("weight_map") || !json["weight_map"].is_object())
      throw Error(index.string() + ": needs a \"weight_map\" object");
    std::set<std::string> shards;
    for (const auto& [name, shard] : json["weight_map"].items()) {
      if (!shard.is_string() || !isPlainFileName(shard.get<std::string>()))
        throw Error(index.string() + ": weight_map[\"" + name +
                    "\"] must be a plain file name inside the folder");
      shards.insert(shard.get<std::string>());
    }
    for (const auto& shard : shards) files_.push_back((folder / shard).string());
    for (const auto& file : files_)
      if (!fs::exists(file)) throw Error(index.string() + " lists " + file + ", which is missing");
    // Every mapped name must be in the shard the index names.
    for (size_t i = 0; i < files_.size(); ++i) {
      readers_.push_back(std::make_unique<SafetensorsReader>(files_[i]));
    }
    for (const auto& [name, shard] : json["weight_map"].items()) {
      const auto path = (folder / shard.get<std::string>()).string();
      const size_t reader =
          static_cast<size_t>(std::find(files_.begin(), files_.end(), path) - files_.begin());
      if (!readers_[reader]->contains(name))
        throw Error(index.string() + " places '" + name + "' in " + shard.get<std::string>() +
                    ", which does not contain it");
      location_[name] = reader;
    }
    for (size_t i = 0; i < readers_.size(); ++i)
      for (const auto& entry : readers_[i]->header().entries)
        if (!location_.count(entry.name))
          throw Error(files_[i] + " holds '" + entry.name + "', which " + index.string() +
                      " does not list");
    return;
  } else {
    refusePickles(folder);
    throw Error(folderPath + " has neither model.safetensors nor model.safetensors.index.json");
  }

  readers_.push_back(std::make_unique<SafetensorsReader>(files_.front()));
  for (const auto& entry : readers_.front()->header().entries) location_[entry.name] = 0;
}

std::vector<std::string> CheckpointFolder::tensorNames() const {
  std::vector<std::string> names;
  for (const auto& item : location_) names.push_back(item.first);
  return names;
}

const SafetensorsEntry& CheckpointFolder::entry(const std::string& name) const {
  const auto found = location_.find(name);
  if (found == location_.end()) throw Error("checkpoint has no tensor '" + name + "'");
  return *readers_[found->second]->header().find(name);
}

torch::Tensor CheckpointFolder::tensor(const std::string& name) const {
  const auto found = location_.find(name);
  if (found == location_.end()) throw Error("checkpoint has no tensor '" + name + "'");
  return readers_[found->second]->tensor(name);
}

}  // namespace tunebench
