#pragma once
// Checks of numeric command-line values whose messages print the bounds as a person writes them
// ("must be between 0 and 0.99, not 2"), where CLI11's own print the largest double in full.
#include <CLI/CLI.hpp>
#include <limits>

namespace tunebench::cli {

// Inclusive bounds; an infinite one is not checked.
CLI::Validator numberBetween(double low, double high);
// Above 0.
CLI::Validator positiveNumber();
// 0 or more.
CLI::Validator nonNegativeNumber();

}  // namespace tunebench::cli
