// The TLS version prober: which protocol versions an endpoint accepts, found
// with hand-built hellos and our own answer parser (no TLS library), driven by
// one thread over many non-blocking sockets (docs/PROBE.md).
//
// The versions probed are the rows of the protocol table (AllProtocols());
// nothing here hard-codes a wire version.
#ifndef SECPROTO_PROBE_H_
#define SECPROTO_PROBE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secproto/error.h"
#include "secproto/protocols.h"

namespace secproto {

// ---------------------------------------------------------------------------
// Endpoints

/// A host and a TCP port. `host` is a DNS name or an IP literal; an IPv6
/// literal is stored without brackets.
struct Endpoint {
  std::string host;
  uint16_t port = 443;

  /// "host:port", or "[v6]:port" for an IPv6 literal.
  std::string ToString() const;
  /// Whether `host` is an IPv4 or IPv6 literal (such hosts never get SNI).
  bool HostIsIp() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// The port used when an endpoint names none.
inline constexpr uint16_t kDefaultTlsPort = 443;

/// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; a bare IPv6 literal
/// (two or more colons, no brackets) is accepted as a host without port.
/// Rejects empty hosts, ports outside 1-65535, junk characters and unbalanced
/// brackets with an Input error naming the text.
Expected<Endpoint> ParseEndpoint(std::string_view text);

/// Parses an endpoint list file: one endpoint per line; blank lines and
/// everything after '#' are ignored. Errors name the line number.
Expected<std::vector<Endpoint>> ParseEndpointList(std::string_view text);

/// Whether `host` is an IPv4 dotted quad or an IPv6 literal.
bool IsIpLiteral(std::string_view host);

// ---------------------------------------------------------------------------
// Results

/// What the probe concludes for one endpoint and one version.
enum class Verdict : uint8_t {
  kOffered,       ///< the server agreed to the version (ServerHello or HRR)
  kNotOffered,    ///< the server refused it (alert, other version, consistent close)
  kInconclusive,  ///< no reliable answer after the retries (timeouts, odd alerts, junk)
};

/// The raw answer to one hello.
enum class Outcome : uint8_t {
  kAccepted,           ///< ServerHello with the version asked for
  kHelloRetryRequest,  ///< TLS 1.3 HelloRetryRequest (TLS 1.3 offered)
  kLowerVersion,       ///< ServerHello with a lower version than asked
  kHigherVersion,      ///< ServerHello with a higher version than asked
  kAlert,              ///< a fatal alert (or an SSLv2 ERROR message)
  kReset,              ///< the connection was reset
  kClose,              ///< the server closed without answering
  kTimeout,            ///< no complete answer within the read timeout
  kNonTls,             ///< the answer is not TLS at all (e.g. HTTP)
  kMalformed,          ///< TLS-looking answer that breaks the rules
  kConnectFailed,      ///< TCP connect refused, unreachable or timed out
  kResolveFailed,      ///< the host name did not resolve
  /// Only in results read back (ParseProbeResultJsonLine): the line gave no
  /// outcome, or one this version does not know. The prober never sets it.
  kUnknown,
};

/// "offered", "not-offered", "inconclusive".
std::string_view VerdictName(Verdict v);
/// "accepted", "hello-retry-request", "lower-version", "higher-version",
/// "alert", "reset", "close", "timeout", "non-tls", "malformed",
/// "connect-failed", "resolve-failed", "unknown".
std::string_view OutcomeName(Outcome o);
/// Inverse of VerdictName / OutcomeName; nullopt for unknown text.
std::optional<Verdict> ParseVerdictName(std::string_view name);
std::optional<Outcome> ParseOutcomeName(std::string_view name);

/// The TLS alert description name ("protocol_version" for 70), or "" for an
/// unknown code.
std::string_view AlertName(uint8_t description);

/// What the answer said beyond its outcome. Fields are set only when seen.
struct AnswerDetail {
  /// The version the server picked (from supported_versions when present,
  /// else the ServerHello version; 0x0002 for an SSLv2 SERVER-HELLO).
  std::optional<uint16_t> server_version;
  std::optional<uint16_t> cipher_suite;      ///< TLS cipher suite chosen
  std::optional<uint8_t> alert_level;        ///< 1 warning, 2 fatal
  std::optional<uint8_t> alert_description;  ///< e.g. 70 protocol_version
  /// An SSLv2 ERROR message's code (then alert_* are unset).
  std::optional<uint16_t> ssl2_error;
  /// Number of cipher specs in an SSLv2 SERVER-HELLO (0 still means SSLv2 on).
  std::optional<uint16_t> ssl2_cipher_count;
  /// The ServerHello random ends in the RFC 8446 downgrade sentinel:
  /// "tls1.2" (DOWNGRD\x01) or "tls1.1" (DOWNGRD\x00, meaning 1.1 or lower).
  std::string downgrade_sentinel;
  /// Warning alerts skipped before the answer (e.g. 112 unrecognized_name).
  std::vector<uint8_t> warnings;
  /// Free text for transport failures ("Connection refused") and for why an
  /// answer was judged malformed or non-TLS.
  std::string message;
  /// Bytes read from the server on the deciding attempt.
  size_t bytes_read = 0;
  /// The key exchange group: TLS 1.3 key_share or HelloRetryRequest
  /// selected_group (RFC 8446 4.2.8); TLS 1.2 and lower, the named curve of an
  /// ECDHE ServerKeyExchange (RFC 8422 5.4), read only when asked for.
  std::optional<uint16_t> group;
};

/// The answer for one endpoint and one version.
struct VersionResult {
  Protocol protocol = Protocol::kTls12;
  Verdict verdict = Verdict::kInconclusive;
  Outcome outcome = Outcome::kTimeout;
  AnswerDetail detail;
  int attempts = 0;  ///< connections used for this version

