#include "data/CsvReader.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>

#include "common/Error.h"

namespace tunebench {

namespace {

std::string describeByte(int c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  char text[16];
  std::snprintf(text, sizeof text, "0x%02X", c);
  return text;
}

}  // namespace

CsvReader::CsvReader(const std::string& path, const CsvOptions& options)
    : cursor_(path, options.bufferBytes), options_(options) {
  if (options.delimiter == options.quote || options.delimiter == '\n' || options.delimiter == '\r')
    throw Error("CSV delimiter and quote character must differ and must not be a line end");
}

bool CsvReader::atRecordEnd(int c) {
  if (c == -1) return true;
  if (c == '\n') {
    cursor_.get();
    return true;
  }
  if (c == '\r') {
    cursor_.get();
    if (cursor_.peek() == '\n') cursor_.get();
    return true;
  }
  return false;
}

void CsvReader::skipRestOfLine() {
  for (int c = cursor_.peek(); !atRecordEnd(c); c = cursor_.peek()) cursor_.get();
  cursor_.clearInvalidUtf8();
}

std::optional<CsvProblem> CsvReader::checkUtf8(const CsvRow& row) {
  if (!cursor_.sawInvalidUtf8()) return std::nullopt;
  CsvProblem problem{cursor_.badUtf8Position(), row.start, {}, "invalid UTF-8"};
  skipRestOfLine();
  problem.end = cursor_.position();
  return problem;
}

bool CsvReader::next(CsvRow& row, std::optional<CsvProblem>& problem) {
  problem.reset();
  row.fields.clear();
  row.fieldStarts.clear();
  if (cursor_.peek() == -1) return false;
  row.start = cursor_.position();
  const int delimiter = static_cast<unsigned char>(options_.delimiter);
  const int quote = static_cast<unsigned char>(options_.quote);

  while (true) {
    row.fieldStarts.push_back(cursor_.position());
    std::string& field = row.fields.emplace_back();
    int c = cursor_.peek();
    if (c == quote) {
      const TextPosition opened = cursor_.position();
      std::optional<TextPosition> nextLine;  // after the first line end inside the field
      cursor_.get();
      while (true) {
        c = cursor_.get();
        if (c == -1) {
          problem = CsvProblem{opened, row.start, cursor_.position(),
                               "unterminated quoted field (the quote opened here is never closed)"};
          if (nextLine) {
            problem->end = *nextLine;
            cursor_.seek(*nextLine);
          }
          cursor_.clearInvalidUtf8();
          return true;
        }
        if (!nextLine && (c == '\n' || c == '\r')) {
          if (c == '\r' && cursor_.peek() == '\n') {
            field.push_back('\r');
            c = cursor_.get();
          }
          nextLine = cursor_.position();
        }
        if (c == quote) {
          if (cursor_.peek() != quote) break;
          cursor_.get();  // a doubled quote stands for one
        }
        if (field.size() >= options_.maxFieldBytes) {
          problem = CsvProblem{row.fieldStarts.back(),
                               row.start,
                               {},
                               "field longer than the limit of " +
                                   std::to_string(options_.maxFieldBytes) + " bytes"};
          skipRestOfLine();
          problem->end = cursor_.position();
          return true;
        }
        field.push_back(static_cast<char>(c));
      }
      c = cursor_.peek();
      if (c != delimiter && c != '\n' && c != '\r' && c != -1) {
        problem = CsvProblem{cursor_.position(),
                             row.start,
                             {},
                             "unexpected character " + describeByte(c) +
                                 " after a closing quote (expected the delimiter or a line end)"};
        skipRestOfLine();
        problem->end = cursor_.position();
        return true;
      }
    } else {
      while (c != delimiter && c != '\n' && c != '\r' && c != -1) {
        if (c == quote) {
          problem = CsvProblem{cursor_.position(),
                               row.start,
                               {},
                               "quote character inside an unquoted field (quote the whole field "
                               "and double the quotes inside it)"};
          skipRestOfLine();
          problem->end = cursor_.position();
          return true;
        }
        if (field.size() >= options_.maxFieldBytes) {
          problem = CsvProblem{row.fieldStarts.back(),
                               row.start,
                               {},
                               "field longer than the limit of " +
                                   std::to_string(options_.maxFieldBytes) + " bytes"};
          skipRestOfLine();
          problem->end = cursor_.position();
          return true;
        }
        field.push_back(static_cast<char>(cursor_.get()));
        c = cursor_.peek();
      }
    }
    if (c == delimiter) {
      cursor_.get();
      continue;
    }
    row.end = cursor_.position();
    problem = checkUtf8(row);
    if (!problem) atRecordEnd(c);
    return true;
  }
}

std::string csvRawText(const std::string& path, const TextPosition& from, const TextPosition& to,
                       size_t maxBytes) {
  if (to.offset <= from.offset) return {};
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from.offset));
  std::string text(std::min<size_t>(maxBytes, static_cast<size_t>(to.offset - from.offset)), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  // The line end is not part of the record's text.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

char sniffCsvDelimiter(const std::string& path, size_t sampleBytes) {
  const std::array<char, 4> candidates = {',', '\t', ';', '|'};
  TextCursor cursor(path, 64 * 1024);
  std::vector<std::array<int, 4>> lines(1);
  bool quoted = false;
  for (size_t read = 0; read < sampleBytes; ++read) {
    const int c = cursor.get();
    if (c == -1) break;
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') {
      if (lines.back() != std::array<int, 4>{}) lines.emplace_back();
      continue;
    }
    for (size_t k = 0; k < candidates.size(); ++k)
      if (c == candidates[k]) ++lines.back()[k];
  }
  // A last line cut by the sample size may be incomplete.
  if (lines.size() > 1 && cursor.peek() != -1) lines.pop_back();
  char best = ',';
  size_t bestScore = 0;
  for (size_t k = 0; k < candidates.size(); ++k) {
    std::map<int, size_t> countsPerLine;
    for (const auto& line : lines)
      if (line[k] > 0) ++countsPerLine[line[k]];
    for (const auto& [count, agreeing] : countsPerLine) {
      // Lines that agree on the count, weighted a little by how often it occurs per line.
      const size_t score = agreeing * 4 + static_cast<size_t>(count > 1);
      if (agreeing * 2 >= lines.size() && score > bestScore) {
        best = candidates[k];
        bestScore = score;
      }
    }
  }
  return best;
}

}  // namespace tunebench
