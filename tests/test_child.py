"""Work the window hands to a child process (desktop.services.child): the same database, the same answers and
errors, 取消 that rolls back, the office clock as the parent reads it, and a clear message if the child dies."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop import clock
from desktop.errors import Cancelled, InputRejected, RowError, RowsRejected, ServiceError
from desktop.models import Household, Setting
from desktop.services import child
from desktop.services.progress import Progress

# --- what the child runs: module-level functions, imported by name there ---------------------------------------


def where_and_what(db, actor, extra, *, progress):
    with db.read() as s:
        count = s.scalar(select(func.count()).select_from(Household))
    progress.step(1, 2, "正在数")
    return os.getpid(), actor.username, count, extra, clock.today()


def refuse_rows(db, actor, *, progress):
    raise RowsRejected([RowError(3, "与户主关系", "不是有效的关系")], errors_file="/tmp/x.errors.xlsx")


def refuse_plainly(db, actor, *, progress):
    raise InputRejected("身份证号校验位不对")


def write_then_step_until_cancelled(db, actor, *, progress):
    with db.write() as s:
        s.add(Setting(key="test.child", value="written before 取消"))
        s.flush()
        for n in range(10_000_000):
            progress.step(n, 10_000_000, f"第{n}步")  # new words each step: every one is reported
    return "never"


def stumble(db, actor, *, progress):
    return {}["no such key"]


def die(db, actor, *, progress):
    os._exit(3)


def count_households(db, actor):
    with db.read() as s:
        return os.getpid(), s.scalar(select(func.count()).select_from(Household))


# --- the tests ---------------------------------------------------------------------------------------------------


def test_the_child_reads_the_same_database_and_answers(roster_db, admin):
    seen = []
    pid, username, count, extra, today = child.call(
        roster_db, admin, where_and_what, "附带", progress=Progress(lambda *a: seen.append(a))
    )
    assert pid != os.getpid() and username == admin.username and count == 40 and extra == "附带"
    assert today == clock.today() and seen == [(1, 2, "正在数")]


def test_the_office_clock_in_the_child_is_the_parents(roster_db, admin, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2031, 3, 25, 23, 0, tzinfo=clock.OFFICE_TZ))
    *_rest, today = child.call(roster_db, admin, where_and_what, None)
    assert today.isoformat() == "2031-03-25"


def test_errors_come_back_whole(roster_db, admin):
    with pytest.raises(RowsRejected) as refused:
        child.call(roster_db, admin, refuse_rows)
    assert refused.value.errors == [RowError(3, "与户主关系", "不是有效的关系")]
    assert refused.value.errors_file == "/tmp/x.errors.xlsx" and "发现 1 处错误" in str(refused.value)
    with pytest.raises(InputRejected, match="身份证号校验位不对"):
        child.call(roster_db, admin, refuse_plainly)


def test_a_bug_in_the_child_is_said_and_its_traceback_logged(db, admin, caplog):
    with pytest.raises(KeyError, match="no such key"):  # the same error as in process: the window's 出错了
        child.call(db, admin, stumble)
    assert "in stumble" in caplog.text and "KeyError" in caplog.text


def test_cancel_stops_the_child_at_its_next_step_and_nothing_is_written(db, admin):
    progress = Progress(lambda *_a: progress.cancel())  # 取消 pressed as soon as the work reports
    with pytest.raises(Cancelled):
        child.call(db, admin, write_then_step_until_cancelled, progress=progress)
    with db.read() as s:
        assert s.get(Setting, "test.child") is None


def test_cancelled_before_it_starts_no_child_is_made(db, admin):
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        child.call(db, admin, die, progress=progress)


def test_a_child_that_dies_is_said_in_chinese(db, admin):
    with pytest.raises(ServiceError, match="后台处理意外中止，未写入任何数据"):
        child.call(db, admin, die)


@pytest.fixture
def roster_db(db, admin, sample):
    from desktop.services.roster.roster_import import import_roster

    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


class _TwoPart(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}{b}")


def test_an_error_that_cannot_cross_is_said_in_words():
    assert str(child.portable(_TwoPart("甲", "乙"))) == "后台处理出错：_TwoPart: 甲乙"
    refused = InputRejected("不能为空")
    assert child.portable(refused) is refused


def test_the_reader_answers_each_read_with_what_is_committed_and_survives_an_error(db, admin, sample):
    from desktop.services.roster.roster_import import import_roster

    try:
        pid, before = child.read(db, admin, count_households)
        assert pid != os.getpid() and before == 0
        import_roster(db, admin, sample("roster-small.xlsx"))  # committed here, after the reader started
        again, after = child.read(db, admin, count_households)
        assert (again, after) == (pid, 40)  # the same process, a fresh read transaction
        with pytest.raises(InputRejected, match="身份证号校验位不对"):
            child.read(db, admin, refuse_plainly, progress=Progress())
        assert child.read(db, admin, count_households) == (pid, 40)  # still there
    finally:
        child.stop_readers()
    fresh, _n = child.read(db, admin, count_households)  # stopped: the next read starts another
    child.stop_readers()
    assert fresh != pid
