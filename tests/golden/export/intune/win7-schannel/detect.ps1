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
  Intune admin center > Devices > Scripts and remediations > Create: detection
    script
    detect.ps1, remediation script remediate.ps1, run as system (logged-on
      credentials:
    No), signature check as your policy requires, 64-bit PowerShell: Yes
      (either works).
  WinHTTP reads the value once per process: afterwards restart WinRM,
    WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or
    reboot.
  Regenerate with: secproto export tls1.1,tls1.2 --format intune
    --with-schannel
#>
# Detection script: exit 0 = compliant, exit 1 = run the remediation.
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
    # SCHANNEL client keys (not redirected: the 64-bit view is the only one).
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
