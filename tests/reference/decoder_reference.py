#!/usr/bin/env python3
"""Reference logits for a Hugging Face decoder folder, written from the model definitions
(Llama/Mistral/Qwen2/Qwen3/SmolLM3/OLMo 2/Gemma 1-3/Phi-3 and GPT-2) with plain PyTorch, independently of Tunebench's C++ code.

Usage: decoder_reference.py MODEL_DIR ID ID ...   -> prints the logits of one sequence as JSON
"""
import json
import math
import struct
import sys

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + length])
    data = blob[8 + length :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.astype(np.float32))
    return tensors


def rope_inverse_frequencies(config, head_dim, seq_len=0):
    theta = config.get("rope_theta", 10000.0)
    inv = [1.0 / theta ** (2 * i / head_dim) for i in range(head_dim // 2)]
    scaling = config.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind in ("longrope", "su"):
        # Phi-3: each frequency divided by its factor, the long ones past the original context.
        original = scaling.get("original_max_position_embeddings", config.get("original_max_position_embeddings"))
        factors = scaling["long_factor"] if seq_len > original else scaling["short_factor"]
        inv = [f / e for f, e in zip(inv, factors)]
    elif kind == "linear":
        inv = [f / scaling["factor"] for f in inv]
    elif kind == "llama3":
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        original = scaling["original_max_position_embeddings"]
        scaled = []
        for f in inv:
            wavelength = 2 * math.pi / f
            if wavelength < original / high:
                scaled.append(f)
            elif wavelength > original / low:
                scaled.append(f / factor)
            else:
                smooth = (original / wavelength - low) / (high - low)
                scaled.append((1 - smooth) * f / factor + smooth * f)
        inv = scaled
    return torch.tensor(inv, dtype=torch.float64)


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


def attend(q, k, v, window=None, scale=None, softcap=None):
    # q: [heads, T, d], k/v: [heads, T, d]
    t = q.shape[1]
    scores = q @ k.transpose(-1, -2) * (scale if scale is not None else 1 / math.sqrt(q.shape[-1]))
    if softcap is not None:
        scores = torch.tanh(scores / softcap) * softcap
    allowed = torch.ones(t, t).tril().bool()
    if window is not None:
        for i in range(t):
            for j in range(t):
                if i - j >= window:
                    allowed[i, j] = False
    scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def rms_norm(x, weight, eps):
    return weight * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps))


