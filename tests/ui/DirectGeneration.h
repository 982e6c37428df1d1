#pragma once
// Greedy generation straight from core, for checking what the GUI shows; a translation unit of
// its own because LibTorch's headers and Qt's keywords do not mix.
#include <string>

// The model folder (and adapter) loaded here, the prompt encoded with BOS, generate() until EOS;
// the new text is what decoding prompt + new tokens adds to decoding the prompt.
std::string directGeneration(const std::string& modelFolder, const std::string& adapterFolder,
                             const std::string& prompt, int maxNewTokens);
