"""项目库 and its money: the steps in their one order (dates in order, never in the future, 作废 only from 储备/入库),
the disbursement caps at their boundaries (contract × progress before 验收, the contract after, each fund source's
funding), progress never going down, reversal, the village clerk's limits, and the 疑点 each at its boundary."""

from __future__ import annotations

import io
import itertools
import json
from datetime import date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import AuditEntry, Household
from desktop.models.projects import Disbursement, ProjectNotice, ProjectStep
from desktop.services.monitoring import monitoring
from desktop.services.projects import contracts, library, project_findings, projects
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import users

VILLAGE = "民权县石桥镇/赵寨村"
HOUSEHOLD = "41142110220500019"  # 石桥镇/赵寨村
NEIGHBOUR = "41142110220500026"  # 石桥镇/赵寨村
OTHER = "41142110420200002"  # 柳河镇/王楼村
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=clock.OFFICE_TZ)
TODAY = NOW.date()
CENTRAL, COUNTY = "中央财政衔接资金", "县级财政衔接资金"


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
        year=2026,
        name="赵寨村产业路硬化",
        kind="基础设施",
        village=VILLAGE,
        content="硬化村内产业路1.2公里",
        scale="1.2公里",
        implementer="石桥镇人民政府",
        supervisor="王监督",
        supervisor_phone="13800001234",
        funding={CENTRAL: 600_000_00, COUNTY: 200_000_00},
        rolling_from=2025,
        on=TODAY - timedelta(days=60),
    )
    args.update(kw)
    return projects.add(db, actor, **args)


def _underway(db, actor, **kw) -> int:
    """A project in 实施 since 40 days ago, with a contract of 500,000.00 元."""
    pid = _add(db, actor, **kw)
    projects.advance(
        db, actor, pid, "入库", on=TODAY - timedelta(days=50), record="镇党委会议纪要〔2026〕8号"
    )
    projects.advance(db, actor, pid, "实施", on=TODAY - timedelta(days=40), record="县扶贫办批复〔2026〕21号")
    _posted(db, pid)
    return pid


def _posted(db, pid: int) -> None:
    """Its 项目入库公示 as posted (printing it records this row: tests/test_project_reports.py)."""
    with db.write() as s:
        s.add(
            ProjectNotice(
                kind="listing", year=2026, project_id=pid, board="township", posted_on=TODAY - timedelta(days=60),
                days=10, username="admin",
            )
        )  # fmt: skip


_CONTRACTS = itertools.count(1)


def _contract(db, actor, pid, amount=500_000_00, number=None) -> int:
    return contracts.add_contract(
        db,
        actor,
        pid,
        number=number or f"HT-2026-{next(_CONTRACTS):02d}",
        party="商丘路桥公司",
        amount_fen=amount,
        signed_on=TODAY - timedelta(days=35),
    )


_VOUCHERS = itertools.count(12)


def _pay(db, actor, cid, amount, progress, *, source=CENTRAL, days_ago=10, evidence=None):
    if evidence is None:
        evidence = f"付款凭证第{next(_VOUCHERS)}号"  # each payment its own voucher
    return contracts.disburse(
        db,
        actor,
        cid,
        amount_fen=amount,
        source=source,
        progress=progress,
        paid_on=TODAY - timedelta(days=days_ago),
        evidence=evidence,
    )


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


# --- steps ---------------------------------------------------------------------------------------------


