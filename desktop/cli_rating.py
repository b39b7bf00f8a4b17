"""Command line for 星级评定: rounds, stars, notice, objections, confirmation, commendation, the catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import clock
from desktop.cli_common import count as _count
from desktop.cli_common import emit as _emit
from desktop.cli_common import need as _need
from desktop.errors import InputRejected

if TYPE_CHECKING:
    from desktop.cli import CliContext


def cmd_rating(ctx: CliContext) -> int:
    """rating new|stars|publish|object|resolve|confirm|show|list"""
    from datetime import date as _date

    from desktop.services.ratings import ratings

    args = ctx.args
    db = ctx.database()
    what = args.what
    actor = ctx.actor()
    if what == "list":
        rows = ratings.list_rounds(db, actor)
        _emit(
            args,
            {"rounds": [{"id": i, "village": v, "period": p, "state": st} for i, v, p, st in rows]},
            "\n".join(f"#{i} {v} {p} {st}" for i, v, p, st in rows) or "还没有评定",
        )
        return 0
    if what == "catalog" and not args.set:
        current = ratings.stars(db)
        _emit(
            args,
            {"stars": [{"name": st.name, "points": st.points} for st in current]},
            "、".join(f"{st.name}{st.points}分" for st in current),
        )
        return 0
    if what == "show":
        info = ratings.round_info(db, actor, int(args.target))
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
        _emit(args, data, "\n".join(lines))
        return 0
    if what == "new":
        if not (args.village and args.period):
            raise InputRejected("需要 --village 村 --period 期间（如 2026年11月）")
        rid = ratings.create_round(
            db, actor, args.village, args.period, cap_points=_count(args.cap, "本批积分上限")
        )
        _emit(args, {"round": rid}, f"已建立评定批次 #{rid}")
    elif what == "stars":
        earned = [x for x in (args.stars or "").replace("，", ",").split(",") if x.strip()]
        pts = ratings.set_stars(db, actor, int(args.target), args.household, [x.strip() for x in earned])
        _emit(
            args, {"household": args.household, "points": pts}, f"户{args.household} {len(earned)}星 {pts}分"
        )
    elif what == "publish":
        start = _date.fromisoformat(args.start) if args.start else None
        end = ratings.publish(db, actor, int(args.target), start=start, days=args.days)
        _emit(args, {"round": int(args.target), "notice_end": end.isoformat()}, f"已公示，公示期至 {end}")
    elif what == "object":
        oid = ratings.object_to(
            db, actor, int(args.target), args.household, args.text or "", raised_by=args.by or ""
        )
        _emit(args, {"objection": oid}, f"已登记异议 #{oid}")
    elif what == "resolve":
        ratings.resolve_objection(db, actor, int(args.target), args.outcome or "")
        _emit(args, {"objection": int(args.target)}, "已记录处理结果")
    elif what == "catalog":
        wanted = []
        for item in args.set.replace("，", ",").split(","):
            name, _, pts = item.partition("=")
            if not pts.strip().isdigit():
                raise InputRejected(f"“{item}”应写成 星级名称=积分")
            wanted.append(ratings.Star(name.strip(), int(pts)))
        version = ratings.set_catalog(db, actor, wanted)
        _emit(args, {"catalog": version}, f"已启用新的星级评定标准（第{version}版），已建立的评定不受影响")
    elif what == "commend":
        year = int(args.target or clock.today().year)
        winners = ratings.commend(
            db,
            actor,
            year,
            _need(args.out, "需要 --out 证书.pdf"),
            village=args.village,
            top=args.top,
            bonus=_count(args.bonus, "表彰奖励积分") or 0,
            issuer=args.issuer or "",
        )
        lines = [f"第{w.rank}名 {w.village} {w.head_name}（户{w.code}）{w.stars}星" for w in winners]
        _emit(
            args,
            {"year": year, "winners": [w.__dict__ for w in winners], "certificates": args.out},
            "\n".join(lines) + f"\n证书已生成：{args.out}",
        )
    else:  # confirm
        total = ratings.confirm(db, actor, int(args.target))
        _emit(args, {"round": int(args.target), "points_credited": total}, f"已确认，记入积分 {total} 分")
    return 0


def print_notice_stars(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.ratings import ratings

    info = ratings.star_notice(
        db, actor, _need(args.round, "星级公示需要 --round 评定批次号"), out, phone=args.phone
    )
    return printing.Printed(str(out), info.pages, info.fonts)


def register(sub, add, common) -> None:
    p = add("rating", cmd_rating, help="星级评定")
    p.add_argument(
        "what",
        choices=(
            "new",
            "stars",
            "publish",
            "object",
            "resolve",
            "confirm",
            "show",
            "list",
            "commend",
            "catalog",
        ),
    )
    p.add_argument("target", nargs="?", help="评定批次号（resolve 时为异议号，commend 时为年份）")
    p.add_argument("--top", type=int, default=10, help="表彰前N名（并列同名次）")
    p.add_argument("--bonus", help="表彰奖励积分（每户每年只记一次）")
    p.add_argument("--out")
    p.add_argument("--issuer")
    p.add_argument("--set", help="catalog：新的星级标准，如 增收致富=10,政策明白=10,…")
    p.add_argument("--village")
    p.add_argument("--period")
    p.add_argument("--cap", help="本批积分上限")
    p.add_argument("--household")
    p.add_argument("--stars", help="所得星级，逗号分隔")
    p.add_argument("--start")
    p.add_argument("--days", type=int, help="公示天数（默认按设置）")
    p.add_argument("--text")
    p.add_argument("--by", help="提出异议的人")
    p.add_argument("--outcome")
