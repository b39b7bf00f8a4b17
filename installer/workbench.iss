; Inno Setup 6 script: installs 乡镇扶贫工作台 for the current user, without administrator rights.
; Build on Windows after PyInstaller (installer\build.bat does both):  ISCC.exe installer\workbench.iss
; The program goes to %LOCALAPPDATA%\Programs\乡镇扶贫工作台; the data (database, backups, log) live in
; %LOCALAPPDATA%\TownshipWorkbench, which this installer never touches: uninstalling or upgrading keeps them.

#define AppName "乡镇扶贫工作台"
#define AppVersion GetEnv("WORKBENCH_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif
#define AppExe "workbench.exe"

[Setup]
; A fixed AppId makes a new version upgrade the old one in place instead of installing beside it.
AppId={{6F1B2C4E-3D5A-4E7B-9C1D-2A8F5E6B7C90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=乡镇扶贫工作台开发组
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=6.1sp1
OutputDir=Output
OutputBaseFilename=乡镇扶贫工作台-{#AppVersion}-安装程序
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
SetupIconFile=..\resources\icons\workbench.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
CloseApplications=yes
RestartApplications=no

[Languages]
; ChineseSimplified ships with Inno Setup 6.3+ as an unofficial translation; copy it into Languages\ if missing.
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "快捷方式："

[Files]
; Replaces the program folder's files on upgrade; files the user made elsewhere are not listed, so never touched.
Source: "dist\workbench\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade removes the old build's Python and Qt files first (stale DLLs break a one-dir build). Only {app}.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{userprograms}\{#AppName}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{userprograms}\{#AppName}\卸载{#AppName}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "立即启动{#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program folder holds. The data folder (%LOCALAPPDATA%\TownshipWorkbench) is deliberately absent.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    MsgBox('程序已卸载。您的数据（数据库、备份和日志）保留在：' + #13#10 +
           ExpandConstant('{localappdata}\TownshipWorkbench') + #13#10 +
           '重新安装后会自动使用这些数据；确实不再需要时可手动删除该文件夹。', mbInformation, MB_OK);
end;
