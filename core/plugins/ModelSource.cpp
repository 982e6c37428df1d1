#include "plugins/ModelSource.h"

namespace tunebench {

std::string ModelSource::describe() const {
  if (!checkpointFolder.empty()) return modelFolder + " at checkpoint " + checkpointFolder;
  if (!adapterFolder.empty()) return modelFolder + " with adapter " + adapterFolder;
  return modelFolder;
}

}  // namespace tunebench