def test_a_project_moves_one_step_at_a_time_with_dates_in_order_and_keeps_its_history(office, admin):
    pid = _add(office, admin)
    d = library.detail(office, admin, pid)
    assert (d.info.state, d.next_state, d.info.funding_fen, d.info.rolling) == (
        "储备",
        "入库",
        800_000_00,
        "2025—2027年",
    )
    with pytest.raises(Refused, match="下一步只能是“入库”，不能跳过入库直接“实施”"):
        projects.advance(office, admin, pid, "实施", on=TODAY, record="批复")
    with pytest.raises(InputRejected, match="会议记录或批复文号不能为空"):
        projects.advance(office, admin, pid, on=TODAY, record=" ")
    with pytest.raises(Refused, match="早于储备日期"):
        projects.advance(office, admin, pid, on=TODAY - timedelta(days=61), record="纪要")
    with pytest.raises(Refused, match="晚于今天"):
        projects.advance(office, admin, pid, on=TODAY + timedelta(days=1), record="纪要")
    # the same day as the step before, and today, both pass
    projects.advance(
        office, admin, pid, on=TODAY - timedelta(days=60), record="纪要", file=("纪要.png", png())
    )
    with pytest.raises(Refused, match="不能退回或重复“入库”"):
        projects.advance(office, admin, pid, "入库", on=TODAY, record="again")
    projects.set_indicators(office, admin, pid, [("硬化道路长度", "1.2", "公里"), ("受益户数", "35", "户")])
    assert projects.advance(office, admin, pid, on=TODAY - timedelta(days=30), record="批复") == "实施"
    with pytest.raises(Refused, match="绩效目标值不能再改"):
        projects.set_indicators(office, admin, pid, [("硬化道路长度", "2", "公里")])
    with pytest.raises(Refused, match="“硬化道路长度、受益户数”还没有填写实际值"):
        projects.advance(office, admin, pid, on=TODAY, record="验收报告")
    ids = [i.id for i in library.detail(office, admin, pid).indicators]
    projects.record_actuals(office, admin, pid, {ids[0]: "1.25", ids[1]: "37"})
    projects.advance(office, admin, pid, on=TODAY, record="竣工验收报告")
    projects.advance(office, admin, pid, on=TODAY, record="决算审计报告")
    d = library.detail(office, admin, pid)
    assert [(s.state_from, s.state_to) for s in d.steps] == [
        ("", "储备"),
        ("储备", "入库"),
        ("入库", "实施"),
        ("实施", "竣工验收"),
        ("竣工验收", "决算"),
    ]
    assert d.steps[1].file == "纪要.png" and d.next_state is None
    assert library.attachment_data(office, admin, d.steps[1].attachment_id)[0] == "纪要.png"
    with pytest.raises(Refused, match="没有下一步"):
        projects.advance(office, admin, pid, on=TODAY, record="x")
    with pytest.raises(Refused, match="只有储备或入库的项目可以作废"):
        projects.void(office, admin, pid, "误录")
    with office.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "project")))
    assert actions.count("project.step") == 4 and "project.add" in actions


def test_void_only_from_reserve_or_listed_with_a_reason(office, admin):
    a, b = _add(office, admin), _add(office, admin, name="第二个")
    with pytest.raises(InputRejected, match="作废理由不能为空"):
        projects.void(office, admin, a, "")
    projects.void(office, admin, a, "与县级项目重复")
    projects.advance(office, admin, b, on=TODAY, record="纪要")
    projects.void(office, admin, b, "资金未落实")
    for pid in (a, b):
        d = library.detail(office, admin, pid)
        assert d.info.state == "已作废" and d.steps[-1].record in ("与县级项目重复", "资金未落实")
        with pytest.raises(Refused, match="没有下一步"):
            projects.advance(office, admin, pid, on=TODAY, record="x")
    with pytest.raises(Refused, match="只有储备或入库"):
        projects.void(office, admin, _underway(office, admin), "晚了")
    assert [p.id for p in library.projects(office, admin, state="已作废")] == [a, b]


def test_fields_are_checked_naming_the_field(office, admin):
    with pytest.raises(InputRejected, match="项目类型“道路”不对"):
        _add(office, admin, kind="道路")
    with pytest.raises(InputRejected, match="资金来源“银行贷款”不对"):
        _add(office, admin, funding={"银行贷款": 100})
    with pytest.raises(InputRejected, match="中央财政衔接资金金额必须大于0"):
        _add(office, admin, funding={CENTRAL: 0})
    with pytest.raises(InputRejected, match="超过上限"):
        _add(office, admin, funding={CENTRAL: projects.MAX_FEN + 1})
    with pytest.raises(InputRejected, match="三年滚动规划“2022—2024年”不包含实施年度2026年"):
        _add(office, admin, rolling_from=2022)
    with pytest.raises(InputRejected, match="监督人电话"):
        _add(office, admin, supervisor_phone="电话")
    with pytest.raises(InputRejected, match="项目名称不能为空"):
        _add(office, admin, name=" ")
    with pytest.raises(InputRejected, match="全乡镇项目要写明乡镇"):
        _add(office, admin, village=None)
    pid = _add(office, admin, village=None, township="民权县石桥镇")
    assert library.detail(office, admin, pid).info.place == "石桥镇（全乡镇）"
    with pytest.raises(Refused, match="还没有资金规模"):
        projects.advance(office, admin, _add(office, admin, funding={}), on=TODAY, record="纪要")


