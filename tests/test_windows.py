"""Windows habits tested on Linux: fonts in C:\\Windows\\Fonts, %LOCALAPPDATA% folders, UNC paths, files Windows
will not replace while they are open, a GBK console, and run.bat/test.bat against ./run and ./test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop import config
from desktop.config import RESOURCES
from desktop.db import (
    Database,
    FileInUse,
    OnNetworkShare,
    check_location,
    network_location,
)
from desktop.services.system import settings
from desktop.services.system.backup import (
    auto_backup,
    auto_backups,
    backup_database,
    default_backup_dir,
    restore_database,
)

ROOT = Path(__file__).resolve().parent.parent
FONTS = RESOURCES / "fonts"


# --- fonts --------------------------------------------------------------------------------------------------


@pytest.fixture
def fresh_fonts():
    """load_fonts resolves once per process: clear it around a test that changes where fonts are."""
    from desktop.reports.fonts import load_fonts

    load_fonts.cache_clear()
    yield load_fonts
    load_fonts.cache_clear()


def _ttc(path: Path, *members: Path) -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    from fontTools.ttLib.ttCollection import TTCollection

    collection = TTCollection()
    collection.fonts = [ttlib.TTFont(m) for m in members]
    collection.save(path, shareTables=False)


def _postscript_name(path: Path, index: int = 0) -> str:
    ttlib = pytest.importorskip("fontTools.ttLib")
    return ttlib.TTFont(path, fontNumber=index)["name"].getDebugName(6)


@pytest.fixture
def chinese_windows_fonts(tmp_path, monkeypatch):
    """A fake C:\\Windows\\Fonts with the files of a Chinese Windows (the bundled fonts under those names)."""
    windir = tmp_path / "Windows"
    fonts = windir / "Fonts"
    fonts.mkdir(parents=True)
    shutil.copyfile(FONTS / "WorkbenchSans-Regular.ttf", fonts / "simhei.ttf")
    shutil.copyfile(FONTS / "WorkbenchSans-Regular.ttf", fonts / "simfang.ttf")
    shutil.copyfile(FONTS / "WorkbenchSans-Regular.ttf", fonts / "simkai.ttf")
    shutil.copyfile(FONTS / "WorkbenchSerif-Bold.ttf", fonts / "FZXBSJW.TTF")
    # 宋体 and 新宋体 share simsun.ttc: the finder must read member 0, not the first font it meets in the file
    _ttc(fonts / "simsun.ttc", FONTS / "WorkbenchSerif-Regular.ttf", FONTS / "WorkbenchSans-Regular.ttf")
    monkeypatch.delenv("DESKTOP_FONT_DIRS", raising=False)
    monkeypatch.delenv("SystemRoot", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("WINDIR", str(windir))
    return fonts


def test_the_font_finder_takes_fangsong_and_xiaobiaosong_from_the_windows_fonts_folder(
    chinese_windows_fonts, fresh_fonts
):
    fonts = fresh_fonts()
    title, body = fonts.roles["title"], fonts.roles["body"]
    assert (title.path, title.display, title.bundled) == (
        chinese_windows_fonts / "FZXBSJW.TTF",
        "方正小标宋简体",
        False,
    )
    assert (body.path, body.display, body.bundled) == (chinese_windows_fonts / "simfang.ttf", "仿宋", False)
    assert fonts.roles["kai"].path.name == "simkai.ttf"
    assert fonts.roles["hei"].path.name == "simhei.ttf"
    described = fonts.describe()
    assert "标题（小标宋）：方正小标宋简体" in described
    assert "正文（仿宋）：仿宋" in described
    assert not any("内置字体" in line for line in described)


def test_a_ttc_collection_is_read_at_its_first_member(chinese_windows_fonts, fresh_fonts, tmp_path):
    from reportlab.pdfbase.ttfonts import TTFontFile
    from reportlab.pdfgen.canvas import Canvas

    fonts = fresh_fonts()
    song = fonts.roles["song"]
    assert (song.path.name, song.index, song.display) == ("simsun.ttc", 0, "宋体")
    serif = frozenset(TTFontFile(str(FONTS / "WorkbenchSerif-Regular.ttf")).charToGlyph)
    sans = frozenset(TTFontFile(str(FONTS / "WorkbenchSans-Regular.ttf")).charToGlyph)
    assert serif != sans
    assert fonts._coverage[song.name] == serif  # member 0's characters, not member 1's

    pdf = tmp_path / "song.pdf"
    canvas = Canvas(str(pdf))
    canvas.setFont(song.name, 12)
    canvas.drawString(72, 720, "扶贫工作台 宋体")
    canvas.save()
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        assert page.extract_text() == "扶贫工作台 宋体"
        # subset tag "ABCDEF+" before, ReportLab's subset number "-0" after the PostScript name
        used = {re.sub(r"-\d+$", "", c["fontname"].split("+")[-1]) for c in page.chars}
    expected = _postscript_name(chinese_windows_fonts / "simsun.ttc", 0)
    assert expected == _postscript_name(FONTS / "WorkbenchSerif-Regular.ttf")
    assert used == {expected}


def test_fonts_installed_for_one_user_are_found_too(tmp_path, monkeypatch, fresh_fonts):
    """Windows 10/11 installs a font "for me" into %LOCALAPPDATA%\\Microsoft\\Windows\\Fonts, often 小标宋."""
    user_fonts = tmp_path / "用户 张三" / "AppData" / "Local" / "Microsoft" / "Windows" / "Fonts"
    user_fonts.mkdir(parents=True)
    shutil.copyfile(FONTS / "WorkbenchSerif-Bold.ttf", user_fonts / "方正小标宋简体.TTF")
    monkeypatch.delenv("DESKTOP_FONT_DIRS", raising=False)
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("SystemRoot", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "用户 张三" / "AppData" / "Local"))
    fonts = fresh_fonts()
    assert fonts.roles["title"].path == user_fonts / "方正小标宋简体.TTF"
    assert fonts.roles["body"].bundled  # no 仿宋 here: the bundled face, and the preview says so
    assert any("内置字体" in line for line in fonts.describe())


# --- paths --------------------------------------------------------------------------------------------------


@pytest.fixture
def as_windows(tmp_path, monkeypatch):
    """sys.platform is win32 and %LOCALAPPDATA% is a profile whose name has Chinese characters and a space.
    platformdirs asks Windows itself (ctypes) for the folder; here it reads the environment variable."""
    import platformdirs.windows as pd_windows

    local = tmp_path / "Users" / "张三 (乡镇)" / "AppData" / "Local"
    local.mkdir(parents=True)
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.delenv("DESKTOP_DATA_DIR", raising=False)
    for name in ("_RESOLVE_WIN_FOLDER", "get_win_folder"):  # platformdirs ≥ 4.4 / older
        if hasattr(pd_windows, name):
            monkeypatch.setattr(pd_windows, name, pd_windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(sys, "platform", "win32")
    return local


def test_data_backups_and_log_live_in_localappdata_on_windows(as_windows):
    folder = as_windows / "TownshipWorkbench"  # the folder installer/workbench.nsi promises never to touch
    assert config.data_dir() == folder and folder.is_dir()
    assert config.default_database() == str(folder / "workbench.sqlite3")

    class Server:  # a PostgreSQL database has no file: its backups go to the data folder
        path = None

    assert default_backup_dir(Server()) == folder / "backups"

    from desktop.ui import app

    before = list(app.log.handlers)
    app.setup_logging()
    try:
        added = [h for h in app.log.handlers if h not in before]
        assert [Path(h.baseFilename) for h in added] == [folder / "desktop.log"]
    finally:
        for handler in added:
            app.log.removeHandler(handler)
            handler.close()


def test_the_data_folder_name_matches_the_installer():
    nsi = (ROOT / "installer" / "workbench.nsi").read_text(encoding="utf-8-sig")
    assert f'!define DATA_DIR_NAME "{config.APP_NAME}"' in nsi


def test_a_database_backup_and_restore_work_in_a_folder_with_chinese_characters_and_spaces(
    tmp_path, monkeypatch, admin
):
    folder = tmp_path / "张三 的 文档" / "扶贫 数据 (2026)"
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(folder))
    from desktop.services.system.actor import SYSTEM
    from desktop.services.system.users import create_user

    db = Database(config.default_database())
    try:
        db.upgrade()
        create_user(db, SYSTEM, admin.username, "admin-pass", "admin", display_name="管理员")
        first = auto_backup(db, "manual", now=datetime(2026, 11, 25, 8, 0, 0))
        assert first.path.parent == folder / "backups"
        settings.set_values(db, admin, {"notice.days": 9})
        safety = restore_database(db, admin, first.path)
        assert safety.parent == folder / "backups" and safety.is_file()
        assert settings.get(db, "notice.days") != 9
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "path",
    [
        r"\\server\share\x.db",
        r"\\乡政府服务器\扶贫 数据\workbench.sqlite3",
        r"\\?\UNC\server\share\workbench.sqlite3",
        "//server/share/workbench.sqlite3",
    ],
)
def test_unc_paths_are_network_shares(path):
    assert network_location(path, platform="win32") == "网络共享路径"


def test_mapped_and_local_drives():
    remote = {"Z:\\": 4, "C:\\": 3}  # GetDriveTypeW: DRIVE_REMOTE, DRIVE_FIXED
    local = r"C:\Users\张三 (乡镇)\AppData\Local\TownshipWorkbench\workbench.sqlite3"
    assert (
        network_location(r"z:\扶贫\workbench.sqlite3", platform="win32", drive_type=remote.get)
        == "网络驱动器 Z:"
    )
    assert network_location(local, platform="win32", drive_type=remote.get) is None


def test_a_database_on_a_unc_path_is_refused_in_chinese(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    path = Path(r"\\server\share\扶贫\workbench.sqlite3")
    with pytest.raises(OnNetworkShare) as refused:
        check_location(path)
    assert str(path) in str(refused.value) and "网络共享" in str(refused.value)


# --- files Windows will not replace while they are open -----------------------------------------------------


def _open_paths() -> set[str]:
    fds = Path("/proc/self/fd")
    found = set()
    for fd in fds.iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue
    return found


@pytest.fixture
def replace_checks_handles(monkeypatch):
    """os.replace as Windows sees it: it fails if this process still holds either file open."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to see open files")
    real = os.replace
    calls = []

    def replace(src, dst, *args, **kwargs):
        held = _open_paths() & {str(Path(src).resolve()), str(Path(dst).resolve())}
        calls.append((Path(src), Path(dst), held))
        if held:
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_backup_restore_and_rotation_close_their_files_before_replacing(
    db, admin, tmp_path, replace_checks_handles
):
    target = tmp_path / "备份 文件夹" / "手动备份.sqlite3"
    backup_database(db, target)
    backup_database(db, target)  # over an existing backup, as a clerk saving to the same name does
    settings.set_values(db, admin, {"backup.folder": str(tmp_path / "自动"), "backup.keep_days": 1})
    auto_backup(db, "exit", now=datetime(2026, 11, 25, 18, 0, 0))
    auto_backup(db, "exit", now=datetime(2026, 11, 28, 18, 0, 0))  # rotates the first one out
    restore_database(db, admin, target, backup_dir=tmp_path / "安全备份")
    assert str(target.resolve()) not in _open_paths()  # the clerk can move or delete the backup afterwards
    assert len(replace_checks_handles) >= 4
    assert all(not held for _, _, held in replace_checks_handles)
    assert not list(tmp_path.rglob("*.part"))


