#include "tokenizer/BpeTrainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "tokenizer/ByteLevel.h"
#include "tokenizer/SplitRegex.h"
#include "tokenizer/TokenizerSteps.h"

namespace tunebench {

const char* const kQwen2SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kLlama3SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

namespace {

using ordered_json = nlohmann::ordered_json;

struct Word {
  std::vector<int> symbols;
  long long count = 0;
};

void mergePair(std::vector<int>& symbols, int a, int b, int merged) {
  std::vector<int> out;
  out.reserve(symbols.size());
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (i + 1 < symbols.size() && symbols[i] == a && symbols[i + 1] == b) {
      out.push_back(merged);
      ++i;
    } else {
      out.push_back(symbols[i]);
    }
  }
  symbols.swap(out);
}

ordered_json preTokenizerJson(BpeTrainerOptions::Style style) {
  if (style == BpeTrainerOptions::Style::Gpt2)
    return {{"type", "ByteLevel"},
            {"add_prefix_space", false},
            {"trim_offsets", true},
            {"use_regex", true}};
  return {{"type", "Sequence"},
          {"pretokenizers",
           ordered_json::array({ordered_json{{"type", "Split"},
                                             {"pattern", {{"Regex", kQwen2SplitPattern}}},
                                             {"behavior", "Isolated"},
                                             {"invert", false}},
                                ordered_json{{"type", "ByteLevel"},
                                             {"add_prefix_space", false},
                                             {"trim_offsets", false},
                                             {"use_regex", false}}})}};
}

}  // namespace

