@echo off
rem Signs one file with signtool (Windows SDK). Used by build.bat and, through workbench.nsi's !finalize and
rem !uninstfinalize, for the installer and its uninstaller. Needs:
rem   WORKBENCH_SIGN_PFX       the code-signing certificate (.pfx)
rem   WORKBENCH_SIGN_PASSWORD  its password (leave unset if it has none)
rem   WORKBENCH_SIGN_TIMESTAMP optional, default http://timestamp.digicert.com
setlocal
if "%WORKBENCH_SIGN_PFX%"=="" (echo 未设置 WORKBENCH_SIGN_PFX，不能签名 & exit /b 1)
set TS=%WORKBENCH_SIGN_TIMESTAMP%
if "%TS%"=="" set TS=http://timestamp.digicert.com
set SIGNTOOL=signtool.exe
where signtool.exe >nul 2>nul || (
  for /f "delims=" %%s in ('dir /b /s "%ProgramFiles(x86)%\Windows Kits\10\bin\*x64\signtool.exe" 2^>nul') do set SIGNTOOL="%%s"
)
if "%WORKBENCH_SIGN_PASSWORD%"=="" (
  %SIGNTOOL% sign /fd SHA256 /tr %TS% /td SHA256 /f "%WORKBENCH_SIGN_PFX%" "%~1" || exit /b 1
) else (
  %SIGNTOOL% sign /fd SHA256 /tr %TS% /td SHA256 /f "%WORKBENCH_SIGN_PFX%" /p "%WORKBENCH_SIGN_PASSWORD%" "%~1" || exit /b 1
)
exit /b 0
