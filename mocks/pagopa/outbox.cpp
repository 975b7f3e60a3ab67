#include "mocks/pagopa/outbox.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <mutex>
#include <set>

namespace sportello::node {

namespace asio = boost::asio;

namespace {

std::string describe(const store::StoreError& e) {
  return std::string(e.name()) + ": " + e.message;
}

const std::string kRowColumns =
    "SELECT id, receipt_id, token, notice_number, recipient, id_station, version, body, done, attempts,"
    " next_attempt_at, created_at, delivered_at, last_error FROM outbox ";

OutboxRow readRow(const store::Statement& st) {
  OutboxRow r;
  r.id = st.int64(0);
  r.entry.receipt_id = st.text(1);
  r.entry.token = st.text(2);
  r.entry.notice_number = st.text(3);
  r.entry.recipient = st.text(4);
  r.entry.id_station = st.text(5);
  r.entry.version = static_cast<int>(st.int64(6));
  r.entry.body = st.text(7);
  r.done = st.int64(8) != 0;
  r.attempts = static_cast<int>(st.int64(9));
  r.next_attempt_at = st.int64(10);
  r.created_at = st.int64(11);
  r.delivered_at = st.optInt64(12);
  r.last_error = st.text(13);
  return r;
}

Result<std::vector<OutboxRow>, std::string> rows(store::Statement& st) {
  std::vector<OutboxRow> out;
  for (;;) {
    auto row = st.step();
    if (!row) return fail(describe(row.error()));
    if (!*row) break;
    out.push_back(readRow(st));
  }
  return out;
}

}  // namespace

// ---- Outbox ----

store::StoreResult<void> Outbox::enqueue(store::Transaction& tx, const OutboxEntry& e, std::int64_t now) {
  auto st = tx.prepare(
      "INSERT INTO outbox (receipt_id, token, notice_number, recipient, id_station, version, body,"
      " next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  if (!st) return fail(st.error());
  st->bind(1, e.receipt_id)
      .bind(2, e.token)
      .bind(3, e.notice_number)
      .bind(4, e.recipient)
      .bind(5, e.id_station)
      .bind(6, e.version)
      .bind(7, e.body)
      .bind(8, now);
  return st->run();
}

Result<std::vector<OutboxRow>, std::string> Outbox::pending(std::optional<std::int64_t> now,
                                                            std::size_t limit) {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  auto st = tx->prepare(kRowColumns +
                        "WHERE done = 0 AND (?1 IS NULL OR next_attempt_at <= ?1) ORDER BY id LIMIT ?2");
  if (!st) return fail(describe(st.error()));
  st->bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  return rows(*st);
}

Result<void, std::string> Outbox::markDelivered(std::int64_t id, std::int64_t now) {
  auto tx = db_->write();
  if (!tx) return fail(describe(tx.error()));
  auto up = tx->prepare(
      "UPDATE outbox SET done = 1, delivered_at = ?2, attempts = attempts + 1, last_error = '' WHERE id = ?1 "
      "AND"
      " done = 0");
  if (!up) return fail(describe(up.error()));
  up->bind(1, id).bind(2, now);
  if (auto r = up->run(); !r) return fail(describe(r.error()));
  // The receipt is NOTIFIED once every EC of its transfer list has it.
  auto notified = tx->prepare(
      "UPDATE attempt SET state = 'NOTIFIED', notified_at = ?2 WHERE token = (SELECT token FROM outbox WHERE"
      " id = ?1) AND state IN ('PAID', 'PAID_NORPT') AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.token ="
      " attempt.token AND o.done = 0)");
  if (!notified) return fail(describe(notified.error()));
  notified->bind(1, id).bind(2, now);
  if (auto r = notified->run(); !r) return fail(describe(r.error()));
  if (auto r = tx->commit(); !r) return fail(describe(r.error()));
  return {};
}

Result<void, std::string> Outbox::markFailed(std::int64_t id, const std::string& error,
                                             std::int64_t next_attempt_at) {
  auto tx = db_->write();
  if (!tx) return fail(describe(tx.error()));
  auto up = tx->prepare(
      "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1 AND"
      " done = 0");
  if (!up) return fail(describe(up.error()));
  up->bind(1, id).bind(2, error).bind(3, next_attempt_at);
  if (auto r = up->run(); !r) return fail(describe(r.error()));
  if (auto r = tx->commit(); !r) return fail(describe(r.error()));
  return {};
}

Result<std::int64_t, std::string> Outbox::countPending() {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  auto st = tx->prepare("SELECT COUNT(*) FROM outbox WHERE done = 0");
  if (!st) return fail(describe(st.error()));
  auto row = st->step();
  if (!row) return fail(describe(row.error()));
  return *row ? st->int64(0) : 0;
}

Result<std::vector<OutboxRow>, std::string> Outbox::list(const Query& q) {
  auto tx = db_->read();
  if (!tx) return fail(describe(tx.error()));
  auto st = tx->prepare(
      kRowColumns + "WHERE (?2 IS NULL OR done = ?2) AND (?3 = '' OR token = ?3) ORDER BY id DESC LIMIT ?1");
  if (!st) return fail(describe(st.error()));
  std::optional<std::int64_t> done;
  if (q.done) done = *q.done ? 1 : 0;
  st->bind(1, static_cast<std::int64_t>(q.limit)).bind(2, done).bind(3, q.token);
  return rows(*st);
}

// ---- OutboxWorker ----

struct OutboxWorker::State {
  Options o;
  std::mutex mu;
  std::set<std::int64_t> in_flight;  // rows being sent, by the loop or by flush()
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
  std::atomic<bool> woken{false};
  asio::io_context* io = nullptr;
  std::unique_ptr<asio::steady_timer> timer;  // used on `io` only
  Counter* delivered = nullptr;
  Counter* failed = nullptr;
  Gauge* pending = nullptr;

  bool claim(std::int64_t id) {
    std::lock_guard lock(mu);
    return in_flight.insert(id).second;
  }
  void release(std::int64_t id) {
    std::lock_guard lock(mu);
    in_flight.erase(id);
  }
  std::chrono::milliseconds backoff(int attempts) const {
    auto wait = o.retry_initial;
    for (int i = 1; i < attempts && wait < o.retry_max; ++i) wait *= 2;
    return std::min(wait, o.retry_max);
  }
};

namespace {

using WorkerState = OutboxWorker::State;

// One attempt at one claimed row, and its bookkeeping; true when delivered.
asio::awaitable<bool> deliverOne(std::shared_ptr<WorkerState> s, OutboxRow row) {
  DeliveryResult r = co_await s->o.deliver(row);
  const std::int64_t now = s->o.now();
  bool ok = r.has_value();
  if (ok) {
    if (auto m = s->o.outbox->markDelivered(row.id, now); !m) {
      // The EC has it; the row stays pending and is sent again (the EC answers a duplicate with OK).
      s->o.log->error("pagopa_outbox_store", {{"receipt_id", row.entry.receipt_id}, {"error", m.error()}});
      ok = false;
    } else {
      s->delivered->inc();
      s->o.log->info("pagopa_receipt_delivered", {{"receipt_id", row.entry.receipt_id},
                                                  {"recipient", row.entry.recipient},
                                                  {"notice", row.entry.notice_number},
                                                  {"attempts", row.attempts + 1}});
    }
  } else {
    const int attempts = row.attempts + 1;
    const auto wait = s->backoff(attempts);
    s->failed->inc();
    if (auto m = s->o.outbox->markFailed(row.id, r.error(), now + wait.count()); !m) {
      s->o.log->error("pagopa_outbox_store", {{"receipt_id", row.entry.receipt_id}, {"error", m.error()}});
    }
    s->o.log->warn("pagopa_receipt_retry", {{"receipt_id", row.entry.receipt_id},
                                            {"recipient", row.entry.recipient},
                                            {"notice", row.entry.notice_number},
                                            {"attempts", attempts},
                                            {"retry_in_ms", static_cast<std::int64_t>(wait.count())},
                                            {"error", r.error()}});
  }
  s->release(row.id);
  co_return ok;
}

void updateGauge(WorkerState& s) {
  if (auto n = s.o.outbox->countPending(); n) s.pending->set(*n);
}

asio::awaitable<void> loop(std::shared_ptr<WorkerState> s) {
  while (!s->stopped.load()) {
    auto due = s->o.outbox->pending(s->o.now(), s->o.batch);
    if (!due) {
      s->o.log->error("pagopa_outbox_store", {{"error", due.error()}});
    } else {
      for (auto& row : *due) {
        if (!s->claim(row.id)) continue;
        asio::co_spawn(*s->io, deliverOne(s, std::move(row)), [s](const std::exception_ptr& e, bool) {
          if (e) s->o.log->error("pagopa_outbox_crashed", {});
        });
      }
      updateGauge(*s);
    }
    if (s->woken.exchange(false)) continue;
    s->timer->expires_after(s->o.poll);
    co_await s->timer->async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace

OutboxWorker::OutboxWorker(Options o) : s_(std::make_shared<State>()) {
  s_->o = std::move(o);
  if (!s_->o.log) s_->o.log = Logger::null();
  if (!s_->o.metrics) s_->o.metrics = std::make_shared<Metrics>();
  auto& m = *s_->o.metrics;
  const std::string help = "paSendRT(V2) deliveries of receipts to ECs, by result.";
  s_->delivered =
      &m.counter("sportello_pagopa_node_receipt_deliveries_total", help, {{"result", "delivered"}});
  s_->failed = &m.counter("sportello_pagopa_node_receipt_deliveries_total", help, {{"result", "failed"}});
  s_->pending =
      &m.gauge("sportello_pagopa_node_outbox_pending", "Receipts not yet acknowledged by their EC.");
}

void OutboxWorker::start(asio::io_context& io) {
  if (s_->started.exchange(true)) return;
  s_->io = &io;
  s_->timer = std::make_unique<asio::steady_timer>(io);
  auto s = s_;
  asio::co_spawn(io, loop(s), [s](const std::exception_ptr& e) {
    if (e) s->o.log->error("pagopa_outbox_crashed", {});
  });
}

void OutboxWorker::wake() {
  if (!s_->started.load()) return;
  s_->woken.store(true);
  auto s = s_;
  asio::post(*s->io, [s] {
    if (s->timer) s->timer->cancel();
  });
}

void OutboxWorker::stop() {
  if (s_->stopped.exchange(true)) return;
  wake();
}

std::chrono::milliseconds OutboxWorker::backoff(int attempts) const {
  return s_->backoff(attempts);
}

asio::awaitable<OutboxWorker::FlushReport> OutboxWorker::flush() {
  auto s = s_;
  FlushReport report;
  auto all = s->o.outbox->pending(std::nullopt, 100'000);
  if (!all) {
    s->o.log->error("pagopa_outbox_store", {{"error", all.error()}});
    co_return report;
  }
  for (auto& row : *all) {
    if (!s->claim(row.id)) {
      ++report.in_flight;
      continue;
    }
    ++report.attempted;
    auto delivery = deliverOne(s, std::move(row));  // named: g++ 12 and temporaries in co_await
    bool ok = co_await std::move(delivery);
    ++(ok ? report.delivered : report.failed);
  }
  updateGauge(*s);
  co_return report;
}

}  // namespace sportello::node
