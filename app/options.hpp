// Command-line parsing shared by the subcommands (Boost.Program_options), with errors as plain messages.
#pragma once

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace sportello::app {

namespace po = boost::program_options;

// Parses `args` into `vm`. Returns -1 to go on, else the exit code to return (0 after --help, 2 on
// a usage error, which is printed with the usage text).
inline int parseOptions(const std::vector<std::string>& args, const po::options_description& desc,
                        const char* usage, po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "error: " << e.what() << "\n\n" << usage << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << usage << desc;
    return 0;
  }
  return -1;
}

}  // namespace sportello::app
