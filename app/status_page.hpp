// The page at "/" until the comune's portal (mocks/comune) takes that path: what is running, in Italian,
// with the addresses a developer or a CI script needs.
#pragma once

#include <string>
#include <vector>

#include "core/config/config.hpp"
#include "core/http/server.hpp"

namespace sportello::app {

std::string statusPage(const config::Config& cfg, const std::vector<http::BoundListener>& bound);

}  // namespace sportello::app
