<#
  WinHTTP DefaultSecureProtocols, made by secproto @VERSION@
  Policy: remove DefaultSecureProtocols from both views (WinHTTP falls back to
    the OS built-in default)
  Key (both views): Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp
    view 64: under HKLM\SOFTWARE (read by 64-bit processes)
    view 32: under HKLM\SOFTWARE\WOW6432Node (32-bit processes on 64-bit
      Windows)
  Removes the value named DefaultSecureProtocols; keys stay.
  Intune admin center > Devices > Scripts and remediations > Create: detection
    script
    detect.ps1, remediation script remediate.ps1, run as system (logged-on
      credentials:
    No), signature check as your policy requires, 64-bit PowerShell: Yes
      (either works).
  WinHTTP reads the value once per process: afterwards restart WinRM,
    WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or
    reboot.
  Regenerate with: secproto export --unset --format intune
#>
# Detection script: exit 0 = compliant, exit 1 = run the remediation.
$ErrorActionPreference = 'Stop'

$Name = 'DefaultSecureProtocols'
$Remove = $true
$Value = 0
$HexValue = '(removed)'

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
