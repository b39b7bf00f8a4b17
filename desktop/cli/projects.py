"""Command line for the 项目库 (`projects …`): projects through their steps, beneficiaries, 绩效目标, contracts,
disbursements and reversals, the list, one project and the 疑点."""

from __future__ import annotations

from dataclasses import asdict

from desktop import clock
from desktop.cli.common import CliContext, Commands, day, emit, fen, number
from desktop.errors import InputRejected
from desktop.models.projects import BENEFIT_MODES, FUND_SOURCES, KINDS, STATES, VOID
from desktop.money import yuan
from desktop.services.projects import contracts, funds, library, project_findings, projects
from desktop.services.system.attachments import read_file


def _id(args) -> int:
    return number(args.id, "项目编号")


def _year(text: str | None, field: str = "实施年度") -> int | None:
    return number(text, field) if text not in (None, "") else None


def _funding(items: list[str] | None) -> dict[str, int] | None:
    """--fund 来源=金额(元), repeated."""
    if items is None:
        return None
    out: dict[str, int] = {}
    for item in items:
        source, sep, amount = item.partition("=")
        if not sep:
            raise InputRejected(f"资金“{item}”应写成 来源=金额，如 中央财政衔接资金=600000")
        source = source.strip()
        if source in out:
            raise InputRejected(f"资金来源“{source}”写了两次")
        out[source] = fen(amount, f"{source}金额")
    return out


def _file(path: str | None, what: str) -> tuple[str, bytes] | None:
    return read_file(path, what) if path else None


def _line(p: library.ProjectInfo) -> str:
    return (
        f"第{p.id}号 [{p.year}年/{p.kind}/{p.state}] {p.name}（{p.place}）"
        f"资金{yuan(p.funding_fen)}元，合同{yuan(p.contract_fen)}元，已拨付{yuan(p.paid_fen)}元"
        + (f"，监督人{p.supervisor}" if p.supervisor else "，未落实监督人")
    )


FIELDS = {
    "name": "name",
    "kind": "kind",
    "content": "content",
    "scale": "scale",
    "implementer": "implementer",
    "supervisor": "supervisor",
    "phone": "supervisor_phone",
    "benefit": "benefit_note",
}


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    values = {field: getattr(args, opt) or "" for opt, field in FIELDS.items()}
    pid = projects.add(
        ctx.database(),
        ctx.actor(),
        year=_year(args.year),
        village=args.village,
        township=args.township,
        funding=_funding(args.fund) or {},
        rolling_from=_year(args.rolling_from, "三年滚动规划起始年"),
        on=day(args.date),
        record=args.record or "",
        **values,
    )
    emit(args, {"id": pid, "state": "储备"}, f"已申报项目第{pid}号（储备）")
    return 0


