// Routes by method and path to handlers that are plain functions from request to response.
//
// Patterns are '/'-separated: a literal segment matches itself, "{name}" matches one non-empty segment
// (available as req.param("name")), and a final "*" matches the rest of the path, possibly empty
// (req.param("*")). When several routes match, the most specific wins: literal before parameter before
// wildcard, segment by segment. A path that matches only under other methods gives 405 with Allow;
// GET routes also answer HEAD (the server drops the body). Matching is on the raw, undecoded path.
// Three kinds of handler: plain (Handler), waiting on I/O (AsyncHandler), and streaming (StreamHandler,
// see stream.hpp), which gets the request body as it arrives and writes its answer piece by piece.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/http/message.hpp"
#include "core/http/stream.hpp"

namespace sportello::http {

using Handler = std::function<Response(Request&)>;
// For handlers that wait on I/O themselves (the proxy, SOAP calls to another party).
using AsyncHandler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct StreamRoute {
  StreamHandler handler;
  StreamRouteOptions options;
};

struct Route {
  std::string method;   // "GET", "POST", ... or "*" for any
  std::string pattern;  // "/idp/{name}/sso"
  std::string name;     // "GET /idp/{name}/sso": the label in logs and metrics
  std::variant<Handler, AsyncHandler, StreamRoute> handler;
  std::size_t id = 0;  // index in Router::routes()

  std::vector<std::string> segments;  // pattern split at '/'
};

class Router {
 public:
  Router& add(std::string method, std::string pattern, Handler h);
  Router& addAsync(std::string method, std::string pattern, AsyncHandler h);
  Router& addStream(std::string method, std::string pattern, StreamHandler h, StreamRouteOptions o = {});
  Router& get(std::string pattern, Handler h) { return add("GET", std::move(pattern), std::move(h)); }
  Router& post(std::string pattern, Handler h) { return add("POST", std::move(pattern), std::move(h)); }

  struct Match {
    const Route* route = nullptr;  // null when status is 404 or 405
    std::vector<std::pair<std::string, std::string>> params;
    int status = 200;   // 200, 404 or 405
    std::string allow;  // for 405: "GET, HEAD, POST"
  };
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  Router& insert(std::string method, std::string pattern, std::variant<Handler, AsyncHandler, StreamRoute> h);
  std::vector<Route> routes_;
};

}  // namespace sportello::http
