// Classifying a machine, sniffing and reading one input, walking folders.
#include "secproto/audit.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "secproto/policy.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

constexpr std::string_view kClassNames[kMachineClassCount] = {
    "compliant", "drift", "missing", "wrong-type", "one-view", "invalid", "unreadable"};

// "0x00002800", "REG_SZ", "REG_DWORD (2 bytes)", "missing".
std::string ViewText(const ViewState& vs) {
  if (!vs.value) return "missing";
  if (auto d = vs.dword()) return ProtocolSet(*d).Hex();
  if (vs.value->type == kRegDword) {
    return "REG_DWORD (" + std::to_string(vs.value->data.size()) + " bytes)";
  }
  return RegTypeName(vs.value->type);
}

// A file's first bytes, read with stdio (portable, binary).
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

MachineResult Unreadable(const std::string& path, std::string detail) {
  MachineResult r;
  r.host = HostFromPath(path);
  r.input = path;
  r.cls = MachineClass::kUnreadable;
  r.detail = std::move(detail);
  return r;
}

void ApplyError(const Error& e, MachineResult& r) {
  // I/O failures, unsupported kinds and failed collections: the data is not
  // there to judge. Anything else: the content is not what we understand.
  r.cls = (e.kind == ErrorKind::kIo || e.kind == ErrorKind::kUsage ||
           e.code == "collection-failed")
              ? MachineClass::kUnreadable
              : MachineClass::kInvalid;
  r.detail = e.message;
}

// A profile name means the value `policy apply` of its template writes on
// the OS the input says it is (WinHttpValueForTarget); anything else, and an
// input that does not say its OS, is compared as given.
void InspectInto(RegistryBackend& backend, const ProtocolSpec& policy, MachineResult& r) {
  auto ins = Inspect(backend);
  if (!ins) {
    ApplyError(ins.error(), r);
    return;
  }
  WinHttpTargetValue want = WinHttpValueForTarget(policy, backend);
  ClassifyInspection(*ins, want.value, r);
  if (!want.note.empty() && r.cls != MachineClass::kCompliant) r.detail += " (" + want.note + ")";
}

ProtocolSpec Given(uint32_t policy) {
  ProtocolSpec spec;
  spec.absolute = policy;
  return spec;
}

}  // namespace

std::string_view MachineClassName(MachineClass c) { return kClassNames[static_cast<int>(c)]; }

std::array<MachineClass, kMachineClassCount> AllMachineClasses() {
  return {MachineClass::kCompliant, MachineClass::kDrift,   MachineClass::kMissing,
          MachineClass::kWrongType, MachineClass::kOneView, MachineClass::kInvalid,
          MachineClass::kUnreadable};
}

std::string_view InputKindName(InputKind k) {
  switch (k) {
    case InputKind::kReg: return "reg";
    case InputKind::kHive: return "hive";
    case InputKind::kShowJson: return "json";
    case InputKind::kUnknown: break;
  }
  return "unknown";
}

InputKind SniffInputKind(std::string_view head) {
  if (head.size() >= 2 && static_cast<uint8_t>(head[0]) == 0xFF &&
      static_cast<uint8_t>(head[1]) == 0xFE) {
    return InputKind::kReg;
  }
  if (head.starts_with("regf")) return InputKind::kHive;
  // UTF-16LE without a BOM: "W\0" or "R\0".
  if (head.size() >= 2 && (head[0] == 'W' || head[0] == 'R') && head[1] == '\0') {
    return InputKind::kReg;
  }
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
    ++i;
  }
  head.remove_prefix(i);
  if (head.starts_with("Windows Registry Editor") || head.starts_with("REGEDIT4")) {
    return InputKind::kReg;
  }
  if (head.starts_with("{")) return InputKind::kShowJson;
  return InputKind::kUnknown;
}

std::string HostFromPath(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name);
}

void ClassifyInspection(const Inspection& ins, uint32_t policy, MachineResult& out) {
  out.architecture = ins.architecture;
  const ViewState* v64 = ins.Find(View::k64);
  const ViewState* v32 = ins.Find(View::k32);
  out.view64 = v64 ? ViewText(*v64) : "n/a";
  out.view32 = v32 ? ViewText(*v32) : "n/a";
  size_t present = 0;
  const ViewState* wrong = nullptr;
  const ViewState* absent = nullptr;
  const ViewState* differs = nullptr;
  for (const ViewState& vs : ins.views) {
    if (!vs.value) {
      if (!absent) absent = &vs;
      continue;
    }
    ++present;
    auto d = vs.dword();
    if (!d) {
      if (!wrong) wrong = &vs;
    } else if (*d != policy && !differs) {
      differs = &vs;
    }
  }
  std::string want = "policy " + ProtocolSet(policy).Hex();
  auto view = [](const ViewState& vs) { return "view " + std::string(ViewName(vs.view)); };
  if (present == 0) {
    out.cls = MachineClass::kMissing;
    out.detail = "DefaultSecureProtocols is not set" +
                 std::string(v64 && !v64->key_exists ? " (WinHttp key missing)" : "") +
                 "; WinHTTP uses the OS default, " + want;
  } else if (wrong) {
    out.cls = MachineClass::kWrongType;
    out.detail = view(*wrong) + " holds " + ViewText(*wrong) +
                 "; WinHTTP reads only a REG_DWORD and ignores it";
  } else if (absent) {
    out.cls = MachineClass::kOneView;
    out.detail = view(*absent) + " has no value; " +
                 (absent->view == View::k32 ? "32-bit" : "64-bit") +
                 " processes use the OS default";
  } else if (differs) {
    uint32_t d = *differs->dword();
    out.cls = MachineClass::kDrift;
    out.detail = view(*differs) + " holds " + ProtocolSet(d).Hex() + " (" +
                 ProtocolSet(d).Describe() + "), " + want;
    if (auto why = WinHttpIgnoreReason(d)) out.detail += "; WinHTTP ignores it: " + *why;
  } else {
    out.cls = MachineClass::kCompliant;
    out.detail = "";
  }
}

