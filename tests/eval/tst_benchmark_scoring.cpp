// Multiple-choice benchmark scoring without a model: the harness's scoring rules on given
// log-likelihoods, its documents and prompts, Python's few-shot sampling, and the statistics.
#include <QtTest>

#include <cmath>

#include "common/Error.h"
#include "eval/ChoiceDocuments.h"
#include "eval/ChoicePrompts.h"
#include "eval/MultipleChoice.h"
#include "eval/PythonRandom.h"
#include "eval/SampleStatistics.h"

using namespace tunebench;
using nlohmann::json;

namespace {

ChoiceQuestion twoChoices(const std::string& first, const std::string& second, size_t gold) {
  ChoiceQuestion question;
  question.contexts = {"Question: ?\nAnswer:"};
  question.continuations = {" " + first, " " + second};
  question.choices = {first, second};
  question.gold = {gold};
  return question;
}

std::vector<ChoiceDocument> userDocuments(size_t count) {
  std::vector<ChoiceDocument> documents;
  for (size_t i = 0; i < count; ++i) {
    const auto n = std::to_string(i);
    documents.push_back(readChoiceDocument(
        "multiple_choice", {{"question", "Q" + n}, {"choices", {"x" + n, "y" + n}}, {"answer", 0}},
        "row " + n));
  }
  return documents;
}

}  // namespace

class BenchmarkScoringTest : public QObject {
  Q_OBJECT
 private slots:
  // Summed log-likelihood and per-character normalisation pick different choices on purpose.
  void accuracyAndLengthNormalisedAccuracyDisagree() {
    const auto question = twoChoices("A", "BBBB", 1);
    const auto score = scoreChoiceQuestion(question, {-2.0, -4.0}, {true, false});
    QCOMPARE(score.predicted, size_t(0));          // -2 > -4
    QCOMPARE(score.predictedByLength, size_t(1));  // -2/1 < -4/4
    QCOMPARE(score.accuracy, 0.0);
    QCOMPARE(score.lengthNormalised, 1.0);
    QVERIFY(!score.greedyGold);
  }

  // Characters are code points (Python's len), bytes are UTF-8 bytes.
  void byteNormalisationCountsUtf8Bytes() {
    const auto question = twoChoices("\xC3\xA9", "ab", 0);  // "é": 1 character, 2 bytes
    const auto score = scoreChoiceQuestion(question, {-1.5, -2.5}, {false, false});
    QCOMPARE(score.predicted, size_t(0));          // -1.5 > -2.5
    QCOMPARE(score.predictedByLength, size_t(1));  // -1.5/1 < -2.5/2
    QCOMPARE(score.predictedByBytes, size_t(0));   // -1.5/2 > -2.5/2
    QCOMPARE(score.byteNormalised, 1.0);
    QCOMPARE(codePointCount("\xC3\xA9t\xC3\xA9"), size_t(3));
  }

  void tiesGoToTheFirstChoiceAsNumpyArgmaxDoes() {
    const auto question = twoChoices("yes", "no!", 1);
    const auto score = scoreChoiceQuestion(question, {-3.0, -3.0}, {false, false});
    QCOMPARE(score.predicted, size_t(0));
    QCOMPARE(score.accuracy, 0.0);
  }

  // TruthfulQA MC2: exp, normalise to one, sum over the true answers.
  void probabilityMassIsNormalisedOverTheChoices() {
    ChoiceQuestion question = twoChoices("a", "b", 0);
    question.choices.push_back("c");
    question.continuations.push_back(" c");
    question.trueAnswers = {true, true, false};
    question.probabilityMass = true;
    const auto score = scoreChoiceQuestion(question, {std::log(0.1), std::log(0.1), std::log(0.2)},
                                           {false, false, false});
    QVERIFY(std::abs(score.accuracy - 0.5) < 1e-12);  // 0.25 + 0.25
    // Far below exp's range, the mass is still well defined.
    const auto tiny = scoreChoiceQuestion(question, {-2000.0, -2000.0, -2000.0 + std::log(2.0)},
                                          {false, false, false});
    QVERIFY(std::abs(tiny.accuracy - 0.5) < 1e-9);
  }

  void aScoreCountMismatchIsAnError() {
    QVERIFY_THROWS_EXCEPTION(Error, scoreChoiceQuestion(twoChoices("a", "b", 0), {-1.0}, {true}));
  }

  // Winogrande: the blank filled by each option is a context; the rest of the sentence is the
  // shared continuation.
  void winograndeScoresTheSharedContinuation() {
    const json record{
        {"sentence", "The trophy doesn't fit into the suitcase because _ is too large."},
        {"option1", "the trophy"},
        {"option2", "the suitcase"},
        {"answer", "1"}};
    QCOMPARE(detectChoiceTask(record).value_or(""), std::string("winogrande"));
    const auto document = readChoiceDocument("winogrande", record, "row 1");
    const auto questions = choiceQuestions(choiceTask("winogrande"), {document}, {});
    const auto& question = questions.front();
    QCOMPARE(question.contexts.size(), size_t(2));
    QCOMPARE(question.contextOf(0),
             std::string("The trophy doesn't fit into the suitcase because the trophy"));
    QCOMPARE(question.contextOf(1),
             std::string("The trophy doesn't fit into the suitcase because the suitcase"));
    QCOMPARE(question.continuationOf(0), std::string(" is too large."));
    QCOMPARE(question.continuationOf(1), std::string(" is too large."));
    QCOMPARE(question.gold, std::vector<size_t>{0});
    QCOMPARE(document.solvedExample(),
             std::string("The trophy doesn't fit into the suitcase because the trophy is too "
                         "large."));
  }

