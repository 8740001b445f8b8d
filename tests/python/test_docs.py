"""Runs every ```python block of docs/python.md, in order and in one
namespace, as a reader would, in a directory holding gazp_daily.csv."""

import linecache
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "python.md"


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.S | re.M)


def test_docs_python_md_examples_run(tmp_path, monkeypatch):
    blocks = python_blocks(DOC.read_text())
    assert len(blocks) >= 6
    shutil.copy(ROOT / "tests" / "data" / "gazp_daily.csv", tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_python_md"}
    for number, block in enumerate(blocks, 1):
        name = f"{DOC}:block {number}"
        # Tracebacks show the block's lines.
        linecache.cache[name] = (len(block), None, block.splitlines(True), name)
        code = compile(block, name, "exec")
        exec(code, namespace)
