#pragma once
// Comma- or tab-separated values (RFC 4180). The first record is the header: its names become
// the record's fields, all values strings. Blank lines are skipped.
// Settings: {"delimiter": "," | "\t" | ";" | "|" | "auto", "header": true,
//            "maxFieldBytes": 16777216, "readBufferBytes": 1048576}
// Without a header the fields are named column1, column2, ...
#include "plugins/PluginApi.h"

namespace tunebench::builtin {

class CsvImporter : public DatasetImporter {
 public:
  // `tabs`: the TSV flavour, whose default delimiter is a tab instead of sniffing.
  explicit CsvImporter(bool tabs) : tabs_(tabs) {}
  std::string id() const override { return tabs_ ? "tsv" : "csv"; }
  std::string displayName() const override {
    return tabs_ ? "Tab-separated values" : "Comma-separated values";
  }
  std::vector<std::string> fileExtensions() const override {
    return tabs_ ? std::vector<std::string>{"tsv", "tab"} : std::vector<std::string>{"csv"};
  }
  void importFile(const ImportOptions& options, RecordSink& sink, JobContext& context) override;

 private:
  bool tabs_;
};

}  // namespace tunebench::builtin
