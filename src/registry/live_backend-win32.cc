// `live`: the registry of the running Windows machine, through the Win32
// registry API. 64-bit and 32-bit views are opened with KEY_WOW64_64KEY and
// KEY_WOW64_32KEY, so a 32-bit build of secproto on 64-bit Windows reaches
// both. Not transactional: every write lands at once, Commit() is a no-op,
// and the setting operations restore written views on a later failure.
#include <windows.h>

#include <optional>

#include "registry/live_backend.h"
#include "secproto/registry.h"
#include "util/win32.h"

namespace secproto {
namespace {

std::optional<bool> g_elevated_override;

// Owns an open registry key.
class ScopedHKEY {
 public:
  ScopedHKEY() = default;
  ~ScopedHKEY() {
    if (key_ != nullptr) RegCloseKey(key_);
  }
  ScopedHKEY(const ScopedHKEY&) = delete;
  ScopedHKEY& operator=(const ScopedHKEY&) = delete;
  HKEY get() const { return key_; }
  HKEY* receive() { return &key_; }

 private:
  HKEY key_ = nullptr;
};

// A logical key split into a predefined root handle and the subkey below it.
struct ResolvedKey {
  HKEY root = nullptr;
  std::wstring subkey;
  REGSAM view_flag = 0;
  std::string display;  // "HKLM\\SOFTWARE\\...\\WinHttp (view 32)"
};

bool IsElevated() {
  if (g_elevated_override) return *g_elevated_override;
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  TOKEN_ELEVATION elevation{};
  DWORD size = 0;
  bool elevated = GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size) &&
                  elevation.TokenIsElevated != 0;
  CloseHandle(token);
  if (elevated) return true;
  // Before Vista there is no elevation: membership of Administrators decides.
  SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
  PSID admins = nullptr;
  if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0, 0,
                                0, 0, 0, 0, &admins)) {
    return false;
  }
  BOOL member = FALSE;
  bool ok = CheckTokenMembership(nullptr, admins, &member) && member;
  FreeSid(admins);
  return ok;
}

Architecture NativeArchitecture() {
  // IsWow64Process2 (Windows 10 1511+) also sees through ARM64 emulation.
  using IsWow64Process2Fn = BOOL(WINAPI*)(HANDLE, USHORT*, USHORT*);
  HMODULE kernel32 = GetModuleHandleW(L"kernel32.dll");
  auto fn = kernel32 ? reinterpret_cast<IsWow64Process2Fn>(
                           reinterpret_cast<void*>(GetProcAddress(kernel32, "IsWow64Process2")))
                     : nullptr;
  USHORT process_machine = 0;
  USHORT native_machine = 0;
  if (fn != nullptr && fn(GetCurrentProcess(), &process_machine, &native_machine)) {
    switch (native_machine) {
      case IMAGE_FILE_MACHINE_AMD64:
      case IMAGE_FILE_MACHINE_ARM64:
      case IMAGE_FILE_MACHINE_IA64:
        return Architecture::k64Bit;
      case IMAGE_FILE_MACHINE_I386:
      case IMAGE_FILE_MACHINE_ARMNT:
        return Architecture::k32Bit;
      default:
        break;
    }
  }
  SYSTEM_INFO info{};
  GetNativeSystemInfo(&info);
  switch (info.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
    case PROCESSOR_ARCHITECTURE_ARM64:
    case PROCESSOR_ARCHITECTURE_IA64:
      return Architecture::k64Bit;
    case PROCESSOR_ARCHITECTURE_INTEL:
    case PROCESSOR_ARCHITECTURE_ARM:
      return Architecture::k32Bit;
    default:
      return Architecture::kUnknown;
  }
}

class LiveBackend : public RegistryBackend {
 public:
  std::string Describe() const override { return "live"; }

  bool HasRoot(std::string_view root) const override {
    return KeyNameEquals(root, "HKLM\\SOFTWARE") || KeyNameEquals(root, "HKLM\\SYSTEM") ||
           KeyNameEquals(root, "HKCU");
  }

  Expected<Architecture> DetectArchitecture() override { return NativeArchitecture(); }

  bool IsLive() const override { return true; }
  std::string MachineName() const override {
    wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD len = MAX_COMPUTERNAME_LENGTH + 1;
    if (!GetComputerNameW(name, &len)) return "";
    return Narrow(std::wstring_view(name, len));
  }

