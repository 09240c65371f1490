// The whole-stack policy as PowerShell: a remediation script (ps1, with
// -WhatIf and -Reboot), an Intune Remediation (detection and remediation
// scripts), a DSC configuration with the LCM's reboot flag, and the
// collection script. PowerShell does not run on the build machine: unit tests
// pin the structure.
#include <string>
#include <vector>

#include "emit/emit_policy_common.h"
#include "registry/reg_file.h"

namespace secproto::policy_emit {
namespace {

std::string PsValue(const RegValue& v) {
  if (auto d = v.AsDword()) return std::to_string(static_cast<int32_t>(*d));
  if (v.type == kRegMultiSz) {
    std::string s = "@(";
    bool first = true;
    for (const std::string& i : MultiSzItems(v)) {
      s += (first ? "" : ", ") + SingleQuote(i);
      first = false;
    }
    return s + ")";
  }
  return SingleQuote(SzText(v));
}

// The $Items table every script starts with.
std::string PsItems(const FleetPolicy& fp) {
  std::string s = "$Items = @(\n";
  for (size_t n = 0; n < fp.items.size(); ++n) {
    const FleetItem& i = fp.items[n];
    s += "    [pscustomobject]@{ Key = " + SingleQuote(SubkeyOf(i)) +
         "; Name = " + SingleQuote(i.name) +
         "; Kind = " + SingleQuote(i.value ? TypeNamesOf(*i.value).ps : "None") +
         "; Value = " + (i.value ? PsValue(*i.value) : "$null") +
         "; Remove = " + (i.value ? "$false" : "$true") +
         "; Reboot = " + (i.effect == Effect::kReboot ? "$true" : "$false") +
         "; Wow = " + (IsWow(i) ? "$true" : "$false") + " }" +
         (n + 1 < fp.items.size() ? "," : "") + "\n";
  }
  return s + ")\n";
}

// Reading and writing one item through RegistryKey (works from a 32-bit or a
// 64-bit PowerShell, and with '/' in key names such as "RC4 128/128").
constexpr std::string_view kPsCore = R"PS(
$View = [Microsoft.Win32.RegistryView]::Default
if ([Environment]::Is64BitOperatingSystem) { $View = [Microsoft.Win32.RegistryView]::Registry64 }
$Base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $View)
# The WOW6432Node twins exist on 64-bit Windows only.
$Active = @($Items | Where-Object { -not $_.Wow -or [Environment]::Is64BitOperatingSystem })

function Test-PolicyItem($Item) {
    $key = $Base.OpenSubKey($Item.Key)
    try {
        $has = ($null -ne $key) -and ($key.GetValueNames() -contains $Item.Name)
        if ($Item.Remove) { return (-not $has) }
        if (-not $has) { return $false }
        if ($key.GetValueKind($Item.Name).ToString() -ne $Item.Kind) { return $false }
        $data = $key.GetValue($Item.Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        if ($Item.Kind -eq 'DWord') { return ([int32]$data -eq [int32]$Item.Value) }
        if ($Item.Kind -eq 'MultiString') { return ((@($data) -join "`n") -ceq (@($Item.Value) -join "`n")) }
        return ([string]$data -ceq [string]$Item.Value)
    } finally {
        if ($null -ne $key) { $key.Close() }
    }
}

function Set-PolicyItem($Item) {
    if ($Item.Remove) {
        $key = $Base.OpenSubKey($Item.Key, $true)
        if ($null -ne $key) { $key.DeleteValue($Item.Name, $false); $key.Close() }
        return
    }
    # CreateSubKey opens an existing key as it is: its other values stay.
    $key = $Base.CreateSubKey($Item.Key)
    try {
        $kind = [Microsoft.Win32.RegistryValueKind]$Item.Kind
        if ($Item.Kind -eq 'DWord') { $data = [int32]$Item.Value }
        elseif ($Item.Kind -eq 'MultiString') { $data = [string[]]@($Item.Value) }
        else { $data = [string]$Item.Value }
        $key.SetValue($Item.Name, $data, $kind)
    } finally {
        $key.Close()
    }
}

function Show-PolicyItem($Item) { "HKLM\$($Item.Key)\$($Item.Name)" }
)PS";

// The remediation body of ps1 and Intune's remediate.ps1; `intune` changes
// only the reboot ending.
std::string RemediationBody(bool intune) {
  std::string s = R"PS(
try {
    $todo = @($Active | Where-Object { -not (Test-PolicyItem $_) })
    if ($todo.Count -eq 0) {
        Write-Output 'unchanged: every value of the policy is already in place'
        exit 0
    }
    $rebootNeeded = $false
    foreach ($i in $todo) {
        $target = Show-PolicyItem $i
        $action = if ($i.Remove) { 'Remove registry value' } else { "Set $($i.Kind) $($i.Value -join ',')" }
        if ($PSCmdlet.ShouldProcess($target, $action)) {
            Set-PolicyItem $i
            if ($i.Remove) { Write-Output "removed: $target" } else { Write-Output "set: $target ($($i.Kind))" }
            if ($i.Reboot) { $rebootNeeded = $true }
        }
    }
    if ($WhatIfPreference) { exit 0 }
    $bad = @($Active | Where-Object { -not (Test-PolicyItem $_) })
    if ($bad.Count -gt 0) {
        [Console]::Error.WriteLine("secproto: not compliant after the change: $(Show-PolicyItem $bad[0])")
        exit 1
    }
)PS";
  if (intune) {
    s += R"PS(    if ($rebootNeeded) {
        # Remediations have no reboot return code: exit 0 and say so in the
        # output Intune shows. As a Win32 app (-Win32App) exit 3010, which
        # Intune's Win32 app return codes treat as a soft reboot.
        Write-Output 'REBOOT REQUIRED: a changed value is read only at boot'
        if ($Win32App) { exit 3010 }
    }
    exit 0
)PS";
  } else {
    s += R"PS(    if ($rebootNeeded) {
        if ($Reboot) {
            Write-Output 'reboot: restarting the computer now (-Reboot)'
            Restart-Computer -Force
            exit 0
        }
        Write-Output 'reboot required: a changed value is read only at boot; restart the computer (or run again with -Reboot)'
    } else {
        Write-Output 'done: restart the services and applications that use TLS so that they read the new values'
    }
    exit 0
)PS";
  }
  s += R"PS(} catch {
    [Console]::Error.WriteLine("secproto: $($_.Exception.Message)")
    exit 1
}
)PS";
  return s;
}

