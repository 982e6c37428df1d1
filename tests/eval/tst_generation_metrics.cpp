// Reference-exact text generation metrics (core/eval): SQuAD v1.1, sacreBLEU's BLEU and chrF,
// rouge-score's ROUGE with NLTK's Porter stemmer, lm-evaluation-harness's GSM8K extraction and
// exact match, and the bootstrap interval. Every expected value is hard-coded; the comment
// beside it says where it comes from. "Reference run" means the named reference's own Python
// code (sacrebleu 2.6.0, NLTK 3.8 porter.py, rouge-score's rouge_scorer.py, the SQuAD v1.1
// script, lm-evaluation-harness's RegexFilter and exact_match_hf_evaluate) run on that input.
#include <QtTest>

#include <cmath>
#include <random>

#include "common/Error.h"
#include "eval/AnswerExtraction.h"
#include "eval/Bleu.h"
#include "eval/BootstrapInterval.h"
#include "eval/Chrf.h"
#include "eval/PorterStemmer.h"
#include "eval/Rouge.h"
#include "eval/SquadMetrics.h"

using namespace tunebench;

namespace {

QString q(const std::string& text) {
  return QString::fromStdString(text);
}

bool near(double actual, double expected, double tolerance) {
  return std::abs(actual - expected) <= tolerance;
}

#define EXPECT_NEAR(actual, expected, tolerance)                                                \
  QVERIFY2(near((actual), (expected), (tolerance)), qPrintable(QString("%1 is %2, expected %3") \
                                                                   .arg(#actual)                \
                                                                   .arg((actual), 0, 'g', 17)   \
                                                                   .arg((expected), 0, 'g', 17)))

// sacreBLEU's README example; refs regrouped per hypothesis (the README gives one stream per
// reference).
const std::vector<std::string> kReadmeHypotheses = {"The dog bit the man.", "It wasn't surprising.",
                                                    "The man had just bitten him."};
const std::vector<std::vector<std::string>> kReadmeReferences = {
    {"The dog bit the man.", "The dog had bit the man."},
    {"It was not unexpected.", "No one was surprised."},
    {"The man bit him first.", "The man had bitten the dog."}};

// rouge-score's testdata (rouge/testdata/target.txt and prediction.txt, second lines;
// pyrouge_files/target_multi.0.txt and prediction_multi.0.txt).
const char* const kRouge155Prediction1 =
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed Hqq"
    "LFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVj"
    "D\n";
const char* const kRouge155Target1 =
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psi"
    "ng sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJ"
    "tKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'"
    "I DNxqelhu,PHPxDEq,mtion SN\n";
const char* const kRouge155MultiPrediction =
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi"
    "\nn cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed H"
    "qqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeY"
    "VjD\nxfs VkJE QhgKiLHE -HidivzoM.dO anhing jbLQiSGDTCsuhREebUaKM dv J\nVjWH'BdyW"
    "jnfGU-OjTNaEMdFICyLWfQMing wEMfdOKijg AwkeKbO 'DxqNO\n";
const char* const kRouge155MultiTarget =
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRin"
    "g Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L"
    "\nKsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion p"
    "sing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZ"
    "wJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBK"
    "V'I DNxqelhu,PHPxDEq,mtion SN\nNhETebUbBk'er WOvoHMTjSRizKgH'vHiing Xu,hWxfs VkN"
    "E QhgKiLHE -HidivzoM.dO anhtion jbLQiSGDTCsuhREebUaKM dv J dVN tmbOT\nvMR HDm,xO"
    "Aetion D,tion HJtodT.mHl UIv-p VjWH'BdyWjnfGU-OjT aEMdFICyLWfQMtion wEMfdOKing A"
    "wkeKbO 'DxqNOHBH qKtVvm OYJl mM\n";

std::vector<BleuStatistics> readmeBleuStatistics() {
  return bleuSegmentStatistics(kReadmeHypotheses, kReadmeReferences);
}

}  // namespace

class GenerationMetricsTest : public QObject {
  Q_OBJECT
 private slots:
  void pythonStringRules() {
    // Python: 'ΣΟΦΟΣ'.lower() == 'σοφος' (final sigma); 'İ'.lower() == 'i\u0307'.
    QCOMPARE(q(pythonLower(std::string("ΣΟΦΟΣ ΟΣ."))), QString("σοφος ος."));
    QCOMPARE(q(pythonLower(std::string("İ"))), QString("i\u0307"));
    // Python: ' a\u00a0b\x1cc\n'.split() == ['a', 'b', 'c'].
    QCOMPARE(pythonSplit(std::string(" a\u00a0b\x1c"
                                     "c\n"),
                         nullptr, -1, false),
             (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(q(pythonStrip("\t x y \u3000", nullptr, true, true)), QString("x y"));
  }

  void squadNormalisation() {
    // Reference run of the SQuAD v1.1 script's normalize_answer.
    QCOMPARE(q(squadNormalizeAnswer("The Eiffel Tower!")), QString("eiffel tower"));
    QCOMPARE(q(squadNormalizeAnswer("  An   apple, a day ")), QString("apple day"));
    QCOMPARE(q(squadNormalizeAnswer("theater and a-n")), QString("theater and"));
    QCOMPARE(q(squadNormalizeAnswer("Théa the")), QString("théa"));  // \b is Unicode
    QCOMPARE(q(squadNormalizeAnswer("ΣΟΦΟΣ")), QString("σοφος"));
  }

  void squadExactMatchAndF1() {
    // Reference run of exact_match_score / f1_score; by hand: "in paris france" vs "paris"
    // share 1 token, P = 1/3, R = 1, F1 = 0.5.
    QVERIFY(!squadExactMatch("in Paris, France", "Paris"));
    EXPECT_NEAR(squadF1("in Paris, France", "Paris"), 0.5, 1e-15);
    EXPECT_NEAR(squadF1("the the cat sat", "a cat sat down"), 0.8, 1e-15);  // 2/2 and 2/3
    EXPECT_NEAR(squadF1("Denver Broncos", "Broncos of Denver"), 0.8, 1e-15);
    QVERIFY(squadExactMatch("", "the"));      // both normalise to ""
    EXPECT_NEAR(squadF1("", "the"), 0.0, 0);  // and F1 is 0 (v1.1 script)
    const SquadItemScore item = squadItemScore("Paris", {"in Paris", "Paris, France", "paris"});
    QCOMPARE(item.exactMatch, 1.0);
    QCOMPARE(item.f1, 1.0);
    // Percentages as the script prints them: EM (1 + 0) / 2, F1 (1 + 0.5) / 2.
    const SquadScores scores =
        squadScores({"the Paris", "in Paris, France"}, {{"Paris"}, {"Paris"}});
    EXPECT_NEAR(scores.exactMatch, 50.0, 1e-12);
    EXPECT_NEAR(scores.f1, 75.0, 1e-12);
    QVERIFY_THROWS_EXCEPTION(Error, squadScores({"a"}, {}));
    QVERIFY_THROWS_EXCEPTION(Error, squadItemScore("a", {}));
  }

  void tokenizer13a() {
    // Reference run of sacrebleu.tokenizers.tokenizer_13a.Tokenizer13a.
    QCOMPARE(q(tokenize13a("Hello, world! It's 3.14 - a test.")),
             QString("Hello , world ! It's 3.14 - a test ."));
    QCOMPARE(q(tokenize13a("1,000.50 dollars; e.g. x-ray 2-3 (ok)")),
             QString("1,000.50 dollars ; e . g . x-ray 2 - 3 ( ok )"));
    QCOMPARE(q(tokenize13a("&quot;quoted&quot; &amp; &lt;tag&gt; <skipped>end-\nline\nnext")),
             QString("\" quoted \" & < tag > endline next"));
    QCOMPARE(q(tokenize13a("The U.S.A. isn't $5,000.")),
             QString("The U . S . A . isn't $ 5,000 ."));
    QCOMPARE(q(tokenize13a("  tabs\tand\u00a0nbsp  ")), QString("tabs and nbsp"));
  }

  void bleuReadmeExample() {
    // sacreBLEU README: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17
    // ref_len = 18)"; the full-precision figures from a reference run of sacrebleu 2.6.0.
    const BleuScore bleu = corpusBleu(kReadmeHypotheses, kReadmeReferences);
    EXPECT_NEAR(bleu.score, 48.530827009929865, 1e-12);
    EXPECT_NEAR(bleu.precisions[0], 82.3529411764706, 1e-12);
    EXPECT_NEAR(bleu.precisions[1], 50.0, 1e-12);
    EXPECT_NEAR(bleu.precisions[2], 45.45454545454545, 1e-12);
    EXPECT_NEAR(bleu.precisions[3], 37.5, 1e-12);
    EXPECT_NEAR(bleu.bp, 0.9428731438548749, 1e-15);
    EXPECT_NEAR(bleu.ratio, 0.9444444444444444, 1e-15);
    QCOMPARE(bleu.sysLen, size_t(17));
    QCOMPARE(bleu.refLen, size_t(18));
    // BLEU.get_signature() of the same run.
    QCOMPARE(q(bleu.signature),
             QString("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"));
  }

  void bleuSacreBleuTestSuite() {
    // sacrebleu test/test_bleu.py, test_case_statistics: counts [4, 2, 1, 0], totals
    // [6, 5, 4, 3]; score and lengths from a reference run with the default BLEU().
    const BleuScore bleu =
        corpusBleu({"am I am a character sequence"}, {{"I am a symbol string sequence a a"}});
    QCOMPARE(bleu.matches, (std::array<size_t, 4>{4, 2, 1, 0}));
    QCOMPARE(bleu.totals, (std::array<size_t, 4>{6, 5, 4, 3}));
    EXPECT_NEAR(bleu.score, 23.263472697663296, 1e-12);
    EXPECT_NEAR(bleu.bp, 0.7165313105737893, 1e-15);
    // test_case_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) = 0.8375922397 x 100.
    BleuStatistics statistics;
    statistics.matches = {9, 7, 5, 3};
    statistics.totals = {10, 8, 6, 4};
    statistics.sysLen = statistics.refLen = 11;
    EXPECT_NEAR(bleuFromStatistics(statistics).score, 83.75922397086269, 1e-10);
    // exp smoothing, reference run: compute_bleu([9, 7, 0, 0], [10, 8, 6, 4], 11, 13, 'exp').
    statistics.matches = {9, 7, 0, 0};
    statistics.refLen = 13;
    EXPECT_NEAR(bleuFromStatistics(statistics).score, 21.099623233542363, 1e-10);
    // test_corpus_bleu_cases: empty hypotheses score 0 (and are not dropped: ref_len 17).
    const BleuScore empty = corpusBleu({"", "", ""}, kReadmeReferences);
    QCOMPARE(empty.score, 0.0);
    QCOMPARE(empty.refLen, size_t(17));
  }

  void bleuOptionsAndReferenceLengths() {
    // Reference runs of BLEU(lowercase=False/True).
    const BleuScore mixed = corpusBleu({"THE DOG bit the man."}, {{"The dog bit the man."}});
    EXPECT_NEAR(mixed.score, 50.81327481546149, 1e-12);
    BleuOptions lowercase;
    lowercase.lowercase = true;
    const BleuScore lower =
        corpusBleu({"THE DOG bit the man."}, {{"The dog bit the man."}}, lowercase);
    EXPECT_NEAR(lower.score, 100.00000000000004, 1e-12);
    QCOMPARE(q(lower.signature),
             QString("nrefs:1|case:lc|eff:no|tok:13a|smooth:exp|version:2.6.0"));
    // Closest reference lengths: 2 -> 3 and 6 -> 6 (reference run: ref_len 9, BP 0.8825).
    const BleuScore closest =
        corpusBleu({"the cat", "a dog sat on the mat"}, {{"the cat sat"}, {"a dog sat on a mat"}});
    QCOMPARE(closest.refLen, size_t(9));
    EXPECT_NEAR(closest.score, 49.27817047811719, 1e-12);
    EXPECT_NEAR(closest.bp, 0.8824969025845955, 1e-15);
    // A tie (5 tokens against 3 and 7) takes the shorter reference.
    QCOMPARE(corpusBleu({"a b c d e"}, {{"a b c", "a b c d e f g"}}).refLen, size_t(3));
    // Different numbers of references per segment: "nrefs:var" as sacreBLEU writes it.
    QVERIFY(q(corpusBleu({"a", "b"}, {{"a"}, {"b", "c"}}).signature).startsWith("nrefs:var|"));
    QVERIFY_THROWS_EXCEPTION(Error, corpusBleu({"a", "b"}, {{"a"}}));
    QVERIFY_THROWS_EXCEPTION(Error, corpusBleu({"a"}, {{}}));
  }

  void chrfReadmeExample() {
    // sacreBLEU README: "chrF2 = 59.73"; full precision and chrF++ from a reference run.
    const ChrfScore chrf = corpusChrf(kReadmeHypotheses, kReadmeReferences);
    EXPECT_NEAR(chrf.score, 59.72751782684763, 1e-10);
    QCOMPARE(q(chrf.name), QString("chrF2"));
    QCOMPARE(q(chrf.signature),
             QString("nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"));
    ChrfOptions plusPlus;
    plusPlus.wordOrder = 2;
    const ChrfScore chrfPlusPlus = corpusChrf(kReadmeHypotheses, kReadmeReferences, plusPlus);
    EXPECT_NEAR(chrfPlusPlus.score, 59.15310444399262, 1e-10);
    QCOMPARE(q(chrfPlusPlus.name), QString("chrF2++"));
  }

  void chrfSacreBleuTestSuite() {
    // sacrebleu test/test_chrf.py, test_cases: beta 3, eps smoothing, tolerance 1e-4.
    ChrfOptions eps;
    eps.beta = 3;
    eps.epsSmoothing = true;
    EXPECT_NEAR(corpusChrf({"aa"}, {{"ab"}}, eps).score, 8.3333, 1e-4);
    EXPECT_NEAR(corpusChrf({"a b c"}, {{"abc"}}, eps).score, 50.0, 1e-4);
    EXPECT_NEAR(corpusChrf({""}, {{"reference"}}, eps).score, 0.0, 1e-4);
    EXPECT_NEAR(corpusChrf({" risk assessment must be made of those who are qualified and "
                            "expertise in the sector - these are the scientists ."},
                           {{"risk assessment has to be undertaken by those who are qualified and "
                             "expert in that area - that is the scientists ."}},
                           eps)
                    .score,
                63.361730, 1e-4);
    EXPECT_NEAR(corpusChrf({" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  "
                            "freundlich. "},
                           {{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade "
                             "freundschaftlich."}},
                           eps)
                    .score,
                64.1302698, 1e-4);
    // test_cases_effective_order: beta 3, sacreBLEU's default smoothing.
    ChrfOptions effective;
    effective.beta = 3;
    EXPECT_NEAR(corpusChrf({"aa"}, {{"ab"}}, effective).score, 25.0, 1e-4);
    EXPECT_NEAR(corpusChrf({"a", "b"}, {{"a"}, {"c"}}, effective).score, 50.0, 1e-4);
    // test_cases_keep_whitespace: beta 3, whitespace kept.
    ChrfOptions whitespace;
    whitespace.beta = 3;
    whitespace.whitespace = true;
    EXPECT_NEAR(corpusChrf({"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade "
                            "freundlich."},
                           {{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade "
                             "freundschaftlich."}},
                           whitespace)
                    .score,
                67.3481606, 1e-4);
    // test_sentence_level_chrf: sentence_chrf(eps_smoothing=True), beta 2.
    ChrfOptions sentence;
    sentence.epsSmoothing = true;
    EXPECT_NEAR(
        corpusChrf({"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo "
                    "zemře."},
                   {{"Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a "
                     "kdo zemře."}},
                   sentence)
            .score,
        39.14078509, 1e-4);
    QVERIFY_THROWS_EXCEPTION(Error, corpusChrf({"a"}, {{"a"}, {"b"}}));
  }

  void chrfWordOrder() {
    // Reference runs of CHRF() and CHRF(word_order=2).
    const std::vector<std::string> hypothesis = {
        "Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."};
    const std::vector<std::vector<std::string>> reference = {
        {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}};
    EXPECT_NEAR(corpusChrf(hypothesis, reference).score, 64.818123726097, 1e-10);
    ChrfOptions plusPlus;
    plusPlus.wordOrder = 2;
    const ChrfScore score = corpusChrf(hypothesis, reference, plusPlus);
    EXPECT_NEAR(score.score, 61.58723245629576, 1e-10);
    QCOMPARE(q(score.signature),
             QString("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0"));
  }

  void rougeQuickBrownFox() {
    // rouge-score README's example, scorer.score(target, prediction); figures from a reference
    // run of rouge_scorer.py (the same with use_stemmer=True).
    for (bool stemmer : {false, true}) {
      RougeOptions options;
      options.useStemmer = stemmer;
      const RougeScores scores =
          rougeScores("The quick brown dog jumps on the log.",
                      "The quick brown fox jumps over the lazy dog", options);
      EXPECT_NEAR(scores.rouge1.precision, 0.75, 1e-15);
      EXPECT_NEAR(scores.rouge1.recall, 0.6666666666666666, 1e-15);
      EXPECT_NEAR(scores.rouge1.fmeasure, 0.7058823529411765, 1e-15);
      EXPECT_NEAR(scores.rouge2.precision, 0.2857142857142857, 1e-15);
      EXPECT_NEAR(scores.rouge2.recall, 0.25, 1e-15);
      EXPECT_NEAR(scores.rouge2.fmeasure, 0.26666666666666666, 1e-15);
      EXPECT_NEAR(scores.rougeL.precision, 0.625, 1e-15);
      EXPECT_NEAR(scores.rougeL.recall, 0.5555555555555556, 1e-15);
      EXPECT_NEAR(scores.rougeL.fmeasure, 0.5882352941176471, 1e-15);
      EXPECT_NEAR(scores.rougeLsum.fmeasure, 0.5882352941176471, 1e-15);
    }
  }

  void rougeScorerTestCases() {
    // rouge/rouge_scorer_test.py: testRouge1, testRouge2, testRougeLNonConsecutive.
    const RougeScores one = rougeScores("testing", "testing one two");
    EXPECT_NEAR(one.rouge1.precision, 1.0, 1e-12);
    EXPECT_NEAR(one.rouge1.recall, 1.0 / 3, 1e-12);
    EXPECT_NEAR(one.rouge1.fmeasure, 0.5, 1e-12);
    const RougeScores two = rougeScores("testing one", "testing one two");
    EXPECT_NEAR(two.rouge2.precision, 1.0, 1e-12);
    EXPECT_NEAR(two.rouge2.recall, 0.5, 1e-12);
    EXPECT_NEAR(two.rouge2.fmeasure, 2.0 / 3, 1e-12);
    const RougeScores gap = rougeScores("testing two", "testing one two");
    EXPECT_NEAR(gap.rougeL.recall, 2.0 / 3, 1e-12);
    EXPECT_NEAR(gap.rougeL.fmeasure, 0.8, 1e-12);
    // testRougeLsum: recall 4/5, precision 4/10, F 0.5333 (3 places).
    const RougeScores lsum = rougeScores("w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "w1 w2 w3 w4 w5");
    EXPECT_NEAR(lsum.rougeLsum.recall, 0.8, 1e-12);
    EXPECT_NEAR(lsum.rougeLsum.precision, 0.4, 1e-12);
    EXPECT_NEAR(lsum.rougeLsum.fmeasure, 0.5333, 5e-4);
    // testRougeEmpty and the all-punctuation summary: zeros.
    for (const char* prediction : {"", "/"}) {
      const RougeScores empty = rougeScores(prediction, "testing one two");
      QCOMPARE(empty.rouge1.fmeasure + empty.rouge2.fmeasure + empty.rougeL.fmeasure +
                   empty.rougeLsum.fmeasure,
               0.0);
    }
  }

  void rougeAgainstRouge155() {
    // rouge_scorer_test.py's ROUGE-1.5.5 figures (5 places) for the second line of testdata,
    // with and without the stemmer, and testRougeLSumAgainstRouge155WithStemming.
    const RougeScores plain = rougeScores(kRouge155Prediction1, kRouge155Target1);
    EXPECT_NEAR(plain.rouge1.recall, 0.40476, 5e-6);
    EXPECT_NEAR(plain.rouge1.precision, 0.65385, 5e-6);
    EXPECT_NEAR(plain.rouge1.fmeasure, 0.50000, 5e-6);
    EXPECT_NEAR(plain.rougeL.recall, 0.40476, 5e-6);
    EXPECT_NEAR(plain.rougeL.precision, 0.65385, 5e-6);
    RougeOptions stemmed;
    stemmed.useStemmer = true;
    const RougeScores stem = rougeScores(kRouge155Prediction1, kRouge155Target1, stemmed);
    EXPECT_NEAR(stem.rouge1.recall, 0.42857, 5e-6);
    EXPECT_NEAR(stem.rouge1.precision, 0.69231, 5e-6);
    EXPECT_NEAR(stem.rouge1.fmeasure, 0.52941, 5e-6);
    EXPECT_NEAR(stem.rouge2.recall, 0.29268, 5e-6);
    EXPECT_NEAR(stem.rouge2.precision, 0.48000, 5e-6);
    EXPECT_NEAR(stem.rouge2.fmeasure, 0.36364, 5e-6);
    const RougeScores multi = rougeScores(kRouge155MultiPrediction, kRouge155MultiTarget, stemmed);
    EXPECT_NEAR(multi.rougeLsum.recall, 0.36538, 5e-6);
    EXPECT_NEAR(multi.rougeLsum.precision, 0.66667, 5e-6);
    EXPECT_NEAR(multi.rougeLsum.fmeasure, 0.47205, 5e-6);
  }

  void rougeReferencesAndNonLatinText() {
    // score_multi: per type the reference with the best F; by hand rouge1 P 1, R 2/3, F 0.8.
    const RougeScores best = rougeScoresMulti("the cat", {"a dog", "the cat sat"});
    EXPECT_NEAR(best.rouge1.fmeasure, 0.8, 1e-12);
    // Means of the per-example scores: F 1 and 0.
    const RougeCorpusScores corpus = rougeCorpus({"the cat", "a dog"}, {{"the cat"}, {"the cat"}});
    QCOMPARE(corpus.items.size(), size_t(2));
    EXPECT_NEAR(corpus.mean.rouge1.fmeasure, 0.5, 1e-12);
    QVERIFY_THROWS_EXCEPTION(Error, rougeCorpus({"a"}, {{}}));
    // The default tokenizer keeps only [a-z0-9]: Cyrillic scores 0 even against itself, as in
    // the reference; tokenizeNonLatin keeps it, and splits Han and kana into characters.
    QCOMPARE(rougeScores("Привет, мир", "Привет, мир").rouge1.fmeasure, 0.0);
    RougeOptions nonLatin;
    nonLatin.tokenizeNonLatin = true;
    nonLatin.useStemmer = true;
    QCOMPARE(rougeTokenize("Привет, МИР! Running", nonLatin),
             (std::vector<std::string>{"привет", "мир", "run"}));
    QCOMPARE(rougeTokenize("東京タワー", nonLatin),
             (std::vector<std::string>{"東", "京", "タ", "ワ", "ー"}));
    EXPECT_NEAR(rougeScores("Привет, мир", "Привет, мир", nonLatin).rouge1.fmeasure, 1.0, 1e-12);
  }

  void porterStemmer() {
    // Words from Porter's paper; stems from a reference run of NLTK's porter.py in the modes
    // NLTK_EXTENSIONS, MARTIN_EXTENSIONS and ORIGINAL_ALGORITHM.
    const std::vector<std::array<const char*, 4>> cases = {
        {"caresses", "caress", "caress", "caress"},
        {"ponies", "poni", "poni", "poni"},
        {"ties", "tie", "ti", "ti"},
        {"caress", "caress", "caress", "caress"},
        {"cats", "cat", "cat", "cat"},
        {"feed", "feed", "feed", "feed"},
        {"agreed", "agre", "agre", "agre"},
        {"plastered", "plaster", "plaster", "plaster"},
        {"motoring", "motor", "motor", "motor"},
        {"conflated", "conflat", "conflat", "conflat"},
        {"sized", "size", "size", "size"},
        {"hopping", "hop", "hop", "hop"},
        {"filing", "file", "file", "file"},
        {"happy", "happi", "happi", "happi"},
        {"relational", "relat", "relat", "relat"},
        {"conditional", "condit", "condit", "condit"},
        {"rational", "ration", "ration", "ration"},
        {"generously", "gener", "gener", "gener"},
        {"controlling", "control", "control", "control"},
        {"skies", "sky", "ski", "ski"},
        {"dying", "die", "dy", "dy"},
        {"died", "die", "di", "di"},
        {"enjoy", "enjoy", "enjoi", "enjoi"},
        {"geology", "geolog", "geologi", "geologi"},
        {"archaeology", "archaeolog", "archaeolog", "archaeologi"},
        {"Sky", "ski", "sky", "sky"},
        {"as", "as", "as", "a"}};
    for (const auto& [word, nltk, martin, original] : cases) {
      QCOMPARE(q(porterStem(word)), QString(nltk));
      QCOMPARE(q(porterStem(word, PorterMode::MartinExtensions)), QString(martin));
      QCOMPARE(q(porterStem(word, PorterMode::OriginalAlgorithm)), QString(original));
    }
  }

  void bootstrapHelpers() {
    // The C++ standard ([rand.predef]): the 10000th draw of a default mt19937_64.
    std::mt19937_64 standard;
    standard.discard(9999);
    QCOMPARE(uint64_t(standard()), uint64_t(9981545732273789042ull));
    std::mt19937_64 a(7), b(7);
    for (int i = 0; i < 1000; ++i) {
      const uint64_t index = uniformIndex(a, 10);
      QVERIFY(index < 10);
      QCOMPARE(uniformIndex(b, 10), index);
    }
    QCOMPARE(uniformIndex(a, 1), uint64_t(0));
    // numpy.percentile([1, 2, 3, 4], 25) = 1.75 and (.., 97.5) = 3.925 (linear interpolation).
    EXPECT_NEAR(linearPercentile({4, 1, 3, 2}, 25), 1.75, 1e-15);
    EXPECT_NEAR(linearPercentile({1, 2, 3, 4}, 97.5), 3.925, 1e-15);
    // mean_stderr by hand: [1, 2, 3, 4] has sample variance 5/3; [0, 1, 1, 1] variance 1/4.
    EXPECT_NEAR(meanStandardError({1, 2, 3, 4}), std::sqrt(5.0 / 3) / 2, 1e-15);
    EXPECT_NEAR(meanStandardError({0, 1, 1, 1}), 0.25, 1e-15);
    QCOMPARE(meanStandardError({1}), 0.0);  // no spread from one value
  }

  void bootstrapIntervals() {
    std::vector<double> correct(100, 0.0);
    for (size_t i = 0; i < 70; ++i) correct[i * 10 % 99] = 1.0;
    const auto mean = [&](const std::vector<size_t>& indices) {
      double sum = 0;
      for (size_t i : indices) sum += correct[i];
      return sum / double(indices.size());
    };
    const ConfidenceInterval interval = bootstrapInterval(correct.size(), mean);
    EXPECT_NEAR(interval.estimate, 0.7, 1e-12);
    QVERIFY(interval.low < 0.7 && interval.high > 0.7);
    QVERIFY(interval.high - interval.low > 0.1 && interval.high - interval.low < 0.25);
    const ConfidenceInterval again = bootstrapInterval(correct.size(), mean);
    QCOMPARE(again.low, interval.low);
    QCOMPARE(again.high, interval.high);
    // Another seed resamples differently (scores with many distinct values show it).
    std::vector<double> scores(100);
    for (size_t i = 0; i < scores.size(); ++i) scores[i] = double(i * 37 % 101) / 101;
    const auto meanScore = [&](const std::vector<size_t>& indices) {
      double sum = 0;
      for (size_t i : indices) sum += scores[i];
      return sum / double(indices.size());
    };
    BootstrapOptions otherSeed;
    otherSeed.seed = 99;
    const ConfidenceInterval seeded = bootstrapInterval(scores.size(), meanScore);
    const ConfidenceInterval other = bootstrapInterval(scores.size(), meanScore, otherSeed);
    QVERIFY(other.low != seeded.low && other.high != seeded.high);
    QVERIFY(seeded.low < seeded.estimate && seeded.estimate < seeded.high);
    // Corpus BLEU from summed segment statistics.
    const auto segments = readmeBleuStatistics();
    const auto bleu = [&](const std::vector<size_t>& indices) {
      BleuStatistics sum;
      for (size_t i : indices) sum += segments[i];
      return bleuFromStatistics(sum).score;
    };
    const ConfidenceInterval bleuInterval = bootstrapInterval(segments.size(), bleu);
    EXPECT_NEAR(bleuInterval.estimate, 48.530827009929865, 1e-12);
    QVERIFY(bleuInterval.low <= bleuInterval.estimate &&
            bleuInterval.estimate <= bleuInterval.high);
    BootstrapOptions certain;
    certain.confidence = 1.0;
    QVERIFY_THROWS_EXCEPTION(Error, bootstrapInterval(3, bleu, certain));
    QVERIFY_THROWS_EXCEPTION(Error, bootstrapInterval(0, bleu));
  }

  void gsm8kExtraction() {
    // Reference run of the harness's RegexFilter (gsm8k.yaml's strict-match and
    // flexible-extract) and exact_match_hf_evaluate with gsm8k's options, against a dataset
    // answer ending in "#### 1234".
    const std::string reference = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 1234";
    struct Case {
      const char* response;
      const char* strict;
      const char* flexible;
      bool strictCorrect;
      bool flexibleCorrect;
    };
    const std::vector<Case> cases = {
        {"She sold 1,000 + 234 clips.\n#### 1,234", "1,234", "1,234", true, true},
        {"The answer is 18 apples and 3 pears.", kInvalidAnswer, "3", false, false},
        {"It costs $1,234.", kInvalidAnswer, "$1,234.", false, true},
        {"No idea.", kInvalidAnswer, kInvalidAnswer, false, false},
        {"#### 1,234.\n", "1,234.", "1,234.", true, true},
        {"Total: -5 then 1234\n", kInvalidAnswer, "1234", false, true},
        {"#### 12 and #### 1234", "12", "1234", false, true}};
    const HarnessExactMatch exactMatch(gsm8kExactMatchOptions());
    std::vector<std::string> responses, references;
    for (const Case& c : cases) {
      QCOMPARE(q(gsm8kStrictMatch(c.response)), QString(c.strict));
      QCOMPARE(q(gsm8kFlexibleExtract(c.response)), QString(c.flexible));
      QCOMPARE(exactMatch(c.strict, reference), c.strictCorrect);
      QCOMPARE(exactMatch(c.flexible, reference), c.flexibleCorrect);
      responses.push_back(c.response);
      references.push_back(reference);
    }
    const Gsm8kScores scores = gsm8kScores(responses, references);
    EXPECT_NEAR(scores.strictMatch, 2.0 / 7, 1e-12);
    EXPECT_NEAR(scores.flexibleExtract, 5.0 / 7, 1e-12);
    QVERIFY_THROWS_EXCEPTION(Error, gsm8kScores({"a"}, {}));
  }

  void pythonRegexSemantics() {
    // Python: re.sub(r"\.$", "", "12.\n") == "12\n" ($ before a final newline);
    // re.sub(r"(?s).*#### ", "", "a #### b\n#### 7") == "7".
    QCOMPARE(q(PythonRegex(R"(\.$)").removeAll("12.\n")), QString("12\n"));
    QCOMPARE(q(PythonRegex("(?s).*#### ").removeAll("a #### b\n#### 7")), QString("7"));
    // re.findall(r"(\d+)-(\d+)?", "1-2 3-") == [("1", "2"), ("3", "")]; \d is Unicode.
    QCOMPARE(PythonRegex(R"((\d+)-(\d+)?)").findAll("1-2 3-"),
             (std::vector<std::vector<std::string>>{{"1", "2"}, {"3", ""}}));
    QCOMPARE(PythonRegex(R"(\d+)").findAll("x١٢3"),
             (std::vector<std::vector<std::string>>{{"١٢3"}}));
    QVERIFY_THROWS_EXCEPTION(Error, PythonRegex("a(?=b)"));
    // ignore_punctuation and ignore_numbers remove string.punctuation and string.digits.
    ExactMatchOptions options;
    options.ignorePunctuation = true;
    options.ignoreNumbers = true;
    QVERIFY(HarnessExactMatch(options)("a.b!1", "ab"));
    QVERIFY(!HarnessExactMatch(ExactMatchOptions())("A", "a"));
  }
};

QTEST_GUILESS_MAIN(GenerationMetricsTest)
#include "tst_generation_metrics.moc"
