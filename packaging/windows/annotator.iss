; Inno Setup script of the Windows installer (release.yml runs it on a Windows runner):
;   iscc /DAppVersion=0.1.0 packaging\windows\annotator.iss
; Installs dist\annotator (the PyInstaller folder) per user or for all users, a Start menu
; entry, the file association of review snapshots (*.annotator.db, through .db's Open with) and an uninstaller that
; removes the program but never the user's databases (%LOCALAPPDATA%\annotator).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z annotator.iss
#endif

[Setup]
AppId={{6F0E2A1C-4B7D-4C1E-9A53-2D8E5B7F3A10}
AppName=Annotator
AppVersion={#AppVersion}
AppPublisher=Annotator developers
DefaultDirName={autopf}\Annotator
DefaultGroupName=Annotator
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Annotator-{#AppVersion}-windows-x64-setup
SetupIconFile=annotator.ico
UninstallDisplayIcon={app}\Annotator.exe
LicenseFile=..\debian\copyright
Compression=lzma2
SolidCompression=yes
ChangesAssociations=yes
WizardStyle=modern

[Files]
Source: "..\..\dist\annotator\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Annotator"; Filename: "{app}\Annotator.exe"
Name: "{group}\Uninstall Annotator"; Filename: "{uninstallexe}"

[Registry]
; Review snapshots (name.annotator.db) open in Annotator. Windows matches only the last
; extension (.db), which other programs own too: Annotator joins .db's "Open with" list and
; becomes the default for no one; a double-click on a snapshot offers it first.
Root: HKA; Subkey: "Software\Classes\.db\OpenWithProgids"; ValueType: string; ValueName: "Annotator.Snapshot"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Annotator.Snapshot"; ValueType: string; ValueName: ""; ValueData: "Annotator snapshot"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Annotator.Snapshot\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\Annotator.exe,0"
Root: HKA; Subkey: "Software\Classes\Annotator.Snapshot\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\Annotator.exe"" ""%1"""

[Run]
Filename: "{app}\Annotator.exe"; Description: "Start Annotator"; Flags: nowait postinstall skipifsilent
