// The streamed outputs of `audit` (audit_stream.h).
#include "audit_stream.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>

#ifdef _WIN32
#include <io.h>
#define SECPROTO_ISATTY _isatty
#else
#include <unistd.h>
#define SECPROTO_ISATTY isatty
#endif

#include "common.h"
#include "secproto/audit.h"
#include "secproto/text.h"

namespace secproto::cli {

AuditJsonStream::AuditJsonStream(Mode mode, std::string head)
    : mode_(mode), head_(std::move(head)) {}

void AuditJsonStream::Start() {
  if (started_ || mode_ != Mode::kDocument) {
    started_ = true;
    return;
  }
  started_ = true;
  std::cout << "{\n";
  if (!head_.empty()) std::cout << "  " << head_ << ",\n";
  std::cout << "  \"machines\": [";
}

void AuditJsonStream::Machine(const std::string& json) {
  if (mode_ == Mode::kNone) return;
  Start();
  if (mode_ == Mode::kLines) {
    std::cout << json << '\n';
    return;
  }
  std::cout << (first_ ? "\n    " : ",\n    ") << json;
  first_ = false;
}

void AuditJsonStream::Finish(const std::string& tail) {
  if (mode_ == Mode::kNone) return;
  if (mode_ == Mode::kLines) {
    std::string all = head_;
    if (!tail.empty()) all += (all.empty() ? "" : ", ") + tail;
    std::cout << "{" << all << "}\n" << std::flush;
    started_ = true;
    return;
  }
  Start();
  std::cout << (first_ ? "]" : "\n  ]");
  if (!tail.empty()) std::cout << ",\n  " << tail;
  std::cout << "\n}\n" << std::flush;
}

AuditJsonStream::Mode AuditJsonMode(bool json_lines) {
  return json_lines ? AuditJsonStream::Mode::kLines
         : G().json ? AuditJsonStream::Mode::kDocument
                    : AuditJsonStream::Mode::kNone;
}

std::string CsvLinkFrom(const std::string& html, const std::string& csv) {
  if (csv.empty()) return "";
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path from = fs::absolute(fs::path(html), ec).parent_path();
  fs::path to = fs::absolute(fs::path(csv), ec);
  fs::path rel = ec ? fs::path(csv) : to.lexically_relative(from);
  if (rel.empty()) rel = to;
  std::string out;
  for (unsigned char c : rel.generic_string()) {
    if (std::isalnum(c) ||
        std::string_view("-._~/").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

bool StderrIsTerminal() { return SECPROTO_ISATTY(2) != 0; }

AuditProgress::AuditProgress(const std::vector<std::string>& inputs, bool enabled)
    : enabled_(enabled) {
  if (!enabled_) return;
  // The walk the audit makes, once more, counting only: its memory is the
  // largest folder's listing, as the audit's own walk.
  counter_ = std::thread([this, inputs]() {
    InputWalker walker(inputs);
    uint64_t n = 0;
    while (!stop_.load(std::memory_order_relaxed) && walker.Next()) ++n;
    if (!stop_.load(std::memory_order_relaxed)) total_.store(n == 0 ? 1 : n);
  });
}

AuditProgress::~AuditProgress() {
  End();
  stop_.store(true);
  if (counter_.joinable()) counter_.join();
}

namespace {}  // namespace

void AuditProgress::Update(uint64_t done) {
  if (!enabled_ || done < 1000) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  uint64_t total = total_.load();
  std::string line = "audit: " + GroupedNumber(done);
  if (total >= done) {
    line += " of " + GroupedNumber(total) + " files (" +
            std::to_string(
                static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total))) +
            "%)";
  } else {
    line += " files";
  }
  line += ", " + GroupedNumber(static_cast<uint64_t>(rate)) + " machines/s";
  if (total >= done && rate > 0) {
    auto eta = static_cast<uint64_t>(static_cast<double>(total - done) / rate + 0.5);
    char buf[32];
    if (eta >= 3600) {
      std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu",
                    static_cast<unsigned long long>(eta / 3600),
                    static_cast<unsigned long long>(eta / 60 % 60),
                    static_cast<unsigned long long>(eta % 60));
    } else {
      std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(eta / 60),
                    static_cast<unsigned long long>(eta % 60));
    }
    line += std::string(", ETA ") + buf;
  } else {
    line += ", counting files";
  }
  std::cerr << "\r\033[K" << line << std::flush;
  shown_ = true;
}

void AuditProgress::End() {
  if (shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace secproto::cli
