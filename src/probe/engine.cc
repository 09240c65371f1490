// The probing engine: resolves names, schedules one exchange per endpoint x
// version under the global and per-address caps, retries unsure answers and
// turns them into verdicts. Portable: sockets live behind ProbeTransport.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "secproto/probe.h"

namespace secproto {
namespace {

using Clock = std::chrono::steady_clock;

// One endpoint x version, or one enumeration step chain of an offered
// version (probe --suites).
struct Slot {
  size_t endpoint = 0;
  Protocol protocol = Protocol::kTls12;
  std::vector<Outcome> outcomes;
  std::vector<AnswerDetail> details;
  bool final = false;
  Verdict verdict = Verdict::kInconclusive;
  // Enumeration slots: the step, the version slot they report to, and the
  // hello of the current step.
  bool enumeration = false;
  EnumerationStep step = EnumerationStep::kSuites;
  size_t version_slot = 0;
  HelloOptions hello;
};

// What the enumeration found for one version slot.
struct Found {
  std::vector<uint16_t> suites;
  std::vector<uint16_t> groups;
  std::string order;
  bool suites_complete = true;
  bool groups_complete = true;
  bool enumerated = false;
};

// One step of a removal enumeration answered with `picked` (nullopt: no
// clear answer). A pick that is one of `offered` and not yet in `found` is
// added to `found`: true. Anything else leaves the list unsure (`complete`
// false): false, the chain ends.
bool TakeFresh(std::optional<uint16_t> picked, const std::optional<std::vector<uint16_t>>& offered,
               std::vector<uint16_t>& found, bool& complete) {
  const bool fresh = picked && offered &&
                     std::find(offered->begin(), offered->end(), *picked) != offered->end() &&
                     std::find(found.begin(), found.end(), *picked) == found.end();
  if (!fresh) {
    complete = false;
    return false;
  }
  found.push_back(*picked);
  return true;
}

class Engine;

// One connection attempt for a slot.
class Attempt : public ExchangeSink {
 public:
  Attempt(std::vector<Attempt*>* ended, size_t slot, Protocol p, bool want_kex)
      : ended_(ended), slot_(slot), parser_(p, want_kex) {}
  bool OnData(std::span<const uint8_t> bytes) override { return parser_.Feed(bytes); }
  void OnEnd(TransportEnd end, const std::string& message) override {
    end_ = end;
    message_ = message;
    ended_->push_back(this);
  }

  size_t slot() const { return slot_; }

  /// The outcome of this attempt from the parser or, when the answer was
  /// incomplete, from how the connection ended.
  std::pair<Outcome, AnswerDetail> Result() const {
    AnswerDetail d = parser_.detail();
    if (parser_.Done()) return {parser_.outcome(), d};
    const bool partial = parser_.Started();
    std::string partial_note =
        partial ? "answer cut short after " + std::to_string(d.bytes_read) + " bytes" : "";
    switch (end_) {
      case TransportEnd::kDone:
      case TransportEnd::kClosed:
        d.message = partial ? partial_note : "closed without an answer";
        return {partial ? Outcome::kMalformed : Outcome::kClose, d};
      case TransportEnd::kReset:
        d.message = message_.empty() ? "connection reset" : message_;
        if (partial) d.message += " (" + partial_note + ")";
        return {Outcome::kReset, d};
      case TransportEnd::kConnectFailed:
        d.message = message_.empty() ? "connect failed" : message_;
        return {Outcome::kConnectFailed, d};
      case TransportEnd::kConnectTimeout:
        d.message = "connect timed out";
        return {Outcome::kConnectFailed, d};
      case TransportEnd::kReadTimeout:
        d.message = partial ? "timed out, " + partial_note : "no answer";
        return {Outcome::kTimeout, d};
    }
    return {Outcome::kMalformed, d};
  }

 private:
  std::vector<Attempt*>* ended_;
  size_t slot_;
  AnswerParser parser_;
  TransportEnd end_ = TransportEnd::kClosed;
  std::string message_;
};

struct AddressState {
  std::deque<size_t> pending;  // slots waiting to start
  int active = 0;
  bool in_ready = false;
};

class Engine {
 public:
  Engine(std::span<const Endpoint> endpoints, const ProbeOptions& options,
         const ProbeCallbacks& callbacks, ProbeTransport* transport)
      : endpoints_(endpoints), options_(options), callbacks_(callbacks), transport_(transport) {}

