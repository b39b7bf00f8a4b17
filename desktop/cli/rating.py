"""Command line for 星级评定 (`rating …`): rounds, stars, notice, objections, confirmation, commendation, the
catalogue, and the stars notice."""

from __future__ import annotations

from desktop import clock
from desktop.cli.common import CliContext, Commands, count, day, emit, number
from desktop.errors import InputRejected
from desktop.services.documents import Printed
from desktop.services.ratings import ratings


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    rows = ratings.list_rounds(db, ctx.actor())
    emit(
        args,
        {"rounds": [{"id": i, "village": v, "period": p, "state": st} for i, v, p, st in rows]},
        "\n".join(f"#{i} {v} {p} {st}" for i, v, p, st in rows) or "还没有评定",
    )
    return 0


def cmd_show(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    info = ratings.round_info(db, ctx.actor(), number(args.round, "评定批次号"))
    lines = [f"#{info.id} {info.village} {info.period} {info.state_name} 合计{info.total_points}分"]
    lines += [
        f"  {r.code} {r.head_name} {len(r.stars)}星 {r.points}分 {'、'.join(r.stars)}" for r in info.rows
    ]
    data = {
        "id": info.id,
        "village": info.village,
        "period": info.period,
        "state": info.state,
        "total_points": info.total_points,
        "open_objections": info.open_objections,
        "households": [
            {"code": r.code, "head": r.head_name, "stars": r.stars, "points": r.points} for r in info.rows
        ],
    }
    emit(args, data, "\n".join(lines))
    return 0


def cmd_catalog(ctx: CliContext) -> int:
    """Without --set: the stars in use, nothing written."""
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    if not args.set:
        current = ratings.stars(db)
        emit(
            args,
            {"stars": [{"name": st.name, "points": st.points} for st in current]},
            "、".join(f"{st.name}{st.points}分" for st in current),
        )
        return 0
    wanted = []
    for item in args.set.replace("，", ",").split(","):
        name, _, pts = item.partition("=")
        if not pts.strip().isdigit():
            raise InputRejected(f"“{item}”应写成 星级名称=积分")
        wanted.append(ratings.Star(name.strip(), int(pts)))
    version = ratings.set_catalog(db, actor, wanted)
    emit(args, {"catalog": version}, f"已启用新的星级评定标准（第{version}版），已建立的评定不受影响")
    return 0


def cmd_new(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    rid = ratings.create_round(
        db, ctx.actor(), args.village, args.period, cap_points=count(args.cap, "本批积分上限")
    )
    emit(args, {"round": rid}, f"已建立评定批次 #{rid}")
    return 0


def cmd_stars(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    earned = [x.strip() for x in (args.stars or "").replace("，", ",").split(",") if x.strip()]
    pts = ratings.set_stars(db, actor, number(args.round, "评定批次号"), args.household, earned)
    emit(args, {"household": args.household, "points": pts}, f"户{args.household} {len(earned)}星 {pts}分")
    return 0


def cmd_publish(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rid = number(args.round, "评定批次号")
    end = ratings.publish(db, actor, rid, start=day(args.start), days=args.days)
    emit(args, {"round": rid, "notice_end": end.isoformat()}, f"已公示，公示期至 {end}")
    return 0


def cmd_object(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rid = number(args.round, "评定批次号")
    oid = ratings.object_to(db, actor, rid, args.household, args.text or "", raised_by=args.by or "")
    emit(args, {"objection": oid}, f"已登记异议 #{oid}")
    return 0


def cmd_resolve(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    oid = number(args.objection, "异议号")
    ratings.resolve_objection(db, actor, oid, args.outcome or "")
    emit(args, {"objection": oid}, "已记录处理结果")
    return 0


def cmd_confirm(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    rid = number(args.round, "评定批次号")
    total = ratings.confirm(db, actor, rid)
    emit(args, {"round": rid, "points_credited": total}, f"已确认，记入积分 {total} 分")
    return 0


def cmd_commend(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    year = number(args.year, "年份") if args.year else clock.today().year
    winners = ratings.commend(
        db,
        actor,
        year,
        args.out,
        village=args.village,
        top=args.top,
        bonus=count(args.bonus, "表彰奖励积分") or 0,
        issuer=args.issuer or "",
    )
    lines = [f"第{w.rank}名 {w.village} {w.head_name}（户{w.code}）{w.stars}星" for w in winners]
    emit(
        args,
        {"year": year, "winners": [w.__dict__ for w in winners], "certificates": args.out},
        "\n".join(lines) + f"\n证书已生成：{args.out}",
    )
    return 0


def print_notice(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    info = ratings.star_notice(ctx.database(), ctx.actor(), args.round, out, phone=args.phone)
    return Printed(str(out), info.pages, info.fonts)


def register(cli: Commands) -> None:
    verbs = cli.group("rating", "星级评定：建批次、评星、公示、异议、确认、表彰、标准", dest="rating_verb")

    def round_(p) -> None:
        p.add_argument("round", help="评定批次号（rating list 可查看）")

    p = cli.command("new", cmd_new, "建立评定批次", under=verbs)
    p.add_argument("--village", required=True, help="村名")
    p.add_argument("--period", required=True, help="期间，如 2026年11月")
    p.add_argument("--cap", help="本批积分上限")
    p = cli.command("stars", cmd_stars, "登记一户所得星级", under=verbs)
    round_(p)
    p.add_argument("--household", required=True, help="户编号")
    p.add_argument("--stars", help="所得星级，逗号分隔（不填为零星）")
    p = cli.command("publish", cmd_publish, "公示评定结果", under=verbs)
    round_(p)
    p.add_argument("--start", help="公示开始日期，如 2026-11-25（默认今天）")
    p.add_argument("--days", type=int, help="公示天数（默认按设置）")
    p = cli.command("object", cmd_object, "登记公示期内的异议", under=verbs)
    round_(p)
    p.add_argument("--household", required=True, help="有异议的户编号")
    p.add_argument("--text", help="异议内容")
    p.add_argument("--by", help="提出异议的人")
    p = cli.command("resolve", cmd_resolve, "记录异议的处理结果", under=verbs)
    p.add_argument("objection", help="异议号")
    p.add_argument("--outcome", help="处理结果")
    p = cli.command("confirm", cmd_confirm, "确认评定结果并记入积分", under=verbs)
    round_(p)
    p = cli.command("show", cmd_show, "查看一个评定批次", under=verbs)
    round_(p)
    cli.command("list", cmd_list, "列出评定批次", under=verbs)
    p = cli.command("commend", cmd_commend, "年度表彰：排名并生成证书", under=verbs)
    p.add_argument("year", nargs="?", help="年份（默认今年）")
    p.add_argument("--out", required=True, help="输出的证书PDF文件")
    p.add_argument("--village", help="只表彰某个村")
    p.add_argument("--top", type=int, default=10, help="表彰前N名（并列同名次）")
    p.add_argument("--bonus", help="表彰奖励积分（每户每年只记一次）")
    p.add_argument("--issuer", help="落款单位")
    p = cli.command("catalog", cmd_catalog, "查看或更换星级评定标准", under=verbs)
    p.add_argument("--set", help="新的星级标准，如 增收致富=10,政策明白=10,…")

    p = cli.print_kind("notice", "stars", print_notice, "星级评定公示")
    p.add_argument("--round", type=int, required=True, help="评定批次号")
    p.add_argument("--phone", help="监督电话（默认按设置）")
