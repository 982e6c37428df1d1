#pragma once
#include <string>
#include <vector>

struct BrokenSafetensorsCase {
  std::string name;
  std::string file;      // the whole file's bytes
  std::string expected;  // a part of the error message
};

std::vector<BrokenSafetensorsCase> brokenSafetensorsCases();
