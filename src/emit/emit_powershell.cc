// PowerShell artifacts: a remediation script (ps1), an Intune Remediation
// (detection + remediation scripts), and a DSC configuration. PowerShell does
// not run on the build machine, so golden files pin these texts.
#include <string>
#include <vector>

#include "emit/emit_common.h"
#include "secproto/protocols.h"

namespace secproto::emit_internal {
namespace {

// The variables every script starts with.
std::string PsSettings(const ExportOptions& o) {
  std::string s;
  s += "$Name = 'DefaultSecureProtocols'\n";
  if (o.unset) {
    s += "$Remove = $true\n";
    s += "$Value = 0\n";
  } else {
    s += "$Remove = $false\n";
    s += "$Value = " + std::to_string(o.value) + "  # " + Hex(o.value) + ": " +
         ProtocolSet(o.value).Describe() + "\n";
  }
  s += "$HexValue = '" + (o.unset ? std::string("(removed)") : Hex(o.value)) + "'\n";
  if (std::vector<SchannelKey> keys = SchannelKeys(o); !keys.empty()) {
    s += "# SCHANNEL client keys, as Easy Fix 51044 writes them (KB3140245).\n";
    s += "$SchannelSubKeys = @(\n";
    for (size_t i = 0; i < keys.size(); ++i) {
      s += "    '" + keys[i].subkey + "'" + (i + 1 < keys.size() ? "," : "") + "\n";
    }
    s += ")\n";
    s += "$SchannelValues = [ordered]@{";
    bool first = true;
    for (const auto& [name, value] : kSchannelValues) {
      s += std::string(first ? " " : "; ") + std::string(name) + " = " + std::to_string(value);
      first = false;
    }
    s += " }\n";
  }
  return s;
}

// The SCHANNEL part of the remediation script (--with-schannel), spliced
// into kPs1Body at fixed anchors so that scripts without it stay as they were.
constexpr std::string_view kPs1SchannelFunctions = R"PS(
# Both SCHANNEL client values of one key (SYSTEM is not redirected: one view).
function Get-SchannelState([string]$Path) {
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    $state = [ordered]@{ path = $Path; key_exists = ($null -ne $key) }
    foreach ($n in $SchannelValues.Keys) {
        $state[$n] = $null
        if ($null -ne $key -and ($key.GetValueNames() -contains $n)) {
            $state[$n] = [pscustomobject]@{ kind = $key.GetValueKind($n).ToString(); data = $key.GetValue($n) }
        }
    }
    [pscustomobject]$state
}

function Test-SchannelCompliant($State) {
    foreach ($n in $SchannelValues.Keys) {
        $v = $State.$n
        if ($null -eq $v -or $v.kind -ne 'DWord' -or [int64]$v.data -ne $SchannelValues[$n]) { return $false }
    }
    return $true
}

$SchannelKeys = @($SchannelSubKeys | ForEach-Object { "HKLM:\$_" })
)PS";

constexpr std::string_view kPs1SchannelWrite = R"PS(    foreach ($s in $schannelTodo) {
        if ($PSCmdlet.ShouldProcess($s.path, 'Set SCHANNEL client Enabled=1, DisabledByDefault=0')) {
            if (-not $s.key_exists) { New-Item -Path $s.path -Force | Out-Null }
            foreach ($n in $SchannelValues.Keys) {
                New-ItemProperty -LiteralPath $s.path -Name $n -PropertyType DWord -Value $SchannelValues[$n] -Force | Out-Null
            }
            Write-Output "set: $($s.path) Enabled = 1, DisabledByDefault = 0 (REG_DWORD)"
        }
    }
)PS";

