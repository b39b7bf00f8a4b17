"""Who may read what: every command that reads the database logs in and obeys the role, the villages and a store
operator's stores; log-in failures do not tell which users exist; a database file the app cannot use is
refused in Chinese (exit 2 or 3); SQLite is not opened on a network share."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path, PureWindowsPath

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from desktop import db as dbmod
from desktop.cli import main
from desktop.db import Database, DatabaseError, NotADatabase, OnNetworkShare, explain, mount_type
from desktop.db import network_location as where_on_network
from desktop.errors import InputRejected, PermissionDenied
from desktop.models import User, UserStore
from desktop.services.fund import fund
from desktop.services.points import points, redemption, stores
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import users
from desktop.services.system.actor import SYSTEM, Actor
from tests.conftest import ADMIN_PASSWORD
from tests.uiwait import settle

HH = "41142410520800001"  # 董超玉, 柘城县逻岗镇/孙桥村
OWN = ["41142110420200002", "41142110420200034"]  # the two households of 民权县柳河镇/王楼村
VILLAGE = "民权县柳河镇/王楼村"


@pytest.fixture
def run(db_url, capsys, monkeypatch):
    """The command line as `user` (None: nobody logged in): (exit code, the JSON it printed)."""

    def call(user: str | None, *args: str, password: str | None = None):
        if user is None:
            monkeypatch.delenv("DESKTOP_USER", raising=False)
            monkeypatch.delenv("DESKTOP_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("DESKTOP_USER", user)
            monkeypatch.setenv("DESKTOP_PASSWORD", password or PASSWORDS.get(user, ADMIN_PASSWORD))
        code = main(["--db", db_url, *args, "--json"])
        captured = capsys.readouterr()
        lines = captured.out.strip().splitlines()
        return code, json.loads(lines[-1]) if lines else None

    return call


PASSWORDS = {
    "vc": "village-pw",
    "audit": "audit-pw",
    "clerk": "clerk-pw",
    "op1": "op1-pw-1",
    "op2": "op2-pw-2",
}


@pytest.fixture
def office(db, admin, sample):
    """The small roster, a village clerk for 民权县柳河镇/王楼村, an auditor, a township clerk; two stores with
    goods and points to spend, an operator for each."""
    import_roster(db, admin, sample("roster-small.xlsx"))
    users.create_user(db, admin, "vc", PASSWORDS["vc"], "village_clerk", villages=[VILLAGE])
    users.create_user(db, admin, "audit", PASSWORDS["audit"], "auditor")
    users.create_user(db, admin, "clerk", PASSWORDS["clerk"], "clerk")
    for code in ("S01", "S02"):
        stores.create_store(db, admin, code, f"{code}爱心超市")
        stores.add_goods(db, admin, code, "SALT", "食盐", 3, unit="袋")
        stores.move_stock(db, admin, code, "SALT", "purchase", 50)
    users.create_user(db, admin, "op1", PASSWORDS["op1"], "store_operator", stores=["S01"])
    users.create_user(db, admin, "op2", PASSWORDS["op2"], "store_operator", stores=["S02"])
    points.award(db, admin, HH, 100, "2026年第三季度星级评定")
    fund.create_fund(db, admin, VILLAGE)
    from desktop import clock
    from desktop.services.plans import identification

    rid = identification.create_round(db, admin, VILLAGE, clock.today().year)
    identification.add_households(db, admin, rid, OWN)
    identification.step(db, admin, 1, "村公示")
    return db


# --- reads log in ----------------------------------------------------------------------------------------

READS = [
    ("households", "list"),
    ("households", "show", HH),
    ("export", "roster", "{tmp}/r.xlsx"),
    ("compare", "roster", "{data}/roster-small.xlsx"),
    ("archive", "status"),
    ("archive", "checklist"),
    ("plan", "show", HH),
    ("plan", "overview"),
    ("points", "balance", HH),
    ("points", "history", HH),
    ("fund", "status", "--village", VILLAGE),
    ("audit", "run"),
    ("audit", "rules"),
    ("rating", "list"),
    ("stores", "list"),
    ("goods", "list", "--store", "S01"),
    ("stores", "settlement", "S01", "--month", "2026-11"),
    ("users", "list"),
    ("settings", "show"),
    ("backup", "{tmp}/b.sqlite3"),
    ("backup-auto",),
    ("print", "ledger", "households", "--xlsx", "{tmp}/l.xlsx"),
    ("print", "notice", "households", "--round", "1", "--out", "{tmp}/n.pdf"),  # the office's round 1
    ("print", "card", HH, "--out", "{tmp}/c.pdf"),
    ("print", "report", "monthly", "--out", "{tmp}/m.pdf"),
]


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c[:2]))
def test_no_read_without_a_log_in(office, run, tmp_path, command):
    from tests.conftest import DATA

    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(tmp=out, data=DATA) for a in command]
    code, data = run(None, *args)
    assert code == 3 and "要先登录" in data["error"]
    assert list(out.iterdir()) == []  # nothing was written either
    code, data = run("admin", *args)
    assert code == 0, data


def test_what_needs_no_log_in(office, run, tmp_path, capsys):
    # check prints counts and problems, no names or IDs, and must run when all else is wrong
    assert run(None, "check")[0] == 0
    assert run(None, "print", "calibration", "--out", str(tmp_path / "cal.pdf"))[0] == 0  # no database at all
    with pytest.raises(SystemExit) as done:
        main(["households", "--help"])
    assert done.value.code == 0


def test_a_wrong_password_reads_nothing(office, run):
    code, data = run("admin", "households", "show", HH, password="wrong")
    assert code == 3 and data == {"error": "用户名或密码错误。"}


# --- a village clerk reads only their villages ----------------------------------------------------------


def test_a_village_clerk_reads_only_their_villages(office, run, tmp_path):
    code, data = run("vc", "households", "list")
    assert code == 0 and sorted(h["code"] for h in data["households"]) == OWN
    code, data = run("vc", "households", "show", HH)
    assert code == 3 and "无权" in data["error"] and "董超玉" not in json.dumps(data, ensure_ascii=False)
    for command in (("points", "balance", HH), ("points", "history", HH), ("plan", "show", HH)):
        assert run("vc", *command)[0] in (2, 3)
    assert run("vc", "fund", "status", "--village", "夏邑县城关镇/孙桥村")[0] == 2
    code, data = run("vc", "export", "roster", str(tmp_path / "mine.xlsx"))
    assert code == 0 and data["members"] == 6  # 1 + 5 people, not the township's 163
    assert run("admin", "export", "roster", str(tmp_path / "all.xlsx"))[1]["members"] == 163
    code, _ = run("vc", "print", "ledger", "households", "--xlsx", str(tmp_path / "ledger.xlsx"))
    text = " ".join(
        str(c)
        for row in load_workbook(tmp_path / "ledger.xlsx").active.iter_rows(values_only=True)
        for c in row
    )
    assert code == 0 and "周德顺" in text and "董超玉" not in text
    code, data = run("vc", "print", "card", HH, "--out", str(tmp_path / "card.pdf"))
    assert code in (2, 3) and not (tmp_path / "card.pdf").exists()
    # the whole township's roster compared at once is not theirs to read
    from tests.conftest import DATA

    code, data = run("vc", "compare", "roster", str(DATA / "roster-small.xlsx"))
    assert code == 3 and "自己负责的村" in data["error"]


def test_a_village_clerk_prints_no_pledge_of_another_village(office, run, db, admin, tmp_path):
    from datetime import date

    fund.create_fund(db, admin, "柘城县逻岗镇/孙桥村")
    sid = fund.add_supporter(
        db, admin, "柘城县逻岗镇/孙桥村", "4114241052080000101", "董平花", relation="之女"
    )
    fund.pledge(db, admin, sid, 20000, "2026-10", signed_on=date(2026, 9, 30))
    assert run("admin", "print", "pledge", "--supporter", str(sid), "--out", str(tmp_path / "a.pdf"))[0] == 0
    code, data = run("vc", "print", "pledge", "--supporter", str(sid), "--out", str(tmp_path / "b.pdf"))
    assert code == 3 and "无权" in data["error"] and not (tmp_path / "b.pdf").exists()


# --- a backup holds everything ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "allowed"), [("admin", True), ("clerk", True), ("audit", False), ("vc", False)]
)
def test_only_who_may_read_everything_takes_a_backup(office, run, tmp_path, user, allowed):
    target = tmp_path / f"{user}.sqlite3"
    code, data = run(user, "backup", str(target))
    assert (code == 0) is allowed and target.exists() is allowed
    if not allowed:
        assert code == 3 and "无权备份" in data["error"]
        assert run(user, "backup-auto")[0] == 3
        assert run(user, "backup-inspect", str(tmp_path / "x.sqlite3"))[0] == 3


def test_init_on_a_database_in_use_does_not_make_an_administrator_for_anyone(office, run, db):
    code, data = run(None, "init", "--admin", "intruder", "--password", "intruder-1")
    assert code == 3 and "要先登录" in data["error"]
    assert run("clerk", "init", "--admin", "intruder", "--password", "intruder-1")[0] == 3
    assert run("vc", "init", "--demo", "3")[0] == 3
    assert "intruder" not in [u.username for u in users.list_users(db)]
    assert run(None, "init")[0] == 0  # upgrading needs no log-in and adds no one
    # the administrator named is already there: nothing to do, nothing to log in for
    assert run(None, "init", "--admin", "admin", "--password", "whatever")[0] == 0
    assert run("admin", "init", "--admin", "second", "--password", "second-1")[0] == 0
    assert users.authenticate(db, "second", "second-1").role == "admin"


# --- log-in messages -----------------------------------------------------------------------------------------


def test_an_unknown_user_and_a_wrong_password_get_the_same_words(office, db):
    said = set()
    for name, password in (("nobody", "whatever"), ("admin", "wrong"), ("vc", "wrong")):
        with pytest.raises(PermissionDenied) as refused:
            users.authenticate(db, name, password)
        said.add(refused.value.message)
    users.set_active(db, SYSTEM, "audit", False)
    with pytest.raises(PermissionDenied) as refused:
        users.authenticate(db, "audit", "wrong")  # stopped: a guesser is not told
    said.add(refused.value.message)
    assert said == {"用户名或密码错误。"}


def test_an_unknown_name_never_locks_and_a_locked_account_gives_nothing_away(office, db):
    for _ in range(users.MAX_FAILURES + 2):
        with pytest.raises(PermissionDenied, match="^用户名或密码错误。$"):
            users.authenticate(db, "nobody", "wrong")
    for _ in range(users.MAX_FAILURES - 1):
        with pytest.raises(PermissionDenied, match="^用户名或密码错误。$"):
            users.authenticate(db, "vc", "wrong")
    with pytest.raises(PermissionDenied, match="已锁定"):
        users.authenticate(db, "vc", "wrong")
    # during the lock the right password and a wrong one get the same answer: guessing on is useless
    for password in ("wrong", PASSWORDS["vc"]):
        with pytest.raises(PermissionDenied, match="已锁定") as refused:
            users.authenticate(db, "vc", password)
        assert "分钟后再试" in refused.value.message


# --- store operators ---------------------------------------------------------------------------------------


def test_users_add_takes_stores_and_a_store_operator_needs_one(office, run, db):
    code, data = run("admin", "users", "add", "op3", "--role", "store_operator", "--new-password", "op3-pw-3")
    assert code == 2 and "超市" in data["error"]
    code, data = run(
        "admin", "users", "add", "op3", "--role", "store_operator", "--store", "S01", "--store", "S02",
        "--new-password", "op3-pw-3",
    )  # fmt: skip
    assert code == 0 and data["stores"] == ["S01", "S02"]
    code, data = run(
        "admin", "users", "add", "c2", "--role", "clerk", "--store", "S01", "--new-password", "c2-pw-22"
    )
    assert code == 2 and "超市操作员" in data["error"]
    assert run("admin", "users", "add", "op4", "--role", "store_operator", "--store", "S09",
               "--new-password", "op4-pw-4")[0] == 2  # fmt: skip
    assert {u.username: u.stores for u in users.list_users(db)}["op3"] == ["S01", "S02"]
    assert "op4" not in [u.username for u in users.list_users(db)]


def test_a_store_operator_is_held_to_their_store_at_the_counter_in_stock_and_for_receipts(
    office, run, db, tmp_path
):
    code, data = run("op1", "redeem", "--store", "S01", "--household", HH, "--item", "SALT=2")
    assert code == 0
    mine = data["receipt"]
    code, data = run("admin", "redeem", "--store", "S02", "--household", HH, "--item", "SALT=1")
    theirs = data["receipt"]
    before = points.balance(db, SYSTEM, HH), {g.code: g.stock for g in stores.list_goods(db, "S02")}
    code, data = run("op1", "redeem", "--store", "S02", "--household", HH, "--item", "SALT=1")
    assert code == 3 and "不是S02爱心超市的操作员" in data["error"]
    code, data = run(
        "op1", "stock", "loss", "--store", "S02", "--goods", "SALT", "--quantity", "5", "--reason", "破损"
    )
    assert code == 3 and "操作员" in data["error"]
    assert (
        points.balance(db, SYSTEM, HH),
        {g.code: g.stock for g in stores.list_goods(db, "S02")},
    ) == before
    assert (
        run(
            "op1", "stock", "loss", "--store", "S01", "--goods", "SALT", "--quantity", "1", "--reason", "破损"
        )[0]
        == 0
    )
    # reprints: only the store's own receipts
    out = tmp_path / "receipt.pdf"
    assert run("op1", "print", "receipt", mine, "--out", str(out))[0] == 0
    code, data = run("op1", "print", "receipt", theirs, "--out", str(out.with_name("other.pdf")))
    assert code == 3 and not out.with_name("other.pdf").exists()
    # reversals: an operator may not reverse at all (a supervisor does), and nobody held to a store elsewhere
    assert run("op1", "redeem", "--reverse", mine, "--reason", "扫错了")[0] == 3
    held = Actor("sup", "clerk", "主管", None, frozenset({_store_id(db, "S01")}))
    with pytest.raises(PermissionDenied, match="S02爱心超市"):
        redemption.reverse_redemption(db, held, theirs, "扫错了")
    # what they see: their store only
    code, data = run("op1", "stores", "list")
    assert [s["code"] for s in data["stores"]] == ["S01"]
    for command in (
        ("goods", "list", "--store", "S02"),
        ("stores", "settlement", "S02", "--month", "2026-11"),
        ("print", "ledger", "stock", "--store", "S02", "--xlsx", str(out.with_name("stock.xlsx"))),
    ):
        assert run("op1", *command)[0] == 3, command


def _store_id(db, code):
    from desktop.models import Store

    with db.read() as s:
        return s.scalar(select(Store.id).where(Store.code == code))


def test_an_operator_made_before_stores_were_required_serves_at_none(office, db):
    with db.write() as s:
        uid = s.scalar(select(User.id).where(User.username == "op2"))
        s.execute(delete(UserStore).where(UserStore.user_id == uid))
    operator = users.authenticate(db, "op2", PASSWORDS["op2"])
    assert operator.store_ids == frozenset()
    for code in ("S01", "S02"):
        with pytest.raises(PermissionDenied):
            redemption.redeem(db, operator, code, HH, {"SALT": 1})
    assert stores.list_stores(db, operator) == []


def test_the_window_offers_an_operator_only_their_store(qtbot, office):
    from desktop.ui.context import UiContext
    from desktop.ui.counter_page import CounterPage

    operator = users.authenticate(office, "op1", PASSWORDS["op1"])
    page = CounterPage(UiContext(office, operator))
    qtbot.addWidget(page)
    settle(qtbot, page)  # the stores are read in the background
    assert [page.store_box.itemData(i) for i in range(page.store_box.count())] == ["S01"]


# --- databases the app cannot use -----------------------------------------------------------------------------


def _cli(target, *args):
    return main(["--db", str(target), *args, "--json"])


def test_a_folder_or_a_file_that_is_not_a_database_is_refused_in_chinese(tmp_path, capsys):
    for args in (("households", "list"), ("init",)):
        assert _cli(tmp_path, *args) == 2
        error = json.loads(capsys.readouterr().out)["error"]
        assert "是一个文件夹" in error and "workbench.sqlite3" in error and "意外" not in error
    text = tmp_path / "notes.txt"
    text.write_text("这不是数据库\n" * 40, encoding="utf-8")
    for args in (("households", "list"), ("init",)):
        assert _cli(text, *args) == 2
        error = json.loads(capsys.readouterr().out)["error"]
        assert "不是本程序的数据库文件" in error and "意外" not in error
    assert text.read_text(encoding="utf-8").startswith("这不是数据库")  # untouched
    assert _cli(tmp_path / "no-such-folder" / "w.sqlite3", "init") == 2
    assert "文件夹不存在" in json.loads(capsys.readouterr().out)["error"]


def test_a_read_only_database_says_so(db_url, db, monkeypatch, capsys):
    if not db.is_sqlite:
        pytest.skip("SQLite files only")
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    real_engine = dbmod.create_engine

    def read_only_engine(url, **kw):
        # as from a CD or a write-protected share: SQLite itself refuses every write (root ignores file modes)
        kw["creator"] = lambda: sqlite3.connect(f"file:{db.path}?mode=ro", uri=True, check_same_thread=False)
        return real_engine(url, **kw)

    monkeypatch.setattr(dbmod, "create_engine", read_only_engine)
    assert main(["--db", str(db.path), "users", "unlock", "admin", "--json"]) == 3
    error = json.loads(capsys.readouterr().out)["error"]
    assert "只读" in error and "意外" not in error


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file permissions do not bind root")
def test_a_read_only_folder_says_so(db_url, db, monkeypatch, capsys):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    db.dispose()
    folder = Path(db.path).parent
    for p in folder.iterdir():
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert main(["--db", str(db.path), "users", "unlock", "admin", "--json"]) == 3
        error = json.loads(capsys.readouterr().out)["error"]
        assert ("只读" in error or "权限" in error) and "意外" not in error
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.chmod(0o644)


def test_a_lock_held_too_long_says_who_to_ask(db_url, db, monkeypatch, capsys):
    if not db.is_sqlite:
        pytest.skip("SQLite's own lock")
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    other = sqlite3.connect(db.path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # another PC's long write
        assert main(["--db", str(db.path), "households", "list", "--json"]) == 3
        error = json.loads(capsys.readouterr().out)["error"]
        assert "占用" in error and "意外" not in error
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert main(["--db", str(db.path), "households", "list", "--json"]) == 0


def test_the_log_in_window_explains_a_locked_database(qtbot, db, monkeypatch):
    if not db.is_sqlite:
        pytest.skip("SQLite's own lock")
    from desktop.ui.login_dialog import LoginDialog

    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 50)
    db.dispose()  # new connections take the short wait
    other = sqlite3.connect(db.path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        dialog = LoginDialog(db, username="admin")
        qtbot.addWidget(dialog)
        dialog.password_edit.setText(ADMIN_PASSWORD)
        dialog.try_login()  # checked in the background: the dialog answers when the worker does
        qtbot.waitUntil(lambda: "占用" in dialog.message.text(), timeout=30000)
        assert dialog.actor is None
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_full_disk_says_so(db_url, monkeypatch, capsys):
    import errno

    from desktop.services.households import households

    def full(*_a, **_k):
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(households, "list_households", full)
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", db_url, "households", "list", "--json"]) == 3
    error = json.loads(capsys.readouterr().out)["error"]
    assert "磁盘已满" in error and "意外" not in error
    explained = explain(OSError(errno.ENOSPC, "No space left on device", "/media/u/backup.sqlite3"))
    assert (
        isinstance(explained, DatabaseError)
        and "磁盘已满" in str(explained)
        and "backup.sqlite3" in str(explained)
    )
    assert explain(ValueError("a bug")) is None  # a bug stays a bug: exit 1


def test_unknown_sqlite_words_are_not_passed_off_as_known():
    assert explain(sqlite3.OperationalError("no such table: household")) is None
    assert isinstance(explain(sqlite3.DatabaseError("file is not a database"), "x.db"), NotADatabase)
    locked = explain(sqlite3.OperationalError("database is locked"), "postgresql+psycopg://u:secret@host/db")
    assert "占用" in str(locked) and "secret" not in str(locked)  # a server's password is never shown


# --- network shares --------------------------------------------------------------------------------------------

MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda3 /home ext4 rw,relatime 0 0
server:/export/township /mnt/township nfs4 rw,relatime,vers=4.2 0 0
//fileserver/扶贫办 /mnt/office\\040share cifs rw,relatime,vers=3.0 0 0
/dev/sdb1 /mnt/township/local-disk ext4 rw,relatime 0 0
clerk@host:/data /home/clerk/remote fuse.sshfs rw,nosuid,nodev 0 0
"""


