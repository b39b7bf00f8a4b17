"""Command line for 问题整改台账 (`problems …`) and its ledger (`print ledger problems`)."""

from __future__ import annotations

from desktop import clock
from desktop.cli.common import CliContext, Commands, day, emit, number
from desktop.errors import InputRejected
from desktop.models.problems import LEVELS, SOURCES, STATES
from desktop.services.documents import Printed
from desktop.services.problems import problem_reports, problems
from desktop.services.quality import quality
from desktop.services.system.attachments import read_file


def _id(args) -> int:
    return number(args.id, "问题编号")


def _line(p: problems.ProblemInfo) -> str:
    late = f"，逾期{p.overdue_days}天" if p.overdue else ""
    where = p.village or "乡镇"
    return (
        f"第{p.id}号 [{p.source}/{p.level_name}] {where} {p.subject}：{p.text}"
        f"（责任人{p.responsible}，期限{clock.cn_date(p.deadline)}，{p.state}{late}）"
    )


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    pid = problems.add(
        db,
        ctx.actor(),
        source=args.source,
        level=args.level,
        text=args.text,
        responsible=args.responsible,
        measures=args.measures or "",
        deadline=day(args.deadline),
        household=args.household,
        village=args.village,
    )
    emit(args, {"id": pid, "state": problems.OPEN}, f"已登记整改问题第{pid}号")
    return 0


