#include "data/PiiRedaction.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

#include <re2/re2.h>

#include "common/Error.h"

namespace tunebench {

namespace {

const std::pair<PiiKind, const char*> kNames[] = {
    {PiiKind::Email, "email"}, {PiiKind::Iban, "iban"}, {PiiKind::Card, "card"},
    {PiiKind::Ipv6, "ipv6"},   {PiiKind::Ipv4, "ipv4"}, {PiiKind::Phone, "phone"}};

std::string keepOnly(std::string_view text, int (*keep)(int)) {
  std::string out;
  for (char c : text)
    if (keep(static_cast<unsigned char>(c))) out.push_back(c);
  return out;
}

bool isWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         (static_cast<unsigned char>(c) & 0x80);
}

// Whether a separator (space, '-', '.') then a digit sits next to position `at`, looking
// backwards (direction -1, from at - 1) or forwards (+1, from at).
bool digitAcross(std::string_view text, size_t at, int direction) {
  if (direction < 0) {
    return at >= 2 && std::strchr(" -.", text[at - 1]) &&
           std::isdigit(static_cast<unsigned char>(text[at - 2]));
  }
  return at + 1 < text.size() && std::strchr(" -.", text[at]) &&
         std::isdigit(static_cast<unsigned char>(text[at + 1]));
}

}  // namespace

const char* piiKindName(PiiKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "";
}

const char* piiPlaceholder(PiiKind kind) {
  switch (kind) {
    case PiiKind::Email:
      return "[EMAIL]";
    case PiiKind::Iban:
      return "[IBAN]";
    case PiiKind::Card:
      return "[CARD]";
    case PiiKind::Ipv6:
      return "[IPV6]";
    case PiiKind::Ipv4:
      return "[IPV4]";
    case PiiKind::Phone:
      return "[PHONE]";
  }
  return "";
}

