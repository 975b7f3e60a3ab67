// The sportello subcommands. Each takes its own arguments (after the subcommand name) and returns
// the process exit code: 0 success, 1 failure at run time, 2 bad usage or bad configuration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/pki/pki.hpp"

namespace sportello::app {

int serve(const std::vector<std::string>& args);
int checkConfig(const std::vector<std::string>& args);
int certs(const std::vector<std::string>& args);
int notice(const std::vector<std::string>& args);

// Shared by the subcommands.
constexpr const char* kDefaultConfig = "config/sportello.toml";
// Loads and validates; prints every problem to stderr as "file:line: key: message". nullptr on problems.
std::shared_ptr<const config::Config> loadOrReport(const std::string& path,
                                                   const config::Overrides& overrides);
pki::Options pkiOptions(const config::Config& cfg);
// Prints findings to stderr ("pki: warning: tls.crt: ..."); true when none is an error.
bool reportFindings(const std::vector<pki::Finding>& findings);

}  // namespace sportello::app