// kPs1Body with the SCHANNEL part spliced in.
std::string Ps1BodyWithSchannel(std::string body) {
  auto splice = [&body](std::string_view anchor, std::string_view text, bool before) {
    size_t at = body.find(anchor);
    if (at == std::string::npos) return;
    if (before) {
      body.insert(at, text);
    } else {
      body.replace(at, anchor.size(), text);
    }
  };
  splice("try {\n", std::string(kPs1SchannelFunctions) + "\n", true);
  splice(
      "    if ($todo.Count -eq 0) {\n"
      "        Write-Output \"unchanged: $Name is already compliant ($HexValue) in every view\"",
      "    $schannelBefore = @($SchannelKeys | ForEach-Object { Get-SchannelState $_ })\n"
      "    $schannelTodo = @($schannelBefore | Where-Object { -not (Test-SchannelCompliant $_) })\n"
      "    if ($todo.Count -eq 0 -and $schannelTodo.Count -eq 0) {\n"
      "        Write-Output \"unchanged: $Name ($HexValue) in every view and the SCHANNEL client "
      "keys are already compliant\"",
      false);
  splice("ConvertTo-Json -InputObject $before -Depth 4",
         "ConvertTo-Json -InputObject ([pscustomobject]@{ winhttp = $before; schannel = "
         "$schannelBefore }) -Depth 5",
         false);
  splice("    if ($WhatIfPreference) { exit 0 }\n", kPs1SchannelWrite, true);
  splice(
      "    if ($bad.Count -gt 0) {",
      "    $bad += @($SchannelKeys | ForEach-Object { Get-SchannelState $_ } | Where-Object { -not "
      "(Test-SchannelCompliant $_) })\n"
      "    if ($bad.Count -gt 0) {",
      false);
  return body;
}

constexpr std::string_view kDetectSchannel =
    R"PS(    # SCHANNEL client keys (not redirected: the 64-bit view is the only one).
    $sys = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $Views[0])
    foreach ($sub in $SchannelSubKeys) {
        $key = $sys.OpenSubKey($sub)
        foreach ($n in $SchannelValues.Keys) {
            $ok = ($null -ne $key) -and ($key.GetValueNames() -contains $n)
            if ($ok) {
                $ok = ($key.GetValueKind($n) -eq [Microsoft.Win32.RegistryValueKind]::DWord) -and
                    ([int64]$key.GetValue($n) -eq $SchannelValues[$n])
            }
            if (-not $ok) { $problems += "SCHANNEL ${sub}: $n is not $($SchannelValues[$n])" }
        }
        if ($null -ne $key) { $key.Close() }
    }
    $sys.Close()
)PS";

constexpr std::string_view kPs1Body = R"PS(
# Both registry views: the native key for 64-bit processes, and on 64-bit
# Windows the WOW6432Node key that 32-bit processes read.
$Keys = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp')
if ([Environment]::Is64BitOperatingSystem) {
    $Keys += 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
}

# A 32-bit PowerShell on 64-bit Windows (Intune's default) sees HKLM:\SOFTWARE
# redirected to WOW6432Node and could never write the native key: run this
# script again in the 64-bit PowerShell.
if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    $native = Join-Path $env:WINDIR 'sysnative\WindowsPowerShell\v1.0\powershell.exe'
    $argv = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $PSCommandPath)
    if ($WhatIfPreference) { $argv += '-WhatIf' }
    if ($BackupPath) { $argv += @('-BackupPath', $BackupPath) }
    & $native @argv
    exit $LASTEXITCODE
}

function Get-ValueState([string]$Path) {
    $keyExists = $false
    $valueExists = $false
    $kind = $null
    $data = $null
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -ne $key) {
        $keyExists = $true
        if ($key.GetValueNames() -contains $Name) {
            $valueExists = $true
            $kind = $key.GetValueKind($Name).ToString()
            $data = $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
        }
    }
    [pscustomobject]@{
        path = $Path; key_exists = $keyExists; value_exists = $valueExists
        kind = $kind; data = $data
    }
}

function Test-Compliant($State) {
    if ($Remove) { return -not $State.value_exists }
    return $State.value_exists -and $State.kind -eq 'DWord' -and ([int64]$State.data -eq $Value)
}

