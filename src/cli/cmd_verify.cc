// secproto verify: real handshakes through this machine's SCHANNEL, each set
// beside what explain predicts for the machine's SCHANNEL client side.
#include <algorithm>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "secproto/catalog.h"
#include "secproto/explain.h"
#include "secproto/stack.h"
#include "secproto/stack_explain.h"
#include "secproto/text.h"
#include "secproto/verify.h"

namespace secproto::cli {
namespace {

struct VerifyOptions {
  std::vector<std::string> endpoints;
  std::string file;
  int timeout_s = 10;
  TargetFlags target;
};

struct Checked {
  VerifyEndpoint endpoint;
  HandshakeResult result;
  std::string protocol;    ///< "TLS 1.2", or ""
  std::string difference;  ///< "" when reality matches the prediction
};

Expected<std::vector<VerifyEndpoint>> Endpoints(const VerifyOptions& o) {
  std::vector<std::string> texts = o.endpoints;
  if (!o.file.empty()) {
    std::ifstream in(o.file);
    if (!in) return Fail(Error::Target("cannot read " + o.file, "unreadable"));
    std::string line;
    while (std::getline(in, line)) {
      std::string t = line;
      while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.pop_back();
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(t.begin());
      if (!t.empty() && t[0] != '#') texts.push_back(t);
    }
  }
  if (texts.empty()) {
    return Fail(Error::Usage("verify needs an endpoint (HOST[:PORT]) or -f FILE", "no-endpoint"));
  }
  std::vector<VerifyEndpoint> out;
  for (const std::string& t : texts) {
    SECPROTO_ASSIGN_OR_RETURN(e, ParseVerifyEndpoint(t));
    out.push_back(std::move(e));
  }
  return out;
}

int RunVerify(const VerifyOptions& o) {
  if (!HaveSchannelClient()) {
    auto e = SchannelHandshake(VerifyEndpoint{}, 0);  // the library's "needs Windows"
    return ReportError(e.error());
  }
  auto endpoints = Endpoints(o);
  if (!endpoints) return ReportError(endpoints.error());
  // The prediction: SCHANNEL's client side of this machine (R18, R20 - R22).
  auto opened = OpenTargetFromFlags(o.target, /*read_only=*/true);
  if (!opened) return ReportError(opened.error());
  RegistryBackend& backend = **opened;
  auto inputs = ReadRegistryInputs(backend);
  if (!inputs) return ReportError(inputs.error());
  auto os = ResolveOs(&backend, "", "");
  if (!os) return ReportError(os.error());
  auto tls = FindOsTls(os->os.id);
  if (!tls) return ReportError(tls.error());
  auto stack = ReadStack(backend);
  if (!stack) return ReportError(stack.error());
  ComponentExplanation client =
      ExplainStack(os->os, *tls, *stack, *inputs, {Component::kSchannelClient})[0];
  const std::vector<std::string>& predicted = client.Main().protocols;

  std::vector<Checked> checked;
  int failed = 0, differ = 0;
  for (const VerifyEndpoint& e : *endpoints) {
    auto r = SchannelHandshake(e, o.timeout_s * 1000);
    if (!r) return ReportError(r.error());
    Checked c{e, std::move(*r), "", ""};
    if (c.result.handshake) {
      auto names = ProtocolSet(c.result.protocol).Names();
      c.protocol = names.empty() ? "0x" + std::to_string(c.result.protocol) : names.front();
      if (std::find(predicted.begin(), predicted.end(), c.protocol) == predicted.end()) {
        c.difference = "negotiated " + c.protocol + ", which the prediction has off for clients";
        ++differ;
      }
    } else {
      ++failed;
    }
    checked.push_back(std::move(c));
  }

  if (G().json) {
    Json list = Json::array();
    for (const Checked& c : checked) {
      list.push_back(Json{
          {"endpoint", c.endpoint.Text()},
          {"connected", c.result.connected},
          {"handshake", c.result.handshake},
          {"protocol", c.protocol.empty() ? Json(nullptr) : Json(c.protocol)},
          {"cipher", c.result.cipher.empty() ? Json(nullptr) : Json(c.result.cipher)},
          {"cipher_bits", c.result.cipher_bits},
          {"hash", c.result.hash.empty() ? Json(nullptr) : Json(c.result.hash)},
          {"exchange", c.result.exchange.empty() ? Json(nullptr) : Json(c.result.exchange)},
          {"status", c.result.status},
          {"error", c.result.error.empty() ? Json(nullptr) : Json(c.result.error)},
          {"difference", c.difference.empty() ? Json(nullptr) : Json(c.difference)}});
    }
    PrintJson(Json{{"os", os->os.id},
                   {"prediction", Json{{"component", "schannel-client"},
                                       {"protocols", predicted},
                                       {"suites", client.Main().suites}}},
                   {"endpoints", list},
                   {"summary", Json{{"endpoints", checked.size()},
                                    {"failed", failed},
                                    {"differ", differ}}}});
  } else {
    std::string p;
    for (const std::string& x : predicted) p += (p.empty() ? "" : ", ") + x;
    std::cout << "Prediction (explain --component schannel-client, " << os->os.name
              << "): " << (p.empty() ? "(none)" : p) << "\n";
    for (const Checked& c : checked) {
      std::cout << c.endpoint.Text() << ": ";
      if (c.result.handshake) {
        std::cout << (c.difference.empty() ? "ok, " : "DIFFERS, ") << c.protocol << ", "
                  << c.result.cipher << " " << c.result.hash << " " << c.result.exchange;
        if (!c.difference.empty()) std::cout << ": " << c.difference;
      } else {
        std::cout << "FAILED: " << c.result.error;
      }
      std::cout << "\n";
    }
    std::cout << checked.size() << " endpoint(s), " << failed << " failed, " << differ
              << " differ from the prediction\n";
  }
  return failed + differ > 0 ? kExitDrift : kExitOk;
}

}  // namespace

const CommandSetup kSetupVerify = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<VerifyOptions>();
  app.add_option("endpoints", o->endpoints, "HOST[:PORT] to handshake with (port 443 when absent)");
  app.add_option("-f,--file", o->file, "Endpoints, one per line (# comments)");
  app.add_option("--timeout", o->timeout_s, "Seconds to wait for each connection (default 10)")
      ->check(CLI::Range(1, 600));
  AddTargetFlags(app, o->target, TargetUse::kRead);
  app.footer(
      "Windows only: the handshakes go through this machine's SCHANNEL with its default "
      "protocols.\nExit 0: every handshake works as predicted; 1: one fails or differs; 2: bad "
      "usage or not Windows.\nExample:\n  secproto verify intranet.example.com:443 --json");
  return [o]() -> int { return RunVerify(*o); };
};

}  // namespace secproto::cli
