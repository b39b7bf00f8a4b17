@echo off
rem Sets everything up if needed, then opens the app on a demo database (login: admin / admin123).
setlocal
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
  py -3 -m venv .venv || python -m venv .venv || (echo 需要 Python 3.11 或更新版本 & exit /b 1)
)
if not exist .venv\.installed-run (
  .venv\Scripts\python.exe -m pip install -q -e . || exit /b 1
  echo ok> .venv\.installed-run
)
if "%DESKTOP_DB%"=="" set DESKTOP_DB=%~dp0var\demo.sqlite3
if not exist "%DESKTOP_DB%" (
  if not exist var mkdir var
  .venv\Scripts\python.exe -m desktop --db "%DESKTOP_DB%" init --demo 300 || exit /b 1
)
.venv\Scripts\python.exe -m desktop --db "%DESKTOP_DB%" %*