try {
    $before = @($Keys | ForEach-Object { Get-ValueState $_ })
    $todo = @($before | Where-Object { -not (Test-Compliant $_) })
    if ($todo.Count -eq 0) {
        Write-Output "unchanged: $Name is already compliant ($HexValue) in every view"
        exit 0
    }
    if (-not $WhatIfPreference) {
        if (-not $BackupPath) {
            $stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
            $BackupPath = Join-Path (Join-Path $env:ProgramData 'secproto') "winhttp-backup-$stamp.json"
        }
        $folder = Split-Path -Parent $BackupPath
        if ($folder -and -not (Test-Path -LiteralPath $folder)) {
            New-Item -ItemType Directory -Path $folder -Force | Out-Null
        }
        ConvertTo-Json -InputObject $before -Depth 4 | Set-Content -LiteralPath $BackupPath -Encoding UTF8
        Write-Output "backup: $BackupPath"
    }
    foreach ($s in $todo) {
        $target = "$($s.path)\$Name"
        if ($Remove) {
            if ($PSCmdlet.ShouldProcess($target, 'Remove registry value')) {
                Remove-ItemProperty -LiteralPath $s.path -Name $Name
                Write-Output "removed: $target"
            }
        } elseif ($PSCmdlet.ShouldProcess($target, "Set REG_DWORD $HexValue")) {
            # Only a missing key is created: New-Item -Force on an existing
            # key would wipe its other values.
            if (-not $s.key_exists) { New-Item -Path $s.path -Force | Out-Null }
            # -PropertyType DWord: without it a quoted value becomes REG_SZ,
            # which WinHTTP silently ignores. -Force replaces a value of the
            # wrong type.
            New-ItemProperty -LiteralPath $s.path -Name $Name -PropertyType DWord -Value $Value -Force | Out-Null
            Write-Output "set: $target = REG_DWORD $HexValue"
        }
    }
    if ($WhatIfPreference) { exit 0 }
    $bad = @($Keys | ForEach-Object { Get-ValueState $_ } | Where-Object { -not (Test-Compliant $_) })
    if ($bad.Count -gt 0) {
        [Console]::Error.WriteLine("secproto: not compliant after the change: $($bad[0].path)")
        exit 1
    }
    Write-Output 'WinHTTP reads the value once per process: restart <services>, Office and .NET WinHttpHandler apps, or reboot.'
    exit 0
} catch {
    [Console]::Error.WriteLine("secproto: $($_.Exception.Message)")
    exit 1
}
)PS";

constexpr std::string_view kDetectBody = R"PS(
# Reads both views through RegistryKey.OpenBaseKey, which works the same from a
# 32-bit or a 64-bit PowerShell. On 32-bit Windows only the native view exists.
$SubKey = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
$Views = @([Microsoft.Win32.RegistryView]::Registry64)
if ([Environment]::Is64BitOperatingSystem) { $Views += [Microsoft.Win32.RegistryView]::Registry32 }

try {
    $problems = @()
    foreach ($view in $Views) {
        $label = if ($view -eq [Microsoft.Win32.RegistryView]::Registry64) { '64' } else { '32' }
        $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $view)
        $key = $base.OpenSubKey($SubKey)
        $present = ($null -ne $key) -and ($key.GetValueNames() -contains $Name)
        if ($Remove) {
            if ($present) { $problems += "view ${label}: $Name is present" }
        } elseif (-not $present) {
            $problems += "view ${label}: $Name is missing"
        } else {
            $kind = $key.GetValueKind($Name)
            $data = $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
            if ($kind -ne [Microsoft.Win32.RegistryValueKind]::DWord) {
                $problems += "view ${label}: $Name is $kind, not DWord"
            } elseif ([int64]$data -ne $Value) {
                $problems += ("view ${label}: $Name is 0x{0:X8}, expected $HexValue" -f [int64]$data)
            }
        }
        if ($null -ne $key) { $key.Close() }
        $base.Close()
    }
    if ($problems.Count -gt 0) {
        Write-Output ('Not compliant: ' + ($problems -join '; '))
        exit 1
    }
    Write-Output "Compliant: $Name $HexValue in every view"
    exit 0
} catch {
    Write-Output "Not compliant: cannot read the registry: $($_.Exception.Message)"
    exit 1
}
)PS";

}  // namespace