def test_edit_keeps_funding_above_what_is_paid_and_contracted(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid)
    _pay(office, admin, cid, 100_000_00, 20)
    with pytest.raises(Refused, match="“中央财政衔接资金”已累计拨付100,000.00元"):
        projects.edit(office, admin, pid, funding={CENTRAL: 99_999_99, COUNTY: 500_000_00})
    with pytest.raises(Refused, match="已签合同合计500,000.00元"):
        projects.edit(office, admin, pid, funding={CENTRAL: 100_000_00, COUNTY: 399_999_99})
    projects.edit(office, admin, pid, funding={CENTRAL: 100_000_00, COUNTY: 400_000_00}, supervisor="李监督")
    d = library.detail(office, admin, pid)
    assert [(f.source, f.amount_fen, f.paid_fen) for f in d.funding] == [
        (CENTRAL, 100_000_00, 100_000_00),
        (COUNTY, 400_000_00, 0),
    ]
    assert d.info.supervisor == "李监督"
    with pytest.raises(InputRejected, match="没有要修改的内容"):
        projects.edit(office, admin, pid, supervisor="李监督")


# --- contracts and disbursements -------------------------------------------------------------------------


def test_before_acceptance_exactly_contract_times_progress_passes_and_one_fen_more_is_refused(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid, amount=333_333_33)  # × 30% = 99,999.999 元: the cap is not whole fen
    with pytest.raises(
        Refused, match=r"累计拨付将达100,000.00元，超过合同金额333,333.33元 × 进度30% = 99,999.99元"
    ):
        _pay(office, admin, cid, 100_000_00, 30)
    _pay(office, admin, cid, 99_999_99, 30)  # 9,999,999 × 100 ≤ 33,333,333 × 30
    with pytest.raises(Refused, match="累计拨付将达100,000.00元"):  # at the cap now: 1 fen more is refused
        _pay(office, admin, cid, 1, 30)
    pid2 = _underway(office, admin, name="第二个")
    cid2 = _contract(office, admin, pid2, amount=500_000_00)
    _pay(office, admin, cid2, 150_000_00, 30)  # exactly 500,000.00 × 30%
    with pytest.raises(
        Refused, match=r"累计拨付将达150,000.01元，超过合同金额500,000.00元 × 进度30% = 150,000.00元"
    ):
        _pay(office, admin, cid2, 1, 30, days_ago=5)
    _pay(office, admin, cid2, 100_000_00, 50, days_ago=5)  # 250,000.00 = 500,000.00 × 50%
    assert _count(office, Disbursement) == 3


def test_after_acceptance_up_to_the_contract_and_never_after_settlement(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid, amount=500_000_00)
    _pay(office, admin, cid, 450_000_00, 90)
    projects.advance(office, admin, pid, on=TODAY - timedelta(days=5), record="竣工验收报告")
    with pytest.raises(
        Refused, match=r"累计拨付将达500,000.01元，超过合同金额500,000.00元（项目已竣工验收）"
    ):
        _pay(office, admin, cid, 50_000_01, 90, days_ago=2)
    _pay(office, admin, cid, 50_000_00, 90, days_ago=2)  # progress unchanged: the cap is the contract now
    projects.advance(office, admin, pid, on=TODAY, record="决算报告")
    with pytest.raises(Refused, match="只有实施或竣工验收阶段的项目才能拨付"):
        _pay(office, admin, cid, 1, 100, days_ago=0)


def test_nothing_is_paid_before_the_project_is_underway(office, admin):
    pid = _add(office, admin)
    with pytest.raises(Refused, match="入库后、决算前才能登记合同"):
        _contract(office, admin, pid)
    projects.advance(office, admin, pid, on=TODAY - timedelta(days=50), record="纪要")
    cid = _contract(office, admin, pid)
    with pytest.raises(Refused, match="只有实施或竣工验收阶段"):
        _pay(office, admin, cid, 100, 10)


