#!/usr/bin/env python3
"""Independent byte-level BPE encoder for tst_bpe_tokenizer: reads a tokenizer.json written by
the project's trainer (Split regex or GPT-2 ByteLevel regex, NFC optional, special tokens) and
encodes texts the way GPT-2's original encoder does (Python's `regex` module has the real
lookahead and Unicode classes).

stdin: {"tokenizer": <tokenizer.json object>, "texts": [str]}
stdout: [[ids...], ...]
"""
import json
import sys
import unicodedata

import regex

GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def byte_table():
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def merge_word(symbols, ranks):
    while len(symbols) > 1:
        pairs = [(ranks.get((a, b), None), i) for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
        candidates = [(r, i) for r, i in pairs if r is not None]
        if not candidates:
            break
        _, i = min(candidates)
        symbols = symbols[:i] + [symbols[i] + symbols[i + 1]] + symbols[i + 2:]
    return symbols


def main():
    job = json.load(sys.stdin)
    tok = job["tokenizer"]
    vocab = tok["model"]["vocab"]
    ranks = {}
    for rank, merge in enumerate(tok["model"]["merges"]):
        pair = tuple(merge) if isinstance(merge, list) else tuple(merge.split(" "))
        ranks.setdefault(pair, rank)
    specials = {t["content"]: t["id"] for t in tok["added_tokens"]}
    pre = tok["pre_tokenizer"]
    if pre["type"] == "ByteLevel":
        pattern = GPT2_PATTERN
    else:
        pattern = pre["pretokenizers"][0]["pattern"]["Regex"]
    nfc = bool(tok.get("normalizer")) and tok["normalizer"]["type"] == "NFC"
    table = byte_table()
    special_re = regex.compile("|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True)))
    results = []
    for text in job["texts"]:
        ids, pos = [], 0
        pieces = []
        for m in special_re.finditer(text):
            pieces.append((text[pos:m.start()], None))
            pieces.append((None, specials[m.group(0)]))
            pos = m.end()
        pieces.append((text[pos:], None))
        for plain, special in pieces:
            if special is not None:
                ids.append(special)
                continue
            if nfc:
                plain = unicodedata.normalize("NFC", plain)
            for word in regex.findall(pattern, plain):
                mapped = [table[b] for b in word.encode("utf-8")]
                ids.extend(vocab[s] for s in merge_word(mapped, ranks))
        results.append(ids)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
