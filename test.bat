@echo off
rem Runs the suite on SQLite; also on PostgreSQL when DESKTOP_TEST_DATABASE names a server
rem (postgresql+psycopg://user:pw@host:port/postgres, a user allowed to create databases).
rem The same steps as ./test; the frozen app and the installer are built and checked by installer\build.bat.
setlocal
chcp 65001 >nul
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
  py -3 -m venv .venv || python -m venv .venv || (echo 需要 Python 3.11 或更新版本 & exit /b 1)
)
if not exist .venv\.installed-test (
  .venv\Scripts\python.exe -m pip install -q -e .[test] || exit /b 1
  echo ok> .venv\.installed-test
)
set QT_QPA_PLATFORM=offscreen
set PYTHONDONTWRITEBYTECODE=1
set PG=%DESKTOP_TEST_DATABASE%
set DESKTOP_DB=
set DESKTOP_USER=
set DESKTOP_PASSWORD=
echo == ruff
.venv\Scripts\ruff.exe check desktop tests bench scripts installer || exit /b 1
.venv\Scripts\ruff.exe format --check desktop tests bench scripts installer || exit /b 1
echo == pytest (SQLite)
set DESKTOP_TEST_DATABASE=sqlite
.venv\Scripts\python.exe -m pytest -q -p no:cacheprovider %* || exit /b 1
if not "%PG%"=="" (
  echo == pytest ^(PostgreSQL^)
  set DESKTOP_TEST_DATABASE=%PG%
  .venv\Scripts\python.exe -m pytest -q -p no:cacheprovider %* || exit /b 1
)
