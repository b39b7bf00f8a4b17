"""Long CPU-bound work in a child process, so the window never waits for the GIL behind it.

While a worker thread runs Python, every Qt virtual call on the GUI thread — a paint, an event to any widget made
from Python — has to take the GIL back from it, each up to the switch interval: the import dialog's repaints
held the window 100–180 ms during a roster check (docs/performance.md). In a child the work has an interpreter,
and a GIL, of its own; the worker thread only waits on a pipe, so the GUI thread finds the GIL free.

The child opens its own connection to the same database and runs the service exactly as in process: one
transaction, all or nothing. Progress comes back through the pipe; 取消 is passed to it, and the work stops at its
next progress step and rolls back as it would in process. Used by the window for the roster's check and import;
the command line calls the services directly.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import traceback
from collections.abc import Callable
from typing import Any

from desktop import clock
from desktop.db import Database
from desktop.errors import Cancelled, ServiceError
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system.actor import Actor

log = logging.getLogger("desktop")
_own_now = clock.now  # in a child: its office clock as started, before _office_clock sets it
POLL_SECONDS = 0.05  # how often the waiting worker looks at 取消 while no message comes
LOST = "后台处理意外中止，未写入任何数据。请重试；如仍出现，请查看日志。"


def call(
    db: Database,
    actor: Actor,
    fn: Callable[..., Any],
    *args: Any,
    progress: Progress = NO_PROGRESS,
    **kwargs: Any,
) -> Any:
    """fn(db, actor, *args, progress=…, **kwargs) in a child process; its result, or its exception raised here.
    fn must be a module-level function (the child imports it by name) and its result and errors picklable."""
    progress.check()  # cancelled while queued: no child at all
    offset = clock.offset()  # the office clock as this process reads it (tests set it)
    ours, child = _spawn(_child_main, (db.url, actor, fn, args, kwargs, offset), "workbench-child")
    asked_to_stop = False
    try:
        while True:
            if progress.cancelled and not asked_to_stop:
                ours.send("cancel")
                asked_to_stop = True
            if not ours.poll(POLL_SECONDS):
                if not child.is_alive() and not ours.poll():
                    raise ServiceError(LOST)
                continue
            try:
                kind, payload = ours.recv()
            except EOFError:
                raise ServiceError(LOST) from None
            if kind == "progress":
                try:
                    progress.step(*payload)
                except Cancelled:
                    continue  # said to the child at the top of the loop; it rolls back and says so
            elif kind == "ok":
                return payload
            else:
                _raise(payload)
    finally:
        ours.close()
        child.join(10)
        if child.is_alive():  # stuck past its answer: nothing of its transaction was committed
            child.terminate()
            child.join()


def _spawn(target: Callable[..., None], args: tuple, name: str):
    """A child process running target(conn, *args), and this end of the pipe to it. Spawned, not forked: the
    same on Windows and here, and no fork of a process with threads."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(theirs, *args), name=name)
    process.daemon = True
    process.start()
    theirs.close()
    return ours, process


def _child_main(conn, url: str, actor: Actor, fn, args: tuple, kwargs: dict, offset) -> None:
    """In the child: the office clock as the parent reads it, the database opened again, fn run, its answer
    sent back."""
    _office_clock(offset)

    def report(done: int, total: int, text: str) -> None:
        while conn.poll():
            if conn.recv() == "cancel":
                progress.cancel()
        conn.send(("progress", (done, total, text)))

    progress = Progress(report)
    db = Database(url)
    try:
        _answer(conn, fn, db, actor, *args, progress=progress, **kwargs)
    finally:
        db.dispose()
        conn.close()


def _answer(conn, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """fn(*args, **kwargs), and its answer sent to the parent: its result, or its error (rebuilt there and raised)
    with the traceback unless it is a service's own refusal."""
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # every failure goes back to the parent, which raises it
        where = "" if isinstance(exc, ServiceError) else traceback.format_exc()
        conn.send(("error", (portable(exc), where)))
    else:
        conn.send(("ok", result))


def _raise(payload: tuple[BaseException, str]) -> None:
    """In the parent: a child's error raised here, its traceback (a bug, not a refusal) written to desktop.log."""
    error, where = payload
    if where:
        log.error("work in a child process failed:\n%s", where)
    raise error


def _office_clock(offset) -> None:
    """The child's office clock set as the parent's reads (tests set theirs)."""
    clock.now = (lambda: _own_now() + offset) if offset else _own_now  # type: ignore[assignment]


# --- a long-lived reader: the big page reads (帮扶计划, 帮扶干部), without a start-up each time --------------------


class _Reader:
    """A child process kept for reads of one database: started once (its imports, ~1.5 s, paid then), it answers
    one read at a time, each in a read transaction of its own, so it sees what was committed before the call."""

    def __init__(self, url: str) -> None:
        self.conn, self.process = _spawn(_reader_main, (url,), "workbench-reader")
        self.lock = threading.Lock()

    def ask(self, actor: Actor, fn, args: tuple, kwargs: dict) -> Any:
        with self.lock:
            self.conn.send((actor, fn, args, kwargs, clock.offset()))
            while not self.conn.poll(POLL_SECONDS):
                if not self.process.is_alive():
                    raise ServiceError(LOST)
            try:
                kind, payload = self.conn.recv()
            except EOFError:
                raise ServiceError(LOST) from None
        if kind == "ok":
            return payload
        _raise(payload)

    def stop(self) -> None:
        with self.lock:
            try:
                self.conn.send(None)
            except OSError:  # already gone
                pass
            self.process.join(5)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.conn.close()


_readers: dict[str, _Reader] = {}
_readers_lock = threading.Lock()


def read(db: Database, actor: Actor, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(db, actor, *args, **kwargs) — a read — in this database's reader process (started on first use, or by
    start_reader when the window is up); its result, or its error raised here. No progress, no 取消: a page read."""
    return start_reader(db).ask(actor, fn, args, kwargs)


def start_reader(db: Database) -> _Reader:
    """This database's reader, started now if it is not running (the window calls it once 首页 shows its
    figures, so the first page read does not wait for its start-up)."""
    with _readers_lock:
        reader = _readers.get(db.url)
        if reader is None or not reader.process.is_alive():
            reader = _readers[db.url] = _Reader(db.url)
        return reader


def stop_readers() -> None:
    """End every reader (the window closing, a test's database going away)."""
    with _readers_lock:
        readers = list(_readers.values())
        _readers.clear()
    for reader in readers:
        reader.stop()


def _reader_main(conn, url: str) -> None:
    db = Database(url)
    try:
        while True:
            try:
                request = conn.recv()
            except EOFError:
                break
            if request is None:
                break
            actor, fn, args, kwargs, offset = request
            _office_clock(offset)
            _answer(conn, fn, db, actor, *args, **kwargs)  # an error goes back; the reader goes on
    finally:
        db.dispose()
        conn.close()


def portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling whole, else a ServiceError with its words."""
    try:
        back = pickle.loads(pickle.dumps(exc))
    except Exception:  # any class that cannot be rebuilt
        back = None
    if back is not None and type(back) is type(exc) and str(back) == str(exc):
        return exc
    if isinstance(exc, ServiceError):
        return ServiceError(str(exc))
    return ServiceError(f"后台处理出错：{type(exc).__name__}: {exc}")


def identify(db: Database, actor: Actor, *, progress: Progress) -> tuple[int, str | None]:
    """The child's process id and the schema revision it reads: the frozen app's self-test (`--smoke`) checks
    that a child starts at all and opens the same database."""
    return os.getpid(), db.current_revision()
