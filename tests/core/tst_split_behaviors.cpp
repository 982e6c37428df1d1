// The Split pre-tokenizer's behaviors as Hugging Face's tokenizers define them (Gemma 3's
// tokenizer.json uses MergedWithPrevious): the documented example "the-final--countdown" split
// on "-" for each behavior, and the same with `invert`, where the text between the delimiters is
// what the behavior acts on.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "tokenizer/JsonNode.h"
#include "tokenizer/TokenizerSteps.h"

using tunebench::JsonNode;

namespace {

std::vector<std::string> split(const std::string& behavior, bool invert, const std::string& text) {
  const nlohmann::json json = {{"type", "Split"},
                               {"pattern", {{"String", "-"}}},
                               {"behavior", behavior},
                               {"invert", invert}};
  const auto steps = tunebench::parsePreTokenizer(JsonNode(json, "tokenizer.json"));
  std::vector<std::string> pieces;
  for (const auto& piece : tunebench::preTokenize(steps, {tunebench::PreToken{text, true}}))
    pieces.push_back(piece.text);
  return pieces;
}

using Pieces = std::vector<std::string>;

}  // namespace

class SplitBehaviorsTest : public QObject {
  Q_OBJECT
 private slots:
  void documentedExample() {
    const std::string text = "the-final--countdown";
    QCOMPARE(split("Removed", false, text), (Pieces{"the", "final", "countdown"}));
    QCOMPARE(split("Isolated", false, text), (Pieces{"the", "-", "final", "-", "-", "countdown"}));
    QCOMPARE(split("MergedWithPrevious", false, text),
             (Pieces{"the-", "final-", "-", "countdown"}));
    QCOMPARE(split("MergedWithNext", false, text), (Pieces{"the", "-final", "-", "-countdown"}));
    QCOMPARE(split("Contiguous", false, text), (Pieces{"the", "-", "final", "--", "countdown"}));
  }

  void invertedSwapsTheRoles() {
    const std::string text = "the-final--countdown";
    QCOMPARE(split("Removed", true, text), (Pieces{"-", "-", "-"}));
    QCOMPARE(split("Isolated", true, text), (Pieces{"the", "-", "final", "-", "-", "countdown"}));
    QCOMPARE(split("MergedWithPrevious", true, text), (Pieces{"the", "-final", "-", "-countdown"}));
    QCOMPARE(split("MergedWithNext", true, text), (Pieces{"the-", "final-", "-", "countdown"}));
    QCOMPARE(split("Contiguous", true, text), (Pieces{"the", "-", "final", "--", "countdown"}));
  }

  void edges() {
    // Delimiters at both ends and nothing but delimiters.
    QCOMPARE(split("MergedWithPrevious", false, "-a-"), (Pieces{"-", "a-"}));
    QCOMPARE(split("MergedWithNext", false, "-a-"), (Pieces{"-a", "-"}));
    QCOMPARE(split("Contiguous", false, "---"), (Pieces{"---"}));
    QCOMPARE(split("Removed", false, "---"), Pieces{});
  }

  void unknownBehaviorIsNamed() {
    try {
      split("Sideways", false, "a-b");
      QFAIL("must throw");
    } catch (const tunebench::Error& e) {
      QVERIFY2(std::string(e.what()).find("split behavior \"Sideways\" is not supported") !=
                   std::string::npos,
               e.what());
    }
  }
};

QTEST_GUILESS_MAIN(SplitBehaviorsTest)
#include "tst_split_behaviors.moc"