std::string Ps1Text(const FleetPolicy& fp, bool intune) {
  std::vector<std::string> apply;
  if (intune) {
    apply = {"Intune Remediation script. Run it in 64-bit PowerShell as SYSTEM.",
             "Exit: 0 remediated (\"REBOOT REQUIRED\" in the output when a value read at boot "
             "changed), 1 failed. With -Win32App (the same script as a Win32 app's install "
             "command) it exits 3010, which Intune's Win32 app return codes treat as a soft "
             "reboot."};
  } else {
    apply = {"Apply: powershell -ExecutionPolicy Bypass -File <this file> [-WhatIf] [-Reboot]",
             "  -WhatIf shows what would change; -Reboot restarts the computer when a changed "
             "value is read only at boot."};
  }
  std::string s = PsBlockComment(
      PolicyHeader(fp, intune ? PolicyExportFormat::kIntune : PolicyExportFormat::kPs1, apply));
  s += "[CmdletBinding(SupportsShouldProcess = $true)]\n";
  if (intune) {
    s += "param(\n    # Exit 3010 (soft reboot) when a reboot is needed: for a Win32 app.\n"
         "    [switch]$Win32App\n)\n";
  } else {
    s += "param(\n    # Restart the computer when a changed value is read only at boot.\n"
         "    [switch]$Reboot\n)\n";
  }
  s += "$ErrorActionPreference = 'Stop'\n\n";
  s += PsItems(fp);
  s += kPsCore;
  s += RemediationBody(intune);
  return s;
}

