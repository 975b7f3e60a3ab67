// The receipts outbox: one row per receipt per EC of its transfer list, committed in the same
// transaction as the outcome that paid (tokens.hpp), and delivered by a worker until the EC says OK.
//
// Crash safety, step by step:
//   1. sendPaymentOutcome OK: attempt PAID + outbox rows (complete paSendRT(V2) envelopes) committed
//      together; only after the commit does the PSP hear OK. A crash before the commit: the PSP hears
//      nothing, nothing is paid, and its retry (idempotencyKey) is processed anew.
//   2. The worker sends a due row; the EC books it. A crash here (before step 3) leaves the row
//      pending: it is sent again after restart with the SAME bytes (same receiptId), and the EC, which
//      is idempotent by receiptId, answers OK without booking twice.
//   3. After the EC's OK the row is marked done (and the attempt NOTIFIED when no row of its receipt is
//      left) in one transaction.
// A failure (transport, SOAP Fault, unreadable answer, KO) leaves the row pending with attempts + 1 and
// next_attempt_at = now + min(retry_initial * 2^(attempts-1), retry_max) on the SIMULATED clock; the
// worker polls with a real timer (every 200 ms, or at once when woken), so moving the clock forward
// makes rows due.
//
// The worker runs on one io_context; deliveries of different rows overlap; a row is never sent twice at
// the same time (an in-flight set shared with flush()).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/store/database.hpp"

namespace boost::asio {
class io_context;
}

namespace sportello::node {

// What an outcome enqueues for one EC.
struct OutboxEntry {
  std::string receipt_id;
  std::string token;
  std::string notice_number;
  std::string recipient;   // the EC's fiscal code (idPA of the request)
  std::string id_station;  // the station it was written for
  int version = 2;         // 1: paSendRT, 2: paSendRTV2
  std::string body;        // the complete envelope, sent as is on every attempt
};

struct OutboxRow {
  std::int64_t id = 0;
  OutboxEntry entry;
  bool done = false;
  int attempts = 0;
  std::int64_t next_attempt_at = 0;  // ms, simulated clock
  std::int64_t created_at = 0;
  std::optional<std::int64_t> delivered_at;
  std::string last_error;
};

class Outbox {
 public:
  explicit Outbox(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}

  // Inside the outcome's transaction. (receipt_id, recipient) is unique.
  static store::StoreResult<void> enqueue(store::Transaction& tx, const OutboxEntry& e, std::int64_t now);

  // Pending rows with next_attempt_at <= now (every pending row when `now` is nullopt), oldest first.
  Result<std::vector<OutboxRow>, std::string> pending(std::optional<std::int64_t> now, std::size_t limit);
  Result<void, std::string> markDelivered(std::int64_t id, std::int64_t now);
  Result<void, std::string> markFailed(std::int64_t id, const std::string& error,
                                       std::int64_t next_attempt_at);
  Result<std::int64_t, std::string> countPending();

  struct Query {
    std::optional<bool> done;  // nullopt: both
    std::string token;         // "" for all
    std::size_t limit = 100;
  };
  // Most recent first.
  Result<std::vector<OutboxRow>, std::string> list(const Query& q);

 private:
  std::shared_ptr<store::Database> db_;
};

// What one delivery attempt gave: ok, or why not (for last_error and the log).
using DeliveryResult = Result<void, std::string>;

class OutboxWorker {
 public:
  struct Options {
    std::shared_ptr<Outbox> outbox;
    std::function<std::int64_t()> now;  // the simulated clock, in ms
    // Sends one row (the caller resolves its station); must not throw.
    std::function<boost::asio::awaitable<DeliveryResult>(const OutboxRow&)> deliver;
    std::chrono::milliseconds retry_initial{2'000};
    std::chrono::milliseconds retry_max{300'000};
    std::chrono::milliseconds poll{200};
    std::size_t batch = 32;  // rows started per round
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
  };
  explicit OutboxWorker(Options o);

  // Spawns the polling loop on `io` (once).
  void start(boost::asio::io_context& io);
  // Polls at once (after an outcome committed rows). Thread-safe; a no-op before start().
  void wake();
  // Ends the loop at its next turn; deliveries in flight finish. Thread-safe, idempotent.
  void stop();

  struct FlushReport {
    std::size_t attempted = 0, delivered = 0, failed = 0, in_flight = 0;
  };
  // Tries every pending row now, due or not, except those already in flight, and waits for them.
  boost::asio::awaitable<FlushReport> flush();

  // The wait after the n-th failed attempt (n >= 1).
  std::chrono::milliseconds backoff(int attempts) const;

  struct State;

 private:
  std::shared_ptr<State> s_;
};

}  // namespace sportello::node
