"""A benchmark corpus of real text, available offline, sized in chunks (never run in CI).

    .venv/bin/python bench/build_corpus.py --chunks 100000 --out bench-data/corpus.jsonl

One JSON line per document (``{"name", "text"}``), in this order:

1. every paragraph of the evaluation sample's 3 articles (so its questions can be asked of the
   big index: open-mode F1 at scale; the sample is read, never trained or tuned on);
2. every paragraph of SQuAD 1.1 train and of the SQuAD 2.0 tune articles (``../shared/data``);
3. docstrings of 8+ words from the Python standard library and the installed packages (module,
   class and function docstrings, in sorted file order), each its own document named by its
   qualified name, like the pages of an API reference;

until the documents would make about ``--chunks`` chunks with the product's chunker settings
(180 words, 40 shared). Deterministic: same machine, same packages, same corpus.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.paths import SHARED_DATA_DIR  # noqa: E402
from qa.training.squad_data import load_articles  # noqa: E402

MAX_WORDS, OVERLAP_WORDS = 180, 40
MIN_DOCSTRING_WORDS = 8


def estimated_chunks(text: str) -> int:
    words = len(text.split())
    return max(1, math.ceil((words - OVERLAP_WORDS) / (MAX_WORDS - OVERLAP_WORDS)))


def squad_paragraphs(path: Path):
    for article in load_articles(path):
        title = article.get("title", "untitled").replace("_", " ")
        for i, paragraph in enumerate(article["paragraphs"]):
            yield f"{title} ({i + 1})", paragraph["context"]


def docstrings():
    roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if any(part in {"test", "tests", "site-packages"} for part in path.relative_to(root).parts[:-1]):
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8", errors="ignore"))
            except (SyntaxError, ValueError, RecursionError):
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            for node, qualname in _named_nodes(tree, module):
                doc = ast.get_docstring(node)
                if doc and len(doc.split()) >= MIN_DOCSTRING_WORDS:
                    yield qualname, doc


def _named_nodes(tree, module: str):
    stack = [(tree, module)]
    while stack:
        node, name = stack.pop()
        yield node, name
        for child in reversed(getattr(node, "body", [])):
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.append((child, f"{name}.{child.name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-data" / "corpus.jsonl")
    args = parser.parse_args()

    sources = [
        squad_paragraphs(SHARED_DATA_DIR / "squad2-dev-sample.json"),
        squad_paragraphs(SHARED_DATA_DIR / "squad1.1-train.json.gz"),
        squad_paragraphs(SHARED_DATA_DIR / "squad2-dev-tune.json.gz"),
        docstrings(),
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    counts, chunks, seen = [0] * len(sources), 0, set()
    with args.out.open("w", encoding="utf-8") as out:
        for which, source in enumerate(sources):
            for name, text in source:
                if chunks >= args.chunks:
                    break
                text = text.strip()
                if not text or text in seen:
                    continue
                seen.add(text)
                out.write(json.dumps({"name": name, "text": text}, ensure_ascii=False) + "\n")
                counts[which] += 1
                chunks += estimated_chunks(text)
            if chunks >= args.chunks:
                break
    print(json.dumps({"out": str(args.out), "estimated_chunks": chunks, "documents": sum(counts),
                      "sample_paragraphs": counts[0], "squad_train_paragraphs": counts[1],
                      "squad_tune_paragraphs": counts[2], "docstrings": counts[3]}))


if __name__ == "__main__":
    main()