std::string DetectText(const FleetPolicy& fp) {
  std::string s = PsBlockComment(PolicyHeader(
      fp, PolicyExportFormat::kIntune,
      {"Intune Remediation detection script: exit 0 compliant, exit 1 not compliant (Intune "
       "then runs remediate.ps1)."}));
  s += "$ErrorActionPreference = 'Stop'\n\n";
  s += PsItems(fp);
  s += kPsCore;
  s += R"PS(
try {
    $bad = @($Active | Where-Object { -not (Test-PolicyItem $_) })
    if ($bad.Count -eq 0) {
        Write-Output "compliant: $($Active.Count) values in place"
        exit 0
    }
    Write-Output ("not compliant: " + (($bad | ForEach-Object { Show-PolicyItem $_ }) -join '; '))
    exit 1
} catch {
    Write-Output "secproto: $($_.Exception.Message)"
    exit 1
}
)PS";
  return s;
}

std::string DscData(const RegValue& v) {
  if (auto d = v.AsDword()) return "'" + std::to_string(*d) + "'";
  return PsValue(v);
}

// A PowerShell expression that is $true when every reboot-class item is in
// place; inlined in the Script resource (its blocks run on their own).
std::string RebootClassTest(const FleetPolicy& fp) {
  std::string s;
  for (const FleetItem& i : fp.items) {
    if (i.effect != Effect::kReboot) continue;
    std::string path = "HKLM:\\" + SubkeyOf(i);
    if (!i.value) {
      s += "            if ($null -ne (Get-ItemProperty -LiteralPath " + SingleQuote(path) +
           " -Name " + SingleQuote(i.name) + " -ErrorAction SilentlyContinue)) { return $false }\n";
      continue;
    }
    s += "            $v = (Get-ItemProperty -LiteralPath " + SingleQuote(path) + " -Name " +
         SingleQuote(i.name) + " -ErrorAction SilentlyContinue)." + SingleQuote(i.name) + "\n";
    s += "            if ((@($v) -join \"`n\") -cne (@(" + PsValue(*i.value) +
         ") -join \"`n\")) { return $false }\n";
  }
  return s;
}

}  // namespace

Artifact EmitPolicyPs1(const FleetPolicy& fp) {
  return Artifact{false, {{"", Ps1Text(fp, false)}}};
}

Artifact EmitPolicyIntune(const FleetPolicy& fp) {
  std::string readme;
  readme += "secproto Intune Remediation: whole-stack TLS policy \"" + fp.policy + "\"\r\n\r\n";
  readme += "detect.ps1     detection script (exit 1 when a value differs)\r\n";
  readme += "remediate.ps1  remediation script\r\n\r\n";
  readme += "Settings: run this script using the logged-on credentials = No; run script in\r\n";
  readme += "64-bit PowerShell = Yes.\r\n\r\n";
  readme += RebootLine(fp) + "\r\n";
  readme +=
      "Remediations have no reboot return code (Microsoft Learn, \"Remediations\": do not\r\n";
  readme += "put reboot commands in detection or remediation scripts): remediate.ps1 exits 0\r\n";
  readme += "and writes \"REBOOT REQUIRED\" in its output; plan the restart (Windows Update\r\n";
  readme += "restart policy, or a Win32 app: run remediate.ps1 -Win32App as its install\r\n";
  readme += "command, and it exits 3010 = soft reboot in Win32 app return codes).\r\n";
  readme += "Made by secproto " + std::string(SECPROTO_VERSION) + ".\r\n";
  return Artifact{true,
                  {{"detect.ps1", DetectText(fp)},
                   {"remediate.ps1", Ps1Text(fp, true)},
                   {"README.txt", readme}}};
}

