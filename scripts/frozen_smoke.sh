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
out=$(QT_QPA_PLATFORM=offscreen timeout 180 "$app" --smoke 2>"$cache/$key/smoke.err") || {
  cat "$cache/$key/smoke.err"; echo "冻结版自检失败"; exit 1; }
[ "$out" = ready ] || { echo "冻结版自检输出“$out”，应为 ready"; cat "$cache/$key/smoke.err"; exit 1; }
ln -sfn "$key/workbench" "$cache/current"
echo "冻结版自检通过：ready；程序目录 $(du -sh "$cache/$key/workbench" | cut -f1)"
