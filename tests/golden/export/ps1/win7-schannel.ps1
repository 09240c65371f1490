<#
  WinHTTP DefaultSecureProtocols, made by secproto @VERSION@
  Policy: tls1.1,tls1.2 = REG_DWORD 0x00000A00 (2560: TLS 1.1, TLS 1.2)
  Key (both views): Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp
    view 64: under HKLM\SOFTWARE (read by 64-bit processes)
    view 32: under HKLM\SOFTWARE\WOW6432Node (32-bit processes on 64-bit
      Windows)
  Type: REG_DWORD, written explicitly; a missing key is created.
  Also SCHANNEL client keys, as Microsoft's Easy Fix 51044 writes them for
    KB3140245: Enabled=1, DisabledByDefault=0 in
    SCHANNEL\Protocols\<name>\Client
    (HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders) for TLS 1.1, TLS
    1.2. Windows 7 / Server 2008 R2 have TLS 1.1 and 1.2 off for clients until
    then, and WinHTTP cannot use them (secproto docs/MODEL.md R9, R16).
  Apply (elevated): powershell -ExecutionPolicy Bypass -File <this file>
    -WhatIf shows what would change; -BackupPath FILE sets the backup file.
  Idempotent. Exit code 0 = compliant (or -WhatIf), 1 = failed.
  WinHTTP reads the value once per process: afterwards restart WinRM,
    WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or
    reboot.
  Regenerate with: secproto export tls1.1,tls1.2 --format ps1 --with-schannel
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Where to save the state of both views before changing them (JSON).
    # Default: %ProgramData%\secproto\winhttp-backup-<time>.json
    [string]$BackupPath = ''
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$Name = 'DefaultSecureProtocols'
$Remove = $false
$Value = 2560  # 0x00000A00: TLS 1.1, TLS 1.2
$HexValue = '0x00000A00'
# SCHANNEL client keys, as Easy Fix 51044 writes them (KB3140245).
$SchannelSubKeys = @(
    'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1\Client',
    'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client'
)
$SchannelValues = [ordered]@{ Enabled = 1; DisabledByDefault = 0 }

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

try {
    $before = @($Keys | ForEach-Object { Get-ValueState $_ })
    $todo = @($before | Where-Object { -not (Test-Compliant $_) })
    $schannelBefore = @($SchannelKeys | ForEach-Object { Get-SchannelState $_ })
    $schannelTodo = @($schannelBefore | Where-Object { -not (Test-SchannelCompliant $_) })
    if ($todo.Count -eq 0 -and $schannelTodo.Count -eq 0) {
        Write-Output "unchanged: $Name ($HexValue) in every view and the SCHANNEL client keys are already compliant"
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
        ConvertTo-Json -InputObject ([pscustomobject]@{ winhttp = $before; schannel = $schannelBefore }) -Depth 5 | Set-Content -LiteralPath $BackupPath -Encoding UTF8
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
    foreach ($s in $schannelTodo) {
        if ($PSCmdlet.ShouldProcess($s.path, 'Set SCHANNEL client Enabled=1, DisabledByDefault=0')) {
            if (-not $s.key_exists) { New-Item -Path $s.path -Force | Out-Null }
            foreach ($n in $SchannelValues.Keys) {
                New-ItemProperty -LiteralPath $s.path -Name $n -PropertyType DWord -Value $SchannelValues[$n] -Force | Out-Null
            }
            Write-Output "set: $($s.path) Enabled = 1, DisabledByDefault = 0 (REG_DWORD)"
        }
    }
    if ($WhatIfPreference) { exit 0 }
    $bad = @($Keys | ForEach-Object { Get-ValueState $_ } | Where-Object { -not (Test-Compliant $_) })
    $bad += @($SchannelKeys | ForEach-Object { Get-SchannelState $_ } | Where-Object { -not (Test-SchannelCompliant $_) })
    if ($bad.Count -gt 0) {
        [Console]::Error.WriteLine("secproto: not compliant after the change: $($bad[0].path)")
        exit 1
    }
    Write-Output 'WinHTTP reads the value once per process: restart WinRM, WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or reboot.'
    exit 0
} catch {
    [Console]::Error.WriteLine("secproto: $($_.Exception.Message)")
    exit 1
}
