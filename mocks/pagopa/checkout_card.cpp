#include "mocks/pagopa/checkout_card.hpp"

#include <chrono>

namespace sportello::checkout {

namespace {

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

bool luhnValid(std::string_view digits) {
  if (!allDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

Result<Card, std::vector<FieldProblem>> readCard(const CardInput& in, Clock::time_point now) {
  std::vector<FieldProblem> problems;
  Card card;

  card.holder = trim(in.holder);
  if (card.holder.empty()) {
    problems.push_back({"titolare", "Inserisci il nome del titolare, come è scritto sulla carta."});
  } else if (card.holder.size() > 70) {
    problems.push_back({"titolare", "Il nome del titolare può avere al massimo 70 caratteri."});
  }

  for (char c : in.number) {
    if (c == ' ' || c == '-') continue;
    card.number += c;
  }
  if (card.number.empty()) {
    problems.push_back({"numeroCarta", "Inserisci il numero della carta."});
  } else if (!allDigits(card.number) || card.number.size() < 13 || card.number.size() > 19) {
    problems.push_back({"numeroCarta", "Il numero della carta ha da 13 a 19 cifre."});
  } else if (!luhnValid(card.number)) {
    problems.push_back({"numeroCarta", "Il numero della carta non è valido: controlla le cifre."});
  }

  // MM/AA or MM/AAAA, spaces allowed around the slash.
  std::string expiry;
  for (char c : in.expiry) {
    if (c != ' ') expiry += c;
  }
  auto slash = expiry.find('/');
  std::string mm = slash == std::string::npos ? std::string() : expiry.substr(0, slash);
  std::string yy = slash == std::string::npos ? std::string() : expiry.substr(slash + 1);
  if (expiry.empty()) {
    problems.push_back({"scadenza", "Inserisci la data di scadenza della carta (MM/AA)."});
  } else if (mm.size() != 2 || !allDigits(mm) || (yy.size() != 2 && yy.size() != 4) || !allDigits(yy) ||
             number(mm) < 1 || number(mm) > 12) {
    problems.push_back({"scadenza", "La data di scadenza va scritta come MM/AA, per esempio 08/29."});
  } else {
    card.expiry_month = number(mm);
    card.expiry_year = yy.size() == 2 ? 2000 + number(yy) : number(yy);
    std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now)};
    int y = static_cast<int>(today.year());
    int m = static_cast<int>(static_cast<unsigned>(today.month()));
    if (card.expiry_year < y || (card.expiry_year == y && card.expiry_month < m)) {
      problems.push_back({"scadenza", "La carta è scaduta."});
    }
  }

  std::string cvv = trim(in.cvv);
  if (cvv.empty()) {
    problems.push_back({"cvv", "Inserisci il codice di sicurezza (CVV) sul retro della carta."});
  } else if (!allDigits(cvv) || cvv.size() < 3 || cvv.size() > 4) {
    problems.push_back({"cvv", "Il codice di sicurezza (CVV) ha 3 o 4 cifre."});
  }

  if (!problems.empty()) return fail(std::move(problems));
  return card;
}

Authorisation authorise(const Card& card) {
  if (card.number == kCardApproved) return Authorisation::approved;
  if (card.number == kCardDeclined) return Authorisation::declined;
  return Authorisation::unknown_card;
}

}  // namespace sportello::checkout
