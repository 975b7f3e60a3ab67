// Runs the sportello executable as users and CI scripts do (SPORTELLO_BINARY, defined by the test
// target), capturing its exit status, stdout and stderr.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sportello::test::cli {

struct Run {
  int status = -1;  // exit code, or -1 when killed by a signal
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts the binary with `args` in `cwd`, stdout/stderr to files in `cwd`.
inline pid_t spawn(const std::vector<std::string>& args, const std::string& cwd) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) _exit(127);
    FILE* o = std::freopen("stdout.txt", "w", stdout);
    FILE* e = std::freopen("stderr.txt", "w", stderr);
    (void)o;
    (void)e;
    std::vector<char*> argv;
    std::string bin = SPORTELLO_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline Run finish(pid_t pid, const std::string& cwd) {
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  Run r;
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
  r.out = slurp(cwd + "/stdout.txt");
  r.err = slurp(cwd + "/stderr.txt");
  return r;
}

inline Run run(const std::vector<std::string>& args, const std::string& cwd) {
  return finish(spawn(args, cwd), cwd);
}

// Kills a spawned server however the test ends: a failed ASSERT returns early and must not leave a
// sportello process behind.
struct Reaper {
  pid_t pid;
  bool done = false;
  ~Reaper() {
    if (!done && pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace sportello::test::cli
