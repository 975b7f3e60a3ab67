// A small scripted browser for integration tests: a cookie jar (Secure/HttpOnly ignored, Max-Age=0
// deletes), redirects followed on the same server, forms found in pages and submitted (hidden inputs
// kept, fields added), relative actions resolved. Enough to walk a SAML login through the real pages;
// Chromium tests (tests/browser) cover what a real browser adds.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http/client.hpp"

namespace sportello::test {

class Browser {
 public:
  Browser(http::Origin origin, const std::string& ca_file);

  struct Page {
    int status = 0;
    http::Headers headers;
    std::string body;
    std::string target;  // where this page came from (after redirects)
  };
  using Fields = std::vector<std::pair<std::string, std::string>>;

  // Follows up to 10 redirects on this server (an absolute Location elsewhere stops and is returned).
  Page get(const std::string& target, const Fields& extra_headers = {});
  Page post(const std::string& target, const Fields& form, const Fields& extra_headers = {});
  // Submits the form of `page` (the first, or the first whose action contains `action_contains`): its
  // hidden inputs, then `fields` (which replace same-named ones).
  Page submit(const Page& page, const Fields& fields = {}, const std::string& action_contains = "");
  // A meta refresh target of the page, if any ("0;url=/x").
  static std::optional<std::string> refreshTarget(const Page& page);

  std::optional<std::string> cookie(const std::string& name) const;
  void setCookie(const std::string& name, const std::string& value) { jar_[name] = value; }
  void clearCookies() { jar_.clear(); }
  http::Client& client() { return client_; }

 private:
  Page send(http::Request req);
  std::string localTarget(const std::string& location, const std::string& base) const;

  http::Origin origin_;
  http::Client client_;
  std::map<std::string, std::string> jar_;
};

// The hidden inputs of the first form (or of the one whose action contains `action_contains`).
struct Form {
  std::string action, method;
  Browser::Fields fields;
};
std::optional<Form> findForm(const std::string& html, const std::string& action_contains = "");
std::string htmlUnescape(std::string_view s);

}  // namespace sportello::test