  std::vector<EndpointResult> Run() {
    std::vector<Protocol> protocols = options_.protocols;
    if (protocols.empty()) {
      for (const ProtocolInfo& p : AllProtocols()) protocols.push_back(p.id);
    }
    results_.resize(endpoints_.size());
    remaining_.assign(endpoints_.size(), protocols.size());
    version_slots_.resize(endpoints_.size());
    Resolve();
    for (size_t e = 0; e < endpoints_.size(); ++e) {
      results_[e].endpoint = endpoints_[e];
      for (Protocol p : protocols) {
        size_t id = slots_.size();
        Slot slot;
        slot.endpoint = e;
        slot.protocol = p;
        slots_.push_back(std::move(slot));
        version_slots_[e].push_back(id);
        if (results_[e].ip.empty()) {
          AnswerDetail d;
          d.message = resolve_errors_[e];
          slots_[id].outcomes.push_back(Outcome::kResolveFailed);
          slots_[id].details.push_back(d);
          continue;  // finalized below, once all slots exist
        }
        Enqueue(id);
      }
    }
    progress_.probes_total = slots_.size();
    progress_.endpoints_total = endpoints_.size();
    Report();
    for (size_t id = 0; id < slots_.size(); ++id) {
      if (!slots_[id].outcomes.empty()) Finalize(id, Verdict::kInconclusive);
    }
    Loop();
    return std::move(results_);
  }

 private:
  void Resolve() {
    resolve_errors_.assign(endpoints_.size(), "");
    std::map<std::string, std::vector<size_t>> by_host;
    for (size_t e = 0; e < endpoints_.size(); ++e) {
      if (endpoints_[e].HostIsIp()) {
        results_[e].ip = endpoints_[e].host;
      } else {
        by_host[endpoints_[e].host].push_back(e);
      }
    }
    if (by_host.empty()) return;
    std::vector<std::string> hosts;
    for (const auto& [h, unused] : by_host) hosts.push_back(h);
    std::vector<Expected<std::vector<std::string>>> answers(
        hosts.size(), Fail(Error::Io("not resolved", "resolve")));
    // Name lookups block; a few threads run them side by side. Sockets are
    // still driven by one thread.
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < hosts.size(); i = next++)
        answers[i] = transport_->Resolve(hosts[i]);
    };
    size_t n_threads = std::min<size_t>(16, hosts.size());
    std::vector<std::thread> threads;
    for (size_t i = 1; i < n_threads; ++i) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    for (size_t i = 0; i < hosts.size(); ++i) {
      for (size_t e : by_host[hosts[i]]) {
        if (answers[i] && !answers[i]->empty()) {
          results_[e].ip = answers[i]->front();
        } else {
          resolve_errors_[e] = answers[i] ? "no address" : answers[i].error().message;
        }
      }
    }
  }

  void Enqueue(size_t id) {
    const std::string& ip = results_[slots_[id].endpoint].ip;
    AddressState& a = addresses_[ip];
    a.pending.push_back(id);
    MarkReady(ip, a);
  }

  void MarkReady(const std::string& ip, AddressState& a) {
    if (!a.in_ready && !a.pending.empty() && a.active < per_ip()) {
      a.in_ready = true;
      ready_.push_back(ip);
    }
  }

  int per_ip() const { return std::max(1, options_.per_ip_limit); }

  void StartSome() {
    const size_t cap = static_cast<size_t>(std::max(1, options_.concurrency));
    while (active_ < cap && !ready_.empty()) {
      std::string ip = std::move(ready_.front());
      ready_.pop_front();
      AddressState& a = addresses_[ip];
      a.in_ready = false;
      if (a.pending.empty() || a.active >= per_ip()) continue;
      size_t id = a.pending.front();
      a.pending.pop_front();
      ++a.active;
      Start(id, ip);
      MarkReady(ip, a);
    }
  }

  void Start(size_t id, const std::string& ip) {
    const Slot& s = slots_[id];
    const Endpoint& ep = endpoints_[s.endpoint];
    HelloOptions hello = s.enumeration ? s.hello : HelloOptions{};
    if (options_.send_sni && !ep.HostIsIp()) hello.server_name = ep.host;
    ExchangeRequest req;
    req.ip = ip;
    req.port = ep.port;
    req.payload = BuildClientHello(s.protocol, hello);
    req.connect_timeout_ms = options_.connect_timeout_ms;
    req.read_timeout_ms = options_.read_timeout_ms;
    const bool want_kex = s.enumeration && s.step == EnumerationStep::kGroups;
    auto attempt = std::make_unique<Attempt>(&ended_, id, s.protocol, want_kex);
    ++results_[s.endpoint].connections;
    Attempt* raw = attempt.get();
    attempts_.emplace(raw, std::move(attempt));
    ++active_;
    ++progress_.connections;
    transport_->Start(req, raw);
  }

