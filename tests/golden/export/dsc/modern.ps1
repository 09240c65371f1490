<#
  WinHTTP DefaultSecureProtocols, made by secproto @VERSION@
  Policy: modern = REG_DWORD 0x00002800 (10240: TLS 1.2, TLS 1.3)
  Key (both views): Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp
    view 64: under HKLM\SOFTWARE (read by 64-bit processes)
    view 32: under HKLM\SOFTWARE\WOW6432Node (32-bit processes on 64-bit
      Windows)
  Type: REG_DWORD, written explicitly; a missing key is created.
  Apply: . .\<this file> compiles SecprotoWinHttp\localhost.mof beside it;
    then
    Start-DscConfiguration -Path .\SecprotoWinHttp -Wait -Verbose (elevated),
      or publish
    the MOF to your pull server. Pass -Include32BitView $false for 32-bit
      Windows nodes.
  WinHTTP reads the value once per process: afterwards restart WinRM,
    WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or
    reboot.
  Regenerate with: secproto export modern --format dsc
#>
Configuration SecprotoWinHttp
{
    param(
        [string[]]$NodeName = 'localhost',
        # The WOW6432Node key, read by 32-bit processes on 64-bit Windows.
        [bool]$Include32BitView = $true
    )

    Import-DscResource -ModuleName PSDesiredStateConfiguration

    Node $NodeName
    {
        # View 64: 64-bit processes (native key)
        Registry WinHttp64
        {
            Ensure    = 'Present'
            Key       = 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
            ValueName = 'DefaultSecureProtocols'
            ValueType = 'Dword'
            ValueData = '10240'  # 0x00002800
            Force     = $true
        }
        if ($Include32BitView)
        {
            # View 32: 32-bit processes on 64-bit Windows (WOW6432Node key)
            Registry WinHttp32
            {
                Ensure    = 'Present'
                Key       = 'HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
                ValueName = 'DefaultSecureProtocols'
                ValueType = 'Dword'
                ValueData = '10240'  # 0x00002800
                Force     = $true
            }
        }
    }
}

SecprotoWinHttp -OutputPath (Join-Path $PSScriptRoot 'SecprotoWinHttp')
