// Reference metrics of generated text (core/eval/ReferenceMetrics.h) and the generation
// evaluator's settings for them (plugins/builtin/GenerationEvaluator.h). The figures must be
// those of the metric functions tst_generation_metrics checks against the references; BLEU and
// chrF intervals must come from resampled segment statistics, not from sentence scores.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builtin/GenerationEvaluator.h"
#include "common/Error.h"
#include "eval/BootstrapInterval.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ReferenceMetrics.h"
#include "jobs/BasicJobContext.h"

using namespace tunebench;

namespace {

bool near(double actual, double expected, double tolerance) {
  return std::abs(actual - expected) <= tolerance;
}

#define EXPECT_NEAR(actual, expected, tolerance)                                                \
  QVERIFY2(near((actual), (expected), (tolerance)), qPrintable(QString("%1 is %2, expected %3") \
                                                                   .arg(#actual)                \
                                                                   .arg((actual), 0, 'g', 17)   \
                                                                   .arg((expected), 0, 'g', 17)))

// sacreBLEU's README example, references grouped per hypothesis.
const std::vector<std::string> kHypotheses = {"The dog bit the man.", "It wasn't surprising.",
                                              "The man had just bitten him."};
const std::vector<std::vector<std::string>> kReferences = {
    {"The dog bit the man.", "The dog had bit the man."},
    {"It was not unexpected.", "No one was surprised."},
    {"The man bit him first.", "The man had bitten the dog."}};

// A single-reference corpus with spread-out scores, for the intervals.
const std::vector<std::string> kAnswers = {"The cat sat on the mat.",
                                           "Paris is the capital of France.",
                                           "He went home early.",
                                           "Water boils at 100 degrees.",
                                           "She likes green apples a lot.",
                                           "The meeting started at noon.",
                                           "Nobody knows.",
                                           "Two plus two is four."};
const std::vector<std::string> kGold = {
    "The cat sat on the mat.", "The capital of France is Paris.",
    "He left for home early.", "Water boils at 100 degrees Celsius.",
    "She loves red apples.",   "The meeting starts at 12 o'clock.",
    "The answer is unknown.",  "Two plus two equals four."};

double valueOf(const NamedScores& scores, const std::string& name) {
  for (const auto& [key, value] : scores)
    if (key == name) return value;
  throw Error("no " + name);
}

std::vector<std::string> namesOf(const NamedScores& scores) {
  std::vector<std::string> names;
  for (const auto& entry : scores) names.push_back(entry.first);
  return names;
}

ReferenceMetricOptions allMetrics(size_t resamples) {
  ReferenceMetricOptions options;
  options.metrics = {"squad", "rouge", "chrf", "bleu", "rouge"};  // any order, repeats count once
  options.bootstrapResamples = resamples;
  return options;
}

size_t figureIndex(const ReferenceMetricTable& table, const std::string& name) {
  for (size_t i = 0; i < table.names().size(); ++i)
    if (table.names()[i] == name) return i;
  throw Error("no figure " + name);
}

}  // namespace

class ReferenceMetricsTest : public QObject {
  Q_OBJECT
 private slots:
  void figuresAreTheMetricFunctions() {
    const auto result = referenceMetrics(kHypotheses, kReferences, allMetrics(0));
    QCOMPARE(namesOf(result.metrics),
             (std::vector<std::string>{"bleu", "chrf", "rouge1", "rouge2", "rougeL", "rougeLsum",
                                       "squad_exact_match", "squad_f1"}));
    // sacreBLEU README: BLEU 48.53 and chrF2 59.73 (full precision in tst_generation_metrics).
    EXPECT_NEAR(valueOf(result.metrics, "bleu"), 48.530827009929865, 1e-12);
    EXPECT_NEAR(valueOf(result.metrics, "chrf"), 59.72751782684763, 1e-10);
    EXPECT_NEAR(valueOf(result.metrics, "bleu"), corpusBleu(kHypotheses, kReferences).score, 0);
    EXPECT_NEAR(valueOf(result.metrics, "chrf"), corpusChrf(kHypotheses, kReferences).score, 0);
    const auto rouge = rougeCorpus(kHypotheses, kReferences);
    EXPECT_NEAR(valueOf(result.metrics, "rouge1"), rouge.mean.rouge1.fmeasure, 0);
    EXPECT_NEAR(valueOf(result.metrics, "rouge2"), rouge.mean.rouge2.fmeasure, 0);
    EXPECT_NEAR(valueOf(result.metrics, "rougeL"), rouge.mean.rougeL.fmeasure, 0);
    EXPECT_NEAR(valueOf(result.metrics, "rougeLsum"), rouge.mean.rougeLsum.fmeasure, 0);
    const auto squad = squadScores(kHypotheses, kReferences);
    EXPECT_NEAR(valueOf(result.metrics, "squad_exact_match"), squad.exactMatch, 0);
    EXPECT_NEAR(valueOf(result.metrics, "squad_f1"), squad.f1, 0);
    EXPECT_NEAR(valueOf(result.metrics, "squad_exact_match"), 100.0 / 3, 1e-12);  // item 1 only
    QCOMPARE(result.signatures.size(), size_t(2));
    QCOMPARE(result.signatures[0].first, std::string("bleu"));
    QCOMPARE(result.signatures[0].second,
             std::string("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"));
    QCOMPARE(result.signatures[1].first, std::string("chrf"));
    QCOMPARE(result.signatures[1].second,
             std::string("nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"));
    // Per item: sentence chrF, ROUGE-L and SQuAD F1 on their corpus figures' scales.
    QCOMPARE(result.items.size(), kHypotheses.size());
    for (size_t i = 0; i < kHypotheses.size(); ++i) {
      QCOMPARE(namesOf(result.items[i]), (std::vector<std::string>{"chrf", "rougeL", "squad_f1"}));
      EXPECT_NEAR(valueOf(result.items[i], "chrf"),
                  corpusChrf({kHypotheses[i]}, {kReferences[i]}).score, 1e-12);
      EXPECT_NEAR(valueOf(result.items[i], "rougeL"), rouge.items[i].rougeL.fmeasure, 0);
      EXPECT_NEAR(valueOf(result.items[i], "squad_f1"), 100 * squad.items[i].f1, 1e-12);
    }
  }