Artifact EmitPolicyDsc(const FleetPolicy& fp) {
  std::string s = PsBlockComment(PolicyHeader(
      fp, PolicyExportFormat::kDsc,
      {"Apply: . .\\<this file>; SecprotoLcm; Set-DscLocalConfigurationManager -Path "
       ".\\SecprotoLcm; SecprotoTlsPolicy; Start-DscConfiguration -Path .\\SecprotoTlsPolicy "
       "-Wait -Verbose",
       "Reboot: SecprotoRebootCheck records, before the Registry resources run, that a value "
       "read at boot is about to change; SecprotoReboot then sets $global:DSCMachineStatus = "
       "1, and the LCM reboots when RebootNodeIfNeeded is on (SecprotoLcm; PowerShell DSC: "
       "Reboot a Node)."}));
  bool reboot = fp.NeedsReboot();
  constexpr std::string_view kMarker = "SOFTWARE\\secproto\\DscRebootPending";
  s += "[DscLocalConfigurationManager()]\nConfiguration SecprotoLcm {\n";
  s += "    Node 'localhost' {\n        Settings {\n";
  s += "            RebootNodeIfNeeded = $true\n";
  s += "            ActionAfterReboot  = 'ContinueConfiguration'\n";
  s += "        }\n    }\n}\n\n";
  s += "Configuration SecprotoTlsPolicy {\n";
  s += "    param([string[]]$NodeName = 'localhost')\n";
  s += "    Import-DscResource -ModuleName PSDesiredStateConfiguration\n\n";
  s += "    Node $NodeName {\n";
  std::vector<std::string> names;
  if (reboot) {
    s += "        Script SecprotoRebootCheck {\n";
    s += "            GetScript = { @{ Result = 'reboot-class values of the policy' } }\n";
    s += "            TestScript = {\n" + RebootClassTest(fp) +
         "            return $true\n        }\n";
    s += "            SetScript = {\n";
    s += "                New-Item -Path " + SingleQuote("HKLM:\\" + std::string(kMarker)) +
         " -Force | Out-Null\n";
    s += "            }\n        }\n\n";
  }
  for (size_t n = 0; n < fp.items.size(); ++n) {
    const FleetItem& i = fp.items[n];
    std::string name = "SecprotoValue" + std::to_string(n + 1);
    names.push_back("'[Registry]" + name + "'");
    s += "        # " + std::string(AuditComponentName(ComponentOf(i.key, i.name))) + ": " +
         PhysicalKey(i.view, i.key) + "\\" + i.name + "\n";
    s += "        Registry " + name + " {\n";
    s += "            Key       = " + SingleQuote(LongRegKey(PhysicalKey(i.view, i.key))) + "\n";
    s += "            ValueName = " + SingleQuote(i.name) + "\n";
    if (i.value) {
      s += "            ValueType = '" + std::string(TypeNamesOf(*i.value).dsc) + "'\n";
      s += "            ValueData = " + DscData(*i.value) + "\n";
      s += "            Ensure    = 'Present'\n";
      s += "            Force     = $true\n";
    } else {
      s += "            Ensure    = 'Absent'\n";
    }
    if (reboot) s += "            DependsOn = '[Script]SecprotoRebootCheck'\n";
    s += "        }\n";
  }
  if (reboot) {
    std::string deps;
    for (const std::string& d : names) deps += (deps.empty() ? "" : ", ") + d;
    s += "\n        Script SecprotoReboot {\n";
    s += "            GetScript = { @{ Result = 'reboot when a value read at boot changed' } }\n";
    s += "            TestScript = { -not (Test-Path -LiteralPath " +
         SingleQuote("HKLM:\\" + std::string(kMarker)) + ") }\n";
    s += "            SetScript = {\n";
    s += "                Remove-Item -LiteralPath " +
         SingleQuote("HKLM:\\" + std::string(kMarker)) + " -Force\n";
    s += "                $global:DSCMachineStatus = 1\n";
    s += "            }\n";
    s += "            DependsOn = @(" + deps + ")\n";
    s += "        }\n";
  }
  s += "    }\n}\n";
  return Artifact{false, {{"", s}}};
}

