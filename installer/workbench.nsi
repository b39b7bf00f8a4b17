; NSIS 3 script: installs 乡镇扶贫工作台 for the current user, without administrator rights.
; Saved as UTF-8 with a BOM so makensis reads the Chinese text on Windows and on Linux alike.
;
; Build (see README.md): makensis [/DPAYLOAD=<one-dir build>] [/DOUTFILE=<setup.exe>] [/DVERSION=x.y.z] workbench.nsi
;   Windows: installer\build.bat builds installer\dist\workbench with PyInstaller, then calls this script.
;   Linux:   scripts/installer_check.sh passes the Linux frozen folder (.cache/frozen/current) as the payload
;            and checks the installer's logic under Wine (install, upgrade, uninstall).
;
; The program goes to %LOCALAPPDATA%\Programs\乡镇扶贫工作台 (per user, no UAC prompt). The data (database,
; backups, log) live in %LOCALAPPDATA%\TownshipWorkbench (desktop/config.py): nothing here ever writes to or
; deletes that folder, so uninstalling or upgrading keeps it.
;
; Silent use (IT staff): setup.exe /S [/DESKTOP] [/D=C:\path]   —   uninstall.exe /S
;   /DESKTOP also makes the desktop shortcut; /D= must be last and unquoted (NSIS rule).

Target amd64-unicode  ; the app is 64-bit; a 64-bit installer also runs under Debian's wine64 without wine32
ManifestDPIAware true
ManifestSupportedOS all
RequestExecutionLevel user
; LZMA for delivery; scripts/installer_check.sh builds with zlib (4x faster, same logic). A 64 MB dictionary
; was tried: 1.3% smaller, 30% slower to build, not worth it.
!define /ifndef COMPRESSION "lzma"
SetCompressor /SOLID ${COMPRESSION}

!define /ifndef PAYLOAD "dist\workbench"
!define /ifndef VERSION "0.1.0"
!define /ifndef APP_EXE "workbench.exe"
!ifndef OUTFILE
  !system 'mkdir Output'  ; beside this script; makensis does not make folders (fails harmlessly if there)
  !define OUTFILE "Output\乡镇扶贫工作台-${VERSION}-安装程序.exe"
!endif
!define /ifndef ICON "..\resources\icons\workbench.ico"
!define /ifndef LICENSES "licenses.txt"
!define /ifndef SIGN_SCRIPT "${__FILEDIR__}\sign.bat"

; Optional code signing (build.bat passes /DSIGN when WORKBENCH_SIGN_PFX is set): the installer and the
; uninstaller it carries are signed as they are written. The program itself is signed by build.bat beforehand.
!ifdef SIGN
  !finalize '"${SIGN_SCRIPT}" "%1"' = 0
  !uninstfinalize '"${SIGN_SCRIPT}" "%1"' = 0
!endif

!define APP_NAME "乡镇扶贫工作台"
!define PUBLISHER "乡镇扶贫工作台开发组"
; A fixed id: a new version finds the old one under this key and installs over it in place.
!define APP_ID "{6F1B2C4E-3D5A-4E7B-9C1D-2A8F5E6B7C90}"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
; The data folder's name is APP_NAME in desktop/config.py (platformdirs: %LOCALAPPDATA%\<name>).
!define DATA_DIR_NAME "TownshipWorkbench"
!define UNINSTALLER "uninstall.exe"

Name "${APP_NAME}"
Caption "${APP_NAME} ${VERSION} 安装"
UninstallCaption "${APP_NAME} 卸载"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "欢迎安装${APP_NAME}"
!define MUI_WELCOMEPAGE_TEXT "本向导将把${APP_NAME} ${VERSION} 安装到您的用户目录，不需要管理员权限。$\r$\n$\r$\n您的数据（数据库、备份和日志）保存在 $LOCALAPPDATA\${DATA_DIR_NAME}，安装、升级和卸载都不会改动它。$\r$\n$\r$\n请先关闭正在运行的${APP_NAME}，然后点击“下一步”。"
!insertmacro MUI_PAGE_WELCOME
; The licences are notices (fonts, Qt, Python libraries), not terms to accept: a plain "next" button.
!define MUI_LICENSEPAGE_TEXT_TOP "本程序包含的第三方组件及其许可证："
!define MUI_LICENSEPAGE_TEXT_BOTTOM "完整的许可证文本随程序一同安装。点击“下一步”继续。"
!define MUI_LICENSEPAGE_BUTTON "下一步(&N) >"
!insertmacro MUI_PAGE_LICENSE "${LICENSES}"
!define MUI_PAGE_CUSTOMFUNCTION_LEAVE CheckInstDir
!insertmacro MUI_PAGE_DIRECTORY
!define MUI_COMPONENTSPAGE_SMALLDESC
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即启动${APP_NAME}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