  void oneReferencePerItem() {
    ReferenceMetricOptions options = allMetrics(0);
    options.rougeStemmer = true;
    std::vector<std::vector<std::string>> lists;
    for (const auto& gold : kGold) lists.push_back({gold});
    const auto single = referenceMetrics(kAnswers, kGold, options);
    const auto listed = referenceMetrics(kAnswers, lists, options);
    QCOMPARE(single.metrics, listed.metrics);
    QCOMPARE(single.signatures[0].second,
             std::string("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"));
    RougeOptions stemmed;
    stemmed.useStemmer = true;
    EXPECT_NEAR(valueOf(single.metrics, "rougeL"),
                rougeCorpus(kAnswers, lists, stemmed).mean.rougeL.fmeasure, 0);
    // "started" and "starts" share the stem "start".
    QVERIFY(valueOf(single.metrics, "rouge1") >
            valueOf(referenceMetrics(kAnswers, kGold, allMetrics(0)).metrics, "rouge1"));
  }

  void resamplesScoreCorpusStatistics() {
    const ReferenceMetricTable table(kHypotheses, kReferences, allMetrics(0));
    const auto segments = bleuSegmentStatistics(kHypotheses, kReferences);
    const std::vector<size_t> resample = {0, 0, 2};
    BleuStatistics sum;
    for (size_t i : resample) sum += segments[i];
    const size_t bleu = figureIndex(table, "bleu");
    EXPECT_NEAR(table.score(bleu, resample), bleuFromStatistics(sum).score, 0);
    EXPECT_NEAR(table.score(bleu, {0, 1, 2}), 48.530827009929865, 1e-12);
    // The mean of the sentence scores is another figure.
    double sentenceMean = 0;
    for (size_t i : resample) sentenceMean += bleuFromStatistics(segments[i]).score / 3;
    QVERIFY(std::abs(table.score(bleu, resample) - sentenceMean) > 1);
    const auto chrfSegments = chrfSegmentStatistics(kHypotheses, kReferences);
    ChrfStatistics chrfSum(chrfSegments[0].size(), 0);
    double chrfSentenceMean = 0;
    for (size_t i : resample) {
      for (size_t k = 0; k < chrfSum.size(); ++k) chrfSum[k] += chrfSegments[i][k];
      chrfSentenceMean += chrfFromStatistics(chrfSegments[i]) / 3;
    }
    const size_t chrf = figureIndex(table, "chrf");
    EXPECT_NEAR(table.score(chrf, resample), chrfFromStatistics(chrfSum), 0);
    QVERIFY(std::abs(table.score(chrf, resample) - chrfSentenceMean) > 0.1);
    // Means of per-item scores for the others.
    const auto squad = squadScores(kHypotheses, kReferences);
    EXPECT_NEAR(table.score(figureIndex(table, "squad_f1"), resample),
                100 * (2 * squad.items[0].f1 + squad.items[2].f1) / 3, 1e-12);
    QVERIFY_THROWS_EXCEPTION(Error, table.score(bleu, {}));
    QVERIFY_THROWS_EXCEPTION(Error, table.score(bleu, {3}));
    QVERIFY_THROWS_EXCEPTION(Error, table.score(table.names().size(), {0}));
  }

