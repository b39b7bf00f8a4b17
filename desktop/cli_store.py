"""Command line for 扶贫超市 and 积分: stores, goods, stock, points, counter redemption, and their prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import clock, limits
from desktop.cli_common import count as _count
from desktop.cli_common import emit as _emit
from desktop.cli_common import fen as _fen
from desktop.cli_common import need as _need
from desktop.errors import InputRejected

if TYPE_CHECKING:
    from desktop.cli import CliContext


def own_store(db, actor, code: str) -> str:
    """`code`, once it is known that `actor` may work there (a store operator only at their own stores)."""
    from desktop.services.points import stores

    with db.read() as s:
        stores.store_by_code(s, code, actor)
    return code


def cmd_stores(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services.points import stores

    args = ctx.args
    db = ctx.database()
    if args.what == "settlement":
        from dataclasses import asdict as _asdict

        from desktop.services.points.store_reports import settlement

        if not (args.code and args.month):
            raise InputRejected("用法：stores settlement 超市编号 --month 2026-11")
        st = settlement(db, own_store(db, ctx.actor(), args.code), args.month)
        lines = [
            f"{st.store} {st.period}：兑换{st.redemptions}单（撤销{st.reversed}单），{st.households}户，"
            f"消耗积分{st.points}分；期末库存按进货和捐赠价值计{st.stock_value_fen / 100:,.2f}元"
            + (f"（另有未登记价值的：{'、'.join(st.unvalued)}）" if st.unvalued else "")
        ]
        if st.commercial:
            lines.append(
                f"应付超市{st.payable_fen / 100:,.2f}元（{st.points}分 × 每分{st.point_rate_fen / 100:.2f}元），"
                f"资金来源：{st.funding_source}"
            )
        lines += [f"  {name} {qty}{unit} {pts}分" for name, unit, qty, pts in st.by_goods]
        _emit(args, {**_asdict(st), "payable_fen": st.payable_fen}, "\n".join(lines))
        return 0
    if args.what == "terms":
        changed = stores.set_terms(
            db,
            ctx.actor(),
            args.code,
            commercial=args.commercial == "yes",
            point_rate_fen=_fen(args.rate, "每分积分折合金额") if args.rate else 0,
            funding_source=args.source or "",
            owner=args.owner or "",
        )
        info = stores.store_info(db, args.code)
        _emit(
            args,
            {"store": args.code, "changed": changed},
            ("已更新：" if changed else "未改动：") + f"{info.name} {info.terms()}",
        )
        return 0
    if args.what == "add":
        info = stores.create_store(
            db,
            ctx.actor(),
            args.code,
            args.name or args.code,
            village=args.village,
            receipt_width_mm=args.receipt_width,
        )
        _emit(args, asdict(info), f"已设立超市 {info.code} {info.name}")
        return 0
    found = stores.list_stores(db, ctx.actor())
    lines = [
        f"{st.code}  {st.name}  {st.village or '全乡镇'}  商品{st.goods}种  小票{st.receipt_width_mm}毫米  {st.terms()}"
        for st in found
    ]
    _emit(args, {"stores": [asdict(st) for st in found]}, "\n".join(lines) or "还没有超市")
    return 0


def cmd_goods(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services.points import stores

    args = ctx.args
    db = ctx.database()
    if not args.store:
        raise InputRejected("请用 --store 指定超市")
    if args.what == "add":
        if not (args.code and args.name and args.price):
            raise InputRejected("登记商品需要 编号 名称 --price 积分价")
        info = stores.add_goods(
            db,
            ctx.actor(),
            args.store,
            args.code,
            args.name,
            _count(args.price, "积分价", minimum=1),
            unit=args.unit,
            barcode=args.barcode or "",
        )
        _emit(args, asdict(info), f"已登记商品 {info.code} {info.name}（{info.price_points}分/{info.unit}）")
        return 0
    found = stores.list_goods(db, args.store, ctx.actor())
    lines = [f"{g.code}  {g.name}  {g.price_points}分/{g.unit}  库存{g.stock}" for g in found]
    _emit(args, {"goods": [asdict(g) for g in found]}, "\n".join(lines) or "还没有商品")
    return 0


def cmd_stock(ctx: CliContext) -> int:
    from desktop.services.points import stores

    args = ctx.args
    value = _fen(args.value, "金额") if args.value else 0
    after = stores.move_stock(
        ctx.database(),
        ctx.actor(),
        args.store,
        args.goods,
        args.kind,
        _count(args.quantity, "数量", minimum=-limits.STOCK_QUANTITY),
        value_fen=value,
        donor=args.donor or "",
        reason=args.reason or "",
    )
    _emit(args, {"store": args.store, "goods": args.goods, "stock": after}, f"已记录，现有库存 {after}")
    return 0


def cmd_points(ctx: CliContext) -> int:
    from desktop.services.points import points

    args = ctx.args
    db = ctx.database()
    if args.what == "balance":
        value = points.balance(db, ctx.actor(), args.code)
        _emit(args, {"household": args.code, "balance": value}, f"户{args.code} 积分余额 {value} 分")
    elif args.what == "history":
        entries = points.history(db, ctx.actor(), args.code)
        lines = [
            f"#{e.id} {clock.local(e.at):%Y-%m-%d %H:%M} {e.kind_name} {e.amount:+d} {e.reason} "
            f"{e.operator}{'（已冲正）' if e.reversed else ''}"
            for e in entries
        ]
        data = {
            "household": args.code,
            "entries": [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "amount": e.amount,
                    "reason": e.reason,
                    "operator": e.operator,
                    "at": e.at.isoformat(),
                    "source": e.source,
                    "reverses": e.reverses_id,
                    "reversed": e.reversed,
                }
                for e in entries
            ],
            "balance": sum(e.amount for e in entries),
        }
        _emit(args, data, "\n".join(lines) + f"\n余额 {data['balance']} 分")
    elif args.what in ("award", "bonus", "adjust"):
        if args.amount is None:
            raise InputRejected("请用 --amount 给出积分数")
        amount = _count(args.amount, "积分数", minimum=-limits.POINTS_ENTRY)
        value = points.award(db, ctx.actor(), args.code, amount, args.reason or "", kind=args.what)
        _emit(args, {"household": args.code, "balance": value}, f"已记入，户{args.code} 余额 {value} 分")
    else:  # reverse
        value = points.reverse_entry(db, ctx.actor(), int(args.code), args.reason or "")
        _emit(args, {"entry": int(args.code), "balance": value}, f"已冲正，余额 {value} 分")
    return 0


def cmd_redeem(ctx: CliContext) -> int:
    from desktop.services.points import redemption

    args = ctx.args
    db = ctx.database()
    if args.reverse:
        value = redemption.reverse_redemption(db, ctx.actor(), args.reverse, args.reason or "")
        _emit(
            args,
            {"receipt": args.reverse, "balance_after": value},
            f"已撤销兑换单 {args.reverse}，余额 {value} 分",
        )
        return 0
    if not (args.store and args.household and args.item):
        raise InputRejected("用法：redeem --store 超市 --household 户编号 --item 商品=数量 …")
    items: dict[str, int] = {}
    for item in args.item:
        code, _, qty = item.partition("=")
        if not qty.strip().isdigit():
            raise InputRejected(f"“{item}”应写成 商品编号=数量")
        items[code.strip()] = items.get(code.strip(), 0) + int(qty)
    receipt = redemption.redeem(db, ctx.actor(), args.store, args.household, items)
    lines = [f"兑换单 {receipt.number}  {receipt.store_name}  户{receipt.household} {receipt.head_name}"]
    lines += [f"  {ln.goods} ×{ln.quantity}{ln.unit}  {ln.points}分" for ln in receipt.lines]
    lines.append(f"共消耗 {receipt.points} 分，余额 {receipt.balance_after} 分")
    _emit(args, receipt.as_dict(), "\n".join(lines))
    return 0


def print_notice_redemptions(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import store_reports

    info = store_reports.redemption_notice(
        db,
        actor,
        _need(args.village, "兑换公示需要 --village 村"),
        _need(args.month, "需要 --month 月份（如 2026-11）"),
        out,
    )
    return printing.Printed(str(out), info.pages, info.fonts)


def print_notice_donations(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import store_reports

    info = store_reports.donation_notice(
        db,
        own_store(db, actor, _need(args.store, "捐赠鸣谢需要 --store 超市")),
        _need(args.month, "需要 --month 月份（如 2026-11）"),
        out,
    )
    return printing.Printed(str(out), info.pages, info.fonts)


def print_ledger_points(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import store_reports

    info = store_reports.points_ledger(
        db, actor, out, village=args.village, month=args.month, xlsx=bool(args.xlsx)
    )
    return (
        printing.Printed(str(out), 0, []) if args.xlsx else printing.Printed(str(out), info.pages, info.fonts)
    )


def print_ledger_stock(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import store_reports

    info = store_reports.stock_ledger(
        db,
        own_store(db, actor, _need(args.store, "库存台账需要 --store 超市")),
        out,
        month=args.month,
        xlsx=bool(args.xlsx),
    )
    return (
        printing.Printed(str(out), 0, []) if args.xlsx else printing.Printed(str(out), info.pages, info.fonts)
    )


def print_settlement_sheet(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import store_reports

    info = store_reports.settlement_sheet(
        db,
        own_store(db, actor, _need(args.store, "结算单需要 --store 超市")),
        _need(args.month, "需要 --month 月份（如 2026-11）"),
        out,
        xlsx=bool(args.xlsx),
    )
    return (
        printing.Printed(str(out), 0, []) if args.xlsx else printing.Printed(str(out), info.pages, info.fonts)
    )


def print_receipt(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import redemption

    number = _need(args.kind, "用法：print receipt 兑换单号 --out 小票.pdf")
    own_store(db, actor, redemption.store_of(db, number))  # a reprint only at the store that served it
    redemption.receipt_pdf(redemption.find_receipt(db, number), out)
    return printing.Printed(str(out), 1, [])


def print_chart_points(db, actor, args, out, start):
    from desktop.services.households import printing
    from desktop.services.points import store_reports

    store_reports.points_chart(db, out)
    return printing.Printed(str(out), 1, [])


def register(sub, add, common) -> None:
    group = sub.add_parser("stores", help="扶贫超市", parents=[common]).add_subparsers(
        dest="what", required=True
    )
    add("list", cmd_stores, parent=group)
    p = add("settlement", cmd_stores, parent=group, help="月结")
    p.add_argument("code")
    p.add_argument("--month")
    p = add("add", cmd_stores, parent=group)
    p.add_argument("code")
    p.add_argument("name", nargs="?")
    p.add_argument("--village", help="所在的村（不填则为乡镇超市，各村农户都可兑换）")
    p.add_argument("--receipt-width", type=int, default=58, choices=(58, 80))
    p = add("terms", cmd_stores, parent=group, help="结算方式：村级爱心超市，或按积分结算的商业超市")
    p.add_argument("code")
    p.add_argument("--commercial", choices=("yes", "no"), required=True, help="是否为按积分结算的商业超市")
    p.add_argument("--rate", help="每分积分折合金额（元），如 1.00")
    p.add_argument("--source", help="结算资金来源，如 县财政专项扶贫资金")
    p.add_argument("--owner", help="超市经营者（在结算单上签字）")

    group = sub.add_parser("goods", help="商品", parents=[common]).add_subparsers(dest="what", required=True)
    for verb in ("list", "add"):
        p = add(verb, cmd_goods, parent=group)
        p.add_argument("--store")
        if verb == "add":
            p.add_argument("code", nargs="?")
            p.add_argument("name", nargs="?")
            p.add_argument("--price", help="积分价")
            p.add_argument("--unit", default="个")
            p.add_argument("--barcode")

    p = add("stock", cmd_stock, help="出入库：采购、捐赠、损耗、调整、盘点")
    p.add_argument("kind", choices=("purchase", "donation", "loss", "adjust", "stocktake"))
    p.add_argument("--store", required=True)
    p.add_argument("--goods", required=True)
    p.add_argument("--quantity", required=True, help="数量（盘点时为实点数量）")
    p.add_argument("--value", help="金额（元），采购成本或捐赠价值")
    p.add_argument("--donor")
    p.add_argument("--reason")

    group = sub.add_parser("points", help="积分", parents=[common]).add_subparsers(dest="what", required=True)
    for verb in ("balance", "history", "award", "bonus", "adjust", "reverse"):
        p = add(verb, cmd_points, parent=group)
        p.add_argument("code", help="户编号（reverse 时为流水号）")
        if verb in ("award", "bonus", "adjust", "reverse"):
            p.add_argument("--reason")
        if verb in ("award", "bonus", "adjust"):
            p.add_argument("--amount")

    p = add("redeem", cmd_redeem, help="柜台兑换（或 --reverse 撤销兑换单）")
    p.add_argument("--store")
    p.add_argument("--household")
    p.add_argument("--item", action="append", help="商品编号或条码=数量，可重复")
    p.add_argument("--reverse", metavar="兑换单号")
    p.add_argument("--reason")
