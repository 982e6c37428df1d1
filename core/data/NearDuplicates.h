#pragma once
// Near-duplicate detection with MinHash signatures and locality-sensitive hashing. Texts are
// compared as sets of word shingles of their duplicateKey(); LSH proposes candidate pairs and
// each candidate is confirmed by the exact Jaccard similarity of the shingle sets, so reported
// pairs are never below the threshold (up to 64-bit hash collisions).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "jobs/JobContext.h"

namespace tunebench {

// Bounds of the options: a longer signature or shingle only costs time (and memory per text).
constexpr int kMostMinHashPermutations = 1024;
constexpr int kMostShingleWords = 64;

struct NearDuplicateOptions {
  double threshold = 0.8;  // Jaccard similarity at or above which two texts are near-duplicates
  int shingleWords = 3;    // words per shingle
  int permutations = 128;  // MinHash signature length
  uint64_t seed = 1;
  int threads = 2;
};

struct LshBanding {
  int bands = 0;
  int rows = 0;
};

// The bands × rows split of the signature that best trades missed pairs (weighted 0.9) against
// extra candidates (0.1) for the threshold.
LshBanding chooseBanding(double threshold, int permutations);

// Sorted, unique 64-bit hashes of the text's word shingles.
std::vector<uint64_t> shingleHashes(const std::string& text, int shingleWords);
double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// All pairs (i < j) with Jaccard >= threshold that LSH found. Returns early (with what it has)
// when the job is canceled.
std::vector<std::pair<size_t, size_t>> findNearDuplicatePairs(const std::vector<std::string>& texts,
                                                              const NearDuplicateOptions& options,
                                                              JobContext* context = nullptr);

// For each text, the index of the earliest text of its near-duplicate cluster (itself when it
// is the first): a text is removed when its representative is not itself.
std::vector<size_t> nearDuplicateRepresentatives(
    size_t count, const std::vector<std::pair<size_t, size_t>>& pairs);

}  // namespace tunebench