@pytest.fixture
def windows_refuses_replace(monkeypatch):
    """Another program holds the target open: Windows answers os.replace with WinError 5/32."""
    from desktop import db as db_module

    monkeypatch.setattr(db_module, "REPLACE_WAIT_SECONDS", 0)
    tries = []

    def replace(src, dst, *args, **kwargs):
        tries.append(Path(dst))
        raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(src), None, str(dst))

    monkeypatch.setattr(os, "replace", replace)
    return tries


def test_a_backup_over_a_file_open_elsewhere_names_it_and_changes_nothing(
    db, tmp_path, windows_refuses_replace
):
    target = tmp_path / "U盘 备份" / "扶贫台账备份.sqlite3"
    target.parent.mkdir()
    target.write_bytes(b"the backup someone has open in another program")
    with open(target, "rb"), pytest.raises(FileInUse) as refused:
        backup_database(db, target)
    message = str(refused.value)
    assert f"“{target}”" in message
    assert "正被另一个程序打开" in message and "关闭" in message
    assert target.read_bytes() == b"the backup someone has open in another program"
    assert not list(target.parent.glob("*.part"))
    assert len(windows_refuses_replace) > 1  # retried: an antivirus lets go after a moment


def test_the_cli_says_which_file_is_open_and_exits_3(
    db_url, tmp_path, cli_login, capsys, windows_refuses_replace
):
    from desktop.cli import main

    target = tmp_path / "备份.sqlite3"
    target.write_bytes(b"open in WPS")
    assert main(["--db", db_url, "backup", str(target)]) == 3
    err = capsys.readouterr().err
    assert f"“{target}”" in err and "正被另一个程序打开" in err
    assert "意外错误" not in err and "Traceback" not in err


