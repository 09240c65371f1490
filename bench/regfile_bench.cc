// How fast the reg: target audits many small .reg files: writes N files
// shaped like `reg export` output (UTF-16LE, both views, a few unrelated
// values), then opens each read-only and inspects DefaultSecureProtocols, as
// the fleet audit does. Prints files per second. No timed assertions.
//   regfile_bench [N] [DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/strings.h"
#include "secproto/registry.h"
#include "secproto/setting.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  fs::path dir =
      argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "secproto-regfile-bench";
  fs::create_directories(dir);
  std::vector<std::string> paths;
  size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    char value[16];
    std::snprintf(value, sizeof value, "%08x", (i % 3 == 0) ? 0xA80 : 0x2800);
    std::string text =
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
        "Settings\\WinHttp]\r\n"
        "\"DisableBranchCache\"=dword:00000001\r\n"
        "\"DefaultSecureProtocols\"=dword:" +
        std::string(value) +
        "\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\"
        "Internet Settings\\WinHttp]\r\n"
        "\"DefaultSecureProtocols\"=dword:" +
        std::string(value) +
        "\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Example\\Host" +
        std::to_string(i) +
        "]\r\n"
        "\"Owner\"=\"fleet member " +
        std::to_string(i) + "\"\r\n\r\n";
    std::vector<uint8_t> u = secproto::Utf8ToUtf16Le(text);
    std::string path = (dir / ("host" + std::to_string(i) + ".reg")).string();
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << "\xFF\xFE";
    f.write(reinterpret_cast<const char*>(u.data()), static_cast<std::streamsize>(u.size()));
    bytes += u.size() + 2;
    paths.push_back(path);
  }

  secproto::TargetOptions ro;
  ro.read_only = true;
  int compliant = 0, failed = 0;
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  for (const std::string& p : paths) {
    auto target = secproto::OpenTarget("reg:" + p, ro);
    if (!target) {
      ++failed;
      continue;
    }
    auto check =
        secproto::CheckSetting(**target, 0x2800, {secproto::View::k64, secproto::View::k32});
    if (!check) {
      ++failed;
    } else if (check->compliant) {
      ++compliant;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf(
      "regfile_bench: %d files (%zu bytes each on average): open + check took %.2f s "
      "wall, %.2f s CPU (%.0f files per CPU second); %d compliant, %d errors\n",
      n, n ? bytes / static_cast<size_t>(n) : 0, secs, cpu, n / cpu, compliant, failed);
  fs::remove_all(dir);
  return failed == 0 ? 0 : 1;
}
