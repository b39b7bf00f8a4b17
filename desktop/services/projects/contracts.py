"""A project's contracts and the disbursements (拨付) paid against them, append-only.

Seed 000 回头看 四(三): “四是查看扶贫资金是否按照合同,根据建设进度进行拨付资金” and “是否做到扶贫资金与扶贫项目安排相吻合”:
- the contracts of a project together never exceed its funding (资金规模);
- cumulative paid on a contract ≤ contract × verified progress while the project is 实施, ≤ the contract once it
  is 竣工验收; exact integers, paid × 100 ≤ contract × progress, so exactly the product passes and 1 fen more
  does not;
- cumulative paid from a fund source ≤ the project's funding from that source;
- the verified progress of a contract never goes down, and a payment is never dated before the one before it;
- a disbursement only while the project is 实施 or 竣工验收 (none before, none after 决算);
- a mistake is undone by a reversal row (冲销) of the negative amount naming it, with the reason; never deleted.
Contracts and disbursements are the township's decisions (refused to a village clerk).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop import clock
from desktop.db import Database
from desktop.errors import InputRejected, NotFound, Refused
from desktop.models.projects import (
    ACCEPTED,
    FUND_SOURCES,
    LISTED,
    UNDERWAY,
    Disbursement,
    Project,
    ProjectContract,
    ProjectFunding,
    ProjectStep,
)
from desktop.money import check_count, check_fen, yuan
from desktop.services.projects.projects import (
    MAX_FEN,
    NAME_CHARS,
    PAYING_STATES,
    SHORT_CHARS,
    TEXT_CHARS,
    _choice,
    _file,
    _past,
    _project,
    _text,
    _township_user,
)
from desktop.services.system import audit
from desktop.services.system.actor import Actor

CONTRACT_STATES = (LISTED, UNDERWAY, ACCEPTED)  # signed once the project is in the library, until 验收


def _step_day(session, project_id: int, state: str) -> date | None:
    return session.scalar(
        select(ProjectStep.on_date)
        .where(ProjectStep.project_id == project_id, ProjectStep.state_to == state)
        .order_by(ProjectStep.id.desc())
        .limit(1)
    )


def add_contract(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    number: str,
    party: str,
    amount_fen: int,
    signed_on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> int:
    """A contract signed for a project in the library (入库, 实施 or 竣工验收), dated on or after its 入库 and never
    after today; the project's contracts together never exceed its funding. Returns its id."""
    _township_user(actor, "登记项目合同")
    today = today or clock.today()
    number = _text(number, "合同编号", 64, required=True)
    party = _text(party, "合同乙方", NAME_CHARS, required=True)
    amount_fen = check_fen(amount_fen, "合同金额", max_fen=MAX_FEN)
    signed_on = _past(signed_on or today, "签订日期", today)
    note = _text(note, "备注", TEXT_CHARS)
    with db.write() as s:
        p = _project(s, actor, project_id)
        if p.state not in CONTRACT_STATES:
            raise Refused(f"项目{p.id}现为“{p.state}”，入库后、决算前才能登记合同")
        listed = _step_day(s, p.id, LISTED)
        if listed is not None and signed_on < listed:
            raise Refused(f"签订日期{clock.cn_date(signed_on)}早于项目入库日期{clock.cn_date(listed)}")
        same = s.scalar(
            select(ProjectContract.id).where(
                ProjectContract.project_id == p.id, ProjectContract.number == number
            )
        )
        if same is not None:
            raise Refused(f"项目{p.id}已登记过合同编号“{number}”（合同流水号{same}），同一合同不能登记两次")
        funded = (
            s.scalar(select(func.sum(ProjectFunding.amount_fen)).where(ProjectFunding.project_id == p.id))
            or 0
        )
        signed = (
            s.scalar(select(func.sum(ProjectContract.amount_fen)).where(ProjectContract.project_id == p.id))
            or 0
        )
        if signed + amount_fen > funded:
            raise Refused(
                f"合同金额合计将达{yuan(signed + amount_fen)}元，超过项目资金规模{yuan(funded)}元"
                f"（已签{yuan(signed)}元，本合同{yuan(amount_fen)}元）"
            )
        c = ProjectContract(
            project_id=p.id,
            number=number,
            party=party,
            amount_fen=amount_fen,
            signed_on=signed_on,
            note=note,
            created_by=actor.username,
        )
        s.add(c)
        s.flush()
        audit.record(
            s,
            actor.username,
            "project.contract",
            entity="project_contract",
            key=str(c.id),
            after={
                "project": p.id,
                "number": number,
                "party": party,
                "amount_fen": amount_fen,
                "signed_on": signed_on,
            },
        )
        return c.id


