#include "data/DatasetProfileComputation.h"

#include "data/TextNormalization.h"
#include "jobs/JobContext.h"
#include "store/DatasetVersions.h"
#include "store/ProjectStore.h"

namespace tunebench::ui {

ProfileOutcome computeProfile(const ProfileRequest& request, quint64 key, JobContext& context) {
  ProfileOutcome outcome;
  outcome.key = key;
  try {
    outcome.version =
        readDatasetVersion(request.projectFile, request.datasetId, request.versionNumber, context);
  } catch (const std::exception& e) {
    outcome.error = QString::fromStdString(e.what());
    return outcome;
  }
  if (context.isCanceled()) {
    outcome.canceled = true;
    return outcome;
  }
  const Dataset& data = *outcome.version.data;
  ProfileOptions options;
  options.bins = request.bins;
  options.countTokens = [](std::string_view text) { return splitWords(text).size(); };
  outcome.profile = profileDataset(data, options);
  try {
    store::OpenOptions readOnly;
    readOnly.readOnly = true;
    auto project = store::ProjectStore::open(request.projectFile.toStdString(), readOnly);
    outcome.profile.unusedFields =
        store::unusedSourceFields(project, outcome.version.versionId, context);
  } catch (const std::exception&) {
    // Only the note about unused columns is missing; the profile itself stands.
  }
  if (request.modelFolder.isEmpty()) return outcome;
  try {
    const auto tokenizer = openTrainingTokenizer(request.modelFolder.toStdString());
    outcome.tokenizerFile = QString::fromStdString(tokenizer.file.string());
    TokenProfileOptions tokenOptions;
    tokenOptions.bins = request.bins;
    tokenOptions.maxLength =
        request.maxLength > 0 ? request.maxLength : defaultMaxLength(tokenizer);
    outcome.tokens = profileTokens(data, tokenizer.encoder, tokenOptions, &context);
  } catch (const std::exception& e) {
    outcome.tokenizerError = QString::fromStdString(e.what());
  }
  outcome.canceled = context.isCanceled();
  return outcome;
}

}  // namespace tunebench::ui
