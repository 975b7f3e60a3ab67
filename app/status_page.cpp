#include "app/status_page.hpp"

#include "core/saml/binding.hpp"

namespace sportello::app {

using saml::htmlEscape;

std::string statusPage(const config::Config& cfg, const std::vector<http::BoundListener>& bound) {
  std::string html = R"(<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sportello — ambiente di prova</title>
<style>
body{font-family:"Titillium Web",system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f5f5f0}
header{background:#0066cc;color:#fff;padding:1.5rem 2rem}
header h1{margin:0;font-size:1.75rem}
main{max-width:56rem;margin:2rem auto;padding:0 1.5rem}
section{background:#fff;border-radius:4px;padding:1.25rem 1.5rem;margin-bottom:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:1.2rem;color:#0066cc;margin-top:0}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e6e9f2}
code{background:#eef3fb;padding:.1rem .3rem;border-radius:3px}
a{color:#0066cc}
</style>
</head>
<body>
<header><h1>Sportello</h1><p>)" +
                     htmlEscape(cfg.sp.organization) +
                     R"( — ambiente di prova per SPID, CIE e pagoPA</p></header>
<main>
<section>
<h2>In ascolto</h2>
<table><thead><tr><th>Nome</th><th>Indirizzo</th></tr></thead><tbody>
)";
  for (const auto& b : bound) {
    html += "<tr><td>" + htmlEscape(b.name) + "</td><td><code>" + htmlEscape(b.url()) + "</code></td></tr>\n";
  }
  html += R"(</tbody></table>
</section>
<section>
<h2>Identity provider di prova configurati</h2>
<table><thead><tr><th>Nome</th><th>Profilo</th><th>Stato</th></tr></thead><tbody>
)";
  for (const auto& idp : cfg.idps) {
    const std::string base = "/idp/" + htmlEscape(idp.name);
    html += "<tr><td>" + htmlEscape(idp.display_name) + " <code>" + htmlEscape(idp.name) +
            "</code></td><td>" + (idp.profile == "cie" ? "CIE" : "SPID") + "</td><td>" +
            (idp.enabled ? "<a href=\"" + base + "/metadata\">metadata</a> · <a href=\"" + base +
                               "/logout\">sessioni attive</a>"
                         : std::string("disattivato")) +
            "</td></tr>\n";
  }
  html += R"(</tbody></table>
</section>
<section>
<h2>Per sviluppatori e CI</h2>
<ul>
<li><a href="/_admin/health">/_admin/health</a> — il processo risponde</li>
<li><a href="/_admin/ready">/_admin/ready</a> — tutti i componenti sono pronti</li>
<li><a href="/_admin/metrics">/_admin/metrics</a> — metriche in formato Prometheus</li>
<li><a href="/_admin/endpoints">/_admin/endpoints</a> — indirizzi di ogni componente (entityID, SSO, SLO)</li>
<li><a href="/_admin/journal">/_admin/journal</a> — ultimi scambi SAML, decodificati, con l'esito di ogni regola</li>
</ul>
<p>Il certificato della CA di prova è in <code>)" +
          htmlEscape(cfg.pkiDir()) +
          R"(/ca.crt</code>: <code>sportello certs</code> spiega come farlo riconoscere.</p>
</section>
</main>
</body>
</html>
)";
  return html;
}

}  // namespace sportello::app
