// Admin routes that span components, registered by the app:
//   GET  /_admin/endpoints  every running component and its URLs (for CI scripts and users)
//   GET  /_admin/clock      {"now","frozen","offset_s"} of the simulated clock
//   POST /_admin/clock      {"advance_s": N} | {"set": "2026-11-22T10:00:00Z", "frozen": true} | {"reset":
//   true}
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/base/clock.hpp"
#include "core/config/config.hpp"
#include "core/http/admin.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"

namespace sportello::app {

void addClockRoutes(http::Router& router, const http::Admin& admin, std::shared_ptr<Clock> clock);

// Each part is a component's own JSON under its key: "idps" (IdentityProviders::endpointsJson), "sp"
// (the gateway's Service Provider), ...; a part that returns "" is left out.
using EndpointParts = std::vector<std::pair<std::string, std::function<std::string()>>>;
void addEndpointsRoute(http::Router& router, const http::Admin& admin, const config::Config& cfg,
                       std::function<const std::vector<http::BoundListener>&()> bound, EndpointParts parts);

}  // namespace sportello::app