; --- install ---------------------------------------------------------------------------------------

Section "!${APP_NAME}（必需）" SecProgram
  SectionIn RO
  Call CheckInstDir
  Call CheckNotRunning
  SetOutPath "$INSTDIR"
  ; Upgrade: the old build's Python and Qt files go first (a stale DLL breaks a one-dir build). Only _internal.
  RMDir /r "$INSTDIR\_internal"
  SetOverwrite on
  File /r "${PAYLOAD}\*.*"
  File "/oname=许可证说明.txt" "${LICENSES}"

  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0

  ; Start menu (per user): the program and its uninstaller.
  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortCut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortCut "$SMPROGRAMS\${APP_NAME}\卸载${APP_NAME}.lnk" "$INSTDIR\${UNINSTALLER}"

  ; 离线数据包 (.wbpack): a double-click opens the village counter on it (`counter open`), per user like the rest.
  WriteRegStr HKCU "Software\Classes\.wbpack" "" "Workbench.CounterPack"
  WriteRegStr HKCU "Software\Classes\Workbench.CounterPack" "" "扶贫超市离线数据包"
  WriteRegStr HKCU "Software\Classes\Workbench.CounterPack\DefaultIcon" "" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "Software\Classes\Workbench.CounterPack\shell\open\command" "" '"$INSTDIR\${APP_EXE}" "%1"'
SectionEnd

Section /o "桌面快捷方式" SecDesktop
  CreateShortCut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "程序本身和开始菜单快捷方式。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面上放一个${APP_NAME}的快捷方式。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ; An upgrade keeps the desktop shortcut if the old install had one; /DESKTOP asks for it (silent installs).
  ${If} ${FileExists} "$DESKTOP\${APP_NAME}.lnk"
    !insertmacro SelectSection ${SecDesktop}
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DESKTOP" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecDesktop}
  ${EndIf}
FunctionEnd

; Never install into the data folder (the uninstaller would then remove program files from it) or above it.
Function CheckInstDir
  StrCpy $R9 "$LOCALAPPDATA\${DATA_DIR_NAME}"
  StrLen $R8 $R9
  StrCpy $R7 "$INSTDIR" $R8
  StrLen $R6 "$INSTDIR"
  StrCpy $R5 $R9 $R6
  ${If} $R7 == $R9
  ${OrIf} $R5 == "$INSTDIR"
    MessageBox MB_OK|MB_ICONSTOP "不能安装到数据文件夹 $R9 或包含它的文件夹，请另选一个位置。" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

; Windows cannot overwrite a running program: say so instead of failing halfway through the copy.
Function CheckNotRunning
  ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
    retry:
    ClearErrors
    FileOpen $0 "$INSTDIR\${APP_EXE}" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME}正在运行。请先关闭它（保存好正在录入的内容），再点击“重试”。" /SD IDCANCEL IDRETRY retry
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
FunctionEnd

; --- uninstall -------------------------------------------------------------------------------------
; Removes only what the installer put into the program folder, the shortcuts and the registry key. The data
; folder is deliberately absent: %LOCALAPPDATA%\TownshipWorkbench stays as it is.

Function un.onInit
  ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
    retry:
    ClearErrors
    FileOpen $0 "$INSTDIR\${APP_EXE}" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME}正在运行。请先关闭它，再点击“重试”。" /SD IDCANCEL IDRETRY retry
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\卸载${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\许可证说明.txt"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"  ; only if now empty: files someone else put there stay

  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\Classes\Workbench.CounterPack"
  ReadRegStr $0 HKCU "Software\Classes\.wbpack" ""
  StrCmp $0 "Workbench.CounterPack" 0 +2  ; the extension only if it is still ours
    DeleteRegKey HKCU "Software\Classes\.wbpack"
  MessageBox MB_OK|MB_ICONINFORMATION "程序已卸载。您的数据（数据库、备份和日志）保留在：$\r$\n$LOCALAPPDATA\${DATA_DIR_NAME}$\r$\n重新安装后会自动使用这些数据；确实不再需要时可手动删除该文件夹。" /SD IDOK
SectionEnd
