#pragma once
// Fixtures for the data pipeline tests: small classification and text files written by the test.
#include <string>

#include <nlohmann/json.hpp>

namespace datatest {

// 100 classification records: 90 distinct, then exact copies of the first 10. Every third
// record (i % 3 == 0) is labelled "spam", the rest "ham".
inline std::string classificationJsonl() {
  std::string text;
  for (int i = 0; i < 100; ++i) {
    const int n = i < 90 ? i : i - 90;
    text += nlohmann::json{{"text", "message number " + std::to_string(n) + " about things"},
                           {"label", n % 3 == 0 ? "spam" : "ham"}}
                .dump() +
            "\n";
  }
  return text;
}

// Raw text with characters that must survive a round trip unchanged.
inline std::string textJsonl() {
  std::string text;
  for (int i = 0; i < 20; ++i)
    text += nlohmann::json{{"text", "Zeile " + std::to_string(i) + ": \"quoted\"\tand ünïcode ✓"}}
                .dump() +
            "\n";
  return text;
}

}  // namespace datatest
