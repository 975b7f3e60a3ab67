// sportello: one executable, one subcommand per job (design.md, "The running system").
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"

namespace {

constexpr const char* kUsage = R"(Usage: sportello <command> [options]

Simulates an Italian comune's digital front door on one machine: SPID and CIE login, the comune's
services behind an identity-aware gateway, and pagoPA payments end to end.

Commands:
  serve          start every component the configuration enables
  check-config   validate a configuration file and list every problem
  certs          create (or check) the test PKI and say how to trust its CA
  notice         make and check pagoPA notice numbers and their QR / Data Matrix payloads

Options:
  -h, --help     this text (also after a command: sportello serve --help)
  --version      print the version

Configuration: config/sportello.toml by default; every key is documented in
config/sportello.sample.toml.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string cmd = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << "sportello " << SPORTELLO_VERSION << "\n";
    return 0;
  }
  try {
    if (cmd == "serve") return sportello::app::serve(rest);
    if (cmd == "check-config") return sportello::app::checkConfig(rest);
    if (cmd == "certs") return sportello::app::certs(rest);
    if (cmd == "notice") return sportello::app::notice(rest);
  } catch (const std::exception& e) {
    // Start-up code may throw (design.md); request paths never do. Either way the user gets one line.
    std::cerr << "sportello " << cmd << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "sportello: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
