#pragma once
// The profile of a stored version computed on a worker thread with the core's profilers: counts,
// per-field lengths in characters and words, labels, duplicates (profileDataset), and with a model
// folder the token lengths of the text the trainer sees, cut at the maximum length
// (profileTokens), as `data profile --model` prints them.
#include <QString>
#include <optional>

#include "data/DatasetProfile.h"
#include "data/DatasetVersionRead.h"
#include "train/TokenProfile.h"

namespace tunebench {
class JobContext;
}

namespace tunebench::ui {

struct ProfileRequest {
  QString projectFile;
  qint64 datasetId = 0;
  int versionNumber = 0;  // 0: the newest
  QString modelFolder;    // empty: no tokens
  int maxLength = 0;      // 0: the model's maximum positions, else 2048
  int bins = 20;
};

struct ProfileOutcome {
  quint64 key = 0;
  DatasetVersionData version;
  DatasetProfile profile;  // its `tokens` map holds word counts
  std::optional<TokenProfile> tokens;
  QString tokenizerFile;
  QString tokenizerError;  // the model's tokenizer could not be used
  QString error;           // the version could not be read
  bool canceled = false;
};

ProfileOutcome computeProfile(const ProfileRequest& request, quint64 key, JobContext& context);

}  // namespace tunebench::ui