def test_each_fund_source_caps_what_is_paid_from_it(office, admin):
    pid = _underway(office, admin, funding={CENTRAL: 100_000_00, COUNTY: 700_000_00})
    cid = _contract(office, admin, pid, amount=800_000_00)
    _pay(office, admin, cid, 100_000_00, 50, source=CENTRAL)  # exactly the central funding
    with pytest.raises(
        Refused, match="“中央财政衔接资金”累计拨付将达100,000.01元，超过该项目此来源资金100,000.00元"
    ):
        _pay(office, admin, cid, 1, 50, source=CENTRAL)
    with pytest.raises(Refused, match="没有“社会帮扶资金”的资金安排"):
        _pay(office, admin, cid, 1, 50, source="社会帮扶资金")
    _pay(office, admin, cid, 1, 50, source=COUNTY)
    with pytest.raises(Refused, match="合同金额合计将达800,000.01元，超过项目资金规模800,000.00元"):
        _contract(office, admin, pid, amount=1)


def test_progress_never_goes_down_and_payments_keep_their_order(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid)
    _pay(office, admin, cid, 100_000_00, 40, days_ago=10)
    with pytest.raises(Refused, match="建设进度39%低于该合同上一笔拨付时核实的进度40%"):
        _pay(office, admin, cid, 1, 39, days_ago=5)
    with pytest.raises(Refused, match="早于该合同上一笔拨付日期"):
        _pay(office, admin, cid, 1, 40, days_ago=11)
    with pytest.raises(Refused, match="晚于今天"):
        _pay(office, admin, cid, 1, 40, days_ago=-1)
    with pytest.raises(InputRejected, match="建设进度：101%超过上限100%"):
        _pay(office, admin, cid, 1, 101)
    with pytest.raises(Refused, match="早于合同签订日期"):
        _pay(office, admin, cid, 1, 40, days_ago=36)
    _pay(office, admin, cid, 1, 40, days_ago=10)  # the same progress and the same day pass


def test_a_reversal_undoes_one_payment_once_with_its_reason(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid)
    first = _pay(office, admin, cid, 150_000_00, 30, days_ago=10)
    with pytest.raises(InputRejected, match="冲销理由不能为空"):
        contracts.reverse(office, admin, first, " ")
    rid = contracts.reverse(office, admin, first, "金额录错")
    with pytest.raises(Refused, match=f"已被第{rid}笔冲销"):
        contracts.reverse(office, admin, first, "again")
    with pytest.raises(Refused, match="是冲销记录"):
        contracts.reverse(office, admin, rid, "again")
    # the reversed payment no longer counts: the cap and the progress start again
    _pay(office, admin, cid, 100_000_00, 20, days_ago=5)
    d = library.detail(office, admin, pid)
    assert [(x.amount_fen, x.reverses_id, x.reversed_by, x.live) for x in d.disbursements] == [
        (150_000_00, None, rid, False),
        (-150_000_00, first, None, False),
        (100_000_00, None, None, True),
    ]
    assert d.info.paid_fen == d.contracts[0].paid_fen == 100_000_00 and d.contracts[0].progress == 20
    assert _count(office, Disbursement) == 3  # nothing deleted


def test_evidence_files_are_checked_like_every_attachment(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid)
    with pytest.raises(InputRejected, match="不是PDF、JPG或PNG"):
        contracts.disburse(
            office, admin, cid, amount_fen=1, source=CENTRAL, progress=10, file=("凭证.png", b"not a picture")
        )
    assert _count(office, Disbursement) == 0
    did = contracts.disburse(
        office, admin, cid, amount_fen=1, source=CENTRAL, progress=10, file=("凭证.png", png())
    )
    d = library.detail(office, admin, pid).disbursements[0]
    assert (d.id, d.file, d.evidence) == (did, "凭证.png", "")


# --- who may do what ---------------------------------------------------------------------------------------


