#include "app/comune_wiring.hpp"

#include <filesystem>

#include "mocks/comune/debt_positions.hpp"
#include "mocks/comune/gpd_api.hpp"
#include "mocks/comune/portal.hpp"
#include "mocks/comune/seed.hpp"
#include "mocks/comune/station.hpp"
#include "mocks/pagopa/checkout.hpp"
#include "mocks/pagopa/node.hpp"

namespace sportello::app {

struct ComuneComponents::Impl {
  Options o;
  std::shared_ptr<comune::DebtPositions> positions;
  std::unique_ptr<comune::GpdApi> gpd;
  std::unique_ptr<comune::Portal> portal;
  std::unique_ptr<comune::Station> station;
  std::unique_ptr<node::Node> node;
  std::unique_ptr<checkout::Checkout> checkout;
};

namespace {

std::string underDataDir(const config::Config& c, const std::string& file) {
  std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  return (std::filesystem::path(c.data_dir) / p).string();
}

comune::EcConfig ecConfig(const config::Creditor& c) {
  comune::EcConfig e;
  e.fiscal_code = c.fiscal_code;
  e.company_name = c.company_name;
  e.office_name = c.office_name;
  e.aux_digit = c.aux_digit;
  e.segregation_code = c.segregation_code;
  e.application_code = c.application_code;
  return e;
}

}  // namespace

ComuneComponents::ComuneComponents(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ComuneComponents::~ComuneComponents() {
  stop();
}

Result<std::unique_ptr<ComuneComponents>, std::string> ComuneComponents::create(Options options,
                                                                                http::Router& router,
                                                                                const http::Admin& admin) {
  auto impl = std::make_unique<Impl>();
  impl->o = std::move(options);
  const auto& cfg = *impl->o.config;
  std::string publicUrl = cfg.server.public_url;
  while (!publicUrl.empty() && publicUrl.back() == '/') publicUrl.pop_back();

  std::vector<std::string> creditors;
  if (cfg.ec.enabled) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    comune::DebtPositions::Options po;
    po.database = underDataDir(cfg, cfg.ec.database);
    for (const auto& c : cfg.ec.creditors) {
      po.ecs.push_back(ecConfig(c));
      creditors.push_back(c.fiscal_code);
    }
    po.clock = impl->o.clock;
    po.metrics = impl->o.metrics;
    auto opened = comune::DebtPositions::open(po);
    if (!opened) return fail("ec: " + opened.error());
    impl->positions = std::shared_ptr<comune::DebtPositions>(std::move(*opened));
    const comune::EcConfig demo = ecConfig(cfg.ec.creditors.front());
    if (cfg.ec.seed_demo) {
      auto seeded = comune::seedDemo(*impl->positions, demo, *impl->o.clock);
      if (!seeded) return fail("ec: seeding the demo positions: " + seeded.error());
      impl->o.log->info("ec_seeded", {{"created", seeded->created}, {"existing", seeded->existing}});
    }
    impl->gpd = std::make_unique<comune::GpdApi>(
        comune::GpdApi::Options{impl->positions, impl->o.log, cfg.ec.api_key, demo});
    impl->gpd->addRoutes(router, "/comune/gpd");
    impl->gpd->addAdminRoutes(router, admin);
    impl->station = std::make_unique<comune::Station>(comune::Station::Options{
        impl->o.config, impl->positions, impl->o.clock, impl->o.log, impl->o.metrics});
    impl->station->addRoutes(router, admin);
  }

  if (cfg.pagopa.enabled) {
    auto created = node::Node::create({impl->o.config, impl->o.materials, impl->o.clock, impl->o.log,
                                       impl->o.metrics, underDataDir(cfg, cfg.pagopa.database)});
    if (!created) return fail("pagopa node: " + created.error());
    impl->node = std::move(*created);
    impl->node->addRoutes(router, admin);
    checkout::Checkout::Options co;
    co.config = impl->o.config;
    co.node_url = publicUrl + "/pagopa/node";
    co.node_tls.ca = impl->o.materials.ca.cert;
    co.clock = impl->o.clock;
    co.log = impl->o.log;
    co.metrics = impl->o.metrics;
    auto shop = checkout::Checkout::create(co);
    if (!shop) return fail("pagopa checkout: " + shop.error());
    impl->checkout = std::move(*shop);
    impl->checkout->addRoutes(router);
  }

  comune::Portal::Options po;
  po.administration = cfg.sp.organization;
  po.public_url = publicUrl;
  po.checkout_carts_url = publicUrl + "/pagopa/checkout/ec/v1/carts";
  po.checkout_tls.ca = impl->o.materials.ca.cert;
  po.creditors = creditors;
  po.positions = impl->positions;
  po.clock = impl->o.clock;
  po.log = impl->o.log;
  impl->portal = std::make_unique<comune::Portal>(po);
  impl->portal->addRoutes(router);
  return std::unique_ptr<ComuneComponents>(new ComuneComponents(std::move(impl)));
}

void ComuneComponents::start(http::Server& server) {
  if (impl_->node) impl_->node->start(server);
}

void ComuneComponents::stop() {
  if (impl_ && impl_->node) impl_->node->stop();
}

std::string ComuneComponents::endpointsJson() const {
  std::string url = impl_->o.config->server.public_url;
  std::string j = "{\"gpd\":";
  appendJsonString(j, url + "/comune/gpd/organizations/{fiscalCode}/debtpositions");
  j += ",\"station\":";
  appendJsonString(j, url + "/comune/station");
  j += ",\"portal\":";
  appendJsonString(j, url + "/portale/");
  j += ",\"node\":";
  appendJsonString(j, url + "/pagopa/node");
  j += ",\"checkout\":";
  appendJsonString(j, url + "/pagopa/checkout/");
  j += ",\"carts\":";
  appendJsonString(j, url + "/pagopa/checkout/ec/v1/carts");
  j += "}";
  return j;
}

}  // namespace sportello::app
