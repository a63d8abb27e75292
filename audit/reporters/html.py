"""A self-contained HTML review report for editors and compliance reviewers.

One file with its CSS, script and chart inline: it opens from ``file://``
with no network. It shows a corpus overview (articles sortable by grade,
findings, claims by support level and promotion score; totals by category; a
readability chart against the target), then each article's original source
with every finding highlighted in place, the findings beside it (click one to
jump to its highlight), the article's claims inventory, and provenance for the
record (tool and rule-set versions, config hash, time, SHA-256 of every input).

A large report can be split into pages (``audit report --page-size N``): then
``index.html`` holds the overview, the table of every article and the
provenance, and each ``index-NNNN.html`` beside it holds up to N articles with
their own filters, each page as self-contained as a one-page report. Whether a
report is split is known once article N + 1 arrives, so the overview rows of
the first page's articles wait in memory (a few numbers each) until then.

The page is streamed: each article's row in the overview table, its section,
its findings' data for the script and its row in the table of hashes are
rendered as its file arrives, each into an :class:`audit.reporters.Spool`, and
put in place when the page around them (totals, filters, chart), which comes
first, is written at the end. Only the chart's point per article (path, grade)
stays in memory: a report's memory does not grow with its articles' text and
findings.

Article text is untrusted. The page is rendered by Jinja2 with autoescaping,
the inline data for the script is JSON with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, and a Content-Security-Policy allows only the report's own
script (by hash), so markup in a draft is shown as text and never runs.

Options read from ``ReportOptions.extra``: ``settings_for`` (path -> Settings,
for the claims inventory), ``readability_metric``, ``readability_target``,
``title``, ``command_line``, ``debug``, and ``pages`` (a :class:`PageFiles`) with
``page_size`` for a report that may be split into pages.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import IO, Any, NamedTuple

from audit.model import CATEGORIES, SEVERITIES, SEVERITY_RANK
from audit.reporters import Reporter as Base
from audit.reporters import Spool, temporary_beside
from audit.reporters._common import (
    ClaimsUnavailable,
    InventoryError,
    claims_inventory,
    display_relative,
    document_source,
)

SUPPORT_LEVELS = ("none", "vague", "named", "cited")
SUPPORT_LABEL = {"none": "Unsupported", "vague": "Vague", "named": "Named source", "cited": "Cited"}
SEVERITY_LABEL = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
CHART_LABELLED_MAX = 60
#: Above this many scored articles the chart shows how many articles have each grade
#: (a histogram) instead of one bar per article.
CHART_BARS_MAX = 1000
#: At most this many columns in the histogram.
HISTOGRAM_BINS = 30
#: The spooled parts of the page, in page order: (template variable, comment that stands
#: where the part goes while the page around it is rendered; markup the page's text cannot
#: contain, since every value it shows is escaped).
_PARTS = (
    ("article_rows", "<!--audit:rows-->"),
    ("articles_html", "<!--audit:articles-->"),
    ("article_hashes", "<!--audit:hashes-->"),
    ("data", "<!--audit:data-->"),
)


#: The parts of a page of articles of a split report, spooled like :data:`_PARTS`.
_PAGE_PARTS = (
    ("articles_html", "<!--audit:articles-->"),
    ("data", "<!--audit:data-->"),
)
#: File names of the pages of a split report, beside ``index.html``.
_PAGE_NAME = re.compile(r"index-\d{4,}\.html")
#: The fields of an article that its row in the overview table shows.
_ROW_FIELDS = ("anchor", "path", "words", "grade", "counts", "by_support", "promotion")


def page_name(number: int) -> str:
    """The file name of page ``number`` (from 1) of a split report."""
    return f"index-{number:04d}.html"


class PageFiles:
    """The pages of a split HTML report, in the report folder beside ``index.html``.

    Each page is written to a temporary file there as the run goes; :meth:`commit`,
    called once the whole run has succeeded, renames them over their targets and
    removes the pages of an earlier, longer report (every ``index-NNNN.html`` this run
    did not write whose head names audit as its generator; any other file of such a
    name is left alone), and :meth:`discard` removes the temporary files instead. A
    symbolic link in a page's place is replaced, never written through.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._written: list[tuple[str, Path]] = []
        #: The names of the pages put in place by :meth:`commit`, in order.
        self.written: list[str] = []

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        """A file to write page ``name`` (a :func:`page_name`) to."""
        if not _PAGE_NAME.fullmatch(name):
            raise ValueError(f"not a page name: {name!r}")
        fd, tmp = temporary_beside(self.folder / name)
        self._written.append((name, Path(tmp)))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh

    def commit(self) -> None:
        """Put the pages written in place and remove older pages."""
        names = set()
        for name, tmp in self._written:
            os.replace(tmp, self.folder / name)
            names.add(name)
            self.written.append(name)
        self._written = []
        for entry in os.scandir(self.folder):
            if _PAGE_NAME.fullmatch(entry.name) and entry.name not in names and _is_a_page(entry):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)

    def discard(self) -> None:
        """Remove the pages written (the run failed): earlier pages stay as they were."""
        for _, tmp in self._written:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._written = []


