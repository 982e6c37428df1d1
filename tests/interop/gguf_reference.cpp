// Tunebench's side of the GGUF check (check_gguf.sh):
//   gguf_reference write FOLDER OUT.gguf TYPE   writes the model folder as GGUF (the exporter's
//                                               core, without a project run)
//   gguf_reference generate FOLDER N PROMPT...  loads the folder with the project's own code,
//     tokenizes each prompt as `tunebench-cli generate` does and generates N tokens greedily,
//     without stopping at EOS, printing one JSON line per prompt:
//     {"prompt", "prompt_ids", "generated_ids", "stop_ids", "text"}.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "export/gguf/GgufModelWriter.h"
#include "model/ModelFolder.h"
#include "model/TextGeneration.h"
#include "tokenizer/TokenizerLoader.h"

int main(int argc, char** argv) {
  using namespace tunebench;
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 5 || (mode != "write" && mode != "generate")) {
    std::cerr << "usage: gguf_reference write FOLDER OUT.gguf TYPE\n"
                 "       gguf_reference generate FOLDER TOKENS PROMPT...\n";
    return 2;
  }
  ++argv;
  --argc;
  try {
    if (mode == "write") {
      gguf::GgufExportOptions options;
      if (!gguf::parseTensorType(argv[3], options.type)) throw Error("unknown type");
      const auto report = gguf::writeGgufModel(argv[1], argv[2], options);
      std::cout << report.architecture << ", " << report.tensors.size() << " tensors, "
                << report.bytes << " bytes\n";
      return 0;
    }
    torch::NoGradGuard noGrad;
    auto loaded = loadModelFolder(argv[1]);
    loaded.model->eval();
    const auto tokenizer = loadTokenizer(argv[1]);
    const auto config = loadModelConfig(std::string(argv[1]) + "/config.json");
    GenerationSettings settings;
    settings.maxNewTokens = std::stoll(argv[2]);
    for (int i = 3; i < argc; ++i) {
      TextPrompt prompt;
      prompt.text = argv[i];
      auto prepared = prepareTextPrompt(tokenizer, config, prompt, settings);
      const auto stopIds = prepared.settings.stopIds;  // llama.cpp stops before these
      prepared.settings.stopIds.clear();               // llama.cpp is asked for a fixed count too
      prepared.settings.stopStrings.clear();
      const auto generated = generate(*loaded.model, {prepared.ids}, prepared.settings).front();
      std::vector<int> all(prepared.ids.begin(), prepared.ids.end());
      std::vector<int> added(generated.begin(), generated.end());
      std::cout << nlohmann::json{{"prompt", prompt.text},
                                  {"prompt_ids", prepared.ids},
                                  {"generated_ids", generated},
                                  {"stop_ids", stopIds},
                                  {"text", tokenizer.tokenizer->decode(added)}}
                       .dump()
                << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "gguf_reference: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
