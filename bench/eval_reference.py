#!/usr/bin/env python3
"""Eager PyTorch reference for `tunebench-cli bench eval`: scores the requests that command wrote
(--requests-out) the way lm-evaluation-harness scores log-likelihood requests with a Hugging Face
model (one sequence per request, context + continuation without its last token, batched
right-padded longest first), on the same Llama-family model folder, and compares the scores.

Uses Debian's python3-torch; give both sides the same threads:
  tunebench-cli bench eval --model DIR --threads 2 --requests-out /tmp/requests.json
  /usr/bin/python3 bench/eval_reference.py --model DIR --requests /tmp/requests.json --threads 2"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from train_reference import load_llama  # noqa: E402


def score(model, requests, batch_size):
    order = sorted(range(len(requests)),
                   key=lambda i: -(len(requests[i]["context"]) + len(requests[i]["continuation"])))
    scores = [0.0] * len(requests)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            inputs = [(requests[i]["context"] + requests[i]["continuation"])[:-1] for i in rows]
            length = max(len(x) for x in inputs)
            ids = torch.zeros((len(rows), length), dtype=torch.long)
            for r, x in enumerate(inputs):
                ids[r, :len(x)] = torch.tensor(x)
            log_probs = model(ids).log_softmax(-1)
            for r, i in enumerate(rows):
                continuation = requests[i]["continuation"]
                end = len(inputs[r])
                picked = log_probs[r, end - len(continuation):end].gather(
                    -1, torch.tensor(continuation)[:, None])
                scores[i] = float(picked.double().sum())
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    _, model = load_llama(args.model, "eval_reference.py")
    with open(args.requests) as f:
        written = json.load(f)
    requests = written["requests"]
    best = float("inf")
    for _ in range(args.runs):
        start = time.perf_counter()
        scores = score(model, requests, written["batch_size"])
        best = min(best, time.perf_counter() - start)
    largest = max(abs(s - r["log_likelihood"]) for s, r in zip(scores, requests))
    print(f"threads: {torch.get_num_threads()}")
    print(f"eager PyTorch, one per choice: {best:.3f} s for {len(requests)} requests")
    print(f"largest difference from tunebench's log-likelihoods: {largest:.2e}")


if __name__ == "__main__":
    main()
