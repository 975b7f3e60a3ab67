// The SQL side of the node: schema, attempts, idempotency keys and the outcome transaction.
#include "mocks/pagopa/tokens.hpp"

#include <array>
#include <utility>

#include "core/store/migrations.hpp"
#include "mocks/pagopa/node_faults.hpp"

namespace sportello::node {

namespace {

using pagopa::FaultBean;

// The partial unique index is the last line of defence of "never paid twice": whatever the code above
// it does, SQLite refuses a second paid attempt for one notice.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE attempt (
  token TEXT PRIMARY KEY,
  ec_fiscal_code TEXT NOT NULL,
  notice_number TEXT NOT NULL,
  id_psp TEXT NOT NULL,
  id_broker_psp TEXT NOT NULL,
  id_channel TEXT NOT NULL,
  operation TEXT NOT NULL,
  id_station TEXT NOT NULL,
  station_version INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  creditor_reference_id TEXT NOT NULL,
  payment_xml TEXT NOT NULL,
  payment_note TEXT,
  activated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('PAYING', 'PAID', 'PAID_NORPT', 'NOTIFIED', 'FAILED', 'CANCELLED')),
  outcome TEXT CHECK (outcome IN ('OK', 'KO')),
  outcome_at INTEGER,
  late INTEGER NOT NULL DEFAULT 0,
  receipt_id TEXT UNIQUE,
  notified_at INTEGER
);
CREATE INDEX attempt_notice ON attempt (ec_fiscal_code, notice_number);
CREATE UNIQUE INDEX attempt_paid_once ON attempt (ec_fiscal_code, notice_number)
  WHERE state IN ('PAID', 'PAID_NORPT', 'NOTIFIED');
CREATE TABLE idempotency_key (
  id_psp TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  operation TEXT NOT NULL,
  request TEXT NOT NULL,
  response TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (id_psp, idempotency_key, operation)
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  receipt_id TEXT NOT NULL,
  token TEXT NOT NULL REFERENCES attempt (token),
  notice_number TEXT NOT NULL,
  recipient TEXT NOT NULL,
  id_station TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version IN (1, 2)),
  body TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  UNIQUE (receipt_id, recipient)
);
CREATE INDEX outbox_due ON outbox (done, next_attempt_at);
)sql";

constexpr store::Migration kMigrations[] = {{1, "pagopa node attempts, idempotency keys, outbox", kSchemaV1}};

constexpr std::array<std::pair<AttemptState, std::string_view>, 6> kStates{{
    {AttemptState::paying, "PAYING"},
    {AttemptState::paid, "PAID"},
    {AttemptState::paid_norpt, "PAID_NORPT"},
    {AttemptState::notified, "NOTIFIED"},
    {AttemptState::failed, "FAILED"},
    {AttemptState::cancelled, "CANCELLED"},
}};

const std::string kAttemptColumns =
    "SELECT token, ec_fiscal_code, notice_number, id_psp, id_broker_psp, id_channel, operation, id_station,"
    " station_version, amount, creditor_reference_id, payment_xml, payment_note, activated_at, expires_at,"
    " state, outcome, outcome_at, late, receipt_id, notified_at FROM attempt ";

Attempt readAttempt(const store::Statement& st) {
  Attempt a;
  a.token = st.text(0);
  a.ec_fiscal_code = st.text(1);
  a.notice_number = st.text(2);
  a.id_psp = st.text(3);
  a.id_broker_psp = st.text(4);
  a.id_channel = st.text(5);
  a.operation = st.text(6);
  a.id_station = st.text(7);
  a.station_version = static_cast<int>(st.int64(8));
  a.amount = st.int64(9);
  a.creditor_reference_id = st.text(10);
  a.payment_xml = st.text(11);
  a.payment_note = st.optText(12);
  a.activated_at = st.int64(13);
  a.expires_at = st.int64(14);
  a.state = parseAttemptState(st.text(15)).value_or(AttemptState::cancelled);
  a.outcome = st.optText(16);
  a.outcome_at = st.optInt64(17);
  a.late = st.int64(18) != 0;
  a.receipt_id = st.optText(19);
  a.notified_at = st.optInt64(20);
  return a;
}

std::string describe(const store::StoreError& e) {
  return std::string(e.name()) + ": " + e.message;
}

FaultBean storeFault(const store::StoreError& e) {
  return nodeFault(pagopa::fault::ppt_system_error, "the node's database failed: " + describe(e));
}

bool isPaid(AttemptState s) {
  return s == AttemptState::paid || s == AttemptState::paid_norpt || s == AttemptState::notified;
}