def test_a_village_clerk_proposes_for_his_village_and_the_township_decides(office, admin):
    users.create_user(office, admin, "vc", "村文书密码123", "village_clerk", villages=[VILLAGE])
    vc = users.authenticate(office, "vc", "村文书密码123")
    mine = _add(office, vc)
    township_wide = _add(office, admin, village=None, township="民权县石桥镇", name="全镇技能培训")
    elsewhere = _add(office, admin, village="民权县柳河镇/王楼村", name="王楼村项目")
    assert {p.id for p in library.projects(office, vc)} == {mine, township_wide}
    with pytest.raises(PermissionDenied, match="其他村"):
        library.detail(office, vc, elsewhere)
    assert library.detail(office, vc, township_wide).info.name == "全镇技能培训"  # read-only
    with pytest.raises(PermissionDenied, match="全乡镇项目，村级用户只能查看"):
        projects.edit(office, vc, township_wide, supervisor="x")
    with pytest.raises(PermissionDenied, match="不能申报全乡镇项目"):
        _add(office, vc, village=None, township="民权县石桥镇")
    with pytest.raises(PermissionDenied, match="村级用户，不能推进项目程序"):
        projects.advance(office, vc, mine, on=TODAY, record="纪要")
    projects.edit(office, vc, mine, supervisor="赵监督")  # his 储备 project
    projects.set_beneficiaries(office, vc, mine, villages=[VILLAGE], households=[(HOUSEHOLD, "务工")])
    with pytest.raises(PermissionDenied, match="其他村的农户"):
        projects.set_beneficiaries(office, vc, mine, villages=[], households=[(OTHER, "务工")])
    projects.advance(office, admin, mine, on=TODAY - timedelta(days=50), record="纪要")
    with pytest.raises(PermissionDenied, match="已入库，村级用户不能修改"):
        projects.edit(office, vc, mine, supervisor="x")
    with pytest.raises(PermissionDenied, match="已入库，村级用户不能作废"):
        projects.void(office, vc, mine, "x")
    with pytest.raises(PermissionDenied, match="不能登记项目合同"):
        _contract(office, vc, mine)
    projects.advance(office, admin, mine, on=TODAY - timedelta(days=40), record="批复")
    cid = _contract(office, admin, mine)
    did = _pay(office, admin, cid, 1, 10)
    with pytest.raises(PermissionDenied, match="不能登记项目拨付"):
        _pay(office, vc, cid, 1, 10)
    with pytest.raises(PermissionDenied, match="不能冲销项目拨付"):
        contracts.reverse(office, vc, did, "x")
    auditor = users.create_user(office, admin, "au", "审计密码123", "auditor")
    assert auditor
    with pytest.raises(PermissionDenied):
        _add(office, users.authenticate(office, "au", "审计密码123"))


def test_beneficiaries_are_set_in_one_call(office, admin):
    pid = _add(office, admin)
    with pytest.raises(InputRejected, match="带贫方式“发钱”不对"):
        projects.set_beneficiaries(office, admin, pid, villages=[VILLAGE], households=[(HOUSEHOLD, "发钱")])
    with pytest.raises(InputRejected, match="受益户重复"):
        projects.set_beneficiaries(
            office, admin, pid, villages=[], households=[(HOUSEHOLD, "务工"), (HOUSEHOLD, "入股分红")]
        )
    projects.set_beneficiaries(
        office,
        admin,
        pid,
        villages=[VILLAGE],
        households=[(HOUSEHOLD, "务工", "修路务工"), (NEIGHBOUR, "入股分红")],
    )
    projects.set_beneficiaries(office, admin, pid, villages=[VILLAGE], households=[(NEIGHBOUR, "入股分红")])
    d = library.detail(office, admin, pid)
    assert [(b.household, b.mode, b.counted) for b in d.beneficiaries] == [(NEIGHBOUR, "入股分红", True)]
    assert d.villages == ["石桥镇赵寨村"] or d.villages[0].endswith("赵寨村")
    assert [p.id for p in library.projects(office, admin, village=VILLAGE, text="产业路")] == [pid]
    assert library.projects(office, admin, year=2025) == []


# --- findings ----------------------------------------------------------------------------------------------


def _rules(db, actor, pid, today=TODAY):
    return sorted(f.rule for f in project_findings.findings(db, actor, today=today) if f.project_id == pid)


