"""问题整改台账: the states in their one order, 销号 only on evidence, overdue by the office's clock, a 疑点核查
finding turned into one problem (never two open), the village clerk's limits, the CLI and the ledger."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta

import pdfplumber
import pytest
from openpyxl import load_workbook
from PIL import Image

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import AuditEntry, ProblemEvent
from desktop.services.problems import problem_reports, problems
from desktop.services.quality import quality
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import users
from tests.conftest import ADMIN_PASSWORD

VILLAGE = "民权县石桥镇/赵寨村"
HOUSEHOLD = "41142110220500019"  # 民权县石桥镇/赵寨村
OTHER = "41142110420200002"  # 民权县柳河镇/王楼村
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
TODAY = NOW.date()


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def office(db, admin, sample, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


def _add(db, actor, **kw):
    args = dict(
        source="督查",
        level="household",
        household=HOUSEHOLD,
        text="危房改造后门窗未安装到位",
        responsible="王建军",
        measures="督促施工队一周内安装门窗",
        deadline=TODAY + timedelta(days=10),
    )
    args.update(kw)
    return problems.add(db, actor, **args)


def test_a_problem_goes_open_submitted_closed_in_that_order_and_keeps_its_history(office, admin):
    pid = _add(office, admin)
    p = problems.detail(office, admin, pid).info
    assert (p.state, p.village.endswith("赵寨村"), p.household, p.source) == (
        "整改中",
        True,
        HOUSEHOLD,
        "督查",
    )
    # 销号 before the result is submitted: refused, whatever evidence there is
    problems.add_evidence(office, admin, pid, [("门窗.png", png())])
    with pytest.raises(Refused, match="请先提交整改结果"):
        problems.close(office, admin, pid)
    with pytest.raises(Refused, match="只有已整改待验收"):
        problems.reject(office, admin, pid, "不合格")
    with pytest.raises(InputRejected, match="整改情况不能为空"):
        problems.submit(office, admin, pid, "  ")
    problems.submit(office, admin, pid, "门窗已安装")
    with pytest.raises(Refused, match="只有整改中"):
        problems.submit(office, admin, pid, "再提交一次")
    with pytest.raises(Refused, match="只有整改中的问题可以修改"):
        problems.update(office, admin, pid, responsible="李四")
    problems.reject(office, admin, pid, "窗户玻璃未装")  # 验收未通过: back to 整改中
    assert problems.detail(office, admin, pid).info.state == "整改中"
    problems.submit(office, admin, pid, "玻璃已装")
    problems.close(office, admin, pid, "验收合格")
    d = problems.detail(office, admin, pid)
    assert (d.info.state, d.info.closed_by, d.info.closed_on) == ("已销号", admin.username, TODAY)
    assert [(e.action, e.state_to) for e in d.events] == [
        ("登记", ""),
        ("证据", ""),
        ("提交", "已整改待验收"),
        ("退回", "整改中"),
        ("提交", "已整改待验收"),
        ("销号", "已销号"),
    ]
    assert d.events[3].note == "窗户玻璃未装"
    # closed is closed: no more evidence, no 作废, no second 销号
    with pytest.raises(Refused):
        problems.add_evidence(office, admin, pid, [("补充.png", png("blue"))])
    with pytest.raises(Refused):
        problems.void(office, admin, pid, "录错")
    with pytest.raises(Refused):
        problems.close(office, admin, pid)
    with office.read() as s:
        actions = [a for (a,) in s.query(AuditEntry.action).filter(AuditEntry.entity == "problem")]
    assert actions == [
        "problem.add",
        "problem.evidence",
        "problem.submit",
        "problem.reject",
        "problem.submit",
        "problem.close",
    ]


def test_close_out_without_evidence_is_refused_and_writes_nothing(office, admin):
    pid = _add(office, admin)
    problems.submit(office, admin, pid, "已整改")
    with office.read() as s:
        before = s.query(ProblemEvent).count()
    with pytest.raises(Refused, match="还没有整改佐证材料"):
        problems.close(office, admin, pid)
    with office.read() as s:
        assert s.query(ProblemEvent).count() == before
    assert problems.detail(office, admin, pid).info.state == "已整改待验收"


def test_evidence_is_checked_by_content_and_all_or_none(office, admin):
    pid = _add(office, admin)
    with pytest.raises(InputRejected, match="不是PDF、JPG或PNG"):
        problems.add_evidence(
            office, admin, pid, [("ok.png", png()), ("照片.png", b"MZ\x90\x00 not an image")]
        )
    with pytest.raises(InputRejected, match="空文件"):
        problems.add_evidence(office, admin, pid, [("空.jpg", b"")])
    with pytest.raises(InputRejected, match="已损坏"):
        problems.add_evidence(office, admin, pid, [("半张.png", png()[:60])])
    assert problems.detail(office, admin, pid).evidence == []
    problems.add_evidence(office, admin, pid, [("门窗.png", png())])
    (f,) = problems.detail(office, admin, pid).evidence
    assert (f.filename, f.kind) == ("门窗.png", "png")
    assert problems.evidence_data(office, admin, f.id)[2] == png()


def test_overdue_is_by_the_office_clock_and_ends_with_close_or_void(office, admin, monkeypatch):
    due = _add(office, admin, deadline=TODAY)  # due today: not overdue yet
    late = _add(office, admin, deadline=TODAY - timedelta(days=3))
    waiting = _add(office, admin, deadline=TODAY - timedelta(days=1))
    problems.submit(office, admin, waiting, "已整改，等验收")  # submitted is still open until 销号
    voided = _add(office, admin, deadline=TODAY - timedelta(days=5))
    problems.void(office, admin, voided, "重复登记")
    closed = _add(office, admin, deadline=TODAY - timedelta(days=5))
    problems.add_evidence(office, admin, closed, [("a.png", png())])
    problems.submit(office, admin, closed, "已整改")
    problems.close(office, admin, closed)
    shown = {p.id: p.overdue_days for p in problems.problems(office, admin)}
    assert shown == {due: 0, late: 3, waiting: 1, voided: 0, closed: 0}
    assert [p.id for p in problems.problems(office, admin, overdue_only=True)] == [late, waiting]
    with office.read() as s:
        count, first = problems.overdue(s, admin, TODAY)
    assert (count, [p.id for p in first]) == (2, [late, waiting])
    # the office's clock, not the PC's: a day later the one due today is overdue too
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))
    assert [p.id for p in problems.problems(office, admin, overdue_only=True)] == [due, late, waiting]


def test_a_finding_becomes_one_problem_in_one_click_and_again_only_after_close(office, admin):
    result = quality.run_audit(office, admin, record=False)
    finding = next(f for f in result.findings if f.household)
    pid = problems.from_finding(office, admin, finding)
    p = problems.detail(office, admin, pid).info
    assert (p.source, p.level, p.household, p.state) == ("自查", "household", finding.household, "整改中")
    assert finding.message in p.text
    assert p.deadline == TODAY + timedelta(days=30)  # the default of problems.deadline_days
    assert p.origin == f"{finding.rule}/{finding.household}/{finding.person}"
    with pytest.raises(Refused, match=f"第{pid}号"):
        problems.from_finding(office, admin, finding)
    problems.add_evidence(office, admin, pid, [("改正后.png", png())])
    problems.submit(office, admin, pid, "已在系统中改正")
    problems.close(office, admin, pid)
    again = problems.from_finding(office, admin, finding)  # the finding came back after 销号: a new problem
    assert again != pid


def test_input_is_checked_naming_the_field(office, admin):
    with pytest.raises(InputRejected, match="问题来源"):
        _add(office, admin, source="暗访")
    with pytest.raises(InputRejected, match="问题层级"):
        _add(office, admin, level="county")
    with pytest.raises(InputRejected, match="户级问题要写明户编号"):
        _add(office, admin, household="")
    with pytest.raises(InputRejected, match="村级问题"):
        _add(office, admin, level="village")
    with pytest.raises(InputRejected, match="责任人不能为空"):
        _add(office, admin, responsible=" ")
    with pytest.raises(InputRejected, match="整改期限不能为空"):
        _add(office, admin, deadline=None)
    with pytest.raises(InputRejected, match="问题描述不能超过500个字"):
        _add(office, admin, text="问" * 501)
    vid = _add(office, admin, level="村", household=None, village=VILLAGE)
    tid = _add(office, admin, level="township", household=None)
    got = {p.id: (p.level, p.subject) for p in problems.problems(office, admin)}
    assert got == {vid: ("village", "全村"), tid: ("township", "全乡镇")}
    with pytest.raises(InputRejected, match="写明理由"):
        problems.update(office, admin, vid, deadline=TODAY + timedelta(days=40))
    problems.update(office, admin, vid, deadline=TODAY + timedelta(days=40), reason="雨季施工延误")
    assert problems.detail(office, admin, vid).events[-1].note.endswith("（理由：雨季施工延误）")


def test_a_village_clerk_rectifies_only_in_their_village_and_never_accepts(office, admin):
    users.create_user(office, admin, "vc", "村文书密码123", "village_clerk", villages=[VILLAGE])
    vc = users.authenticate(office, "vc", "村文书密码123")
    mine = _add(office, vc)
    theirs = _add(office, admin, household=OTHER)
    township = _add(office, admin, level="township", household=None)
    assert [p.id for p in problems.problems(office, vc)] == [mine]
    with pytest.raises(PermissionDenied):
        _add(office, vc, household=OTHER)
    with pytest.raises(PermissionDenied):
        problems.submit(office, vc, theirs, "已整改")
    with pytest.raises(PermissionDenied):
        problems.note(office, vc, township, "看看")
    problems.add_evidence(office, vc, mine, [("照片.png", png())])
    problems.submit(office, vc, mine, "已整改")
    with pytest.raises(PermissionDenied, match="村级用户"):
        problems.close(office, vc, mine)
    problems.close(office, admin, mine)
    auditor = users.create_user(office, admin, "au", "审计密码123", "auditor")
    assert auditor
    with pytest.raises(PermissionDenied):
        _add(office, users.authenticate(office, "au", "审计密码123"))


def _drawn(path) -> str:
    """The characters in the order they were drawn (a wrapped cell's lines follow each other), no spaces."""
    with pdfplumber.open(path) as pdf:
        return re.sub(r"\s+", "", "".join(c["text"] for page in pdf.pages for c in page.chars))


def _demo_set(db, admin):
    a = _add(db, admin, source="巡视", deadline=TODAY - timedelta(days=2))
    b = _add(db, admin, source="审计", household=OTHER, text="产业补助资金发放无签领记录")
    c = _add(db, admin, source="考核", level="village", household=None, village=VILLAGE, text="村级台账不全")
    problems.add_evidence(db, admin, c, [("台账.png", png())])
    problems.submit(db, admin, c, "已补齐")
    problems.close(db, admin, c)
    return a, b, c


def test_the_ledger_prints_what_went_in_grouped_by_village(office, admin, tmp_path):
    a, b, c = _demo_set(office, admin)
    out = tmp_path / "整改台账.pdf"
    printed = problem_reports.problem_ledger(office, admin, out, today=TODAY)
    assert printed.rows == 3
    text = _drawn(out)
    for word in (
        "问题整改台账",
        "危房改造后门窗未安装到位",
        "产业补助资金发放无签领记录",
        "村级台账不全",
        "王建军",
    ):
        assert word in text, word
    assert "逾期2天" in text and "2026年11月20日" in text  # the closed one's 销号日期
    assert "赵寨村小计2" in text and "合计3" in text
    assert HOUSEHOLD in text and OTHER in text
    xlsx = tmp_path / "整改台账.xlsx"
    problem_reports.problem_ledger(office, admin, xlsx, xlsx=True, today=TODAY, by="source")
    cells = [c for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row if c]
    assert {"巡视", "审计", "考核", "产业补助资金发放无签领记录"} <= set(cells)
    with pytest.raises(InputRejected, match="没有"):
        problem_reports.problem_ledger(office, admin, out, source="信访", today=TODAY)
    only = problem_reports.problem_ledger(office, admin, out, state="已销号", today=TODAY)
    assert only.rows == 1


def test_the_command_line_adds_lists_moves_and_closes(office, db_url, cli_login, tmp_path, capsys):
    def run(*words):
        code = main(["--db", db_url, "--json", *words])
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    code, got = run(
        "problems", "add", "--source", "信访", "--level", "household", "--household", HOUSEHOLD,
        "--text", "低保金未按时发放", "--responsible", "张三", "--deadline", "2026-11-10",
    )  # fmt: skip
    assert code == 0
    pid = got["id"]
    code, got = run("problems", "list", "--overdue")
    assert (
        code == 0 and [p["id"] for p in got["problems"]] == [pid] and got["problems"][0]["overdue_days"] == 10
    )
    assert run("problems", "close", str(pid))[0] == 3  # not submitted
    assert run("problems", "submit", str(pid), "--note", "已补发")[0] == 0
    assert run("problems", "close", str(pid))[0] == 3  # no evidence
    photo = tmp_path / "补发凭证.png"
    photo.write_bytes(png())
    assert run("problems", "evidence", str(pid), str(photo))[0] == 0
    assert run("problems", "close", str(pid), "--note", "验收合格")[0] == 0
    code, got = run("problems", "show", str(pid))
    assert got["state"] == "已销号" and [f["filename"] for f in got["files"]] == ["补发凭证.png"]
    code, got = run("problems", "update", str(pid), "--responsible", "李四")
    assert code == 3
    code, got = run("print", "ledger", "problems", "--xlsx", str(tmp_path / "t.xlsx"))
    assert code == 0 and got["rows"] == 1
    assert ADMIN_PASSWORD  # logged in through cli_login


def test_the_database_itself_refuses_a_second_open_problem_for_one_finding(office, admin):
    from sqlalchemy.exc import IntegrityError

    from desktop.models import Problem

    row = dict(
        source="自查", level="household", text="t", responsible="r", deadline=TODAY, created_by="x",
        measures="", closed_by="", origin_rule="r", origin_household="h", origin_person="", origin_open="r|h|",
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        with office.write() as s:
            s.add_all([Problem(**row), Problem(**row)])
            s.flush()
    with office.write() as s:  # closed ones hold no key: any number of them
        s.add_all([Problem(**{**row, "origin_open": None}), Problem(**{**row, "origin_open": None})])


def test_an_oversized_evidence_file_is_refused_before_it_is_read_in_full(office, admin):
    pid = _add(office, admin)
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    with pytest.raises(InputRejected, match="超过单个附件上限"):
        problems.add_evidence(office, admin, pid, [("扫描.pdf", big)])
    assert problems.detail(office, admin, pid).evidence == []
