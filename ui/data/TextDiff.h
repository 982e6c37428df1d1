#pragma once
// A word-level diff of two texts for the before/after samples of a cleaning step: the common
// prefix and suffix are taken off, the middle is diffed as a longest common subsequence of words
// and the spaces between them. Very long middles are shown as one replaced span rather than
// spending quadratic time on them.
#include <QString>
#include <QVector>

namespace tunebench::ui {

struct DiffPiece {
  enum class Kind { Same, Removed, Added };
  Kind kind = Kind::Same;
  QString text;
};

// The pieces in reading order; Removed pieces belong to `before`, Added ones to `after`.
QVector<DiffPiece> diffWords(const QString& before, const QString& after);

// The before text with removed pieces marked, and the after text with added pieces marked, as
// HTML (escaped, line breaks kept).
QString diffBeforeHtml(const QVector<DiffPiece>& pieces);
QString diffAfterHtml(const QVector<DiffPiece>& pieces);

}  // namespace tunebench::ui
