#include "core/web/page.hpp"

namespace sportello::web {

namespace {

constexpr std::string_view kStyle = R"(<style>
:root{--primary:#0066cc;--primary-dark:#004080;--text:#1a1a1a;--muted:#5c6f82;--bg:#f2f7fc;--ok:#008055;--ko:#cc334d}
*{box-sizing:border-box}
html{height:100%}
body{font-family:"Titillium Web",Geneva,Tahoma,sans-serif;margin:0;color:var(--text);background:var(--bg);line-height:1.5;min-height:100%;display:flex;flex-direction:column}
body>main{flex:1 0 auto;width:100%}
a{color:var(--primary)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
.slim{background:var(--primary-dark);color:#fff;padding:.35rem 1.5rem;font-size:.9rem;font-weight:600}
.centre{background:var(--primary);color:#fff;padding:1.1rem 1.5rem}
.centre.cie{background:#06c}.centre.pagopa{background:#0073e6}
.centre .service{font-size:1.6rem;font-weight:700;margin:0}
.centre .tag{margin:0;opacity:.9}
main{max-width:48rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.75rem;margin:.2rem 0 1rem}
.card{background:#fff;border-radius:4px;padding:1.25rem 1.5rem;margin-bottom:1rem;box-shadow:0 2px 8px rgba(0,43,85,.1)}
.btn{display:inline-flex;align-items:center;gap:.6rem;background:var(--primary);color:#fff;border:0;border-radius:4px;padding:.7rem 1.3rem;font-size:1.05rem;font-weight:600;text-decoration:none;cursor:pointer;font-family:inherit}
.btn:hover{background:var(--primary-dark)}
form .btn,p .btn{margin:0 .6rem .6rem 0}
.btn.outline{background:#fff;color:var(--primary);border:2px solid var(--primary)}
.btn:focus,a:focus,summary:focus{outline:3px solid #ffb400;outline-offset:2px}
.idp-menu{margin:.25rem 0 1rem}.idp-menu summary{list-style:none}.idp-menu summary::-webkit-details-marker{display:none}
.idp-list{list-style:none;margin:.35rem 0 0;padding:0;border:1px solid #d9dadb;border-radius:4px;max-width:20rem;background:#fff}
.idp-list li{border-bottom:1px solid #e6e9f2}.idp-list li:last-child{border-bottom:0}
.idp-list a{display:block;padding:.6rem 1rem;text-decoration:none;font-weight:600}
.idp-list a:hover{background:#f2f7fc}
.spid-mark{display:inline-block;min-width:1.6rem;height:1.6rem;padding:0 .3rem;border-radius:.8rem;background:#fff;color:var(--primary);font-weight:700;text-align:center;line-height:1.6rem;font-size:.8rem}
.alert{border-left:6px solid var(--ko);background:#fff;padding:.9rem 1.1rem;margin-bottom:1rem}
.alert.ok{border-left-color:var(--ok)}
dl.identity{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dl.identity dt{font-weight:600}dl.identity dd{margin:0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .4rem;border-bottom:1px solid #e6e9f2;vertical-align:top}
.pass{color:var(--ok)}.fail{color:var(--ko);font-weight:600}.na{color:var(--muted)}
code{background:#e6f0fa;padding:.05rem .25rem;border-radius:3px;overflow-wrap:anywhere}
.small{font-size:.9rem;color:var(--muted)}
footer{background:#004080;color:#fff;padding:1rem 1.5rem;margin-top:2rem;font-size:.9rem}
</style>)";

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string page(const PageHead& head, std::string_view body) {
  std::string h;
  h.reserve(body.size() + 4096);
  h += "<!doctype html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  h += escape(head.title);
  h += " — ";
  h += escape(head.administration);
  h += "</title>\n";
  h += kStyle;
  h += "\n</head>\n<body>\n<a class=\"skip\" href=\"#contenuto\">Vai al contenuto</a>\n<header>\n<div "
       "class=\"slim\">";
  h += escape(head.administration);
  h += "</div>\n<div class=\"centre ";
  h += escape(head.theme);
  h += "\"><p class=\"service\">";
  h += escape(head.service);
  h += "</p><p class=\"tag\">Ambiente di prova Sportello — nessun dato reale</p></div>\n</header>\n"
       "<main id=\"contenuto\">\n<h1>";
  h += escape(head.title);
  h += "</h1>\n";
  h += body;
  h += "\n</main>\n<footer>";
  h += escape(head.administration);
  h += " — simulazione per sviluppo e collaudo (Sportello)</footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace sportello::web
