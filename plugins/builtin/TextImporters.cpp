#include "builtin/TextImporters.h"

#include "builtin/CsvImporter.h"
#include "builtin/JsonImporter.h"
#include "builtin/JsonLinesImporter.h"
#include "builtin/PlainTextImporter.h"

namespace tunebench::builtin {

void registerTextImporters(PluginRegistrar* registrar) {
  registrar->addDatasetImporter(std::make_shared<JsonLinesImporter>());
  registrar->addDatasetImporter(std::make_shared<PlainTextImporter>());
  registrar->addDatasetImporter(std::make_shared<JsonImporter>());
  registrar->addDatasetImporter(std::make_shared<CsvImporter>(false));
  registrar->addDatasetImporter(std::make_shared<CsvImporter>(true));
}

}  // namespace tunebench::builtin
