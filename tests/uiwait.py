"""Waiting for the window's background operations in tests: no sleeps, the ops say when they are idle."""

from __future__ import annotations


def settle(qtbot, owner, timeout: int = 30000) -> None:
    """Wait until every operation started through owner's ops (a window, a page or a UiContext) has finished,
    its on_done has run and the change signal has been delivered."""
    ctx = getattr(owner, "ctx", owner)
    ops = ctx.ops
    qtbot.waitUntil(lambda: ops.idle, timeout=timeout)
