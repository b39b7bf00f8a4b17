"""Every printed output, read back: every field it was given is there character for character, nothing runs
outside its type area or into a printer's unprintable border, no page carries only a 落款, every date is the
office's today (the clock is set to a day that is nobody's wall-clock date), and public notices show no full
ID or phone number.

Each output kind the command line offers is registered in OUTPUTS; a new kind must be added there
(test_every_print_kind_is_registered fails otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest

from desktop import clock
from desktop.cli import PRINTERS
from desktop.cli import main as cli_main
from desktop.db import Database
from desktop.reports.mask import leaks
from tests.conftest import ADMIN, ADMIN_PASSWORD, fresh_database
from tests.pdfcheck import MM
from tests.projects_fixture import add_projects

# A day that is no machine's wall-clock date while the suite runs, at 00:30 Beijing time (still the day
# before in UTC): anything that reads the PC's clock instead of the office clock prints another day.
FROZEN = datetime(2031, 3, 25, 0, 30, tzinfo=clock.OFFICE_TZ)
TODAY = FROZEN.date()
MONTH = f"{TODAY:%Y-%m}"
PAID_MONTH = f"{TODAY.year}-{TODAY.month - 1:02d}"  # the demo fund pays out every month before this one
STOCKED_MONTH = "2030-12"  # the demo stores were stocked (bought and given) three months before today
# Texts that put opening and closing marks at every position of a line (certificates wrap at ~7 characters).
AWKWARD = [
    "一" * k + "家庭和睦，获评“孝善之星”（" + str(k) + "）。《赡养承诺书》「按时」缴纳。"
    for k in range(0, 14)
]


@dataclass
class Output:
    name: str
    argv: list[str]
    fields: list[str] = field(default_factory=list)  # texts that must appear whole, in drawing order
    box_mm: tuple[float, float, float, float] | None = None  # left, top, right, bottom the text stays in
    public: bool = False  # a notice or roll posted in the village: nothing personal in full
    signed: str = ""  # the 落款 that must share its page with body text
    dated: str = ""  # the date printed as the office's today
    edge_mm: float = 10.0  # nothing nearer the paper edge (printers' unprintable border)


# the type area, the page-number line 7 mm below it and the small 审计校验码 line under the page number
NOTICE_BOX = (28, 37, 28 + 156, 37 + 225 + 7 + 8 + 4)
STAMP = r"审计校验码\s*\d+-[0-9A-Z]{5}-[0-9A-Z]{5}"
LEDGER_BOX = (15, 10, 297 - 15, 210 - 5)


def _stream_text(path: Path) -> list[str]:
    """Each page's characters in the order they were drawn: a wrapped cell's lines follow each other."""
    with pdfplumber.open(path) as pdf:
        return ["".join(c["text"] for c in page.chars) for page in pdf.pages]


def _blank(shape: dict) -> bool:
    """A white area without an outline (a chart's background): nothing shows on paper."""
    colour = shape.get("non_stroking_color")
    white = colour is not None and all(
        float(v) >= 0.999 for v in (colour if isinstance(colour, tuple | list) else [colour])
    )
    return not shape.get("stroke") and shape.get("fill") and white


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(_template, tmp_path_factory):
    """A demo database on the frozen day, and every output printed from it through the command line."""
    folder = tmp_path_factory.mktemp("fidelity")
    with pytest.MonkeyPatch.context() as mp, fresh_database(_template, folder) as url:
        mp.setattr(clock, "now", lambda: FROZEN)
        mp.setenv("TZ", "Pacific/Pago_Pago")  # and the PC keeps another zone
        mp.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
        db = Database(url)
        try:
            context = _demo(db)
        finally:
            db.dispose()
        outputs = _outputs(folder, context)
        results = {}
        for out in outputs:
            code = cli_main(["--db", url, "--user", ADMIN.username, *out.argv])
            results[out.name] = (out, code, _file_of(out))
        yield results


def _file_of(out: Output) -> Path:
    if "--out" in out.argv:
        return Path(out.argv[out.argv.index("--out") + 1])
    return Path(out.argv[-1])


def _demo(db: Database) -> dict:
    from sqlalchemy import select, update

    from desktop.models import Household, Redemption, Supporter, Village
    from desktop.services import demo
    from desktop.services.loans import loan_demo, loans
    from desktop.services.monitoring import monitoring
    from desktop.services.plans import identification
    from desktop.services.posts import post_demo, posts
    from desktop.services.problems import problem_demo
    from desktop.services.ratings import ratings

    demo.add_demo_households(db, ADMIN, 120)
    demo.add_demo_stores(db, ADMIN)
    demo.add_demo_redemptions(db, ADMIN)
    demo.add_demo_fund(db, ADMIN)
    demo.add_demo_plans(db, ADMIN)
    id_round = demo.add_demo_identification(db, ADMIN)  # its 村公示 starts today
    problem_demo.add_demo_problems(db, ADMIN)
    demo.add_demo_monitoring(db, ADMIN)  # one case in its 村公示 from today
    demo.add_demo_cadres(db, ADMIN)  # the registry, pairings and visits the 遍访台账 counts
    projects = add_projects(db, TODAY.year - 1)  # 项目库: last year's projects, paid and one reversed
    posts_paid = post_demo.add_demo_posts(db, ADMIN)  # 公益岗位: the month before last paid
    loan_demo.add_demo_loans(db, ADMIN)  # 小额信贷: one overdue, some due soon, last quarter's 贴息 paid
    last_quarter = loans.quarter_of(loans.quarter_bounds(loans.quarter_of(TODAY))[0] - timedelta(days=1))
    posted = monitoring.cases(db, ADMIN, states=("including",))[0]
    with db.write() as s:
        # the first village has a fund (add_demo_fund) and a store (add_demo_stores)
        vid, village = s.execute(select(Village.id, Village.name).order_by(Village.id)).first()
        codes = list(
            s.scalars(select(Household.code).where(Household.village_id == vid).order_by(Household.code))
        )
        # three households left poverty this year (花名册 脱贫年度), one in 2017
        for code in codes[:3]:
            h = s.scalar(select(Household).where(Household.code == code))
            h.attrs = {**(h.attrs or {}), "exit_year": TODAY.year}
        old = s.scalar(select(Household).where(Household.code == codes[3]))
        old.attrs = {**(old.attrs or {}), "exit_year": 2017}
        s.execute(update(Household).where(Household.code == codes[3]).values(attrs=old.attrs))
        receipt = s.scalar(select(Redemption.number).order_by(Redemption.id.desc()))
        supporter = s.scalar(select(Supporter.id).order_by(Supporter.id))
        heads = dict(
            s.execute(select(Household.code, Household.head_name).where(Household.code.in_(codes))).all()
        )
    rid = ratings.create_round(db, ADMIN, village, f"{TODAY.year}年第一季度")
    for code, stars in zip(
        codes[:5],
        (["增收致富", "政策明白"], ["移风易俗"], ["良好家风", "诚实守信"], [], ["热心公益"]),
        strict=True,
    ):
        ratings.set_stars(db, ADMIN, rid, code, stars)
    ratings.publish(db, ADMIN, rid, start=TODAY - timedelta(days=10))
    ratings.confirm(db, ADMIN, rid)
    rid2 = ratings.create_round(db, ADMIN, village, f"{TODAY.year}年{TODAY.month}月")
    ratings.set_stars(db, ADMIN, rid2, codes[0], ["增收致富"])
    ratings.publish(db, ADMIN, rid2, start=TODAY)
    return {
        "village": village,
        "codes": codes,
        "heads": heads,
        "receipt": receipt,
        "supporter": supporter,
        "round": rid2,
        "id_round": id_round,
        "id_head": identification.round_info(db, ADMIN, id_round).active[0].head_name,
        "posted": (posted.village, posted.head, posted.case_type),
        "projects": projects,
        "posts_paid": posts_paid,
        "loan_quarter": last_quarter,
        "post_holder": posts.posts(db, ADMIN, village)[1].holder.name,
    }


def _outputs(folder: Path, ctx: dict) -> list[Output]:
    code = ctx["codes"][0]
    head = ctx["heads"][code]
    exited = ctx["codes"][3]
    d = clock.cn_date(TODAY)
    village = ctx["village"]

    def pdf(name: str) -> str:
        return str(folder / f"{name}.pdf")

    outs = [
        Output(
            "notice-identification",
            ["print", "notice", "households", "--round", str(ctx["id_round"]), "--out", pdf("n-id")],
            [ctx["id_head"], "公示时间："],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
            dated=d,
        ),
        Output(
            "notice-exit",
            [
                "print",
                "notice",
                "households",
                "--village",
                village,
                "--notice-kind",
                "exit",
                "--out",
                pdf("n-exit"),
            ],
            [ctx["heads"][ctx["codes"][1]]],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
            dated=d,
        ),
        Output(
            "notice-monitoring",
            [
                "print",
                "notice",
                "households",
                "--village",
                village,
                "--notice-kind",
                "monitoring",
                "--out",
                pdf("n-mon"),
            ],
            [],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
            dated=d,
        ),
        Output(
            "notice-stars",
            ["print", "notice", "stars", "--round", str(ctx["round"]), "--out", pdf("n-stars")],
            [head],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
        ),
        Output(
            "notice-redemptions",
            ["print", "notice", "redemptions", "--village", village, "--month", MONTH, "--out", pdf("n-red")],
            [],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
            dated=d,
        ),
        Output(
            "notice-donations",
            [
                "print",
                "notice",
                "donations",
                "--store",
                "S01",
                "--month",
                STOCKED_MONTH,
                "--out",
                pdf("n-don"),
            ],
            [],
            NOTICE_BOX,
            public=True,
            signed="柳河镇",
            dated=d,
        ),
        Output(
            "notice-fund",
            ["print", "notice", "fund", "--village", village, "--month", MONTH, "--out", pdf("n-fund")],
            ["县慈善总会", "期初余额", "期末余额"],
            NOTICE_BOX,
            public=True,
            signed="孝善理事会",
            dated=d,
        ),
        Output(
            "notice-honour-roll",
            [
                "print",
                "notice",
                "honour-roll",
                "--village",
                village,
                "--year",
                str(TODAY.year),
                "--out",
                pdf("n-roll"),
            ],
            [],
            NOTICE_BOX,
            public=True,
            signed="孝善理事会",
            dated=d,
        ),
        Output(
            "pledge",
            ["print", "pledge", "--supporter", str(ctx["supporter"]), "--out", pdf("pledge")],
            ["赡养承诺书"],
            NOTICE_BOX,
        ),
        Output(
            "ledger-households",
            ["print", "ledger", "households", "--village", village, "--out", pdf("l-hh")],
            [code, head],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-points",
            ["print", "ledger", "points", "--village", village, "--out", pdf("l-pts")],
            [code],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-stock",
            ["print", "ledger", "stock", "--store", "S01", "--out", pdf("l-stock")],
            ["洗衣粉"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-fund",
            ["print", "ledger", "fund", "--village", village, "--out", pdf("l-fund")],
            ["县慈善总会"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-elders",
            ["print", "ledger", "elders", "--village", village, "--out", pdf("l-elders")],
            ["65周岁以上建档立卡贫困老年人台账", "子女赡养能力认定"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "sheet-settlement",
            ["print", "sheet", "settlement", "--store", "S02", "--month", MONTH, "--out", pdf("l-settle")],
            ["积分兑换结算单", "超市经营者（签字）", "县财政专项扶贫资金"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "sheet-fund",
            ["print", "sheet", "fund", "--village", village, "--month", PAID_MONTH, "--out", pdf("l-sheet")],
            [],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "notice-posts",
            ["print", "notice", "posts", "--village", village, "--out", pdf("n-posts")],
            [ctx["post_holder"], "公示时间："],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
            dated=d,
        ),
        Output(
            "sheet-posts",
            [
                "print",
                "sheet",
                "posts",
                "--village",
                village,
                "--month",
                ctx["posts_paid"],
                "--out",
                pdf("s-posts"),
            ],
            [ctx["post_holder"], "领取人签字或手印"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-posts",
            ["print", "ledger", "posts", "--out", pdf("l-posts")],
            [ctx["post_holder"], "公益岗位工资台账"],
            LEDGER_BOX,
            dated=d,
        ),
        *_loan_outputs(ctx, pdf, d),
        Output(
            "ledger-archive",
            ["print", "ledger", "archive", "--village", village, "--out", pdf("l-arch")],
            [code],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-visits",
            ["print", "ledger", "visits", "--village", village, "--out", pdf("l-visits")],
            [],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-monitoring",
            ["print", "ledger", "monitoring", "--village", village, "--out", pdf("l-mon")],
            [],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "notice-monitor",
            ["print", "notice", "monitor", "--village", ctx["posted"][0], "--out", pdf("n-monitor")],
            [ctx["posted"][1], ctx["posted"][2], "公示时间："],
            NOTICE_BOX,
            public=True,
            signed="村民委员会",
            dated=d,
        ),
        Output(
            "ledger-monitor-cases",
            ["print", "ledger", "monitor-cases", "--out", pdf("l-mcases")],
            [ctx["posted"][1], "程序中"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-monitor-month",
            ["print", "ledger", "monitor-month", "--out", pdf("l-mmonth")],
            ["月末仍有风险"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-coverage",
            ["print", "ledger", "coverage", "--out", pdf("l-coverage")],
            ["干部遍访台账"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-problems",
            ["print", "ledger", "problems", "--out", pdf("l-problems")],
            ["危房改造后门窗未安装到位，冬季透风", "村级问题台账未建立，整改结果无记录", "已销号"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "certificate-star",
            ["print", "certificate", "--household", code, "--template", "star", "--out", pdf("c-star")],
            [head, "获评“增收致富之星”“政策明白之星”"],  # the stars of its confirmed round, from the record
        ),
        Output(
            "certificate-exit",
            ["print", "certificate", "--household", exited, "--template", "exit", "--out", pdf("c-exit")],
            ["于2017年光荣脱贫"],  # the roster's 脱贫年度, not the year it is printed
        ),
        Output(
            "certificate-filial",
            [
                "print",
                "certificate",
                "--household",
                code,
                "--template",
                "filial",
                "--award",
                f"{TODAY.year}年度孝善之星",
                "--out",
                pdf("c-filial"),
            ],
            [head, f"被评为“{TODAY.year}年度孝善之星”"],
        ),
        Output(
            "honour-fund",
            [
                "print",
                "honour",
                "fund",
                "--village",
                village,
                "--year",
                str(TODAY.year),
                "--out",
                pdf("c-honour"),
            ],
            ["孝善之星"],
        ),
        Output("card-a4", ["print", "card", code, "--out", pdf("card4")], [head, code]),
        Output("card-a5", ["print", "card", code, "--paper", "A5", "--out", pdf("card5")], [head, code]),
        Output("plan", ["print", "plan", code, "--out", pdf("plan")], [head, code]),
        Output("archive", ["print", "archive", code, "--copy", "township", "--out", pdf("archive")], [head]),
        Output(
            "receipt",
            ["print", "receipt", ctx["receipt"], "--out", pdf("receipt")],
            [ctx["receipt"]],
            edge_mm=2,
        ),
        Output("chart-points", ["print", "chart", "points", "--out", pdf("chart")], []),
        Output("report-monthly", ["print", "report", "monthly", "--out", pdf("monthly")], [], dated=d),
        Output("calibration", ["print", "calibration", "--out", pdf("calib")], [], edge_mm=0),
        *_project_outputs(ctx, pdf, d),
        Output("audit", ["audit", "print", pdf("audit")], [], dated=d),
        Output(
            "commend",
            ["rating", "commend", str(TODAY.year), "--village", village, "--out", pdf("commend")],
            [head],
        ),
    ]
    for k, text in enumerate(AWKWARD):
        outs.append(
            Output(
                f"certificate-text-{k}",
                [
                    "print",
                    "certificate",
                    "--household",
                    code,
                    "--template",
                    "filial",
                    "--text",
                    text,
                    "--out",
                    pdf(f"c-text-{k}"),
                ],
                [text],
            )
        )
    return outs


def _loan_outputs(ctx: dict, pdf, d: str) -> list[Output]:
    """The 小额信贷 ledgers: the loans, 到期提醒, the overdue with their rate, last quarter's 贴息."""
    quarter = ctx["loan_quarter"]
    return [
        Output("ledger-loans", ["print", "ledger", "loans", "--out", pdf("l-loans")], ["扶贫小额信贷台账"],
               LEDGER_BOX, dated=d),
        Output("ledger-loans-due", ["print", "ledger", "loans-due", "--out", pdf("l-ldue")],
               ["扶贫小额信贷到期提醒"], LEDGER_BOX, dated=d),
        Output("ledger-loans-overdue", ["print", "ledger", "loans-overdue", "--out", pdf("l-lover")],
               ["扶贫小额信贷逾期贷款台账", "逾期率"], LEDGER_BOX, dated=d),
        Output("ledger-loans-subsidy",
               ["print", "ledger", "loans-subsidy", "--quarter", quarter, "--out", pdf("l-lsub")],
               [f"{quarter[:4]}年第{quarter[-1]}季度贴息清单"], LEDGER_BOX, dated=d),
    ]  # fmt: skip


def _project_outputs(ctx: dict, pdf, d: str) -> list[Output]:
    """The 项目库's notices (posted today), ledgers and card, for last year's projects."""
    made = ctx["projects"]
    year = ["--year", str(made.year)]
    road = "孙桥村道路硬化项目" if "孙桥村" in made.villages[0] else "道路硬化项目"

    def notice(subject: str, args: list[str], fields: list[str]) -> Output:
        return Output(
            f"notice-{subject}",
            ["print", "notice", subject, *args, "--out", pdf(f"n-{subject}")],
            [*fields, "监督举报电话：12317"],
            NOTICE_BOX,
            public=True,
            signed="人民政府",
            dated=d,
        )

    return [
        notice("project-listing", year, ["饮水安全巩固提升工程", "公示时间："]),
        notice("project-plan", year, [road, "光伏扶贫电站", "公告时间："]),
        notice("project-completion", ["--project", str(made.solar)], ["年发电收益：目标8万元，完成8.6万元"]),
        notice("project-funds", year, ["结余率", "项目资金明细"]),
        Output(
            "ledger-projects",
            ["print", "ledger", "projects", *year, "--out", pdf("l-projects")],
            ["光伏扶贫电站", "合计"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-disbursements",
            ["print", "ledger", "disbursements", *year, "--out", pdf("l-disb")],
            [f"冲销第{made.reversed_id}号拨付：进度未经核实，先行冲回", "-50,000.00"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "ledger-project-balances",
            ["print", "ledger", "project-balances", *year, "--out", pdf("l-pbal")],
            ["中央财政衔接资金", "超过5%"],
            LEDGER_BOX,
            dated=d,
        ),
        Output(
            "project-card",
            ["print", "project-card", "--project", str(made.road), "--out", pdf("p-card")],
            ["项目档案卡", "硬化道路长度"],
            dated=d,
        ),
    ]


KINDS = [
    "notice-identification", "notice-exit", "notice-monitoring", "notice-stars", "notice-redemptions",
    "notice-donations", "notice-fund", "notice-honour-roll", "pledge", "ledger-households", "ledger-points",
    "ledger-stock", "ledger-fund", "ledger-elders", "sheet-settlement", "sheet-fund", "ledger-archive", "ledger-visits", "ledger-monitoring",
    "ledger-problems", "notice-monitor", "ledger-monitor-cases", "ledger-monitor-month",
    "ledger-coverage", "notice-posts", "sheet-posts", "ledger-posts",
    "ledger-loans", "ledger-loans-due", "ledger-loans-overdue", "ledger-loans-subsidy",
    "certificate-star", "certificate-exit", "certificate-filial", "honour-fund", "card-a4", "card-a5", "plan",
    "archive", "receipt", "chart-points", "report-monthly", "calibration", "audit", "commend",
    "notice-project-listing", "notice-project-plan", "notice-project-completion", "notice-project-funds",
    "ledger-projects", "ledger-disbursements", "ledger-project-balances", "project-card",
] + [f"certificate-text-{k}" for k in range(len(AWKWARD))]  # fmt: skip


def test_every_print_kind_is_registered():
    """Each (what, kind) the CLI prints has an entry here; add one when a new output arrives."""
    covered = {
        ("notice", "households"), ("notice", "stars"), ("notice", "redemptions"), ("notice", "donations"),
        ("ledger", "households"), ("ledger", "points"), ("ledger", "stock"), ("chart", "points"),
        ("ledger", "fund"), ("sheet", "fund"), ("notice", "fund"), ("notice", "honour-roll"), ("pledge", None),
        ("honour", "fund"), ("ledger", "archive"), ("ledger", "visits"), ("ledger", "monitoring"),
        ("ledger", "problems"), ("notice", "monitor"), ("ledger", "monitor-cases"), ("ledger", "monitor-month"),
        ("ledger", "coverage"), ("report", "monthly"), ("ledger", "elders"), ("sheet", "settlement"),
        ("notice", "project-listing"), ("notice", "project-plan"), ("notice", "project-completion"),
        ("notice", "project-funds"), ("ledger", "projects"), ("ledger", "disbursements"),
        ("ledger", "project-balances"),
        ("notice", "posts"), ("sheet", "posts"), ("ledger", "posts"),
        ("ledger", "loans"), ("ledger", "loans-due"), ("ledger", "loans-overdue"), ("ledger", "loans-subsidy"),
    }  # fmt: skip
    assert set(PRINTERS) == covered, "a new print kind: register it in OUTPUTS/KINDS of this module"


@pytest.mark.parametrize("name", KINDS)
def test_printed_and_every_field_whole(printed, name):
    out, code, path = printed[name]
    assert code == 0, f"{name} failed to print"
    text = _squeeze("".join(_stream_text(path)))
    for wanted in out.fields:
        assert _squeeze(wanted) in text, f"{name}: “{wanted}” is not printed whole"


@pytest.mark.parametrize("name", KINDS)
def test_nothing_outside_the_type_area_or_near_the_edge(printed, name):
    out, code, path = printed[name]
    assert code == 0
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            w, h = page.width / MM, page.height / MM
            for c in page.chars:
                x0, top, x1, bottom = c["x0"] / MM, c["top"] / MM, c["x1"] / MM, c["bottom"] / MM
                where = f"{name} p.{number} “{c['text']}” at ({x0:.1f}, {top:.1f}) mm"
                if out.box_mm is not None:
                    left, upper, right, lower = out.box_mm
                    assert left - 0.3 <= x0 and x1 <= right + 0.3, where
                    assert upper - 1 <= top and bottom <= lower + 1, where
                assert min(x0, top, w - x1, h - bottom) >= out.edge_mm - 0.3, where
            for shape in page.rects + page.lines + page.images:
                if _blank(shape):
                    continue
                x0, top, x1, bottom = (
                    shape["x0"] / MM,
                    shape["top"] / MM,
                    shape["x1"] / MM,
                    shape["bottom"] / MM,
                )
                assert min(x0, top, w - x1, h - bottom) >= out.edge_mm - 0.5, (
                    f"{name} p.{number} drawing at ({x0:.1f}, {top:.1f}) mm"
                )


@pytest.mark.parametrize("name", [k for k in KINDS if k.startswith("notice") or k == "pledge"])
def test_no_page_holds_only_the_signature(printed, name):
    out, code, path = printed[name]
    assert code == 0
    for number, text in enumerate(_stream_text(path), start=1):
        body = re.sub(r"—\s*\d+\s*—", "", re.sub(STAMP, "", text))
        body = re.sub(r"\d{4}年\d{1,2}月\d{1,2}日$", "", _squeeze(body))
        if out.signed:
            body = re.sub(r"[^\d]*" + re.escape(out.signed) + "$", "", body)
        assert len(body) > 10, f"{name} page {number} has only the 落款: {text!r}"


@pytest.mark.parametrize("name", KINDS)
def test_dates_are_the_office_today_without_leading_zeros(printed, name):
    out, code, path = printed[name]
    assert code == 0
    text = _squeeze("".join(_stream_text(path)))
    assert not re.search(r"\d{4}年0\d月|月0\d日", text), f"{name}: a date with a leading zero"
    for wrong in {datetime.now(UTC).date(), datetime.now().date(), date.today()} - {TODAY}:
        for form in (clock.cn_date(wrong), f"{wrong:%Y-%m-%d}"):
            assert form not in text, (
                f"{name}: prints the PC's date {form}, not the office's {clock.cn_date(TODAY)}"
            )
    if out.dated:
        assert out.dated in text, f"{name}: the office's today {out.dated} is not printed"


@pytest.mark.parametrize("name", [k for k in KINDS if k.startswith("notice")])
def test_public_notices_show_no_full_id_or_phone(printed, name):
    out, code, path = printed[name]
    assert code == 0 and out.public
    assert leaks("".join(_stream_text(path))) == []


@pytest.mark.parametrize(
    "name",
    [k for k in KINDS if k.startswith(("notice", "ledger", "sheet", "report")) or k in ("pledge", "audit")],
)
def test_every_page_of_notices_ledgers_and_the_monthly_report_carries_the_audit_code(printed, name):
    """The 审计校验码 in the footer anchors the audit chain outside the database (`check --anchor`)."""
    out, code, path = printed[name]
    assert code == 0
    for number, text in enumerate(_stream_text(path), start=1):
        assert re.search(STAMP, text), f"{name} page {number} carries no 审计校验码"
