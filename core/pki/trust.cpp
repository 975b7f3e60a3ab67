#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/pki/pki.hpp"

namespace sportello::pki {

namespace {

// The instructions are meant to be pasted into a shell.
std::string shellQuote(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ':' ||
           c == '@';
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace

std::string trustInstructions(const Materials& materials, const std::string& url) {
  const std::string crt = shellQuote(absolute(materials.ca.cert));
  const std::string key = absolute(materials.ca.key);
  const std::string system_copy = "/usr/local/share/ca-certificates/sportello-test-ca.crt";
  std::string t;
  t += "Sportello test CA: " + crt + "\n";
  t += "Trust it only where you test: whoever holds " + key + " can impersonate any HTTPS site\n";
  t += "to a machine that trusts this CA. Remove the trust when you are done.\n";
  t += "\ncurl\n";
  t += "  curl --cacert " + crt + " " + url + "\n";
  t += "\nDebian / Ubuntu system store (curl, wget, git, most command-line tools)\n";
  t += "  sudo cp " + crt + " " + system_copy + "\n";
  t += "  sudo update-ca-certificates\n";
  t += "  undo: sudo rm " + system_copy + " && sudo update-ca-certificates --fresh\n";
  t += "\nChromium / Chrome\n";
  t += "  Settings > Privacy and security > Security > Manage certificates > Authorities > Import,\n";
  t += "  choose the file above and tick \"Trust this certificate for identifying websites\".\n";
  t += "  On Linux, from a shell: certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n \"Sportello Test CA\" "
       "-i " +
       crt + "\n";
  t += "\nFirefox (keeps its own store)\n";
  t += "  Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import,\n";
  t += "  choose the file above and tick \"Trust this CA to identify websites\".\n";
  t += "\nPython requests\n";
  t += "  REQUESTS_CA_BUNDLE=" + crt + " python3 your_script.py\n";
  t += "  (it replaces the default bundle for that process; Python's own ssl module reads SSL_CERT_FILE)\n";
  t += "\nNode.js\n";
  t += "  NODE_EXTRA_CA_CERTS=" + crt + " node your_script.js\n";
  return t;
}

}  // namespace sportello::pki
