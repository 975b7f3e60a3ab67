// A security policy: an ordered list of small, named, stateless rules evaluated against a message and
// a context (peer metadata, clock, skew, expected values). Evaluation runs EVERY rule and returns every
// verdict (pass, fail with a reason, not applicable), not just the first failure: the mock IdPs show
// the whole list to developers, the gateway logs it, the conformance suites report it.
//
// Rule names are stable identifiers ("authn.destination", "response.audience", ...) used in logs, the
// journal and conformance reports; change one only with its users.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sportello::saml {

enum class Outcome { pass, fail, not_applicable };
std::string_view toString(Outcome o);

// What a rule returns; the policy adds the rule's name.
struct Check {
  Outcome outcome = Outcome::pass;
  std::string detail;  // for fail: what is wrong; for pass/n.a.: what was seen (may be empty)

  static Check pass(std::string detail = {}) { return {Outcome::pass, std::move(detail)}; }
  static Check fail(std::string detail) { return {Outcome::fail, std::move(detail)}; }
  static Check notApplicable(std::string detail = {}) { return {Outcome::not_applicable, std::move(detail)}; }
};

struct Verdict {
  std::string rule;
  std::string description;
  Outcome outcome = Outcome::pass;
  std::string detail;
};

struct Report {
  std::vector<Verdict> verdicts;

  bool ok() const;
  const Verdict* firstFailure() const;
  std::size_t failures() const;
  // [{"rule":..,"outcome":"pass|fail|not_applicable","detail":..,"description":..}, ...]
  std::string toJson() const;
};

template <class Message, class Context>
class Policy {
 public:
  using Fn = std::function<Check(const Message&, const Context&)>;
  struct Rule {
    std::string name;
    std::string description;
    Fn check;
  };

  Policy& add(std::string name, std::string description, Fn fn) {
    rules_.push_back({std::move(name), std::move(description), std::move(fn)});
    return *this;
  }

  Report evaluate(const Message& m, const Context& c) const {
    Report r;
    r.verdicts.reserve(rules_.size());
    for (const auto& rule : rules_) {
      Check ck = rule.check(m, c);
      r.verdicts.push_back({rule.name, rule.description, ck.outcome, std::move(ck.detail)});
    }
    return r;
  }

  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
};

}  // namespace sportello::saml
