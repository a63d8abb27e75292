"""Builder of the hostile input corpus used by the robustness tests.

Nothing here is committed as data: :func:`build` writes every bad input into a
temporary folder when a test asks for it (a 50 MB file included), and returns
what each one must produce. Each case names the input rule expected for it
(``IN001``...), or ``None`` when the file must be checked normally (it may
have ordinary findings, but no ``input`` finding).
"""

from __future__ import annotations

import codecs
import os
import random
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Size of the large prose file, in bytes (the brief's "50 MB").
BIG_FILE_BYTES = 50 * 1000 * 1000

PROSE = (
    "Restless legs syndrome causes an urge to move the legs, usually in the evening. "
    "Doctors may suggest iron tablets when blood tests show low ferritin. "
    "A small trial found that exercise helped some people sleep better.\n\n"
)


@dataclass(frozen=True)
class Case:
    """One hostile input: its file name, what it is and the input rule it must produce."""

    name: str
    what: str
    expect: str | None
    #: Whether the case needs a platform feature (symlinks, FIFOs, permissions) that may be missing.
    optional: bool = False
    #: Whether a slow machine may stop it at the time budget (IN004) instead of checking it.
    slow: bool = False


def is_root() -> bool:
    """Whether permission bits do not stop this process from reading (root, or no POSIX ids)."""
    return not hasattr(os, "geteuid") or os.geteuid() == 0


def _write(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def _big_prose(path: Path, size: int) -> None:
    block = PROSE.encode() * 64
    with open(path, "wb") as fh:
        written = 0
        while written < size:
            chunk = block[: size - written]
            fh.write(chunk)
            written += len(chunk)


def _nested_html(depth: int) -> bytes:
    inner = "<p>Iron tablets may help some people with low ferritin.</p>"
    return ("<html><body>" + "<div>" * depth + inner + "</div>" * depth + "</body></html>").encode()


def _billion_laughs() -> bytes:
    lines = ["---", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines += ["---", "", "Exercise may help some people sleep better."]
    return ("\n".join(lines) + "\n").encode()


def _regular_cases(folder: Path, big: bool) -> list[Case]:
    rnd = random.Random(1234)
    cases: list[Case] = []

    def add(name: str, what: str, expect: str | None, data: bytes | Callable[[Path], None], slow: bool = False) -> None:
        if callable(data):
            data(folder / name)
        else:
            _write(folder, name, data)
        cases.append(Case(name, what, expect, slow=slow))

    add("empty.md", "empty file", None, b"")
    add("whitespace.md", "whitespace only", None, b"  \n\t\n\r\n   \n" * 50)
    add("binary.md", "binary bytes with a .md name", "IN002", bytes(rnd.randrange(256) for _ in range(20000)) + b"\x00")
    add("invalid-utf8.md", "invalid UTF-8", "IN002", b"Iron helps.\n\nCaf\xe9 \xff\xfe broken \xc3\x28 bytes.\n")
    add("utf16-bom.md", "UTF-16 with BOM", None, codecs.BOM_UTF16_LE + PROSE.encode("utf-16-le"))
    add("utf16-nobom.md", "UTF-16 without BOM", "IN002", PROSE.encode("utf-16-le"))
    add("utf16-bom-broken.md", "UTF-16 BOM followed by an odd number of bytes", "IN002", codecs.BOM_UTF16_LE + b"a\x00b")
    add("latin1.md", "Latin-1 text", "IN002", "Le café et la thé sont délicieux. Ça aide.\n".encode("latin-1"))
    add("nul-middle.txt", "NUL in the middle of a long UTF-8 file", None,
        PROSE.encode() * 200 + b"\x00" + b"\r" + PROSE.encode() * 200)
    add("long-line.txt", "a 1 MB line with no spaces", None, b"x" * 1_000_000 + b"\n")
    add("long-line.md", "a 1 MB Markdown line of punctuation", None, b"*_[(" * 250_000 + b"\n", slow=True)
    add("repeat.md", "200,000 repetitions of one word", None, b"miracle " * 200_000, slow=True)
    add("nested.html", "HTML nested 10,000 levels", None, _nested_html(10_000))
    add("nested-quotes.md", "Markdown nested 10,000 block quotes", None, (b">" * 10_000) + b" deep\n")
    add("nested-lists.md", "Markdown nested 1,000 list levels", None,
        "".join("  " * i + "- item\n" for i in range(1000)).encode())
    add("bad-front-matter.md", "malformed YAML front matter", None,
        b"---\ntitle: [unclosed\n  - : :\n---\n\nIron may help some people.\n")
    add("unclosed-front-matter.md", "front matter never closed", None, b"---\ntitle: x\n\nBody text here.\n")
    add("billion-laughs.md", "YAML front matter alias bomb", None, _billion_laughs())
    add("recursive-alias.md", "YAML front matter with a self-referencing alias", None,
        b"---\na: &a [*a]\n---\n\nBody text.\n")
    add("python-tag.md", "YAML front matter with a !!python/object tag", None,
        b"---\nx: !!python/object/apply:os.system ['echo pwned > pwned.txt']\n---\n\nBody.\n")
    add("bad-toml-front-matter.md", "malformed TOML front matter", None, b"+++\ntitle = \n+++\n\nBody.\n")
    add("scripts-only.html", "HTML with only script and style", None,
        b"<html><head><style>p{color:red}</style></head><body><script>var a = '<p>x</p>';</script>"
        b"<style>body{}</style></body></html>")
    add("tag-soup.html", "random tag soup", None,
        ("".join(rnd.choice(["<p>", "</p>", "<div", ">", "<!--", "-->", "&amp", "&#x", "<a href='", "'>",
                             "word ", "<script>", "</script>", "<![CDATA[", "]]>", "<", "</"])
                 for _ in range(20000))).encode())
    add("lone-cr.md", "old Mac line endings", None, PROSE.replace("\n", "\r").encode())
    if big:
        add("big.md", "a 50 MB file of prose", "IN003", lambda p: _big_prose(p, BIG_FILE_BYTES))
    return cases


def _special_cases(folder: Path) -> list[Case]:
    cases: list[Case] = []
    if hasattr(os, "symlink"):
        os.symlink("loop-b.md", folder / "loop-a.md")
        os.symlink("loop-a.md", folder / "loop-b.md")
        cases.append(Case("loop-a.md", "a symlink loop", "IN001", optional=True))
        cases.append(Case("loop-b.md", "a symlink loop", "IN001", optional=True))
        os.symlink("no-such-target.md", folder / "dangling.md")
        cases.append(Case("dangling.md", "a dangling symlink", "IN001", optional=True))
        if os.path.exists("/dev/zero"):
            os.symlink("/dev/zero", folder / "zero.md")
            cases.append(Case("zero.md", "a link to an endless device", "IN001", optional=True))
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.md")
        cases.append(Case("fifo.md", "a FIFO (opening it would block)", "IN001", optional=True))
    if not is_root() and hasattr(os, "geteuid"):
        p = folder / "unreadable.md"
        p.write_text("Secret draft.\n")
        p.chmod(0)
        cases.append(Case("unreadable.md", "a file without read permission", "IN001", optional=True))
    # A folder named like an article is walked as a folder, never opened as a file.
    (folder / "folder.md").mkdir()
    (folder / "folder.md" / "inside.md").write_text("Iron may help some people.\n")
    cases.append(Case("folder.md/inside.md", "a file inside a folder named x.md", None))
    return cases


def build(folder: Path, big: bool = True) -> list[Case]:
    """Write the hostile corpus into ``folder`` (created) and return its cases."""
    folder.mkdir(parents=True, exist_ok=True)
    return _regular_cases(folder, big) + _special_cases(folder)


def cleanup(folder: Path) -> None:
    """Give back permissions taken away by :func:`build` so the folder can be removed."""
    for p in folder.rglob("*"):
        try:
            if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) == 0:
                p.chmod(0o644)
        except OSError:
            pass
