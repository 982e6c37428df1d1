#include "DirectGeneration.h"

#include "model/Generation.h"
#include "model/ModelFolder.h"
#include "peft/PeftAdapterFiles.h"
#include "tokenizer/TokenizerLoader.h"

std::string directGeneration(const std::string& modelFolder, const std::string& adapterFolder,
                             const std::string& promptText, int maxNewTokens) {
  auto loaded = tunebench::loadModelFolder(modelFolder);
  if (!adapterFolder.empty()) tunebench::loadPeftAdapter(*loaded.model, adapterFolder);
  loaded.model->eval();
  const auto tokenizer = tunebench::loadTokenizer(modelFolder);
  std::vector<int64_t> prompt;
  for (int id : tokenizer.tokenizer->encode(promptText, true)) prompt.push_back(id);
  tunebench::GenerationSettings settings;
  settings.maxNewTokens = maxNewTokens;
  settings.stopIds = loaded.model->config().eosTokenIds;
  settings.stopIds.push_back(tokenizer.tokenizer->specialIds().eos);
  const auto generated = tunebench::generate(*loaded.model, {prompt}, settings).at(0);
  std::vector<int> all(prompt.begin(), prompt.end());
  const auto decodedPrompt = tokenizer.tokenizer->decode(all, true);
  all.insert(all.end(), generated.begin(), generated.end());
  return tokenizer.tokenizer->decode(all, true).substr(decodedPrompt.size());
}
