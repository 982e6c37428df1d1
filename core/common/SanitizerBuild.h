#pragma once
// Whether this translation unit is built with AddressSanitizer (the TUNEBENCH_SANITIZE option).
// The sanitizer runtime refuses dlopen(RTLD_DEEPBIND), which the sentencepiece module needs, so
// such builds run without that module (see tokenizer/SentencePieceModule.cpp).

namespace tunebench {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizerBuild = true;
#else
inline constexpr bool kAddressSanitizerBuild = false;
#endif
#else
inline constexpr bool kAddressSanitizerBuild = false;
#endif

// Why the sentencepiece module is unavailable in an AddressSanitizer build.
inline constexpr const char* kSentencePieceUnderSanitizerReason =
    "the sentencepiece module is not available in an AddressSanitizer build: it must be opened "
    "with dlopen(RTLD_DEEPBIND) to keep its protobuf apart from LibTorch's, and the sanitizer "
    "runtime refuses RTLD_DEEPBIND";

}  // namespace tunebench