def test_a_restore_whose_safety_backup_is_refused_leaves_the_database_alone(db, admin, tmp_path, monkeypatch):
    good = tmp_path / "good.sqlite3"
    backup_database(db, good)
    settings.set_values(db, admin, {"notice.days": 9})
    from desktop import db as db_module

    monkeypatch.setattr(db_module, "REPLACE_WAIT_SECONDS", 0)

    def replace(src, dst, *args, **kwargs):
        raise PermissionError(13, "拒绝访问。", str(src), None, str(dst))

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(FileInUse, match="before-restore"):
        restore_database(db, admin, good, backup_dir=tmp_path / "安全")
    assert settings.get(db, "notice.days") == 9  # not restored, not half restored


def test_rotation_skips_an_old_backup_that_is_open_elsewhere(db, admin, tmp_path, monkeypatch):
    folder = tmp_path / "自动备份"
    folder.mkdir()
    settings.set_values(db, admin, {"backup.folder": str(folder), "backup.keep_days": 7})
    now = datetime(2026, 11, 25, 18, 0, 0)
    held = folder / f"auto-daily-{now - timedelta(days=9):%Y%m%d-%H%M%S}.sqlite3"
    gone = folder / f"auto-daily-{now - timedelta(days=8):%Y%m%d-%H%M%S}.sqlite3"
    held.write_bytes(b"open in another program")
    gone.write_bytes(b"old")
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self == held:
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    result = auto_backup(db, "exit", now=now)
    assert result.path.is_file()  # the new backup is made whatever happens to the old ones
    assert result.removed == [gone] and result.kept_in_use == (held,)
    assert held.exists() and held in [p for _, p in auto_backups(folder)]


