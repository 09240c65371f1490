// The fakes that ship: an in-memory registry and a recording, fault-injecting
// wrapper; a scripted prober transport. Tests use them to assert on what was
// done; `mem:` uses MemBackend.
#ifndef SECPROTO_TESTING_H_
#define SECPROTO_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "secproto/probe.h"
#include "secproto/registry.h"
#include "secproto/services.h"

namespace secproto {

/// An in-memory registry holding the roots HKLM\SOFTWARE, HKLM\SYSTEM and
/// HKCU. Transactional: writes go to a pending tree that Commit() publishes;
/// committed() shows what a reader of the "file" would see.
class MemBackend : public RegistryBackend {
 public:
  struct Node {
    std::map<std::string, Node> subkeys;       // key: lower-case name
    std::map<std::string, std::string> names;  // lower-case -> name as written
    std::map<std::string, RegValue> values;    // key: lower-case value name
    std::string name;                          // as written
  };

  explicit MemBackend(Architecture arch = Architecture::kUnknown, bool transactional = true);

  std::string Describe() const override { return "mem:"; }
  bool HasRoot(std::string_view root) const override;
  Expected<Architecture> DetectArchitecture() override;
  Expected<bool> KeyExists(View view, std::string_view key) override;
  Expected<std::optional<RegValue>> GetValue(View view, std::string_view key,
                                             std::string_view name) override;
  Expected<std::vector<std::string>> ListSubkeys(View view, std::string_view key) override;
  Status SetValue(View view, std::string_view key, std::string_view name,
                  const RegValue& value) override;
  Status DeleteValue(View view, std::string_view key, std::string_view name) override;
  Status DeleteKeyIfEmpty(View view, std::string_view key) override;
  bool IsTransactional() const override { return transactional_; }
  Status Commit() override;

  /// The committed tree (for a non-transactional backend, the live tree).
  const Node& committed() const { return committed_; }
  /// How many times Commit() published a change.
  int commits() const { return commits_; }
  /// A stable text dump of a tree, one "key\\name=TYPE:hex" line per value
  /// and one "key\\" line per key.
  static std::string Dump(const Node& root);

 private:
  Node* Find(Node& root, std::string_view physical, bool create);
  Node& tree() { return transactional_ ? pending_ : committed_; }

  Architecture arch_;
  bool transactional_;
  Node committed_;
  Node pending_;
  bool dirty_ = false;
  int commits_ = 0;
};

/// Records every call as a line ("set 64 HKLM\\...\\WinHttp DefaultSecureProtocols
/// REG_DWORD:00280000") and fails the operations a FaultPlan names.
class FaultInjectingBackend : public RegistryBackendWrapper {
 public:
  FaultInjectingBackend(std::unique_ptr<RegistryBackend> target, FaultPlan plan)
      : RegistryBackendWrapper(std::move(target)), plan_(plan) {}

  Expected<bool> KeyExists(View v, std::string_view k) override;
  Expected<std::optional<RegValue>> GetValue(View v, std::string_view k,
                                             std::string_view n) override;
  Expected<std::vector<std::string>> ListSubkeys(View v, std::string_view k) override;
  Status SetValue(View v, std::string_view k, std::string_view n, const RegValue& val) override;
  Status DeleteValue(View v, std::string_view k, std::string_view n) override;
  Status DeleteKeyIfEmpty(View v, std::string_view k) override;
  Status Commit() override;

  const std::vector<std::string>& log() const { return log_; }
  int writes() const { return writes_; }

 private:
  Status CountWrite(std::string line);
  Status CountRead();

