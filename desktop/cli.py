"""`python -m desktop [--db PATH_OR_URL] [COMMAND …]`: the command line over the same services as the window.

Exit codes: 0 done; 1 unexpected error; 2 input rejected; 3 refused by a rule or permission; 4 check failed.
No command opens the window.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from desktop import cli_plans, cli_system
from desktop.cli_common import emit as _emit
from desktop.cli_common import fen as _fen
from desktop.cli_common import need as _need
from desktop.services.errors import InputRejected, PermissionDenied, RowsRejected, ServiceError


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        from desktop.config import default_database

        self.args = args
        self.target = args.db or default_database()
        self._db = None

    def database(self, *, create: bool = False, upgrade: bool = False):  # noqa: ANN201
        from desktop.db import Database

        if self._db is None:
            db = self._db = Database(self.target)  # registered first, so close() disposes it on errors too
            if not create and not db.exists():
                raise InputRejected(f"数据库不存在：{db.display_name}（请先运行 init）")
            if not create and (db.is_empty() or db.current_revision() is None):
                raise InputRejected(f"“{db.display_name}”还不是本程序的数据库（请先运行 init）")
            if upgrade or create:
                db.upgrade()
            elif db.needs_upgrade():
                db.upgrade()  # backs the database up first; refuses a newer one
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    def actor(self):  # noqa: ANN201
        """The user a writing command acts as: --user/DESKTOP_USER, password from DESKTOP_PASSWORD or a prompt."""
        from desktop.services import users

        db = self.database()
        username = self.args.user or os.environ.get("DESKTOP_USER")
        if not username:
            raise PermissionDenied("写入数据的命令需要指定用户：--user 用户名（或环境变量 DESKTOP_USER）")
        password = os.environ.get("DESKTOP_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                raise PermissionDenied("没有终端可输入密码：请设置环境变量 DESKTOP_PASSWORD")
            password = getpass.getpass(f"用户 {username} 的密码：")
        return users.authenticate(db, username, password)


# --- commands ---------------------------------------------------------------------------------------


def cmd_init(ctx: CliContext) -> int:
    from desktop.services import demo, users

    args = ctx.args
    db = ctx.database(create=True)
    created = []
    if args.admin:
        if not args.password:
            raise InputRejected("--admin 需要同时给出 --password")
        if args.admin not in [u.username for u in users.list_users(db)]:
            users.create_user(db, users.SYSTEM, args.admin, args.password, "admin", display_name="管理员")
            created.append(args.admin)
    demo_user = None
    if args.demo:
        if users.count_users(db) == 0:
            users.create_user(db, users.SYSTEM, "admin", "admin123", "admin", display_name="管理员")
            demo_user = "admin"
        fresh = not demo.has_stores(db)
        demo.add_demo_households(db, users.SYSTEM, args.demo)
        if fresh:
            demo.add_demo_stores(db, users.SYSTEM)
            demo.add_demo_fund(db, users.SYSTEM)
            demo.add_demo_plans(db, users.SYSTEM)
    from desktop.services import households

    data = {
        "database": db.display_name,
        "revision": db.current_revision(),
        "households": households.count(db),
        "users_created": created + ([demo_user] if demo_user else []),
    }
    note = "（演示账号 admin / admin123）" if demo_user else ""
    _emit(args, data, f"数据库已就绪：{db.display_name}，{data['households']} 户{note}")
    return 0


def _print_rows(errors: list) -> str:
    return "\n".join(str(e) for e in errors)


def cmd_import_roster(ctx: CliContext) -> int:
    from desktop.services.roster_import import import_roster

    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    result = import_roster(db, actor, args.file, dry_run=args.dry_run)
    text = (
        f"{'试导入（未写入）' if result.dry_run else '导入完成'}：{result.households} 户 {result.members} 人；"
        f"新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}，"
        f"文件中没有的已有户 {result.missing}"
    )
    if result.ignored_columns:
        text += f"\n未识别的列（已忽略）：{'、'.join(result.ignored_columns)}"
    _emit(args, result.as_dict(), text)
    return 0


def cmd_export_roster(ctx: CliContext) -> int:
    from desktop.services.roster_export import export_roster
    from desktop.services.users import SYSTEM

    args = ctx.args
    people = export_roster(ctx.database(), SYSTEM, args.file, layout=args.layout, village=args.village)
    _emit(args, {"file": str(args.file), "members": people}, f"已导出 {people} 人到 {args.file}")
    return 0


def cmd_compare_roster(ctx: CliContext) -> int:
    from desktop.services.roster_compare import compare_roster

    args = ctx.args
    result = compare_roster(ctx.database(), args.file)
    lines = [
        f"文件 {result.households_in_file} 户，数据库 {result.households_in_database} 户，一致 {result.same} 户"
    ]
    if result.only_in_file:
        lines.append(f"仅在文件中（{len(result.only_in_file)}）：{'、'.join(result.only_in_file[:50])}")
    if result.only_in_database:
        lines.append(
            f"仅在数据库中（{len(result.only_in_database)}）：{'、'.join(result.only_in_database[:50])}"
        )
    for d in result.differences[:500]:
        who = f"{d.member} {d.name}" if d.member else "户信息"
        lines.append(f"户{d.household} {who} {d.field}：文件“{d.file or ''}” 数据库“{d.database or ''}”")
    _emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_households_list(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services import households
    from desktop.services.users import SYSTEM

    args = ctx.args
    found = households.list_households(
        ctx.database(), SYSTEM, village=args.village, search=args.search or "", limit=args.limit
    )
    lines = [f"{r.code}  {r.head_name}  {r.village}{r.group}  {r.size}人  {r.household_kind}" for r in found]
    lines.append(f"共 {len(found)} 户")
    _emit(args, {"count": len(found), "households": [asdict(r) for r in found]}, "\n".join(lines))
    return 0


def cmd_households_show(ctx: CliContext) -> int:
    from desktop.services import households
    from desktop.services.users import SYSTEM

    args = ctx.args
    d = households.detail(ctx.database(), SYSTEM, args.code)
    r = d.row
    lines = [
        f"户编号 {r.code}  户主 {r.head_name}  {d.township}{r.village}{r.group}  {r.size}人",
        f"户类型 {r.household_kind}  贫困户属性 {r.poverty_type}  联系电话 {r.phone}",
    ]
    for m in d.members:
        lines.append(
            f"  {m.relation:<4} {m.name:<6} {m.sex} {m.age if m.age is not None else '':>3}岁 "
            f"{m.id_number} {m.health} {m.labour}{'（已不在册）' if m.left else ''}"
        )
    for i in d.incomes:
        if i.net_per_capita is not None:
            lines.append(f"  {i.year}年 人均纯收入 {i.net_per_capita / 100:.2f} 元")
    _emit(args, d.as_dict(), "\n".join(lines))
    return 0


def cmd_backup(ctx: CliContext) -> int:
    from desktop.services.backup import backup_database

    target = backup_database(ctx.database(), ctx.args.file)
    _emit(ctx.args, {"file": str(target)}, f"已备份到 {target}")
    return 0


def cmd_restore(ctx: CliContext) -> int:
    from desktop.services.backup import restore_database

    db = ctx.database()
    safety = restore_database(db, ctx.actor(), ctx.args.file)
    _emit(
        ctx.args,
        {"restored_from": str(ctx.args.file), "safety_backup": str(safety)},
        f"已从 {ctx.args.file} 恢复；恢复前的数据已备份到 {safety}",
    )
    return 0


def cmd_check(ctx: CliContext) -> int:
    from desktop.services.backup import check_database

    report = check_database(ctx.database())
    text = (
        "检查通过：数据库完好，审计日志完整。" if report.ok else "检查未通过：\n" + "\n".join(report.problems)
    )
    _emit(ctx.args, report.as_dict(), text)
    return 0 if report.ok else 4


def cmd_users_add(ctx: CliContext) -> int:
    from desktop.services import users

    args = ctx.args
    password = args.new_password or os.environ.get("DESKTOP_NEW_PASSWORD")
    if not password:
        raise InputRejected("请用 --new-password 给出新用户的密码")
    info = users.create_user(
        ctx.database(), ctx.actor(), args.username, password, args.role, villages=args.village or []
    )
    _emit(
        args,
        {"username": info.username, "role": info.role, "villages": info.villages},
        f"已创建用户 {info.username}（{users.ROLE_NAMES[info.role]}）",
    )
    return 0


def cmd_users_unlock(ctx: CliContext) -> int:
    from desktop.services import users

    users.unlock(ctx.database(), ctx.actor(), ctx.args.username)
    _emit(ctx.args, {"username": ctx.args.username}, f"已解锁 {ctx.args.username}")
    return 0


def cmd_users_list(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services import users

    found = users.list_users(ctx.database())
    lines = [
        f"{u.username}  {users.ROLE_NAMES.get(u.role, u.role)}  {'已锁定' if u.locked else ''}" for u in found
    ]
    _emit(ctx.args, {"users": [asdict(u) for u in found]}, "\n".join(lines))
    return 0


def _print_notice_households(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing
    from desktop.services.users import SYSTEM

    return printing.household_notice(
        db,
        SYSTEM,
        _need(args.village, "公示需要指定 --village 村名"),
        out,
        title=args.title,
        kind=args.notice_kind,
        days=args.days,
        start=start,
        issuer=args.issuer,
        phone=args.phone,
    )


def _print_notice_stars(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, ratings
    from desktop.services.users import SYSTEM

    info = ratings.star_notice(
        db, SYSTEM, _need(args.round, "星级公示需要 --round 评定批次号"), out, phone=args.phone
    )
    return printing.Printed(str(out), info.pages, info.fonts)


def _print_notice_redemptions(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, store_reports
    from desktop.services.users import SYSTEM

    info = store_reports.redemption_notice(
        db,
        SYSTEM,
        _need(args.village, "兑换公示需要 --village 村"),
        _need(args.month, "需要 --month 月份（如 2026-11）"),
        out,
    )
    return printing.Printed(str(out), info.pages, info.fonts)


def _print_notice_donations(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, store_reports

    info = store_reports.donation_notice(
        db,
        _need(args.store, "捐赠鸣谢需要 --store 超市"),
        _need(args.month, "需要 --month 月份（如 2026-11）"),
        out,
    )
    return printing.Printed(str(out), info.pages, info.fonts)


def _print_ledger_households(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing
    from desktop.services.users import SYSTEM

    return printing.household_ledger(db, SYSTEM, out, village=args.village, xlsx=bool(args.xlsx))


def _print_ledger_points(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, store_reports
    from desktop.services.users import SYSTEM

    info = store_reports.points_ledger(
        db, SYSTEM, out, village=args.village, month=args.month, xlsx=bool(args.xlsx)
    )
    return (
        printing.Printed(str(out), 0, []) if args.xlsx else printing.Printed(str(out), info.pages, info.fonts)
    )


def _print_ledger_stock(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, store_reports

    info = store_reports.stock_ledger(
        db, _need(args.store, "库存台账需要 --store 超市"), out, month=args.month, xlsx=bool(args.xlsx)
    )
    return (
        printing.Printed(str(out), 0, []) if args.xlsx else printing.Printed(str(out), info.pages, info.fonts)
    )


def _print_certificate(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing
    from desktop.services.users import SYSTEM

    offset = None
    if args.offset_x is not None or args.offset_y is not None:
        offset = (args.offset_x or 0.0, args.offset_y or 0.0)
    return printing.household_certificate(
        db,
        SYSTEM,
        _need(args.household, "证书需要指定 --household 户编号"),
        out,
        template=args.template or "star",
        text=args.text or "",
        award=args.award or "",
        issuer=args.issuer,
        issued=start,
        number=args.number or "",
        preprinted=args.preprinted,
        offset_mm=offset,
    )


def _print_receipt(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, redemption

    number = _need(args.kind, "用法：print receipt 兑换单号 --out 小票.pdf")
    redemption.receipt_pdf(redemption.find_receipt(db, number), out)
    return printing.Printed(str(out), 1, [])


def _print_chart_points(db, args, out, start):  # noqa: ANN001, ANN202
    from desktop.services import printing, store_reports

    store_reports.points_chart(db, out)
    return printing.Printed(str(out), 1, [])


def _print_fund(kind: str):  # noqa: ANN202
    def run(db, args, out, start):  # noqa: ANN001, ANN202
        from desktop.services import fund_reports, printing
        from desktop.services.users import SYSTEM

        if kind == "pledge":
            info = fund_reports.pledge_document(
                db, SYSTEM, _need(args.supporter, "需要 --supporter 赡养人编号"), out
            )
            return printing.Printed(str(out), info.pages, info.fonts)
        village = _need(args.village, "需要 --village 村")
        if kind == "ledger":
            info = fund_reports.fund_ledger(db, SYSTEM, village, out, month=args.month, xlsx=bool(args.xlsx))
            return (
                printing.Printed(str(out), 0, [])
                if args.xlsx
                else printing.Printed(str(out), info.pages, info.fonts)
            )
        if kind == "sheet":
            info = fund_reports.payout_sheet(db, SYSTEM, village, _need(args.month, "需要 --month 月份"), out)
        elif kind == "notice":
            info = fund_reports.fund_notice(db, SYSTEM, village, _need(args.month, "需要 --month 月份"), out)
        else:
            year = int(args.year or (start.year if start else __import__("datetime").date.today().year))
            if kind == "certificates":
                pages = fund_reports.honour_certificates(
                    db, SYSTEM, village, year, out, issuer=args.issuer or ""
                )
                return printing.Printed(str(out), pages, [])
            info = fund_reports.honour_roll(db, SYSTEM, village, year, out)
        return printing.Printed(str(out), info.pages, info.fonts)

    return run


PRINTERS = {
    ("notice", "households"): _print_notice_households,
    ("notice", "stars"): _print_notice_stars,
    ("notice", "redemptions"): _print_notice_redemptions,
    ("notice", "donations"): _print_notice_donations,
    ("ledger", "households"): _print_ledger_households,
    ("ledger", "points"): _print_ledger_points,
    ("ledger", "stock"): _print_ledger_stock,
    ("chart", "points"): _print_chart_points,
    ("ledger", "fund"): _print_fund("ledger"),
    ("sheet", "fund"): _print_fund("sheet"),
    ("notice", "fund"): _print_fund("notice"),
    ("notice", "honour-roll"): _print_fund("honour"),
    ("pledge", None): _print_fund("pledge"),
    ("honour", "fund"): _print_fund("certificates"),
    ("ledger", "archive"): cli_plans.ledger_printer("archive"),
    ("ledger", "visits"): cli_plans.ledger_printer("visits"),
    ("ledger", "monitoring"): cli_plans.ledger_printer("monitoring"),
    ("report", "monthly"): cli_system.print_monthly,
}


def cmd_print(ctx: CliContext) -> int:
    """print notice|ledger|certificate|calibration|receipt|chart …"""
    from datetime import date as _date

    from desktop.services import printing

    args = ctx.args
    out = _need(args.xlsx or args.out, "请用 --out 文件.pdf（台账也可用 --xlsx 文件.xlsx）指定输出文件")
    start = _date.fromisoformat(args.start) if args.start else None
    if args.what == "calibration":
        result = printing.calibration_page(out, args.template or "star")
    elif args.what in ("archive", "card", "plan"):
        printer = {
            "archive": cli_plans.print_archive,
            "card": cli_plans.print_card,
            "plan": cli_plans.print_plan,
        }
        result = printer[args.what](ctx, out)
    else:
        handler = {"certificate": _print_certificate, "receipt": _print_receipt}.get(
            args.what
        ) or PRINTERS.get((args.what, args.kind))
        if handler is None:
            choices = "、".join(f"{w} {k or ''}".strip() for w, k in PRINTERS)
            raise InputRejected(f"不支持的打印内容：{args.what} {args.kind or ''}（可选：{choices}）")
        result = handler(ctx.database(), args, out, start)
    text = f"已生成 {result.path}" + (f"（{result.pages}页）" if result.pages else "")
    if result.fonts:
        text += "\n字体：" + "；".join(result.fonts)
    _emit(
        args, {"file": result.path, "pages": result.pages, "rows": result.rows, "fonts": result.fonts}, text
    )
    return 0


def cmd_audit(ctx: CliContext) -> int:
    """audit run|export|verify|rules|history|print"""
    from desktop.services import quality
    from desktop.services.users import SYSTEM

    args = ctx.args
    db = ctx.database()
    what = args.what
    if what == "rules":
        infos = quality.rules(db)
        lines = [
            f"{r.code:28s} {r.severity} {'启用' if r.enabled else '停用'} {r.name} {r.params or ''}"
            for r in infos
        ]
        _emit(args, {"rules": [r.__dict__ for r in infos]}, "\n".join(lines))
        return 0
    if what == "history":
        runs = quality.history(db)
        lines = [
            f"{r.at:%Y-%m-%d %H:%M} {r.username} {r.scope or '全部'} 疑点{r.findings} 已核实{r.quiet}"
            for r in runs
        ]
        _emit(args, {"runs": [r.__dict__ for r in runs]}, "\n".join(lines) or "还没有核查记录")
        return 0
    if what == "configure":
        params = {}
        for item in args.param or []:
            key, _, value = item.partition("=")
            params[key] = int(value) if value.lstrip("-").isdigit() else value
        enabled = None if args.enable is None else args.enable == "on"
        quality.configure_rule(db, ctx.actor(), args.rule, enabled=enabled, params=params)
        _emit(args, {"rule": args.rule}, f"已更新规则 {args.rule}")
        return 0
    if what == "verify":
        actor = ctx.actor()
        if not (args.rule and args.household and args.reason):
            raise InputRejected(
                "需要 --rule 规则代码 --household 户编号 --reason 核实情况（可加 --person 人编号）"
            )
        result = quality.run_audit(db, actor, record=False)
        finding = quality.find(result, args.rule, args.household, args.person or "")
        quality.mark_verified(db, actor, finding, args.reason)
        _emit(args, {"verified": finding.as_dict()}, f"已标记为已核实：{finding.message}")
        return 0
    result = quality.run_audit(db, SYSTEM, village=args.village)
    if what == "export":
        if not args.file:
            raise InputRejected("请给出导出文件：audit export 文件.xlsx")
        quality.export_findings(db, SYSTEM, args.file, result=result)
        _emit(
            args,
            {"file": str(args.file), **result.as_dict()},
            f"已导出 {len(result.findings)} 条疑点到 {args.file}",
        )
        return 0
    if what == "print":
        if not args.file:
            raise InputRejected("请给出输出文件：audit print 文件.pdf（或 文件.png 为汇总图）")
        if str(args.file).lower().endswith((".png", ".svg")):
            quality.findings_chart(result, args.file)
        else:
            quality.findings_ledger(db, SYSTEM, args.file, result=result)
        _emit(args, {"file": str(args.file)}, f"已生成 {args.file}")
        return 0
    lines = [
        f"[{f.severity}] {f.village} 户{f.household} {f.name}：{f.rule_name}——{f.message}"
        for f in result.findings
    ]
    counts = "；".join(f"{quality.BY_CODE[c].name} {n}" for c, n in result.by_rule.items())
    lines.append(
        f"共 {len(result.findings)} 条疑点（{counts or '无'}），已核实未变的 {len(result.quiet)} 条不再显示"
    )
    _emit(args, result.as_dict(), "\n".join(lines))
    return 0


def cmd_stores(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services import stores

    args = ctx.args
    db = ctx.database()
    if args.what == "settlement":
        from dataclasses import asdict as _asdict

        from desktop.services.store_reports import settlement

        if not (args.code and args.month):
            raise InputRejected("用法：stores settlement 超市编号 --month 2026-11")
        st = settlement(db, args.code, args.month)
        lines = [
            f"{st.store} {st.period}：兑换{st.redemptions}单（撤销{st.reversed}单），{st.households}户，"
            f"消耗积分{st.points}分；库存价值{st.stock_value_fen / 100:.2f}元"
        ]
        lines += [f"  {name} {qty}{unit} {pts}分" for name, unit, qty, pts in st.by_goods]
        _emit(args, _asdict(st), "\n".join(lines))
        return 0
    if args.what == "add":
        info = stores.create_store(
            db, ctx.actor(), args.code, args.name or args.code, receipt_width_mm=args.receipt_width
        )
        _emit(args, asdict(info), f"已设立超市 {info.code} {info.name}")
        return 0
    found = stores.list_stores(db)
    lines = [
        f"{st.code}  {st.name}  {st.village}  商品{st.goods}种  小票{st.receipt_width_mm}毫米" for st in found
    ]
    _emit(args, {"stores": [asdict(st) for st in found]}, "\n".join(lines) or "还没有超市")
    return 0


def cmd_goods(ctx: CliContext) -> int:
    from dataclasses import asdict

    from desktop.services import stores

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
            args.price,
            unit=args.unit,
            barcode=args.barcode or "",
        )
        _emit(args, asdict(info), f"已登记商品 {info.code} {info.name}（{info.price_points}分/{info.unit}）")
        return 0
    found = stores.list_goods(db, args.store)
    lines = [f"{g.code}  {g.name}  {g.price_points}分/{g.unit}  库存{g.stock}" for g in found]
    _emit(args, {"goods": [asdict(g) for g in found]}, "\n".join(lines) or "还没有商品")
    return 0


def cmd_stock(ctx: CliContext) -> int:
    from desktop.services import stores

    args = ctx.args
    value = int(round(float(args.value) * 100)) if args.value else 0
    after = stores.move_stock(
        ctx.database(),
        ctx.actor(),
        args.store,
        args.goods,
        args.kind,
        args.quantity,
        value_fen=value,
        donor=args.donor or "",
        reason=args.reason or "",
    )
    _emit(args, {"store": args.store, "goods": args.goods, "stock": after}, f"已记录，现有库存 {after}")
    return 0


def cmd_points(ctx: CliContext) -> int:
    from desktop.services import points
    from desktop.services.users import SYSTEM

    args = ctx.args
    db = ctx.database()
    if args.what == "balance":
        value = points.balance(db, SYSTEM, args.code)
        _emit(args, {"household": args.code, "balance": value}, f"户{args.code} 积分余额 {value} 分")
    elif args.what == "history":
        entries = points.history(db, SYSTEM, args.code)
        lines = [
            f"#{e.id} {e.at.astimezone():%Y-%m-%d %H:%M} {e.kind_name} {e.amount:+d} {e.reason} "
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
        value = points.award(db, ctx.actor(), args.code, args.amount, args.reason or "", kind=args.what)
        _emit(args, {"household": args.code, "balance": value}, f"已记入，户{args.code} 余额 {value} 分")
    else:  # reverse
        value = points.reverse_entry(db, ctx.actor(), int(args.code), args.reason or "")
        _emit(args, {"entry": int(args.code), "balance": value}, f"已冲正，余额 {value} 分")
    return 0


def cmd_redeem(ctx: CliContext) -> int:
    from desktop.services import redemption

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


def cmd_rating(ctx: CliContext) -> int:
    """rating new|stars|publish|object|resolve|confirm|show|list"""
    from datetime import date as _date

    from desktop.services import ratings
    from desktop.services.users import SYSTEM

    args = ctx.args
    db = ctx.database()
    what = args.what
    if what == "list":
        rows = ratings.list_rounds(db, SYSTEM)
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
        info = ratings.round_info(db, SYSTEM, int(args.target))
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
    actor = ctx.actor()
    if what == "new":
        if not (args.village and args.period):
            raise InputRejected("需要 --village 村 --period 期间（如 2026年11月）")
        rid = ratings.create_round(db, actor, args.village, args.period, cap_points=args.cap)
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
        year = int(args.target or _date.today().year)
        winners = ratings.commend(
            db,
            actor,
            year,
            _need(args.out, "需要 --out 证书.pdf"),
            village=args.village,
            top=args.top,
            bonus=args.bonus,
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


def cmd_fund(ctx: CliContext) -> int:
    """fund create|status|elders|supporter|pledge|contribute|donate|preview|pay|arrears|reverse"""
    from dataclasses import asdict

    from desktop.services import fund
    from desktop.services.users import SYSTEM

    args = ctx.args
    db = ctx.database()
    what = args.what
    if what in ("status", "elders", "arrears", "preview"):
        village = _need(args.village, "需要 --village 村")
        if what == "status":
            st = fund.status(db, SYSTEM, village)
            text = (
                f"{st.name}：余额{st.balance_fen / 100:.2f}元，老人{st.elders}人，赡养人{st.supporters}人，"
                f"欠缴{st.in_arrears}人；本月收入{st.month_in_fen / 100:.2f}元，支出{st.month_out_fen / 100:.2f}元"
            )
            _emit(args, asdict(st), text)
        elif what == "elders":
            found = fund.elders(db, SYSTEM, village)
            _emit(
                args,
                {"elders": [asdict(e) for e in found]},
                "\n".join(f"{e.name} {e.age}岁 户{e.household} 赡养人{e.supporters}" for e in found),
            )
        elif what == "arrears":
            found = fund.arrears(db, SYSTEM, village, upto=args.month)
            _emit(
                args,
                {"arrears": [asdict(a) for a in found]},
                "\n".join(
                    f"{a.supporter}（赡养{a.elder}）欠{len(a.months)}个月 {a.amount_fen / 100:.2f}元"
                    for a in found
                )
                or "无欠缴",
            )
        else:
            lines, balance = fund.payout_preview(db, SYSTEM, village, _need(args.month, "需要 --month 月份"))
            total = sum(x.amount_fen for x in lines)
            _emit(
                args,
                {"lines": [asdict(x) for x in lines], "total_fen": total, "balance_fen": balance},
                "\n".join(f"{x.elder} {x.amount_fen / 100:.2f}元" for x in lines)
                + f"\n合计{total / 100:.2f}元，基金余额{balance / 100:.2f}元",
            )
        return 0
    return _fund_write(ctx, what)


def _fund_write(ctx: CliContext, what: str) -> int:
    """The fund commands that change something (they act as a user)."""
    from dataclasses import asdict

    from desktop.services import fund

    args = ctx.args
    db = ctx.database()
    actor = ctx.actor()
    if what == "create":
        fid = fund.create_fund(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            elder_age=args.elder_age,
            match_percent=args.match_percent,
            match_cap_fen=_fen(args.match_cap),
        )
        _emit(args, {"fund": fid}, f"已设立孝善基金 #{fid}")
    elif what == "supporter":
        sid = fund.add_supporter(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.elder, "需要 --elder 老人的人编号"),
            _need(args.name, "需要 --name 赡养人姓名"),
            id_number=args.id_number or "",
            phone=args.phone or "",
            relation=args.relation,
        )
        _emit(args, {"supporter": sid}, f"已登记赡养人 #{sid}")
    elif what == "pledge":
        pid = fund.pledge(
            db,
            actor,
            _need(args.supporter, "需要 --supporter 赡养人编号"),
            _fen(_need(args.amount, "需要 --amount 每月金额")),
            _need(args.month, "需要 --month 起始月份"),
        )
        _emit(args, {"pledge": pid}, f"已登记赡养承诺 #{pid}")
    elif what == "contribute":
        months = [m for m in (_need(args.months, "需要 --months 2026-10,2026-11")).split(",") if m.strip()]
        result = fund.contribute(
            db,
            actor,
            _need(args.supporter, "需要 --supporter 赡养人编号"),
            months,
            _fen(_need(args.amount, "需要 --amount 金额")),
            method=args.method,
            receipt_no=args.receipt or "",
        )
        _emit(
            args,
            asdict(result),
            f"已记入：缴纳{result.amount_fen / 100:.2f}元，基金补贴{result.match_fen / 100:.2f}元，"
            f"基金余额{result.balance_fen / 100:.2f}元",
        )
    elif what == "donate":
        balance = fund.donate(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.donor, "需要 --donor 捐赠人"),
            _fen(_need(args.amount, "需要 --amount 金额")),
            reason=args.reason or "",
        )
        _emit(args, {"balance_fen": balance}, f"已记入捐赠，基金余额{balance / 100:.2f}元")
    elif what == "board":
        mid = fund.add_board_member(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.name, "需要 --name 姓名"),
            _need(args.role, "需要 --role 职务"),
            phone=args.phone or "",
        )
        _emit(args, {"board_member": mid}, f"已登记理事会成员 #{mid}")
    elif what == "rules":
        fund.set_rules(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            elder_age=args.set_elder_age,
            match_percent=args.set_match_percent,
            match_cap_fen=_fen(args.set_match_cap) if args.set_match_cap else None,
            payout_day=args.set_payout_day,
        )
        _emit(args, {"village": args.village}, "已更新基金规则")
    elif what == "scan":
        path = Path(_need(args.file, "需要 --file 扫描件"))
        if not path.exists():
            raise InputRejected(f"文件不存在：{path}")
        fund.archive_pledge_scan(
            db, actor, _need(args.supporter, "需要 --supporter 赡养人编号"), path.read_bytes()
        )
        _emit(args, {"supporter": args.supporter}, "已归档赡养承诺书扫描件")
    elif what == "pay":
        lines = fund.pay(
            db,
            actor,
            _need(args.village, "需要 --village 村"),
            _need(args.month, "需要 --month 月份"),
            method=args.method,
        )
        total = sum(x.amount_fen for x in lines)
        _emit(
            args, {"paid": len(lines), "total_fen": total}, f"已发放{len(lines)}位老人，共{total / 100:.2f}元"
        )
    else:  # reverse
        balance = fund.reverse(db, actor, _need(args.entry, "需要 --entry 流水号"), args.reason or "")
        _emit(args, {"balance_fen": balance}, f"已冲正，基金余额{balance / 100:.2f}元")
    return 0


# --- parser -----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件路径或 postgresql+psycopg:// URL")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出一个JSON对象")
    common.add_argument("--user", default=argparse.SUPPRESS, help="以该用户身份执行写入命令")

    parser = argparse.ArgumentParser(prog="python -m desktop", description="乡镇扶贫工作台", parents=[common])
    parser.add_argument(
        "--smoke", action="store_true", help="自检：在临时数据库上打开主窗口，输出 ready 后退出"
    )
    sub = parser.add_subparsers(dest="command")

    def add(name: str, func: Callable[[CliContext], int], parent=sub, **kw) -> argparse.ArgumentParser:  # noqa: ANN001
        p = parent.add_parser(name, parents=[common], **kw)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, help="创建或升级数据库")
    p.add_argument("--demo", type=int, default=0, metavar="N", help="添加N户演示数据")
    p.add_argument("--admin", help="创建管理员账号")
    p.add_argument("--password", help="管理员密码")

    for verb, func, helptext in (
        ("import", cmd_import_roster, "导入花名册"),
        ("export", cmd_export_roster, "导出花名册"),
        ("compare", cmd_compare_roster, "比对花名册与数据库（户表机一致）"),
    ):
        group = sub.add_parser(verb, help=helptext, parents=[common]).add_subparsers(
            dest="what", required=True
        )
        p = add("roster", func, parent=group, help=helptext)
        p.add_argument("file", type=Path)
        if verb == "import":
            p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        if verb == "export":
            p.add_argument("--layout", choices=("legacy", "2021"), help="导出格式（默认与上次导入相同）")
            p.add_argument("--village", help="只导出某个村")

    group = sub.add_parser("households", help="查找农户", parents=[common]).add_subparsers(
        dest="what", required=True
    )
    p = add("list", cmd_households_list, parent=group)
    p.add_argument("--village")
    p.add_argument("--search")
    p.add_argument("--limit", type=int)
    p = add("show", cmd_households_show, parent=group)
    p.add_argument("code")

    group = sub.add_parser("users", help="用户管理", parents=[common]).add_subparsers(
        dest="what", required=True
    )
    p = add("add", cmd_users_add, parent=group)
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, choices=("admin", "clerk", "village_clerk", "store_operator", "auditor")
    )
    p.add_argument("--new-password")
    p.add_argument("--village", action="append", help="村文书负责的村（可重复）")
    p = add("unlock", cmd_users_unlock, parent=group)
    p.add_argument("username")
    add("list", cmd_users_list, parent=group)

    p = add("print", cmd_print, help="打印公示、台账、证书（生成PDF或Excel）")
    p.add_argument(
        "what",
        choices=(
            "notice",
            "ledger",
            "certificate",
            "calibration",
            "receipt",
            "chart",
            "sheet",
            "pledge",
            "honour",
            "archive",
            "card",
            "plan",
            "report",
        ),
    )
    p.add_argument("kind", nargs="?", help="notice/ledger 的内容，如 households；archive/card/plan 的户编号")
    p.add_argument("--out", help="输出的PDF文件")
    p.add_argument("--xlsx", help="台账输出为Excel文件")
    p.add_argument("--village")
    p.add_argument("--title")
    p.add_argument(
        "--notice-kind", default="identification", choices=("identification", "exit", "monitoring")
    )
    p.add_argument("--days", type=int, help="公示天数（默认7天）")
    p.add_argument("--start", help="公示开始日期/证书日期，如 2026-11-25（默认今天）")
    p.add_argument("--issuer", help="落款单位")
    p.add_argument("--phone", help="监督电话（默认12317）")
    p.add_argument("--template", help="证书模板：star、exit、filial")
    p.add_argument("--household", help="户编号")
    p.add_argument("--round", type=int, help="星级评定批次号")
    p.add_argument("--store", help="超市编号")
    p.add_argument("--month", help="月份，如 2026-11")
    p.add_argument("--year", help="年份（光荣榜）")
    p.add_argument("--supporter", type=int, help="赡养人编号（承诺书）")
    p.add_argument("--text", help="证书正文（替换模板文字）")
    p.add_argument("--award", help="奖项名称，如 十星级文明户")
    p.add_argument("--number", help="证书编号")
    p.add_argument("--preprinted", action="store_true", help="套打：只印可变文字")
    p.add_argument("--offset-x", type=float, help="套打横向偏移（毫米，向右为正）")
    p.add_argument("--offset-y", type=float, help="套打纵向偏移（毫米，向下为正）")
    p.add_argument("--copy", help="档案份别：township、village、household")
    p.add_argument("--paper", help="明白卡纸张：A4 或 A5")

    p = add("audit", cmd_audit, help="疑点核查")
    p.add_argument("what", choices=("run", "export", "print", "verify", "rules", "configure", "history"))
    p.add_argument("file", nargs="?", type=Path)
    p.add_argument("--village")
    p.add_argument("--rule")
    p.add_argument("--household")
    p.add_argument("--person")
    p.add_argument("--reason")
    p.add_argument("--enable", choices=("on", "off"))
    p.add_argument("--param", action="append", help="阈值，如 min_age=18（可重复）")

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
    p.add_argument("--receipt-width", type=int, default=58, choices=(58, 80))

    group = sub.add_parser("goods", help="商品", parents=[common]).add_subparsers(dest="what", required=True)
    for verb in ("list", "add"):
        p = add(verb, cmd_goods, parent=group)
        p.add_argument("--store")
        if verb == "add":
            p.add_argument("code", nargs="?")
            p.add_argument("name", nargs="?")
            p.add_argument("--price", type=int, help="积分价")
            p.add_argument("--unit", default="个")
            p.add_argument("--barcode")

    p = add("stock", cmd_stock, help="出入库：采购、捐赠、损耗、调整、盘点")
    p.add_argument("kind", choices=("purchase", "donation", "loss", "adjust", "stocktake"))
    p.add_argument("--store", required=True)
    p.add_argument("--goods", required=True)
    p.add_argument("--quantity", type=int, required=True, help="数量（盘点时为实点数量）")
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
            p.add_argument("--amount", type=int)

    p = add("redeem", cmd_redeem, help="柜台兑换（或 --reverse 撤销兑换单）")
    p.add_argument("--store")
    p.add_argument("--household")
    p.add_argument("--item", action="append", help="商品编号或条码=数量，可重复")
    p.add_argument("--reverse", metavar="兑换单号")
    p.add_argument("--reason")

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
    p.add_argument("--bonus", type=int, default=0, help="表彰奖励积分（每户每年只记一次）")
    p.add_argument("--out")
    p.add_argument("--issuer")
    p.add_argument("--set", help="catalog：新的星级标准，如 增收致富=10,政策明白=10,…")
    p.add_argument("--village")
    p.add_argument("--period")
    p.add_argument("--cap", type=int, help="本批积分上限")
    p.add_argument("--household")
    p.add_argument("--stars", help="所得星级，逗号分隔")
    p.add_argument("--start")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--text")
    p.add_argument("--by", help="提出异议的人")
    p.add_argument("--outcome")

    p = add("fund", cmd_fund, help="孝善基金")
    p.add_argument(
        "what",
        choices=(
            "create",
            "status",
            "elders",
            "supporter",
            "pledge",
            "contribute",
            "donate",
            "preview",
            "pay",
            "arrears",
            "reverse",
            "board",
            "rules",
            "scan",
        ),
    )
    p.add_argument("--village")
    p.add_argument("--elder", help="老人的人编号")
    p.add_argument("--name")
    p.add_argument("--id-number")
    p.add_argument("--phone")
    p.add_argument("--relation", default="子女")
    p.add_argument("--supporter", type=int)
    p.add_argument("--amount", help="金额（元）")
    p.add_argument("--months", help="缴纳月份，逗号分隔，如 2026-10,2026-11")
    p.add_argument("--month", help="月份，如 2026-11")
    p.add_argument("--method", default="现金")
    p.add_argument("--receipt")
    p.add_argument("--donor")
    p.add_argument("--reason")
    p.add_argument("--entry", type=int)
    p.add_argument("--elder-age", type=int, default=60)
    p.add_argument("--match-percent", type=int, default=10)
    p.add_argument("--match-cap", default="30", help="每位老人每月补贴上限（元）")
    p.add_argument("--role", help="理事会职务：会长、副会长、会计、出纳、监督、理事")
    p.add_argument("--file", help="扫描件（PDF/JPG/PNG）")
    p.add_argument("--set-elder-age", type=int)
    p.add_argument("--set-match-percent", type=int)
    p.add_argument("--set-match-cap", help="每位老人每月补贴上限（元）")
    p.add_argument("--set-payout-day", type=int)

    cli_plans.register(sub, add, common)
    cli_system.register(sub, add)

    p = add("backup", cmd_backup, help="备份数据库到一个文件")
    p.add_argument("file", type=Path)
    p = add("restore", cmd_restore, help="从备份文件恢复")
    p.add_argument("file", type=Path)
    add("check", cmd_check, help="检查数据库、审计日志和各项余额")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("db", None), ("json", False), ("user", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.command is None:
        from desktop.ui.app import run_app

        return run_app(args.db, smoke=args.smoke)
    ctx = CliContext(args)
    try:
        return args.func(ctx)
    except RowsRejected as exc:
        data = {
            "error": exc.message,
            "errors": [e.as_dict() for e in exc.errors],
            "errors_file": exc.errors_file,
        }
        text = exc.message + "\n" + _print_rows(exc.errors)
        if exc.errors_file:
            text += f"\n错误清单已保存到：{exc.errors_file}"
        _report(args, data, text)
        return exc.exit_code
    except ServiceError as exc:
        _report(args, {"error": exc.message}, exc.message)
        return exc.exit_code
    except Exception as exc:  # an unexpected bug: exit 1 with a message, never a half-written database
        from desktop.db import DatabaseError

        if isinstance(exc, DatabaseError):
            _report(args, {"error": str(exc)}, str(exc))
            return 3
        _report(args, {"error": f"意外错误：{exc!r}"}, f"意外错误：{exc!r}")
        if os.environ.get("DESKTOP_DEBUG"):
            raise
        return 1
    finally:
        ctx.close()


def _report(args: argparse.Namespace, data: dict, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(text, file=sys.stderr)
