#!/usr/bin/env python3
"""Reference renderer for the chat template tests: Jinja2 configured as Hugging Face
transformers configures it for chat templates (sandboxed, trim_blocks, lstrip_blocks,
loop controls, raise_exception, a tojson that keeps key order and non-ASCII text).

stdin: JSON list of {"template": str, "context": object}
stdout: JSON list of {"text": str} or {"error": str}
"""
import json
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    results = []
    for job in json.load(sys.stdin):
        try:
            text = env.from_string(job["template"]).render(**job["context"])
            results.append({"text": text})
        except Exception as error:  # the test only needs to know that rendering failed
            results.append({"error": "%s: %s" % (type(error).__name__, error)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