def _contract(session, actor: Actor, contract_id: int):
    c = session.get(ProjectContract, contract_id)
    if c is None:
        raise NotFound(f"合同{contract_id}不存在")
    return c, _project(session, actor, c.project_id)


def _rows(session, contract_id: int) -> list[Disbursement]:
    return list(
        session.scalars(
            select(Disbursement).where(Disbursement.contract_id == contract_id).order_by(Disbursement.id)
        )
    )


def _live(rows: list[Disbursement]) -> list[Disbursement]:
    reversed_ids = {d.reverses_id for d in rows if d.reverses_id is not None}
    return [d for d in rows if d.reverses_id is None and d.id not in reversed_ids]


def _belongs(c: ProjectContract, p: Project, project_id: int | None, evidence: str, s) -> None:
    """The contract is the named project's (a project's number typed for a contract's pays the wrong project),
    and the voucher has not paid before: one voucher pays once (the commonest slip), a reversed payment frees
    it."""
    if project_id is not None and p.id != project_id:
        raise InputRejected(
            f"合同流水号{c.id}（{c.number}）是项目{p.id}“{p.name}”的合同，不是项目{project_id}的，未拨付"
        )
    if evidence:
        project_rows = list(s.scalars(select(Disbursement).where(Disbursement.project_id == p.id)))
        used = next((d for d in _live(project_rows) if d.evidence == evidence), None)
        if used is not None:
            raise Refused(
                f"凭证“{evidence}”已用于第{used.id}号拨付（{clock.cn_date(used.paid_on)}，"
                f"{yuan(used.amount_fen)}元），同一凭证不能拨付两次；录错的先冲销那一笔"
            )


def disburse(
    db: Database,
    actor: Actor,
    contract_id: int,
    *,
    amount_fen: int,
    source: str,
    progress: int,
    paid_on: date | None = None,
    evidence: str = "",
    file: tuple[str, bytes] | None = None,
    note: str = "",
    today: date | None = None,
    project_id: int | None = None,
) -> int:
    """拨付 against a contract from one fund source, on a verified progress (%), with its evidence (the voucher's
    words and/or a scan). Refused, with the numbers named, past the caps of this module's rules. Returns its id."""
    _township_user(actor, "登记项目拨付")
    today = today or clock.today()
    amount_fen = check_fen(amount_fen, "拨付金额", max_fen=MAX_FEN)
    source = _choice(source, "资金来源", FUND_SOURCES)
    progress = check_count(progress, "建设进度", maximum=100, minimum=0, unit="%")
    paid_on = _past(paid_on or today, "拨付日期", today)
    evidence = _text(evidence, "拨付凭证", SHORT_CHARS)
    note = _text(note, "备注", TEXT_CHARS)
    with db.write() as s:
        c, p = _contract(s, actor, contract_id)
        _belongs(c, p, project_id, evidence, s)
        if p.state not in PAYING_STATES:
            raise Refused(f"项目{p.id}现为“{p.state}”，只有实施或竣工验收阶段的项目才能拨付")
        started = _step_day(s, p.id, UNDERWAY)
        if started is not None and paid_on < started:
            raise Refused(f"拨付日期{clock.cn_date(paid_on)}早于项目开始实施日期{clock.cn_date(started)}")
        if paid_on < c.signed_on:
            raise Refused(f"拨付日期{clock.cn_date(paid_on)}早于合同签订日期{clock.cn_date(c.signed_on)}")
        rows = _rows(s, c.id)
        live = _live(rows)
        if live:
            newest = max(live, key=lambda d: (d.paid_on, d.id))
            if paid_on < newest.paid_on:
                raise Refused(
                    f"拨付日期{clock.cn_date(paid_on)}早于该合同上一笔拨付日期{clock.cn_date(newest.paid_on)}"
                )
            verified = max(d.progress_percent for d in live)
            if progress < verified:
                raise Refused(f"建设进度{progress}%低于该合同上一笔拨付时核实的进度{verified}%，进度不能倒退")
        cumulative = sum(d.amount_fen for d in rows) + amount_fen
        if p.state == ACCEPTED:
            if cumulative > c.amount_fen:
                raise Refused(
                    f"累计拨付将达{yuan(cumulative)}元，超过合同金额{yuan(c.amount_fen)}元（项目已竣工验收）"
                )
        elif cumulative * 100 > c.amount_fen * progress:
            cap = c.amount_fen * progress // 100
            raise Refused(
                f"累计拨付将达{yuan(cumulative)}元，超过合同金额{yuan(c.amount_fen)}元 × 进度{progress}% = "
                f"{yuan(cap)}元（竣工验收前按建设进度拨付）"
            )
        funded = s.scalar(
            select(ProjectFunding.amount_fen).where(
                ProjectFunding.project_id == p.id, ProjectFunding.source == source
            )
        )
        if funded is None:
            raise Refused(f"项目{p.id}没有“{source}”的资金安排，不能从该来源拨付")
        from_source = (
            s.scalar(
                select(func.sum(Disbursement.amount_fen)).where(
                    Disbursement.project_id == p.id, Disbursement.source == source
                )
            )
            or 0
        ) + amount_fen
        if from_source > funded:
            raise Refused(
                f"“{source}”累计拨付将达{yuan(from_source)}元，超过该项目此来源资金{yuan(funded)}元"
            )
        attachment = _file(s, actor, file)
        d = Disbursement(
            project_id=p.id,
            contract_id=c.id,
            paid_on=paid_on,
            amount_fen=amount_fen,
            source=source,
            progress_percent=progress,
            evidence=evidence,
            attachment_id=attachment,
            note=note,
            username=actor.username,
        )
        s.add(d)
        s.flush()
        audit.record(
            s,
            actor.username,
            "project.disburse",
            entity="disbursement",
            key=str(d.id),
            after={
                "project": p.id,
                "contract": c.id,
                "paid_on": paid_on,
                "amount_fen": amount_fen,
                "source": source,
                "progress": progress,
                "evidence": evidence,
                "file": file[0] if file else "",
            },
        )
        return d.id


