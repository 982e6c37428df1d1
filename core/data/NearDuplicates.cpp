#include "data/NearDuplicates.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_set>

#include "common/Error.h"
#include "data/TextNormalization.h"

namespace tunebench {

namespace {

uint64_t mix64(uint64_t x) {
  // splitmix64's finaliser: a cheap, well-distributed 64-bit mixer.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t fnv1a(std::string_view text, uint64_t hash = 0xcbf29ce484222325ULL) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

double collisionProbability(double s, int bands, int rows) {
  return 1.0 - std::pow(1.0 - std::pow(s, rows), bands);
}

// Runs body(begin, end) over [0, count) split across threads.
template <typename F>
void parallelFor(size_t count, int threads, F body) {
  threads = std::max(1, std::min<int>(threads, int(count / 256) + 1));
  std::vector<std::thread> workers;
  const size_t chunk = (count + size_t(threads) - 1) / size_t(threads);
  for (int t = 0; t < threads; ++t) {
    const size_t begin = std::min(count, size_t(t) * chunk);
    const size_t end = std::min(count, begin + chunk);
    workers.emplace_back([=] { body(begin, end); });
  }
  for (auto& w : workers) w.join();
}

}  // namespace

LshBanding chooseBanding(double threshold, int permutations) {
  LshBanding best{1, permutations};
  double bestCost = 1e300;
  const int steps = 200;
  for (int bands = 1; bands <= permutations; ++bands) {
    const int rows = permutations / bands;
    double falsePositive = 0;
    double falseNegative = 0;
    for (int i = 0; i < steps; ++i) {
      const double s = (i + 0.5) / steps;
      const double p = collisionProbability(s, bands, rows);
      if (s < threshold)
        falsePositive += p / steps;
      else
        falseNegative += (1 - p) / steps;
    }
    const double cost = 0.1 * falsePositive + 0.9 * falseNegative;
    if (cost < bestCost) {
      bestCost = cost;
      best = {bands, rows};
    }
  }
  return best;
}

std::vector<uint64_t> shingleHashes(const std::string& text, int shingleWords) {
  const std::string key = duplicateKey(text);
  const auto words = splitWords(key);
  std::vector<uint64_t> hashes;
  const size_t k = size_t(std::max(1, shingleWords));
  if (words.empty()) return hashes;
  if (words.size() <= k) {
    hashes.push_back(fnv1a(key));
    return hashes;
  }
  hashes.reserve(words.size() - k + 1);
  for (size_t i = 0; i + k <= words.size(); ++i) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t j = i; j < i + k; ++j) h = fnv1a(words[j], h ^ 0x20);
    hashes.push_back(h);
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  return hashes;
}

double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t common = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return double(common) / double(a.size() + b.size() - common);
}

std::vector<std::pair<size_t, size_t>> findNearDuplicatePairs(const std::vector<std::string>& texts,
                                                              const NearDuplicateOptions& options,
                                                              JobContext* context) {
  if (options.threshold <= 0 || options.threshold > 1)
    throw Error("near-duplicate threshold must be in (0, 1]");
  if (options.permutations < 1 || options.permutations > kMostMinHashPermutations)
    throw Error("near-duplicate permutations is " + std::to_string(options.permutations) +
                "; it must be from 1 to " + std::to_string(kMostMinHashPermutations) +
                " (128 is the usual choice; more only costs time)");
  if (options.shingleWords < 1 || options.shingleWords > kMostShingleWords)
    throw Error("near-duplicate shingle size is " + std::to_string(options.shingleWords) +
                " words; it must be from 1 to " + std::to_string(kMostShingleWords));
  const size_t n = texts.size();
  const int permutations = options.permutations;
  const LshBanding banding = chooseBanding(options.threshold, permutations);

  std::vector<uint64_t> seeds(static_cast<size_t>(permutations));
  for (int p = 0; p < permutations; ++p) seeds[size_t(p)] = mix64(options.seed * 1000003 + p);

  std::vector<std::vector<uint64_t>> shingles(n);
  std::vector<uint32_t> signatures(n * size_t(permutations));
  parallelFor(n, options.threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      shingles[i] = shingleHashes(texts[i], options.shingleWords);
      uint32_t* signature = &signatures[i * size_t(permutations)];
      for (int p = 0; p < permutations; ++p) {
        uint64_t smallest = UINT64_MAX;
        for (uint64_t h : shingles[i]) smallest = std::min(smallest, mix64(h ^ seeds[size_t(p)]));
        signature[p] = uint32_t(smallest >> 32);
      }
    }
  });
  if (context) context->progress(1, 3, "near-duplicates: signatures");

  // For each band, sort texts by the band's hash; texts sharing a hash are candidates.
  std::unordered_set<uint64_t> checked;
  std::vector<std::pair<size_t, size_t>> pairs;
  std::vector<std::pair<uint64_t, uint32_t>> keys(n);
  const size_t maxGroupComparisons = 64;  // bounds the work a huge bucket of clones can cause
  for (int band = 0; band < banding.bands; ++band) {
    if (context && context->isCanceled()) break;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t* row = &signatures[i * size_t(permutations) + size_t(band * banding.rows)];
      uint64_t h = 0x9e3779b97f4a7c15ULL + uint64_t(band);
      for (int r = 0; r < banding.rows; ++r) h = mix64(h ^ row[r]);
      keys[i] = {shingles[i].empty() ? UINT64_MAX : h, uint32_t(i)};
    }
    std::sort(keys.begin(), keys.end());
    for (size_t start = 0; start < n;) {
      size_t stop = start + 1;
      while (stop < n && keys[stop].first == keys[start].first) ++stop;
      if (keys[start].first != UINT64_MAX) {
        for (size_t a = start; a < stop; ++a)
          for (size_t b = a + 1; b < std::min(stop, a + 1 + maxGroupComparisons); ++b) {
            const size_t i = std::min(keys[a].second, keys[b].second);
            const size_t j = std::max(keys[a].second, keys[b].second);
            if (!checked.insert(uint64_t(i) * n + j).second) continue;
            if (jaccard(shingles[i], shingles[j]) >= options.threshold) pairs.emplace_back(i, j);
          }
      }
      start = stop;
    }
  }
  std::sort(pairs.begin(), pairs.end());
  if (context) context->progress(3, 3, "near-duplicates: done");
  return pairs;
}

std::vector<size_t> nearDuplicateRepresentatives(
    size_t count, const std::vector<std::pair<size_t, size_t>>& pairs) {
  std::vector<size_t> parent(count);
  std::iota(parent.begin(), parent.end(), size_t(0));
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& [a, b] : pairs) {
    const size_t ra = find(a), rb = find(b);
    // The smaller index stays the root, so each cluster keeps its earliest text.
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::vector<size_t> representative(count);
  for (size_t i = 0; i < count; ++i) representative[i] = find(i);
  return representative;
}

}  // namespace tunebench