def cmd_edit(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    changes = {field: getattr(args, opt) for opt, field in FIELDS.items() if getattr(args, opt) is not None}
    if args.year:
        changes["year"] = _year(args.year)
    if args.rolling_from is not None:
        changes["rolling_from"] = _year(args.rolling_from, "三年滚动规划起始年")
    projects.edit(ctx.database(), ctx.actor(), pid, funding=_funding(args.fund), **changes)
    emit(args, {"id": pid}, f"已修改项目第{pid}号")
    return 0


def cmd_beneficiaries(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    households = []
    for item in args.household or []:
        code, sep, rest = item.partition("=")
        if not sep:
            raise InputRejected(f"受益户“{item}”应写成 户编号=带贫方式[:备注]，如 41142110220500019=务工")
        mode, _sep, note = rest.partition(":")
        households.append((code.strip(), mode.strip(), note.strip()))
    projects.set_beneficiaries(
        ctx.database(), ctx.actor(), pid, villages=args.village or [], households=households
    )
    emit(
        args,
        {"id": pid, "villages": len(args.village or []), "households": len(households)},
        f"项目第{pid}号：受益村{len(args.village or [])}个，受益户{len(households)}户",
    )
    return 0


def cmd_indicator(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    db, actor = ctx.database(), ctx.actor()
    if not args.target and not args.actual:
        raise InputRejected(
            "请给出 --target 名称:目标值[:单位]（设置目标）或 --actual 指标编号=实际值（验收时）"
        )
    if args.target:
        rows = []
        for item in args.target:
            parts = [x.strip() for x in item.split(":")]
            if len(parts) not in (2, 3):
                raise InputRejected(f"绩效目标“{item}”应写成 名称:目标值[:单位]，如 硬化道路长度:1.2:公里")
            rows.append((parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
        projects.set_indicators(db, actor, pid, rows)
    if args.actual:
        actuals = {}
        for item in args.actual:
            iid, sep, value = item.partition("=")
            if not sep:
                raise InputRejected(f"实际值“{item}”应写成 指标编号=实际值")
            actuals[number(iid.strip(), "指标编号")] = value
        projects.record_actuals(db, actor, pid, actuals)
    found = library.detail(db, actor, pid).indicators
    lines = [f"{i.id}. {i.name}：目标{i.target}{i.unit}，实际{i.actual or '（未填）'}" for i in found]
    emit(args, {"id": pid, "indicators": [asdict(i) for i in found]}, "\n".join(lines) or "没有绩效目标")
    return 0


def cmd_step(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    state = projects.advance(
        ctx.database(),
        ctx.actor(),
        pid,
        args.to,
        on=day(args.date),
        record=args.record or "",
        file=_file(args.file, "会议记录或批复扫描件"),
    )
    emit(args, {"id": pid, "state": state}, f"项目第{pid}号现为“{state}”")
    return 0


def cmd_void(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    projects.void(ctx.database(), ctx.actor(), pid, args.reason or "", on=day(args.date))
    emit(args, {"id": pid, "state": VOID}, f"项目第{pid}号已作废")
    return 0


def cmd_contract(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    cid = contracts.add_contract(
        ctx.database(),
        ctx.actor(),
        pid,
        number=args.number,
        party=args.party,
        amount_fen=fen(args.amount, "合同金额"),
        signed_on=day(args.date),
        note=args.note or "",
    )
    emit(args, {"id": cid, "project": pid}, f"已登记合同第{cid}号（项目第{pid}号）")
    return 0


def cmd_disburse(ctx: CliContext) -> int:
    args = ctx.args
    cid = number(args.contract, "合同编号")
    did = contracts.disburse(
        ctx.database(),
        ctx.actor(),
        cid,
        amount_fen=fen(args.amount, "拨付金额"),
        source=args.source,
        progress=number(args.progress, "建设进度"),
        paid_on=day(args.date),
        evidence=args.evidence or "",
        file=_file(args.file, "拨付凭证"),
        note=args.note or "",
        project_id=number(args.project, "项目编号") if args.project else None,
    )
    emit(args, {"id": did, "contract": cid}, f"已登记拨付第{did}笔（合同流水号{cid}）")
    return 0


def cmd_reverse(ctx: CliContext) -> int:
    args = ctx.args
    did = number(args.disbursement, "拨付流水号")
    rid = contracts.reverse(ctx.database(), ctx.actor(), did, args.reason or "", on=day(args.date))
    emit(args, {"id": rid, "reverses": did}, f"已冲销第{did}笔拨付（冲销记录第{rid}笔）")
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    found = library.projects(
        ctx.database(),
        ctx.actor(),
        year=_year(args.year),
        village=args.village,
        state=args.state,
        kind=args.kind,
        text=args.search or "",
    )
    lines = [_line(p) for p in found] + [f"共{len(found)}个项目"]
    emit(args, {"projects": [p.as_json() for p in found], "count": len(found)}, "\n".join(lines))
    return 0


def cmd_show(ctx: CliContext) -> int:
    args = ctx.args
    d = library.detail(ctx.database(), ctx.actor(), _id(args))
    lines = [_line(d.info), f"建设内容：{d.content or '（未填）'}　规模：{d.scale or '（未填）'}"]
    lines += [f"资金：{f.source} {yuan(f.amount_fen)}元（已拨付{yuan(f.paid_fen)}元）" for f in d.funding]
    lines += [f"受益村：{'、'.join(d.villages)}"] if d.villages else []
    lines += [f"受益户：{b.head}（{b.household}）{b.mode}" for b in d.beneficiaries]
    lines += [f"绩效目标{i.id}：{i.name} {i.target}{i.unit}，实际{i.actual or '—'}" for i in d.indicators]
    lines += [f"{clock.cn_date(s.on)} {s.state_to}：{s.record}" for s in d.steps]
    lines += [
        f"合同{c.id}：{c.number} {c.party} {yuan(c.amount_fen)}元，进度{c.progress}%" for c in d.contracts
    ]
    lines += [
        f"拨付{x.id}：{x.paid_on} {yuan(x.amount_fen)}元 {x.source} 进度{x.progress}% {x.evidence or x.file or '无凭证'}"
        for x in d.disbursements
    ]
    emit(args, d.as_json(), "\n".join(lines))
    return 0


def cmd_balances(ctx: CliContext) -> int:
    args = ctx.args
    year = _year(args.year) if args.year else clock.today().year
    rows = funds.year_balances(ctx.database(), ctx.actor(), year, village=args.village)
    lines = [
        f"{b.source}：安排{yuan(b.allocated_fen)}元，已拨付{yuan(b.paid_fen)}元，结余{yuan(b.balance_fen)}元，"
        f"结余率{b.rate_text}" + ("（超过警戒线）" if b.warn else "")
        for b in rows
    ]
    emit(
        args,
        {"year": year, "balances": [b.as_dict() for b in rows]},
        "\n".join([f"{year}年度结转结余", *lines]),
    )
    return 0


def cmd_findings(ctx: CliContext) -> int:
    args = ctx.args
    found = project_findings.findings(ctx.database(), ctx.actor())
    lines = [f"[{f.rule_name}] 第{f.project_id}号 {f.project}（{f.village}）：{f.message}" for f in found]
    emit(
        args,
        {"findings": [f.as_json() for f in found], "count": len(found)},
        "\n".join([*lines, f"共{len(found)}条疑点"]),
    )
    return 0


# --- registration -------------------------------------------------------------------------------------

KIND_HELP = "项目类型：" + "、".join(KINDS)
STATE_HELP = "状态：" + "、".join((*STATES, VOID))
FUND_HELP = "资金，来源=金额(元)，可多次：" + "、".join(FUND_SOURCES)


def _fields(p, *, adding: bool) -> None:
    p.add_argument("--year", required=adding, help="实施年度，如 2026")
    p.add_argument("--name", required=adding, help="项目名称")
    p.add_argument("--kind", required=adding, help=KIND_HELP)
    p.add_argument("--content", help="建设内容")
    p.add_argument("--scale", help="建设规模")
    p.add_argument("--implementer", help="实施单位")
    p.add_argument("--supervisor", help="项目监督人")
    p.add_argument("--phone", help="监督人电话")
    p.add_argument("--benefit", help="受益对象及带贫机制（文字）")
    p.add_argument("--rolling-from", help="所属三年滚动规划的起始年，如 2025（2025—2027年）")
    p.add_argument("--fund", action="append", help=FUND_HELP)


def _one(cli: Commands, verbs, name: str, func, help: str):
    p = cli.command(name, func, help, under=verbs)
    p.add_argument("id", help="项目编号")
    return p


def register(cli: Commands) -> None:
    verbs = cli.group("projects", "项目库：项目、程序、受益对象、绩效目标、合同与拨付", dest="projects_verb")
    p = cli.command("add", cmd_add, "申报一个项目（进入储备）", under=verbs)
    _fields(p, adding=True)
    p.add_argument("--village", help="建设地点所在的行政村（不写则为全乡镇项目）")
    p.add_argument("--township", help="全乡镇项目的乡镇")
    p.add_argument("--date", help="申报日期（默认今天）")
    p.add_argument("--record", help="申报依据")
    p = _one(cli, verbs, "edit", cmd_edit, "修改项目（--fund 给出全部资金来源）")
    _fields(p, adding=False)
    p = _one(cli, verbs, "beneficiaries", cmd_beneficiaries, "设置受益村和受益户（替换原有的）")
    p.add_argument("--village", action="append", help="受益村，可多次")
    p.add_argument(
        "--household",
        action="append",
        help="受益户，户编号=带贫方式[:备注]，可多次；方式：" + "、".join(BENEFIT_MODES),
    )
    p = _one(cli, verbs, "indicator", cmd_indicator, "设置绩效目标，或验收时填写实际值")
    p.add_argument("--target", action="append", help="绩效目标，名称:目标值[:单位]，可多次（替换原有的）")
    p.add_argument("--actual", action="append", help="实际值，指标编号=实际值，可多次")
    p = _one(cli, verbs, "step", cmd_step, "推进到下一步：入库、实施、竣工验收、决算")
    p.add_argument("--to", help="下一步的名称（可不写）")
    p.add_argument("--date", help="日期（默认今天）")
    p.add_argument("--record", required=True, help="会议记录或批复文号")
    p.add_argument("--file", help="会议记录或批复的扫描件（PDF/JPG/PNG）")
    p = _one(cli, verbs, "void", cmd_void, "作废储备或入库的项目（保留记录）")
    p.add_argument("--reason", required=True, help="作废理由")
    p.add_argument("--date", help="日期（默认今天）")
    p = _one(cli, verbs, "contract", cmd_contract, "登记项目合同")
    p.add_argument("--number", required=True, help="合同编号")
    p.add_argument("--party", required=True, help="合同乙方")
    p.add_argument("--amount", required=True, help="合同金额（元）")
    p.add_argument("--date", help="签订日期（默认今天）")
    p.add_argument("--note", help="备注")
    p = cli.command("disburse", cmd_disburse, "按合同和建设进度登记一笔拨付", under=verbs)
    p.add_argument("contract", help="合同流水号（projects show 列出；不是项目编号）")
    p.add_argument("--project", help="项目编号：写上则核对该合同确属此项目，防止把项目编号当成合同流水号")
    p.add_argument("--amount", required=True, help="拨付金额（元）")
    p.add_argument("--source", required=True, help="资金来源：" + "、".join(FUND_SOURCES))
    p.add_argument("--progress", required=True, help="核实的建设进度（%%，0—100）")
    p.add_argument("--date", help="拨付日期（默认今天）")
    p.add_argument("--evidence", help="凭证号或凭证内容")
    p.add_argument("--file", help="凭证扫描件（PDF/JPG/PNG）")
    p.add_argument("--note", help="备注")
    p = cli.command("reverse", cmd_reverse, "冲销一笔拨付（保留原记录）", under=verbs)
    p.add_argument("disbursement", help="拨付流水号")
    p.add_argument("--reason", required=True, help="冲销理由")
    p.add_argument("--date", help="冲销日期（默认今天）")
    p = cli.command("list", cmd_list, "列出项目库", under=verbs)
    p.add_argument("--year", help="实施年度")
    p.add_argument("--village", help="建设地点或受益村")
    p.add_argument("--state", help=STATE_HELP)
    p.add_argument("--kind", help=KIND_HELP)
    p.add_argument("--search", help="名称、内容、实施单位或监督人中的文字")
    _one(cli, verbs, "show", cmd_show, "查看一个项目：资金、受益对象、绩效目标、程序、合同与拨付")
    p = cli.command("balances", cmd_balances, "年度结转结余与各资金来源的结余率（默认本年度）", under=verbs)
    p.add_argument("--year", help="年度")
    p.add_argument("--village", help="只看该村的项目")
    cli.command(
        "findings",
        cmd_findings,
        "项目疑点：跨年未决算、未落实监督人、受益户非帮扶对象、拨付无凭证",
        under=verbs,
    )
