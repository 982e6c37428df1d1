#pragma once
// ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum (precision, recall, F-measure, each 0..1) exactly as
// Google's rouge-score package (google-research/rouge, rouge_scorer.RougeScorer, version 0.1.2)
// computes them with its default tokenizer: Python's str.lower(), every run of characters
// other than [a-z0-9] a separator, tokens longer than 3 characters stemmed by NLTK's Porter
// stemmer (NLTK_EXTENSIONS mode) when useStemmer is set. ROUGE-N counts clipped n-gram overlap;
// ROUGE-L uses the longest common subsequence; ROUGE-Lsum splits both texts into sentences at
// "\n" (empty lines dropped) and counts the union-LCS hits of each reference sentence against
// all predicted sentences, without counting a token more often than either side has it, as
// ROUGE-1.5.5 does. Several references: per ROUGE type, the one with the highest F-measure (the
// first on a tie), as score_multi does. The corpus figures are the means of the per-example
// scores (the value BootstrapAggregator's "mid" estimates; use BootstrapInterval.h for an
// interval).
//
// The default tokenizer drops every character outside [a-z0-9] (after lower-casing), so text in
// other scripts scores 0 against anything, as the reference does. tokenizeNonLatin instead keeps
// Unicode letters, combining marks and numbers in tokens, and makes each Han, Hiragana and
// Katakana character a token of its own (those scripts do not separate words with spaces); only
// tokens made of [a-z0-9] are stemmed. Scores with that option match no reference.
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

struct RougeOptions {
  bool useStemmer = false;
  bool tokenizeNonLatin = false;
};

struct RougeScore {
  double precision = 0;
  double recall = 0;
  double fmeasure = 0;
};

struct RougeScores {
  RougeScore rouge1;
  RougeScore rouge2;
  RougeScore rougeL;
  RougeScore rougeLsum;
};

std::vector<std::string> rougeTokenize(std::string_view text, const RougeOptions& options = {});

// One prediction against one reference (rouge-score's score(target, prediction): note the order).
RougeScores rougeScores(std::string_view prediction, std::string_view reference,
                        const RougeOptions& options = {});

// Against several references, per type the best by F-measure. Throws tunebench::Error when
// references is empty.
RougeScores rougeScoresMulti(std::string_view prediction,
                             const std::vector<std::string>& references,
                             const RougeOptions& options = {});

struct RougeCorpusScores {
  RougeScores mean;
  std::vector<RougeScores> items;
};

// references[i] holds the references of predictions[i]. Throws tunebench::Error when the counts
// differ, when there is nothing to score or an item has no reference.
RougeCorpusScores rougeCorpus(const std::vector<std::string>& predictions,
                              const std::vector<std::vector<std::string>>& references,
                              const RougeOptions& options = {});

}  // namespace tunebench