  // HellaSwag's preprocessing: capitalised ctx_b, "[...]" removed, " [title]" → ". ", "  " → " "
  // in one pass (three spaces become two, as Python's str.replace leaves them).
  void hellaSwagTextIsPreprocessedAsTheHarnessDoes() {
    const json record{{"activity_label", "Baking [header] bread"},
                      {"ctx_a", "Knead the dough [step]  well."},
                      {"ctx_b", "tHEN REST"},
                      {"endings", {"How to [title] cook", " a [x\ny] b "}},
                      {"label", "1"}};
    QCOMPARE(detectChoiceTask(record).value_or(""), std::string("hellaswag"));
    const auto document = readChoiceDocument("hellaswag", record, "row 1");
    QCOMPARE(document.text, std::string("Baking bread: Knead the dough  well. Then rest"));
    QCOMPARE(document.choices.at(0), std::string("How to. cook"));
    QCOMPARE(document.choices.at(1), std::string("a [x\ny] b"));  // no "]" before the line end
    QCOMPARE(document.gold, std::vector<size_t>{1});
  }

  void arcGoldComesThroughTheLabelList() {
    const json record{
        {"question", "Which is a metal?"},
        {"choices", {{"text", {"wood", "iron", "glass"}}, {"label", {"1", "2", "3"}}}},
        {"answerKey", "2"}};
    QCOMPARE(detectChoiceTask(record).value_or(""), std::string("arc_easy"));
    const auto document = readChoiceDocument("arc_challenge", record, "row 1");
    QCOMPARE(document.text, std::string("Question: Which is a metal?\nAnswer:"));
    QCOMPARE(document.gold, std::vector<size_t>{1});
    json wrong = record;
    wrong["answerKey"] = "D";
    try {
      readChoiceDocument("arc_easy", wrong, "arc.jsonl line 4");
      QFAIL("an answer key outside the labels was accepted");
    } catch (const Error& e) {
      QVERIFY(std::string(e.what()).find("arc.jsonl line 4") != std::string::npos);
      QVERIFY(std::string(e.what()).find("\"D\"") != std::string::npos);
    }
  }

  void truthfulQaUsesItsPrimerAndLabels() {
    const json record{
        {"question", "Is the sky green?"},
        {"mc1_targets", {{"choices", {"No.", "Yes."}}, {"labels", {1, 0}}}},
        {"mc2_targets", {{"choices", {"No.", "It is blue.", "Yes."}}, {"labels", {1, 1, 0}}}}};
    QCOMPARE(detectChoiceTask(record).value_or(""), std::string("truthfulqa_mc2"));
    const auto mc2 = readChoiceDocument("truthfulqa_mc2", record, "row 1");
    QCOMPARE(mc2.trueAnswers, (std::vector<bool>{true, true, false}));
    QVERIFY(mc2.text.rfind("Q: What is human life expectancy in the United States?\nA: ", 0) == 0);
    QVERIFY(mc2.text.find("Barcelona, Spain.\n\nQ: Is the sky green?\nA:") != std::string::npos);
    const auto mc1 = readChoiceDocument("truthfulqa_mc1", record, "row 1");
    QCOMPARE(mc1.choices.size(), size_t(2));
    QCOMPARE(mc1.gold, std::vector<size_t>{0});
  }

  // MMLU: the subject's description, then the first n dev questions of the same subject.
  void mmluFewShotIsTheFirstDevQuestionsOfTheSubject() {
    auto mmluRecord = [](const std::string& subject, const std::string& question, int answer) {
      return json{{"question", " " + question + " "},
                  {"subject", subject},
                  {"choices", {"one", "two", "three", "four"}},
                  {"answer", answer}};
    };
    std::vector<ChoiceDocument> dev;
    dev.push_back(readChoiceDocument("mmlu", mmluRecord("anatomy", "D1?", 0), "dev 1"));
    dev.push_back(readChoiceDocument("mmlu", mmluRecord("college_physics", "P1?", 2), "dev 2"));
    dev.push_back(readChoiceDocument("mmlu", mmluRecord("college_physics", "P2?", 3), "dev 3"));
    dev.push_back(readChoiceDocument("mmlu", mmluRecord("college_physics", "P3?", 1), "dev 4"));
    const auto test = readChoiceDocument("mmlu", mmluRecord("college_physics", "T?", 1), "test 1");
    QCOMPARE(detectChoiceTask(test.record).value_or(""), std::string("mmlu"));
    FewShotSettings fewShot;
    fewShot.count = 2;
    fewShot.pool = &dev;
    const auto question = choiceQuestions(choiceTask("mmlu"), {test}, fewShot).front();
    const std::string options = "\nA. one\nB. two\nC. three\nD. four\nAnswer:";
    QCOMPARE(question.contextOf(0),
             "The following are multiple choice questions (with answers) about college "
             "physics.\n\nP1?" +
                 options + " C\n\nP2?" + options + " D\n\nT?" + options);
    QCOMPARE(question.continuationOf(3), std::string(" D"));
    QCOMPARE(question.group, std::string("college_physics"));
    fewShot.count = 4;
    QVERIFY_THROWS_EXCEPTION(Error, choiceQuestions(choiceTask("mmlu"), {test}, fewShot));
  }