  void bootstrapIntervals() {
    const auto result = referenceMetrics(kAnswers, kGold, allMetrics(300));
    QCOMPARE(result.metrics.size(), size_t(8 * 3));
    const auto plain = referenceMetrics(kAnswers, kGold, allMetrics(0));
    for (const auto& [name, value] : plain.metrics) {
      QCOMPARE(valueOf(result.metrics, name), value);
      const double low = valueOf(result.metrics, name + "_ci_low");
      const double high = valueOf(result.metrics, name + "_ci_high");
      QVERIFY2(low <= value && value <= high, name.c_str());
      QVERIFY2(low < high, name.c_str());
    }
    QCOMPARE(result.metrics[0].first, std::string("bleu"));
    QCOMPARE(result.metrics[1].first, std::string("bleu_ci_low"));
    QCOMPARE(result.metrics[2].first, std::string("bleu_ci_high"));
    // Deterministic for a seed, different for another.
    QCOMPARE(referenceMetrics(kAnswers, kGold, allMetrics(300)).metrics, result.metrics);
    ReferenceMetricOptions otherSeed = allMetrics(300);
    otherSeed.bootstrapSeed = 99;
    QVERIFY(referenceMetrics(kAnswers, kGold, otherSeed).metrics != result.metrics);
    // The BLEU interval is bootstrapInterval over summed segment statistics, same seed.
    std::vector<std::vector<std::string>> lists;
    for (const auto& gold : kGold) lists.push_back({gold});
    const auto segments = bleuSegmentStatistics(kAnswers, lists);
    BootstrapOptions bootstrap;
    bootstrap.resamples = 300;
    bootstrap.seed = 1234;
    const auto interval = bootstrapInterval(
        segments.size(),
        [&](const std::vector<size_t>& indices) {
          BleuStatistics sum;
          for (size_t i : indices) sum += segments[i];
          return bleuFromStatistics(sum).score;
        },
        bootstrap);
    QCOMPARE(valueOf(result.metrics, "bleu_ci_low"), interval.low);
    QCOMPARE(valueOf(result.metrics, "bleu_ci_high"), interval.high);
  }

  void badRequests() {
    ReferenceMetricOptions unknown;
    unknown.metrics = {"bleu", "meteor"};
    QVERIFY_THROWS_EXCEPTION(Error, referenceMetrics(kAnswers, kGold, unknown));
    QVERIFY_THROWS_EXCEPTION(Error, referenceMetrics({"a", "b"}, {"a"}, allMetrics(0)));
    QVERIFY_THROWS_EXCEPTION(Error, referenceMetrics(std::vector<std::string>{},
                                                     std::vector<std::string>{}, allMetrics(0)));
    QVERIFY_THROWS_EXCEPTION(
        Error, referenceMetrics({"a"}, std::vector<std::vector<std::string>>{{}}, allMetrics(0)));
    ReferenceMetricOptions certain = allMetrics(10);
    certain.confidence = 1;
    QVERIFY_THROWS_EXCEPTION(Error, referenceMetrics(kAnswers, kGold, certain));
    // Nothing asked for: nothing looked at.
    QVERIFY(referenceMetrics({"a", "b"}, {"a"}, ReferenceMetricOptions()).metrics.empty());
    QCOMPARE(referenceMetricFamilyList(), std::string("bleu, chrf, rouge, squad"));
  }

  void evaluatorScoringSettings() {
    const builtin::GenerationEvaluator evaluator;
    const nlohmann::json before = {{"prompt_field", "prompt"},
                                   {"response_field", "response"},
                                   {"max_new_tokens", 32},
                                   {"limit", 0}};
    QCOMPARE(evaluator.scoringSettings(nlohmann::json::object()), before);
    QCOMPARE(evaluator.scoringSettings({{"metrics", nlohmann::json::array()}}), before);
    QCOMPARE(evaluator.scoringSettings({{"metrics", " "}, {"bootstrap_seed", 5}}), before);
    nlohmann::json expected = before;
    expected["metrics"] = {"bleu", "rouge"};
    expected["rouge_stemmer"] = false;
    expected["bootstrap_resamples"] = 1000;
    expected["bootstrap_seed"] = 1234;
    QCOMPARE(evaluator.scoringSettings({{"metrics", "rouge, bleu,"}}), expected);
    QCOMPARE(evaluator.scoringSettings({{"metrics", {"bleu", "rouge", "bleu"}}}), expected);
    expected = before;
    expected["metrics"] = {"chrf", "squad"};
    expected["bootstrap_resamples"] = 0;  // no seed, no stemmer: they decide nothing here
    QCOMPARE(evaluator.scoringSettings(
                 {{"metrics", "squad,chrf"}, {"bootstrap_resamples", 0}, {"rouge_stemmer", true}}),
             expected);
  }

