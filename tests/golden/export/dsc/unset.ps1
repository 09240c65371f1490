<#
  WinHTTP DefaultSecureProtocols, made by secproto @VERSION@
  Policy: remove DefaultSecureProtocols from both views (WinHTTP falls back to
    the OS built-in default)
  Key (both views): Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp
    view 64: under HKLM\SOFTWARE (read by 64-bit processes)
    view 32: under HKLM\SOFTWARE\WOW6432Node (32-bit processes on 64-bit
      Windows)
  Removes the value named DefaultSecureProtocols; keys stay.
  Apply: . .\<this file> compiles SecprotoWinHttp\localhost.mof beside it;
    then
    Start-DscConfiguration -Path .\SecprotoWinHttp -Wait -Verbose (elevated),
      or publish
    the MOF to your pull server. Pass -Include32BitView $false for 32-bit
      Windows nodes.
  WinHTTP reads the value once per process: afterwards restart WinRM,
    WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or
    reboot.
  Regenerate with: secproto export --unset --format dsc
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
            Ensure    = 'Absent'
            Key       = 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
            ValueName = 'DefaultSecureProtocols'
        }
        if ($Include32BitView)
        {
            # View 32: 32-bit processes on 64-bit Windows (WOW6432Node key)
            Registry WinHttp32
            {
                Ensure    = 'Absent'
                Key       = 'HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
                ValueName = 'DefaultSecureProtocols'
            }
        }
    }
}

SecprotoWinHttp -OutputPath (Join-Path $PSScriptRoot 'SecprotoWinHttp')
