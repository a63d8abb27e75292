"""Incremental cache: skip files whose results cannot have changed.

A checked file's :class:`audit.engine.FileResult` (findings, readability,
metadata, per-file extras; never the parsed document) is stored under a key
built from everything the result depends on:

* the SHA-256 of the file's bytes;
* the effective configuration (:meth:`audit.config.Config.digest`), the
  ``[[overrides]]`` that apply to the file, its format, ``--select`` and
  ``--ignore``;
* the tool version, :data:`audit.RULESET_VERSION`, and a fingerprint of the
  package's files (:func:`package_fingerprint`: the same for every install of one
  release, so a CI job's restored cache keeps serving; and editing a rule or a
  phrase list in a development checkout never serves stale results).

Entries live in the user cache folder (``$XDG_CACHE_HOME/audit``, default
``~/.cache/audit``; ``--cache-dir`` overrides it), one small file per entry,
written atomically (temporary file + rename), so concurrent runs never see
half-written entries. An entry is the CRC-32 of the rest (eight hex digits
and a line break), then five parts, one after the other:

1. a header, one line of JSON: the key, the word count, the findings' tally
   (what the run summary counts), whether the findings carry their
   fingerprints, and the lengths of the other parts;
2. the rest of the result without its findings, one line of JSON;
3. the findings, one line of JSON (one row of values per finding);
4. the claims inventory, one line of JSON, when the run that stored the entry
   wrote a report that lists claims (else empty);
5. the file's record as the JSON report writes it, after its path (UTF-8).

A hit decodes only the header: the rest of the result and the findings are
decoded when something first uses them, and the JSON report copies the stored
record. An entry that cannot
be read, or whose parts do not match their lengths and checksums, is treated
as a miss and rewritten. The folder is bounded: after a run that stored entries,
the least recently used entries are removed once the total exceeds
``AUDIT_CACHE_MAX_MB`` (default 512 MB).

The display path of every finding comes from the current input, never from
the cache, so moving or renaming a file keeps its cache entry valid.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import os
import stat
import time
import zlib
from dataclasses import dataclass, fields
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audit.config import Config
    from audit.engine import FileResult, Input, Tally
    from audit.model import Finding

#: Bumped when the entry layout changes.
SCHEMA = 6
DEFAULT_MAX_MB = 512
#: Remove unfinished temporary files older than this (seconds).
_STALE_TMP = 3600
#: A hit refreshes an entry's modification time (its least-recently-used order for pruning)
#: only when it is older than this (seconds), which saves a system call per hit on reruns.
_TOUCH_AFTER = 3600
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
#: Prune at most this often (seconds) unless a run stored many entries.
_PRUNE_INTERVAL = 3600
_PRUNE_AFTER_PUTS = 1000


class Unserializable(TypeError):
    """A value the cache cannot store without changing it."""


def default_cache_dir() -> Path:
    """The user cache folder for audit: ``$XDG_CACHE_HOME/audit`` or ``~/.cache/audit``.

    On Windows, ``%LOCALAPPDATA%\\audit\\Cache`` when ``XDG_CACHE_HOME`` is unset.
    """
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "audit"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "audit" / "Cache"
    return Path.home() / ".cache" / "audit"


def cache_folder(directory: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: ``directory`` (``--cache-dir``) when given, else :func:`default_cache_dir`."""
    return Path(directory) if directory is not None else default_cache_dir()


def max_bytes_from_env() -> int:
    """The cache size bound in bytes (``AUDIT_CACHE_MAX_MB``, default 512)."""
    raw = os.environ.get("AUDIT_CACHE_MAX_MB", "")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    return max(0, int(mb * 1024 * 1024))


# -- exact JSON encoding -----------------------------------------------------------------------
# JSON has no tuples, dates or non-string keys. Values are encoded with tags so that
# decoding gives back equal values of the same types; anything else is refused (the file
# is then simply not cached).

_TAG = "__t"


