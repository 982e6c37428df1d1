#include "tokenizer/SentencePieceModule.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "common/Error.h"
#include "common/Paths.h"
#include "common/SanitizerBuild.h"

namespace tunebench {

namespace {

constexpr const char* kModuleFileName = "libtunebench_spm.so";

struct LoadedModule {
  SentencePieceApi api{};
  std::filesystem::path path;
  std::string error;
};

template <typename T>
bool resolve(void* handle, const char* name, T& target) {
  target = reinterpret_cast<T>(dlsym(handle, name));
  return target != nullptr;
}

LoadedModule openModule() {
  LoadedModule module;
  if constexpr (kAddressSanitizerBuild) {
    // Opening it without RTLD_DEEPBIND would bind its protobuf-lite to LibTorch's libprotobuf.
    module.error = std::string(kSentencePieceUnderSanitizerReason) +
                   "; use a build without TUNEBENCH_SANITIZE for sentencepiece tokenizers.";
    return module;
  }
  std::string tried;
  for (const auto& candidate : SentencePieceModule::candidatePaths()) {
    std::error_code ec;
    if (!std::filesystem::exists(candidate, ec)) {
      tried += "\n  " + candidate.string() + " (not found)";
      continue;
    }
    // RTLD_DEEPBIND: the module's sentencepiece resolves its own protobuf-lite symbols first,
    // never LibTorch's libprotobuf.
    void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
      const char* error = dlerror();
      tried += "\n  " + candidate.string() + " (" + (error ? error : "cannot open") + ")";
      continue;
    }
    auto& api = module.api;
    const bool complete =
        resolve(handle, "tb_spm_api_version", api.apiVersion) &&
        resolve(handle, "tb_spm_load_file", api.loadFile) &&
        resolve(handle, "tb_spm_load_bytes", api.loadBytes) &&
        resolve(handle, "tb_spm_free", api.free) &&
        resolve(handle, "tb_spm_vocab_size", api.vocabSize) &&
        resolve(handle, "tb_spm_bos_id", api.bosId) && resolve(handle, "tb_spm_eos_id", api.eosId) &&
        resolve(handle, "tb_spm_unk_id", api.unkId) && resolve(handle, "tb_spm_pad_id", api.padId) &&
        resolve(handle, "tb_spm_encode", api.encode) &&
        resolve(handle, "tb_spm_decode", api.decode) &&
        resolve(handle, "tb_spm_id_to_piece", api.idToPiece) &&
        resolve(handle, "tb_spm_piece_to_id", api.pieceToId) &&
        resolve(handle, "tb_spm_serialize", api.serialize) &&
        resolve(handle, "tb_spm_train", api.train);
    if (!complete || api.apiVersion() != TB_SPM_API_VERSION) {
      tried += "\n  " + candidate.string() + " (wrong module version; rebuild Tunebench)";
      dlclose(handle);
      continue;
    }
    module.path = candidate;
    return module;
  }
  module.error = std::string("the sentencepiece module ") + kModuleFileName +
                 " could not be opened; tried:" + tried +
                 "\nBuild the 'tunebench_spm' target or set TUNEBENCH_SPM_MODULE to its path.";
  return module;
}

const LoadedModule& loadedModule() {
  static const LoadedModule module = openModule();
  return module;
}

}  // namespace

std::vector<std::filesystem::path> SentencePieceModule::candidatePaths() {
  std::vector<std::filesystem::path> paths;
  if (const char* explicitPath = std::getenv("TUNEBENCH_SPM_MODULE"); explicitPath && *explicitPath)
    paths.emplace_back(explicitPath);
  const auto exeDir = executableDirectory();
  paths.push_back(exeDir / kModuleFileName);
  paths.push_back(exeDir.parent_path() / "lib" / "tunebench" / kModuleFileName);
  return paths;
}

const SentencePieceApi& SentencePieceModule::api() {
  const auto& module = loadedModule();
  if (!module.error.empty()) throw Error(module.error);
  return module.api;
}

std::filesystem::path SentencePieceModule::loadedPath() {
  const auto& module = loadedModule();
  if (!module.error.empty()) throw Error(module.error);
  return module.path;
}

void trainSentencePiece(const std::string& arguments) {
  char error[1024] = {0};
  if (SentencePieceModule::api().train(arguments.c_str(), error, sizeof error) != 0)
    throw Error(std::string("training a sentencepiece model failed: ") + error);
}

}  // namespace tunebench
