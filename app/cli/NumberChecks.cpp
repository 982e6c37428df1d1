#include "NumberChecks.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace tunebench::cli {

namespace {

// Up to 10 significant digits, no trailing zeros: 0.99, 1000000, 1e+20.
std::string readable(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

// The value as CLI11 converts it later; nullopt-like NaN when it is no number.
double parsed(const std::string& input, bool& ok) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(input.c_str(), &end);
  ok = !input.empty() && end && *end == '\0' && errno != ERANGE;
  return value;
}

CLI::Validator checked(double low, bool lowInclusive, double high, const std::string& wanted,
                       const std::string& name) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        bool ok = false;
        const double value = parsed(input, ok);
        if (!ok || std::isnan(value)) return "expected a number, not '" + input + "'";
        const bool aboveLow = lowInclusive ? value >= low : value > low;
        if (!aboveLow || value > high) return "must be " + wanted + ", not " + input;
        return {};
      },
      name);
}

}  // namespace

CLI::Validator numberBetween(double low, double high) {
  return checked(low, true, high, "between " + readable(low) + " and " + readable(high),
                 "NUMBER in [" + readable(low) + ", " + readable(high) + "]");
}

CLI::Validator positiveNumber() {
  return checked(0, false, std::numeric_limits<double>::infinity(), "above 0", "POSITIVE");
}

CLI::Validator nonNegativeNumber() {
  return checked(0, true, std::numeric_limits<double>::infinity(), "0 or more", "NON-NEGATIVE");
}

}  // namespace tunebench::cli
