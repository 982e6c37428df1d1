#include "model/DecoderBlocks.h"

#include <cmath>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/FusedOps.h"

namespace tunebench {

std::pair<torch::Tensor, torch::Tensor> appendToCache(const torch::Tensor& k,
                                                      const torch::Tensor& v,
                                                      const LayerContext& context) {
  if (!context.cache) return {k, v};
  auto& keys = context.cache->keys[context.layer];
  auto& values = context.cache->values[context.layer];
  const int64_t length = k.size(2);
  keys.narrow(2, context.past, length).copy_(k);
  values.narrow(2, context.past, length).copy_(v);
  return {keys.narrow(2, 0, context.past + length), values.narrow(2, 0, context.past + length)};
}

void DecoderLayerImpl::setBranchAdapters(std::shared_ptr<BranchAdapterImpl> attention,
                                         std::shared_ptr<BranchAdapterImpl> mlp) {
  if (attn_adapter || mlp_adapter) throw Error("the decoder layer has adapters already");
  attn_adapter = register_module("attn_adapter", std::move(attention));
  mlp_adapter = register_module("mlp_adapter", std::move(mlp));
}

LlamaAttentionImpl::LlamaAttentionImpl(const ModelConfig& config)
    : heads(config.numHeads),
      kvHeads(config.numKeyValueHeads),
      headDim(config.headDim),
      queryKeyNorm(config.queryKeyNorm),
      ropeLayers(config.ropeLayers),
      slidingLayers(config.slidingLayers),
      // The attention divides by √head_dim; another scale rides on the queries.
      queryScale(config.attentionScale > 0
                     ? config.attentionScale * std::sqrt(static_cast<double>(config.headDim))
                     : 1.0),
      softcap(config.attentionSoftcap) {
  const int64_t h = config.hiddenSize;
  if (config.fusedProjections) {
    qkv_proj = register_module("qkv_proj",
                               Linear(h, (heads + 2 * kvHeads) * headDim, config.attentionBias));
  } else {
    q_proj = register_module("q_proj", Linear(h, heads * headDim, config.attentionBias));
    k_proj = register_module("k_proj", Linear(h, kvHeads * headDim, config.attentionBias));
    v_proj = register_module("v_proj", Linear(h, kvHeads * headDim, config.attentionBias));
  }
  o_proj = register_module("o_proj", Linear(heads * headDim, h, config.outputProjectionBias));
  if (queryKeyNorm != ModelConfig::QueryKeyNorm::None) {
    const bool perHead = queryKeyNorm == ModelConfig::QueryKeyNorm::PerHead;
    q_norm = register_module(
        "q_norm", RMSNorm(perHead ? headDim : heads * headDim, config.normEps, config.gemmaNorms));
    k_norm = register_module("k_norm", RMSNorm(perHead ? headDim : kvHeads * headDim,
                                               config.normEps, config.gemmaNorms));
  }
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const LayerContext& context) {
  const int64_t batch = x.size(0), length = x.size(1);
  torch::Tensor q, k, v;
  if (qkv_proj) {
    const auto qkv = qkv_proj(x);
    q = qkv.narrow(-1, 0, heads * headDim);
    k = qkv.narrow(-1, heads * headDim, kvHeads * headDim);
    v = qkv.narrow(-1, (heads + kvHeads) * headDim, kvHeads * headDim);
  } else {
    q = q_proj(x);
    k = k_proj(x);
  }
  const bool wholeNorm = queryKeyNorm == ModelConfig::QueryKeyNorm::WholeProjection;
  if (wholeNorm) {
    q = q_norm(q);
    k = k_norm(k);
  }
  q = q.reshape({batch, length, heads, headDim});
  k = k.reshape({batch, length, kvHeads, headDim});
  if (queryKeyNorm == ModelConfig::QueryKeyNorm::PerHead) {
    q = q_norm(q);
    k = k_norm(k);
  }
  q = q.transpose(1, 2);
  k = k.transpose(1, 2);
  // The value projection runs after the queries' and keys' (an adapter's dropout draws in the
  // same order as always, so seeded runs keep their numbers).
  if (!v.defined()) v = v_proj(x);
  v = v.reshape({batch, length, kvHeads, headDim}).transpose(1, 2);
  const bool local = !slidingLayers.empty() && slidingLayers[static_cast<size_t>(context.layer)];
  if (ropeLayers.empty() || ropeLayers[static_cast<size_t>(context.layer)]) {
    q = applyRotary(q, local ? context.localCos : context.cos,
                    local ? context.localSin : context.sin);
    k = applyRotary(k, local ? context.localCos : context.cos,
                    local ? context.localSin : context.sin);
  }
  if (queryScale != 1.0) q = q * queryScale;
  const auto [keys, values] = appendToCache(k, v, context);
  const auto out = attention(q, keys, values, local ? context.localPlan : context.plan, softcap);
  return o_proj(out.transpose(1, 2).reshape({batch, length, heads * headDim}));
}

LlamaMlpImpl::LlamaMlpImpl(const ModelConfig& config)
    : inner(config.intermediateSize), activation(config.hiddenAct) {
  const int64_t h = config.hiddenSize;
  if (config.fusedProjections) {
    gate_up_proj = register_module("gate_up_proj", Linear(h, 2 * inner, config.mlpBias));
  } else {
    gate_proj = register_module("gate_proj", Linear(h, inner, config.mlpBias));
    up_proj = register_module("up_proj", Linear(h, inner, config.mlpBias));
  }
  down_proj = register_module("down_proj", Linear(inner, h, config.mlpBias));
}

torch::Tensor LlamaMlpImpl::forward(const torch::Tensor& x) {
  torch::Tensor gate, up;
  if (gate_up_proj) {
    const auto both = gate_up_proj(x);
    gate = both.narrow(-1, 0, inner);
    up = both.narrow(-1, inner, inner);
  } else {
    // Up before gate: the order the argument evaluation of swiGlu(gate_proj(x), up_proj(x)) had,
    // so an adapter's dropout draws as before and seeded runs keep their numbers.
    up = up_proj(x);
    gate = gate_proj(x);
  }
  if (activation == "silu") return down_proj(swiGlu(gate, up));
  // GeGLU (Gemma): the tanh approximation unless the config asks for the exact GELU.
  return down_proj(torch::gelu(gate, activation == "gelu" ? "none" : "tanh") * up);
}

LlamaLayerImpl::LlamaLayerImpl(const ModelConfig& config) : placement(config.normPlacement) {
  self_attn = register_module("self_attn", LlamaAttention(config));
  mlp = register_module("mlp", LlamaMlp(config));
  const auto norm = [&](const char* name) {
    return register_module(name, RMSNorm(config.hiddenSize, config.normEps, config.gemmaNorms));
  };
  using Placement = ModelConfig::NormPlacement;
  if (placement != Placement::After) input_layernorm = norm("input_layernorm");
  post_attention_layernorm = norm("post_attention_layernorm");
  if (placement == Placement::Around) pre_feedforward_layernorm = norm("pre_feedforward_layernorm");
  if (placement != Placement::Before)
    post_feedforward_layernorm = norm("post_feedforward_layernorm");
}

torch::Tensor LlamaLayerImpl::forward(const torch::Tensor& x, const LayerContext& context) {
  switch (placement) {
    case ModelConfig::NormPlacement::After: {
      // OLMo 2: each sublayer sees the residual stream itself; its output is normalised.
      auto h = x + adaptAttention(post_attention_layernorm(self_attn->forward(x, context)));
      return h + adaptMlp(post_feedforward_layernorm(mlp(h)));
    }
    case ModelConfig::NormPlacement::Around: {
      // Gemma 2 and 3: normalised in and out of both sublayers.
      auto attended = self_attn->forward(input_layernorm(x), context);
      auto h = x + adaptAttention(post_attention_layernorm(attended));
      return h + adaptMlp(post_feedforward_layernorm(mlp(pre_feedforward_layernorm(h))));
    }
    case ModelConfig::NormPlacement::Before:
      break;
  }
  auto h = x + adaptAttention(self_attn->forward(input_layernorm(x), context));
  return h + adaptMlp(mlp(post_attention_layernorm(h)));
}

Gpt2AttentionImpl::Gpt2AttentionImpl(const ModelConfig& config)
    : heads(config.numHeads), headDim(config.headDim) {
  const int64_t h = config.hiddenSize;
  c_attn = register_module("c_attn", Linear(h, 3 * heads * headDim, true));
  c_proj = register_module("c_proj", Linear(heads * headDim, h, true));
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& x, const LayerContext& context) {
  const int64_t batch = x.size(0), length = x.size(1);
  const auto qkv = c_attn(x).view({batch, length, 3, heads, headDim}).permute({2, 0, 3, 1, 4});
  const auto [keys, values] = appendToCache(qkv[1], qkv[2], context);
  const auto out = attention(qkv[0], keys, values, context.plan);
  return c_proj(out.transpose(1, 2).reshape({batch, length, heads * headDim}));
}

Gpt2MlpImpl::Gpt2MlpImpl(const ModelConfig& config) : exactGelu(config.hiddenAct == "gelu") {
  c_fc = register_module("c_fc", Linear(config.hiddenSize, config.intermediateSize, true));
  c_proj = register_module("c_proj", Linear(config.intermediateSize, config.hiddenSize, true));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& x) {
  const auto hidden = c_fc(x);
  return c_proj(exactGelu ? torch::gelu(hidden) : torch::gelu(hidden, "tanh"));
}

Gpt2LayerImpl::Gpt2LayerImpl(const ModelConfig& config) {
  ln_1 = register_module("ln_1", LayerNorm(config.hiddenSize, config.normEps));
  attn = register_module("attn", Gpt2Attention(config));
  ln_2 = register_module("ln_2", LayerNorm(config.hiddenSize, config.normEps));
  mlp = register_module("mlp", Gpt2Mlp(config));
}

torch::Tensor Gpt2LayerImpl::forward(const torch::Tensor& x, const LayerContext& context) {
  auto h = x + adaptAttention(attn->forward(ln_1(x), context));
  return h + adaptMlp(mlp(ln_2(h)));
}

}  // namespace tunebench