def llama_logits(config, w, ids):
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads", heads)
    head_dim = config.get("head_dim") or hidden // heads
    eps = config.get("rms_norm_eps", 1e-6)
    arch = config["architectures"][0]
    window = None
    qwen = arch in ("Qwen2ForCausalLM", "Qwen3ForCausalLM")
    if arch == "MistralForCausalLM" or (qwen and config.get("use_sliding_window")):
        window = config.get("sliding_window")
    phi3 = arch == "Phi3ForCausalLM"
    rotary_dim = int(head_dim * config.get("partial_rotary_factor", 1.0)) if phi3 else head_dim
    gemma = arch in ("GemmaForCausalLM", "Gemma2ForCausalLM", "Gemma3ForCausalLM")
    gemma2 = arch == "Gemma2ForCausalLM"
    gemma3 = arch == "Gemma3ForCausalLM"
    positions = torch.arange(len(ids)).float()

    def tables(inv):
        angles = positions[:, None] * inv.float()[None, :]
        return torch.cat([angles, angles], -1).cos(), torch.cat([angles, angles], -1).sin()

    cos, sin = tables(rope_inverse_frequencies(config, rotary_dim, len(ids)))
    scaling = config.get("rope_scaling") or {}
    if scaling.get("type", scaling.get("rope_type")) in ("longrope", "su"):
        original = scaling.get("original_max_position_embeddings", config.get("original_max_position_embeddings"))
        stretch = config["max_position_embeddings"] / original
        factor = scaling.get("attention_factor") or (
            1.0 if stretch <= 1 else math.sqrt(1 + math.log(stretch) / math.log(original)))
        cos, sin = cos * factor, sin * factor
    local_cos, local_sin = cos, sin
    if gemma3:
        # Gemma 3's local layers: rope_local_base_freq, never scaled.
        local = {"rope_theta": config.get("rope_local_base_freq", 10000.0)}
        local_cos, local_sin = tables(rope_inverse_frequencies(local, head_dim))

    def is_local(layer):
        if not (gemma2 or gemma3):
            return False
        if config.get("layer_types"):
            return config["layer_types"][layer] == "sliding_attention"
        pattern = 2 if gemma2 else config.get("sliding_window_pattern", 6)
        return (layer + 1) % pattern != 0

    def norm(x, weight):
        # Gemma's norms scale by (1 + weight).
        return rms_norm(x, 1 + weight if gemma else weight, eps)

    scale = config.get("query_pre_attn_scalar", 256) ** -0.5 if (gemma2 or gemma3) else None
    softcap = config.get("attn_logit_softcapping", 50.0) if gemma2 else None

    def linear(x, name):
        y = x @ w[name + ".weight"].T
        return y + w[name + ".bias"] if name + ".bias" in w else y

    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    if gemma:
        x = x * torch.tensor(hidden**0.5, dtype=x.dtype)
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        olmo2 = arch == "Olmo2ForCausalLM"
        # OLMo 2 has no input norm: its norms act on the sublayers' outputs (below).
        h = x if olmo2 else norm(x, w[p + "input_layernorm.weight"])
        if phi3:
            qkv = linear(h, p + "self_attn.qkv_proj")
            q = qkv[:, : heads * head_dim]
            k = qkv[:, heads * head_dim : (heads + kv_heads) * head_dim]
            v_fused = qkv[:, (heads + kv_heads) * head_dim :]
        else:
            q = linear(h, p + "self_attn.q_proj")
            k = linear(h, p + "self_attn.k_proj")
        if olmo2:
            # over the whole projection, all heads together
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q = q.reshape(-1, heads, head_dim)
        k = k.reshape(-1, kv_heads, head_dim)
        if arch in ("Qwen3ForCausalLM", "Gemma3ForCausalLM"):
            # Qwen3, Gemma 3: each head's queries and keys are normalised before the rotation.
            q = norm(q, w[p + "self_attn.q_norm.weight"])
            k = norm(k, w[p + "self_attn.k_norm.weight"])
        q, k = q.transpose(0, 1), k.transpose(0, 1)
        v = (v_fused if phi3 else linear(h, p + "self_attn.v_proj")).reshape(-1, kv_heads, head_dim).transpose(0, 1)
        # SmolLM3: layers marked 0 in no_rope_layers see no positions at all.
        local = is_local(layer)
        if config.get("no_rope_layers") is None or config["no_rope_layers"][layer] == 1:
            c, s_ = (local_cos, local_sin) if local else (cos, sin)
            # Partial rotary (Phi-3): the first rotary_dim dimensions turn, the rest pass.
            q = torch.cat([rotate(q[..., :rotary_dim], c, s_), q[..., rotary_dim:]], -1)
            k = torch.cat([rotate(k[..., :rotary_dim], c, s_), k[..., rotary_dim:]], -1)
        group = heads // kv_heads
        k = torch.stack([k[i // group] for i in range(heads)])
        v = torch.stack([v[i // group] for i in range(heads)])
        layer_window = config.get("sliding_window") if local else window
        out = attend(q, k, v, layer_window, scale, softcap).transpose(0, 1).reshape(len(ids), heads * head_dim)
        attended = linear(out, p + "self_attn.o_proj")
        around = gemma2 or gemma3  # norms on both sides of both sublayers
        if olmo2 or around:
            x = x + norm(attended, w[p + "post_attention_layernorm.weight"])
            h = norm(x, w[p + "pre_feedforward_layernorm.weight"]) if around else x
        else:
            x = x + attended
            h = norm(x, w[p + "post_attention_layernorm.weight"])
        if phi3:
            gate_up = linear(h, p + "mlp.gate_up_proj")
            gate, up = gate_up.chunk(2, dim=-1)
        else:
            gate, up = linear(h, p + "mlp.gate_proj"), linear(h, p + "mlp.up_proj")
        if gemma:
            act = torch.nn.functional.gelu(gate, approximate="tanh")  # GeGLU
        else:
            act = gate * torch.sigmoid(gate)  # SwiGLU
        mlp = linear(act * up, p + "mlp.down_proj")
        x = x + (norm(mlp, w[p + "post_feedforward_layernorm.weight"]) if (olmo2 or around) else mlp)
    x = norm(x, w["model.norm.weight"])
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    logits = x @ head.T
    if gemma2:
        cap = config.get("final_logit_softcapping", 30.0)
        logits = torch.tanh(logits / cap) * cap
    return logits


def gpt2_logits(config, w, ids):
    heads = config["n_head"]
    eps = config.get("layer_norm_epsilon", 1e-5)
    w = {k[len("transformer.") :] if k.startswith("transformer.") else k: v for k, v in w.items()}

    def conv1d(x, name):
        return x @ w[name + ".weight"] + w[name + ".bias"]

    def layer_norm(x, name):
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], eps)

    def gelu_new(x):
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))

    t = len(ids)
    x = w["wte.weight"][torch.tensor(ids)] + w["wpe.weight"][:t]
    for layer in range(config["n_layer"]):
        p = f"h.{layer}."
        qkv = conv1d(layer_norm(x, p + "ln_1"), p + "attn.c_attn")
        q, k, v = (part.view(t, heads, -1).transpose(0, 1) for part in qkv.split(qkv.shape[-1] // 3, -1))
        out = attend(q, k, v).transpose(0, 1).reshape(t, -1)
        x = x + conv1d(out, p + "attn.c_proj")
        x = x + conv1d(gelu_new(conv1d(layer_norm(x, p + "ln_2"), p + "mlp.c_fc")), p + "mlp.c_proj")
    x = layer_norm(x, "ln_f")
    return x @ w.get("lm_head.weight", w["wte.weight"]).T


def main():
    folder, ids = sys.argv[1], [int(i) for i in sys.argv[2:]]
    with open(folder + "/config.json") as f:
        config = json.load(f)
    weights = read_safetensors(folder + "/model.safetensors")
    with torch.no_grad():
        if config["architectures"][0] == "GPT2LMHeadModel":
            logits = gpt2_logits(config, weights, ids)
        else:
            logits = llama_logits(config, weights, ids)
    json.dump(logits.tolist(), sys.stdout)


if __name__ == "__main__":
    main()