  Expected<bool> KeyExists(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(rk, Resolve(view, key));
    ScopedHKEY h;
    LSTATUS rc = RegOpenKeyExW(rk.root, rk.subkey.c_str(), 0, KEY_QUERY_VALUE | rk.view_flag,
                               h.receive());
    if (rc == ERROR_FILE_NOT_FOUND) return false;
    if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegOpenKeyExW", rk.display));
    return true;
  }

  Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                             std::string_view name) override {
    SECPROTO_ASSIGN_OR_RETURN(rk, Resolve(view, key));
    ScopedHKEY h;
    LSTATUS rc = RegOpenKeyExW(rk.root, rk.subkey.c_str(), 0, KEY_QUERY_VALUE | rk.view_flag,
                               h.receive());
    if (rc == ERROR_FILE_NOT_FOUND) return std::optional<RegValue>();
    if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegOpenKeyExW", rk.display));
    std::wstring wname = Widen(name);
    // RRF_RT_ANY | RRF_NOEXPAND: any type, REG_EXPAND_SZ unexpanded, so the
    // backup holds the stored type and bytes.
    const DWORD flags = RRF_RT_ANY | RRF_NOEXPAND;
    DWORD type = 0;
    DWORD size = 0;
    rc = RegGetValueW(h.get(), nullptr, wname.c_str(), flags, &type, nullptr, &size);
    if (rc == ERROR_FILE_NOT_FOUND) return std::optional<RegValue>();
    RegValue value;
    for (int attempt = 0; attempt < 8; ++attempt) {
      if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA) {
        return Fail(Win32Error(rc, "RegGetValueW", rk.display + " value " + std::string(name)));
      }
      value.data.resize(size);
      DWORD got = size;
      rc = RegGetValueW(h.get(), nullptr, wname.c_str(), flags, &type,
                        value.data.empty() ? nullptr : value.data.data(), &got);
      if (rc == ERROR_SUCCESS) {
        value.data.resize(got);
        value.type = type;
        return std::optional<RegValue>(std::move(value));
      }
      if (rc == ERROR_FILE_NOT_FOUND) return std::optional<RegValue>();
      size = got > size ? got : size * 2 + 16;  // changed between the calls
    }
    return Fail(Win32Error(rc, "RegGetValueW", rk.display + " value " + std::string(name)));
  }

  Expected<std::vector<std::string>> ListSubkeys(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(rk, Resolve(view, key));
    std::vector<std::string> out;
    ScopedHKEY h;
    LSTATUS rc = RegOpenKeyExW(rk.root, rk.subkey.c_str(), 0,
                               KEY_ENUMERATE_SUB_KEYS | rk.view_flag, h.receive());
    if (rc == ERROR_FILE_NOT_FOUND) return out;
    if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegOpenKeyExW", rk.display));
    for (DWORD i = 0;; ++i) {
      wchar_t name[256];  // key names are at most 255 characters
      DWORD len = 256;
      rc = RegEnumKeyExW(h.get(), i, name, &len, nullptr, nullptr, nullptr, nullptr);
      if (rc == ERROR_NO_MORE_ITEMS) break;
      if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegEnumKeyExW", rk.display));
      out.push_back(Narrow(std::wstring_view(name, len)));
    }
    return out;
  }

  Status SetValue(View view, std::string_view key, std::string_view name,
                  const RegValue& value) override {
    SECPROTO_ASSIGN_OR_RETURN(rk, Resolve(view, key));
    ScopedHKEY h;
    DWORD disposition = 0;
    LSTATUS rc = RegCreateKeyExW(rk.root, rk.subkey.c_str(), 0, nullptr, REG_OPTION_NON_VOLATILE,
                                 KEY_SET_VALUE | KEY_QUERY_VALUE | rk.view_flag, nullptr,
                                 h.receive(), &disposition);
    if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegCreateKeyExW", rk.display));
    rc = RegSetValueExW(h.get(), Widen(name).c_str(), 0, value.type,
                        value.data.empty() ? nullptr : value.data.data(),
                        static_cast<DWORD>(value.data.size()));
    if (rc != ERROR_SUCCESS) {
      return Fail(Win32Error(rc, "RegSetValueExW", rk.display + " value " + std::string(name)));
    }
    return {};
  }

  Status DeleteValue(View view, std::string_view key, std::string_view name) override {
    SECPROTO_ASSIGN_OR_RETURN(rk, Resolve(view, key));
    ScopedHKEY h;
    LSTATUS rc = RegOpenKeyExW(rk.root, rk.subkey.c_str(), 0, KEY_SET_VALUE | rk.view_flag,
                               h.receive());
    if (rc == ERROR_FILE_NOT_FOUND) return {};
    if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegOpenKeyExW", rk.display));
    rc = RegDeleteValueW(h.get(), Widen(name).c_str());
    if (rc == ERROR_FILE_NOT_FOUND) return {};
    if (rc != ERROR_SUCCESS) {
      return Fail(Win32Error(rc, "RegDeleteValueW", rk.display + " value " + std::string(name)));
    }
    return {};
  }

  Status DeleteKeyIfEmpty(View view, std::string_view key) override {
    SECPROTO_ASSIGN_OR_RETURN(rk, Resolve(view, key));
    if (rk.subkey.empty()) return {};  // never a root
    {
      ScopedHKEY h;
      LSTATUS rc = RegOpenKeyExW(rk.root, rk.subkey.c_str(), 0, KEY_QUERY_VALUE | rk.view_flag,
                                 h.receive());
      if (rc == ERROR_FILE_NOT_FOUND) return {};
      if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegOpenKeyExW", rk.display));
      DWORD subkeys = 0;
      DWORD values = 0;
      rc = RegQueryInfoKeyW(h.get(), nullptr, nullptr, nullptr, &subkeys, nullptr, nullptr,
                            &values, nullptr, nullptr, nullptr, nullptr);
      if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegQueryInfoKeyW", rk.display));
      if (subkeys != 0 || values != 0) return {};
    }
    LSTATUS rc = RegDeleteKeyExW(rk.root, rk.subkey.c_str(), rk.view_flag, 0);
    if (rc == ERROR_FILE_NOT_FOUND) return {};
    if (rc != ERROR_SUCCESS) return Fail(Win32Error(rc, "RegDeleteKeyExW", rk.display));
    return {};
  }

  bool IsTransactional() const override { return false; }
  Status Commit() override { return {}; }

 private:
  // "HKLM\\SOFTWARE\\X" -> HKEY_LOCAL_MACHINE, L"SOFTWARE\\X", view flag. The
  // path is logical: the view flag, not a Wow6432Node part, picks the view; a
  // path that names Wow6432Node itself opens that literal key.
  Expected<ResolvedKey> Resolve(View view, std::string_view key) const {
    std::vector<std::string> parts = SplitKey(key);
    ResolvedKey rk;
    size_t first = 0;
    if (!parts.empty() && (KeyNameEquals(parts[0], "HKLM") ||
                           KeyNameEquals(parts[0], "HKEY_LOCAL_MACHINE"))) {
      if (parts.size() < 2 || !(KeyNameEquals(parts[1], "SOFTWARE") ||
                                KeyNameEquals(parts[1], "SYSTEM"))) {
        return Fail(Error::Target("live: no root for key " + std::string(key) +
                                      " (HKLM\\SOFTWARE, HKLM\\SYSTEM and HKCU are supported)",
                                  "no-such-root"));
      }
      rk.root = HKEY_LOCAL_MACHINE;
      first = 1;
    } else if (!parts.empty() && (KeyNameEquals(parts[0], "HKCU") ||
                                  KeyNameEquals(parts[0], "HKEY_CURRENT_USER"))) {
      rk.root = HKEY_CURRENT_USER;
      first = 1;
    } else {
      return Fail(Error::Target("live: no root for key " + std::string(key) +
                                    " (HKLM\\SOFTWARE, HKLM\\SYSTEM and HKCU are supported)",
                                "no-such-root"));
    }
    std::string sub;
    for (size_t i = first; i < parts.size(); ++i) {
      if (!sub.empty()) sub += '\\';
      sub += parts[i];
    }
    rk.subkey = Widen(sub);
    // Only HKLM\SOFTWARE is redirected; the flag is harmless on shared keys,
    // and on 32-bit Windows both flags are ignored.
    rk.view_flag = view == View::k32 ? KEY_WOW64_32KEY : KEY_WOW64_64KEY;
    rk.display = std::string(key) + " (view " + std::string(ViewName(view)) + ")";
    return rk;
  }
};

const bool kRegistered = RegisterTargetScheme(
    "live", "live (this machine's registry; the default)",
    [](std::string_view rest, const TargetOptions& options)
        -> Expected<std::unique_ptr<RegistryBackend>> {
      if (!rest.empty()) {
        return Fail(Error::Usage("live takes no path: use --target live", "bad-target"));
      }
      if (!options.system_hive.empty() || !options.user_hive.empty()) {
        return Fail(Error::Usage("--system-hive and --user-hive are for offline hives, not live",
                                 "bad-target"));
      }
      // Checked before anything is written, so a plain user gets one line
      // and an untouched registry.
      if (!options.read_only && !IsElevated()) {
        return Fail(Error::Target(kNotElevatedMessage, "not-elevated"));
      }
      return std::unique_ptr<RegistryBackend>(std::make_unique<LiveBackend>());
    });

}  // namespace

void TEST_SetElevatedOverride(std::optional<bool> elevated) { g_elevated_override = elevated; }

}  // namespace secproto
