// The HTML skeleton of every page a citizen sees (gateway, and in time the mocks): Italian, accessible,
// in the look of the national design system (Designers Italia / Bootstrap Italia: Titillium Web, primary
// #0066cc, slim header with the owning administration, centre header with the service name). The style is
// inline so that pages need no asset server and render the same in a browser test and in a demo.
#pragma once

#include <string>
#include <string_view>

namespace sportello::web {

struct PageHead {
  std::string title;           // <title> and <h1>
  std::string administration;  // slim header: "Comune di Vigata"
  std::string service;         // centre header: "Servizi online"
  std::string theme = "spid";  // "spid" | "cie" | "pagopa": accent of the centre header
};

// <!doctype html>...<main id="contenuto"> body </main>...footer; `body` is trusted HTML.
std::string page(const PageHead& head, std::string_view body);

// Escapes & < > " ' for text and attribute values.
std::string escape(std::string_view s);

}  // namespace sportello::web