// The attempts of a notice that matter for its state (not FAILED, not CANCELLED as stored).
store::StoreResult<std::vector<Attempt>> liveAttempts(store::Transaction& tx, std::string_view ec,
                                                      std::string_view notice) {
  auto st = tx.prepare(kAttemptColumns +
                       "WHERE ec_fiscal_code = ?1 AND notice_number = ?2 AND state IN ('PAYING', 'PAID',"
                       " 'PAID_NORPT', 'NOTIFIED') ORDER BY activated_at");
  if (!st) return fail(st.error());
  st->bind(1, ec).bind(2, notice);
  std::vector<Attempt> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(readAttempt(*st));
  }
  return out;
}

NoticeStatus statusOf(const std::vector<Attempt>& live, std::int64_t now, std::string_view except = {}) {
  NoticeStatus s;
  for (const auto& a : live) {
    if (a.token == except) continue;
    AttemptState e = a.effectiveState(now);
    if (isPaid(e)) return NoticeStatus{NoticeState::paid, a.token, a.expires_at};
    if (e == AttemptState::paying) s = NoticeStatus{NoticeState::in_progress, a.token, a.expires_at};
  }
  return s;
}

store::StoreResult<std::optional<std::pair<IdempotencyHit, std::int64_t>>> selectKey(store::Transaction& tx,
                                                                                     std::string_view psp,
                                                                                     std::string_view key,
                                                                                     std::string_view op) {
  auto st = tx.prepare(
      "SELECT request, response, expires_at FROM idempotency_key WHERE id_psp = ?1 AND idempotency_key = ?2"
      " AND operation = ?3");
  if (!st) return fail(st.error());
  st->bind(1, psp).bind(2, key).bind(3, op);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::pair<IdempotencyHit, std::int64_t>>();
  return std::optional<std::pair<IdempotencyHit, std::int64_t>>(
      std::pair{IdempotencyHit{st->text(0), st->text(1)}, st->int64(2)});
}

// Forgets an expired key, then stores the new one; a live one of another request is a unique violation.
store::StoreResult<void> insertKey(store::Transaction& tx, const TokenStore::NewKey& k,
                                   std::int64_t expires_at, std::int64_t now) {
  {
    auto del = tx.prepare(
        "DELETE FROM idempotency_key WHERE id_psp = ?1 AND idempotency_key = ?2 AND operation = ?3 AND"
        " expires_at <= ?4");
    if (!del) return fail(del.error());
    del->bind(1, k.id_psp).bind(2, k.key).bind(3, k.operation).bind(4, now);
    if (auto r = del->run(); !r) return r;
  }
  auto ins = tx.prepare(
      "INSERT INTO idempotency_key (id_psp, idempotency_key, operation, request, response, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!ins) return fail(ins.error());
  ins->bind(1, k.id_psp)
      .bind(2, k.key)
      .bind(3, k.operation)
      .bind(4, k.request)
      .bind(5, k.response)
      .bind(6, expires_at);
  return ins->run();
}

FaultBean idempotencyFault(std::string_view key) {
  return nodeFault(ppt_errore_idempotenza, "idempotencyKey " + std::string(key) +
                                               " was used for another request that is still valid");
}

}  // namespace

std::string_view toString(AttemptState s) {
  for (const auto& [v, name] : kStates) {
    if (v == s) return name;
  }
  return "CANCELLED";
}

std::optional<AttemptState> parseAttemptState(std::string_view s) {
  for (const auto& [v, name] : kStates) {
    if (name == s) return v;
  }
  return std::nullopt;
}

AttemptState Attempt::effectiveState(std::int64_t now) const {
  if (state == AttemptState::paying && expires_at <= now) return AttemptState::cancelled;
  return state;
}

Result<std::shared_ptr<store::Database>, std::string> openNodeDatabase(const std::string& path) {
  auto db = store::Database::open({path});
  if (!db) return fail(path + ": " + describe(db.error()));
  std::shared_ptr<store::Database> shared(std::move(*db));
  if (auto m = store::migrate(*shared, kMigrations); !m) return fail(path + ": " + describe(m.error()));
  return shared;
}

Result<std::optional<IdempotencyHit>, std::string> TokenStore::findKey(std::string_view id_psp,
                                                                       std::string_view key,
                                                                       std::string_view operation,
                                                                       std::int64_t now) {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  auto hit = selectKey(*tx, id_psp, key, operation);
  if (!hit) return fail(describe(hit.error()));
  if (!*hit || (*hit)->second <= now) return std::optional<IdempotencyHit>();
  return std::optional<IdempotencyHit>((*hit)->first);
}