def encode(v: Any) -> Any:
    """Encode a value to JSON-compatible data that :func:`decode` restores exactly."""
    t = type(v)
    if v is None or t is str or t is int or t is float or t is bool:
        return v
    if t is list:
        return [encode(x) for x in v]
    if t is dict:
        if _TAG not in v and all(type(k) is str for k in v):
            return {k: encode(x) for k, x in v.items()}
        return {_TAG: "map", "v": [[encode(k), encode(x)] for k, x in v.items()]}
    if t is tuple:
        return {_TAG: "tuple", "v": [encode(x) for x in v]}
    if t is _dt.datetime:
        return {_TAG: "datetime", "v": v.isoformat()}
    if t is _dt.date:
        return {_TAG: "date", "v": v.isoformat()}
    if t is _dt.time:
        return {_TAG: "time", "v": v.isoformat()}
    raise Unserializable(f"cannot cache a value of type {t.__name__}")


def decode(v: Any) -> Any:
    """Inverse of :func:`encode`."""
    if type(v) is list:
        return [decode(x) for x in v]
    if type(v) is dict:
        tag = v.get(_TAG)
        if tag is None:
            return {k: decode(x) for k, x in v.items()}
        body = v["v"]
        if tag == "tuple":
            return tuple(decode(x) for x in body)
        if tag == "map":
            return {decode(k): decode(x) for k, x in body}
        if tag == "datetime":
            return _dt.datetime.fromisoformat(body)
        if tag == "date":
            return _dt.date.fromisoformat(body)
        if tag == "time":
            return _dt.time.fromisoformat(body)
        raise ValueError(f"unknown tag {tag!r}")
    return v


def _changed(encoded: Any, value: Any) -> bool:
    """Whether encoding changed a value (so reading it back needs :func:`decode`)."""
    if type(encoded) is not type(value):
        return True
    try:
        return bool(encoded != value)
    except Exception:  # noqa: BLE001 - an exotic __eq__: decode to be safe
        return True


# -- fingerprints ------------------------------------------------------------------------------


