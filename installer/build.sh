#!/usr/bin/env bash
# Builds the one-dir app with PyInstaller into installer/dist/workbench (Linux; for the smoke test and as a check
# that the spec is complete). On Windows use build.bat, which also compiles the NSIS installer (see README.md).
# Usage: installer/build.sh [DIST_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:-$root/installer/dist}
work=$(mktemp -d /tmp/workbench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/.venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$dist" --workpath "$work" "$root/installer/workbench.spec"
echo "$dist/workbench"