def test_a_project_past_its_year_is_a_finding_until_it_is_settled(office, admin):
    pid = _add(office, admin, year=2025, rolling_from=2024)
    assert _rules(office, admin, pid, today=date(2025, 12, 31)) == []
    assert _rules(office, admin, pid, today=date(2026, 1, 1)) == ["overdue"]
    voided = _add(office, admin, year=2025, rolling_from=2024, name="作废的")
    projects.void(office, admin, voided, "重复")
    assert _rules(office, admin, voided) == []


def test_a_project_without_a_supervisor_is_a_finding(office, admin):
    pid = _add(office, admin, supervisor=" ")
    assert _rules(office, admin, pid) == ["no_supervisor"]
    projects.edit(office, admin, pid, supervisor="王监督")
    assert _rules(office, admin, pid) == []


def test_a_beneficiary_neither_registered_nor_monitored_is_a_finding(office, admin):
    pid = _add(office, admin)
    projects.set_beneficiaries(office, admin, pid, villages=[], households=[(HOUSEHOLD, "务工")])
    assert _rules(office, admin, pid) == []  # 脱贫户
    with office.write() as s:
        h = s.scalar(select(Household).where(Household.code == HOUSEHOLD))
        h.household_kind, h.poverty_type = "一般农户", "一般农户"
    found = [f for f in project_findings.findings(office, admin, today=TODAY) if f.project_id == pid]
    assert [(f.rule, f.household) for f in found] == [("outside_beneficiary", HOUSEHOLD)]
    assert "既不是建档立卡户也不是2026年监测对象" in found[0].message
    assert not library.detail(office, admin, pid).beneficiaries[0].counted
    monitoring.open_case(office, admin, HOUSEHOLD, "突发严重困难户", on=TODAY, note="因灾房屋受损")
    assert _rules(office, admin, pid) == []  # a 防返贫监测 case is open


def test_a_payment_without_evidence_is_a_finding_until_reversed(office, admin):
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid)
    _pay(office, admin, cid, 100, 10, evidence="凭证1号")
    assert _rules(office, admin, pid) == []
    bare = _pay(office, admin, cid, 100, 10, evidence="")
    found = [f for f in project_findings.findings(office, admin, today=TODAY) if f.project_id == pid]
    assert [f.rule for f in found] == ["no_evidence"] and "1.00元" in found[0].message
    contracts.reverse(office, admin, bare, "无凭证，冲销后重新登记")
    assert (
        _rules(office, admin, pid) == []
    )  # neither the reversed row nor its reversal is a payment that stands


def test_a_village_clerk_sees_the_findings_of_his_projects_only(office, admin):
    users.create_user(office, admin, "vc", "村文书密码123", "village_clerk", villages=[VILLAGE])
    vc = users.authenticate(office, "vc", "村文书密码123")
    mine = _add(office, admin, supervisor="")
    _add(office, admin, village="民权县柳河镇/王楼村", supervisor="")
    assert [f.project_id for f in project_findings.findings(office, vc, today=TODAY)] == [mine]


def test_a_step_scan_is_refused_whole_when_it_is_not_a_picture(office, admin):
    pid = _add(office, admin)
    with pytest.raises(InputRejected, match="不是PDF、JPG或PNG"):
        projects.advance(office, admin, pid, on=TODAY, record="纪要", file=("纪要.png", b"xx"))
    with office.read() as s:
        assert s.scalar(select(func.count()).where(ProjectStep.project_id == pid)) == 1
    assert library.detail(office, admin, pid).info.state == "储备"


# --- the command line ---------------------------------------------------------------------------------------


