#!/usr/bin/env bash
# Builds the frozen app (installer/workbench.spec) unless a build of exactly these sources is cached, then starts
# it offscreen with --smoke: it must print "ready" and exit 0. Prints the bundle's size.
# Cache: .cache/frozen/<hash of the sources, the spec and the installed packages>/workbench; .cache/frozen/current
# points at the folder last checked (scripts/installer_check.sh packs it into the NSIS installer).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=.venv/bin/python
# Only what PyInstaller reads: the NSIS script, the README and build.bat do not change the frozen folder.
key=$( { find desktop resources installer/workbench.spec installer/launch.py installer/build.sh pyproject.toml \
           -type f -not -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum;
         "$py" -m pip freeze 2>/dev/null; "$py" -V; } | sha256sum | cut -c1-16)
cache=.cache/frozen
app="$cache/$key/workbench/workbench"
if [ ! -x "$app" ]; then
  echo "正在构建冻结版（PyInstaller，约1～2分钟）……"
  rm -rf "$cache" && mkdir -p "$cache/$key"
  log="$cache/$key/build.log"
  if ! installer/build.sh "$cache/$key" >"$log" 2>&1; then
    tail -n 40 "$log"; echo "冻结版构建失败（完整日志：$log）"; exit 1
  fi
else
  echo "使用缓存的冻结版（$key）"
fi
# The first check of a build also runs the library checks (DESKTOP_SMOKE_LIBRARIES, see smoke_libraries in
# desktop/ui/app.py) and the command-line paths below; a cached build only opens the window.
full=$([ -f "$cache/$key/paths.ok" ] || echo 1)
out=$(QT_QPA_PLATFORM=offscreen DESKTOP_SMOKE_LIBRARIES=$full timeout 180 "$app" --smoke 2>"$cache/$key/smoke.err") || {
  cat "$cache/$key/smoke.err"; echo "冻结版自检失败"; exit 1; }
[ "$out" = ready ] || { echo "冻结版自检输出“$out”，应为 ready"; cat "$cache/$key/smoke.err"; exit 1; }
if [ -n "$full" ]; then
  # Once per build: the command-line paths through the libraries the spec trims around (password hashing,
  # calamine and pypinyin, ReportLab with the bundled fonts, openpyxl, the PostgreSQL driver and libpq, the
  # counter pack's signature).
  echo "冻结版：检查命令行的导入、打印、导出和 PostgreSQL 驱动……"
  t=$(mktemp -d /tmp/workbench-paths.XXXXXX)
  db="$t/paths.sqlite3"
  wb() { QT_QPA_PLATFORM=offscreen DESKTOP_DATA_DIR="$t" DESKTOP_USER=admin DESKTOP_PASSWORD=smoke-pass-1 \
    timeout 180 "$app" "$@" >>"$t/out" 2>&1; }
  fail_path() { cat "$t/out"; rm -rf "$t"; echo "冻结版命令失败：$*"; exit 1; }
  wb --db "$db" init --admin admin --password smoke-pass-1 || fail_path init
  wb --db "$db" import roster tests/data/roster-small.xlsx || fail_path import roster
  wb --db "$db" print ledger households --out "$t/ledger.pdf" || fail_path print ledger
  wb --db "$db" print ledger households --xlsx "$t/ledger.xlsx" || fail_path print ledger --xlsx
  wb --db "$db" export roster "$t/roster.xlsx" || fail_path export roster
  wb --db "$db" print chart points --out "$t/points.pdf" || fail_path print chart
  # The village counter's packs: signed and checked (desktop/ed25519.py).
  wb --db "$db" stores add S01 一村超市 || fail_path stores add
  wb --db "$db" users add op1 --role store_operator --store S01 --new-password smoke-pass-2 || fail_path users add
  wb --db "$db" counter pack --store S01 --days 3 --out "$t/S01.wbpack" || fail_path counter pack
  wb counter open "$t/S01.wbpack" --no-window || fail_path counter open
  # No server on port 1: the driver must load and report the connection error (exit 1), not fail to import.
  rc=0; wb --db "postgresql+psycopg://nobody@127.0.0.1:1/x" households list || rc=$?
  grep -q 连不上数据库服务器 "$t/out" || fail_path "PostgreSQL 驱动（退出码 $rc）"
  rm -rf "$t"
  touch "$cache/$key/paths.ok"
fi
ln -sfn "$key/workbench" "$cache/current"
echo "冻结版自检通过：ready；程序目录 $(du -sh "$cache/$key/workbench" | cut -f1)（各部分：$py bench/bench_bundle.py）"