# --- a GBK console ------------------------------------------------------------------------------------------


def test_the_cli_survives_a_gbk_console(tmp_path):
    folder = tmp_path / "台账 ✓★—𠮷"
    folder.mkdir()
    env = {
        **os.environ,
        "PYTHONIOENCODING": "gbk",
        "DESKTOP_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    for name in ("DESKTOP_DB", "DESKTOP_USER", "DESKTOP_PASSWORD", "PYTHONUTF8"):
        env.pop(name, None)
    db = folder / "workbench.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), "init"], capture_output=True, env=env, cwd=ROOT
    )
    out, err = done.stdout.decode("gbk"), done.stderr.decode("gbk", errors="replace")
    assert done.returncode == 0, err
    assert "UnicodeEncodeError" not in out + err and "意外错误" not in out + err
    assert "数据库已就绪" in out
    assert "台账 ?★—?" in out  # GBK has ★ and —; ✓ and 𠮷 (Extension B) fall back to "?"

    missing = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(folder / "没有" / "x.sqlite3"), "check"],
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    text = missing.stdout.decode("gbk") + missing.stderr.decode("gbk")
    assert missing.returncode != 0 and "UnicodeEncodeError" not in text and "意外错误" not in text
    assert "数据库不存在" in text


def test_tolerate_unencodable_leaves_no_stream_strict(tmp_path):
    import io

    from desktop.console import tolerate_unencodable

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk")
    tolerate_unencodable(stream, None)
    stream.write("户主 张三 — ★ ✓ 𠮷\n")
    stream.flush()
    assert raw.getvalue().decode("gbk") == "户主 张三 — ★ ? ?\n"


