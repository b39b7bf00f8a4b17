#!/usr/bin/env bash
# Sets up what ./run and ./test need on a Debian/Ubuntu machine: system packages, a .venv, the app.
# Usage: scripts/setup.sh run|test      (idempotent: quick when everything is already there)
set -euo pipefail
mode=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { printf '%s\n' "$*" >&2; }

# --- system packages --------------------------------------------------------------------------------
qt_pkgs="libegl1 libgl1 libglx0 libopengl0 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
 libx11-6 libxcb1 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0 fonts-lxgw-wenkai fonts-wqy-microhei"
test_pkgs="xvfb xauth poppler-utils postgresql"
# Compile the NSIS installer and run it under Wine (scripts/installer_check.sh): 64-bit only, no wine32/i386.
# Installed when possible; without them (no root, another architecture) that check says so and is skipped.
installer_pkgs="nsis wine wine64"
pkgs="$qt_pkgs"
[ "$mode" = test ] && pkgs="$pkgs $test_pkgs"
optional=""
[ "$mode" = test ] && [ "$(uname -m)" = x86_64 ] && optional="$installer_pkgs"

pick_python() {
  for p in python3.13 python3.12 python3.11 python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  return 1
}

missing=""
missing_optional=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  for p in $optional; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_optional="$missing_optional $p"
  done
  py=$(pick_python || true)
  if [ -n "$py" ] && ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing="$missing python3-venv"
  fi
else
  say "不是 Debian/Ubuntu 系统：请自行安装 Qt 运行库、中文字体、xvfb、poppler-utils 和 PostgreSQL。"
fi
sudo=none
if [ -n "$missing$missing_optional" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; fi
fi
if [ -n "$missing" ]; then
  if [ "$sudo" = none ]; then
    say "需要安装系统软件包，但没有 root 或 sudo 权限。请运行："
    say "  sudo apt-get update && sudo apt-get install -y$missing$missing_optional"
    exit 1
  fi
  say "正在安装系统软件包：$missing"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi
if [ -n "$missing_optional" ]; then
  if [ "$sudo" = none ]; then
    say "没有 root 或 sudo 权限，未安装$missing_optional：安装程序检查将跳过。"
  else
    say "正在安装系统软件包：$missing_optional"
    export DEBIAN_FRONTEND=noninteractive
    [ -n "$missing" ] || $sudo apt-get update -qq >&2
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing_optional >&2 ||
      say "未能安装$missing_optional：安装程序检查将跳过。"
  fi
fi

py=$(pick_python) || { say "需要 Python 3.11 或更新版本。"; exit 1; }

# --- virtual environment ---------------------------------------------------------------------------
stamp=".venv/.installed-$mode"
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ]; then
  say "正在创建 .venv（$py）"
  "$py" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "正在安装 Python 依赖（首次需要几分钟）"
  .venv/bin/python -m pip install -q --upgrade pip >&2
  if [ "$mode" = test ]; then extra=".[test,freeze]"; else extra="."; fi
  .venv/bin/python -m pip install -q -e "$extra" >&2
  echo "$want" > "$stamp"
  [ "$mode" = test ] && echo "$want" > .venv/.installed-run
fi
exit 0