Result<NoticeStatus, std::string> TokenStore::noticeStatus(std::string_view ec, std::string_view notice,
                                                           std::int64_t now) {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  auto live = liveAttempts(*tx, ec, notice);
  if (!live) return fail(describe(live.error()));
  return statusOf(*live, now);
}

Result<std::optional<Attempt>, std::string> TokenStore::find(std::string_view token) {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  auto st = tx->prepare(kAttemptColumns + "WHERE token = ?1");
  if (!st) return fail(describe(st.error()));
  st->bind(1, token);
  auto row = st->step();
  if (!row) return fail(describe(row.error()));
  if (!*row) return std::optional<Attempt>();
  return std::optional<Attempt>(readAttempt(*st));
}

Result<void, FaultBean> TokenStore::activate(const Attempt& a, const std::optional<NewKey>& key,
                                             std::int64_t now) {
  auto tx = db_->write();
  if (!tx) return fail(storeFault(tx.error()));
  {
    auto expire = tx->prepare(
        "UPDATE attempt SET state = 'CANCELLED' WHERE ec_fiscal_code = ?1 AND notice_number = ?2 AND"
        " state = 'PAYING' AND expires_at <= ?3");
    if (!expire) return fail(storeFault(expire.error()));
    expire->bind(1, a.ec_fiscal_code).bind(2, a.notice_number).bind(3, now);
    if (auto r = expire->run(); !r) return fail(storeFault(r.error()));
  }
  auto live = liveAttempts(*tx, a.ec_fiscal_code, a.notice_number);
  if (!live) return fail(storeFault(live.error()));
  NoticeStatus status = statusOf(*live, now);
  if (status.state == NoticeState::paid) {
    return fail(nodeFault(pagopa::fault::ppt_pagamento_duplicato, "notice " + a.notice_number + " is paid"));
  }
  if (status.state == NoticeState::in_progress) {
    return fail(nodeFault(pagopa::fault::ppt_pagamento_in_corso,
                          "notice " + a.notice_number + " has an active payment token"));
  }
  if (key) {
    if (auto r = insertKey(*tx, *key, a.expires_at, now); !r) {
      if (r.error().uniqueViolation()) return fail(idempotencyFault(key->key));
      return fail(storeFault(r.error()));
    }
  }
  auto ins = tx->prepare(
      "INSERT INTO attempt (token, ec_fiscal_code, notice_number, id_psp, id_broker_psp, id_channel, "
      "operation,"
      " id_station, station_version, amount, creditor_reference_id, payment_xml, payment_note, activated_at,"
      " expires_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "'PAYING')");
  if (!ins) return fail(storeFault(ins.error()));
  ins->bind(1, a.token)
      .bind(2, a.ec_fiscal_code)
      .bind(3, a.notice_number)
      .bind(4, a.id_psp)
      .bind(5, a.id_broker_psp)
      .bind(6, a.id_channel)
      .bind(7, a.operation)
      .bind(8, a.id_station)
      .bind(9, a.station_version)
      .bind(10, a.amount)
      .bind(11, a.creditor_reference_id)
      .bind(12, a.payment_xml)
      .bind(13, a.payment_note)
      .bind(14, a.activated_at)
      .bind(15, a.expires_at);
  if (auto r = ins->run(); !r) return fail(storeFault(r.error()));
  if (auto r = tx->commit(); !r) return fail(storeFault(r.error()));
  return {};
}