  // Filled by `probe --suites` for an offered version (docs/PROBE.md).
  bool enumerated = false;  ///< suites and groups were enumerated
  /// Every cipher suite the server accepts with this version (IANA code
  /// points), in the order the removal enumeration found them: the server's
  /// preference order when `order` is "server".
  std::vector<uint16_t> suites;
  /// Every group the server accepts for (EC)DHE key exchange with this version,
  /// in the order found.
  std::vector<uint16_t> groups;
  /// "server" (the server picks by its own order), "client" (by the client's),
  /// "" (fewer than two suites, or no clear answer).
  std::string order;
  bool suites_complete = true;  ///< false: a step stayed unsure after the retries
  bool groups_complete = true;
};

/// All versions for one endpoint.
struct EndpointResult {
  Endpoint endpoint;
  /// The address probed ("" when the name did not resolve).
  std::string ip;
  /// One entry per probed protocol, in protocol-table order.
  std::vector<VersionResult> versions;
  /// TCP connections opened for this endpoint (all versions, retries and
  /// enumeration steps).
  int connections = 0;
  /// Why the endpoint could not be probed at all, as a result line read back
  /// says it (its "error" member); the prober leaves it empty.
  std::string error;

  /// Whether any attempt got a TCP connection.
  bool Reachable() const;
  /// Why the endpoint was not probed: `error` when set, else, when no attempt
  /// got a connection, "unreachable (OUTCOME: message)" from the first
  /// version ("unreachable" when none was probed); "" when it was reached.
  std::string Failure() const;
  /// The result for `p`, or nullptr when it was not probed.
  const VersionResult* Find(Protocol p) const;
  /// The protocols with verdict kOffered.
  ProtocolSet Offered() const;
};

/// One JSON line for a result (the `secproto probe --json` shape):
/// {"endpoint":"host:port","ip":...,"versions":{"ssl2":{"verdict":...,
/// "outcome":...,"detail":{...}},...}}. Keys come from the protocol table.
/// An "error" member only when `r.error` is set.
std::string ProbeResultJsonLine(const EndpointResult& r);
/// Parses a line written by ProbeResultJsonLine: the one reader of probe
/// results (`impact --probe-results`, with and without --tls-policy).
/// Unknown members are ignored. Also accepted: a version without "outcome"
/// or with one not known here (Outcome::kUnknown), and a line without
/// "versions" when it has an "error" member (kept in `error`). A line that is
/// not a JSON object, has no "endpoint" (host:port) or a version without a
/// known verdict is a kInput error ("bad-probe-results"; a bad endpoint text
/// keeps ParseEndpoint's error).
Expected<EndpointResult> ParseProbeResultJsonLine(std::string_view line);
/// Parses a whole `secproto probe --json` output: one line per result, blank
/// lines skipped. Errors start with "line N: ".
Expected<std::vector<EndpointResult>> ParseProbeResultJsonLines(std::string_view text);

// ---------------------------------------------------------------------------
// Hello builder and answer parser (exposed for tests and the fuzzer)

/// What goes into a ClientHello besides the version.
struct HelloOptions {
  /// The server name for SNI; ignored (never sent) when it is an IP literal
  /// or empty.
  std::string server_name;
  /// 32+ bytes of randomness for the random, session id and key share. When
  /// empty the builder draws its own.
  std::vector<uint8_t> entropy;
  /// The cipher suites to offer instead of the version's full list
  /// (ProbeSuitesFor); the renegotiation SCSV is always added.
  std::optional<std::vector<uint16_t>> suites;
  /// The supported_groups to offer instead of the default list. TLS 1.3: the
  /// X25519 key share is sent only when X25519 is in the list, else the
  /// key_share list is empty (the server must answer with a
  /// HelloRetryRequest naming its group).
  std::optional<std::vector<uint16_t>> groups;
};

/// One cipher suite the prober knows.
struct ProbeSuite {
  enum class Kind : uint8_t {
    kTls13,   ///< TLS 1.3 only
    kTls12,   ///< needs TLS 1.2 (AEAD or SHA-2 MAC)
    kLegacy,  ///< SSL 3.0 to TLS 1.2
  };
  uint16_t code;
  std::string_view iana_name;  ///< IANA "TLS Cipher Suites" registry name
  Kind kind;
};

/// Every cipher suite the prober offers, in the order offered (at most 128
/// per hello).
std::span<const ProbeSuite> ProbeSuites();
/// The suites a hello for `p` offers, in order (without the SCSV); empty for
/// SSL 2.0.
std::vector<uint16_t> ProbeSuitesFor(Protocol p);
/// The groups `probe --suites` enumerates, in the order offered.
std::span<const uint16_t> ProbeGroups();
/// IANA name of a suite / group, or "0x%04x" when unknown.
std::string SuiteIanaName(uint16_t code);
std::string GroupIanaName(uint16_t id);
/// Inverses of SuiteIanaName / GroupIanaName (also accept "0x%04x").
std::optional<uint16_t> SuiteFromIanaName(std::string_view name);
std::optional<uint16_t> GroupFromIanaName(std::string_view name);
/// Whether `code` is an ECDHE suite (its ServerKeyExchange names a curve).
bool IsEcdheSuite(uint16_t code);

/// The steps of the removal enumeration.
enum class EnumerationStep : uint8_t {
  kSuites,  ///< every suite for the version not yet found
  kGroups,  ///< every group not yet found (TLS 1.2 and lower: ECDHE suites only)
  kOrder,   ///< the first two suites found, reversed
};

/// The next hello of an enumeration step given what was found so far, or
/// nullopt when there is nothing left to offer (the step is complete).
std::optional<HelloOptions> NextEnumerationHello(EnumerationStep step, Protocol p,
                                                 const std::vector<uint16_t>& found_suites,
                                                 const std::vector<uint16_t>& found_groups);

/// Builds the bytes of a ClientHello for `p`: an SSLv2 CLIENT-HELLO for SSL 2.0;
/// otherwise a TLS record (record version 0x0300 for SSL 3.0, 0x0301 above)
/// whose handshake length is never within 256-511 bytes.
std::vector<uint8_t> BuildClientHello(Protocol p, const HelloOptions& options);

/// The cap on bytes read from one connection before the answer counts as
/// malformed. A ServerHello and a few alerts fit well below it.
inline constexpr size_t kMaxAnswerBytes = 80 * 1024;

/// Incremental classifier of a server's answer to a hello for one version.
/// Feed bytes as they arrive, split anyhow; memory stays bounded (only record
/// headers and the ServerHello are kept). Once Done() is true, further input is
/// ignored.
class AnswerParser {
 public:
  /// With `want_key_exchange` (TLS 1.2 and lower), an accepted ServerHello is
  /// not the end: the parser reads on (skipping the certificate) to the
  /// ServerKeyExchange and sets detail().group from its named curve, or
  /// finishes without a group at a ServerHelloDone.
  explicit AnswerParser(Protocol asked, bool want_key_exchange = false);