bool luhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!std::isdigit(static_cast<unsigned char>(*it))) return false;
    int d = *it - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool ibanValid(std::string_view iban) {
  if (iban.size() < 15 || iban.size() > 34) return false;
  // Move the country code and check digits to the end, read letters as 10..35, take mod 97.
  const std::string rotated = std::string(iban.substr(4)) + std::string(iban.substr(0, 4));
  int remainder = 0;
  for (char c : rotated) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (std::isupper(u)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

struct PiiRedactor::Pattern {
  PiiKind kind;
  re2::RE2 regex;
  Pattern(PiiKind k, const char* pattern) : kind(k), regex(pattern) {}

  // Whether the candidate really is one (checksums, address syntax, surroundings).
  bool accept(std::string_view text, size_t begin, size_t end) const {
    const std::string_view match = text.substr(begin, end - begin);
    const bool wordBefore = begin > 0 && isWordByte(text[begin - 1]);
    const bool wordAfter = end < text.size() && isWordByte(text[end]);
    switch (kind) {
      case PiiKind::Email:
        return true;
      case PiiKind::Iban:
        return !wordBefore && !wordAfter && ibanValid(keepOnly(match, ::isalnum));
      case PiiKind::Card: {
        const std::string digits = keepOnly(match, ::isdigit);
        return !wordBefore && !wordAfter && digits.size() >= 13 && digits.size() <= 19 &&
               luhnValid(digits);
      }
      case PiiKind::Ipv6: {
        if ((begin > 0 && (std::isxdigit(static_cast<unsigned char>(text[begin - 1])) ||
                           text[begin - 1] == ':')) ||
            (end < text.size() &&
             (std::isxdigit(static_cast<unsigned char>(text[end])) || text[end] == ':')))
          return false;
        in6_addr address;
        return inet_pton(AF_INET6, std::string(match).c_str(), &address) == 1;
      }
      case PiiKind::Ipv4:
        // "1.2.3.4.5" is a version number, not an address.
        return !(begin > 0 && (text[begin - 1] == '.' || isWordByte(text[begin - 1]))) &&
               !(end < text.size() && isWordByte(text[end])) && !digitAcross(text, end, +1);
      case PiiKind::Phone: {
        // Part of a longer run of digit groups (a card number, an account) is no phone.
        if (wordBefore || wordAfter || digitAcross(text, begin, -1) || digitAcross(text, end, +1))
          return false;
        const size_t digits = keepOnly(match, ::isdigit).size();
        // Without a country code, fewer than 9 digits is more likely a date or an amount.
        const bool international = match.front() == '+';
        return digits <= 15 && (digits >= 9 || (international && digits >= 7));
      }
    }
    return false;
  }
};

PiiRedactor::PiiRedactor(std::set<PiiKind> kinds) : kinds_(std::move(kinds)) {
  // Order matters: an IBAN or card number must not be taken for a phone number first.
  const std::pair<PiiKind, const char*> patterns[] = {
      {PiiKind::Email, R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"},
      {PiiKind::Iban, R"([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30})"},
      {PiiKind::Card, R"([0-9](?:[ \-]?[0-9]){12,18})"},
      {PiiKind::Ipv6, R"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3})"},
      {PiiKind::Ipv4,
       R"((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))"},
      {PiiKind::Phone,
       R"((?:\+[0-9]{1,3}[ .\-]?)?(?:\([0-9]{1,4}\)[ .\-]?)?[0-9]{2,4}(?:[ .\-]?[0-9]{2,4}){1,4})"}};
  for (const auto& [kind, pattern] : patterns) {
    if (!kinds_.count(kind)) continue;
    patterns_.push_back(std::make_unique<Pattern>(kind, pattern));
    if (!patterns_.back()->regex.ok())
      throw Error(std::string("PII pattern for ") + piiKindName(kind) + ": " +
                  patterns_.back()->regex.error());
  }
}

PiiRedactor::~PiiRedactor() = default;

std::set<PiiKind> PiiRedactor::allKinds() {
  std::set<PiiKind> all;
  for (const auto& [kind, name] : kNames) all.insert(kind);
  return all;
}

std::string PiiRedactor::redact(std::string_view input, std::vector<PiiKind>* found) const {
  std::string text(input);
  for (const auto& pattern : patterns_) {
    std::string out;
    size_t pos = 0;
    size_t copied = 0;
    re2::StringPiece match;
    while (pos <= text.size() &&
           pattern->regex.Match(text, pos, text.size(), re2::RE2::UNANCHORED, &match, 1)) {
      const size_t begin = static_cast<size_t>(match.data() - text.data());
      const size_t end = begin + match.size();
      if (match.empty() || !pattern->accept(text, begin, end)) {
        pos = begin + 1;
        continue;
      }
      out.append(text, copied, begin - copied);
      out.append(piiPlaceholder(pattern->kind));
      if (found) found->push_back(pattern->kind);
      copied = pos = end;
    }
    if (copied == 0 && out.empty()) continue;
    out.append(text, copied, std::string::npos);
    text = std::move(out);
  }
  return text;
}

std::unique_ptr<CleaningStep> PiiRedactionStep::fromSettings(const nlohmann::json& settings) {
  if (!settings.is_object() || !settings.contains("kinds"))
    return std::make_unique<PiiRedactionStep>(PiiRedactor::allKinds());
  std::set<PiiKind> kinds;
  for (const auto& name : settings["kinds"]) {
    bool known = false;
    for (const auto& [kind, n] : kNames)
      if (name.is_string() && name.get<std::string>() == n) {
        kinds.insert(kind);
        known = true;
      }
    if (!known)
      throw Error("cleaning setting \"kinds\": unknown PII kind " + name.dump() +
                  " (expected email, phone, ipv4, ipv6, card or iban)");
  }
  return std::make_unique<PiiRedactionStep>(kinds);
}

nlohmann::json PiiRedactionStep::settings() const {
  nlohmann::json kinds = nlohmann::json::array();
  for (PiiKind kind : redactor_.kinds()) kinds.push_back(piiKindName(kind));
  return {{"kinds", kinds}};
}

PerExampleStep::Outcome PiiRedactionStep::process(Example& e, DatasetKind kind) {
  bool changed = false;
  for (std::string* text : textsOf(e, kind)) {
    std::string after = redactor_.redact(*text);
    if (after != *text) {
      *text = std::move(after);
      changed = true;
    }
  }
  return changed ? Outcome::Change : Outcome::Keep;
}

}  // namespace tunebench
