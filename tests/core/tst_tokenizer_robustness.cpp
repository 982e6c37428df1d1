// Seeded random damage to valid tokenizer.json files and chat templates: loading and rendering
// must either work or throw tunebench::Error, never crash or throw anything else. (Run under the
// sanitizers as well.)
#include <QtTest>

#include <random>

#include "chat/ChatPresets.h"
#include "chat/JinjaTemplate.h"
#include "chat_template_cases.h"
#include "common/Error.h"
#include "tokenizer/BpeTokenizer.h"
#include "tokenizer/BpeTrainer.h"

using nlohmann::json;

namespace {

std::string trainedJson() {
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) texts.emplace_back("hello world, the cat sat on the mat " + std::to_string(i));
  tunebench::BpeTrainerOptions options;
  options.vocabSize = 290;
  options.specialTokens = {"<|endoftext|>", "<s>"};
  options.bosToken = "<s>";
  options.addBosToken = true;
  return tunebench::trainByteLevelBpe(texts, options).tokenizerJson;
}

json randomValue(std::mt19937& rng) {
  switch (rng() % 8) {
    case 0: return nullptr;
    case 1: return static_cast<int>(rng() % 600) - 100;
    case 2: return "x y";
    case 3: return json::array({"a", 1});
    case 4: return json::object({{"type", "Split"}});
    case 5: return true;
    case 6: return 1e300;
    default: return "\xE2\x96\x81";
  }
}

// Replaces one random node of the document.
void damage(json& node, std::mt19937& rng, int depth = 0) {
  if ((node.is_object() || node.is_array()) && !node.empty() && (depth < 2 || rng() % 3 != 0)) {
    auto it = node.begin();
    std::advance(it, static_cast<long>(rng() % node.size()));
    if (rng() % 10 == 0) {
      if (node.is_object()) node.erase(it.key());
      else node.erase(static_cast<size_t>(std::distance(node.begin(), it)));
      return;
    }
    damage(*it, rng, depth + 1);
    return;
  }
  node = randomValue(rng);
}

template <typename F>
void expectWorksOrProjectError(F&& f, const std::string& what) {
  try {
    f();
  } catch (const tunebench::Error&) {
  } catch (const std::exception& e) {
    QFAIL((what + ": a non-project exception escaped: " + e.what()).c_str());
  }
}

}  // namespace

class TokenizerRobustnessTest : public QObject {
  Q_OBJECT
 private slots:
  void damagedTokenizerJson() {
    const json valid = json::parse(trainedJson());
    std::mt19937 rng(42);
    for (int i = 0; i < 400; ++i) {
      json doc = valid;
      for (int k = 0; k <= static_cast<int>(rng() % 3); ++k) damage(doc, rng);
      expectWorksOrProjectError([&] {
        const auto t = tunebench::BpeTokenizer::fromJson(doc, "tokenizer.json");
        const auto ids = t->encode("hello <s> world \xF0\x9F\x98\x80  ");
        t->decode(ids);
      }, "json damage " + std::to_string(i));
    }
  }

  void truncatedAndFlippedBytes() {
    const std::string valid = trainedJson();
    std::mt19937 rng(7);
    for (int i = 0; i < 300; ++i) {
      std::string bytes = valid;
      if (i % 2 == 0) bytes.resize(rng() % bytes.size());
      else for (int k = 0; k < 4; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng() % 256);
      expectWorksOrProjectError([&] {
        const auto doc = tunebench::JsonNode::parseText(bytes, "tokenizer.json");
        tunebench::BpeTokenizer::fromJson(doc, "tokenizer.json")->encode("hello world");
      }, "byte damage " + std::to_string(i));
    }
  }

  void damagedTemplates() {
    std::vector<std::string> sources;
    for (const auto& name : tunebench::chatPresetNames()) sources.push_back(tunebench::chatPresetSource(name));
    for (const auto& entry : chat_cases::templates()) sources.emplace_back(entry.second);
    const auto contexts = nlohmann::ordered_json::parse(chat_cases::contextsJson());
    const char* pieces[] = {"{%", "%}", "{{", "}}", "{#", "#}", "-", "(", ")", "[", "]", "'", "\"", "|", ".",
                            " if ", " for ", "endfor", "endif", " in ", "loop", "ns.", "~", "**", ":", ","};
    std::mt19937 rng(99);
    for (int i = 0; i < 1500; ++i) {
      std::string source = sources[rng() % sources.size()];
      for (int k = 0; k <= static_cast<int>(rng() % 3); ++k) {
        const size_t at = rng() % (source.size() + 1);
        if (rng() % 2) source.insert(at, pieces[rng() % std::size(pieces)]);
        else source.erase(at, rng() % 6);
      }
      expectWorksOrProjectError([&] {
        const tunebench::jinja::Template t(source);
        t.render(tunebench::jinja::Value::fromJson(contexts[rng() % contexts.size()]).asDict());
      }, "template damage " + std::to_string(i));
    }
  }
};

QTEST_GUILESS_MAIN(TokenizerRobustnessTest)
#include "tst_tokenizer_robustness.moc"