  /// Consumes `bytes`. Returns Done().
  bool Feed(std::span<const uint8_t> bytes);
  /// Whether an outcome is known and reading can stop.
  bool Done() const { return done_; }
  /// The outcome; meaningful when Done().
  Outcome outcome() const { return outcome_; }
  const AnswerDetail& detail() const { return detail_; }
  /// Whether any byte was received.
  bool Started() const { return detail_.bytes_read > 0; }

 private:
  void Finish(Outcome o, std::string message = {});
  void ParseTlsRecords(std::span<const uint8_t> in);
  void ParseSsl2();
  void OnHandshakeBytes(std::span<const uint8_t> bytes);
  void ParseServerHello(std::span<const uint8_t> body);

  Protocol asked_;
  bool done_ = false;
  Outcome outcome_ = Outcome::kTimeout;
  AnswerDetail detail_;
  enum class Mode : uint8_t { kUnknown, kTls, kSsl2 } mode_ = Mode::kUnknown;
  std::vector<uint8_t> header_;  // partial record header (<= 5 bytes)
  uint8_t record_type_ = 0;
  size_t record_left_ = 0;          // payload bytes left in the current record
  std::vector<uint8_t> alert_;      // partial alert (<= 2 bytes)
  std::vector<uint8_t> handshake_;  // the first handshake message, bounded
  std::vector<uint8_t> pending_;    // SSLv2: the first bytes (<= 13)
  size_t records_ = 0;              // TLS record headers seen
  bool want_kex_ = false;
  // After an accepted ServerHello in want_kex_ mode: the outcome to report,
  // and the message being skipped (bytes left) or its header being read.
  bool after_hello_ = false;
  Outcome hello_outcome_ = Outcome::kAccepted;
  size_t skip_left_ = 0;
  std::vector<uint8_t> next_;  // header (4) and, for ServerKeyExchange, 3 body bytes
  void OnHandshakeAfterHello(std::span<const uint8_t> bytes);
};

// ---------------------------------------------------------------------------
// The transport seam

/// How an exchange with a server ended, as the transport saw it.
enum class TransportEnd : uint8_t {
  kDone,            ///< the sink said it had enough; the transport closed
  kClosed,          ///< the peer closed (EOF)
  kReset,           ///< the peer reset the connection
  kConnectFailed,   ///< connect refused / unreachable / socket error
  kConnectTimeout,  ///< connect did not finish within the connect timeout
  kReadTimeout,     ///< the read timeout passed (counted from the hello sent)
};

/// Receives the events of one exchange, on the thread calling Poll().
class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  /// Bytes from the server. Return true when no more are needed.
  virtual bool OnData(std::span<const uint8_t> bytes) = 0;
  /// Called exactly once, last. `message` is the OS error text, if any.
  virtual void OnEnd(TransportEnd end, const std::string& message) = 0;
};

/// One connection: connect, send `payload`, read until the sink has enough.
struct ExchangeRequest {
  std::string ip;  ///< numeric IPv4 or IPv6 address
  uint16_t port = 0;
  std::vector<uint8_t> payload;
  int connect_timeout_ms = 3000;
  int read_timeout_ms = 5000;
};

/// The piece of the outside world the engine needs: name resolution and many
/// concurrent exchanges driven by Poll(). One implementation per OS (epoll,
/// WSAPoll); tests may inject a fake.
class ProbeTransport {
 public:
  virtual ~ProbeTransport() = default;
  /// Numeric addresses of `host`, preferred first. Thread-safe.
  virtual Expected<std::vector<std::string>> Resolve(const std::string& host) = 0;
  /// Starts an exchange. `sink` must outlive it; every Start is followed by
  /// exactly one sink->OnEnd from a later Poll() (never from Start itself).
  virtual void Start(const ExchangeRequest& request, ExchangeSink* sink) = 0;
  /// Waits up to `max_wait_ms` for events and delivers them to the sinks.
  virtual void Poll(int max_wait_ms) = 0;
  /// Exchanges started and not yet ended.
  virtual size_t Active() const = 0;
};

/// The transport of this OS: epoll on Linux, WSAPoll on Windows.
Expected<std::unique_ptr<ProbeTransport>> NewSocketTransport();

// ---------------------------------------------------------------------------
// The engine

/// How to probe.
struct ProbeOptions {
  int concurrency = 256;          ///< connections open at once, all endpoints
  int per_ip_limit = 8;           ///< connections open at once to one address
  int connect_timeout_ms = 3000;  ///< TCP connect
  int read_timeout_ms = 5000;     ///< from the hello sent to a classified answer
  int retries = 2;                ///< extra attempts for an unsure answer
  int retry_delay_ms = 250;       ///< wait before a retry (times the attempt number)
  bool send_sni = true;           ///< send SNI for host names (never for IPs)
  /// The versions to probe; empty means every row of the protocol table.
  std::vector<Protocol> protocols;
  /// For each offered version, enumerate the cipher suites and groups the
  /// server accepts (removal enumeration) and its order preference.
  bool suites = false;
};

/// Progress so far, for a progress line.
struct ProbeProgress {
  size_t probes_done = 0;  ///< endpoint x version results final
  size_t probes_total = 0;
  size_t endpoints_done = 0;
  size_t endpoints_total = 0;
  size_t connections = 0;  ///< connections opened so far (incl. retries)
  size_t active = 0;       ///< connections open now
};

/// Optional callbacks, called on the probing thread.
struct ProbeCallbacks {
  /// After each final endpoint x version result (and at start).
  std::function<void(const ProbeProgress&)> progress;
  /// When all versions of endpoint number `index` are final.
  std::function<void(size_t index, const EndpointResult&)> endpoint_done;
};

/// Probes every endpoint for every version in `options.protocols`. Returns
/// results in the order of `endpoints`. Fails only for bad options (Usage) or
/// when the transport cannot be created (Io); unreachable endpoints are
/// results, not errors. `transport` may be null for the OS transport; when
/// given it must be unused by others during the call.
Expected<std::vector<EndpointResult>> ProbeEndpoints(std::span<const Endpoint> endpoints,
                                                     const ProbeOptions& options,
                                                     const ProbeCallbacks& callbacks = {},
                                                     ProbeTransport* transport = nullptr);

/// The verdict rules, exposed for tests: the verdict for a version given the
/// outcomes of its attempts so far, or nullopt when another attempt is due
/// (`attempts_left` > 0 and the answer was unsure).
std::optional<Verdict> DecideVerdict(Protocol asked, std::span<const Outcome> outcomes,
                                     std::span<const AnswerDetail> details, int attempts_left);

}  // namespace secproto

#endif  // SECPROTO_PROBE_H_
