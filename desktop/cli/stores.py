"""Command line for 扶贫超市 and 积分 (`stores`, `goods`, `stock`, `points`, `redeem`), and their prints."""

from __future__ import annotations

from dataclasses import asdict

from desktop import clock, limits
from desktop.cli.common import CliContext, Commands, count, emit, fen, number
from desktop.errors import InputRejected
from desktop.services.documents import Printed
from desktop.services.points import points, redemption, store_reports, stores


def own_store(db, actor, code: str) -> str:
    """`code`, once it is known that `actor` may work there (a store operator only at their own stores)."""
    with db.read() as s:
        stores.store_by_code(s, code, actor)
    return code


# --- stores -------------------------------------------------------------------------------------------


def cmd_stores_list(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    found = stores.list_stores(db, ctx.actor())
    lines = [
        f"{st.code}  {st.name}  {st.village or '全乡镇'}  商品{st.goods}种  小票{st.receipt_width_mm}毫米  {st.terms()}"
        for st in found
    ]
    emit(args, {"stores": [asdict(st) for st in found]}, "\n".join(lines) or "还没有超市")
    return 0


def cmd_stores_settlement(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    st = store_reports.settlement(db, own_store(db, ctx.actor(), args.code), args.month)
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
    emit(args, {**asdict(st), "payable_fen": st.payable_fen}, "\n".join(lines))
    return 0


def cmd_stores_add(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    info = stores.create_store(
        db,
        ctx.actor(),
        args.code,
        args.name or args.code,
        village=args.village,
        receipt_width_mm=args.receipt_width,
    )
    emit(args, asdict(info), f"已设立超市 {info.code} {info.name}")
    return 0


def cmd_stores_terms(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    changed = stores.set_terms(
        db,
        ctx.actor(),
        args.code,
        commercial=args.commercial == "yes",
        point_rate_fen=fen(args.rate, "每分积分折合金额") if args.rate else 0,
        funding_source=args.source or "",
        owner=args.owner or "",
    )
    info = stores.store_info(db, args.code)
    emit(
        args,
        {"store": args.code, "changed": changed},
        ("已更新：" if changed else "未改动：") + f"{info.name} {info.terms()}",
    )
    return 0


# --- goods and stock ----------------------------------------------------------------------------------


def cmd_goods_list(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    found = stores.list_goods(db, args.store, ctx.actor())
    lines = [f"{g.code}  {g.name}  {g.price_points}分/{g.unit}  库存{g.stock}" for g in found]
    emit(args, {"goods": [asdict(g) for g in found]}, "\n".join(lines) or "还没有商品")
    return 0


def cmd_goods_add(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    info = stores.add_goods(
        db,
        ctx.actor(),
        args.store,
        args.code,
        args.name,
        count(args.price, "积分价", minimum=1),
        unit=args.unit,
        barcode=args.barcode or "",
    )
    emit(args, asdict(info), f"已登记商品 {info.code} {info.name}（{info.price_points}分/{info.unit}）")
    return 0


def cmd_stock(ctx: CliContext) -> int:
    args = ctx.args
    value = fen(args.value, "金额") if args.value else 0
    after = stores.move_stock(
        ctx.database(),
        ctx.actor(),
        args.store,
        args.goods,
        args.movement,
        count(args.quantity, "数量", minimum=-limits.STOCK_QUANTITY),
        value_fen=value,
        donor=args.donor or "",
        reason=args.reason or "",
    )
    emit(args, {"store": args.store, "goods": args.goods, "stock": after}, f"已记录，现有库存 {after}")
    return 0


# --- points and redemption ----------------------------------------------------------------------------


def cmd_points_balance(ctx: CliContext) -> int:
    args = ctx.args
    value = points.balance(ctx.database(), ctx.actor(), args.code)
    emit(args, {"household": args.code, "balance": value}, f"户{args.code} 积分余额 {value} 分")
    return 0


def cmd_points_history(ctx: CliContext) -> int:
    args = ctx.args
    entries = points.history(ctx.database(), ctx.actor(), args.code)
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
    emit(args, data, "\n".join(lines) + f"\n余额 {data['balance']} 分")
    return 0


def cmd_points_award(ctx: CliContext) -> int:
    """award, bonus and adjust: the entry's kind is the verb."""
    args = ctx.args
    db = ctx.database()
    amount = count(args.amount, "积分数", minimum=-limits.POINTS_ENTRY)
    value = points.award(db, ctx.actor(), args.code, amount, args.reason or "", kind=args.points_verb)
    emit(args, {"household": args.code, "balance": value}, f"已记入，户{args.code} 余额 {value} 分")
    return 0


def cmd_points_reverse(ctx: CliContext) -> int:
    args = ctx.args
    entry = number(args.entry, "流水号")
    value = points.reverse_entry(ctx.database(), ctx.actor(), entry, args.reason or "")
    emit(args, {"entry": entry, "balance": value}, f"已冲正，余额 {value} 分")
    return 0


def cmd_redeem(ctx: CliContext) -> int:
    args = ctx.args
    db = ctx.database()
    if args.reverse:
        value = redemption.reverse_redemption(db, ctx.actor(), args.reverse, args.reason or "")
        emit(
            args,
            {"receipt": args.reverse, "balance_after": value},
            f"已撤销兑换单 {args.reverse}，余额 {value} 分",
        )
        return 0
    if not (args.store and args.household and args.item):  # or --reverse: beyond argparse's required=
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
    emit(args, receipt.as_dict(), "\n".join(lines))
    return 0


# --- prints -------------------------------------------------------------------------------------------


def _printed(out: str, info, *, xlsx: bool = False) -> Printed:
    return Printed(str(out), 0, []) if xlsx else Printed(str(out), info.pages, info.fonts)


def print_redemption_notice(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    info = store_reports.redemption_notice(ctx.database(), ctx.actor(), args.village, args.month, out)
    return _printed(out, info)


def print_donation_notice(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    db = ctx.database()
    info = store_reports.donation_notice(db, own_store(db, ctx.actor(), args.store), args.month, out)
    return _printed(out, info)


def print_points_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    xlsx = bool(args.xlsx)
    info = store_reports.points_ledger(
        ctx.database(), ctx.actor(), out, village=args.village, month=args.month, xlsx=xlsx
    )
    return _printed(out, info, xlsx=xlsx)


def print_stock_ledger(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    db = ctx.database()
    xlsx = bool(args.xlsx)
    info = store_reports.stock_ledger(
        db, own_store(db, ctx.actor(), args.store), out, month=args.month, xlsx=xlsx
    )
    return _printed(out, info, xlsx=xlsx)


def print_settlement_sheet(ctx: CliContext, out: str) -> Printed:
    args = ctx.args
    db = ctx.database()
    xlsx = bool(args.xlsx)
    info = store_reports.settlement_sheet(
        db, own_store(db, ctx.actor(), args.store), args.month, out, xlsx=xlsx
    )
    return _printed(out, info, xlsx=xlsx)


def print_receipt(ctx: CliContext, out: str) -> Printed:
    db = ctx.database()
    number = ctx.args.number
    own_store(db, ctx.actor(), redemption.store_of(db, number))  # a reprint only at the store that served it
    redemption.receipt_pdf(redemption.find_receipt(db, number), out)
    return Printed(str(out), 1, [])


def print_points_chart(ctx: CliContext, out: str) -> Printed:
    db = ctx.database()
    ctx.actor()
    store_reports.points_chart(db, out)
    return Printed(str(out), 1, [])


# --- registration -------------------------------------------------------------------------------------

STOCK_MOVES = {
    "purchase": "采购入库",
    "donation": "捐赠入库",
    "loss": "损耗出库",
    "adjust": "调整（数量可为负）",
    "stocktake": "盘点（--quantity 为实点数量）",
}


def register(cli: Commands) -> None:
    verbs = cli.group("stores", "扶贫超市：列表、设立、结算方式、月结", dest="stores_verb")
    cli.command("list", cmd_stores_list, "列出超市", under=verbs)
    p = cli.command("settlement", cmd_stores_settlement, "月结", under=verbs)
    p.add_argument("code", help="超市编号")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p = cli.command("add", cmd_stores_add, "设立超市", under=verbs)
    p.add_argument("code", help="超市编号")
    p.add_argument("name", nargs="?", help="超市名称（默认同编号）")
    p.add_argument("--village", help="所在的村（不填则为乡镇超市，各村农户都可兑换）")
    p.add_argument("--receipt-width", type=int, default=58, choices=(58, 80), help="小票宽度（毫米）")
    p = cli.command("terms", cmd_stores_terms, "结算方式：村级爱心超市，或按积分结算的商业超市", under=verbs)
    p.add_argument("code", help="超市编号")
    p.add_argument("--commercial", choices=("yes", "no"), required=True, help="是否为按积分结算的商业超市")
    p.add_argument("--rate", help="每分积分折合金额（元），如 1.00")
    p.add_argument("--source", help="结算资金来源，如 县财政专项扶贫资金")
    p.add_argument("--owner", help="超市经营者（在结算单上签字）")

    verbs = cli.group("goods", "超市商品：列表、登记", dest="goods_verb")
    p = cli.command("list", cmd_goods_list, "列出超市的商品和库存", under=verbs)
    p.add_argument("--store", required=True, help="超市编号")
    p = cli.command("add", cmd_goods_add, "登记商品", under=verbs)
    p.add_argument("--store", required=True, help="超市编号")
    p.add_argument("code", help="商品编号")
    p.add_argument("name", help="商品名称")
    p.add_argument("--price", required=True, help="积分价")
    p.add_argument("--unit", default="个", help="单位（默认个）")
    p.add_argument("--barcode", help="条码")

    moves = cli.group("stock", "出入库：采购、捐赠、损耗、调整、盘点", dest="movement")
    for movement, helptext in STOCK_MOVES.items():
        p = cli.command(movement, cmd_stock, helptext, under=moves)
        p.add_argument("--store", required=True, help="超市编号")
        p.add_argument("--goods", required=True, help="商品编号或条码")
        quantity = "实点数量" if movement == "stocktake" else "数量"
        p.add_argument("--quantity", required=True, help=quantity)
        p.add_argument("--value", help="金额（元），采购成本或捐赠价值")
        p.add_argument("--donor", help="捐赠人")
        p.add_argument("--reason", help="原因或备注")

    verbs = cli.group("points", "积分：余额、明细、记入、冲正", dest="points_verb")
    p = cli.command("balance", cmd_points_balance, "一户的积分余额", under=verbs)
    p.add_argument("code", help="户编号")
    p = cli.command("history", cmd_points_history, "一户的积分明细", under=verbs)
    p.add_argument("code", help="户编号")
    for verb, helptext in (("award", "记入积分"), ("bonus", "奖励积分"), ("adjust", "调整积分（可为负）")):
        p = cli.command(verb, cmd_points_award, helptext, under=verbs)
        p.add_argument("code", help="户编号")
        p.add_argument("--amount", required=True, help="积分数")
        p.add_argument("--reason", help="事由")
    p = cli.command("reverse", cmd_points_reverse, "冲正一笔积分流水", under=verbs)
    p.add_argument("entry", help="流水号")
    p.add_argument("--reason", help="冲正原因")

    p = cli.command("redeem", cmd_redeem, "柜台兑换（或 --reverse 撤销兑换单）")
    p.add_argument("--store", help="超市编号")
    p.add_argument("--household", help="户编号")
    p.add_argument("--item", action="append", help="商品编号或条码=数量，可重复")
    p.add_argument("--reverse", metavar="兑换单号", help="撤销这张兑换单")
    p.add_argument("--reason", help="撤销原因")

    # print …
    p = cli.print_kind("notice", "redemptions", print_redemption_notice, "积分兑换公示")
    p.add_argument("--village", required=True, help="村名")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p = cli.print_kind("notice", "donations", print_donation_notice, "超市捐赠鸣谢")
    p.add_argument("--store", required=True, help="超市编号")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p = cli.print_kind("ledger", "points", print_points_ledger, "积分台账", xlsx=True)
    p.add_argument("--village", help="只印某个村")
    p.add_argument("--month", help="只印某月，如 2026-11")
    p = cli.print_kind("ledger", "stock", print_stock_ledger, "超市库存台账", xlsx=True)
    p.add_argument("--store", required=True, help="超市编号")
    p.add_argument("--month", help="只印某月，如 2026-11")
    p = cli.print_kind("sheet", "settlement", print_settlement_sheet, "超市月结单（经营者签字）", xlsx=True)
    p.add_argument("--store", required=True, help="超市编号")
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p = cli.print_kind("receipt", None, print_receipt, "补打兑换小票", single=True)
    p.add_argument("number", help="兑换单号")
    cli.print_kind("chart", "points", print_points_chart, "各村积分图")
