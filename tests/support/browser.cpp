#include "tests/support/browser.hpp"

#include <regex>

namespace sportello::test {

namespace {

std::string attr(const std::string& tag, const std::string& name) {
  std::smatch m;
  std::regex re("\\b" + name + "=\"([^\"]*)\"", std::regex::icase);
  return std::regex_search(tag, m, re) ? htmlUnescape(m[1].str()) : std::string();
}

}  // namespace

std::string htmlUnescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static const std::pair<std::string_view, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
    bool done = false;
    for (auto [e, c] : entities) {
      if (s.substr(i, e.size()) == e) {
        out += c;
        i += e.size() - 1;
        done = true;
        break;
      }
    }
    if (!done) out += '&';
  }
  return out;
}

std::optional<Form> findForm(const std::string& html, const std::string& action_contains) {
  std::regex formRe("<form\\b([^>]*)>([\\s\\S]*?)</form>", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), formRe); it != std::sregex_iterator(); ++it) {
    Form f;
    std::string tag = (*it)[1].str();
    f.action = attr(tag, "action");
    f.method = attr(tag, "method");
    if (!action_contains.empty() && f.action.find(action_contains) == std::string::npos) continue;
    std::string inner = (*it)[2].str();
    std::regex inputRe("<input\\b([^>]*)>", std::regex::icase);
    for (auto in = std::sregex_iterator(inner.begin(), inner.end(), inputRe); in != std::sregex_iterator();
         ++in) {
      std::string itag = (*in)[1].str();
      if (attr(itag, "type") != "hidden") continue;
      f.fields.emplace_back(attr(itag, "name"), attr(itag, "value"));
    }
    return f;
  }
  return std::nullopt;
}

Browser::Browser(http::Origin origin, const std::string& ca_file)
    : origin_(std::move(origin)), client_([&] {
        http::ClientOptions o;
        o.tls.ca = ca_file;
        return o;
      }()) {}

std::optional<std::string> Browser::cookie(const std::string& name) const {
  auto it = jar_.find(name);
  if (it == jar_.end()) return std::nullopt;
  return it->second;
}

std::string Browser::localTarget(const std::string& location, const std::string& base) const {
  if (location.starts_with("https://") || location.starts_with("http://")) {
    auto url = http::parseUrl(location);
    if (!url || url->origin.port != origin_.port) return {};
    return url->target;
  }
  if (location.starts_with("/")) return location;
  std::string dir = base.substr(0, base.find('?'));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return dir + location;
}

Browser::Page Browser::send(http::Request req) {
  if (!jar_.empty()) {
    std::string c;
    for (const auto& [k, v] : jar_) {
      if (!c.empty()) c += "; ";
      c += k + "=" + v;
    }
    req.headers.set("Cookie", c);
  }
  Page p;
  p.target = req.target;
  auto resp = client_.sendSync(origin_, req);
  if (!resp) {
    p.status = -1;
    p.body = resp.error().message();
    return p;
  }
  for (auto sc : resp->headers.all("Set-Cookie")) {
    std::string s(sc);
    auto eq = s.find('=');
    auto semi = s.find(';');
    if (eq == std::string::npos) continue;
    std::string name = s.substr(0, eq);
    std::string value = s.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
    if (s.find("Max-Age=0") != std::string::npos) {
      jar_.erase(name);
    } else {
      jar_[name] = value;
    }
  }
  p.status = resp->status;
  p.headers = resp->headers;
  p.body = std::move(resp->body);
  return p;
}

Browser::Page Browser::get(const std::string& target, const Fields& extra) {
  std::string t = target;
  for (int hops = 0; hops < 10; ++hops) {
    http::Request r;
    r.method = "GET";
    r.target = t;
    for (const auto& [k, v] : extra) r.headers.add(k, v);
    Page p = send(std::move(r));
    auto loc = p.headers.get("Location");
    if (p.status < 300 || p.status >= 400 || !loc) return p;
    std::string next = localTarget(std::string(*loc), t);
    if (next.empty()) return p;
    t = next;
  }
  return Page{-1, {}, "too many redirects", t};
}

Browser::Page Browser::post(const std::string& target, const Fields& form, const Fields& extra) {
  http::Request r;
  r.method = "POST";
  r.target = target;
  r.headers.add("Content-Type", "application/x-www-form-urlencoded");
  for (const auto& [k, v] : extra) r.headers.add(k, v);
  for (const auto& [k, v] : form) {
    if (!r.body.empty()) r.body += "&";
    r.body += http::percentEncode(k) + "=" + http::percentEncode(v);
  }
  Page p = send(std::move(r));
  auto loc = p.headers.get("Location");
  if (p.status >= 300 && p.status < 400 && loc) {
    std::string next = localTarget(std::string(*loc), target);
    if (!next.empty()) return get(next);
  }
  return p;
}

Browser::Page Browser::submit(const Page& page, const Fields& fields, const std::string& action_contains) {
  auto form = findForm(page.body, action_contains);
  if (!form) return Page{-1, {}, "no form in page", page.target};
  Fields all = form->fields;
  for (const auto& [k, v] : fields) {
    std::erase_if(all, [&](const auto& f) { return f.first == k; });
    all.emplace_back(k, v);
  }
  std::string action = localTarget(form->action, page.target);
  if (action.empty()) return Page{-1, {}, "form posts to another server: " + form->action, page.target};
  return post(action, all);
}

std::optional<std::string> Browser::refreshTarget(const Page& page) {
  std::smatch m;
  std::regex re("http-equiv=\"refresh\" content=\"0;url=([^\"]*)\"", std::regex::icase);
  if (!std::regex_search(page.body, m, re)) return std::nullopt;
  return htmlUnescape(m[1].str());
}

}  // namespace sportello::test
