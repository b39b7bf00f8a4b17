"""疑点 an inspector reads in the 项目库, shown in the 项目资金 area (and by `projects findings`).

- 跨年未决算: a project whose year is before the office clock's year and that is neither 决算 nor 作废 (seed 000
  回头看 四(三): “重点查看专项扶贫资金是否还有结转结余情况”; “项目实施计划编制质量”).
- 未落实监督人: a project (not 作废) without a 项目监督人 (seed 004: “所有扶贫项目资金安排和项目建设等情况…在项目实施地
  公告公示,并落实项目监督人员”).
- 受益户非帮扶对象: a beneficiary household that is neither 建档立卡 nor monitored — on the project year's monitoring
  lists (plans.monitored) or with a 防返贫监测 case open (seed 000 四(三): “财政专项扶贫资金的使用是否精准,是否瞄准
  贫困村和贫困户”).
- 入库未公示: a project in the 项目库 (入库 or after) for which no 项目入库公示 was ever posted (seed 000 四(三):
  “项目库的入库程序…在政府网站、乡、村公示栏公示公告”).
- 拨付无凭证: a disbursement that stands (neither a reversal nor reversed) with neither voucher words nor a scan
  (seed 000 四(三): “是否按照合同,根据建设进度进行拨付资金” — which only a voucher shows).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from desktop import clock
from desktop.db import Database
from desktop.models import Household
from desktop.models.projects import (
    RESERVE,
    SETTLED,
    VOID,
    Disbursement,
    Project,
    ProjectBeneficiary,
    ProjectContract,
    ProjectNotice,
)
from desktop.money import yuan
from desktop.services.households.households import village_labels
from desktop.services.projects.projects import WHOLE_TOWNSHIP, counted_households, visible
from desktop.services.system.actor import Actor

RULES = {
    "overdue": "跨年未决算",
    "no_supervisor": "未落实监督人",
    "outside_beneficiary": "受益户非帮扶对象",
    "not_posted": "入库未公示",
    "no_evidence": "拨付无凭证",
}


@dataclass(frozen=True)
class ProjectFinding:
    rule: str
    rule_name: str
    project_id: int
    project: str
    year: int
    village: str
    household: str  # 户编号 for a beneficiary finding, else ""
    message: str
    severity: str = "疑点"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def findings(db: Database, actor: Actor, *, today: date | None = None) -> list[ProjectFinding]:
    """Every 疑点 of the projects the actor may see, by project then rule."""
    today = today or clock.today()
    with db.read() as s:
        limit = visible(s, actor)
        scope = [limit] if limit is not None else []
        labels = village_labels(s)
        out: list[ProjectFinding] = []

        def found(p: Project, rule: str, message: str, household: str = "") -> None:
            place = labels.get(p.village_id, "") if p.village_id else WHOLE_TOWNSHIP
            out.append(ProjectFinding(rule, RULES[rule], p.id, p.name, p.year, place, household, message))

        posted = set(
            s.scalars(select(ProjectNotice.project_id).where(ProjectNotice.kind == "listing").distinct())
        )
        for p in s.scalars(select(Project).where(*scope, Project.state != VOID).order_by(Project.id)):
            if p.year < today.year and p.state != SETTLED:
                found(p, "overdue", f"{p.year}年项目到{today.year}年仍为“{p.state}”，未完成决算")
            if not p.supervisor.strip():
                found(p, "no_supervisor", "项目没有落实监督人（项目监督人为空）")
            if p.state != RESERVE and p.id not in posted:
                found(
                    p,
                    "not_posted",
                    f"项目已“{p.state}”，但没有张贴过项目入库公示（在“打印公示公告”中打印即登记张贴）",
                )
        outside = s.execute(
            select(
                Project, Household.code, Household.head_name, Household.household_kind, Household.poverty_type
            )
            .join(ProjectBeneficiary, ProjectBeneficiary.project_id == Project.id)
            .join(Household, Household.id == ProjectBeneficiary.household_id)
            .where(*scope, Project.state != VOID)
            .order_by(Project.id, Household.code)
        ).all()
        years = {p.year for p, *_ in outside}
        counted = {
            year: set(
                s.scalars(
                    select(Household.code)
                    .join(ProjectBeneficiary, ProjectBeneficiary.household_id == Household.id)
                    .where(counted_households(year))
                )
            )
            for year in years
        }
        for p, code, head, kind, ptype in outside:
            if code not in counted[p.year]:
                what = "、".join(x for x in (kind, ptype) if x) or "未注明户类型"
                found(
                    p,
                    "outside_beneficiary",
                    f"受益户{head}（{code}，{what}）既不是建档立卡户也不是{p.year}年监测对象",
                    code,
                )
        reversal = aliased(Disbursement)
        bare = s.execute(
            select(Project, Disbursement, ProjectContract.number)
            .join(Disbursement, Disbursement.project_id == Project.id)
            .join(ProjectContract, ProjectContract.id == Disbursement.contract_id)
            .outerjoin(reversal, reversal.reverses_id == Disbursement.id)
            .where(
                *scope,
                Disbursement.reverses_id.is_(None),
                reversal.id.is_(None),
                Disbursement.evidence == "",
                Disbursement.attachment_id.is_(None),
            )
            .order_by(Project.id, Disbursement.id)
        ).all()
        for p, d, number in bare:
            found(
                p,
                "no_evidence",
                f"{clock.cn_date(d.paid_on)}按合同{number}拨付{yuan(d.amount_fen)}元（{d.source}），"
                "没有凭证号也没有凭证扫描件",
            )
        order = list(RULES)
        out.sort(key=lambda f: (f.project_id, order.index(f.rule), f.household))
        return out