  void evaluatorSettingErrors() {
    const builtin::GenerationEvaluator evaluator;
    try {
      evaluator.scoringSettings({{"metrics", "bleu,blue"}});
      QFAIL("an unknown metric was accepted");
    } catch (const Error& error) {
      const std::string message = error.what();
      QVERIFY2(message.find("\"metrics\"") != std::string::npos, error.what());
      QVERIFY2(message.find("\"blue\"") != std::string::npos, error.what());
      QVERIFY2(message.find("bleu, chrf, rouge, squad") != std::string::npos, error.what());
    }
    QVERIFY_THROWS_EXCEPTION(Error, evaluator.scoringSettings({{"metrics", 3}}));
    QVERIFY_THROWS_EXCEPTION(Error, evaluator.scoringSettings({{"metrics", {"bleu", 1}}}));
    QVERIFY_THROWS_EXCEPTION(
        Error, evaluator.scoringSettings({{"metrics", "bleu"}, {"rouge_stemmer", 1}}));
    QVERIFY_THROWS_EXCEPTION(
        Error, evaluator.scoringSettings({{"metrics", "bleu"}, {"bootstrap_resamples", -1}}));
    // evaluate() refuses the setting before it reads the data or loads the model.
    builtin::GenerationEvaluator running;
    EvaluatorRequest request;
    request.dataFile = "/nonexistent/data.jsonl";
    request.settings = {{"metrics", {"rouge-l"}}};
    BasicJobContext context;
    try {
      running.evaluate(request, context);
      QFAIL("an unknown metric was accepted");
    } catch (const Error& error) {
      QVERIFY2(std::string(error.what()).find("\"rouge-l\"") != std::string::npos, error.what());
    }
  }

  void evaluatorAddsFiguresAndItemScores() {
    EvaluationResult evaluation;
    evaluation.examples = int64_t(kAnswers.size());
    for (size_t i = 0; i < kAnswers.size(); ++i) {
      ExampleOutcome outcome;
      outcome.prompt = "question " + std::to_string(i);
      outcome.reference = kGold[i];
      outcome.generated = kAnswers[i];
      outcome.exactMatch = kAnswers[i] == kGold[i];
      evaluation.outcomes.push_back(outcome);
    }
    EvaluatorResult result = generationScores(evaluation);
    const auto existing = result.metrics;
    std::vector<std::string> logged;
    BasicJobContext context;
    context.onLog = [&](LogLevel, const std::string& text) { logged.push_back(text); };
    builtin::addReferenceMetrics(builtin::referenceMetricSettings(nlohmann::json::object()), result,
                                 context);
    QCOMPARE(result.metrics, existing);
    QVERIFY(logged.empty());
    const auto options = builtin::referenceMetricSettings(
        {{"metrics", "bleu,chrf,rouge,squad"}, {"bootstrap_resamples", 50}, {"bootstrap_seed", 7}});
    builtin::addReferenceMetrics(options, result, context);
    QCOMPARE(result.metrics.size(), existing.size() + 8 * 3);
    for (size_t i = 0; i < existing.size(); ++i) QCOMPARE(result.metrics[i], existing[i]);
    const NamedScores added(result.metrics.begin() + long(existing.size()), result.metrics.end());
    QCOMPARE(added, referenceMetrics(kAnswers, kGold, options).metrics);
    for (const auto& item : result.items) {
      QVERIFY(item.details.contains("response_nll"));
      QVERIFY(item.details["chrf"].is_number());
      QVERIFY(item.details["rougeL"].is_number());
      QVERIFY(item.details["squad_f1"].is_number());
    }
    EXPECT_NEAR(result.items[0].details["squad_f1"].get<double>(), 100.0, 0);  // identical texts
    QCOMPARE(logged.size(), size_t(2));
    QCOMPARE(logged[0], std::string("bleu signature: "
                                    "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"));
    QVERIFY(logged[1].rfind("chrf signature: nrefs:1|", 0) == 0);
    // The stored result still reads back as a generation evaluation.
    QVERIFY(isGenerationEvaluation(result.metrics));
    QCOMPARE(generationResultOf(result).outcomes.size(), kAnswers.size());
  }
};

QTEST_GUILESS_MAIN(ReferenceMetricsTest)
#include "tst_reference_metrics.moc"
