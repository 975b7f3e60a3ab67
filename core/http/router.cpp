#include "core/http/router.hpp"

#include <algorithm>
#include <set>

namespace sportello::http {

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Specificity of a match, compared lexicographically: per segment 2 = literal, 1 = parameter,
// 0 = wildcard. Longer literal prefixes win.
using Score = std::vector<int>;

bool matches(const Route& r, const std::vector<std::string_view>& parts,
             std::vector<std::pair<std::string, std::string>>* params, Score* score) {
  const auto& segs = r.segments;
  std::size_t i = 0;
  for (; i < segs.size(); ++i) {
    const std::string& s = segs[i];
    if (s == "*" && i + 1 == segs.size()) {
      if (params) {
        std::string rest;
        for (std::size_t k = i; k < parts.size(); ++k) {
          if (k > i) rest.push_back('/');
          rest.append(parts[k]);
        }
        params->emplace_back("*", std::move(rest));
      }
      if (score) score->push_back(0);
      return true;
    }
    if (i >= parts.size()) return false;
    if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
      if (parts[i].empty()) return false;
      if (params) params->emplace_back(s.substr(1, s.size() - 2), std::string(parts[i]));
      if (score) score->push_back(1);
    } else {
      if (s != parts[i]) return false;
      if (score) score->push_back(2);
    }
  }
  return i == parts.size();
}

}  // namespace

Router& Router::add(std::string method, std::string pattern, Handler h) {
  return insert(std::move(method), std::move(pattern), std::move(h));
}

Router& Router::addAsync(std::string method, std::string pattern, AsyncHandler h) {
  return insert(std::move(method), std::move(pattern), std::move(h));
}

Router& Router::addStream(std::string method, std::string pattern, StreamHandler h, StreamRouteOptions o) {
  return insert(std::move(method), std::move(pattern), StreamRoute{std::move(h), o});
}

Router& Router::insert(std::string method, std::string pattern,
                       std::variant<Handler, AsyncHandler, StreamRoute> h) {
  Route r;
  r.name = method + " " + pattern;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = std::move(h);
  r.id = routes_.size();
  for (auto seg : splitPath(r.pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
  return *this;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  auto parts = splitPath(path);
  Match best;
  Score bestScore;
  std::set<std::string> allowed;
  bool anyPath = false;
  for (const auto& r : routes_) {
    Score score;
    if (!matches(r, parts, nullptr, &score)) continue;
    anyPath = true;
    bool methodOk = r.method == "*" || r.method == method || (method == "HEAD" && r.method == "GET");
    if (!methodOk) {
      allowed.insert(r.method);
      if (r.method == "GET") allowed.insert("HEAD");
      continue;
    }
    if (best.route == nullptr || score > bestScore) {
      best.route = &r;
      bestScore = std::move(score);
    }
  }
  if (best.route != nullptr) {
    matches(*best.route, parts, &best.params, nullptr);
    return best;
  }
  best.status = anyPath ? 405 : 404;
  for (const auto& m : allowed) {
    if (!best.allow.empty()) best.allow += ", ";
    best.allow += m;
  }
  return best;
}

}  // namespace sportello::http