Result<OutcomeResult, FaultBean> TokenStore::recordOutcome(const OutcomeRequest& r, std::int64_t now,
                                                           std::int64_t key_validity_ms,
                                                           const ReceiptFactory& receipts,
                                                           const OutcomeAnswer& answer) {
  auto tx = db_->write();
  if (!tx) return fail(storeFault(tx.error()));

  // The key first, inside the transaction: two retries racing each other both see the first's answer.
  if (r.idempotency_key) {
    auto hit = selectKey(*tx, r.id_psp, *r.idempotency_key, r.operation);
    if (!hit) return fail(storeFault(hit.error()));
    if (*hit && (*hit)->second > now) {
      if ((*hit)->first.request != r.canonical) return fail(idempotencyFault(*r.idempotency_key));
      OutcomeResult replay;
      replay.response = (*hit)->first.response;
      replay.replayed = true;
      return replay;
    }
  }

  std::vector<Attempt> attempts;
  for (const auto& token : r.tokens) {
    auto st = tx->prepare(kAttemptColumns + "WHERE token = ?1");
    if (!st) return fail(storeFault(st.error()));
    st->bind(1, token);
    auto row = st->step();
    if (!row) return fail(storeFault(row.error()));
    if (!*row)
      return fail(nodeFault(pagopa::fault::ppt_token_sconosciuto, "paymentToken " + token + " is unknown"));
    attempts.push_back(readAttempt(*st));
  }
  for (const auto& a : attempts) {
    if (a.outcome || (a.state != AttemptState::paying && a.state != AttemptState::cancelled)) {
      return fail(nodeFault(pagopa::fault::ppt_esito_gia_acquisito,
                            "paymentToken " + a.token + " already has outcome " + a.outcome.value_or("?")));
    }
  }

  OutcomeResult result;
  for (const auto& a : attempts) {
    TokenOutcome t;
    t.token = a.token;
    bool expired = a.effectiveState(now) == AttemptState::cancelled;
    bool pay = false;
    if (!expired) {
      t.state = r.ok ? AttemptState::paid : AttemptState::failed;
      pay = r.ok;
    } else if (!r.ok) {
      t.state = AttemptState::cancelled;
      t.fault = std::string(pagopa::fault::ppt_token_scaduto_ko);
      t.description = "paymentToken " + a.token + " expired before the outcome KO";
    } else {
      auto live = liveAttempts(*tx, a.ec_fiscal_code, a.notice_number);
      if (!live) return fail(storeFault(live.error()));
      NoticeStatus other = statusOf(*live, now, a.token);
      t.state = AttemptState::cancelled;
      if (other.state == NoticeState::paid) {
        t.fault = std::string(pagopa::fault::ppt_pagamento_duplicato);
        t.description = "paymentToken " + a.token + " expired and notice " + a.notice_number +
                        " was paid with paymentToken " + other.token + ": this payment is refused, refund it";
      } else if (other.state == NoticeState::in_progress) {
        // Not PPT_TOKEN_SCADUTO: that code tells the PSP its late payment was taken after all.
        t.fault = std::string(pagopa::fault::ppt_pagamento_in_corso);
        t.description = "paymentToken " + a.token + " expired and notice " + a.notice_number +
                        " is being paid with another token: this payment is refused, refund it";
      } else {
        // Late, but nobody else paid meanwhile: the citizen's money reaches the EC all the same.
        t.state = AttemptState::paid_norpt;
        t.fault = std::string(pagopa::fault::ppt_token_scaduto);
        t.description =
            "paymentToken " + a.token +
            " had expired: the payment was accepted late (PAID_NORPT) and its receipt will be sent";
        pay = true;
      }
    }
    if (pay) {
      auto entries = receipts(a);
      if (!entries) return fail(std::move(entries).error());
      for (const auto& e : *entries) {
        if (auto q = Outbox::enqueue(*tx, e, now); !q) return fail(storeFault(q.error()));
      }
      t.receipts = entries->size();
      result.receipts += entries->size();
    }
    auto up = tx->prepare(
        "UPDATE attempt SET state = ?1, outcome = ?2, outcome_at = ?3, late = ?4, receipt_id = ?5 WHERE "
        "token = ?6");
    if (!up) return fail(storeFault(up.error()));
    std::optional<std::string> receiptId;
    if (pay) receiptId = a.token;
    up->bind(1, toString(t.state))
        .bind(2, r.ok ? "OK" : "KO")
        .bind(3, now)
        .bind(4, expired)
        .bind(5, receiptId)
        .bind(6, a.token);
    if (auto u = up->run(); !u) {
      if (u.error().uniqueViolation()) {
        return fail(
            nodeFault(pagopa::fault::ppt_pagamento_duplicato, "notice " + a.notice_number + " is paid"));
      }
      return fail(storeFault(u.error()));
    }
    result.tokens.push_back(std::move(t));
  }

  result.response = answer(result.tokens);
  bool allOk = true;
  for (const auto& t : result.tokens) allOk = allOk && !t.fault;
  if (allOk && r.idempotency_key) {
    NewKey k{r.id_psp, *r.idempotency_key, r.operation, r.canonical, result.response};
    if (auto q = insertKey(*tx, k, now + key_validity_ms, now); !q) return fail(storeFault(q.error()));
  }
  if (auto c = tx->commit(); !c) return fail(storeFault(c.error()));
  return result;
}

Result<std::vector<Attempt>, std::string> TokenStore::list(const Query& q) {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  std::string sql = kAttemptColumns;
  if (!q.notice.empty()) sql += "WHERE notice_number = ?2 ";
  sql += "ORDER BY activated_at DESC, rowid DESC LIMIT ?1";
  auto st = tx->prepare(sql);
  if (!st) return fail(describe(st.error()));
  st->bind(1, static_cast<std::int64_t>(q.limit));
  if (!q.notice.empty()) st->bind(2, q.notice);
  std::vector<Attempt> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(describe(row.error()));
    if (!*row) break;
    out.push_back(readAttempt(*st));
  }
  return out;
}

}  // namespace sportello::node