# --- run.bat and test.bat do what ./run and ./test do ------------------------------------------------------


def _bat(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8").replace("\r\n", "\n")


def _sh(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_run_bat_takes_the_same_steps_as_run():
    run, bat = _sh("run"), _bat("run.bat")
    assert 'setup.sh" run' in run and "pip install -q -e ." in bat  # the app, without the test extras
    assert "var/demo.sqlite3" in run and r"var\demo.sqlite3" in bat
    demo = re.search(r"init --demo (\d+)", run).group(1)
    assert f"init --demo {demo}" in bat
    assert "DESKTOP_DB:-" in run and "%DESKTOP_DB%" in bat  # an explicit database wins
    assert run.rstrip().endswith('--db "$db" "$@"') and bat.rstrip().endswith('--db "%DESKTOP_DB%" %*')


def test_test_bat_takes_the_same_steps_as_test():
    test, bat = _sh("test"), _bat("test.bat")
    for check in re.findall(r"^ruff (check|format --check) (.+)$", test, re.M):
        assert f"ruff.exe {check[0]} {check[1]} || exit /b 1" in bat
    assert "QT_QPA_PLATFORM=offscreen" in test and "set QT_QPA_PLATFORM=offscreen" in bat
    assert "PYTHONDONTWRITEBYTECODE=1" in test and "set PYTHONDONTWRITEBYTECODE=1" in bat
    for name in re.search(r"^unset (.+)$", test, re.M).group(1).split():
        assert f"set {name}=\n" in bat
    pytest_args = "-m pytest -q -p no:cacheprovider"
    assert test.count(pytest_args) == 2 and bat.count(pytest_args) == 2  # SQLite, then PostgreSQL
    assert "DESKTOP_TEST_DATABASE=sqlite" in test and "set DESKTOP_TEST_DATABASE=sqlite" in bat
    assert "pip install -q -e .[test]" in bat
    # The frozen app and the installer: ./test checks them on Linux; on Windows build.bat builds both.
    steps = re.findall(r'^echo "== (.+?)"', test, re.M)
    assert [s.split()[0] for s in steps] == ["ruff", "frozen", "installer", "pytest", "pytest"]
    assert "installer\\build.bat" in bat
    build = _bat("installer/build.bat")
    assert "--smoke" in build and "workbench.nsi" in build


def test_the_installer_files_are_what_nsis_needs():
    nsi = (ROOT / "installer" / "workbench.nsi").read_bytes()
    assert nsi.startswith(b"\xef\xbb\xbf")  # makensis reads Chinese text from UTF-8 only with a BOM
    text = nsi.decode("utf-8-sig")
    for needed in (
        "RequestExecutionLevel user",
        r'InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"',
        'WriteRegStr HKCU "${UNINST_KEY}"',
        '!insertmacro MUI_LANGUAGE "SimpChinese"',
        '!define MUI_ICON "${ICON}"',
        "MUI_PAGE_LICENSE",
        'Section /o "桌面快捷方式"',
    ):
        assert needed in text
    uninstall = text.split('Section "Uninstall"', 1)[1]
    assert "DATA_DIR_NAME" not in uninstall.split("MessageBox", 1)[0]  # only named in the closing message
    assert 'RMDir /r "$INSTDIR"' not in uninstall  # never the whole folder: only what was installed
    licences = (ROOT / "installer" / "licenses.txt").read_bytes()
    assert (
        licences.startswith(b"\xef\xbb\xbf")
        and b"\r\n" in licences
        and b"\n" not in licences.replace(b"\r\n", b"")
    )
    from desktop.ui.about_dialog import LICENCES

    listed = licences.decode("utf-8-sig")
    for _part, licence in LICENCES:  # the installer shows the licences the 关于 window lists
        assert licence in listed
    assert not (ROOT / "installer" / "workbench.iss").exists()
