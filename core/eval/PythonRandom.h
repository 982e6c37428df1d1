#pragma once
// Python's random.Random (a Mersenne Twister, MT19937) for the parts benchmark few-shot
// sampling uses: seeding with a whole number, getrandbits and sample. lm-evaluation-harness
// picks few-shot examples with random.Random(1234).sample, so drawing the same numbers here
// gives the same prompts, and scores comparable with published ones.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tunebench {

class PythonRandom {
 public:
  explicit PythonRandom(uint64_t seed);  // random.Random(seed) for seed >= 0
  uint32_t nextWord();                   // genrand_uint32
  uint32_t randomBits(int bits);         // getrandbits(bits), 0 < bits <= 32
  uint64_t below(uint64_t bound);        // _randbelow(bound), bound in [1, 2^32]
  // random.sample(range(population), count): `count` distinct indices in drawing order.
  // Throws tunebench::Error when count > population.
  std::vector<size_t> sample(size_t population, size_t count);

 private:
  static constexpr int kStateWords = 624;
  void seedByArray(const std::vector<uint32_t>& key);
  void regenerate();
  std::array<uint32_t, kStateWords> state_{};
  int index_ = kStateWords;
};

}  // namespace tunebench
