#pragma once
// The Porter stemmer as NLTK's nltk.stem.porter.PorterStemmer implements it (NLTK 3.8), in its
// three modes: NLTK_EXTENSIONS (NLTK's default, and what Google's rouge-score uses with
// use_stemmer=True), MARTIN_EXTENSIONS (Martin Porter's published reference implementations)
// and ORIGINAL_ALGORITHM (the 1980 paper). Words are lower-cased first (Python's str.lower()).
#include <string>
#include <string_view>

namespace tunebench {

enum class PorterMode { NltkExtensions, MartinExtensions, OriginalAlgorithm };

// PorterStemmer(mode).stem(word): "caresses" -> "caress", "ponies" -> "poni",
// "relational" -> "relat".
std::string porterStem(std::string_view word, PorterMode mode = PorterMode::NltkExtensions);

}  // namespace tunebench
