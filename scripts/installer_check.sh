#!/usr/bin/env bash
# Compiles the NSIS installer (installer/workbench.nsi) unless one of exactly these inputs is cached, then checks
# its logic under Wine in a throwaway prefix, headless: silent install, files, Start-menu shortcuts and the HKCU
# uninstall key; a file in the data folder; an upgrade over it (old _internal replaced, data untouched); the data
# folder refused as an install target; silent uninstall (program folder, shortcuts and key gone, data kept).
#
# The payload is the Linux frozen folder that scripts/frozen_smoke.sh leaves at .cache/frozen/current (what is
# tested is the installer, not the program: the Windows payload comes from installer\build.bat on a Windows PC).
# Built with zlib here (about 5x faster than the release's LZMA, same script otherwise); INSTALLER_COMPRESSION=lzma
# builds exactly what build.bat builds.
# Usage: scripts/installer_check.sh [PAYLOAD_DIR]          Cache: .cache/installer/<hash of the inputs>/workbench-setup.exe
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$SECONDS

skip() { echo "跳过安装程序检查：$*"; exit 0; }
for tool in makensis wine wineboot wineserver; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "找不到 $tool（Debian/Ubuntu：apt-get install nsis wine wine64；scripts/setup.sh test 会安装它们）。"
done
[ "$(uname -m)" = x86_64 ] || skip "安装程序是 64 位 x86 程序，本机（$(uname -m)）上的 Wine 运行不了它。"

payload=${1:-.cache/frozen/current}
[ -d "$payload" ] || { echo "找不到冻结版程序目录 $payload：请先运行 scripts/frozen_smoke.sh"; exit 1; }
payload=$(cd "$payload" && pwd -P)
exe=workbench.exe
[ -f "$payload/$exe" ] || exe=workbench # the Linux frozen folder's program has no .exe
[ -f "$payload/$exe" ] || { echo "$payload 里没有 workbench.exe 或 workbench"; exit 1; }
compression=${INSTALLER_COMPRESSION:-zlib}
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' desktop/__init__.py)

key=$( { sha256sum installer/workbench.nsi installer/licenses.txt resources/icons/workbench.ico;
         (cd "$payload" && find -L . -type f -printf '%P %s %T@\n' | LC_ALL=C sort);
         echo "$compression $version $exe"; makensis -VERSION; } | sha256sum | cut -c1-16)
cache=.cache/installer
setup="$root/$cache/$key/workbench-setup.exe"
if [ ! -f "$setup" ]; then
  echo "正在编译安装程序（NSIS，$compression，约1分钟）……"
  rm -rf "$cache" && mkdir -p "$cache/$key"
  t=$SECONDS
  if ! makensis -V2 -INPUTCHARSET UTF8 -DPAYLOAD="$payload" -DAPP_EXE="$exe" -DVERSION="$version" \
      -DCOMPRESSION="$compression" -DOUTFILE="$setup" installer/workbench.nsi >"$cache/$key/build.log" 2>&1; then
    tail -n 40 "$cache/$key/build.log"; rm -f "$setup"; echo "安装程序编译失败（完整日志：$cache/$key/build.log）"
    exit 1
  fi
  echo "编译用时 $((SECONDS - t)) 秒"
else
  echo "使用缓存的安装程序（$key）"
fi
size=$(stat -c %s "$setup")
echo "安装程序大小：$((size / 1024 / 1024)) MB（$size 字节，$compression 压缩；程序目录 $(du -sh "$payload" | cut -f1)）"