def test_linux_mount_types_from_proc_mounts():
    assert mount_type("/home/clerk/workbench.sqlite3", MOUNTS) == "ext4"
    assert mount_type("/mnt/township/db/workbench.sqlite3", MOUNTS) == "nfs4"
    assert mount_type("/mnt/township/local-disk/w.sqlite3", MOUNTS) == "ext4"  # the longest mount point wins
    assert mount_type("/mnt/office share/w.sqlite3", MOUNTS) == "cifs"  # \040 is a space
    assert mount_type("/mnt/townshipx/w.sqlite3", MOUNTS) == "ext4"  # a prefix of a name is not a parent
    assert mount_type("/home/clerk/remote/w.sqlite3", MOUNTS) == "fuse.sshfs"
    stacked = MOUNTS + "server2:/other /home nfs rw 0 0\n"
    assert mount_type("/home/clerk/workbench.sqlite3", stacked) == "nfs"  # the last mounted there is seen


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/home/clerk/workbench.sqlite3", False),
        ("/mnt/township/db/workbench.sqlite3", True),
        ("/mnt/township/local-disk/w.sqlite3", False),
        ("/mnt/office share/w.sqlite3", True),
        ("/home/clerk/remote/w.sqlite3", True),
    ],
)
def test_network_shares_on_linux(path, network):
    assert bool(where_on_network(path, platform="linux", mounts=MOUNTS)) is network


