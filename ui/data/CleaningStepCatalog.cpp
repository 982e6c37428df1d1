#include "data/CleaningStepCatalog.h"

#include <QCoreApplication>
#include <QVector>

#include "data/CleaningRecipe.h"

namespace tunebench::ui {

namespace {

struct Description {
  const char* id;
  const char* title;
  const char* help;
};

// Titles and help for the ids the core knows; an id missing here still appears, by its id.
constexpr Description kDescriptions[] = {
    {"unicode", QT_TRANSLATE_NOOP("CleaningStep", "Unicode normalisation"),
     QT_TRANSLATE_NOOP("CleaningStep", "Rewrites every text in Unicode form NFC or NFKC.")},
    {"whitespace", QT_TRANSLATE_NOOP("CleaningStep", "Whitespace clean-up"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Removes control characters and zero-width marks, collapses runs of "
                       "spaces, trims lines and keeps at most one empty line in a row.")},
    {"drop-empty", QT_TRANSLATE_NOOP("CleaningStep", "Drop empty examples"),
     QT_TRANSLATE_NOOP("CleaningStep", "Removes examples whose required texts are blank.")},
    {"length", QT_TRANSLATE_NOOP("CleaningStep", "Length filter"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Removes examples shorter than min or longer than max (0: no limit), in "
                       "characters of the joined text, or in tokens of the chosen model.")},
    {"exact-dedup", QT_TRANSLATE_NOOP("CleaningStep", "Exact deduplication"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Keeps the first of examples whose text is the same, ignoring case, "
                       "Unicode form and spacing.")},
    {"near-dedup", QT_TRANSLATE_NOOP("CleaningStep", "Near-duplicate removal"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "MinHash over word shingles: keeps the first of examples whose estimated "
                       "similarity reaches the threshold.")},
    {"pii", QT_TRANSLATE_NOOP("CleaningStep", "PII redaction"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Replaces e-mail addresses, phone numbers, IP addresses, card numbers and "
                       "IBANs with placeholders such as [EMAIL].")},
    {"profanity", QT_TRANSLATE_NOOP("CleaningStep", "Profanity filter"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Drops or masks examples with listed words (the shipped list and/or a "
                       "word file, one word a line).")},
    {"script", QT_TRANSLATE_NOOP("CleaningStep", "Script filter"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Drops examples where fewer than minShare of the letters are in the "
                       "allowed writing systems (Latin, Greek, Cyrillic, Han, ...).")},
    {"regex-filter", QT_TRANSLATE_NOOP("CleaningStep", "Regex filter"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Drops examples whose text matches the pattern (or keeps only those, "
                       "with keep = matching). RE2 syntax.")},
    {"regex-replace", QT_TRANSLATE_NOOP("CleaningStep", "Regex replace"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Replaces every match of the pattern in every text; \\1 refers to a "
                       "group. RE2 syntax.")},
    {"augment", QT_TRANSLATE_NOOP("CleaningStep", "Augmentation (EDA)"),
     QT_TRANSLATE_NOOP("CleaningStep",
                       "Adds seeded copies whose prompt-side texts get synonym replacement, "
                       "insertion, swaps and deletions; answers stay as they are.")},
};

// Keys a step's parser reads that its settings() leaves out until they are set.
nlohmann::json optionalKeys(const std::string& id) {
  if (id == "regex-filter") return {{"pattern", ""}, {"keep", "non-matching"}};
  if (id == "regex-replace") return {{"pattern", ""}, {"replacement", ""}};
  if (id == "profanity") return {{"wordsFile", ""}};
  if (id == "augment") return {{"synonymsFile", ""}};
  return nlohmann::json::object();
}

nlohmann::json defaultsOf(const std::string& id) {
  nlohmann::json defaults = optionalKeys(id);
  try {
    const auto step = makeCleaningStep(id, nlohmann::json::object());
    const nlohmann::json settings = step->settings();
    for (const auto& [key, value] : settings.items()) defaults[key] = value;
  } catch (const std::exception&) {
    // Needs a setting first (a pattern): the optional keys are the form.
  }
  return defaults;
}

}  // namespace

const QVector<CleaningStepKind>& cleaningStepKinds() {
  static const QVector<CleaningStepKind> kinds = [] {
    QVector<CleaningStepKind> list;
    for (const auto& id : cleaningStepIds()) {
      CleaningStepKind kind;
      kind.id = QString::fromStdString(id);
      kind.title = kind.id;
      for (const auto& d : kDescriptions) {
        if (id == d.id) {
          kind.title = QCoreApplication::translate("CleaningStep", d.title);
          kind.help = QCoreApplication::translate("CleaningStep", d.help);
        }
      }
      kind.defaults = defaultsOf(id);
      list.append(kind);
    }
    return list;
  }();
  return kinds;
}

const CleaningStepKind* findCleaningStepKind(const QString& id) {
  for (const auto& kind : cleaningStepKinds())
    if (kind.id == id) return &kind;
  return nullptr;
}

QString cleaningStepTitle(const QString& id) {
  const auto* kind = findCleaningStepKind(id);
  return kind ? kind->title : id;
}

QStringList settingChoices(const QString& stepId, const QString& key) {
  if (stepId == QLatin1String("unicode") && key == QLatin1String("form"))
    return {QStringLiteral("NFC"), QStringLiteral("NFKC")};
  if (stepId == QLatin1String("length") && key == QLatin1String("unit"))
    return {QStringLiteral("chars"), QStringLiteral("tokens")};
  if (stepId == QLatin1String("regex-filter") && key == QLatin1String("keep"))
    return {QStringLiteral("non-matching"), QStringLiteral("matching")};
  if (stepId == QLatin1String("profanity") && key == QLatin1String("action"))
    return {QStringLiteral("drop"), QStringLiteral("mask")};
  return {};
}

}  // namespace tunebench::ui
