#pragma once
// Finds personal data in text and replaces it with typed placeholders: [EMAIL], [PHONE], [IPV4],
// [IPV6], [CARD] (only numbers that pass the Luhn check), [IBAN] (only those whose mod-97
// checksum holds). Candidates come from RE2 patterns; checksums and inet_pton weed out look-alikes.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "data/CleaningStep.h"

namespace re2 {
class RE2;
}

namespace tunebench {

enum class PiiKind { Email, Iban, Card, Ipv6, Ipv4, Phone };

const char* piiKindName(PiiKind kind);     // "email", "iban", ...
const char* piiPlaceholder(PiiKind kind);  // "[EMAIL]", ...
bool luhnValid(std::string_view digits);   // digits only
bool ibanValid(std::string_view iban);     // letters and digits, no spaces

class PiiRedactor {
 public:
  explicit PiiRedactor(std::set<PiiKind> kinds = allKinds());
  ~PiiRedactor();
  static std::set<PiiKind> allKinds();

  // The text with every finding replaced; `found` (when given) counts findings per kind.
  std::string redact(std::string_view text, std::vector<PiiKind>* found = nullptr) const;
  const std::set<PiiKind>& kinds() const { return kinds_; }

 private:
  struct Pattern;
  std::set<PiiKind> kinds_;
  std::vector<std::unique_ptr<Pattern>> patterns_;
};

// {"kinds": ["email", "phone", "ipv4", "ipv6", "card", "iban"]} (all when absent)
class PiiRedactionStep : public PerExampleStep {
 public:
  explicit PiiRedactionStep(std::set<PiiKind> kinds) : redactor_(std::move(kinds)) {}
  static std::unique_ptr<CleaningStep> fromSettings(const nlohmann::json& settings);
  std::string id() const override { return "pii"; }
  nlohmann::json settings() const override;

 protected:
  Outcome process(Example& example, DatasetKind kind) override;

 private:
  PiiRedactor redactor_;
};

}  // namespace tunebench
