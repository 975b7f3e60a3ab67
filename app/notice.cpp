// sportello notice: pagoPA notice numbers and the payloads printed on a payment notice, from the command
// line (spec/pagopa.md "Notice number", "Printed notice payloads"). Pure computation over
// core/pagopa: no configuration, no network. Invalid input is exit 2 with "rule: message" on stderr,
// the rule being core/pagopa's (or core/identity's, for a fiscal code).
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "core/base/log.hpp"
#include "core/identity/codice_fiscale.hpp"
#include "core/pagopa/notice.hpp"

namespace sportello::app {
namespace {

constexpr const char* kNoticeUsage = R"(Usage: sportello notice <subcommand> [options]

pagoPA notice numbers (numero avviso, 18 digits) and the payloads printed on a payment notice.

Subcommands:
  new          make a notice number from aux digit, code and base (and its QR payload)
  check        validate a notice number and split it into aux digit, code, IUV and check digits
  qr           read a QR code payload, or write one from notice number, fiscal code and amount
  datamatrix   read a Poste Data Matrix payload, or write one from its fields

Each takes --json (one JSON object on stdout) and --help.
Exit status: 0 when the input is valid, 2 on bad usage or invalid input ("rule: message" on stderr).
)";

// What a subcommand prints: labelled lines for people, or one JSON object for scripts, from one list.
class Report {
 public:
  // A string field. An empty label leaves it out of the text form, an empty key out of the JSON.
  void text(std::string_view label, std::string_view key, std::string_view value) {
    std::string json;
    appendJsonString(json, value);
    fields_.push_back({std::string(label), std::string(key), std::string(value), std::move(json)});
  }
  void number(std::string_view label, std::string_view key, std::int64_t value, std::string shown = {}) {
    fields_.push_back({std::string(label), std::string(key), shown.empty() ? std::to_string(value) : shown,
                       std::to_string(value)});
  }
  void json(std::string_view key, std::string raw) {
    fields_.push_back({std::string(), std::string(key), std::string(), std::move(raw)});
  }

  void print(std::ostream& out, bool asJson) const {
    if (asJson) {
      std::string line = "{";
      for (const auto& f : fields_) {
        if (f.key.empty()) continue;
        if (line.size() > 1) line += ',';
        appendJsonString(line, f.key);
        line += ':';
        line += f.json;
      }
      out << line << "}\n";
      return;
    }
    constexpr std::size_t kColumn = 18;
    for (const auto& f : fields_) {
      if (f.label.empty()) continue;
      out << f.label;
      if (!f.shown.empty()) {
        out << std::string(f.label.size() < kColumn ? kColumn - f.label.size() : 1, ' ') << f.shown;
      }
      out << "\n";
    }
  }

 private:
  struct Field {
    std::string label, key, shown, json;
  };
  std::vector<Field> fields_;
};

// pagopa::CodeError and identity::CodeError have the same shape.
template <class Error>
int invalid(const Error& e) {
  std::cerr << e.rule << ": " << e.message << "\n";
  return 2;
}

int usageError(const std::string& message, const std::string& usage, const po::options_description& desc) {
  std::cerr << "error: " << message << "\n\n" << usage << desc;
  return 2;
}

// parseOptions (app/options.hpp) with positional arguments.
int parseArgs(const std::vector<std::string>& args, const po::options_description& desc,
              const po::positional_options_description& pos, const std::string& usage,
              po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usageError(e.what(), usage, desc);
  }
  if (vm.count("help")) {
    std::cout << usage << desc;
    return 0;
  }
  return -1;
}

std::string twoDigits(int code) {
  return std::string{static_cast<char>('0' + code / 10), static_cast<char>('0' + code % 10)};
}

const char* auxMeaning(int aux) {
  switch (aux) {
    case 0:
      return "single IUV generator";
    case 1:
      return "legacy, no check digits";
    case 2:
      return "large EC";
    default:
      return "several IUV generators";
  }
}