# --- Wine: a throwaway prefix and home, no display, no menu entries written into the real home -------------
tmp=$(mktemp -d /tmp/workbench-wine.XXXXXX)
export WINEPREFIX="$tmp/prefix" HOME="$tmp/home" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
cleanup() { wineserver -k >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$HOME"
wineboot -i >"$tmp/wineboot.log" 2>&1 || { cat "$tmp/wineboot.log"; echo "wineboot 失败"; exit 1; }
wineserver -w

fail() { echo "安装程序检查失败：$*"; exit 1; }
user=$(id -un)
users="$WINEPREFIX/drive_c/users/$user"
[ -d "$users" ] || fail "Wine 前缀里没有用户文件夹 $users"
app=乡镇扶贫工作台
local_win="C:\\users\\$user\\AppData\\Local"
prog="$users/AppData/Local/Programs/$app"
prog_win="$local_win\\Programs\\$app"
data="$users/AppData/Local/TownshipWorkbench"
menu="$users/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/$app"
desktop="$users/Desktop/$app.lnk"
key_path='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{6F1B2C4E-3D5A-4E7B-9C1D-2A8F5E6B7C90}'

run() {  # a Windows program, waited for (with everything it started); prints nothing, returns its exit code
  local rc=0
  wine "$@" >>"$tmp/wine.log" 2>&1 || rc=$?
  wineserver -w
  return "$rc"
}
reg_value() {  # the uninstall key's value $1 (reg export writes UTF-16; reg query would print ??? for Chinese)
  wine reg export "$key_path" 'C:\key.reg' /y >/dev/null 2>&1 || return 1
  iconv -f UTF-16 -t UTF-8 "$WINEPREFIX/drive_c/key.reg" | tr -d '\r' | sed -n "s/^\"$1\"=//p"
}
same_files() {  # the program folder holds exactly the payload (plus the uninstaller and the licence notice)
  diff <(cd "$payload" && find -L . -type f | LC_ALL=C sort) \
    <(cd "$prog" && find . -type f ! -name uninstall.exe ! -name 许可证说明.txt | LC_ALL=C sort) >"$tmp/diff" ||
    { head -n 20 "$tmp/diff"; fail "程序文件夹与冻结版不一致"; }
  cmp -s "$payload/$exe" "$prog/$exe" || fail "$exe 与冻结版不同"
}

echo "Wine：静默安装 /S"
run "$setup" /S || fail "安装程序退出码 $?"
same_files
[ -f "$prog/uninstall.exe" ] || fail "没有卸载程序 uninstall.exe"
[ -f "$menu/$app.lnk" ] && [ -f "$menu/卸载$app.lnk" ] || fail "开始菜单里缺少快捷方式（$menu）"
[ ! -e "$desktop" ] || fail "没有选桌面快捷方式，却建了一个"
wine reg query "$key_path" >/dev/null 2>&1 || fail "HKCU 里没有卸载信息 $key_path"
pack_key='HKCU\Software\Classes\Workbench.CounterPack\shell\open\command'
wine reg query 'HKCU\Software\Classes\.wbpack' >/dev/null 2>&1 && wine reg query "$pack_key" >/dev/null 2>&1 ||
  fail "没有登记 .wbpack（双击离线数据包打开兑换台）"
[ "$(reg_value DisplayName)" = "\"$app\"" ] || fail "DisplayName 是 $(reg_value DisplayName)"
[ "$(reg_value DisplayVersion)" = "\"$version\"" ] || fail "DisplayVersion 是 $(reg_value DisplayVersion)"
[ "$(reg_value InstallLocation)" = "\"${prog_win//\\/\\\\}\"" ] || fail "InstallLocation 是 $(reg_value InstallLocation)"
reg_value UninstallString | grep -q 'uninstall.exe' || fail "UninstallString 不对"
[ ! -e "$data" ] || fail "安装程序不该创建数据文件夹"

echo "Wine：数据文件夹里放一个文件，再覆盖安装（升级，/DESKTOP 加桌面快捷方式）"
mkdir -p "$data/backups"
echo "户主 张三 — 不能丢的数据" >"$data/workbench.sqlite3"
echo backup >"$data/backups/auto-daily-20260101-080000.sqlite3"
(cd "$data" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) >"$tmp/data.sum"
touch "$prog/_internal/stale-old-version.dll"
run "$setup" /S /DESKTOP || fail "升级安装退出码 $?"
[ ! -e "$prog/_internal/stale-old-version.dll" ] || fail "升级没有清掉旧版本的 _internal"
same_files
[ -f "$desktop" ] || fail "/DESKTOP 没有建桌面快捷方式"
(cd "$data" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) | cmp -s - "$tmp/data.sum" ||
  fail "升级改动了数据文件夹"

echo "Wine：拒绝安装到数据文件夹"
rc=0; run "$setup" /S "/D=$local_win\\TownshipWorkbench" || rc=$?
[ "$rc" != 0 ] || fail "安装到数据文件夹竟然成功了"
[ ! -e "$data/uninstall.exe" ] && [ ! -e "$data/_internal" ] || fail "安装程序往数据文件夹里写了文件"

echo "Wine：静默卸载"
# The uninstaller copies itself to %TEMP% and exits at once; _?= runs it in place and waits (NSIS's own way),
# from a copy so that it can delete the program folder, uninstall.exe included.
cp "$prog/uninstall.exe" "$tmp/prefix/drive_c/au.exe"
run 'C:\au.exe' /S "_?=$prog_win" || fail "卸载程序退出码 $?"
[ ! -e "$prog" ] || { find "$prog" | head; fail "卸载后程序文件夹还在"; }
[ ! -e "$menu" ] || fail "卸载后开始菜单文件夹还在"
[ ! -e "$desktop" ] || fail "卸载后桌面快捷方式还在"
! wine reg query "$key_path" >/dev/null 2>&1 || fail "卸载后 HKCU 卸载信息还在"
! wine reg query 'HKCU\Software\Classes\.wbpack' >/dev/null 2>&1 || fail "卸载后 .wbpack 的登记还在"
(cd "$data" && find . -type f -exec sha256sum {} + | LC_ALL=C sort) | cmp -s - "$tmp/data.sum" ||
  fail "卸载改动了数据文件夹（应原样保留）"

echo "安装程序检查通过：安装、升级、卸载均正确，数据文件夹原样保留；用时 $((SECONDS - start)) 秒"
