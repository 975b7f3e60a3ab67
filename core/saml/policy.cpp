#include "core/saml/policy.hpp"

#include <algorithm>

#include "core/base/log.hpp"

namespace sportello::saml {

std::string_view toString(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "pass";
    case Outcome::fail:
      return "fail";
    case Outcome::not_applicable:
      return "not_applicable";
  }
  return "fail";
}

bool Report::ok() const {
  return firstFailure() == nullptr;
}

const Verdict* Report::firstFailure() const {
  for (const auto& v : verdicts) {
    if (v.outcome == Outcome::fail) return &v;
  }
  return nullptr;
}

std::size_t Report::failures() const {
  return static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(),
                                                [](const Verdict& v) { return v.outcome == Outcome::fail; }));
}

std::string Report::toJson() const {
  std::string out = "[";
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const auto& v = verdicts[i];
    if (i > 0) out += ",";
    out += "{\"rule\":";
    appendJsonString(out, v.rule);
    out += ",\"outcome\":";
    appendJsonString(out, toString(v.outcome));
    out += ",\"detail\":";
    appendJsonString(out, v.detail);
    out += ",\"description\":";
    appendJsonString(out, v.description);
    out += "}";
  }
  out += "]";
  return out;
}

}  // namespace sportello::saml