def cmd_from_finding(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    result = quality.run_audit(db, actor, record=False)
    finding = quality.find(result, args.rule, args.household, args.person or "")
    pid = problems.from_finding(
        db, actor, finding, responsible=args.responsible or "", deadline=day(args.deadline)
    )
    emit(args, {"id": pid, "state": problems.OPEN}, f"疑点已转为整改问题第{pid}号：{finding.message}")
    return 0


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    found = problems.problems(
        ctx.database(),
        ctx.actor(),
        source=args.source,
        village=args.village,
        state=args.state,
        overdue_only=args.overdue,
    )
    late = sum(p.overdue for p in found)
    lines = [_line(p) for p in found] + [f"共{len(found)}个问题，其中逾期{late}个"]
    emit(
        args,
        {"problems": [p.as_json() for p in found], "count": len(found), "overdue": late},
        "\n".join(lines),
    )
    return 0


def cmd_show(ctx: CliContext) -> int:
    args = ctx.args
    d = problems.detail(ctx.database(), ctx.actor(), _id(args))
    lines = [_line(d.info), f"整改措施：{d.info.measures or '（未填）'}"]
    lines += [f"证据：{f.filename}（{f.kind}，{f.pages}页）" for f in d.evidence]
    lines += [
        f"{e.at} {e.username} {e.action}"
        + (f" → {e.state_to}" if e.state_to else "")
        + (f"：{e.note}" if e.note else "")
        for e in d.events
    ]
    emit(args, d.as_json(), "\n".join(lines))
    return 0


def cmd_update(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    problems.update(
        ctx.database(),
        ctx.actor(),
        pid,
        text=args.text,
        responsible=args.responsible,
        measures=args.measures,
        deadline=day(args.deadline),
        reason=args.reason or "",
    )
    emit(args, {"id": pid}, f"已修改问题第{pid}号")
    return 0


def _state(ctx: CliContext, pid: int, said: str) -> int:
    state = problems.detail(ctx.database(), ctx.actor(), pid).info.state
    emit(ctx.args, {"id": pid, "state": state}, f"问题第{pid}号{said}，现为“{state}”")
    return 0


def cmd_submit(ctx: CliContext) -> int:
    pid = _id(ctx.args)
    problems.submit(ctx.database(), ctx.actor(), pid, ctx.args.note or "")
    return _state(ctx, pid, "已提交整改结果")


def cmd_reject(ctx: CliContext) -> int:
    pid = _id(ctx.args)
    problems.reject(ctx.database(), ctx.actor(), pid, ctx.args.reason or "")
    return _state(ctx, pid, "验收未通过，已退回")


def cmd_close(ctx: CliContext) -> int:
    pid = _id(ctx.args)
    problems.close(ctx.database(), ctx.actor(), pid, ctx.args.note or "")
    return _state(ctx, pid, "已销号")


def cmd_void(ctx: CliContext) -> int:
    pid = _id(ctx.args)
    problems.void(ctx.database(), ctx.actor(), pid, ctx.args.reason or "")
    return _state(ctx, pid, "已作废")


def cmd_note(ctx: CliContext) -> int:
    pid = _id(ctx.args)
    problems.note(ctx.database(), ctx.actor(), pid, ctx.args.text or "")
    return _state(ctx, pid, "已记录进展")


def cmd_evidence(ctx: CliContext) -> int:
    args = ctx.args
    pid = _id(args)
    if not args.files:
        raise InputRejected("请给出证据文件（PDF/JPG/PNG）")
    files = [read_file(p, "证据文件") for p in args.files]
    ids = problems.add_evidence(ctx.database(), ctx.actor(), pid, files)
    emit(args, {"id": pid, "files": ids}, f"已为问题第{pid}号添加{len(ids)}个证据文件")
    return 0


def print_problem_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    return problem_reports.problem_ledger(
        ctx.database(),
        ctx.actor(),
        out,
        source=args.source,
        village=args.village,
        state=args.state,
        by=args.by,
        xlsx=bool(args.xlsx),
    )


# --- registration -------------------------------------------------------------------------------------

SOURCE_HELP = "问题来源：" + "、".join(SOURCES)
LEVEL_HELP = "层级：" + "、".join(f"{code}（{name}）" for code, name in LEVELS.items())
STATE_HELP = "状态：" + "、".join(STATES)


def _one(cli: Commands, verbs, name: str, func, help: str):
    p = cli.command(name, func, help, under=verbs)
    p.add_argument("id", help="问题编号")
    return p


def register(cli: Commands) -> None:
    verbs = cli.group("problems", "问题整改台账：登记、整改、验收销号、证据", dest="problems_verb")
    p = cli.command("add", cmd_add, "登记一个整改问题", under=verbs)
    p.add_argument("--source", required=True, help=SOURCE_HELP)
    p.add_argument("--level", required=True, help=LEVEL_HELP)
    p.add_argument("--household", help="户编号（户级问题）")
    p.add_argument("--village", help="行政村（村级问题）")
    p.add_argument("--text", required=True, help="问题描述")
    p.add_argument("--responsible", required=True, help="责任人")
    p.add_argument("--measures", help="整改措施")
    p.add_argument("--deadline", required=True, help="整改期限，如 2026-12-31")
    p = cli.command("from-finding", cmd_from_finding, "把一条疑点核查结果转为整改问题", under=verbs)
    p.add_argument("--rule", required=True, help="疑点规则编号")
    p.add_argument("--household", required=True, help="户编号")
    p.add_argument("--person", help="人编号")
    p.add_argument("--responsible", help="责任人（默认当前用户）")
    p.add_argument("--deadline", help="整改期限（默认按设置的天数）")
    p = cli.command("list", cmd_list, "列出整改问题", under=verbs)
    p.add_argument("--source", help=SOURCE_HELP)
    p.add_argument("--village", help="只看某个村")
    p.add_argument("--state", help=STATE_HELP)
    p.add_argument("--overdue", action="store_true", help="只看逾期未销号的问题")
    _one(cli, verbs, "show", cmd_show, "查看一个问题及其整改记录")
    p = _one(cli, verbs, "update", cmd_update, "修改整改中的问题（调整期限要写理由）")
    p.add_argument("--text", help="问题描述")
    p.add_argument("--responsible", help="责任人")
    p.add_argument("--measures", help="整改措施")
    p.add_argument("--deadline", help="新的整改期限，如 2026-12-31")
    p.add_argument("--reason", help="修改理由（调整期限时必填）")
    p = _one(cli, verbs, "submit", cmd_submit, "提交整改结果（转为已整改待验收）")
    p.add_argument("--note", required=True, help="整改情况")
    p = _one(cli, verbs, "reject", cmd_reject, "验收未通过，退回重新整改")
    p.add_argument("--reason", required=True, help="退回理由")
    p = _one(cli, verbs, "close", cmd_close, "验收合格，销号（须已有证据文件）")
    p.add_argument("--note", help="验收意见")
    p = _one(cli, verbs, "void", cmd_void, "作废误登记的问题（保留记录）")
    p.add_argument("--reason", required=True, help="作废理由")
    p = _one(cli, verbs, "note", cmd_note, "记录整改进展（不改变状态）")
    p.add_argument("--text", required=True, help="进展情况")
    p = _one(cli, verbs, "evidence", cmd_evidence, "添加整改证据文件（PDF/JPG/PNG）")
    p.add_argument("files", nargs="+", help="证据文件（可多个）")

    p = cli.print_kind("ledger", "problems", print_problem_ledger, "问题整改台账", xlsx=True)
    p.add_argument("--source", help=SOURCE_HELP)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--state", help=STATE_HELP)
    p.add_argument(
        "--by",
        default="village",
        choices=tuple(problem_reports.GROUPINGS),
        help="分组：village（按行政村，默认）或 source（按来源）",
    )