def package_fingerprint(root: Path | None = None) -> str:
    """A digest of the package's files, which changes whenever they do.

    An installed package (a wheel: the folder beside it holds ``audit_health-*.dist-info``)
    is identified by the hashes its installer recorded for each file (``RECORD``), as long
    as every recorded file still has its recorded size: installing the same release again,
    as a CI job does on every run, gives the same fingerprint, so a restored cache folder
    is still used. A source checkout (an editable install), or an installed package whose
    files no longer match their record, is identified by the names, sizes and modification
    times of its files, so any edit to code or data invalidates the cache even without a
    version bump. Either way it costs one ``stat`` per file of the package (about a hundred).
    """
    root = Path(__file__).resolve().parent if root is None else root
    recorded = _recorded_files(root)
    h = hashlib.sha256()
    if recorded is not None:
        h.update(b"record\n" + recorded)
        return h.hexdigest()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            p = os.path.join(dirpath, name)
            try:
                st = os.stat(p)
            except OSError:
                continue
            h.update(f"{os.path.relpath(p, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _recorded_files(root: Path) -> bytes | None:
    """The ``RECORD`` lines (path, hash, size) of the files of the package installed at
    ``root``, sorted; None when it was not installed from a wheel or a file differs in size
    from its record (or is missing)."""
    prefix = root.name + "/"
    for info in sorted(root.parent.glob("audit_health-*.dist-info")):
        try:
            text = (info / "RECORD").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = []
        for line in text.splitlines():
            path, _, rest = line.partition(",")
            digest, _, size = rest.partition(",")
            if not path.startswith(prefix) or not digest or path.endswith((".pyc", ".pyo")):
                continue  # another file, or bytecode (which installers compile again)
            try:
                if os.stat(root.parent / path).st_size != int(size):
                    return None  # edited in place
            except (OSError, ValueError):
                return None
            lines.append(line)
        if lines:
            return "\n".join(sorted(lines)).encode()
    return None


def _field_names(cls: Any, skip: tuple[str, ...]) -> list[str]:
    return [f.name for f in fields(cls) if f.name not in skip]


def _plain_dataclass(cls: Any) -> bool:
    """Whether instances of a dataclass are nothing but their fields, stored in ``__dict__``.

    True when the generated ``__init__`` only assigns its arguments: no ``__post_init__``,
    no ``InitVar`` or ``init=False`` fields, no slots.
    """
    params = getattr(cls, "__dataclass_params__", None)
    return (
        params is not None
        and params.init
        and not hasattr(cls, "__post_init__")
        and "__slots__" not in cls.__dict__
        and all(f.init for f in fields(cls))
        and len(fields(cls)) == len(getattr(cls, "__dataclass_fields__", {}))
    )


def _record_tail(result: FileResult) -> str | None:
    """The JSON report's text of a result after its path, or None when it cannot be stored."""
    from audit.reporters.json import record_tail

    try:
        tail = record_tail(result)
        if tail is not None:
            tail.encode("utf-8")  # lone surrogates cannot be stored
        return tail
    except (ValueError, TypeError, RecursionError, UnicodeError):
        return None


def _valid_tally(value: Any) -> Tally:
    """A stored tally, checked (ValueError: malformed)."""
    from audit.model import SEVERITY_RANK

    counts, statuses = value
    for row in counts:
        severity, category, rule, n = row
        if severity not in SEVERITY_RANK or type(category) is not str or type(rule) is not str or type(n) is not int:
            raise ValueError("malformed tally")
    if type(statuses) is not dict or not all(type(n) is int for n in statuses.values()):
        raise ValueError("malformed tally")
    return counts, statuses


def pack(body: bytes) -> bytes:
    """An entry's bytes: the CRC-32 of ``body`` (eight hex digits and a line break), then ``body``.

    (Not compressed: zlib's fastest level made entries five times smaller, but decompressing
    them made a cached run of the news stories 0.2 s slower, about half its time.)
    """
    return b"%08x\n" % zlib.crc32(body) + body


def unpack(blob: bytes) -> bytes:
    """The body of an entry written by :func:`pack` (ValueError: damaged)."""
    if blob[8:9] != b"\n" or int(blob[:8], 16) != zlib.crc32(memoryview(blob)[9:]):
        raise ValueError("damaged entry")
    return blob[9:]


def _read_entry(path: str) -> tuple[bytes, float]:
    """The bytes and modification time of a cache entry; OSError unless it is a regular file."""
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device planted in the folder: never block on it
            raise OSError(errno.EINVAL, "not a regular file", path)
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # grew since fstat: read to the end
            rest = [data]
            while chunk := os.read(fd, 1 << 20):
                rest.append(chunk)
            data = b"".join(rest)
        return data, st.st_mtime
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Encoded:
    """A cache entry made where its file was checked (:meth:`EntryEncoder.encode`)."""

    key: str
    blob: bytes
    #: The file's JSON record after its path (UTF-8), or None when it is not stored.
    tail: bytes | None


@dataclass(frozen=True)
class EntryEncoder:
    """Keys and entries of one cache (its configuration, tool and layout): what it takes to
    encode a result, without the folder. It is picklable, so a worker process (or a Dask
    worker) that checks a file encodes its entry there, and the run's process only writes it
    (:meth:`ResultCache.put`): encoding is most of the work of storing."""

    base: str
    #: The path patterns of the configuration's overrides, in order.
    overrides: tuple[Any, ...]
    result_fields: tuple[str, ...]
    finding_fields: tuple[str, ...]

    def key(self, inp: Input, content_sha256: str) -> str:
        """The cache key of an input whose bytes hash to ``content_sha256``."""
        hits = [i for i, spec in enumerate(self.overrides) if spec.match_file(inp.relpath)]
        blob = f"{self.base}\0{inp.format}\0{hits}\0{content_sha256}"
        return hashlib.sha256(blob.encode()).hexdigest()

    @staticmethod
    def cacheable(result: FileResult) -> bool:
        """Whether a result can be stored and served again unchanged for another path.

        Results of unreadable files, internal errors, and results whose text
        mentions their own path are not stored, nor results that keep their
        document or whose claims inventory could not be built.
        """
        if not result.sha256 or result.document is not None:
            return False
        if result.report is not None and set(result.report) != {"source", "claims"}:
            return False
        for f in result.findings:
            if f.path != result.path or f.rule == "IN900" or (result.path and result.path in f.message):
                return False
        return True

    def encode(self, inp: Input, result: FileResult, fingerprints: bool = False) -> Encoded | None:
        """The entry of ``result`` (checked from ``inp``), or None when it cannot be stored.

        ``fingerprints``: the run stamped the findings with their fingerprints (see
        :meth:`ResultCache.get`).
        """
        from audit.engine import tally_of

        if not self.cacheable(result):
            return None
        key = self.key(inp, result.sha256)
        try:
            stored: dict[str, Any] = {}
            result_tagged = []
            for name in self.result_fields:
                value = getattr(result, name)
                stored[name] = enc = encode(value)
                if _changed(enc, value):
                    result_tagged.append(name)
            rows = []
            tagged = []
            for i, f in enumerate(result.findings):
                row = []
                for j, name in enumerate(self.finding_fields):
                    value = getattr(f, name)
                    enc = encode(value)
                    if _changed(enc, value):
                        tagged.append([i, j])
                    row.append(enc)
                rows.append(row)
            rows_blob = json.dumps(rows, separators=(",", ":")).encode("ascii")
            # The claims inventory, when the run built one (reports that read documents).
            claims = None if result.report is None else result.report["claims"]
            claims_blob = b"" if claims is None else json.dumps(encode(claims), separators=(",", ":")).encode("ascii")
            tail = _record_tail(result)
            tail_blob = tail.encode("utf-8") if tail is not None else b""
            # ASCII only: decoding an ASCII document is cheaper (every string comes out one byte per character).
            result_blob = json.dumps({"result": stored, "result_tagged": result_tagged}, separators=(",", ":")).encode("ascii")
            entry = {
                "schema": SCHEMA,
                "key": key,
                "words": result.words,
                "tally": tally_of(result.findings),
                "fingerprints": fingerprints,
                "tagged": tagged,
                "parts": [len(result_blob), len(rows_blob), None if claims is None else len(claims_blob),
                          None if tail is None else len(tail_blob)],
            }
            header = json.dumps(entry, separators=(",", ":")).encode("ascii")
            blob = pack(b"\n".join([header, result_blob, rows_blob, claims_blob, tail_blob]))
        except (Unserializable, ValueError, TypeError):
            return None
        return Encoded(key, blob, tail_blob if tail is not None else None)


class ResultCache:
    """A folder of cached :class:`audit.engine.FileResult` records for one configuration.

    ``get`` and ``put`` never raise for a damaged or unwritable cache: the
    cache is an optimisation, so every failure is a miss.
    """

    def __init__(
        self,
        cfg: Config,
        directory: str | os.PathLike[str] | None = None,
        select: tuple[str, ...] | list[str] = (),
        ignore: tuple[str, ...] | list[str] = (),
        max_bytes: int | None = None,
    ) -> None:
        from audit import RULESET_VERSION, __version__
        from audit.engine import FileResult
        from audit.model import Finding

        self.root = cache_folder(directory)
        self.dir = self.root / f"v{SCHEMA}"
        self._dir_str = str(self.dir)
        self.cfg = cfg
        self.max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
        result_fields = tuple(_field_names(FileResult, ("path", "document", "report", "findings")))
        finding_fields = tuple(_field_names(Finding, ("path",)))
        self._finding_attrs = ("path", *finding_fields)
        self._fast_findings = _plain_dataclass(Finding) and [f.name for f in fields(Finding)] == list(self._finding_attrs)
        if self._fast_findings:  # and the constructor stores exactly what it is given
            sample: list[Any] = [f"v{i}" for i in range(len(finding_fields))]
            self._fast_findings = vars(self._findings("p", [sample])[0]) == vars(Finding("p", *sample))
        ident = {
            "schema": SCHEMA,
            "version": __version__,
            "ruleset": RULESET_VERSION,
            "package": package_fingerprint(),
            "config": cfg.digest(),
            "select": sorted(select),
            "ignore": sorted(ignore),
            "result_fields": result_fields,
            "finding_fields": finding_fields,
        }
        self._base = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()
        #: Keys and entries; also handed to the processes that check files (see :class:`EntryEncoder`).
        self.encoder = EntryEncoder(self._base, tuple(spec for spec, _ in cfg.overrides), result_fields, finding_fields)
        self._select = tuple(select)
        self._ignore = tuple(ignore)
        self.hits = 0
        self.misses = 0
        self.puts = 0
        #: Bytes of the entries this run served or stored, and how many of the entries it
        #: stored pruning removed again (see :meth:`overflow_note`).
        self.used_bytes = 0
        self.evicted_own = 0
        self._started = time.time()
        self._ready = False

    # -- keys --------------------------------------------------------------------------------

    def key(self, inp: Input, content_sha256: str) -> str:
        """The cache key of an input whose bytes hash to ``content_sha256``."""
        return self.encoder.key(inp, content_sha256)

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.entry"

    @staticmethod
    def content(inp: Input) -> bytes | None:
        """The input's bytes, or None when it cannot be read (then: no caching)."""
        from audit.engine import read_input
        from audit.readers import InputError

        if inp.data is None and inp.path is None:
            return None
        try:
            return read_input(inp)
        except InputError:  # unreadable, not a regular file, or over the size limit
            return None

    @classmethod
    def content_hash(cls, inp: Input) -> str | None:
        """SHA-256 of the input's bytes, or None when it cannot be read (then: no caching)."""
        data = cls.content(inp)
        return None if data is None else hashlib.sha256(data).hexdigest()

    # -- lookups -----------------------------------------------------------------------------

    def get(self, inp: Input, content_sha256: str | None = None, report: bool = False, fingerprints: bool = False) -> FileResult | None:
        """The cached result for ``inp``, with paths from ``inp``; None on a miss.

        With ``report`` the result also carries what the reports that read documents need
        (``FileResult.report``: the file's text, read now, and the claims inventory stored
        with the entry); an entry stored without an inventory is then a miss. With
        ``fingerprints`` the findings carry their fingerprints: an entry stored by a run
        that did not make them gets them now, from the bytes just hashed, and is stored
        again with them (once: later runs read them).
        """
        data = None
        if report or fingerprints:
            data = self.content(inp)
            sha = None if data is None else hashlib.sha256(data).hexdigest()
        else:
            sha = content_sha256 or self.content_hash(inp)
        if sha is None:
            self.misses += 1
            return None
        key = self.key(inp, sha)
        path = os.path.join(self._dir_str, key[:2], key + ".entry")
        try:
            blob, mtime = _read_entry(path)
            result = self._from_entry(blob, key, inp, data if report else None, fingerprints)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):  # damaged: rewritten on put
            self.misses += 1
            return None
        if result is None:  # no claims inventory stored for a run that needs one
            self.misses += 1
            return None
        self.hits += 1
        self.used_bytes += len(blob)
        if vars(result).pop("_unstamped", False) and data is not None:
            self._stamp(inp, result, data)  # (stores the entry again: its time is new)
        elif time.time() - mtime > _TOUCH_AFTER:
            with contextlib.suppress(OSError):
                os.utime(path)  # least-recently-used order for pruning
        return result

    def _stamp(self, inp: Input, result: FileResult, data: bytes) -> None:
        """Give the findings of a hit stored without fingerprints their fingerprints, made in
        the file's text (``data``: its bytes), and store the entry again with them."""
        from audit.gating.fingerprint import stamp
        from audit.readers import InputError
        from audit.readers import decode as decode_text

        try:
            text = decode_text(data)
        except InputError:  # (not stored for such files; whoever needs them reads the file)
            return
        result.findings = stamp(result.findings, text)
        self.put(inp, result, fingerprints=True)

    def _from_entry(self, blob: bytes, key: str, inp: Input, data: bytes | None = None, fingerprints: bool = False) -> FileResult | None:
        """The result an entry holds, decoded only as far as a run summary needs (ValueError: damaged).

        With ``data`` (the input's bytes) the result's ``report`` holds their text and the
        stored claims inventory; None when the entry has no inventory. With ``fingerprints``
        and findings stored without their fingerprints, the result is marked ``_unstamped``.
        """
        from audit.engine import FileResult

        blob = unpack(blob)
        end = blob.index(b"\n")
        entry = json.loads(blob[:end])
        if entry.get("key") != key or entry.get("schema") != SCHEMA:
            raise ValueError("entry does not belong to this key")
        result_len, rows_len, claims_len, tail_len = entry["parts"]
        words = entry["words"]
        if type(words) is not int:
            raise ValueError("malformed word count")
        view = memoryview(blob)
        a = end + 1
        b = a + result_len + 1
        c = b + rows_len + 1
        d = c + (claims_len or 0) + 1
        if any(blob[k - 1 : k] != b"\n" for k in (b, c, d)) or len(blob) - d != (tail_len or 0):
            raise ValueError("damaged parts")
        report = None
        if data is not None:
            if claims_len is None:
                return None
            from audit.readers import InputError
            from audit.readers import decode as decode_text

            claims = decode(json.loads(bytes(view[c : d - 1])))
            if type(claims) is not list:
                raise ValueError("malformed claims inventory")
            try:
                text = decode_text(data)
            except InputError:  # (not stored for such files; a check reports it)
                return None
            report = {"source": text, "claims": claims}
        tally = _valid_tally(entry["tally"])
        display = inp.display
        # Built without __init__: the fields other than these are decoded on first use
        # (FileResult.__getattr__). Until then the run summary reads the word count and the
        # tally, and the JSON report the stored record.
        result = FileResult.__new__(FileResult)
        state = vars(result)
        state.update(path=display, words=words, document=None, report=report, _tally=tally)
        state["_load_result"] = lambda: self._load_result(inp, view[a : b - 1])
        state["_load_findings"] = lambda: self._load_findings(inp, display, view[b : c - 1], entry["tagged"])
        if tail_len is not None:
            state["_record_tail"] = (view[d:], None)
        if fingerprints and entry.get("fingerprints") is not True:
            state["_unstamped"] = True
        return result

    def _load_result(self, inp: Input, blob: memoryview) -> dict[str, Any]:
        """The result's fields besides path, words and findings (see :meth:`_load_findings` for a malformed part)."""
        try:
            part = json.loads(bytes(blob))
            stored = part["result"]
            values = {name: stored[name] for name in self.encoder.result_fields if name != "words"}
            # Only values that encoding changed (tuples, dates, odd keys) are decoded; the rest
            # is plain JSON already, which keeps this cheap.
            for name in part["result_tagged"]:
                if name != "words":
                    values[name] = decode(values[name])
            return values
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            fresh = self._recheck(inp)
            return {name: getattr(fresh, name) for name in self.encoder.result_fields if name != "words"}

    def _load_findings(self, inp: Input, display: str, blob: memoryview, tagged: list[list[int]]) -> list[Finding]:
        """The findings of an entry; checked again if they are malformed."""
        try:
            rows = json.loads(bytes(blob))
            if type(rows) is not list or not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {len(self.encoder.finding_fields)}:
                raise ValueError("malformed findings")
            for i, j in tagged:
                rows[i][j] = decode(rows[i][j])
            return self._findings(display, rows)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return self._recheck(inp).findings

    def _recheck(self, inp: Input) -> FileResult:
        """A new check of ``inp``: what an entry that is malformed despite a matching checksum
        (written wrongly) is replaced by."""
        from audit.engine import check_input

        return check_input(inp, self.cfg, self._select, self._ignore)

    def _findings(self, display: str, rows: list[list[Any]]) -> list[Finding]:
        """``Finding(display, *row)`` for each row (every row has one value per stored field)."""
        from audit.model import Finding

        if not self._fast_findings:
            return [Finding(display, *row) for row in rows]
        # The dataclass __init__ only stores its arguments (checked in __init__); giving each
        # new instance its attribute dict directly gives equal objects at a fraction of the cost
        # of ~60,000 frozen-dataclass __init__ calls per corpus. (A new dict rather than
        # vars(obj).update(): once instances of the class exist, that makes a key-sharing dict
        # whose attributes are slower to read afterwards.)
        objs = list(map(object.__new__, repeat(Finding, len(rows))))
        attrs = map(dict, map(zip, repeat(self._finding_attrs), map(chain, repeat((display,)), rows)))
        list(map(object.__setattr__, objs, repeat("__dict__"), attrs))
        return objs

    # -- stores ------------------------------------------------------------------------------

    def put(self, inp: Input, result: FileResult, fingerprints: bool = False) -> bool:
        """Store ``result`` (checked from ``inp``); returns whether it was stored.

        ``fingerprints``: the run stamped the findings with their fingerprints (see :meth:`get`).
        A result that comes with its entry, encoded where it was checked (``_cache_entry``, see
        :class:`EntryEncoder`), is stored as it is.
        """
        encoded = vars(result).pop("_cache_entry", None)
        if not isinstance(encoded, Encoded):
            encoded = self.encoder.encode(inp, result, fingerprints)
        if encoded is None:
            return False
        if encoded.tail is not None:
            # The JSON report of this run writes the record stored with it.
            vars(result)["_record_tail"] = (encoded.tail, tuple(map(id, result.findings)))
        return self._store(encoded)

    def put_shipped(self, inp: Input, encoded: Encoded) -> FileResult:
        """Store an entry encoded where ``inp`` was checked and give the result it holds, served
        as from a hit: its findings are decoded when something asks for them. (A result sent
        as its entry alone, see :class:`audit.parallel.Shipped`.)"""
        self._store(encoded)
        result = self._from_entry(encoded.blob, encoded.key, inp)
        assert result is not None  # (None only for a run that reads the documents)
        return result

    def _store(self, encoded: Encoded) -> bool:
        """Write an entry to the folder; returns whether it was written."""
        try:
            self._write(self._path(encoded.key), encoded.blob)
        except OSError:
            return False
        self.puts += 1
        self.used_bytes += len(encoded.blob)
        return True

    def _ensure_root(self) -> None:
        if self._ready:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            with contextlib.suppress(OSError):
                tag.write_text(_TAG_TEXT)
        self._ready = True

    def _write(self, path: Path, blob: bytes) -> None:
        self._ensure_root()
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # -- size bound --------------------------------------------------------------------------

    def close(self) -> None:
        """End of run: prune the folder if this run stored entries and pruning is due."""
        if not self.puts:
            return
        stamp = self.root / ".last-prune"
        try:
            due = time.time() - stamp.stat().st_mtime > _PRUNE_INTERVAL
        except OSError:
            due = True
        if due or self.puts >= _PRUNE_AFTER_PUTS:
            self.prune()
            with contextlib.suppress(OSError):
                stamp.touch()

    def prune(self, max_bytes: int | None = None) -> int:
        """Remove least recently used entries until the folder is at most 80 % of the bound.

        Also removes entries of older layouts and stale temporary files.
        Returns the number of files removed.
        """
        limit = self.max_bytes if max_bytes is None else max_bytes
        removed = 0
        now = time.time()
        # Other layouts (older schema folders) are never read again.
        if self.root.is_dir():
            for old in self.root.glob("v*"):
                if old.is_dir() and old.name != self.dir.name and old.name[1:].isdigit():
                    removed += _rmtree(old)
        entries: list[tuple[float, int, str]] = []
        total = 0
        if not self.dir.is_dir():
            return removed
        for shard in os.scandir(self.dir):
            if not shard.is_dir():
                continue
            for e in os.scandir(shard.path):
                try:
                    st = e.stat()
                except OSError:
                    continue
                if e.name.endswith(".tmp"):
                    if now - st.st_mtime > _STALE_TMP:
                        with contextlib.suppress(OSError):
                            os.unlink(e.path)
                            removed += 1
                    continue
                entries.append((st.st_mtime, st.st_size, e.path))
                total += st.st_size
        if total <= limit:
            return removed
        entries.sort()
        target = int(limit * 0.8)
        for mtime, size, path in entries:
            if total <= target:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
                total -= size
                if mtime >= self._started:
                    self.evicted_own += 1
        return removed

    def overflow_note(self) -> str | None:
        """What to tell the user when the bound made pruning remove entries this run stored
        (the corpus does not fit, so the next run checks those files again); else None."""
        if not self.evicted_own:
            return None
        bound = self.max_bytes / (1024 * 1024)
        # Pruning keeps 80 % of the bound: enough for every entry this run used.
        need = -(-self.used_bytes // int(0.8 * 1024 * 1024)) if self.used_bytes else 0
        # (Entries that another run stored meanwhile count too: never more than this run's.)
        return (
            f"note: the cache in {self.root} is too small for this run: {min(self.evicted_own, self.puts)} of the "
            f"{self.puts} results it stored were removed again to keep it under {bound:g} MB, so the "
            f"next run checks those files again. Set AUDIT_CACHE_MAX_MB to at least {need} "
            f"(this run used {self.used_bytes / (1024 * 1024):.0f} MB of entries)."
        )


# -- the folder as a whole (``audit cache``) ------------------------------------------------------

#: The ``CACHEDIR.TAG`` that marks a folder as audit's cache (and tells backup tools to skip it).
_TAG_TEXT = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache created by audit (safe to delete).\n"


def _layouts(root: Path) -> list[Path]:
    """The entry folders of every layout (``v<N>``) in the cache folder ``root``."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name[:1] == "v" and p.name[1:].isdigit())


def folder_info(root: Path) -> dict[str, Any]:
    """What the cache folder ``root`` holds: its entries of the current layout (count and
    bytes), the files of older layouts (removed at the next pruning), and the bound."""
    entries = size = older = 0
    for layout in _layouts(root):
        for dirpath, _, filenames in os.walk(layout):
            if layout.name != f"v{SCHEMA}":
                older += len(filenames)
                continue
            for name in filenames:
                if name.endswith(".entry"):
                    with contextlib.suppress(OSError):
                        size += os.stat(os.path.join(dirpath, name)).st_size
                        entries += 1
    return {
        "folder": str(root),
        "exists": root.is_dir(),
        "layout": SCHEMA,
        "entries": entries,
        "bytes": size,
        "older_layout_files": older,
        "max_bytes": max_bytes_from_env(),
    }


def clear_folder(root: Path) -> int:
    """Remove every entry, of every layout, from the cache folder ``root``; returns how many
    files were removed. Raises ValueError when ``root`` exists but is not a folder audit made
    (no ``CACHEDIR.TAG`` of its own), so a mistyped ``--cache-dir`` never loses other files."""
    if not root.exists():
        return 0
    try:
        tag = (root / "CACHEDIR.TAG").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        tag = ""
    if tag != _TAG_TEXT:
        raise ValueError(f"{root} is not an audit cache folder (it has no CACHEDIR.TAG written by audit)")
    removed = sum(_rmtree(layout) for layout in _layouts(root))
    with contextlib.suppress(OSError):
        (root / ".last-prune").unlink()
    return removed


def _rmtree(path: Path) -> int:
    import shutil

    n = sum(len(files) for _, _, files in os.walk(path))
    shutil.rmtree(path, ignore_errors=True)
    return n