MachineResult AuditBytes(const std::string& path, std::string_view bytes, uint32_t policy,
                         RegReader reader) {
  return AuditBytes(path, bytes, Given(policy), reader);
}

MachineResult AuditBytes(const std::string& path, std::string_view bytes,
                         const ProtocolSpec& policy, RegReader reader) {
  MachineResult r;
  r.host = HostFromPath(path);
  r.input = path;
  r.kind = SniffInputKind(bytes.substr(0, 64));
  Expected<std::unique_ptr<RegistryBackend>> backend =
      Fail(Error::Input("not a .reg export, a hive or `secproto show --json` output", "unknown-input"));
  switch (r.kind) {
    case InputKind::kReg:
      if (reader == RegReader::kBackend) {
        TargetOptions opts;
        opts.read_only = true;
        backend = OpenTarget("reg:" + path, opts);
      } else {
        backend = ReadRegSnapshot(bytes, "reg:" + path);
      }
      break;
    case InputKind::kShowJson:
      backend = ReadShowJsonSnapshot(bytes, "json:" + path);
      break;
    case InputKind::kHive: {
      TargetOptions opts;
      opts.read_only = true;
      backend = OpenTarget("hive:" + path, opts);
      break;
    }
    case InputKind::kUnknown:
      break;
  }
  if (!backend) {
    ApplyError(backend.error(), r);
    return r;
  }
  InspectInto(**backend, policy, r);
  return r;
}

MachineResult AuditFile(const std::string& path, uint32_t policy, RegReader reader) {
  return AuditFile(path, Given(policy), reader);
}

MachineResult AuditFile(const std::string& path, const ProtocolSpec& policy, RegReader reader) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return Unreadable(path, "cannot open: " + std::string(std::strerror(errno)));
  // Sniff first: a hive is opened by the hive backend, never read whole here.
  char head[8];
  size_t n = std::fread(head, 1, sizeof head, f.get());
  if (std::ferror(f.get())) return Unreadable(path, "cannot read: " + std::string(std::strerror(errno)));
  if (SniffInputKind(std::string_view(head, n)) == InputKind::kHive) {
    f.reset();
    return AuditBytes(path, std::string_view(head, n), policy);
  }
  std::string data(head, n);
  char buf[16384];
  while (true) {
    size_t got = std::fread(buf, 1, sizeof buf, f.get());
    data.append(buf, got);
    if (got < sizeof buf) break;
  }
  if (std::ferror(f.get())) return Unreadable(path, "cannot read: " + std::string(std::strerror(errno)));
  if (data.empty()) {
    MachineResult r = Unreadable(path, "empty file");
    r.cls = MachineClass::kInvalid;
    return r;
  }
  return AuditBytes(path, data, policy, reader);
}

std::vector<MachineResult> AuditFiles(const std::vector<std::string>& paths, uint32_t policy,
                                      RegReader reader, unsigned jobs) {
  return AuditFiles(paths, Given(policy), reader, jobs);
}

std::vector<MachineResult> AuditFiles(const std::vector<std::string>& paths,
                                      const ProtocolSpec& policy, RegReader reader, unsigned jobs) {
  size_t n = paths.size();
  std::vector<MachineResult> results(n);
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < n;) results[i] = AuditFile(paths[i], policy, reader);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs && t < n; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  return results;
}

InputWalker::InputWalker(std::vector<std::string> inputs) {
  Frame top;
  top.paths = std::move(inputs);
  top.top = true;
  stack_.push_back(std::move(top));
}

std::optional<std::string> InputWalker::Next() {
  namespace fs = std::filesystem;
  while (!stack_.empty()) {
    Frame& f = stack_.back();
    if (f.next >= f.paths.size()) {
      stack_.pop_back();
      continue;
    }
    std::string path = std::move(f.paths[f.next++]);
    bool top = f.top;
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      // Below the top, only regular files (not sockets, fifos, dangling links).
      if (top || fs::is_regular_file(path, ec)) return path;
      continue;
    }
    Frame child;
    fs::directory_iterator it(path, ec), end;
    if (ec) return path;  // cannot list it: reported unreadable
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') continue;
      child.paths.push_back(it->path().string());
    }
    std::sort(child.paths.begin(), child.paths.end());
    stack_.push_back(std::move(child));  // invalidates `f`
  }
  return std::nullopt;
}

std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  InputWalker walker(inputs);
  while (auto p = walker.Next()) out.push_back(std::move(*p));
  return out;
}

}  // namespace secproto
