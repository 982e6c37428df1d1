#!/usr/bin/env python3
"""Eager PyTorch reference for `tunebench-cli bench train`: the same Llama-family model folder,
the same step (forward, mean token cross-entropy, backward, global-norm clipping at 1.0, AdamW at
lr 1e-4) on random full-length rows, timed the same way (median of --steps after one warm-up).

Uses Debian's python3-torch; run it through bench/compare-train.sh so both sides get the same
threads and BLAS settings."""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "reference"))
from decoder_reference import read_safetensors  # noqa: E402


class Llama(torch.nn.Module):
    def __init__(self, config, weights):
        super().__init__()
        self.c = config
        self.w = torch.nn.ParameterDict(
            {name.replace(".", "__"): torch.nn.Parameter(t.float().clone()) for name, t in weights.items()})
        hidden = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        self.kv_heads = config.get("num_key_value_heads", self.heads)
        self.head_dim = config.get("head_dim") or hidden // self.heads
        self.eps = config.get("rms_norm_eps", 1e-6)
        theta = config.get("rope_theta", 10000.0)
        self.inv = 1.0 / theta ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim)

    def p(self, name):
        return self.w[name.replace(".", "__")]

    def linear(self, x, name):
        y = x @ self.p(name + ".weight").T
        key = (name + ".bias").replace(".", "__")
        return y + self.w[key] if key in self.w else y

    def norm(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.p(name)

    def forward(self, ids):
        batch, length = ids.shape
        angles = torch.arange(length).float()[:, None] * self.inv[None, :]
        cos = torch.cat([angles, angles], -1).cos()
        sin = torch.cat([angles, angles], -1).sin()

        def rope(x):
            half = x.shape[-1] // 2
            rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
            return x * cos + rotated * sin

        mask = torch.full((length, length), float("-inf")).triu(1)
        x = self.p("model.embed_tokens.weight")[ids]
        group = self.heads // self.kv_heads
        for layer in range(self.c["num_hidden_layers"]):
            pre = f"model.layers.{layer}."
            h = self.norm(x, pre + "input_layernorm.weight")
            q = self.linear(h, pre + "self_attn.q_proj").view(batch, length, self.heads, self.head_dim).transpose(1, 2)
            k = self.linear(h, pre + "self_attn.k_proj").view(batch, length, self.kv_heads, self.head_dim).transpose(1, 2)
            v = self.linear(h, pre + "self_attn.v_proj").view(batch, length, self.kv_heads, self.head_dim).transpose(1, 2)
            q, k = rope(q), rope(k)
            k = k.repeat_interleave(group, dim=1)
            v = v.repeat_interleave(group, dim=1)
            scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + mask
            out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, self.heads * self.head_dim)
            x = x + self.linear(out, pre + "self_attn.o_proj")
            h = self.norm(x, pre + "post_attention_layernorm.weight")
            gate = self.linear(h, pre + "mlp.gate_proj")
            x = x + self.linear(F.silu(gate) * self.linear(h, pre + "mlp.up_proj"), pre + "mlp.down_proj")
        x = self.norm(x, "model.norm.weight")
        head = "lm_head.weight" if "lm_head__weight" in self.w else "model.embed_tokens.weight"
        return x @ self.p(head).T


def load_llama(folder, caller):
    """The folder's config and its Llama-family model; exits naming `caller` for another family."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    if config.get("model_type") not in ("llama", "mistral", "qwen2"):
        sys.exit(f"{caller}: Llama-family models only (llama, mistral, qwen2)")
    return config, Llama(config, read_safetensors(os.path.join(folder, "model.safetensors")))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--length", type=int, default=256)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    config, model = load_llama(args.model, "train_reference.py")
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    torch.manual_seed(0)
    ids = torch.randint(config["vocab_size"], (args.batch, args.length))

    phases = [0.0] * 4

    def step():
        mark = time.perf_counter()

        def lap(phase):
            nonlocal mark
            now = time.perf_counter()
            phases[phase] = now - mark
            mark = now

        optimizer.zero_grad()
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
        lap(0)
        loss.backward()
        lap(1)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        lap(2)
        optimizer.step()
        lap(3)

    step()
    times = []
    phase_times = [[] for _ in phases]
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
        for phase, seconds in enumerate(phases):
            phase_times[phase].append(seconds)
    median = statistics.median(times)
    forward, backward, clipping, update = (statistics.median(t) for t in phase_times)
    print(f"threads: {torch.get_num_threads()}")
    print(f"eager PyTorch train step {args.batch} x {args.length} tokens: median {median:.3f} s "
          f"of {args.steps} steps, {args.batch * args.length / median:.0f} tokens/s")
    print(f"phases (medians): forward and loss {forward:.3f} s, backward {backward:.3f} s, "
          f"clipping {clipping:.3f} s, optimiser {update:.3f} s")


if __name__ == "__main__":
    main()
