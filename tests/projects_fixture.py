"""项目库 data for the print tests, written as model rows (the services that write projects live elsewhere): a
township with two villages and their households, or the villages a database already has, and projects of one
year in every state with funds, beneficiaries, indicators, steps, contracts, disbursements (one reversed) and a
voided project and one of another year that no print of the year may count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from desktop.models import (
    Disbursement,
    Household,
    Project,
    ProjectBeneficiary,
    ProjectContract,
    ProjectFunding,
    ProjectIndicator,
    ProjectStep,
    ProjectVillage,
    Township,
    Village,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]
    return body17 + check


CENTRAL, PROVINCE, COUNTY, SOCIAL = "中央财政衔接资金", "省级财政衔接资金", "县级财政衔接资金", "社会帮扶资金"


@dataclass
class Made:
    year: int
    township: str
    villages: list[str]  # names as resolve_village takes them (县镇村)
    village_ids: list[int]
    heads: list[tuple[str, str, str]]  # name, full ID, 户编号 of the beneficiaries
    road: int  # 实施, paid twice, one payment reversed
    solar: int  # 竣工验收, paid in full, benefits both villages
    training: int  # 入库, township-wide
    water: int  # 储备
    void: int
    other_year: int
    reversed_id: int  # the disbursement that was undone
    reversal_id: int


def _place(s) -> tuple[Township, list[Village], list[Household]]:
    t = s.scalar(select(Township).order_by(Township.id).limit(1))
    if t is None:
        t = Township(province="河南省", city="商丘市", county="柘城县", name="柳河镇")
        s.add(t)
        s.flush()
    villages = list(s.scalars(select(Village).where(Village.township_id == t.id).order_by(Village.id)).all())
    for name in ("孙桥村", "李庄村")[len(villages) :]:
        v = Village(township_id=t.id, name=name)
        s.add(v)
        villages.append(v)
    s.flush()
    villages = villages[:2]
    heads = []
    for k, v in enumerate(villages):
        found = list(
            s.scalars(select(Household).where(Household.village_id == v.id).order_by(Household.code).limit(3))
        )
        for n in range(len(found), 3):
            code = f"4114241050{k}{n:06d}"
            h = Household(
                code=code,
                village_id=v.id,
                group_name=f"{n + 1}组",
                head_name=("张建国", "李秀英", "王𠮷", "赵德胜", "孙桂兰", "周文明")[k * 3 + n],
                head_id_number=id_number(f"41142419{60 + k * 3 + n}0{n + 1}1{k}02{n}"),
                size=3 + n,
            )
            s.add(h)
            found.append(h)
        heads += found
    s.flush()
    return t, villages, heads


def add_projects(db, year: int, *, username: str = "admin") -> Made:
    with db.write() as s:
        t, (v1, v2), heads = _place(s)

        def project(name, kind, village, state, steps, **kw) -> Project:
            p = Project(
                year=year,
                name=name,
                kind=kind,
                township_id=t.id,
                village_id=village.id if village else None,
                state=state,
                created_by=username,
                **kw,
            )
            s.add(p)
            s.flush()
            previous = ""
            for on, to, record in steps:
                s.add(
                    ProjectStep(
                        project_id=p.id, state_from=previous, state_to=to, on_date=on, record=record,
                        username=username,
                    )
                )  # fmt: skip
                previous = to
            return p

        def fund(p, source, fen):
            s.add(ProjectFunding(project_id=p.id, source=source, amount_fen=fen))

        def pay(p, contract, on, fen, source, progress, evidence, *, reverses=None, note=""):
            d = Disbursement(
                project_id=p.id, contract_id=contract.id, paid_on=on, amount_fen=fen, source=source,
                progress_percent=progress, evidence=evidence, reverses_id=reverses, note=note, username=username,
            )  # fmt: skip
            s.add(d)
            s.flush()
            return d

        road = project(
            "孙桥村道路硬化项目",
            "基础设施",
            v1,
            "实施",
            [
                (date(year, 2, 10), "储备", "村民代表大会决议（2月10日）"),
                (date(year, 3, 1), "入库", f"县项目库批复 柘扶〔{year}〕3号"),
                (date(year, 4, 15), "实施", "开工报告"),
            ],
            rolling_from=year - 1,
            content="硬化村内主干道，路面宽4米、厚0.18米C25混凝土",
            scale="1.2公里",
            implementer="柳河镇人民政府",
            supervisor="刘监督",
            supervisor_phone="13812345678",
            benefit_note="方便群众出行和农产品运输",
        )
        fund(road, CENTRAL, 30_000_000)
        fund(road, COUNTY, 10_000_000)
        c1 = ProjectContract(
            project_id=road.id, number=f"HT-{year}-001", party="柘城县路桥工程有限公司", amount_fen=38_000_000,
            signed_on=date(year, 4, 10), created_by=username,
        )  # fmt: skip
        s.add(c1)
        s.flush()
        pay(road, c1, date(year, 5, 20), 15_000_000, CENTRAL, 40, "记账凭证第12号")
        wrong = pay(road, c1, date(year, 6, 1), 5_000_000, COUNTY, 50, "记账凭证第15号")
        undo = pay(
            road, c1, date(year, 6, 3), -5_000_000, COUNTY, 50, "记账凭证第16号", reverses=wrong.id,
            note="进度未经核实，先行冲回",
        )  # fmt: skip
        pay(road, c1, date(year, 7, 1), 5_000_000, COUNTY, 60, "记账凭证第20号")
        s.add(ProjectIndicator(project_id=road.id, name="硬化道路长度", target="1.2", unit="公里"))
        s.add(ProjectIndicator(project_id=road.id, name="受益人口", target="300", unit="人"))
        for h in heads[:3]:
            s.add(ProjectBeneficiary(project_id=road.id, household_id=h.id, mode="务工"))
        s.add(ProjectVillage(project_id=road.id, village_id=v1.id))

        solar = project(
            "李庄村光伏扶贫电站",
            "产业",
            v2,
            "竣工验收",
            [
                (date(year, 1, 5), "储备", "村民代表大会决议"),
                (date(year, 1, 20), "入库", f"柘扶〔{year}〕1号"),
                (date(year, 2, 1), "实施", "开工"),
                (date(year, 8, 18), "竣工验收", "县乡联合验收，验收报告"),
            ],
            content="建设村级光伏电站一座",
            scale="装机容量100千瓦",
            implementer="李庄村股份经济合作社",
            supervisor="陈监督",
            benefit_note="电站收益用于公益岗位和奖补",
        )
        fund(solar, CENTRAL, 20_000_000)
        c2 = ProjectContract(
            project_id=solar.id, number=f"HT-{year}-002", party="河南阳光新能源科技有限公司",
            amount_fen=20_000_000, signed_on=date(year, 1, 25), created_by=username,
        )  # fmt: skip
        s.add(c2)
        s.flush()
        pay(solar, c2, date(year, 3, 1), 12_000_000, CENTRAL, 60, "记账凭证第5号")
        pay(solar, c2, date(year, 9, 1), 8_000_000, CENTRAL, 100, "记账凭证第30号")
        s.add(ProjectIndicator(project_id=solar.id, name="年发电收益", target="8", unit="万元", actual="8.6"))
        for h in heads[3:]:
            s.add(ProjectBeneficiary(project_id=solar.id, household_id=h.id, mode="资产收益"))
        s.add(ProjectVillage(project_id=solar.id, village_id=v2.id))
        s.add(ProjectVillage(project_id=solar.id, village_id=v1.id))

        training = project(
            "全镇脱贫劳动力技能培训",
            "就业",
            None,
            "入库",
            [(date(year, 2, 1), "储备", "镇党委会议"), (date(year, 3, 1), "入库", "县项目库批复")],
            content="电工、焊工、家政技能培训",
            scale="200人次",
            implementer="柳河镇劳动保障所",
            supervisor="王监督",
        )
        fund(training, PROVINCE, 5_000_000)
        s.add(ProjectIndicator(project_id=training.id, name="培训人次", target="200", unit="人次"))

        water = project(
            "孙桥村饮水安全巩固提升工程",
            "饮水",
            v1,
            "储备",
            [(date(year, 3, 5), "储备", "村民代表大会决议")],
            content="更换老化管网",
            scale="管网3.5公里",
            implementer="柳河镇水利站",
            supervisor="刘监督",
        )
        fund(water, COUNTY, 8_000_000)
        s.add(ProjectBeneficiary(project_id=water.id, household_id=heads[1].id, mode="其他"))

        void = project("作废的重复项目", "其他", v1, "已作废", [(date(year, 1, 2), "储备", "录重")])
        fund(void, CENTRAL, 99_999_900)
        other = project("上一年度的项目", "其他", v1, "决算", [(date(year - 1, 1, 2), "储备", "x")])
        other.year = year - 1
        fund(other, CENTRAL, 12_300)
        ids = (road.id, solar.id, training.id, water.id, void.id, other.id, wrong.id, undo.id)
        names = [f"{t.county}{t.name}{v.name}" for v in (v1, v2)]
        vids = [v1.id, v2.id]
        tname = t.name
        people = [(h.head_name, h.head_id_number, h.code) for h in heads]
    return Made(year, tname, names, vids, people, *ids)


def add_payments(db, project: int, count: int, *, year: int, username: str = "admin") -> int:
    """`count` more disbursements of 1,000.01 元 … against the project's first contract (a ledger of many pages);
    returns their sum in fen."""
    with db.write() as s:
        contract = s.scalar(
            select(ProjectContract).where(ProjectContract.project_id == project).order_by(ProjectContract.id)
        )
        total = 0
        for k in range(count):
            fen = 100_001 + k
            total += fen
            s.add(
                Disbursement(
                    project_id=project, contract_id=contract.id, paid_on=date(year, 10, 1 + k % 28),
                    amount_fen=fen, source=CENTRAL, progress_percent=70, evidence=f"凭证{k + 1}", username=username,
                )
            )  # fmt: skip
    return total