  void Loop() {
    while (final_count_ < slots_.size()) {
      PromoteDueRetries();
      StartSome();
      int wait = 200;
      if (!delayed_.empty()) {
        auto until = std::chrono::duration_cast<std::chrono::milliseconds>(delayed_.begin()->first -
                                                                           Clock::now())
                         .count();
        wait = static_cast<int>(std::clamp<long long>(until, 0, wait));
      }
      if (active_ == 0 && ready_.empty() && delayed_.empty()) break;  // nothing can progress
      transport_->Poll(active_ == 0 ? wait : std::min(wait, 200));
      std::vector<Attempt*> ended;
      ended.swap(ended_);
      for (Attempt* a : ended) OnAttemptEnd(a);
    }
  }

  void PromoteDueRetries() {
    auto now = Clock::now();
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      size_t id = delayed_.begin()->second;
      delayed_.erase(delayed_.begin());
      Enqueue(id);
    }
  }

  void OnAttemptEnd(Attempt* a) {
    auto owned = std::move(attempts_.at(a));
    attempts_.erase(a);
    --active_;
    const size_t id = a->slot();
    Slot& s = slots_[id];
    const std::string& ip = results_[s.endpoint].ip;
    AddressState& st = addresses_[ip];
    --st.active;
    auto [outcome, detail] = a->Result();
    s.outcomes.push_back(outcome);
    s.details.push_back(std::move(detail));
    const int used = static_cast<int>(s.outcomes.size());
    const int left = std::max(0, options_.retries) + 1 - used;
    auto verdict = DecideVerdict(s.protocol, s.outcomes, s.details, left);
    if (verdict && s.enumeration) {
      OnStepDone(id, *verdict);
    } else if (verdict) {
      Finalize(id, *verdict);
    } else {
      auto delay = std::chrono::milliseconds(std::max(0, options_.retry_delay_ms) * used);
      delayed_.emplace(Clock::now() + delay, id);
    }
    MarkReady(ip, st);
  }

  // Starts the enumeration of an offered version: suites (seeded with the
  // suite the version probe got, the server's first choice) and groups.
  void StartEnumeration(size_t vid) {
    Slot& v = slots_[vid];
    Found& f = found_[vid];
    f.enumerated = true;
    const AnswerDetail& d = v.details.back();
    const std::vector<uint16_t> offered = ProbeSuitesFor(v.protocol);
    if (d.cipher_suite &&
        std::find(offered.begin(), offered.end(), *d.cipher_suite) != offered.end()) {
      f.suites.push_back(*d.cipher_suite);
    }
    if (v.protocol == Protocol::kTls13 && d.group) f.groups.push_back(*d.group);
    for (EnumerationStep step : {EnumerationStep::kSuites, EnumerationStep::kGroups}) {
      AddStep(vid, step);
    }
  }

  // Adds the slot of one step chain, or nothing when there is nothing to offer.
  void AddStep(size_t vid, EnumerationStep step) {
    const Found& f = found_[vid];
    const Slot& v = slots_[vid];
    auto hello = NextEnumerationHello(step, v.protocol, f.suites, f.groups);
    if (!hello) return;
    Slot slot;
    slot.endpoint = v.endpoint;
    slot.protocol = v.protocol;
    slot.enumeration = true;
    slot.step = step;
    slot.version_slot = vid;
    slot.hello = std::move(*hello);
    const size_t id = slots_.size();
    slots_.push_back(std::move(slot));
    ++remaining_[slots_[id].endpoint];
    ++progress_.probes_total;
    Enqueue(id);
  }

  // One step of an enumeration chain has its answer: note what it found and
  // ask again with the rest, or end the chain.
  void OnStepDone(size_t id, Verdict verdict) {
    Slot& s = slots_[id];
    Found& f = found_[s.version_slot];
    const AnswerDetail d = s.details.back();
    const Outcome o = s.outcomes.back();
    s.outcomes.clear();
    s.details.clear();
    const bool answered = verdict == Verdict::kOffered &&
                          (o == Outcome::kAccepted || o == Outcome::kHelloRetryRequest);
    switch (s.step) {
      case EnumerationStep::kSuites:
        if (verdict == Verdict::kNotOffered) return EndChain(id);
        if (!TakeFresh(answered ? d.cipher_suite : std::nullopt, s.hello.suites, f.suites,
                       f.suites_complete)) {
          return EndChain(id);
        }
        break;
      case EnumerationStep::kGroups:
        if (verdict == Verdict::kNotOffered) return EndChain(id);
        if (answered && !d.group) return EndChain(id);  // no ECDHE key exchange
        if (!TakeFresh(answered ? d.group : std::nullopt, s.hello.groups, f.groups,
                       f.groups_complete)) {
          return EndChain(id);
        }
        break;
      case EnumerationStep::kOrder: {
        if (answered && d.cipher_suite && f.suites.size() >= 2) {
          if (*d.cipher_suite == f.suites[0]) f.order = "server";
          if (*d.cipher_suite == f.suites[1]) f.order = "client";
        }
        return EndChain(id);
      }
    }
    auto next = NextEnumerationHello(s.step, s.protocol, f.suites, f.groups);
    if (!next) return EndChain(id);
    s.hello = std::move(*next);
    Enqueue(id);
  }

  void EndChain(size_t id) {
    Slot& s = slots_[id];
    if (s.step == EnumerationStep::kSuites) AddStep(s.version_slot, EnumerationStep::kOrder);
    Finalize(id, Verdict::kOffered);
  }

  void Finalize(size_t id, Verdict verdict) {
    Slot& s = slots_[id];
    if (s.final) return;
    s.final = true;
    s.verdict = verdict;
    const size_t e = s.endpoint;
    if (!s.enumeration && options_.suites && verdict == Verdict::kOffered &&
        s.protocol != Protocol::kSsl2 && !s.details.empty()) {
      StartEnumeration(id);  // adds slots: `s` is not used after this
    }
    ++final_count_;
    ++progress_.probes_done;
    if (--remaining_[e] == 0) {
      // All versions final: assemble in protocol-table order.
      ++progress_.endpoints_done;
      BuildEndpoint(e);
      if (callbacks_.endpoint_done) callbacks_.endpoint_done(e, results_[e]);
    }
    Report();
  }

  void BuildEndpoint(size_t e) {
    std::vector<VersionResult> versions;
    for (size_t id : version_slots_[e]) {
      Slot& s = slots_[id];
      VersionResult v;
      v.protocol = s.protocol;
      v.verdict = s.verdict;
      v.outcome = s.outcomes.back();
      v.detail = s.details.back();
      v.attempts =
          static_cast<int>(std::count_if(s.outcomes.begin(), s.outcomes.end(),
                                         [](Outcome o) { return o != Outcome::kResolveFailed; }));
      auto f = found_.find(id);
      if (f != found_.end()) {
        v.enumerated = f->second.enumerated;
        v.suites = std::move(f->second.suites);
        v.groups = std::move(f->second.groups);
        v.order = std::move(f->second.order);
        v.suites_complete = f->second.suites_complete;
        v.groups_complete = f->second.groups_complete;
        found_.erase(f);
      }
      versions.push_back(std::move(v));
      s.outcomes = {};
      s.details = {};
    }
    std::sort(versions.begin(), versions.end(), [](const VersionResult& a, const VersionResult& b) {
      return a.protocol < b.protocol;
    });
    results_[e].versions = std::move(versions);
  }

  void Report() {
    progress_.active = active_;
    if (callbacks_.progress) callbacks_.progress(progress_);
  }

  std::span<const Endpoint> endpoints_;
  const ProbeOptions& options_;
  const ProbeCallbacks& callbacks_;
  ProbeTransport* transport_;

  std::vector<EndpointResult> results_;
  std::vector<std::string> resolve_errors_;
  std::vector<size_t> remaining_;
  std::vector<std::vector<size_t>> version_slots_;
  std::unordered_map<size_t, Found> found_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, AddressState> addresses_;
  std::deque<std::string> ready_;
  std::multimap<Clock::time_point, size_t> delayed_;
  std::unordered_map<Attempt*, std::unique_ptr<Attempt>> attempts_;
  std::vector<Attempt*> ended_;
  size_t active_ = 0;
  size_t final_count_ = 0;
  ProbeProgress progress_;
};

}  // namespace

Expected<std::vector<EndpointResult>> ProbeEndpoints(std::span<const Endpoint> endpoints,
                                                     const ProbeOptions& options,
                                                     const ProbeCallbacks& callbacks,
                                                     ProbeTransport* transport) {
  if (options.concurrency < 1) return Fail(Error::Usage("--concurrency must be at least 1"));
  if (options.per_ip_limit < 1) return Fail(Error::Usage("the per-address cap must be at least 1"));
  if (options.connect_timeout_ms < 1 || options.read_timeout_ms < 1) {
    return Fail(Error::Usage("timeouts must be at least 1 ms"));
  }
  if (options.retries < 0 || options.retries > 10)
    return Fail(Error::Usage("--retries must be 0-10"));
  for (size_t i = 0; i < options.protocols.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (options.protocols[i] == options.protocols[j]) {
        return Fail(Error::Usage("a protocol is listed twice"));
      }
    }
  }
  std::unique_ptr<ProbeTransport> own;
  if (transport == nullptr) {
    auto t = NewSocketTransport();
    if (!t) return Fail(t.error());
    own = std::move(*t);
    transport = own.get();
  }
  Engine engine(endpoints, options, callbacks, transport);
  return engine.Run();
}

}  // namespace secproto
