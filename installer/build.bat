@echo off
rem Builds the Windows one-dir app into installer\dist\workbench, then the installer with Inno Setup 6 if found.
rem Run from a checkout on Windows with Python 3.11+ (64-bit). See installer\README.md.
setlocal
cd /d "%~dp0\.."
if not exist .venv\Scripts\python.exe (
  py -3 -m venv .venv || goto :error
)
.venv\Scripts\python.exe -m pip install -q --upgrade pip || goto :error
rem A clean build venv keeps test tools out of the bundle; the spec excludes them too.
.venv\Scripts\python.exe -m pip install -q ".[freeze]" || goto :error
.venv\Scripts\python.exe -m PyInstaller --noconfirm --clean --distpath installer\dist --workpath installer\build installer\workbench.spec || goto :error
installer\dist\workbench\workbench.exe --smoke || goto :error
set ISCC="%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe"
if not exist %ISCC% set ISCC="%ProgramFiles%\Inno Setup 6\ISCC.exe"
if exist %ISCC% (
  %ISCC% installer\workbench.iss || goto :error
  echo 安装程序：installer\Output
) else (
  echo 未找到 Inno Setup 6，只生成了 installer\dist\workbench。安装 Inno Setup 后再运行本脚本即可生成安装程序。
)
exit /b 0
:error
echo 构建失败。
exit /b 1