  // Drawn as random.Random(1234).sample(docs, n + 1) per document, in order, the document
  // itself left out (expected indices from CPython 3.11).
  void sampledFewShotFollowsPythonsRandomSample() {
    const auto documents = userDocuments(6);
    FewShotSettings fewShot;
    fewShot.count = 2;
    fewShot.pool = &documents;
    fewShot.poolHoldsEvaluated = true;
    const auto questions = choiceQuestions(choiceTask("multiple_choice"), documents, fewShot);
    const std::vector<std::pair<int, int>> expected = {{3, 4}, {0, 4}, {5, 0},
                                                       {2, 1}, {0, 5}, {4, 3}};
    for (size_t i = 0; i < documents.size(); ++i) {
      const auto a = std::to_string(expected[i].first), b = std::to_string(expected[i].second);
      const auto n = std::to_string(i);
      QCOMPARE(questions[i].contextOf(0), "Question: Q" + a + "\nAnswer: x" + a +
                                              "\n\nQuestion: Q" + b + "\nAnswer: x" + b +
                                              "\n\nQuestion: Q" + n + "\nAnswer:");
    }
  }

  // Values from CPython 3.11's random module.
  void pythonRandomMatchesCPython() {
    PythonRandom random(1234);
    QCOMPARE(random.nextWord(), 4150886329u);
    QCOMPARE(random.nextWord(), 3342196574u);
    PythonRandom sampler(1234);
    QCOMPARE(sampler.sample(100, 5), (std::vector<size_t>{99, 56, 14, 0, 11}));
    QCOMPARE(sampler.sample(100, 5), (std::vector<size_t>{74, 4, 85, 88, 10}));
    QCOMPARE(sampler.sample(10, 3), (std::vector<size_t>{1, 5, 3}));
    // Above Python's pool-size limit, sample switches to a set of drawn indices.
    QCOMPARE(PythonRandom(7).sample(100000, 6),
             (std::vector<size_t>{42445, 19772, 51750, 85319, 6328, 9494}));
    // Seeds wider than 32 bits are split into words, least significant first.
    QCOMPARE(PythonRandom((uint64_t{1} << 40) + 5).sample(50, 4),
             (std::vector<size_t>{32, 33, 17, 42}));
    QVERIFY_THROWS_EXCEPTION(Error, PythonRandom(1).sample(2, 3));
  }

  void userColumnsMayBeNamedAndAnswersGivenAsText() {
    ChoiceColumns columns{"prompt", "options", "correct"};
    const json record{{"prompt", "2 + 2?"}, {"options", {"3", "4"}}, {"correct", "4"}};
    QCOMPARE(readChoiceDocument("multiple_choice", record, "r", columns).gold,
             std::vector<size_t>{1});
    const json lettered{{"prompt", "2 + 2?"}, {"options", {"3", "4"}}, {"correct", "B"}};
    QCOMPARE(readChoiceDocument("multiple_choice", lettered, "r", columns).gold,
             std::vector<size_t>{1});
    const json outOfRange{{"prompt", "2 + 2?"}, {"options", {"3", "4"}}, {"correct", 5}};
    QVERIFY_THROWS_EXCEPTION(Error,
                             readChoiceDocument("multiple_choice", outOfRange, "r", columns));
    QVERIFY(!detectChoiceTask(json{{"text", "x"}}).has_value());
    QVERIFY_THROWS_EXCEPTION(Error, choiceTask("squad"));
  }

  // lm-evaluation-harness's mean_stderr, and the pooled standard error of a size-weighted group
  // (values worked out by hand).
  void standardErrorsAreTheHarnesss() {
    const std::vector<double> values{1, 0, 1, 1};  // mean 0.75, sample variance 0.25
    QVERIFY(std::abs(mean(values) - 0.75) < 1e-12);
    QVERIFY(std::abs(meanStandardError(values) - 0.25) < 1e-12);  // sqrt(0.25)/sqrt(4)
    QCOMPARE(meanStandardError({1.0}), 0.0);
    // Two subtasks (sizes 4 and 2, standard errors 0.25 and 0.5):
    // (3*0.0625*4 + 1*0.25*2) / (6 - 2) = 0.3125; sqrt(0.3125 / 6).
    QVERIFY(std::abs(pooledStandardError({0.25, 0.5}, {4, 2}) - std::sqrt(0.3125 / 6.0)) < 1e-12);
  }
};

QTEST_APPLESS_MAIN(BenchmarkScoringTest)
#include "tst_benchmark_scoring.moc"
