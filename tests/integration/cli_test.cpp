// The sportello executable as users and CI scripts run it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/http/client.hpp"
#include "tests/integration/cli_support.hpp"
#include "tests/support/test_env.hpp"

using namespace sportello;
using namespace sportello::test::cli;
using namespace std::chrono_literals;

namespace {

const std::string kConfig = std::string(SPORTELLO_SOURCE_DIR) + "/config/sportello.toml";

}  // namespace

TEST(Cli, VersionAndHelp) {
  test::TempDir dir;
  auto v = run({"--version"}, dir.path());
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out.rfind("sportello ", 0), 0u);
  for (std::string cmd : {"serve", "check-config", "certs"}) {
    auto h = run({cmd, "--help"}, dir.path());
    EXPECT_EQ(h.status, 0) << cmd;
    EXPECT_NE(h.out.find("Usage: sportello " + cmd), std::string::npos) << h.out;
  }
  EXPECT_EQ(run({"frobnicate"}, dir.path()).status, 2);
  EXPECT_EQ(run({"serve", "--no-such-option"}, dir.path()).status, 2);
}

TEST(Cli, CheckConfigReportsEveryProblemWithFileAndLine) {
  test::TempDir dir;
  std::string bad = dir.path() + "/bad.toml";
  std::ofstream(bad) << "[server]\nthreads = \"two\"\ncolour = 1\n[[server.listeners]]\nname = "
                        "\"main\"\naddress = \"nowhere\"\n";
  auto r = run({"check-config", "-c", bad}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad + ":2: server.threads: expected an integer"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":3: server.colour: unknown key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":6: server.listeners[0].address:"), std::string::npos) << r.err;
  auto ok = run({"check-config", "-c", kConfig}, dir.path());
  EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST(Cli, CertsCreatesThenReuses) {
  test::TempDir dir;
  auto first = run({"certs", "-c", kConfig, "--data-dir", dir.path() + "/var"}, dir.path());
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/var/pki/ca.crt"));
  EXPECT_NE(first.out.find("ca.crt"), std::string::npos);
  auto second = run({"certs", "-c", kConfig, "--data-dir", dir.path() + "/var"}, dir.path());
  EXPECT_EQ(second.status, 0);
  EXPECT_NE(second.out.find("(0 pairs created now"), std::string::npos) << second.out;
}

TEST(Cli, ServeOnPortZeroReportsPortsAnswersAndStopsOnSigterm) {
  test::TempDir dir;
  std::string ports = dir.path() + "/ports.json";
  pid_t pid = spawn({"serve", "-c", kConfig, "--listen", "127.0.0.1:0", "--data-dir", dir.path() + "/var",
                     "--ports-file", ports},
                    dir.path());
  Reaper reaper{pid};
  for (int i = 0; i < 300 && !std::filesystem::exists(ports); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(std::filesystem::exists(ports)) << slurp(dir.path() + "/stderr.txt");
  auto doc = boost::json::parse(slurp(ports)).as_object();
  auto& main = doc.at("listeners").as_object().at("main").as_object();
  EXPECT_NE(main.at("port").as_int64(), 0);
  EXPECT_EQ(doc.at("pid").as_int64(), pid);

  http::ClientOptions o;
  o.tls.ca = std::string(doc.at("ca").as_string());  // absolute, usable from anywhere
  http::Client client(o);
  auto ready = client.getSync(std::string(main.at("url").as_string()) + "/_admin/ready");
  ASSERT_TRUE(ready) << ready.error().message();
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, "{\"ready\":true}");
  // With no public_url in the file, the announced URLs follow the port the listener got.
  auto endpoints = client.getSync(std::string(main.at("url").as_string()) + "/_admin/endpoints");
  ASSERT_TRUE(endpoints);
  auto eps = boost::json::parse(endpoints->body).as_object();
  const std::string expectedBase = "https://localhost:" + std::to_string(main.at("port").as_int64());
  EXPECT_EQ(eps.at("public_url").as_string(), expectedBase);
  EXPECT_EQ(eps.at("idps").as_array().at(0).at("metadata").as_string(),
            expectedBase + "/idp/aurora-id/metadata");
  auto home = client.getSync(std::string(main.at("url").as_string()) + "/");
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("lang=\"it\""), std::string::npos);

  ::kill(pid, SIGTERM);
  reaper.done = true;
  auto r = finish(pid, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("\"event\":\"stopped\""), std::string::npos);
}

TEST(Cli, ServeRefusesABadConfigWithExitCode2) {
  test::TempDir dir;
  std::string bad = dir.path() + "/bad.toml";
  std::ofstream(bad) << "[[server.listeners]]\nname = \"main\"\naddress = \"127.0.0.1:99999\"\n";
  auto r = run({"serve", "-c", bad}, dir.path());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad + ":3: server.listeners[0].address"), std::string::npos) << r.err;
}

TEST(Cli, ServeSaysWhichListenerCannotBind) {
  test::TempDir dir;
  // Hold a port, then ask serve to listen on it.
  std::string ports = dir.path() + "/p.json";
  pid_t holder = spawn({"serve", "-c", kConfig, "--listen", "127.0.0.1:0", "--data-dir", dir.path() + "/var",
                        "--ports-file", ports},
                       dir.path());
  Reaper reaper{holder};
  for (int i = 0; i < 300 && !std::filesystem::exists(ports); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(std::filesystem::exists(ports));
  auto port = boost::json::parse(slurp(ports)).at("listeners").at("main").at("port").as_int64();
  test::TempDir other;
  auto r = run({"serve", "-c", kConfig, "--listen", "127.0.0.1:" + std::to_string(port), "--data-dir",
                dir.path() + "/var"},
               other.path());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("listener 'main' cannot listen on 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << r.err;
  ::kill(holder, SIGTERM);
  reaper.done = true;
  EXPECT_EQ(finish(holder, dir.path()).status, 0);
}