void describeNotice(Report& r, const pagopa::NoticeNumber& n) {
  r.text("notice number", "notice_number", n.digits);
  r.text("printed", "printed", n.printed());
  r.number("aux", "aux", n.aux, std::to_string(n.aux) + " (" + auxMeaning(n.aux) + ")");
  if (n.application_code) r.text("application code", "application_code", twoDigits(*n.application_code));
  if (n.segregation_code) r.text("segregation code", "segregation_code", twoDigits(*n.segregation_code));
  r.text("IUV", "iuv", n.iuv);
  if (n.aux == 1) {
    r.text("check digits", "", "none (aux 1)");
    r.json("check_digits", "null");
  } else {
    r.text("check digits", "", n.digits.substr(16) + " ok");
    r.text("", "check_digits", n.digits.substr(16));
  }
}

void describeAmount(Report& r, std::int64_t cents) {
  r.text("amount", "amount", pagopa::formatAmount(cents));
  r.number("", "amount_cents", cents);
}

// Reads the payload argument; "-" is a line from standard input (a Data Matrix payload has spaces).
std::string payloadArgument(const std::string& arg) {
  if (arg != "-") return arg;
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int noticeNew(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  int aux = 3;
  int code = 0;
  std::string base, amount, fiscalCode;
  desc.add_options()("help,h", "this text")("json", "one JSON object on stdout")(
      "aux", po::value(&aux)->default_value(3), "aux digit: 0, 2 or 3 (1, legacy, is never generated)")(
      "code", po::value(&code), "aux 0: application code, aux 3: segregation code (00-99); not with aux 2")(
      "base", po::value(&base), "13 digits (aux 0 and 3) or 15 (aux 2); random when left out")(
      "amount", po::value(&amount), "amount in euro (\"123.45\"): with --fiscal-code, adds the QR payload")(
      "fiscal-code", po::value(&fiscalCode), "the creditor EC's fiscal code (11 digits)");
  po::variables_map vm;
  const std::string usage =
      "Usage: sportello notice new [--aux 3] --code NN [--base DIGITS] [--amount 12.34 --fiscal-code CF]\n\n"
      "Makes a notice number, computing its check digits, and prints it, its printed form and its IUV;\n"
      "with --amount and --fiscal-code also the QR code payload.\n\n";
  if (int rc = parseArgs(args, desc, {}, usage, vm); rc >= 0) return rc;
  bool takesCode = aux == 0 || aux == 3;
  if (takesCode && !vm.count("code")) {
    return usageError("--aux " + std::to_string(aux) + " takes --code (00-99)", usage, desc);
  }
  if (aux == 2 && vm.count("code")) return usageError("--aux 2 has no code: leave --code out", usage, desc);
  if (vm.count("amount") != vm.count("fiscal-code")) {
    return usageError("--amount and --fiscal-code go together", usage, desc);
  }
  if (!vm.count("base")) {
    std::random_device rd;
    std::uniform_int_distribution<int> digit(0, 9);
    for (std::size_t i = 0, n = aux == 2 ? 15 : 13; i < n; ++i) base += static_cast<char>('0' + digit(rd));
  }
  auto notice = pagopa::makeNoticeNumber(aux, takesCode ? code : 0, base);
  if (!notice) return invalid(notice.error());
  Report r;
  describeNotice(r, *notice);
  if (vm.count("amount")) {
    auto cents = pagopa::parseAmount(amount);
    if (!cents) return invalid(cents.error());
    auto cf = identity::validatePartitaIva(fiscalCode);
    if (!cf) return invalid(cf.error());
    r.text("fiscal code", "fiscal_code", *cf);
    describeAmount(r, *cents);
    r.text("QR payload", "qr", pagopa::writeQr({notice->digits, *cf, *cents}));
  }
  r.print(std::cout, vm.count("json") > 0);
  return 0;
}

int noticeCheck(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  std::vector<std::string> words;
  desc.add_options()("help,h", "this text")("json", "one JSON object on stdout, with \"valid\"")(
      "number", po::value(&words), "the notice number (also as printed, in groups of 4)");
  po::positional_options_description pos;
  pos.add("number", -1);
  po::variables_map vm;
  const std::string usage =
      "Usage: sportello notice check NUMBER\n\n"
      "Validates an 18-digit notice number (spaces allowed, as printed) and prints its aux digit, code,\n"
      "IUV and check digits. Exit status: 0 when valid, 2 when not (the rule on stderr).\n\n";
  if (int rc = parseArgs(args, desc, pos, usage, vm); rc >= 0) return rc;
  if (words.empty()) return usageError("a notice number is needed", usage, desc);
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
  bool asJson = vm.count("json") > 0;
  auto notice = pagopa::parseNoticeNumber(text);
  if (!notice) {
    if (asJson) {
      Report r;
      r.json("valid", "false");
      r.text("", "rule", notice.error().rule);
      r.text("", "message", notice.error().message);
      r.print(std::cout, true);
    }
    return invalid(notice.error());
  }
  Report r;
  r.json("valid", "true");
  describeNotice(r, *notice);
  r.print(std::cout, asJson);
  return 0;
}

int noticeQr(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  std::string payload, number, fiscalCode, amount;
  desc.add_options()("help,h", "this text")("json", "one JSON object on stdout")("notice", po::value(&number),
                                                                                 "write: the notice number")(
      "fiscal-code", po::value(&fiscalCode), "write: the creditor EC's fiscal code (11 digits)")(
      "amount", po::value(&amount), "write: amount in euro (\"12.34\")")(
      "payload", po::value(&payload), "read: the payload (\"-\" reads a line from standard input)");
  po::positional_options_description pos;
  pos.add("payload", 1);
  po::variables_map vm;
  const std::string usage =
      "Usage: sportello notice qr PAYLOAD\n"
      "       sportello notice qr --notice NUMBER --fiscal-code CF --amount 12.34\n\n"
      "Reads a pagoPA QR code payload (\"PAGOPA|002|<notice>|<EC fiscal code>|<cents>\") and prints its\n"
      "fields, or writes one from them.\n\n";
  if (int rc = parseArgs(args, desc, pos, usage, vm); rc >= 0) return rc;
  bool asJson = vm.count("json") > 0;
  std::size_t writing = vm.count("notice") + vm.count("fiscal-code") + vm.count("amount");
  if (vm.count("payload")) {
    if (writing > 0) return usageError("either a payload to read or fields to write, not both", usage, desc);
    auto qr = pagopa::parseQr(payloadArgument(payload));
    if (!qr) return invalid(qr.error());
    auto notice = pagopa::parseNoticeNumber(qr->notice_number);  // parseQr has validated it
    Report r;
    describeNotice(r, *notice);
    r.text("fiscal code", "fiscal_code", qr->fiscal_code);
    describeAmount(r, qr->amount_cents);
    r.print(std::cout, asJson);
    return 0;
  }
  if (writing != 3) return usageError("write takes --notice, --fiscal-code and --amount", usage, desc);
  auto notice = pagopa::parseNoticeNumber(number);
  if (!notice) return invalid(notice.error());
  auto cf = identity::validatePartitaIva(fiscalCode);
  if (!cf) return invalid(cf.error());
  auto cents = pagopa::parseAmount(amount);
  if (!cents) return invalid(cents.error());
  std::string qr = pagopa::writeQr({notice->digits, *cf, *cents});
  if (!asJson) {
    std::cout << qr << "\n";  // alone on its line, for a QR encoder to read
    return 0;
  }
  Report r;
  r.text("", "payload", qr);
  describeNotice(r, *notice);
  r.text("", "fiscal_code", *cf);
  describeAmount(r, *cents);
  r.print(std::cout, true);
  return 0;
}

int noticeDataMatrix(const std::vector<std::string>& args) {
  po::options_description desc("Options");
  std::string payload, number, amount;
  pagopa::DataMatrixPayload dm;
  desc.add_options()("help,h", "this text")("json", "one JSON object on stdout")("notice", po::value(&number),
                                                                                 "write: the notice number")(
      "postal-account", po::value(&dm.postal_account), "write: the postal account (up to 12 digits)")(
      "amount", po::value(&amount), "write: amount in euro (\"12.34\")")(
      "fiscal-code", po::value(&dm.ec_fiscal_code), "write: the creditor EC's fiscal code (11 digits)")(
      "debtor-fiscal-code", po::value(&dm.debtor_fiscal_code), "write: the debtor's fiscal code")(
      "debtor-name", po::value(&dm.debtor_name), "write: the debtor's name (up to 40 characters)")(
      "remittance", po::value(&dm.remittance), "write: the remittance text (up to 110 characters)")(
      "payload", po::value(&payload), "read: the payload (\"-\" reads a line from standard input)");
  po::positional_options_description pos;
  pos.add("payload", 1);
  po::variables_map vm;
  const std::string usage =
      "Usage: sportello notice datamatrix PAYLOAD\n"
      "       sportello notice datamatrix --notice NUMBER --postal-account N --amount 12.34 --fiscal-code "
      "CF\n"
      "                                   [--debtor-fiscal-code CF] [--debtor-name NAME] [--remittance "
      "TEXT]\n\n"
      "Reads a Poste Data Matrix payload (\"codfase=NBPA;18...\", 256 characters: quote it) and prints its\n"
      "fields, or writes one from them.\n\n";
  if (int rc = parseArgs(args, desc, pos, usage, vm); rc >= 0) return rc;
  bool asJson = vm.count("json") > 0;
  std::size_t writing = 0;
  for (const char* o : {"notice", "postal-account", "amount", "fiscal-code", "debtor-fiscal-code",
                        "debtor-name", "remittance"}) {
    writing += vm.count(o);
  }
  auto describe = [](Report& r, const pagopa::DataMatrixPayload& p) {
    r.text("postal account", "postal_account", p.postal_account);
    describeAmount(r, p.amount_cents);
    r.text("fiscal code", "fiscal_code", p.ec_fiscal_code);
    r.text("debtor CF", "debtor_fiscal_code", p.debtor_fiscal_code);
    r.text("debtor name", "debtor_name", p.debtor_name);
    r.text("remittance", "remittance", p.remittance);
  };
  if (vm.count("payload")) {
    if (writing > 0) return usageError("either a payload to read or fields to write, not both", usage, desc);
    auto parsed = pagopa::parseDataMatrix(payloadArgument(payload));
    if (!parsed) return invalid(parsed.error());
    auto notice = pagopa::parseNoticeNumber(parsed->notice_number);  // parseDataMatrix has validated it
    Report r;
    describeNotice(r, *notice);
    describe(r, *parsed);
    r.print(std::cout, asJson);
    return 0;
  }
  if (!vm.count("notice") || !vm.count("postal-account") || !vm.count("amount") || !vm.count("fiscal-code")) {
    return usageError("write takes --notice, --postal-account, --amount and --fiscal-code", usage, desc);
  }
  auto notice = pagopa::parseNoticeNumber(number);
  if (!notice) return invalid(notice.error());
  dm.notice_number = notice->digits;
  auto cents = pagopa::parseAmount(amount);
  if (!cents) return invalid(cents.error());
  dm.amount_cents = *cents;
  auto written = pagopa::writeDataMatrix(dm);
  if (!written) return invalid(written.error());
  if (!asJson) {
    std::cout << *written << "\n";
    return 0;
  }
  auto fields = pagopa::parseDataMatrix(*written);  // the fields as a reader sees them: padded, trimmed
  if (!fields) return invalid(fields.error());
  Report r;
  r.text("", "payload", *written);
  describeNotice(r, *notice);
  describe(r, *fields);
  r.print(std::cout, true);
  return 0;
}

}  // namespace

int notice(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kNoticeUsage;
    return 2;
  }
  const std::string& sub = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "-h" || sub == "--help" || sub == "help") {
    std::cout << kNoticeUsage;
    return 0;
  }
  if (sub == "new") return noticeNew(rest);
  if (sub == "check") return noticeCheck(rest);
  if (sub == "qr") return noticeQr(rest);
  if (sub == "datamatrix") return noticeDataMatrix(rest);
  std::cerr << "sportello notice: unknown subcommand '" << sub << "'\n\n" << kNoticeUsage;
  return 2;
}

}  // namespace sportello::app
