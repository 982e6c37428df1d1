#include "data/TextDiff.h"

#include <algorithm>

namespace tunebench::ui {

namespace {

// Above this many cells the middle is shown as one replacement.
constexpr qint64 kMaxDiffCells = 4'000'000;

// Words and the runs of white space between them, so that a change of spacing shows too.
QStringList tokens(const QString& text) {
  QStringList out;
  int start = 0;
  for (int i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i].isSpace() != text[i - 1].isSpace()) {
      out.append(text.mid(start, i - start));
      start = i;
    }
  }
  return out;
}

void append(QVector<DiffPiece>& pieces, DiffPiece::Kind kind, const QString& text) {
  if (text.isEmpty()) return;
  if (!pieces.isEmpty() && pieces.back().kind == kind)
    pieces.back().text += text;
  else
    pieces.append({kind, text});
}

QString escaped(const QString& text) {
  QString html = text.toHtmlEscaped();
  html.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
  html.replace(QLatin1Char('\t'), QStringLiteral("&nbsp;&nbsp;&nbsp;&nbsp;"));
  return html;
}

QString html(const QVector<DiffPiece>& pieces, DiffPiece::Kind shown, const QString& style) {
  QString out;
  for (const auto& piece : pieces) {
    if (piece.kind == DiffPiece::Kind::Same)
      out += escaped(piece.text);
    else if (piece.kind == shown)
      out += QStringLiteral("<span style=\"%1\">%2</span>").arg(style, escaped(piece.text));
  }
  return out;
}

}  // namespace

QVector<DiffPiece> diffWords(const QString& before, const QString& after) {
  const QStringList a = tokens(before);
  const QStringList b = tokens(after);
  qsizetype prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  qsizetype suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;

  QVector<DiffPiece> pieces;
  for (qsizetype i = 0; i < prefix; ++i) append(pieces, DiffPiece::Kind::Same, a[i]);
  const qsizetype n = a.size() - prefix - suffix;
  const qsizetype m = b.size() - prefix - suffix;
  if (n * m > kMaxDiffCells) {
    for (qsizetype i = 0; i < n; ++i) append(pieces, DiffPiece::Kind::Removed, a[prefix + i]);
    for (qsizetype j = 0; j < m; ++j) append(pieces, DiffPiece::Kind::Added, b[prefix + j]);
  } else {
    // lcs[i][j]: the longest common subsequence of a's middle from i and b's middle from j.
    std::vector<int> lcs(size_t((n + 1) * (m + 1)), 0);
    auto at = [&](qsizetype i, qsizetype j) -> int& { return lcs[size_t(i * (m + 1) + j)]; };
    for (qsizetype i = n - 1; i >= 0; --i)
      for (qsizetype j = m - 1; j >= 0; --j)
        at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1
                                                  : std::max(at(i + 1, j), at(i, j + 1));
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        append(pieces, DiffPiece::Kind::Same, a[prefix + i]);
        ++i, ++j;
      } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
        append(pieces, DiffPiece::Kind::Added, b[prefix + j++]);
      } else {
        append(pieces, DiffPiece::Kind::Removed, a[prefix + i++]);
      }
    }
  }
  for (qsizetype i = a.size() - suffix; i < a.size(); ++i)
    append(pieces, DiffPiece::Kind::Same, a[i]);
  return pieces;
}

QString diffBeforeHtml(const QVector<DiffPiece>& pieces) {
  return html(pieces, DiffPiece::Kind::Removed,
              QStringLiteral("background-color:#f8c8c8;text-decoration:line-through;"));
}

QString diffAfterHtml(const QVector<DiffPiece>& pieces) {
  return html(pieces, DiffPiece::Kind::Added, QStringLiteral("background-color:#c4ecc4;"));
}

}  // namespace tunebench::ui
