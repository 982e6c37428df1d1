#pragma once
// The files of resources/safety/, embedded at build time (core/CMakeLists.txt), so that the
// built-in suites and judges never depend on where the program is installed.
#include <string_view>

namespace tunebench {

std::string_view shippedRedTeamSuite();       // redteam.jsonl
std::string_view shippedOverRefusalSuite();   // overrefusal.jsonl
std::string_view shippedRefusalPrefixes();    // refusal-prefixes.txt
std::string_view shippedRefusalSubstrings();  // refusal-substrings.txt

}  // namespace tunebench