std::string CollectPsBody(const FleetPolicy& fp) {
  std::string s = "$Keys = @(\n";
  std::vector<std::string> keys = CollectKeys(fp);
  for (size_t n = 0; n < keys.size(); ++n) {
    s += "    " + SingleQuote(keys[n]) + (n + 1 < keys.size() ? "," : "") + "\n";
  }
  s += ")\n";
  s += R"PS(
# secproto.exe present: its capture holds the whole stack in one JSON file.
$exe = Get-Command secproto.exe -ErrorAction SilentlyContinue
if ($null -ne $exe -and -not $RegOnly) {
    $json = [System.IO.Path]::ChangeExtension($OutFile, '.json')
    & $exe.Source --json policy capture | Set-Content -LiteralPath $json -Encoding UTF8
    if ($LASTEXITCODE -eq 0) { Write-Output "collected: $json"; exit 0 }
}

# Otherwise one `reg export` per key (a missing key exports nothing), joined
# into one .reg as `copy /b` would, after the OS facts the audit reads.
$cv = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$facts = "Windows Registry Editor Version 5.00`r`n`r`n" +
    "[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]`r`n"
foreach ($n in 'CurrentBuild', 'InstallationType', 'ProductName', 'DisplayVersion') {
    if ($null -ne $cv.$n) {
        $facts += '"' + $n + '"="' + ([string]$cv.$n).Replace('\', '\\').Replace('"', '\"') + "`"`r`n"
    }
}
$out = New-Object System.IO.MemoryStream
$bytes = [System.Text.Encoding]::Unicode.GetPreamble() + [System.Text.Encoding]::Unicode.GetBytes($facts + "`r`n")
$out.Write($bytes, 0, $bytes.Length)
$tmp = [System.IO.Path]::GetTempFileName()
try {
    foreach ($k in $Keys) {
        # Windows PowerShell turns a native command's redirected stderr into
        # errors: not under 'Stop'.
        $ErrorActionPreference = 'Continue'
        & reg.exe export $k $tmp /y /reg:64 *> $null
        $exported = ($LASTEXITCODE -eq 0)
        $ErrorActionPreference = 'Stop'
        if ($exported) {
            $part = [System.IO.File]::ReadAllBytes($tmp)
            $out.Write($part, 0, $part.Length)
        }
    }
} finally {
    Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
}
$folder = Split-Path -Parent $OutFile
if ($folder -and -not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
[System.IO.File]::WriteAllBytes($OutFile, $out.ToArray())
Write-Output "collected: $OutFile"
exit 0
)PS";
  return s;
}

Artifact EmitCollectPs1(const FleetPolicy& fp) {
  std::string s = PsBlockComment(PolicyHeader(
      fp, PolicyExportFormat::kCollectPs1,
      {"Collects, on one machine, exactly the keys `secproto audit --tls-policy` reads, into "
       "one file per machine: $OutFile (default \\\\server\\share\\<COMPUTERNAME>.reg).",
       "Where secproto.exe is on PATH it writes `secproto --json policy capture` beside it as "
       "<name>.json instead (-RegOnly: always the .reg).",
       "Run: powershell -ExecutionPolicy Bypass -File <this file> -OutFile "
       "\\\\server\\collected\\$env:COMPUTERNAME.reg",
       "Then: secproto audit \\\\server\\collected --tls-policy " + fp.policy}));
  s += "param(\n";
  s += "    [string]$OutFile = (Join-Path $env:TEMP \"$env:COMPUTERNAME.reg\"),\n";
  s += "    [switch]$RegOnly\n";
  s += ")\n$ErrorActionPreference = 'Stop'\n\n";
  s += CollectPsBody(fp);
  return Artifact{false, {{"", s}}};
}

}  // namespace secproto::policy_emit
