"""The folder exchange with the official client: an outbox we write, an inbox of receipts we claim.

The folders may be a shared mount used by several workers and by the official client at once, so every
write is atomic (temp file in the same directory, fsync, rename), a receipt is claimed by an atomic rename
into processing/ before it is applied, and no receipt file is ever deleted or overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from declarations.libc import libc

logger = logging.getLogger(__name__)

PROCESSING = "processing"
PROCESSED = "processed"
FAILED = "failed"

_MAX_SUFFIX = 10_000


class OutboxConflict(Exception):
    """A different message already sits in the outbox under the same file name."""

    def __init__(self, path: Path):
        super().__init__(f"{path} already exists with different content")
        self.path = path


def _check_plain_name(file_name: str) -> None:
    # The name ends up in a path on a shared mount: refuse anything that could leave the directory.
    if (
        not file_name
        or file_name in {".", ".."}
        or file_name.startswith(".")
        or "/" in file_name
        or "\\" in file_name
        or "\x00" in file_name
    ):
        raise ValueError(f"not a plain file name: {file_name!r}")


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable; not every platform or mount allows opening a directory, so best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_path(target: Path) -> Path:
    """Where a file is written before its rename: dot-prefixed .tmp in the same directory (the official client
    only picks up *.xml, never a half-written file), ``.<target name>.<16 hex>.tmp``."""
    return target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")


# A staged outbox message's _temp_path, read back by outbox_stale_staged; nothing else is ever touched.
_STAGED_NAME = re.compile(
    r"\.(CEB[0-9]{3}_[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\.xml)\.[0-9a-f]{16}\.tmp"
)


def _atomic_write(path: Path, content: bytes) -> None:
    temp = _temp_path(path)
    # O_EXCL with mode 0o666 lets the umask decide permissions, so the official client can read the file.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(path.parent)


def _same_content(path: Path, content: bytes) -> bool:
    return path.stat().st_size == len(content) and path.read_bytes() == content


def outbox_write(*, directory: Path, file_name: str, content: bytes) -> Path:
    """Write one message atomically into the outbox; writing the same bytes again is a no-op.

    Raises OutboxConflict when the name already holds different bytes. Names carry the immutable message's
    guid, so a conflict means a bug, not a race worth locking against.
    """
    return outbox_write_many(directory=directory, files=[(file_name, content)])[0]


def _sync_filesystem(directory: Path) -> bool:
    """Flush every written file on the directory's filesystem in one call (Linux syncfs); False if unavailable."""
    syncfs = getattr(libc(), "syncfs", None)
    if syncfs is None:
        return False
    fd = os.open(directory, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


SYNCFS_MIN_FILES = 32


def _synced_whole_filesystem(directory: Path, files: int) -> bool:
    """One syncfs for a batch of many files; False (fsync each) for a small batch or where syncfs is missing.
    syncfs flushes the whole filesystem (a database on it too): worth it only for many files at once."""
    return files >= SYNCFS_MIN_FILES and _sync_filesystem(directory)


_FSYNC_THREADS = 8
_fsync_pool: tuple[int, ThreadPoolExecutor] | None = None


def _fsync_together(fds: list[int]) -> None:
    """fsync every file, concurrently: the filesystem then commits its journal once for all of them instead of
    once per file (what makes two workers writing at the same time wait on each other)."""
    global _fsync_pool
    if len(fds) < 2:
        for fd in fds:
            os.fsync(fd)
        return
    # One pool per process: a pool inherited through fork has no threads.
    if _fsync_pool is None or _fsync_pool[0] != os.getpid():
        _fsync_pool = (os.getpid(), ThreadPoolExecutor(_FSYNC_THREADS, thread_name_prefix="outbox-fsync"))
    list(_fsync_pool[1].map(os.fsync, fds))


def outbox_write_many(*, directory: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """outbox_write for a batch: the same temp + rename per file, with one directory sync for the batch.

    Every temp file is written and made durable (outbox_stage_many), and only then renamed to its *.xml name
    (outbox_publish): no reader ever sees a half-written or not yet durable message. The same idempotence and
    conflict rules as outbox_write; a conflict is raised before anything is written.
    """
    staged = outbox_stage_many(directory=directory, files=files)
    outbox_publish(staged=staged)
    return [Path(directory) / file_name for file_name, _content in files]


@dataclass(frozen=True)
class Staged:
    """A message written and made durable under its temp name, not yet visible as *.xml."""

    temp: Path
    target: Path


def outbox_stage_many(
    *, directory: Path, files: list[tuple[str, bytes]], durable: bool = True
) -> list[Staged]:
    """The first half of outbox_write_many: write each file under a dot-prefixed temp name and make it durable
    (an fsync each for a small batch; one syncfs for a large one, or an fsync each where syncfs is missing).

    A file already in the outbox with the same bytes is not staged again; different bytes raise OutboxConflict
    before anything is written. Publish the result with outbox_publish or drop it with outbox_discard. With
    ``durable=False`` the files are only written: the caller makes them durable later (outbox_make_durable),
    before anything relies on them, and for several batches at once.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pending = []
    for file_name, content in files:
        _check_plain_name(file_name)
        target = directory / file_name
        if target.exists():
            if _same_content(target, content):
                continue
            raise OutboxConflict(target)
        pending.append((target, content))
    staged: list[Staged] = []
    fds: list[int] = []
    try:
        for target, content in pending:
            temp = _temp_path(target)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            staged.append(Staged(temp, target))
            fds.append(fd)
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        if durable and not _synced_whole_filesystem(directory, len(fds)):
            _fsync_together(fds)
        for fd in fds:
            os.close(fd)
        fds.clear()
    except BaseException:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        outbox_discard(staged=staged)
        raise
    return staged


def outbox_make_durable(*, staged: list[Staged]) -> None:
    """Make files staged with ``durable=False`` durable: one syncfs of their filesystem for many files, else an
    fsync each."""
    if not staged:
        return
    if _synced_whole_filesystem(staged[0].temp.parent, len(staged)):
        return
    fds = []
    try:
        for item in staged:
            fds.append(os.open(item.temp, os.O_RDONLY))
        _fsync_together(fds)
    finally:
        for fd in fds:
            os.close(fd)


def outbox_publish(*, staged: list[Staged]) -> None:
    """The second half: rename each staged file to its *.xml name, then make the renames durable."""
    renamed = 0
    try:
        for item in staged:
            os.replace(item.temp, item.target)
            renamed += 1
    except BaseException:
        outbox_discard(staged=staged[renamed:])
        raise
    for directory in {item.target.parent for item in staged}:
        _fsync_directory(directory)


def outbox_stale_staged(*, directory: Path, older_than: float) -> list[Staged]:
    """Staged files not modified for ``older_than`` seconds: left by a process that died between staging and
    publishing. Only our own temp names are listed (never another program's files, nor symlinks)."""
    directory = Path(directory)
    cutoff = time.time() - older_than
    stale = []
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return []
    for entry in entries:
        match = _STAGED_NAME.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(FileNotFoundError):
            if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                stale.append(Staged(Path(entry.path), directory / match.group(1)))
    return sorted(stale, key=lambda item: item.temp.name)


def outbox_discard(*, staged: list[Staged]) -> None:
    """Remove staged files that will not be published."""
    for item in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(item.temp)


def _candidate_names(name: str):
    yield name
    path = Path(name)
    for number in range(1, _MAX_SUFFIX):
        yield f"{path.stem}.{number}{path.suffix}"


def _move_without_overwrite(path: Path, target_dir: Path, *, name: str | None = None) -> Path:
    """Move a file we own into target_dir, adding .1, .2, ... to the name instead of overwriting."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for candidate in _candidate_names(name or path.name):
        target = target_dir / candidate
        try:
            # link() refuses an existing target atomically, even when another worker picks the same name.
            os.link(path, target)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise
        except OSError:
            # Mounts without hard links (some SMB shares): fall back to check-then-rename.
            if os.path.lexists(target):
                continue
            os.rename(path, target)
            return target
        os.unlink(path)
        return target
    raise FileExistsError(f"no free name for {name or path.name} in {target_dir}")


def _is_receipt_candidate(entry: os.DirEntry) -> bool:
    # Dot files are temp files of the official client; symlinks could point anywhere outside the inbox.
    return (
        not entry.name.startswith(".")
        and entry.name.lower().endswith(".xml")
        and entry.is_file(follow_symlinks=False)
    )


# Names in processing/, processed/ and failed/ stay this many bytes at most (UTF-8), so that the claim prefix, a
# ".N" suffix and ".reason.txt" still fit the 255 bytes most filesystems allow, whatever the original name.
CLAIM_NAME_MAX_BYTES = 180
_CLAIM_PREFIX = ".claim-"
_CLAIM_NAME = re.compile(r"\.claim-[0-9a-f]{16}-(.+)", re.DOTALL)


def bounded_name(name: str, *, limit: int = CLAIM_NAME_MAX_BYTES) -> str:
    """The name itself when it fits ``limit`` bytes; else its start, ``~`` and a hash of the whole name.

    E.g. 80 CJK characters (240 bytes) become the first 55 characters + ``~<16 hex>.xml``: still readable,
    still distinct for distinct names, and never longer than the limit.
    """
    if len(name.encode("utf-8")) <= limit:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix) <= 10 else ""
    tail = f"~{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:16]}{suffix}"
    room = limit - len(tail.encode("utf-8"))
    head = name[: len(name) - len(suffix)].encode("utf-8", "surrogateescape")[:room]
    return head.decode("utf-8", "ignore") + tail


def _claim_one(directory: Path, processing: Path, name: str) -> Path | None:
    """Claim one inbox file by name; None when another worker took it first."""
    target_name = bounded_name(name)
    # rename() is what makes the claim exclusive: only one worker's rename of the source succeeds. The private
    # staging name keeps it from replacing a same-named file already in processing/; it is bounded too.
    staging = processing / f"{_CLAIM_PREFIX}{secrets.token_hex(8)}-{target_name}"
    try:
        os.rename(directory / name, staging)
    except FileNotFoundError:
        return None
    try:
        # The claim's time: a processing/ entry untouched for long was left by a process that died.
        os.utime(staging)
    except FileNotFoundError:
        return None  # re-claimed as stale in the meantime (only after the bound): the other worker has it
    except OSError:
        logger.warning("could not stamp the claim time of %s; it may be taken again early", staging)
    try:
        return _move_without_overwrite(staging, processing, name=target_name)
    except FileNotFoundError:
        return None


def inbox_names(directory: Path) -> list[str]:
    """Names of the receipts lying directly in the inbox (not yet claimed), sorted."""
    try:
        with os.scandir(Path(directory)) as entries:
            return sorted(entry.name for entry in entries if _is_receipt_candidate(entry))
    except FileNotFoundError:  # no inbox yet: nothing has arrived
        return []


def inbox_claims(directory: Path, *, order: Callable[[str], object] | None = None):
    """Yield the receipts lying directly in the inbox, claiming each (a move into processing/) only when the
    caller asks for it: a process killed mid-run leaves at most the file it was working on in processing/,
    and that one is re-claimed by ``inbox_reclaim_stale`` once the bound has passed. ``order`` sorts the
    names (default: by name).

    Another worker may claim a file first: it is skipped, so no two workers ever hold the same receipt.
    """
    directory = Path(directory)
    processing = directory / PROCESSING
    processing.mkdir(parents=True, exist_ok=True)
    names = inbox_names(directory)
    if order is not None:
        names.sort(key=order)
    for name in names:
        try:
            claimed = _claim_one(directory, processing, name)
        except OSError:
            # E.g. a permission problem with this one file: the others are still claimed. A half-done claim
            # stays in processing/ and is taken again once stale.
            logger.exception("inbox file %r could not be claimed", name)
            continue
        if claimed is not None:
            yield claimed


def inbox_claim(directory: Path) -> list[Path]:
    """Claim every receipt lying directly in the inbox at once (see ``inbox_claims``)."""
    return list(inbox_claims(directory))


def inbox_release(path: Path, *, directory: Path) -> Path:
    """Give a claimed receipt back to the inbox (e.g. the database is down): the next run takes it again."""
    return _move_without_overwrite(Path(path), Path(directory))


def inbox_reclaim_stale(directory: Path, *, older_than: float) -> list[Path]:
    """Move processing/ entries not touched for ``older_than`` seconds back into the inbox.

    They were claimed by a process that died (kill -9, a lost machine) before it moved them on: the claim
    stamps the file's time, so only entries older than any run's claim are taken. Half-finished claims (the
    private staging names) get their name back. Symlinks and folders are left alone.
    """
    directory = Path(directory)
    processing = directory / PROCESSING
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(processing))
    except FileNotFoundError:
        return []
    returned = []
    for entry in sorted(entries, key=lambda e: e.name):
        if not entry.is_file(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
        except FileNotFoundError:
            continue
        match = _CLAIM_NAME.fullmatch(entry.name)
        name = match.group(1) if match else entry.name
        if name.startswith("."):
            continue  # not ours
        # Renamed first, like a claim: of two workers re-claiming at once, only one rename succeeds.
        mine = processing / f"{_CLAIM_PREFIX}{secrets.token_hex(8)}-{name}"
        try:
            os.rename(entry.path, mine)
        except FileNotFoundError:
            continue  # another worker re-claimed it first
        except OSError:
            logger.exception("stale claim %r could not be taken again", entry.name)
            continue
        try:
            returned.append(_move_without_overwrite(mine, directory, name=name))
        except OSError:
            logger.exception("stale claim %r could not be given back to the inbox", entry.name)
    return returned


def inbox_done(path: Path, *, directory: Path) -> Path:
    """Move a claimed receipt that was applied into processed/."""
    return _move_without_overwrite(Path(path), Path(directory) / PROCESSED)


def inbox_failed(path: Path, *, directory: Path, reason: str) -> Path:
    """Move a claimed receipt that could not be applied into failed/, with <name>.reason.txt beside it."""
    target = _move_without_overwrite(Path(path), Path(directory) / FAILED)
    text = reason if reason.endswith("\n") else reason + "\n"
    _atomic_write(target.with_name(f"{target.name}.reason.txt"), text.encode("utf-8"))
    return target
