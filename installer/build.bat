@echo off
rem Builds the Windows one-dir app into installer\dist\workbench, then the installer with NSIS (makensis) if found:
rem installer\Output\乡镇扶贫工作台-<版本>-安装程序.exe. Run from a checkout on Windows with Python 3.11+ (64-bit).
rem Optional: WORKBENCH_VERSION stamps another version; WORKBENCH_SIGN_PFX (+ WORKBENCH_SIGN_PASSWORD) signs the
rem program, the installer and the uninstaller (installer\sign.bat). See installer\README.md.
setlocal
chcp 65001 >nul
cd /d "%~dp0\.."
if not exist .venv\Scripts\python.exe (
  py -3 -m venv .venv || goto :error
)
.venv\Scripts\python.exe -m pip install -q --upgrade pip || goto :error
rem A clean build venv keeps test tools out of the bundle; the spec excludes them too.
.venv\Scripts\python.exe -m pip install -q ".[freeze]" || goto :error
.venv\Scripts\python.exe -m PyInstaller --noconfirm --clean --distpath installer\dist --workpath installer\build installer\workbench.spec || goto :error
set DESKTOP_SMOKE_LIBRARIES=1
installer\dist\workbench\workbench.exe --smoke || goto :error
if not "%WORKBENCH_SIGN_PFX%"=="" (
  call installer\sign.bat installer\dist\workbench\workbench.exe || goto :error
  set SIGN=/DSIGN
)
set VERSION=%WORKBENCH_VERSION%
if "%VERSION%"=="" (
  for /f "delims=" %%v in ('.venv\Scripts\python.exe -c "import desktop; print(desktop.__version__)"') do set VERSION=%%v
)
set MAKENSIS=
where makensis.exe >nul 2>nul && set MAKENSIS=makensis.exe
if "%MAKENSIS%"=="" if exist "%ProgramFiles(x86)%\NSIS\makensis.exe" set MAKENSIS="%ProgramFiles(x86)%\NSIS\makensis.exe"
if "%MAKENSIS%"=="" if exist "%ProgramFiles%\NSIS\makensis.exe" set MAKENSIS="%ProgramFiles%\NSIS\makensis.exe"
if "%MAKENSIS%"=="" (
  echo 未找到 NSIS（makensis.exe），只生成了 installer\dist\workbench。安装 NSIS 3 后再运行本脚本即可生成安装程序。
  exit /b 0
)
rem The same script scripts/installer_check.sh compiles on Linux; here with the Windows payload and LZMA.
%MAKENSIS% /V2 /INPUTCHARSET UTF8 /DVERSION=%VERSION% /DPAYLOAD=dist\workbench /DAPP_EXE=workbench.exe %SIGN% installer\workbench.nsi || goto :error
echo 安装程序：installer\Output\乡镇扶贫工作台-%VERSION%-安装程序.exe
exit /b 0
:error
echo 构建失败。
exit /b 1