  FaultPlan plan_;
  std::vector<std::string> log_;
  int writes_ = 0;
  int reads_ = 0;
};

/// A scripted service manager with a virtual clock: SleepMs() advances the
/// clock instead of waiting, and pending states settle when their time has
/// come. Records every call as a line ("query WinRM", "stop WinRM",
/// "start WinRM") so tests can assert on which services were touched, and in
/// which order.
class FakeServiceManager : public ServiceManager {
 public:
  /// One service and how it behaves.
  struct Service {
    ServiceStatus status = ServiceStatus::kStopped;
    /// How long a stop takes, in virtual ms; negative: it never stops
    /// (stays stop-pending).
    int stop_ms = 0;
    /// RequestStop fails with code "stop-refused" (the service does not
    /// accept SERVICE_CONTROL_STOP).
    bool refuse_stop = false;
    /// How long a start takes, in virtual ms; negative: it never gets past
    /// start-pending.
    int start_ms = 0;
    /// The started service gives up and stops with
    /// ERROR_SERVICE_SPECIFIC_ERROR and service_exit_code 1.
    bool fail_start = false;
    /// Start itself fails, with this error code ("" for none), e.g.
    /// "database-locked" the first `start_errors` times.
    std::string start_error;
    int start_errors = 0;
    /// Counted by the fake: how often the service was started and stopped.
    int starts = 0;
    int stops = 0;
  };

  /// Adds or replaces a service.
  void Add(std::string name, Service service);
  /// REQUIRES: the service was added.
  const Service& service(std::string_view name) const;
  /// Every call in order.
  const std::vector<std::string>& log() const { return log_; }
  /// The calls other than queries ("stop WinRM", "start WinRM").
  std::vector<std::string> actions() const;

  Expected<ServiceInfo> Query(std::string_view name) override;
  Status RequestStop(std::string_view name) override;
  Status Start(std::string_view name) override;
  int64_t NowMs() override { return now_ms_; }
  void SleepMs(int ms) override { now_ms_ += ms; }

 private:
  struct Entry {
    Service service;
    int64_t due_ms = 0;  // when the pending state settles; -1: never
    uint32_t win32_exit_code = 0;
    uint32_t service_exit_code = 0;
  };
  Entry* Find(std::string_view name);
  void Settle(Entry& e);
  // Logs "VERB NAME" and returns the service with its state settled to now;
  // nullptr when there is no such service.
  Entry* Enter(std::string_view verb, std::string_view name);

  std::map<std::string, Entry, std::less<>> services_;
  std::vector<std::string> log_;
  int64_t now_ms_ = 0;
};

// ---------------------------------------------------------------------------
// The prober's transport seam (ProbeTransport in probe.h)

/// A ProbeTransport without sockets: each exchange is answered by `script`
/// from the port and the protocol of the hello sent. Exchanges end one per
/// Poll(), in the order started, so that the engine's caps can be observed.
/// Records every request and the highest concurrency seen.
class FakeProbeTransport : public ProbeTransport {
 public:
  /// What the "server" does: the bytes it sends (none for a silent server),
  /// then how the exchange ends when the sink still wants more.
  struct Behaviour {
    TransportEnd end = TransportEnd::kClosed;
    std::vector<uint8_t> data;
  };
  /// REQUIRES: set before the first Poll(). `nth` counts the hellos of
  /// protocol `p` to `port` so far, from 1.
  std::function<Behaviour(uint16_t port, Protocol p, int nth)> script;
  /// Resolve() answers: host name to numeric addresses; others fail (Io).
  std::map<std::string, std::vector<std::string>> names;

  /// Every request started, in order.
  const std::vector<ExchangeRequest>& started() const { return started_; }
  /// The most exchanges open at once, in all and per address.
  size_t max_active() const { return max_active_; }
  const std::map<std::string, int>& max_per_ip() const { return max_per_ip_; }

  Expected<std::vector<std::string>> Resolve(const std::string& host) override;
  void Start(const ExchangeRequest& request, ExchangeSink* sink) override;
  void Poll(int max_wait_ms) override;
  size_t Active() const override { return queue_.size(); }

  /// The protocol a ClientHello (as BuildClientHello writes it) asks for;
  /// kTls12 for bytes it cannot read.
  static Protocol ProtocolOf(std::span<const uint8_t> hello);

 private:
  std::vector<ExchangeRequest> started_;
  size_t max_active_ = 0;
  std::map<std::string, int> max_per_ip_;
  std::deque<std::pair<ExchangeRequest, ExchangeSink*>> queue_;
  std::map<std::string, int> active_per_ip_;
  std::map<std::pair<uint16_t, Protocol>, int> count_;
};

}  // namespace secproto

#endif  // SECPROTO_TESTING_H_