TrainedTokenizerFiles trainByteLevelBpe(const std::vector<std::string>& texts,
                                        const BpeTrainerOptions& options) {
  std::vector<std::string> specials;
  for (const auto& s : options.specialTokens)
    if (std::find(specials.begin(), specials.end(), s) == specials.end()) specials.push_back(s);
  for (const std::string* role : {&options.bosToken, &options.eosToken, &options.padToken})
    if (!role->empty() && std::find(specials.begin(), specials.end(), *role) == specials.end())
      throw Error("training BPE: \"" + *role +
                  "\" has a role but is not one of the special tokens");
  if (options.addBosToken && options.bosToken.empty())
    throw Error("training BPE: addBosToken needs a bosToken");
  const int budget = options.vocabSize - static_cast<int>(specials.size());
  if (budget < 256)
    throw Error("training BPE: a vocabulary of " + std::to_string(options.vocabSize) +
                " cannot hold the 256 bytes and " + std::to_string(specials.size()) +
                " special tokens");

  // Count the pre-tokens of the corpus, the way encoding will cut the text.
  const std::vector<NormalizerStep> nfc{NormalizerStep{}};  // the default step is NFC
  const SplitRegex split(options.style == BpeTrainerOptions::Style::Gpt2 ? kGpt2SplitPattern
                                                                         : kQwen2SplitPattern);
  std::map<std::string, long long> counts;
  for (const std::string& raw : texts) {
    const std::string text =
        options.style == BpeTrainerOptions::Style::Qwen2 ? normalize(nfc, raw) : raw;
    for (const auto& [b, e] : split.isolated(text)) ++counts[text.substr(b, e - b)];
  }
  // Symbols: the 256 bytes first, then merges in order; special tokens last.
  std::vector<std::string> tokens;
  std::unordered_map<std::string, int> ids;
  for (int b = 0; b < 256; ++b) {
    tokens.push_back(byteLevelEncode(std::string(1, static_cast<char>(b))));
    ids[tokens.back()] = b;
  }
  std::vector<Word> words;
  for (const auto& [word, count] : counts) {
    Word w;
    w.count = count;
    for (unsigned char c : word) w.symbols.push_back(c);
    words.push_back(std::move(w));
  }
  std::vector<std::pair<int, int>> merges;
  while (static_cast<int>(tokens.size()) < budget) {
    std::map<std::pair<int, int>, long long> pairs;
    for (const Word& w : words)
      for (size_t i = 0; i + 1 < w.symbols.size(); ++i)
        pairs[{w.symbols[i], w.symbols[i + 1]}] += w.count;
    // Most frequent pair; ties go to the smallest pair of strings, so runs are reproducible.
    const std::pair<int, int>* best = nullptr;
    long long bestCount = 0;
    for (const auto& [pair, count] : pairs) {
      if (count < bestCount || count < options.minFrequency) continue;
      if (best && count == bestCount &&
          std::tie(tokens[best->first], tokens[best->second]) <=
              std::tie(tokens[pair.first], tokens[pair.second]))
        continue;
      best = &pair;
      bestCount = count;
    }
    if (!best) break;
    const auto [a, b] = *best;
    const std::string mergedText = tokens[a] + tokens[b];
    int merged;
    const auto existing = ids.find(mergedText);
    if (existing != ids.end()) {
      merged = existing->second;
    } else {
      merged = static_cast<int>(tokens.size());
      tokens.push_back(mergedText);
      ids[mergedText] = merged;
    }
    merges.emplace_back(a, b);
    for (Word& w : words) mergePair(w.symbols, a, b, merged);
  }

  ordered_json vocab = ordered_json::object();
  for (size_t id = 0; id < tokens.size(); ++id) vocab[tokens[id]] = id;
  ordered_json mergeList = ordered_json::array();
  for (const auto& [a, b] : merges)
    mergeList.push_back(ordered_json::array({tokens[a], tokens[b]}));
  ordered_json added = ordered_json::array();
  ordered_json addedDecoder = ordered_json::object();
  std::map<std::string, int> specialIds;
  for (const std::string& s : specials) {
    const int id = static_cast<int>(tokens.size() + specialIds.size());
    specialIds[s] = id;
    ordered_json token{{"id", id},        {"content", s},    {"single_word", false},
                       {"lstrip", false}, {"rstrip", false}, {"normalized", false},
                       {"special", true}};
    added.push_back(token);
    token.erase("id");
    addedDecoder[std::to_string(id)] = token;
  }
  ordered_json postProcessor = {{"type", "ByteLevel"},
                                {"add_prefix_space", false},
                                {"trim_offsets", false},
                                {"use_regex", false}};
  if (options.addBosToken) {
    const int bos = specialIds.at(options.bosToken);
    postProcessor = {
        {"type", "TemplateProcessing"},
        {"single", ordered_json::array(
                       {ordered_json{{"SpecialToken", {{"id", options.bosToken}, {"type_id", 0}}}},
                        ordered_json{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
        {"pair", ordered_json::array(
                     {ordered_json{{"SpecialToken", {{"id", options.bosToken}, {"type_id", 0}}}},
                      ordered_json{{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                      ordered_json{{"SpecialToken", {{"id", options.bosToken}, {"type_id", 1}}}},
                      ordered_json{{"Sequence", {{"id", "B"}, {"type_id", 1}}}}})},
        {"special_tokens",
         {{options.bosToken,
           {{"id", options.bosToken}, {"ids", {bos}}, {"tokens", {options.bosToken}}}}}}};
  }
  ordered_json doc{
      {"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added}};
  doc["normalizer"] = options.style == BpeTrainerOptions::Style::Qwen2
                          ? ordered_json{{"type", "NFC"}}
                          : ordered_json();
  doc["pre_tokenizer"] = preTokenizerJson(options.style);
  doc["post_processor"] = postProcessor;
  doc["decoder"] = {{"type", "ByteLevel"},
                    {"add_prefix_space", false},
                    {"trim_offsets", false},
                    {"use_regex", false}};
  doc["model"] = {{"type", "BPE"},
                  {"dropout", nullptr},
                  {"unk_token", nullptr},
                  {"continuing_subword_prefix", nullptr},
                  {"end_of_word_suffix", nullptr},
                  {"fuse_unk", false},
                  {"byte_fallback", false},
                  {"ignore_merges", false},
                  {"vocab", vocab},
                  {"merges", mergeList}};

  ordered_json config{{"tokenizer_class", "PreTrainedTokenizerFast"},
                      {"model_max_length", options.modelMaxLength},
                      {"clean_up_tokenization_spaces", false},
                      {"added_tokens_decoder", addedDecoder}};
  config["bos_token"] = options.bosToken.empty() ? ordered_json() : ordered_json(options.bosToken);
  config["eos_token"] = options.eosToken.empty() ? ordered_json() : ordered_json(options.eosToken);
  config["pad_token"] = options.padToken.empty() ? ordered_json() : ordered_json(options.padToken);
  config["unk_token"] = nullptr;
  if (options.chatTemplate) config["chat_template"] = *options.chatTemplate;

  TrainedTokenizerFiles files;
  files.tokenizerJson = doc.dump(2);
  files.tokenizerConfigJson = config.dump(2);
  files.mergeCount = static_cast<int>(merges.size());
  return files;
}

void writeTokenizerFiles(const TrainedTokenizerFiles& files, const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec)
    throw Error("writing tokenizer files: cannot create " + folder.string() + ": " + ec.message());
  for (const auto& [name, text] :
       {std::make_pair("tokenizer.json", &files.tokenizerJson),
        std::make_pair("tokenizer_config.json", &files.tokenizerConfigJson)}) {
    writeFileAtomically(folder / name, *text);
  }
}

}  // namespace tunebench