def test_the_command_line_runs_a_project_from_proposal_to_payment(
    office, db_url, cli_login, tmp_path, capsys
):
    def run(*words):
        code = main(["--db", db_url, "--json", *words])
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    code, got = run(
        "projects", "add", "--year", "2026", "--name", "赵寨村光伏电站", "--kind", "产业", "--village", VILLAGE,
        "--fund", f"{CENTRAL}=300000", "--fund", f"{COUNTY}=100000.50", "--supervisor", "王监督",
        "--rolling-from", "2026", "--date", "2026-09-01",
    )  # fmt: skip
    assert code == 0, got
    pid = str(got["id"])
    assert (
        run(
            "projects",
            "beneficiaries",
            pid,
            "--village",
            VILLAGE,
            "--household",
            f"{HOUSEHOLD}=资产收益:分红",
        )[0]
        == 0
    )
    code, got = run("projects", "indicator", pid, "--target", "装机容量:100:千瓦")
    assert code == 0 and got["indicators"][0]["name"] == "装机容量"
    assert run("projects", "step", pid, "--to", "实施", "--record", "x")[0] == 3  # skips 入库
    scan = tmp_path / "纪要.png"
    scan.write_bytes(png())
    assert (
        run("projects", "step", pid, "--record", "党委会纪要", "--date", "2026-09-10", "--file", str(scan))[0]
        == 0
    )
    assert run("projects", "step", pid, "--record", "批复", "--date", "2026-09-20")[0] == 0
    code, got = run(
        "projects",
        "contract",
        pid,
        "--number",
        "HT-1",
        "--party",
        "光伏公司",
        "--amount",
        "400000",
        "--date",
        "2026-09-21",
    )
    assert code == 0
    cid = str(got["id"])
    code, got = run(
        "projects",
        "disburse",
        cid,
        "--amount",
        "120000.01",
        "--source",
        CENTRAL,
        "--progress",
        "30",
        "--date",
        "2026-10-01",
    )
    assert code == 3  # 400,000.00 × 30% = 120,000.00
    code, got = run(
        "projects",
        "disburse",
        cid,
        "--amount",
        "120000",
        "--source",
        CENTRAL,
        "--progress",
        "30",
        "--date",
        "2026-10-01",
    )
    assert code == 0
    assert run("projects", "reverse", str(got["id"]), "--reason", "录错")[0] == 0
    code, got = run("projects", "show", pid)
    assert got["state"] == "实施" and got["paid_fen"] == 0 and len(got["disbursements"]) == 2
    assert got["steps"][1]["file"] == "纪要.png" and got["funding"][1]["amount_fen"] == 100_000_50
    code, got = run("projects", "list", "--year", "2026", "--state", "实施")
    assert code == 0 and [p["id"] for p in got["projects"]] == [int(pid)]
    code, got = run("projects", "findings")
    assert code == 0 and [f["rule"] for f in got["findings"]] == ["not_posted"]  # run by hand, never posted
    _posted(office, int(pid))
    code, got = run("projects", "findings")
    assert code == 0 and got["count"] == 0
    assert run("projects", "add", "--year", "2026", "--name", "x", "--kind", "产业", "--fund", "来源")[0] == 2


def test_one_voucher_pays_once_and_one_contract_is_entered_once(office, admin):
    """The same 凭证 entered twice, and the same contract number twice on one project, are the slips an
    inspector finds: both refused; a reversed payment frees its voucher for the corrected entry."""
    pid = _underway(office, admin)
    cid = _contract(office, admin, pid, number="HT-9")
    with pytest.raises(Refused, match="已登记过合同编号“HT-9”"):
        _contract(office, admin, pid, number="HT-9")
    first = _pay(office, admin, cid, 1_000_00, 10, evidence="凭证X1")
    with pytest.raises(Refused, match="凭证“凭证X1”已用于第.*号拨付"):
        _pay(office, admin, cid, 1_000_00, 10, evidence="凭证X1")
    contracts.reverse(office, admin, first, "金额录错", on=TODAY)
    _pay(office, admin, cid, 900_00, 10, evidence="凭证X1", days_ago=0)
    with pytest.raises(InputRejected, match=f"是项目{pid}“赵寨村产业路硬化”的合同，不是项目{pid + 1}的"):
        contracts.disburse(
            office, admin, cid, amount_fen=1, source=CENTRAL, progress=10, paid_on=TODAY, project_id=pid + 1
        )


def test_a_project_in_the_library_without_its_listing_notice_is_a_finding_and_a_twin_is_refused(
    office, admin
):
    pid = _add(office, admin)
    with pytest.raises(Refused, match="已有同名项目"):
        _add(office, admin)
    assert _rules(office, admin, pid) == []  # 储备: its 公示 comes before 入库
    projects.advance(office, admin, pid, "入库", on=TODAY - timedelta(days=5), record="镇党委会议纪要")
    assert _rules(office, admin, pid) == ["not_posted"]
    _posted(office, pid)
    assert _rules(office, admin, pid) == []