std::string Ps1Script(const ExportOptions& o, ExportFormat format,
                      const std::vector<std::string>& apply) {
  std::string s = PsBlockComment(HeaderLines(o, format, apply));
  s += "[CmdletBinding(SupportsShouldProcess = $true)]\n";
  s += "param(\n";
  s += "    # Where to save the state of both views before changing them (JSON).\n";
  s += "    # Default: %ProgramData%\\secproto\\winhttp-backup-<time>.json\n";
  s += "    [string]$BackupPath = ''\n";
  s += ")\n";
  s += "Set-StrictMode -Version 2.0\n";
  s += "$ErrorActionPreference = 'Stop'\n\n";
  s += PsSettings(o);
  std::string body =
      SchannelKeys(o).empty() ? std::string(kPs1Body) : Ps1BodyWithSchannel(std::string(kPs1Body));
  // The service names come from the one list (KnownWinHttpConsumers).
  constexpr std::string_view kServices = "<services>";
  body.replace(body.find(kServices), kServices.size(), RestartServices());
  return s + body;
}

Artifact EmitPs1(const ExportOptions& o) {
  std::string s = Ps1Script(
      o, ExportFormat::kPs1,
      {"Apply (elevated): powershell -ExecutionPolicy Bypass -File <this file>",
       "  -WhatIf shows what would change; -BackupPath FILE sets the backup file.",
       "Idempotent. Exit code 0 = compliant (or -WhatIf), 1 = failed."});
  return Artifact{false, {{"", std::move(s)}}};
}

Artifact EmitIntune(const ExportOptions& o) {
  std::vector<std::string> apply = {
      "Intune admin center > Devices > Scripts and remediations > Create: detection script",
      "  detect.ps1, remediation script remediate.ps1, run as system (logged-on credentials:",
      "  No), signature check as your policy requires, 64-bit PowerShell: Yes (either works)."};
  std::string detect = PsBlockComment(HeaderLines(o, ExportFormat::kIntune, apply));
  detect += "# Detection script: exit 0 = compliant, exit 1 = run the remediation.\n";
  detect += "$ErrorActionPreference = 'Stop'\n\n";
  detect += PsSettings(o);
  std::string body(kDetectBody);
  if (!SchannelKeys(o).empty()) {
    std::string_view anchor = "    if ($problems.Count -gt 0) {";
    if (size_t at = body.find(anchor); at != std::string::npos) {
      body.insert(at, kDetectSchannel);
    }
  }
  detect += body;
  std::string remediate = Ps1Script(o, ExportFormat::kIntune, apply);

  std::string readme;
  readme += "secproto Intune Remediation: WinHTTP DefaultSecureProtocols\r\n";
  readme += "============================================================\r\n\r\n";
  readme += "Policy: " + PolicyLine(o) + "\r\n\r\n";
  readme += "detect.ps1     Detection script. Exit 0 when every registry view holds the policy\r\n";
  readme += "               (64-bit Windows: native and WOW6432Node keys), exit 1 otherwise.\r\n";
  readme += "remediate.ps1  Remediation script. Saves the previous state as JSON under\r\n";
  readme += "               %ProgramData%\\secproto, writes an explicit REG_DWORD in both views\r\n";
  readme += "               (creating the key when missing), verifies, exits 0 or 1.\r\n\r\n";
  readme += "How to deploy:\r\n";
  readme += "  1. Intune admin center > Devices > Scripts and remediations > Create.\r\n";
  readme += "  2. Detection script file: detect.ps1. Remediation script file: remediate.ps1.\r\n";
  readme += "  3. Run this script using the logged-on credentials: No (runs as SYSTEM).\r\n";
  readme += "  4. Run script in 64-bit PowerShell: Yes. (If left at No, remediate.ps1 starts\r\n";
  readme += "     itself again in the 64-bit PowerShell so that the native key is written.)\r\n";
  readme += "  5. Assign to a device group and a schedule.\r\n\r\n";
  readme += "WinHTTP reads the value once per process: restart " + RestartServices() +
            " and\r\nOffice/.NET WinHttpHandler applications, or reboot, for it to take effect.\r\n";
  readme += "Made by secproto " + std::string(SECPROTO_VERSION) + ".\r\n";
  return Artifact{true,
                  {{"detect.ps1", std::move(detect)},
                   {"remediate.ps1", std::move(remediate)},
                   {"README.txt", std::move(readme)}}};
}

