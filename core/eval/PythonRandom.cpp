#include "eval/PythonRandom.h"

#include <cmath>
#include <set>
#include <string>

#include "common/Error.h"

namespace tunebench {

namespace {

constexpr int kShift = 397;
constexpr uint32_t kMatrix = 0x9908b0dfu;
constexpr uint32_t kUpperBit = 0x80000000u;
constexpr uint32_t kLowerBits = 0x7fffffffu;

}  // namespace

PythonRandom::PythonRandom(uint64_t seed) {
  // Python splits the seed's absolute value into 32-bit words, least significant first (at
  // least one word, so 0 seeds with [0]).
  std::vector<uint32_t> key;
  do {
    key.push_back(static_cast<uint32_t>(seed & 0xffffffffu));
    seed >>= 32;
  } while (seed != 0);
  seedByArray(key);
}

void PythonRandom::seedByArray(const std::vector<uint32_t>& key) {
  state_[0] = 19650218u;
  for (int i = 1; i < kStateWords; ++i)
    state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + static_cast<uint32_t>(i);
  int i = 1;
  size_t j = 0;
  const size_t keyLength = key.size();
  for (size_t k = std::max<size_t>(kStateWords, keyLength); k > 0; --k) {
    state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525u)) + key[j] +
                static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= kStateWords) {
      state_[0] = state_[kStateWords - 1];
      i = 1;
    }
    if (j >= keyLength) j = 0;
  }
  for (int k = kStateWords - 1; k > 0; --k) {
    state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941u)) -
                static_cast<uint32_t>(i);
    ++i;
    if (i >= kStateWords) {
      state_[0] = state_[kStateWords - 1];
      i = 1;
    }
  }
  state_[0] = kUpperBit;
  index_ = kStateWords;
}

void PythonRandom::regenerate() {
  for (int k = 0; k < kStateWords; ++k) {
    const uint32_t y = (state_[k] & kUpperBit) | (state_[(k + 1) % kStateWords] & kLowerBits);
    state_[k] = state_[(k + kShift) % kStateWords] ^ (y >> 1) ^ ((y & 1u) ? kMatrix : 0u);
  }
  index_ = 0;
}

uint32_t PythonRandom::nextWord() {
  if (index_ >= kStateWords) regenerate();
  uint32_t y = state_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

uint32_t PythonRandom::randomBits(int bits) {
  if (bits <= 0 || bits > 32) throw Error("random bits must be between 1 and 32");
  return nextWord() >> (32 - bits);
}

uint64_t PythonRandom::below(uint64_t bound) {
  if (bound == 0 || bound > (uint64_t{1} << 32))
    throw Error("random draw below " + std::to_string(bound) + " is out of range");
  int bits = 0;
  for (uint64_t rest = bound; rest != 0; rest >>= 1) ++bits;  // bound.bit_length()
  if (bits > 32) bits = 32;                                   // bound == 2^32
  uint64_t drawn = randomBits(bits);
  while (drawn >= bound) drawn = randomBits(bits);
  return drawn;
}

std::vector<size_t> PythonRandom::sample(size_t population, size_t count) {
  if (count > population)
    throw Error("cannot draw " + std::to_string(count) + " examples from " +
                std::to_string(population));
  std::vector<size_t> result(count);
  // Python keeps a pool for small populations and a set of drawn indices for large ones; the
  // two draw different numbers, so the same rule decides here.
  size_t setSize = 21;
  if (count > 5)
    setSize += static_cast<size_t>(
        std::pow(4.0, std::ceil(std::log(static_cast<double>(count) * 3.0) / std::log(4.0))));
  if (population <= setSize) {
    std::vector<size_t> pool(population);
    for (size_t i = 0; i < population; ++i) pool[i] = i;
    for (size_t i = 0; i < count; ++i) {
      const size_t j = below(population - i);
      result[i] = pool[j];
      pool[j] = pool[population - i - 1];
    }
    return result;
  }
  std::set<size_t> selected;
  for (size_t i = 0; i < count; ++i) {
    size_t j = below(population);
    while (selected.count(j)) j = below(population);
    selected.insert(j);
    result[i] = j;
  }
  return result;
}

}  // namespace tunebench
