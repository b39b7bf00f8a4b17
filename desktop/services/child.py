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
import traceback
from collections.abc import Callable
from typing import Any

from desktop import clock
from desktop.db import Database
from desktop.errors import Cancelled, ServiceError
from desktop.services.progress import NO_PROGRESS, Progress
from desktop.services.system.actor import Actor

log = logging.getLogger("desktop")
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
    # spawn: the same on Windows and here, and no fork of a process with threads
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    offset = clock.offset()  # the office clock as this process reads it (tests set it)
    child = context.Process(
        target=_child_main, args=(theirs, db.url, actor, fn, args, kwargs, offset), name="workbench-child"
    )
    child.daemon = True
    child.start()
    theirs.close()
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
                error, where = payload
                if where:  # not a service's own refusal: the child's traceback goes to desktop.log
                    log.error("work in a child process failed:\n%s", where)
                raise error
    finally:
        ours.close()
        child.join(10)
        if child.is_alive():  # stuck past its answer: nothing of its transaction was committed
            child.terminate()
            child.join()


def _child_main(conn, url: str, actor: Actor, fn, args: tuple, kwargs: dict, offset) -> None:
    """In the child: the office clock as the parent reads it, the database opened again, fn run, its answer
    sent back."""
    real_now = clock.now
    if offset:
        clock.now = lambda: real_now() + offset  # type: ignore[assignment]

    def report(done: int, total: int, text: str) -> None:
        while conn.poll():
            if conn.recv() == "cancel":
                progress.cancel()
        conn.send(("progress", (done, total, text)))

    progress = Progress(report)
    db = Database(url)
    try:
        try:
            result = fn(db, actor, *args, progress=progress, **kwargs)
        except BaseException as exc:  # every failure goes back to the parent, which raises it
            where = "" if isinstance(exc, ServiceError) else traceback.format_exc()
            conn.send(("error", (portable(exc), where)))
        else:
            conn.send(("ok", result))
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