Artifact EmitDsc(const ExportOptions& o) {
  std::string s = PsBlockComment(HeaderLines(
      o, ExportFormat::kDsc,
      {"Apply: . .\\<this file> compiles SecprotoWinHttp\\localhost.mof beside it; then",
       "  Start-DscConfiguration -Path .\\SecprotoWinHttp -Wait -Verbose (elevated), or publish",
       "  the MOF to your pull server. Pass -Include32BitView $false for 32-bit Windows nodes."}));
  s += "Configuration SecprotoWinHttp\n{\n";
  s += "    param(\n";
  s += "        [string[]]$NodeName = 'localhost',\n";
  s += "        # The WOW6432Node key, read by 32-bit processes on 64-bit Windows.\n";
  s += "        [bool]$Include32BitView = $true\n";
  s += "    )\n\n";
  s += "    Import-DscResource -ModuleName PSDesiredStateConfiguration\n\n";
  s += "    Node $NodeName\n    {\n";
  bool first = true;
  for (const ViewKey& k : ViewKeys()) {
    std::string indent = first ? "        " : "            ";
    if (!first) s += "        if ($Include32BitView)\n        {\n";
    s += indent + "# View " + k.view + ": " + k.who + "\n";
    s += indent + "Registry WinHttp" + k.view + "\n" + indent + "{\n";
    s += indent + "    Ensure    = '" + (o.unset ? "Absent" : "Present") + "'\n";
    s += indent + "    Key       = 'HKEY_LOCAL_MACHINE\\" + k.subkey + "'\n";
    s += indent + "    ValueName = 'DefaultSecureProtocols'\n";
    if (!o.unset) {
      s += indent + "    ValueType = 'Dword'\n";
      s += indent + "    ValueData = '" + std::to_string(o.value) + "'  # " + Hex(o.value) + "\n";
      s += indent + "    Force     = $true\n";
    }
    s += indent + "}\n";
    if (!first) s += "        }\n";
    first = false;
  }
  for (const SchannelKey& k : SchannelKeys(o)) {
    s += "        # SCHANNEL " + k.protocol + " client, as Easy Fix 51044 (KB3140245)\n";
    for (const auto& [name, value] : kSchannelValues) {
      s += "        Registry Schannel" + k.id + "Client" + std::string(name) + "\n        {\n";
      s += "            Ensure    = 'Present'\n";
      s += "            Key       = 'HKEY_LOCAL_MACHINE\\" + k.subkey + "'\n";
      s += "            ValueName = '" + std::string(name) + "'\n";
      s += "            ValueType = 'Dword'\n";
      s += "            ValueData = '" + std::to_string(value) + "'\n";
      s += "            Force     = $true\n";
      s += "        }\n";
    }
  }
  s += "    }\n}\n\n";
  s += "SecprotoWinHttp -OutputPath (Join-Path $PSScriptRoot 'SecprotoWinHttp')\n";
  return Artifact{false, {{"", std::move(s)}}};
}

}  // namespace secproto::emit_internal
