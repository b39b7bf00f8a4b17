"""公益岗位: who may hold a post, one holder per post (and the database's key), the pay arithmetic on a known set,
a month paid once (and the database's key), the reversal, the 3—5 finding at its boundaries, the village clerk's
limits, and the papers read back: the 公示 with masked IDs on the notice page, the 签领表 and the ledger."""

from __future__ import annotations

import json
from datetime import date, datetime

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop import clock
from desktop.cli import main
from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import Household, Member, PostHolding, Township, Village, WageRun
from desktop.reports.mask import leaks
from desktop.services.posts import post_reports, posts
from desktop.services.posts.posts import AttendanceEntry
from desktop.services.system import settings, users
from tests.pdfcheck import MM, embedded_fonts, page_text

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=clock.OFFICE_TZ)
VILLAGE, OTHER = "孙桥村", "王楼村"
MONTH = "2026-11"  # 30 days
ID_HEAD = "41142119700101001X"


def _member(s, h, code, name, relation, born, labour, id_number=None, position=0):
    s.add(
        Member(
            household_id=h.id,
            position=position,
            code=code,
            name=name,
            relation=relation,
            sex="男",
            birth_date=born,
            id_number=id_number,
            attrs={"labour": labour} if labour else {},
        )
    )


@pytest.fixture
def world(db, monkeypatch):
    """孙桥村: 4114001 一般贫困户 (not exited) with a fit head, a half-able wife, a boy of 11 and a father unable to
    work; 4114002 脱贫户 (exited, not monitored); 4114003 边缘易致贫户 (monitored). 王楼村: 4114005 一般贫困户."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with db.write() as s:
        t = Township(province="河南省", city="商丘市", county="柘城县", name="柳河镇")
        s.add(t)
        s.flush()
        v1, v2 = Village(township_id=t.id, name=VILLAGE), Village(township_id=t.id, name=OTHER)
        s.add_all([v1, v2])
        s.flush()

        def house(code, village, head, kind, ptype):
            h = Household(
                code=code, village_id=village.id, head_name=head, household_kind=kind, poverty_type=ptype
            )
            h.group_name = "一组"
            s.add(h)
            s.flush()
            return h

        h1 = house("4114001", v1, "张建国", "", "一般贫困户")
        _member(s, h1, "P1", "张建国", "户主", date(1970, 1, 1), "普通劳动力", ID_HEAD)
        _member(
            s, h1, "P2", "李秀英", "配偶", date(1972, 3, 1), "弱劳动力或半劳动力", "411421197203010028", 1
        )
        _member(s, h1, "P3", "张小明", "之子", date(2015, 5, 1), "普通劳动力", None, 2)
        _member(s, h1, "P4", "张老汉", "之父", date(1940, 5, 1), "丧失劳动力", None, 3)
        h2 = house("4114002", v1, "王五", "脱贫户", "一般脱贫户")
        _member(s, h2, "P5", "王五", "户主", date(1975, 1, 1), "普通劳动力")
        h3 = house("4114003", v1, "赵六", "边缘易致贫户", "")
        _member(s, h3, "P6", "赵六", "户主", date(1980, 1, 1), "技能劳动力")
        _member(s, h3, "P7", "赵六妻", "配偶", date(1981, 1, 1), "普通劳动力", None, 1)
        h5 = house("4114005", v2, "孙七", "", "一般贫困户")
        _member(s, h5, "P8", "孙七", "户主", date(1970, 1, 1), "普通劳动力")
    return db


def _post(db, admin, name="护路员", kind="护路", pay=60000, village=VILLAGE):
    return posts.add_post(db, admin, village, kind=kind, name=name, monthly_pay_fen=pay)


def test_a_holder_must_be_a_fit_member_of_a_poor_or_monitored_household_of_the_village(world, admin):
    pid = _post(world, admin)
    for code, why in (
        ("P3", "未满16周岁"),
        ("P4", "劳动技能为“丧失劳动力”"),
        ("P5", "所在户不是未脱贫户或防返贫监测对象"),
        ("P8", "不是本村"),
    ):
        with pytest.raises(Refused, match=why):
            posts.assign(world, admin, pid, code, start_on=date(2026, 11, 1))
    posts.assign(world, admin, pid, "P2", start_on=date(2026, 11, 1))  # 弱劳动力 may hold a post
    pid2 = _post(world, admin, "护林员", "护林")
    posts.assign(world, admin, pid2, "P6", start_on=date(2026, 11, 1))  # a monitored household's
    found = {c.member_code: c for c in posts.candidates(world, admin, VILLAGE)}
    assert found["P1"].eligible and found["P7"].eligible
    assert not found["P5"].eligible and found["P2"].holds == "护路员"
    assert posts.findings(world, admin, VILLAGE)[0].rule == "post_count"  # 2 posts: only the count


def test_one_holder_per_post_and_the_database_key_and_history_kept(world, admin):
    pid = _post(world, admin)
    posts.assign(world, admin, pid, "P1", start_on=date(2026, 10, 1))
    with pytest.raises(Refused, match="一岗一人"):
        posts.assign(world, admin, pid, "P6", start_on=date(2026, 11, 1))
    with pytest.raises(IntegrityError), world.write() as s:
        h = s.scalar(select(PostHolding))
        s.add(PostHolding(post_id=pid, member_id=h.member_id, household_id=h.household_id,
                          start_on=date(2026, 11, 1), open_post_id=pid, assigned_by="x"))  # fmt: skip
    posts.end_holding(world, admin, pid, "外出务工", end_on=date(2026, 11, 15))
    with pytest.raises(InputRejected, match="上一任离岗日期"):
        posts.assign(world, admin, pid, "P6", start_on=date(2026, 11, 15))
    posts.assign(world, admin, pid, "P6", start_on=date(2026, 11, 16))
    past = posts.history(world, admin, pid)
    assert [(h.name, h.end_on, h.end_reason) for h in past] == [
        ("张建国", date(2026, 11, 15), "外出务工"),
        ("赵六", None, ""),
    ]
    assert posts.posts(world, admin, VILLAGE)[0].holder.name == "赵六"
    assert posts.posts(world, admin, VILLAGE, on=date(2026, 11, 1))[0].holder.name == "张建国"


def test_one_post_per_person_unless_the_setting_allows_it_then_a_finding(world, admin):
    a, b = _post(world, admin), _post(world, admin, "保洁员", "保洁")
    posts.assign(world, admin, a, "P1", start_on=date(2026, 11, 1))
    with pytest.raises(Refused, match="一人只能担任一个"):
        posts.assign(world, admin, b, "P1", start_on=date(2026, 11, 1))
    settings.set_values(world, admin, {"posts.one_per_person": False})
    posts.assign(world, admin, b, "P1", start_on=date(2026, 11, 1))
    two = [f for f in posts.findings(world, admin, VILLAGE) if f.rule == "two_posts"]
    assert len(two) == 1 and "护路员、保洁员" in two[0].message and two[0].household == "4114001"


def test_a_holder_who_no_longer_qualifies_is_a_finding(world, admin):
    pid = _post(world, admin)
    posts.assign(world, admin, pid, "P1", start_on=date(2026, 11, 1))
    assert not [f for f in posts.findings(world, admin, VILLAGE) if f.rule == "holder_ineligible"]
    with world.write() as s:
        s.scalar(select(Household).where(Household.code == "4114001")).household_kind = "脱贫户"
        m = s.scalar(select(Member).where(Member.code == "P1"))
        m.attrs = {"labour": "无劳动力"}
    (f,) = [f for f in posts.findings(world, admin, VILLAGE) if f.rule == "holder_ineligible"]
    assert "劳动技能为“无劳动力”" in f.message and "所在户不是未脱贫户" in f.message
    with world.write() as s:
        s.scalar(select(Member).where(Member.code == "P1")).left_at = NOW
    (f,) = [f for f in posts.findings(world, admin, VILLAGE) if f.rule == "holder_ineligible"]
    assert "死亡或迁出" in f.message


@pytest.mark.parametrize("count, flagged", [(2, True), (3, False), (5, False), (6, True)])
def test_three_to_five_posts_a_village_at_the_boundaries(world, admin, count, flagged):
    for k in range(count):
        _post(world, admin, f"保洁员{k}", "保洁")
    closed = _post(world, admin, "撤掉的岗位", "其他")
    posts.close_post(world, admin, closed, "合并岗位")  # a closed post does not count
    said = [f for f in posts.findings(world, admin, VILLAGE) if f.rule == "post_count"]
    assert bool(said) == flagged
    if flagged:
        assert f"现有公益岗位{count}个，应为3—5个" in said[0].message
    # 王楼村 has none: flagged whatever 孙桥村 has
    assert [f.village for f in posts.findings(world, admin, OTHER)] == [OTHER]


def _known_month(db, admin):
    """Three posts in November: 张建国 the whole month 合格 at 600元; 赵六 from the 16th (15 of 30 days) 合格 at
    600元; 李秀英 7 of 30 days (from the 24th) at 500元 不合格."""
    a, b, c = _post(db, admin), _post(db, admin, "护林员", "护林"), _post(db, admin, "保洁员", "保洁", 50000)
    ha = posts.assign(db, admin, a, "P1", start_on=date(2026, 10, 1))
    hb = posts.assign(db, admin, b, "P6", start_on=date(2026, 11, 16))
    hc = posts.assign(db, admin, c, "P2", start_on=date(2026, 11, 24))
    entries = [
        AttendanceEntry(ha, 26, "合格"),
        AttendanceEntry(hb, 13, "合格", "下半月上岗"),
        AttendanceEntry(hc, 3, "不合格", "多次缺勤"),
    ]
    posts.record_attendance(db, admin, VILLAGE, MONTH, entries)
    return ha, hb, hc


def test_the_pay_arithmetic_on_a_known_set(world, admin):
    _known_month(world, admin)
    assert posts.preview_pay(world, admin, VILLAGE, MONTH) == (3, 60000 + 30000 + 0, [])
    settings.set_values(world, admin, {"posts.fail_percent": 50})
    # 50000 × 7/30 × 50% = 5833.33… → 5833 fen
    assert [r.pay_fen for r in posts.attendance(world, admin, VILLAGE, MONTH)] == [60000, 30000, 5833]
    rid = posts.pay_month(world, admin, VILLAGE, MONTH)
    run = posts.runs(world, admin, VILLAGE)[0]
    assert run.id == rid and run.total_fen == 95833 and run.people == 3
    assert [ln.basis for ln in run.lines] == [
        "月工资600.00元×在岗30/30天",
        "月工资600.00元×在岗15/30天",
        "月工资500.00元×在岗7/30天×考核不合格50%",
    ]
    assert posts.month_pay(50000, 7, 30, "合格", prorate=True, fail_percent=0)[0] == 11667  # 11666.67 half up
    assert posts.month_pay(50000, 7, 30, "合格", prorate=False, fail_percent=0)[0] == 50000
    assert posts.month_pay(50000, 7, 30, "不合格", prorate=False, fail_percent=0)[0] == 0


def test_a_month_is_paid_once_the_database_refuses_a_second_and_a_reversal_reopens_it(world, admin):
    with pytest.raises(Refused, match="没有公益岗位在岗人员"):
        posts.pay_month(world, admin, VILLAGE, MONTH)
    ha, _hb, _hc = _known_month(world, admin)
    rid = posts.pay_month(world, admin, VILLAGE, MONTH)
    with pytest.raises(Refused, match="不能重复发放"):
        posts.pay_month(world, admin, VILLAGE, MONTH)
    with pytest.raises(IntegrityError), world.write() as s:
        first = s.get(WageRun, rid)
        s.add(WageRun(village_id=first.village_id, month=MONTH, kind="pay", attempt=1, total_fen=1, people=1,
                      paid_on=date(2026, 12, 1), made_by="x"))  # fmt: skip
    with pytest.raises(Refused, match="已发放，考核不能再改"):
        posts.record_attendance(world, admin, VILLAGE, MONTH, [AttendanceEntry(ha, 20, "合格")])
    back = posts.reverse(world, admin, rid, "考核录错")
    with pytest.raises(Refused, match="已被第"):
        posts.reverse(world, admin, rid, "再冲一次")
    with pytest.raises(Refused, match="是冲正记录"):
        posts.reverse(world, admin, back, "冲正冲正")
    found = posts.runs(world, admin, VILLAGE, month=MONTH)
    assert [(r.kind, r.total_fen, r.live) for r in found] == [
        ("pay", 90000, False),
        ("reversal", -90000, False),
    ]
    assert [ln.pay_fen for ln in found[1].lines] == [-60000, -30000, 0]
    posts.record_attendance(world, admin, VILLAGE, MONTH, [AttendanceEntry(ha, 20, "不合格")])
    again = posts.pay_month(world, admin, VILLAGE, MONTH)
    assert posts.paid_run(world, admin, VILLAGE, MONTH).id == again
    assert posts.paid_run(world, admin, VILLAGE, MONTH).total_fen == 30000
    with world.read() as s:
        assert s.get(WageRun, again).attempt == 2


def test_a_month_without_every_attendance_or_in_the_future_is_not_paid(world, admin):
    a = _post(world, admin)
    h = posts.assign(world, admin, a, "P1", start_on=date(2026, 11, 1))
    b = _post(world, admin, "护水员", "护水")
    posts.assign(world, admin, b, "P6", start_on=date(2026, 11, 1))
    posts.record_attendance(world, admin, VILLAGE, MONTH, [AttendanceEntry(h, 22, "合格")])
    with pytest.raises(Refused, match="赵六（护水员）"):
        posts.pay_month(world, admin, VILLAGE, MONTH)
    with pytest.raises(Refused, match="还没有到"):
        posts.pay_month(world, admin, VILLAGE, "2027-01")
    with pytest.raises(InputRejected, match="超过上限30天"):
        posts.record_attendance(world, admin, VILLAGE, MONTH, [AttendanceEntry(h, 31, "合格")])
    with pytest.raises(InputRejected, match="考核结果"):
        posts.record_attendance(world, admin, VILLAGE, MONTH, [AttendanceEntry(h, 20, "良好")])
    with pytest.raises(InputRejected, match="月工资"):
        _post(world, admin, pay=300001)  # above the 3000元 default ceiling


def test_a_village_clerk_records_attendance_of_his_village_only_and_never_pays(world, admin):
    pid = _post(world, admin)
    h = posts.assign(world, admin, pid, "P1", start_on=date(2026, 11, 1))
    users.create_user(world, admin, "vc", "村文书密码123", "village_clerk", villages=[VILLAGE])
    vc = users.authenticate(world, "vc", "村文书密码123")
    posts.record_attendance(world, vc, VILLAGE, MONTH, [AttendanceEntry(h, 22, "合格")])
    with pytest.raises(PermissionDenied, match="村级用户"):
        posts.pay_month(world, vc, VILLAGE, MONTH)
    with pytest.raises(PermissionDenied, match="村级用户"):
        _post(world, vc)
    assert posts.village_names(world, vc) == [VILLAGE]
    assert [f.village for f in posts.findings(world, vc)] == [VILLAGE]


def test_the_notice_masks_ids_and_keeps_the_notice_page(world, admin, tmp_path):
    _known_month(world, admin)
    out = tmp_path / "notice.pdf"
    posts_notice = post_reports.posts_notice(world, admin, VILLAGE, out, days=7)
    assert posts_notice.rows == 3
    text = "".join(page_text(out))
    squeezed = text.replace(" ", "").replace("\n", "")
    assert ID_HEAD not in squeezed and leaks(text) == []
    assert "411421********001X" in squeezed
    assert "关于孙桥村公益岗位及在岗人员的公示" in squeezed
    assert "公示时间：2026年12月10日至2026年12月16日（共7天）" in squeezed
    assert all(embedded_fonts(out).values())
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
        title = [c for c in page.chars if round(c["size"]) == 22]
        assert abs(min(c["top"] for c in title) / MM - 37) <= 1
        body = [c for c in page.chars if round(c["size"]) == 16]
        assert abs(min(c["x0"] for c in body) / MM - 28) <= 1


def test_the_sign_sheet_and_the_ledger_read_back(world, admin, tmp_path):
    with pytest.raises(InputRejected, match="还没有发放"):
        post_reports.sign_sheet(world, admin, VILLAGE, MONTH, tmp_path / "none.pdf")
    _known_month(world, admin)
    rid = posts.pay_month(world, admin, VILLAGE, MONTH)
    sheet = tmp_path / "sheet.pdf"
    post_reports.sign_sheet(world, admin, VILLAGE, MONTH, sheet)
    text = "".join(page_text(sheet)).replace(" ", "")
    for wanted in ("柳河镇孙桥村2026年11月公益岗位工资发放签领表", "领取人签字或手印", "张建国", "赵六", "李秀英",
                   "600.00", "300.00", "合计", "900.00", "15/30", "不合格", f"发放第{rid}号"):  # fmt: skip
        assert wanted in text, wanted
    posts.reverse(world, admin, rid, "考核录错")
    ledger = tmp_path / "ledger.pdf"
    info = post_reports.wage_ledger(world, admin, ledger, year=2026)
    assert info.rows == 6
    text = "".join(page_text(ledger)).replace(" ", "")
    for wanted in ("柳河镇2026年公益岗位工资台账", "本页小计" if info.pages > 1 else "合计", "-600.00",
                   f"冲正第{rid}号：考核录错", "0.00"):  # fmt: skip
        assert wanted in text, wanted
    book = tmp_path / "ledger.xlsx"
    post_reports.wage_ledger(world, admin, book, year=2026, xlsx=True)
    cells = [
        c for row in load_workbook(book).active.iter_rows(values_only=True) for c in row if c is not None
    ]
    assert "张建国" in cells and "孙桥村" in cells


def test_a_long_ledger_carries_its_amounts_page_to_page(world, admin, tmp_path):
    # 5 posts × 12 months, paid every month: the ledger runs onto a second page
    holders = []
    for k, code in enumerate(("P1", "P2", "P6", "P7")):
        pid = _post(world, admin, f"保洁员{k}", "保洁", 50000)
        holders.append(posts.assign(world, admin, pid, code, start_on=date(2025, 1, 1)))
    for m in range(1, 12):
        month = f"2026-{m:02d}"
        posts.record_attendance(
            world, admin, VILLAGE, month, [AttendanceEntry(h, 20, "合格") for h in holders]
        )
        posts.pay_month(world, admin, VILLAGE, month)
    out = tmp_path / "long.pdf"
    info = post_reports.wage_ledger(world, admin, out, village=VILLAGE, year=2026)
    assert info.pages >= 2 and info.rows == 44
    pages = page_text(out)
    assert "过次页" in pages[0] and "承前页" in pages[1] and "本页小计" in pages[0]
    assert "22,000.00" in pages[-1].replace(" ", "")  # 44 × 500元


def test_the_command_line(world, admin, tmp_path, cli_login, db_url):
    def run(*argv):
        return main(["--db", db_url, "--json", *argv])

    assert (
        run("posts", "add", "--village", VILLAGE, "--kind", "护路", "--name", "护路员", "--pay", "600") == 0
    )
    pid = posts.posts(world, admin, VILLAGE)[0].id
    assert run("posts", "assign", str(pid), "--member", "P1", "--start", "2026-11-01") == 0
    assert run("posts", "attendance", "--village", VILLAGE, "--month", MONTH, "P1=22:合格") == 0
    assert run("posts", "pay", "--village", VILLAGE, "--month", MONTH) == 0
    assert run("posts", "pay", "--village", VILLAGE, "--month", MONTH) == 3
    assert run("posts", "list", "--village", VILLAGE) == 0
    assert run("posts", "findings", "--village", VILLAGE) == 0
    assert run("print", "sheet", "posts", "--village", VILLAGE, "--month", MONTH, "--out",
               str(tmp_path / "s.pdf")) == 0  # fmt: skip
    rid = posts.paid_run(world, admin, VILLAGE, MONTH).id
    assert run("posts", "reverse", str(rid), "--reason", "录错") == 0
    assert posts.paid_run(world, admin, VILLAGE, MONTH) is None
    assert run("posts", "end", str(pid), "--reason", "外出务工", "--date", "2026-12-01") == 0


def test_the_list_json(world, admin, db_url, cli_login, capsys):
    pid = _post(world, admin)
    posts.assign(world, admin, pid, "P1", start_on=date(2026, 11, 1))
    capsys.readouterr()
    assert main(["--db", db_url, "--json", "posts", "list", "--village", VILLAGE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["posts"][0]["holder"]["name"] == "张建国"
    assert data["posts"][0]["monthly_pay_fen"] == 60000
    assert data["findings"][0]["rule"] == "post_count"


def test_a_holder_who_no_longer_qualifies_is_also_a_household_finding_of_the_quality_audit(world, admin):
    from desktop.services.quality import quality

    pid = _post(world, admin)
    posts.assign(world, admin, pid, "P6", start_on=date(2026, 11, 1))  # 边缘易致贫户: monitored
    assert [
        f for f in quality.run_audit(world, admin, record=False).findings if f.rule == "post_holder"
    ] == []
    with world.write() as s:
        s.scalar(select(Household).where(Household.code == "4114003")).household_kind = "一般农户"
        s.scalar(select(Member).where(Member.code == "P6")).left_at = NOW
    (f,) = [f for f in quality.run_audit(world, admin, record=False).findings if f.rule == "post_holder"]
    assert (f.household, f.person) == ("4114003", "P6")
    assert "担任公益岗位“护路员”" in f.message and "死亡或迁出" in f.message and "不是未脱贫户" in f.message


def test_attendance_never_runs_ahead_of_the_day_and_wages_wait_for_the_months_end(world, admin):
    """On 10 December (NOW) December has had 10 days: 20 days of attendance would be invented; December's wages
    are paid from 31 December on, and November's never dated before 30 November."""
    a = _post(world, admin)
    h = posts.assign(world, admin, a, "P1", start_on=date(2026, 11, 1))
    with pytest.raises(InputRejected, match="超过上限10天"):
        posts.record_attendance(world, admin, VILLAGE, "2026-12", [AttendanceEntry(h, 20, "合格")])
    posts.record_attendance(world, admin, VILLAGE, "2026-12", [AttendanceEntry(h, 10, "合格")])
    with pytest.raises(Refused, match="最早在2026年12月31日发放"):
        posts.pay_month(world, admin, VILLAGE, "2026-12")
    posts.record_attendance(world, admin, VILLAGE, MONTH, [AttendanceEntry(h, 22, "合格")])
    with pytest.raises(Refused, match="最早在2026年11月30日发放"):
        posts.pay_month(world, admin, VILLAGE, MONTH, paid_on=date(2026, 10, 1))
    with pytest.raises(Refused, match="最早在2026年11月30日发放"):
        posts.pay_month(world, admin, VILLAGE, MONTH, paid_on=date(2026, 11, 29))
    assert posts.pay_month(world, admin, VILLAGE, MONTH, paid_on=date(2026, 11, 30))


def test_a_holder_moved_to_another_village_is_a_finding_of_the_post_village_own_audit(world, admin):
    """The audit of one village reads its post holders wherever they live now: a holder who moved to a household
    of another village is still reported in the post's village, as in the county's audit."""
    from desktop.services.quality import quality

    pid = _post(world, admin)
    posts.assign(world, admin, pid, "P6", start_on=date(2026, 11, 1))
    with world.write() as s:
        elsewhere = s.scalar(select(Household).where(Household.code == "4114005"))  # 王楼村
        s.scalar(select(Household).where(Household.code == "4114003")).household_kind = "一般农户"
        s.scalar(select(Member).where(Member.code == "P6")).household_id = elsewhere.id

    def found(village=None):
        return [
            (f.village, f.household, f.person)
            for f in quality.run_audit(world, admin, village=village, record=False).findings
            if f.rule == "post_holder"
        ]

    assert found() == found(VILLAGE) == [("柳河镇孙桥村", "4114003", "P6")]
    assert found(OTHER) == []
