// secproto probe ENDPOINT... [-f FILE]: which TLS versions each endpoint accepts.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#if defined(_WIN32)
#include <io.h>
#define SECPROTO_ISATTY _isatty
#define SECPROTO_STDERR_FD 2
#else
#include <unistd.h>
#define SECPROTO_ISATTY isatty
#define SECPROTO_STDERR_FD STDERR_FILENO
#endif

#include "commands.h"
#include "common.h"
#include "secproto/interrupt.h"
#include "secproto/probe.h"
#include "secproto/files.h"

namespace secproto::cli {
namespace {

struct ProbeFlags {
  std::vector<std::string> endpoints;
  std::string file;
  int concurrency = ProbeOptions{}.concurrency;
  int per_ip = ProbeOptions{}.per_ip_limit;
  int timeout_ms = ProbeOptions{}.read_timeout_ms;
  int connect_timeout_ms = 0;  // 0: same as the read timeout, at most 3000
  int retries = ProbeOptions{}.retries;
  std::vector<std::string> protocols;
  bool no_sni = false;
  bool no_progress = false;
  bool suites = false;
};

std::string Cell(const VersionResult& v) {
  switch (v.verdict) {
    case Verdict::kOffered:
      return v.outcome == Outcome::kHelloRetryRequest ? "yes (HRR)" : "yes";
    case Verdict::kNotOffered:
      return "no";
    case Verdict::kInconclusive:
      return "? " + std::string(OutcomeName(v.outcome));
  }
  return "?";
}

std::string Why(const VersionResult& v) {
  std::string s(OutcomeName(v.outcome));
  const AnswerDetail& d = v.detail;
  if (d.alert_description) {
    s += " " + std::to_string(*d.alert_description);
    std::string_view name = AlertName(*d.alert_description);
    if (!name.empty()) s += " " + std::string(name);
  }
  if (d.server_version) {
    std::string ver;
    for (const ProtocolInfo& p : AllProtocols()) {
      if (p.wire_version == *d.server_version) ver = std::string(p.name);
    }
    if (!ver.empty()) s += ", server chose " + ver;
  }
  if (!d.downgrade_sentinel.empty()) s += ", downgrade sentinel (" + d.downgrade_sentinel + ")";
  if (!d.message.empty()) s += ": " + d.message;
  return s;
}

std::string Pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + "  ";
}

// An error on stderr, and with --json one {"error": ...} line on stdout (the
// stream is one object per line). Returns the exit code.
int ReportProbeError(const std::string& code, const std::string& message, int exit_code) {
  std::cerr << "secproto: error: " << message << "\n";
  if (G().json) {
    Json j;
    j["error"] = {{"code", code}, {"message", message}, {"exit_code", exit_code}};
    std::cout << j.dump() << "\n" << std::flush;
  }
  return exit_code;
}

// probe --suites: per endpoint and offered version, the suites in the order
// found and the groups, one line each.
void PrintSuites(const std::vector<EndpointResult>& results) {
  for (const EndpointResult& r : results) {
    bool any = std::any_of(r.versions.begin(), r.versions.end(),
                           [](const VersionResult& v) { return v.enumerated; });
    if (!any) continue;
    std::cout << "\n" << r.endpoint.ToString() << " (" << r.connections << " connections)\n";
    for (const VersionResult& v : r.versions) {
      if (!v.enumerated) continue;
      std::string order = v.order.empty() ? "" : ", " + v.order + " order";
      std::cout << "  " << Info(v.protocol).name << order
                << (v.suites_complete ? "" : ", incomplete") << ":";
      for (size_t i = 0; i < v.suites.size(); ++i) {
        std::cout << (i ? ", " : " ") << SuiteIanaName(v.suites[i]);
      }
      std::cout << "\n";
      if (!v.groups.empty() || !v.groups_complete) {
        std::cout << "    groups" << (v.groups_complete ? "" : " (incomplete)") << ":";
        for (size_t i = 0; i < v.groups.size(); ++i) {
          std::cout << (i ? ", " : " ") << GroupIanaName(v.groups[i]);
        }
        std::cout << "\n";
      }
    }
  }
}

void PrintTable(const std::vector<EndpointResult>& results) {
  if (results.empty()) return;
  size_t ew = 8, iw = 2;
  for (const EndpointResult& r : results) {
    ew = std::max(ew, r.endpoint.ToString().size());
    iw = std::max(iw, r.ip.size());
  }
  std::vector<Protocol> cols;
  for (const VersionResult& v : results.front().versions) cols.push_back(v.protocol);
  std::string head = Pad("ENDPOINT", ew) + Pad("IP", iw);
  for (Protocol p : cols) head += Pad(std::string(Info(p).name), 16);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  std::cout << head << "\n";
  std::vector<std::string> notes;
  for (const EndpointResult& r : results) {
    std::string line = Pad(r.endpoint.ToString(), ew) + Pad(r.ip.empty() ? "-" : r.ip, iw);
    // An endpoint nobody answered for gets one note, not one per version.
    if (!r.Reachable() && !r.versions.empty()) {
      notes.push_back(r.endpoint.ToString() + ": unreachable, " + Why(r.versions.front()));
    }
    for (const VersionResult& v : r.versions) {
      line += Pad(Cell(v), 16);
      if (!r.Reachable()) continue;
      if (v.verdict == Verdict::kInconclusive || v.outcome == Outcome::kHigherVersion) {
        notes.push_back(r.endpoint.ToString() + " " + std::string(Info(v.protocol).name) + ": " +
                        std::string(VerdictName(v.verdict)) + ", " + Why(v));
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  if (!G().quiet) {
    for (const std::string& n : notes) std::cout << "note: " << n << "\n";
  }
  PrintSuites(results);
}

class ProgressLine {
 public:
  explicit ProgressLine(bool on) : on_(on) {}
  ~ProgressLine() { Clear(); }
  void Update(const ProbeProgress& p) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (p.probes_done != p.probes_total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    std::fprintf(stderr, "\rprobing: %zu/%zu checks, %zu/%zu endpoints, %zu connections open   ",
                 p.probes_done, p.probes_total, p.endpoints_done, p.endpoints_total, p.active);
    std::fflush(stderr);
    shown_ = true;
  }
  void Clear() {
    if (!shown_) return;
    std::fprintf(stderr, "\r%*s\r", 78, "");
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  bool on_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

/// The endpoints named on the command line, then those of -f FILE.
Expected<std::vector<Endpoint>> ReadProbeEndpoints(const ProbeFlags& f) {
  std::vector<Endpoint> endpoints;
  for (const std::string& text : f.endpoints) {
    SECPROTO_ASSIGN_OR_RETURN(ep, ParseEndpoint(text));
    endpoints.push_back(ep);
  }
  if (!f.file.empty()) {
    auto bytes = ReadFileBytes(f.file);
    if (!bytes) {
      Error e = bytes.error();
      e.kind = ErrorKind::kInput;  // a missing endpoint list is bad input (exit 2)
      return std::unexpected(e);
    }
    auto list = ParseEndpointList(
        std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    if (!list) {
      Error e = list.error();
      e.message = f.file + ": " + e.message;
      return std::unexpected(e);
    }
    endpoints.insert(endpoints.end(), list->begin(), list->end());
  }
  if (endpoints.empty()) {
    return std::unexpected(
        Error::Usage("no endpoints: name some (host[:port]) or give -f FILE", "no-endpoints"));
  }
  return endpoints;
}

Expected<ProbeOptions> ProbeOptionsFromFlags(const ProbeFlags& f) {
  ProbeOptions o;
  o.concurrency = f.concurrency;
  o.per_ip_limit = f.per_ip;
  o.read_timeout_ms = f.timeout_ms;
  o.connect_timeout_ms =
      f.connect_timeout_ms > 0 ? f.connect_timeout_ms : std::min(f.timeout_ms, 3000);
  o.retries = f.retries;
  o.send_sni = !f.no_sni;
  o.suites = f.suites;
  if (!f.protocols.empty()) {
    SECPROTO_ASSIGN_OR_RETURN(spec, ParseProtocols(f.protocols));
    if (spec.relative) {
      return std::unexpected(
          Error::Usage("--protocols takes a list, not +/- edits", "relative-edit"));
    }
    o.protocols = ProtocolSet(spec.absolute).Protocols();
    if (o.protocols.empty()) {
      return std::unexpected(Error::Usage("--protocols names no protocol"));
    }
  }
  return o;
}

/// Collects the engine's results as they arrive, from its worker thread.
/// With --json it streams one line per endpoint, in input order, as soon as
/// all endpoints before it are done.
class ResultCollector {
 public:
  ResultCollector(size_t endpoints, ProgressLine& progress)
      : done_(endpoints), progress_(progress) {}

  ProbeCallbacks Callbacks() {
    ProbeCallbacks cb;
    cb.progress = [this](const ProbeProgress& p) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!stopped_) progress_.Update(p);
    };
    cb.endpoint_done = [this](size_t index, const EndpointResult& r) {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_ || index >= done_.size()) return;
      done_[index] = r;
      ++done_count_;
      if (!G().json) return;
      while (next_ < done_.size() && done_[next_]) {
        progress_.Clear();
        std::cout << ProbeResultJsonLine(*done_[next_]) << "\n" << std::flush;
        ++next_;
      }
    };
    return cb;
  }

  /// Stops collecting: the endpoints finished so far, and how many. With
  /// --json, first prints the finished lines still held back behind an
  /// unfinished endpoint, so that stdout holds every finished endpoint once,
  /// in input order.
  std::vector<EndpointResult> Stop(size_t& count) {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    progress_.Clear();
    if (G().json) {
      for (; next_ < done_.size(); ++next_) {
        if (done_[next_]) std::cout << ProbeResultJsonLine(*done_[next_]) << "\n";
      }
      std::cout << std::flush;
    }
    std::vector<EndpointResult> finished;
    for (const auto& r : done_) {
      if (r) finished.push_back(*r);
    }
    count = done_count_;
    return finished;
  }

 private:
  std::mutex mu_;
  std::vector<std::optional<EndpointResult>> done_;
  size_t done_count_ = 0;
  size_t next_ = 0;
  bool stopped_ = false;
  ProgressLine& progress_;
};

/// Ctrl-C (or SIGTERM): prints the endpoints already finished and exits 130.
[[noreturn]] void ExitInterrupted(ResultCollector& collector, size_t total) {
  size_t n = 0;
  std::vector<EndpointResult> finished = collector.Stop(n);
  if (!G().json) PrintTable(finished);
  std::cout << std::flush;
  ReportProbeError(
      "interrupted",
      "interrupted after " + std::to_string(n) + " of " + std::to_string(total) + " endpoints",
      kExitInterrupted);
  std::cerr << std::flush;
  // The worker is still blocked in the engine: leave without unwinding it.
  std::_Exit(kExitInterrupted);
}

/// The engine runs on a worker thread; this thread waits for it or for an
/// interrupt (polled: a second one exits at once, secproto/interrupt.h).
Expected<std::vector<EndpointResult>> ProbeInterruptibly(const std::vector<Endpoint>& endpoints,
                                                         const ProbeOptions& o,
                                                         ProgressLine& progress) {
  ResultCollector collector(endpoints.size(), progress);
  ProbeCallbacks cb = collector.Callbacks();
  InterruptPolling polling;
  auto future = std::async(std::launch::async, [&] { return ProbeEndpoints(endpoints, o, cb); });
  while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (Interrupted()) ExitInterrupted(collector, endpoints.size());
  }
  return future.get();
}

int RunProbe(const ProbeFlags& f) {
  auto endpoints = ReadProbeEndpoints(f);
  if (!endpoints) return ReportError(endpoints.error());
  auto o = ProbeOptionsFromFlags(f);
  if (!o) return ReportError(o.error());
  ProgressLine progress(!f.no_progress && !G().quiet && SECPROTO_ISATTY(SECPROTO_STDERR_FD));
  auto results = ProbeInterruptibly(*endpoints, *o, progress);
  progress.Clear();
  if (!results) return ReportError(results.error());
  if (!G().json) PrintTable(*results);
  bool any = std::any_of(results->begin(), results->end(),
                         [](const EndpointResult& r) { return r.Reachable(); });
  if (!any) return ReportProbeError("unreachable", "no endpoint could be reached", kExitTarget);
  return kExitOk;
}

}  // namespace

const CommandSetup kSetupProbe = [](CLI::App& app) -> std::function<int()> {
       auto f = std::make_shared<ProbeFlags>();
       app.add_option("ENDPOINT", f->endpoints,
                      "host, host:port or [ipv6]:port (default port 443)");
       app.add_option("-f,--file", f->file,
                      "Read endpoints from FILE, one per line ('#' comments)");
       app.add_option("--concurrency", f->concurrency, "Connections open at once (default 256)")
           ->check(CLI::Range(1, 100000));
       app.add_option("--per-ip", f->per_ip, "Connections open at once to one address (default 8)")
           ->check(CLI::Range(1, 100000));
       app.add_option("--timeout", f->timeout_ms,
                      "Read timeout in ms, from the hello sent to the answer (default 5000)")
           ->check(CLI::Range(1, 600000));
       app.add_option("--connect-timeout", f->connect_timeout_ms,
                      "TCP connect timeout in ms (default: --timeout, at most 3000)")
           ->check(CLI::Range(1, 600000));
       app.add_option("--retries", f->retries,
                      "Extra attempts for an unsure answer before a verdict (default 2)")
           ->check(CLI::Range(0, 10));
       app.add_option("--protocols", f->protocols,
                      "Versions to probe (default all): e.g. tls1.0,tls1.1,tls1.2,tls1.3");
       app.add_flag("--no-sni", f->no_sni, "Never send SNI (it is never sent for IP addresses)");
       app.add_flag("--no-progress", f->no_progress, "No progress line on a terminal");
       app.add_flag("--suites", f->suites,
                    "Also enumerate, per offered version, the cipher suites (in the server's "
                    "order) and groups the server accepts");
       app.footer(
           "Verdicts: offered | not-offered | inconclusive. --json prints one object per endpoint "
           "per line.\nExit codes: 0 done, 2 bad input, 3 no endpoint could be reached, 130 "
           "interrupted (the finished endpoints are printed).\n"
           "Examples:\n  secproto probe example.com 10.0.0.5:8443 [::1]:4433\n"
           "  secproto probe -f hosts.txt --json --concurrency 512\n"
           "  secproto probe example.com --suites");
       return [f]() -> int { return RunProbe(*f); };
     };

}  // namespace secproto::cli
