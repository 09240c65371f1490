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
  Apply: . .\<this file> compiles SecprotoWinHttp\localhost.mof beside it;
    then
    Start-DscConfiguration -Path .\SecprotoWinHttp -Wait -Verbose (elevated),
      or publish
    the MOF to your pull server. Pass -Include32BitView $false for 32-bit
      Windows nodes.
  WinHTTP reads the value once per process: afterwards restart WinRM,
    WebClient, iphlpsvc, wuauserv, Office and .NET WinHttpHandler apps, or
    reboot.
  Regenerate with: secproto export tls1.1,tls1.2 --format dsc --with-schannel
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
            ValueData = '2560'  # 0x00000A00
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
                ValueData = '2560'  # 0x00000A00
                Force     = $true
            }
        }
        # SCHANNEL TLS 1.1 client, as Easy Fix 51044 (KB3140245)
        Registry SchannelTls11ClientEnabled
        {
            Ensure    = 'Present'
            Key       = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1\Client'
            ValueName = 'Enabled'
            ValueType = 'Dword'
            ValueData = '1'
            Force     = $true
        }
        Registry SchannelTls11ClientDisabledByDefault
        {
            Ensure    = 'Present'
            Key       = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1\Client'
            ValueName = 'DisabledByDefault'
            ValueType = 'Dword'
            ValueData = '0'
            Force     = $true
        }
        # SCHANNEL TLS 1.2 client, as Easy Fix 51044 (KB3140245)
        Registry SchannelTls12ClientEnabled
        {
            Ensure    = 'Present'
            Key       = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client'
            ValueName = 'Enabled'
            ValueType = 'Dword'
            ValueData = '1'
            Force     = $true
        }
        Registry SchannelTls12ClientDisabledByDefault
        {
            Ensure    = 'Present'
            Key       = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client'
            ValueName = 'DisabledByDefault'
            ValueType = 'Dword'
            ValueData = '0'
            Force     = $true
        }
    }
}

SecprotoWinHttp -OutputPath (Join-Path $PSScriptRoot 'SecprotoWinHttp')