def _is_a_page(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a page this tool wrote: a regular file (not a link) whose head
    names audit as its generator. Other files of a page's name are left alone."""
    if not entry.is_file(follow_symlinks=False):
        return False
    try:
        with open(entry.path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b'<meta name="generator" content="audit ' in head


def _write_parts(chunks: Iterable[str], parts: tuple[tuple[str, str], ...], spools: dict[str, Spool], out: IO[str]) -> None:
    """Write ``chunks`` to ``out`` with each spool of ``parts`` in place of its comment."""
    pending = iter(parts)
    name, mark = next(pending)
    for chunk in chunks:
        while mark and mark in chunk:
            before, chunk = chunk.split(mark, 1)
            out.write(before)
            spools[name].copy_to(out)
            name, mark = next(pending, ("", ""))
        out.write(chunk)
    if mark:
        raise RuntimeError(f"the report template has no place for {name}")


#: ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`` without a new encoder per call.
_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def safe_json(obj: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so
    neither ``</script>`` nor ``<!--`` can appear), and the line separators
    U+2028 and U+2029 are escaped as well.
    """
    text = _compact_json(obj)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _asset(name: str) -> str:
    return resources.files("audit.templates").joinpath(name).read_text(encoding="utf-8")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def segments(source: str, spans: list[tuple[int, int, int]]) -> list[list[tuple[str, tuple[int, ...]]]]:
    """Split ``source`` into lines of ``(text, finding ids)`` segments.

    ``spans`` are ``(start, end, id)`` source offsets. Overlapping spans are cut
    into non-overlapping segments, each carrying every id that covers it; a
    segment never crosses a line break. Line breaks themselves are dropped.
    """
    n = len(source)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for a, b, fid in spans:
        a, b = max(0, min(a, n)), max(0, min(b, n))
        if b > a:
            starts.setdefault(a, []).append(fid)
            ends.setdefault(b, []).append(fid)
    points = sorted(set(starts) | set(ends))
    lines: list[list[tuple[str, tuple[int, ...]]]] = []
    active: list[int] = []
    pi = 0
    pos = 0
    for line in source.split("\n"):
        end = pos + len(line)
        segs: list[tuple[str, tuple[int, ...]]] = []
        cur = pos
        while True:
            # Apply every event at or before the current position.
            while pi < len(points) and points[pi] <= cur:
                p = points[pi]
                for fid in ends.get(p, ()):
                    if fid in active:
                        active.remove(fid)
                active.extend(starts.get(p, ()))
                pi += 1
            nxt = points[pi] if pi < len(points) and points[pi] < end else end
            if nxt > cur:
                text = source[cur:nxt].replace("\r", "")
                if text:
                    segs.append((text, tuple(active)))
            cur = nxt
            if cur >= end:
                break
        lines.append(segs)
        pos = end + 1
    if source.endswith("\n"):
        lines.pop()  # the empty "line" after the final line break
    return lines


def _esc(text: str) -> str:
    """``markupsafe.escape(text)`` (what the templates' autoescaping does) as a plain string:
    the same five replacements, without a ``Markup`` object made per call. The source views
    and findings lists below call it about ten times per finding, half a million times for
    the 1,638 news stories. (``tests/test_reporters_html.py`` checks it against markupsafe.)"""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")


def _source_html(anchor: str, source: str, spans: list[tuple[int, int, int]], by_id: dict[int, dict[str, Any]]) -> Any:
    """The article's source view: one ``<div class="ln">`` per line, each finding's text in a
    ``<mark>`` (see :func:`segments`), everything from the article escaped.

    Written here rather than in the template because it is most of the page: Jinja's
    attribute lookups for every segment of every line made it most of a report's time.
    """
    from markupsafe import Markup

    out: list[str] = []
    for no, segs in enumerate(segments(source, spans), start=1):
        out.append(f'<div class="ln" id="{anchor}-L{no}"><span class="no" aria-hidden="true">{no}</span><span class="tx">')
        for text, ids in segs:
            if not ids:
                out.append(_esc(text))
                continue
            recs = [by_id[i] for i in ids]
            top = max(recs, key=lambda r: (r["status"] == "open", SEVERITY_RANK.get(r["severity"], 0)))
            title = "\n\n".join(
                f"{r['rule']} {r['name']}: {r['message']}" + (f"\nFix: {r['fix']}" if r["fix"] else "") for r in recs
            )
            flags = (" multi" if len(ids) > 1 else "") + (" sup" if all(r["status"] != "open" for r in recs) else "")
            out.append(
                f'<mark class="hl c-{_esc(top["category"])} s-{_esc(top["severity"])}{flags}" '
                f'data-f="{" ".join(map(str, ids))}" tabindex="0" title="{_esc(title)}">{_esc(text)}</mark>'
            )
        out.append("</span></div>\n")
    return Markup("".join(out))


#: Matched text longer than this (plus Jinja's truncate leeway of 5) is cut in the findings list.
_MATCH_SHOWN = 160


def _findings_html(anchor: str, recs: list[dict[str, Any]], has_source: bool = True) -> Any:
    """The findings list beside the source view (the items of ``<ol class="flist">``), as the
    article template used to write it; written here for the same reason as :func:`_source_html`."""
    from markupsafe import Markup

    out: list[str] = []
    for f in recs:
        fid, line, closed = f["id"], f["line"], f["status"] != "open"
        match = f["match"]
        if match and len(match) > _MATCH_SHOWN + 5:
            match = match[: _MATCH_SHOWN - 1] + "…"
        out.append(
            f'        <li class="finding k-{_esc(f["category"])}{" sup" if closed else ""}" id="f{fid}" data-f="{fid}"'
            f'{" hidden" if closed else ""}>\n'
            f'          <a class="jump" href="#{anchor}{f"-L{line}" if has_source else ""}" data-f="{fid}">\n'
            f'            <span class="pos">{line}:{f["column"]}</span>\n'
            f'            <span class="badge sev-{_esc(f["severity"])}">{_esc(f["severity"])}</span>\n'
            f'            <span class="rule">{_esc(f["rule"])}</span> <span class="rname">{_esc(f["name"])}</span>\n'
            f"          </a>\n"
            f'          <p class="msg">{_esc(f["message"])}</p>\n'
            + (f'<p class="match">“{_esc(match)}”</p>' if match else "")
            + (f'<p class="fix"><span>Fix</span> {_esc(f["fix"])}</p>' if f["fix"] else "")
            + (f'<p class="status">{_esc(f["status"])}</p>' if closed else "")
            + "        </li>\n"
        )
    return Markup("".join(out))


class ClaimRow(NamedTuple):
    """One row of an article's claims table. (The template reads attributes; a dict's items
    would cost Jinja a failed attribute lookup each, for every claim of a corpus.)"""

    line: int
    text: str
    kind: str
    strength: str
    support: str
    hedged: bool
    hedges: list[str]
    absolutes: list[str]
    #: What supports the claim, as ``(kind, text)``: ``cited`` (a citation, with the reference
    #: entry it resolves to), ``missing`` (a citation marker no entry answers), ``named`` or
    #: ``vague`` (an attribution); empty when nothing does.
    evidence: list[tuple[str, str]]


def _claim_row(c: dict[str, Any]) -> ClaimRow:
    """A claim from :func:`audit.claims.inventory` with every field the template shows."""

    def strings(v: Any) -> list[str]:
        if not v:
            return []
        if isinstance(v, (str, dict)):
            v = [v]
        out = []
        for x in v:
            if isinstance(x, dict):
                x = x.get("url") or x.get("text") or x.get("label") or json.dumps(x, ensure_ascii=False)
            out.append(str(x))
        return out

    return ClaimRow(
        evidence=_evidence(c),
        line=int(c.get("line") or 1),
        text=str(c["claim"] if isinstance(c.get("claim"), str) else c.get("text") or ""),
        kind=str(c.get("kind") or ""),
        strength="" if c.get("strength") is None else str(c.get("strength")),
        support=str(c.get("support") or "none"),
        hedged=bool(c.get("hedged")),
        hedges=strings(c.get("hedges")),
        absolutes=strings(c.get("absolutes")),
    )


#: A reference entry longer than this is cut in the claims table.
_ENTRY_SHOWN = 200


def _evidence(c: dict[str, Any]) -> list[tuple[str, str]]:
    """The evidence column of a claim (see :attr:`ClaimRow.evidence`)."""
    out: list[tuple[str, str]] = []
    citations = c.get("citations") or []
    for cit in citations if isinstance(citations, list) else [citations]:
        if not isinstance(cit, dict):
            out.append(("cited", str(cit)))
            continue
        label = str(cit.get("url") or cit.get("text") or cit.get("label") or "")
        if cit.get("missing"):
            out.append(("missing", f"{label}: no reference entry {', '.join(map(str, cit['missing']))}"))
            continue
        entries = [str(r.get("text") or "") for r in cit.get("references") or [] if isinstance(r, dict)]
        entries = [e if len(e) <= _ENTRY_SHOWN else e[: _ENTRY_SHOWN - 1] + "…" for e in entries if e]
        out.append(("cited", f"{label} {' | '.join(entries)}" if entries and entries != [label] else label))
    for att in c.get("attributions") or []:
        if isinstance(att, dict) and att.get("text"):
            kind = "named" if att.get("type") == "named" else "vague"
            out.append((kind, str(att["text"]) + (" (not a citation)" if kind == "vague" else "")))
    return out


def _chart(points: list[tuple[str, float | None]], metric: str, target: float, href: Any = "#a{}".format) -> dict[str, Any]:
    """Geometry of the readability chart: one bar per article with a grade against the target line.

    ``points`` holds each article's ``(path, grade or None)`` in page order (article ``i``,
    from 1, has the anchor ``a<i>``; ``href(i)`` links to it). The bars are generated as the
    page is written.
    """
    higher_is_easier = metric == "flesch_reading_ease"
    pts = [(i, path, v) for i, (path, v) in enumerate(points, start=1) if v is not None]
    if len(pts) > CHART_BARS_MAX:
        return _histogram([v for _, _, v in pts], metric, target, len(points) - len(pts))
    pts.sort(key=lambda ipv: (-ipv[2] if not higher_is_easier else ipv[2], ipv[1]))
    top = max(max((v for _, _, v in pts), default=0.0), target, 1.0) * 1.1
    width, label_w = 760, 230
    plot_w = width - label_w - 60
    labelled = len(pts) <= CHART_LABELLED_MAX
    if labelled:
        row = 22
        height = row * len(pts) + 34
        tx = label_w + plot_w * target / top
    else:
        height = 200
        plot_w = width - 60
        col = plot_w / max(1, len(pts))
        tx = 170 - 150 * target / top

    def bars() -> Any:
        for k, (i, path, v) in enumerate(pts):
            over = v < target if higher_is_easier else v > target
            if labelled:
                w = max(1.0, plot_w * v / top)
                label = path if len(path) <= 34 else "…" + path[-33:]
                yield {"x": label_w, "y": 8 + k * row, "w": round(w, 1), "h": row - 8, "label": label, "path": path,
                       "value": v, "href": href(i), "over": over, "ty": 8 + k * row + row / 2 - 2}
            else:
                h = max(1.0, 150 * v / top)
                yield {"x": round(30 + k * col, 2), "y": round(170 - h, 1), "w": round(max(1.0, col - 1), 2), "h": round(h, 1),
                       "label": "", "path": path, "value": v, "href": href(i), "over": over}

    return {"histogram": False, "labelled": labelled, "bars": bars(), "count": len(pts), "width": width, "height": height, "target": target,
            "tx": round(tx, 1), "metric": metric, "missing": len(points) - len(pts),
            "plot_end": label_w + plot_w if labelled else width - 30}



def _histogram(values: list[float], metric: str, target: float, missing: int) -> dict[str, Any]:
    """Geometry of the readability chart for many articles: how many have each grade, in at
    most :data:`HISTOGRAM_BINS` columns of equal width (whole grades), against the target."""
    higher_is_easier = metric == "flesch_reading_ease"
    # The target is inside the range, so that its line stands where it belongs.
    low, high = math.floor(min(min(values), target)), math.floor(max(max(values), target)) + 1
    step = max(1, math.ceil((high - low) / HISTOGRAM_BINS))
    n = math.ceil((high - low) / step)
    counts = [0] * n
    for v in values:
        counts[min(n - 1, int((v - low) // step))] += 1
    width, left, right, base = 760, 50, 20, 170
    col = (width - left - right) / n
    top = max(counts)

    def bars() -> Any:
        for k, count in enumerate(counts):
            a, b = low + k * step, low + (k + 1) * step
            mid = (a + b) / 2
            h = 150 * count / top if count else 0.0
            span = f"{a}" if step == 1 else f"{a}–{b - 1}"
            yield {"x": round(left + k * col + 1, 2), "y": round(base - h, 1), "w": round(max(1.0, col - 2), 2), "h": round(h, 1),
                   "count": count, "range": f"{a} to under {b}", "label": span, "lx": round(left + (k + 0.5) * col, 1),
                   "over": mid < target if higher_is_easier else mid > target}

    return {"histogram": True, "labelled": False, "bars": bars(), "count": len(values), "width": width, "height": 200,
            "target": target, "tx": round(min(max(left + (target - low) / step * col, left), width - right), 1), "metric": metric,
            "missing": missing, "plot_end": width - right, "top": top, "left": left, "label_every": max(1, math.ceil(n / 15))}


class _Scope:
    """What the filter bar of a page needs to know of the findings on it, and the page's
    place in the report (with ``spooled``: the page's spooled articles and data)."""

    def __init__(self, spooled: bool = True) -> None:
        self.rules: dict[str, str] = {}
        self.categories: set[str] = set()
        self.any_suppressed = False
        #: Open findings by severity.
        self.by_severity = dict.fromkeys(SEVERITIES, 0)
        self.findings = 0
        self.first = self.last = 0
        self.first_path = self.last_path = ""
        self.spools = {name: Spool() for name, _ in _PAGE_PARTS} if spooled else {}

    def add(self, f: Any) -> None:
        self.rules.setdefault(f.rule, f.name)
        self.categories.add(f.category)
        self.findings += 1
        if f.status == "open":
            self.by_severity[f.severity] = self.by_severity.get(f.severity, 0) + 1
        else:
            self.any_suppressed = True

    def filter_categories(self) -> list[str]:
        return sorted(self.categories, key=lambda c: (c not in CATEGORIES, CATEGORIES.index(c) if c in CATEGORIES else 0, c))

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()


class Reporter(Base):
    """Renders each article as it comes; writes the page around them at the end."""

    needs_documents = True

    def begin(self) -> None:
        #: The chart's point of each article: ``(path, grade or None)`` (its anchor is ``a<index + 1>``).
        self._points: list[tuple[str, float | None]] = []
        #: The overview's spools; the articles and their data go to the current page's.
        self._spools = {name: Spool() for name in ("article_rows", "article_hashes")}
        self._next_id = 0
        self._claims_note: str | None = None
        #: The whole report's findings, and the current page's (the same in a one-page report).
        self._all = _Scope(spooled=False)
        self._page = _Scope()
        self._pages: PageFiles | None = self.options.extra.get("pages")
        self._page_size = int(self.options.extra.get("page_size") or 0) if self._pages is not None else 0
        #: Whether the report is split into pages: known when the article after the first page's arrives.
        self._split = False
        #: The overview rows of the first page's articles while that is not known.
        self._pending_rows: list[dict[str, Any]] = []
        #: The pages written: name, articles and findings (for the overview's list).
        self._page_list: list[dict[str, Any]] = []
        self._claims_totals = dict.fromkeys(SUPPORT_LEVELS, 0)
        self._started = datetime.now(timezone.utc)
        self._env = self._environment()
        #: The template of one article's part in each spool.
        self._article_templates = {
            name: self._env.get_template(file) for name, file in (
                ("article_rows", "article_row.html.j2"), ("articles_html", "article.html.j2"), ("article_hashes", "article_hash.html.j2"),
            )
        }
        metric = self.options.extra.get("readability_metric", "smog_index")
        self._article_context = {
            "metric_label": metric.replace("_", " "), "severities": SEVERITIES, "support_levels": SUPPORT_LEVELS,
            "support_label": SUPPORT_LABEL,
        }

    # -- collecting ------------------------------------------------------

    def _claims(self, result: Any) -> tuple[list[dict[str, Any]] | None, str | None]:
        if self._claims_note is not None:
            return None, None
        try:
            return claims_inventory(result, self.options), None
        except ClaimsUnavailable:
            self._claims_note = "The claims inventory is not available in this installation; counts come from the claim rules."
            return None, None
        except Exception as e:  # one file's analysis must not lose the whole report
            if self.options.extra.get("debug"):
                raise
            why = str(e) if isinstance(e, InventoryError) else f"{type(e).__name__}: {e}"  # (built in a worker)
            return None, f"The claims inventory could not be built for this file ({why})."

    def _href(self, idx: int) -> str:
        """The link to article ``idx`` (from 1), from the overview."""
        if not self._split:
            return f"#a{idx}"
        return f"{page_name((idx - 1) // self._page_size + 1)}#a{idx}"

    def _row(self, row: dict[str, Any]) -> None:
        row["href"] = self._href(int(row["anchor"][1:]))
        self._spools["article_rows"].write(self._article_templates["article_rows"].render(a=row, **self._article_context) + "\n")

    def file(self, result: Any) -> None:
        idx = len(self._points) + 1
        if self._page_size and idx > 1 and (idx - 1) % self._page_size == 0:
            if not self._split:
                # The report does not fit on one page: the rows held back can link to page 1 now.
                self._split = True
                for row in self._pending_rows:
                    self._row(row)
                self._pending_rows = []
            self._flush_page(last=False)
        anchor = f"a{idx}"
        path = display_relative(result.path, self.options.root)
        metric = self.options.extra.get("readability_metric", "smog_index")
        read = result.readability or {}
        source = document_source(result)
        findings = sorted(result.findings, key=lambda f: (f.line, f.column, -SEVERITY_RANK.get(f.severity, 0), f.rule))
        recs = []
        spans = []
        data: dict[str, dict[str, Any]] = {}
        counts = dict.fromkeys(SEVERITIES, 0)
        page = self._page
        for f in findings:
            fid = self._next_id
            self._next_id += 1
            rec = {
                "id": fid, "rule": f.rule, "name": f.name, "category": f.category, "severity": f.severity,
                "message": f.message, "fix": f.fix or "", "line": f.line, "column": f.column,
                "match": f.match, "status": f.status,
                "highlighted": f.end_offset > f.offset and source is not None,
            }
            recs.append(rec)
            if f.status == "open":
                counts[f.severity] = counts.get(f.severity, 0) + 1
            if rec["highlighted"]:
                spans.append((f.offset, f.end_offset, fid))
            data[str(fid)] = {
                "r": f.rule, "n": f.name, "c": f.category, "s": f.severity, "m": f.message,
                "x": f.fix or "", "l": f.line, "k": f.column, "st": f.status,
            }
            self._all.add(f)
            page.add(f)
        if data:
            spool = page.spools["data"]
            # The members of the page's {id: record} object (encoded at once, without its braces).
            spool.write(("," if spool.used else "") + safe_json(data)[1:-1])
        source_html = None if source is None else _source_html(anchor, source, spans, {r["id"]: r for r in recs})
        claims, claims_error = self._claims(result)
        summary = result.extras.get("claims") or {}
        by_support = dict(summary.get("by_support") or {})
        if claims is not None and not summary:
            for c in claims:
                by_support[c.get("support", "none")] = by_support.get(c.get("support", "none"), 0) + 1
        if summary or claims is not None:
            by_support = {k: int(by_support.get(k) or 0) for k in SUPPORT_LEVELS} | {
                k: v for k, v in by_support.items() if k not in SUPPORT_LEVELS
            }
        promotion = result.extras.get("promotion") or {}
        for k, v in by_support.items():
            self._claims_totals[k] = self._claims_totals.get(k, 0) + int(v or 0)
        article = {
            "idx": idx, "anchor": anchor, "path": path, "format": result.format, "sha256": result.sha256,
            "words": result.words or read.get("words") or 0,
            "grade": _number(read.get(metric)), "text_standard": read.get("text_standard"),
            "readability": {k: v for k, v in read.items() if _number(v) is not None or isinstance(v, str)},
            "counts": counts, "findings": recs, "findings_html": _findings_html(anchor, recs, source is not None), "source_html": source_html,
            "has_source": source is not None,
            "claims": None if claims is None else [_claim_row(c) for c in claims], "claims_error": claims_error,
            "claims_total": summary.get("total", sum(by_support.values()) if by_support else None),
            "by_support": by_support, "promotion": _number(promotion.get("score")),
        }
        # (A template's final line break is dropped when it is loaded.)
        page.spools["articles_html"].write(self._article_templates["articles_html"].render(a=article, **self._article_context) + "\n")
        self._spools["article_hashes"].write(self._article_templates["article_hashes"].render(a=article, **self._article_context) + "\n")
        row = {k: article[k] for k in _ROW_FIELDS}
        if self._page_size and not self._split:
            self._pending_rows.append(row)
        else:
            self._row(row)
        if not page.first:
            page.first, page.first_path = idx, path
        page.last, page.last_path = idx, path
        self._points.append((path, article["grade"]))

    # -- rendering -------------------------------------------------------

    def _environment(self) -> Any:
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(lambda name: _asset(name)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["thousands"] = lambda n: f"{int(n or 0):,}"
        env.filters["num"] = lambda v, d=1: "—" if v is None else (f"{v:.{d}f}" if isinstance(v, float) else str(v))
        return env

    def _context(self, scope: _Scope) -> dict[str, Any]:
        """What every page's head, filter bar and provenance show."""
        from audit import RULESET_VERSION, __version__

        return {
            **self._assets,
            "title": self.options.extra.get("title") or "Health content audit",
            "generated": self._started.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "generated_iso": self._started.isoformat(timespec="seconds"),
            "version": __version__,
            "ruleset": RULESET_VERSION,
            "config_digest": self.options.config_digest,
            "severities": SEVERITIES,
            "severity_label": SEVERITY_LABEL,
            "filter_categories": scope.filter_categories(),
            "rules": sorted(scope.rules.items()),
            "any_suppressed": scope.any_suppressed,
        }

    @functools.cached_property
    def _assets(self) -> dict[str, Any]:
        """The stylesheet and script every page carries inline, and the script's hash for the
        Content-Security-Policy: read once per report, however many pages it has."""
        import markupsafe

        script = _asset("report.js")
        return {
            "css": markupsafe.Markup(_asset("report.css")),
            "script": markupsafe.Markup(script),
            "script_hash": base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
        }

    def _flush_page(self, last: bool) -> None:
        """Write the current page of a split report; the next articles go to a new one."""
        import markupsafe

        assert self._pages is not None
        page, number = self._page, len(self._page_list) + 1
        info: dict[str, Any] = {
            "name": page_name(number), "first": page.first, "last": page.last, "first_path": page.first_path,
            "last_path": page.last_path, "findings": page.findings,
            "prev": page_name(number - 1) if number > 1 else None, "next": None if last else page_name(number + 1),
        }
        context = self._context(page)
        marks = {name: markupsafe.Markup(mark) for name, mark in _PAGE_PARTS}
        marks["data"] = markupsafe.Markup('{"findings":{' + _PAGE_PARTS[1][1] + "}}")
        chunks = self._env.get_template("page.html.j2").generate(
            **context, **marks, page=info, severity_counts=page.by_severity,
            page_title=f"{context['title']} · articles {page.first:,}–{page.last:,}",
        )
        with self._pages.open(info["name"]) as fh:
            _write_parts(chunks, _PAGE_PARTS, page.spools, fh)
        page.close()
        self._page_list.append(info)
        self._page = _Scope()

    def render(self, summary: Any) -> Any:
        """The overview page, as an iterator of strings, with the comments of :data:`_PARTS`
        where the spooled parts go (in a split report, only the rows and hashes)."""
        import markupsafe

        env = self._env
        metric = self.options.extra.get("readability_metric", "smog_index")
        target = float(self.options.extra.get("readability_target", 8.0))
        categories = [c for c in CATEGORIES if summary.by_category.get(c)] + sorted(set(summary.by_category) - set(CATEGORIES))
        marks = dict(_PARTS)
        # The data is what safe_json({"findings": {id: record, ...}}) gives for all of them.
        marks["data"] = '{"findings":{' + ("" if self._split else marks["data"]) + "}}"
        context = self._context(self._all)
        return env.get_template("report.html.j2").generate(
            **context,
            **{name: markupsafe.Markup(text) for name, text in marks.items()},
            page_title=f"{context['title']} · {summary.files} articles",
            command_line=self.options.extra.get("command_line", ""),
            summary=summary,
            severity_counts=summary.by_severity,
            categories=categories,
            support_levels=SUPPORT_LEVELS,
            support_label=SUPPORT_LABEL,
            claims_totals=self._claims_totals,
            claims_note=self._claims_note,
            metric=metric,
            metric_label=metric.replace("_", " "),
            target=target,
            chart=_chart(self._points, metric, target, self._href),
            pages=self._page_list,
            page_size=self._page_size,
        )

    def end(self, summary: Any) -> None:
        if self._split:
            self._flush_page(last=True)
        for row in self._pending_rows:
            self._row(row)
        self._pending_rows = []
        spools = {**self._spools, **self._page.spools}
        parts = tuple(p for p in _PARTS if not self._split or p[0] in self._spools)
        _write_parts(self.render(summary), parts, spools, self.out)
        for spool in spools.values():
            spool.close()
