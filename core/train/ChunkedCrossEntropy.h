#pragma once
// The language-model loss without the [tokens, vocabulary] logits: the output projection and
// the cross-entropy run together over a few rows at a time, and the gradients of both inputs
// are worked out in the same pass (the softmax of a chunk is at hand there). With vocabularies
// of 32k–150k entries the full logits, their log-softmax and their gradients are most of a
// small batch's memory; chunked, they take a few MiB.
#include <cstdint>

#include <torch/types.h>

namespace tunebench {

// Sum over rows i with targets[i] != ignoredTarget of −log softmax(hidden[i] ·
// weightᵀ)[targets[i]]. hidden [N, H], weight [V, H] (the head's weight, bias-free), targets [N]
// int64. Gradients reach hidden and weight (where they require them) as autograd would give them
// for the unchunked expression; ignored rows cost nothing. The logits are computed in fp32. Throws
// tunebench::Error for mismatched shapes or a target outside [0, V).
torch::Tensor chunkedLinearCrossEntropy(const torch::Tensor& hidden, const torch::Tensor& weight,
                                        const torch::Tensor& targets, int64_t ignoredTarget,
                                        int64_t rowsPerChunk = 0);

// The rows per chunk chosen when none is given: about 64 MiB of fp32 logits, at least 16 rows.
// A few hundred rows keep the products with the vocabulary near the GEMM rate; fewer slow them.
int64_t defaultCrossEntropyChunkRows(int64_t vocabularySize);

}  // namespace tunebench
