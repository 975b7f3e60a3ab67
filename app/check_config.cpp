#include "app/commands.hpp"
#include "app/options.hpp"

namespace sportello::app {

int checkConfig(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  std::string file;
  desc.add_options()("help,h", "this text")("config,c", po::value(&file)->default_value(kDefaultConfig),
                                            "configuration file to check");
  po::positional_options_description pos;
  po::variables_map vm;
  const char* usage =
      "Usage: sportello check-config [-c FILE]\n\n"
      "Validates a configuration file and prints every problem as 'file:line: key: message'.\n"
      "Exit status: 0 when the file is valid, 2 when it is not.\n\n";
  if (int rc = parseOptions(args, desc, usage, vm); rc >= 0) return rc;
  auto cfg = loadOrReport(file, {});
  if (!cfg) return 2;
  std::cout << file << ": ok (" << cfg->server.listeners.size() << " listener"
            << (cfg->server.listeners.size() == 1 ? "" : "s") << ", " << cfg->idps.size()
            << " identity provider" << (cfg->idps.size() == 1 ? "" : "s") << ")\n";
  return 0;
}

}  // namespace sportello::app