def reverse(
    db: Database,
    actor: Actor,
    disbursement_id: int,
    reason: str,
    *,
    on: date | None = None,
    today: date | None = None,
) -> int:
    """冲销 one disbursement entered by mistake: a row of the negative amount naming it, with the reason, dated on
    or after it and never after today. A reversal is not reversed; the same row is not reversed twice; nothing
    is reversed once the project is 决算. Returns the reversal's id."""
    _township_user(actor, "冲销项目拨付")
    today = today or clock.today()
    reason = _text(reason, "冲销理由", TEXT_CHARS, required=True)
    on = _past(on or today, "冲销日期", today)
    with db.write() as s:
        d = s.get(Disbursement, disbursement_id)
        if d is None:
            raise NotFound(f"拨付记录{disbursement_id}不存在")
        p = _project(s, actor, d.project_id)
        if p.state not in PAYING_STATES:
            raise Refused(f"项目{p.id}现为“{p.state}”，不能再冲销拨付")
        if d.reverses_id is not None:
            raise Refused(f"第{d.id}笔是冲销记录，不能再冲销")
        done = s.scalar(select(Disbursement.id).where(Disbursement.reverses_id == d.id))
        if done is not None:
            raise Refused(f"第{d.id}笔拨付已被第{done}笔冲销，不能重复冲销")
        if on < d.paid_on:
            raise Refused(f"冲销日期{clock.cn_date(on)}早于原拨付日期{clock.cn_date(d.paid_on)}")
        r = Disbursement(
            project_id=d.project_id,
            contract_id=d.contract_id,
            paid_on=on,
            amount_fen=-d.amount_fen,
            source=d.source,
            progress_percent=d.progress_percent,
            evidence=f"冲销第{d.id}笔",
            reverses_id=d.id,
            note=reason,
            username=actor.username,
        )
        s.add(r)
        try:
            s.flush()
        except IntegrityError:  # another PC reversed it a moment ago
            raise Refused(f"第{d.id}笔拨付刚刚已被冲销，请刷新后查看") from None
        audit.record(
            s,
            actor.username,
            "project.reverse",
            entity="disbursement",
            key=str(r.id),
            before={"id": d.id, "amount_fen": d.amount_fen},
            after={"reverses": d.id, "amount_fen": -d.amount_fen, "reason": reason, "date": on},
        )
        return r.id
