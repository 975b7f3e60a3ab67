#include "mocks/idp/journal.hpp"

#include "core/base/log.hpp"

namespace sportello::idp {

void Journal::add(JournalEntry e) {
  std::lock_guard lock(mu_);
  e.seq = next_++;
  entries_.push_front(std::move(e));
  while (entries_.size() > capacity_) entries_.pop_back();
}

std::size_t Journal::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::string Journal::toJson(std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::string out = "{\"entries\":[";
  std::size_t n = 0;
  for (const auto& e : entries_) {
    if (n == limit) break;
    if (n++ > 0) out += ",";
    out += "{\"seq\":" + std::to_string(e.seq);
    for (auto [k, v] : {std::pair<const char*, const std::string*>{"time", &e.time},
                        {"idp", &e.idp},
                        {"direction", &e.direction},
                        {"kind", &e.kind},
                        {"binding", &e.binding},
                        {"sp", &e.sp},
                        {"outcome", &e.outcome},
                        {"request_id", &e.request_id},
                        {"xml", &e.xml}}) {
      out += ",\"";
      out += k;
      out += "\":";
      appendJsonString(out, *v);
    }
    out += ",\"verdicts\":" + e.verdicts_json + "}";
  }
  out += "]}";
  return out;
}

}  // namespace sportello::idp