@pytest.mark.parametrize(
    ("path", "network"),
    [
        (r"\\fileserver\扶贫办\workbench.sqlite3", True),
        ("//fileserver/share/workbench.sqlite3", True),
        (r"\\?\UNC\fileserver\share\workbench.sqlite3", True),
        (r"\\?\C:\Users\clerk\workbench.sqlite3", False),
        (r"C:\Users\clerk\AppData\Local\workbench\workbench.sqlite3", False),
        (r"Z:\扶贫办\workbench.sqlite3", True),  # Z: is mapped to a share
        (r"z:\扶贫办\workbench.sqlite3", True),
        (r"D:\data\workbench.sqlite3", False),
    ],
)
def test_network_shares_on_windows(path, network):
    asked = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return 4 if root == "Z:\\" else 3  # DRIVE_REMOTE, DRIVE_FIXED

    assert bool(where_on_network(PureWindowsPath(path), platform="win32", drive_type=drive_type)) is network
    assert all(r.endswith(":\\") for r in asked)


def test_sqlite_on_a_network_share_is_refused_pointing_to_postgresql(tmp_path, monkeypatch, capsys):
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/mounts")
    share = tmp_path / "share"
    share.mkdir()
    fake = tmp_path / "mounts"
    fake.write_text(f"/dev/sda2 / ext4 rw 0 0\nserver:/export {share} nfs4 rw 0 0\n", encoding="utf-8")
    real_read = Path.read_text

    def read_text(self, *a, **k):
        return real_read(fake, *a, **k) if str(self) == "/proc/mounts" else real_read(self, *a, **k)

    monkeypatch.setattr(Path, "read_text", read_text)
    with pytest.raises(OnNetworkShare, match="PostgreSQL"):
        Database(share / "workbench.sqlite3")
    assert _cli(share / "workbench.sqlite3", "init") == 3
    error = json.loads(capsys.readouterr().out)["error"]
    assert "网络" in error and "postgresql+psycopg://" in error
    assert not (share / "workbench.sqlite3").exists()  # nothing made there
    Database(tmp_path / "local.sqlite3").dispose()  # beside it, on the local disk: fine


def test_store_operator_and_villages_are_asked_only_of_their_roles():
    with pytest.raises(InputRejected, match="超市"):
        users._check_places("store_operator", [], [])
    with pytest.raises(InputRejected, match="村"):
        users._check_places("village_clerk", [], [])
    users._check_places("clerk", [], [])
