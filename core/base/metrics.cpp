#include "core/base/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace sportello {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double seconds) noexcept {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (seconds > 0) sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

double Histogram::sum() const noexcept {
  return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

std::vector<double> Histogram::latencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Series& Metrics::find(const std::string& name, const std::string& help, Kind kind,
                               const Labels& labels, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto fam =
      std::find_if(families_.begin(), families_.end(), [&](const Family& f) { return f.name == name; });
  if (fam == families_.end()) {
    families_.push_back(Family{name, help, kind, {}});
    fam = std::prev(families_.end());
  }
  for (auto& s : fam->series) {
    if (s.labels == labels) return s;
  }
  // The family's kind decides what is created: registering a name again with another kind is a
  // programming error, but it must not crash a request, so every series carries all three objects
  // only when needed (the family's own kind) plus cheap placeholders for the others.
  Series& s = fam->series.emplace_back();
  s.labels = labels;
  s.c = std::make_unique<Counter>();
  s.g = std::make_unique<Gauge>();
  s.h = std::make_unique<Histogram>(fam->kind == Kind::histogram ? std::move(bounds) : std::vector<double>{});
  return s;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels) {
  return *find(name, help, Kind::counter, labels, {}).c;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  return *find(name, help, Kind::gauge, labels, {}).g;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help, const Labels& labels,
                              std::vector<double> bounds) {
  return *find(name, help, Kind::histogram, labels, std::move(bounds)).h;
}

namespace {

void appendEscaped(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void appendLabels(std::string& out, const Labels& labels, const char* extraKey = nullptr,
                  const std::string& extraValue = {}) {
  if (labels.empty() && extraKey == nullptr) return;
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += k;
    out += "=\"";
    appendEscaped(out, v);
    out.push_back('"');
  }
  if (extraKey != nullptr) {
    if (!first) out.push_back(',');
    out += extraKey;
    out += "=\"";
    out += extraValue;
    out.push_back('"');
  }
  out.push_back('}');
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& f : families_) {
    out += "# HELP " + f.name + " " + f.help + "\n";
    out += "# TYPE " + f.name +
           (f.kind == Kind::counter ? " counter\n"
            : f.kind == Kind::gauge ? " gauge\n"
                                    : " histogram\n");
    for (const auto& s : f.series) {
      if (f.kind == Kind::counter) {
        out += f.name;
        appendLabels(out, s.labels);
        out += " " + std::to_string(s.c->value()) + "\n";
      } else if (f.kind == Kind::gauge) {
        out += f.name;
        appendLabels(out, s.labels);
        out += " " + std::to_string(s.g->value()) + "\n";
      } else {
        const Histogram& h = *s.h;
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.bucket(i);
          out += f.name + "_bucket";
          appendLabels(out, s.labels, "le", i < h.bounds().size() ? number(h.bounds()[i]) : "+Inf");
          out += " " + std::to_string(cumulative) + "\n";
        }
        out += f.name + "_sum";
        appendLabels(out, s.labels);
        out += " " + number(h.sum()) + "\n";
        out += f.name + "_count";
        appendLabels(out, s.labels);
        out += " " + std::to_string(h.count()) + "\n";
      }
    }
  }
  return out;
}

}  // namespace sportello
