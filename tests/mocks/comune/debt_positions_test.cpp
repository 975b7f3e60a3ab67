// The comune back end's store: life cycle with the simulated clock, codes, the state -> fault mapping
// of lookupByNotice, receipts (idempotent, conflicting, concurrent), seeding, and reopening the file.
#include "mocks/comune/debt_positions.hpp"

#include <atomic>
#include <fstream>
#include <thread>

#include "core/identity/codice_fiscale.hpp"
#include "tests/mocks/comune/comune_fixtures.hpp"

using namespace sportello;
using namespace sportello::comune;
using namespace sportello::test;

namespace {

Receipt receiptFor(const PaymentOption& op, std::string id) {
  Receipt r;
  r.receipt_id = std::move(id);
  r.notice_number = op.nav;
  r.fiscal_code = kVigata;
  r.creditor_reference_id = op.iuv;
  r.amount = op.amount;
  r.payment_date_time = fixedNow();
  r.id_psp = "BCITITMM";
  r.psp_company_name = "Banca di Prova S.p.A.";
  r.id_channel = "BCITITMM_01";
  r.debtor_fiscal_code = "RSSMRA82C15H501O";
  r.payment_method = "CP";
  r.fee = 150;
  r.raw_xml = "<paSendRTV2Request>...</paSendRTV2Request>";
  return r;
}

// Two instalments and the single payment of the same debt.
DebtPosition withInstalments(const std::string& iupd) {
  DebtPosition d = positionValue(iupd);
  PaymentOption whole = d.options[0];
  PaymentOption first = whole, second = whole;
  first.is_partial_payment = second.is_partial_payment = true;
  first.amount = second.amount = first.transfers[0].amount = second.transfers[0].amount = 5000;
  first.description = "rata 1 di 2";
  second.description = "rata 2 di 2";
  d.options = {whole, first, second};
  return d;
}

class Store : public ComuneStore {
 protected:
  DebtPosition create(const std::string& iupd, bool publish = true) {
    auto d = store->create(kVigata, positionValue(iupd), publish);
    EXPECT_TRUE(d) << (d ? "" : d.error().message);
    return d ? *d : DebtPosition{};
  }
  PositionStatus status(const std::string& iupd) {
    auto d = store->get(kVigata, iupd);
    EXPECT_TRUE(d);
    return d ? d->status : PositionStatus::draft;
  }
  std::optional<PaFault> lookupFault(const std::string& nav, const std::string& ec = kVigata) {
    auto n = store->lookupByNotice(ec, nav);
    if (n) return std::nullopt;
    return n.error().fault;
  }
  std::size_t receiptCount() {
    auto r = store->receipts("", 1000);
    EXPECT_TRUE(r);
    return r ? r->size() : 0;
  }
};

TEST_F(Store, CreatesADraftWithGeneratedCodes) {
  DebtPosition d = create("VGT-1", false);
  EXPECT_EQ(d.status, PositionStatus::draft);
  EXPECT_EQ(d.organization, kVigata);
  ASSERT_EQ(d.options.size(), 1u);
  EXPECT_EQ(d.options[0].iuv, vigataNotice(1).iuv);
  EXPECT_EQ(d.options[0].nav, vigataNotice(1).digits);
  EXPECT_EQ(d.options[0].nav.substr(0, 3), "347");
  EXPECT_EQ(d.inserted_at, fixedNow());
  EXPECT_FALSE(d.published_at);
  auto again = store->get(kVigata, "VGT-1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->options[0].transfers[0].iban, std::optional<std::string>(kComuneIban));
  EXPECT_EQ(create("VGT-2", false).options[0].nav, vigataNotice(2).digits);
}

TEST_F(Store, GeneratedCodesAreNeverReissued) {
  create("VGT-1", false);
  ASSERT_TRUE(store->remove(kVigata, "VGT-1"));
  EXPECT_EQ(create("VGT-2", false).options[0].iuv, vigataNotice(2).iuv)
      << "the deleted position's code is not reused";
  DebtPosition explicitCode = positionValue("VGT-3");
  explicitCode.options[0].iuv = vigataNotice(3).iuv;
  ASSERT_TRUE(store->create(kVigata, explicitCode, false));
  EXPECT_EQ(create("VGT-4", false).options[0].iuv, vigataNotice(4).iuv) << "skips the code a client chose";
}

TEST_F(Store, RefusesDuplicateIupdIuvAndNav) {
  DebtPosition first = create("VGT-1");
  auto sameIupd = store->create(kVigata, positionValue("VGT-1"), false);
  ASSERT_FALSE(sameIupd);
  EXPECT_EQ(sameIupd.error().code, GpdErrc::conflict);
  EXPECT_EQ(sameIupd.error().rule, "gpd.duplicate_iupd");
  EXPECT_EQ(sameIupd.error().httpStatus(), 409);

  DebtPosition sameIuv = positionValue("VGT-2");
  sameIuv.options[0].iuv = first.options[0].iuv;
  auto r = store->create(kVigata, sameIuv, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "gpd.duplicate_iuv");
  EXPECT_NE(r.error().message.find("VGT-1"), std::string::npos);

  DebtPosition sameNav = positionValue("VGT-3");
  sameNav.options[0].nav = first.options[0].nav;
  auto n = store->create(kVigata, sameNav, false);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, GpdErrc::conflict);
  EXPECT_FALSE(store->get(kVigata, "VGT-2")) << "nothing of a refused position is kept";
}

TEST_F(Store, UnknownOrganizationAndPosition) {
  auto r = store->create("00765430848", positionValue("X"), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, GpdErrc::not_found);
  auto g = store->get(kVigata, "NOPE");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().httpStatus(), 404);
}

TEST_F(Store, PublishedBecomesValidAtTheValidityDate) {
  DebtPosition d = positionValue("VGT-1");
  d.validity_date = fixedNow() + 24h;
  auto created = store->create(kVigata, d, false);
  ASSERT_TRUE(created);
  std::string nav = created->options[0].nav;
  EXPECT_EQ(lookupFault(nav), PaFault::unknown_notice) << "a draft";
  auto published = store->publish(kVigata, "VGT-1");
  ASSERT_TRUE(published);
  EXPECT_EQ(published->status, PositionStatus::published);
  EXPECT_EQ(published->published_at, fixedNow());
  EXPECT_EQ(lookupFault(nav), PaFault::unknown_notice) << "published, not valid yet";
  clock->advance(24h);
  EXPECT_EQ(status("VGT-1"), PositionStatus::valid);
  EXPECT_EQ(lookupFault(nav), std::nullopt);
}

TEST_F(Store, WithoutValidityDateValidOnPublication) {
  EXPECT_EQ(create("VGT-1").status, PositionStatus::valid);
}

TEST_F(Store, ExpiresAfterTheDueDateOnlyWithSwitchToExpired) {
  DebtPosition expiring = positionValue("VGT-EXP");
  expiring.switch_to_expired = true;
  auto e = store->create(kVigata, expiring, true);
  ASSERT_TRUE(e);
  DebtPosition lasting = create("VGT-LAST");
  // Due 2026-12-31T23:59:59Z: still payable at that second, expired the next.
  clock->set(*parseDateTime("2026-12-31T23:59:59Z"), true);
  EXPECT_EQ(status("VGT-EXP"), PositionStatus::valid);
  clock->advance(1s);
  EXPECT_EQ(status("VGT-EXP"), PositionStatus::expired);
  EXPECT_EQ(lookupFault(e->options[0].nav), PaFault::expired);
  EXPECT_EQ(status("VGT-LAST"), PositionStatus::valid);
  EXPECT_EQ(lookupFault(lasting.options[0].nav), std::nullopt) << "late, but payable";
}

TEST_F(Store, ExpiredAndInvalidAreTerminal) {
  DebtPosition expiring = positionValue("VGT-EXP");
  expiring.switch_to_expired = true;
  auto e = store->create(kVigata, expiring, true);
  ASSERT_TRUE(e);
  DebtPosition invalid = create("VGT-INV");
  ASSERT_TRUE(store->invalidate(kVigata, "VGT-INV"));
  EXPECT_EQ(lookupFault(invalid.options[0].nav), PaFault::cancelled);
  clock->advance(24h * 60);
  ASSERT_EQ(status("VGT-EXP"), PositionStatus::expired);
  for (const char* iupd : {"VGT-EXP", "VGT-INV"}) {
    auto u = store->update(kVigata, iupd, positionValue(iupd), false);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().rule, "gpd.state") << iupd;
    EXPECT_EQ(store->remove(kVigata, iupd).error().code, GpdErrc::conflict) << iupd;
    EXPECT_EQ(store->publish(kVigata, iupd).error().code, GpdErrc::conflict) << iupd;
    EXPECT_EQ(store->invalidate(kVigata, iupd).error().code, GpdErrc::conflict) << iupd;
  }
  // Their codes stay taken.
  DebtPosition reuse = positionValue("VGT-NEW");
  reuse.options[0].due_date = fixedNow() + 24h * 90;
  reuse.options[0].retention_date.reset();
  reuse.options[0].iuv = e->options[0].iuv;
  EXPECT_EQ(store->create(kVigata, reuse, false).error().rule, "gpd.duplicate_iuv");
  reuse.options[0].iuv = invalid.options[0].iuv;
  EXPECT_EQ(store->create(kVigata, reuse, false).error().rule, "gpd.duplicate_iuv");
}

TEST_F(Store, UpdateReplacesOptionsAndReturnsToDraft) {
  DebtPosition d = create("VGT-1");
  ASSERT_EQ(d.status, PositionStatus::valid);
  // Still stored as PUBLISHED but already VALID: GPD refuses the update.
  EXPECT_EQ(store->update(kVigata, "VGT-1", positionValue("VGT-1"), false).error().code, GpdErrc::conflict);

  DebtPosition draft = create("VGT-2", false);
  DebtPosition changed = withInstalments("VGT-2");
  changed.options[0].iuv = draft.options[0].iuv;  // the old code may be kept
  changed.full_name = "Mario Rossi (erede)";
  auto u = store->update(kVigata, "VGT-2", changed, true);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->status, PositionStatus::valid);
  EXPECT_EQ(u->full_name, "Mario Rossi (erede)");
  ASSERT_EQ(u->options.size(), 3u);
  EXPECT_EQ(u->options[0].iuv, draft.options[0].iuv);
  EXPECT_EQ(u->inserted_at, draft.inserted_at);

  DebtPosition wrongIupd = positionValue("OTHER");
  auto w = store->update(kVigata, "VGT-2", wrongIupd, false);
  ASSERT_FALSE(w);
}

TEST_F(Store, UpdatingAPublishedPositionMakesItADraftAgain) {
  DebtPosition d = positionValue("VGT-1");
  d.validity_date = fixedNow() + 24h * 5;
  ASSERT_TRUE(store->create(kVigata, d, true));
  ASSERT_EQ(status("VGT-1"), PositionStatus::published);
  auto u = store->update(kVigata, "VGT-1", d, false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->status, PositionStatus::draft);
  EXPECT_FALSE(u->published_at);
}

TEST_F(Store, DeleteOnlyDraftOrPublished) {
  create("VGT-1", false);
  ASSERT_TRUE(store->remove(kVigata, "VGT-1"));
  EXPECT_EQ(store->get(kVigata, "VGT-1").error().code, GpdErrc::not_found);
  EXPECT_EQ(store->remove(kVigata, "VGT-1").error().code, GpdErrc::not_found);
  create("VGT-2");
  EXPECT_EQ(store->remove(kVigata, "VGT-2").error().rule, "gpd.state");
}

TEST_F(Store, PublishOnlyADraftNotYetDue) {
  create("VGT-1");
  EXPECT_EQ(store->publish(kVigata, "VGT-1").error().rule, "gpd.state");
  create("VGT-2", false);
  clock->set(*parseDateTime("2027-01-01T00:00:00Z"), true);
  auto late = store->publish(kVigata, "VGT-2");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().rule, "gpd.due_date");
  EXPECT_EQ(status("VGT-2"), PositionStatus::draft);
}

TEST_F(Store, ListFiltersOnTheEffectiveStatusAndPages) {
  for (int i = 1; i <= 5; ++i) create("VGT-" + std::to_string(i), i <= 3);
  PositionQuery q;
  q.status = PositionStatus::valid;
  auto valid = store->list(kVigata, q);
  ASSERT_TRUE(valid);
  EXPECT_EQ(valid->items_found, 3);
  q.status = PositionStatus::draft;
  EXPECT_EQ(store->list(kVigata, q)->items_found, 2);
  q.status = PositionStatus::published;  // stored so, but VALID now
  EXPECT_EQ(store->list(kVigata, q)->items_found, 0);

  PositionQuery page;
  page.limit = 2;
  page.page = 2;
  auto last = store->list(kVigata, page);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->items_found, 5);
  EXPECT_EQ(last->total_pages, 3);
  ASSERT_EQ(last->positions.size(), 1u);
  EXPECT_EQ(last->positions[0].iupd, "VGT-5");
  EXPECT_EQ(last->positions[0].options.size(), 1u);
  page.limit = 51;
  EXPECT_EQ(store->list(kVigata, page).error().code, GpdErrc::validation);
  EXPECT_EQ(store->list(kMontelusa, {})->items_found, 0) << "per organization";
}

TEST_F(Store, LookupMapsStatesToFaults) {
  EXPECT_EQ(lookupFault(vigataNotice(99).digits), PaFault::unknown_notice);
  EXPECT_EQ(lookupFault(vigataNotice(99).digits, "00765430848"), PaFault::wrong_domain);
  DebtPosition d = create("VGT-1");
  auto n = store->lookupByNotice(kVigata, d.options[0].nav);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->ec.company_name, "Comune di Vigata");
  EXPECT_EQ(n->position.iupd, "VGT-1");
  EXPECT_EQ(n->option().amount, 10000);
  EXPECT_EQ(lookupFault(d.options[0].nav, kMontelusa), PaFault::unknown_notice) << "another EC's notice";
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1")));
  EXPECT_EQ(lookupFault(d.options[0].nav), PaFault::duplicate);
  EXPECT_EQ(faultCode(PaFault::duplicate), "PAA_PAGAMENTO_DUPLICATO");
  EXPECT_EQ(faultCode(PaFault::unknown_notice), "PAA_PAGAMENTO_SCONOSCIUTO");
  EXPECT_EQ(faultCode(PaFault::expired), "PAA_PAGAMENTO_SCADUTO");
  EXPECT_EQ(faultCode(PaFault::cancelled), "PAA_PAGAMENTO_ANNULLATO");
  EXPECT_EQ(parseFaultCode("PAA_SEMANTICA"), PaFault::semantic);
}

TEST_F(Store, BookingAReceiptPaysThePosition) {
  DebtPosition d = create("VGT-1");
  clock->advance(1h);
  auto b = store->bookReceipt(kVigata, receiptFor(d.options[0], "R1"));
  ASSERT_TRUE(b) << b.error().description;
  EXPECT_EQ(b->booking, Booking::booked);
  EXPECT_EQ(b->iupd, "VGT-1");
  EXPECT_EQ(b->position_status, PositionStatus::paid);
  auto paid = store->get(kVigata, "VGT-1");
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->status, PositionStatus::paid);
  EXPECT_EQ(paid->payment_date, fixedNow());
  EXPECT_EQ(paid->options[0].status, OptionStatus::paid);
  EXPECT_EQ(paid->options[0].receipt_id, "R1");
  EXPECT_EQ(paid->options[0].psp_company, "Banca di Prova S.p.A.");
  auto kept = store->receipts(kVigata, 10);
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].verdict, "booked");
  EXPECT_EQ((*kept)[0].receipt.fee, std::optional<std::int64_t>(150));
  EXPECT_EQ((*kept)[0].receipt.raw_xml, "<paSendRTV2Request>...</paSendRTV2Request>");
  EXPECT_EQ((*kept)[0].received_at, fixedNow() + 1h);
  // A PAID position is frozen.
  EXPECT_EQ(store->invalidate(kVigata, "VGT-1").error().code, GpdErrc::conflict);
}

TEST_F(Store, AnIdenticalReceiptIsBookedOnce) {
  DebtPosition d = create("VGT-1");
  Receipt r = receiptFor(d.options[0], "R1");
  ASSERT_EQ(store->bookReceipt(kVigata, r)->booking, Booking::booked);
  r.raw_xml = "<another envelope/>";  // not part of the identity
  auto again = store->bookReceipt(kVigata, r);
  ASSERT_TRUE(again) << again.error().description;
  EXPECT_EQ(again->booking, Booking::duplicate);
  EXPECT_EQ(again->iupd, "VGT-1");
  EXPECT_EQ(receiptCount(), 1u);
}

TEST_F(Store, TheSameReceiptIdWithOtherContentIsRefused) {
  DebtPosition d = create("VGT-1");
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1")));
  Receipt other = receiptFor(d.options[0], "R1");
  other.id_psp = "UNCRITMM";
  auto r = store->bookReceipt(kVigata, other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fault, PaFault::semantic);
  EXPECT_EQ(receiptCount(), 1u);
  auto kept = store->receipts("", 10);
  EXPECT_EQ((*kept)[0].receipt.id_psp, "BCITITMM") << "the first one stays";
}

TEST_F(Store, ASecondPaymentOfAPaidNoticeIsKeptAndRefused) {
  DebtPosition d = create("VGT-1");
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1")));
  auto second = store->bookReceipt(kVigata, receiptFor(d.options[0], "R2"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().fault, PaFault::duplicate);
  auto kept = store->receipts(kVigata, 10);
  ASSERT_EQ(kept->size(), 2u);
  EXPECT_EQ((*kept)[0].receipt.receipt_id, "R2");
  EXPECT_EQ((*kept)[0].verdict, "PAA_PAGAMENTO_DUPLICATO");
  // Delivered again, it gets the same answer.
  auto again = store->bookReceipt(kVigata, receiptFor(d.options[0], "R2"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().fault, PaFault::duplicate);
  EXPECT_EQ(store->get(kVigata, "VGT-1")->options[0].receipt_id, "R1");
}

TEST_F(Store, InstalmentsThenThePositionIsPaid) {
  auto created = store->create(kVigata, withInstalments("VGT-1"), true);
  ASSERT_TRUE(created) << created.error().message;
  const auto& ops = created->options;
  auto first = store->bookReceipt(kVigata, receiptFor(ops[1], "R1"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->position_status, PositionStatus::partially_paid);
  EXPECT_EQ(status("VGT-1"), PositionStatus::partially_paid);
  EXPECT_EQ(lookupFault(ops[0].nav), PaFault::duplicate) << "no single payment after an instalment";
  EXPECT_EQ(lookupFault(ops[1].nav), PaFault::duplicate);
  EXPECT_EQ(lookupFault(ops[2].nav), std::nullopt);
  auto second = store->bookReceipt(kVigata, receiptFor(ops[2], "R2"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->position_status, PositionStatus::paid);
  EXPECT_EQ(lookupFault(ops[2].nav), PaFault::duplicate);
}

TEST_F(Store, TheSinglePaymentClosesTheInstalments) {
  auto created = store->create(kVigata, withInstalments("VGT-1"), true);
  ASSERT_TRUE(created);
  ASSERT_EQ(store->bookReceipt(kVigata, receiptFor(created->options[0], "R1"))->position_status,
            PositionStatus::paid);
  EXPECT_EQ(lookupFault(created->options[1].nav), PaFault::duplicate);
}

TEST_F(Store, AReceiptThatDoesNotMatchTheNoticeIsKeptAndRefused) {
  DebtPosition d = create("VGT-1");
  Receipt wrongAmount = receiptFor(d.options[0], "R1");
  wrongAmount.amount = 9999;
  auto r = store->bookReceipt(kVigata, wrongAmount);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fault, PaFault::semantic);
  Receipt wrongIuv = receiptFor(d.options[0], "R2");
  wrongIuv.creditor_reference_id = vigataNotice(50).iuv;
  EXPECT_EQ(store->bookReceipt(kVigata, wrongIuv).error().fault, PaFault::semantic);
  EXPECT_EQ(status("VGT-1"), PositionStatus::valid);
  EXPECT_EQ(receiptCount(), 2u);
  EXPECT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R3")));
}

TEST_F(Store, ReceiptsForUnknownOrUnpayableNoticesAreKept) {
  Receipt unknown = receiptFor(positionValue().options[0], "R1");
  unknown.notice_number = vigataNotice(77).digits;
  EXPECT_EQ(store->bookReceipt(kVigata, unknown).error().fault, PaFault::unknown_notice);
  DebtPosition inv = create("VGT-INV");
  ASSERT_TRUE(store->invalidate(kVigata, "VGT-INV"));
  EXPECT_EQ(store->bookReceipt(kVigata, receiptFor(inv.options[0], "R2")).error().fault, PaFault::cancelled);
  EXPECT_EQ(receiptCount(), 2u);
  Receipt elsewhere = receiptFor(inv.options[0], "R3");
  EXPECT_EQ(store->bookReceipt("00765430848", elsewhere).error().fault, PaFault::wrong_domain);
  EXPECT_EQ(receiptCount(), 2u) << "not ours to keep";
}

TEST_F(Store, ABeneficiaryGetsACopy) {
  DebtPosition d = create("VGT-1");
  Receipt r = receiptFor(d.options[0], "R1");
  auto copy = store->bookReceipt(kMontelusa, r);  // the province, for its TEFA transfer
  ASSERT_TRUE(copy) << copy.error().description;
  EXPECT_EQ(copy->booking, Booking::copy);
  EXPECT_EQ(status("VGT-1"), PositionStatus::valid) << "the comune books its own notice";
  EXPECT_EQ(store->bookReceipt(kMontelusa, r)->booking, Booking::duplicate);
  EXPECT_EQ(store->bookReceipt(kVigata, r)->booking, Booking::booked) << "receiptId is unique per EC";
  EXPECT_EQ(store->receipts(kMontelusa, 10)->size(), 1u);
}

TEST_F(Store, ConcurrentBookingsOfOneNoticeSerialise) {
  DebtPosition d = create("VGT-1");
  constexpr int kThreads = 8;
  std::atomic<int> booked{0}, duplicate{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = store->bookReceipt(kVigata, receiptFor(d.options[0], "R" + std::to_string(i)));
      if (r && r->booking == Booking::booked) {
        ++booked;
      } else if (!r && r.error().fault == PaFault::duplicate) {
        ++duplicate;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), 1);
  EXPECT_EQ(duplicate.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(receiptCount(), static_cast<std::size_t>(kThreads)) << "every payment kept";
}

TEST_F(Store, ConcurrentDeliveriesOfOneReceipt) {
  DebtPosition d = create("VGT-1");
  constexpr int kThreads = 8;
  std::atomic<int> booked{0}, duplicate{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = store->bookReceipt(kVigata, receiptFor(d.options[0], "R1"));
      if (r && r->booking == Booking::booked) {
        ++booked;
      } else if (r && r->booking == Booking::duplicate) {
        ++duplicate;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), 1);
  EXPECT_EQ(duplicate.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(receiptCount(), 1u);
}

TEST_F(Store, TwoStoresOnOneFileSerialiseBookings) {
  DebtPosition d = create("VGT-1");
  auto second = DebtPositions::open({dir.path() + "/comune.db", {demoComune()}, clock, nullptr});
  ASSERT_TRUE(second) << second.error();
  std::atomic<int> booked{0}, duplicate{0};
  auto work = [&](DebtPositions& s, int from) {
    for (int i = from; i < from + 10; ++i) {
      auto r = s.bookReceipt(kVigata, receiptFor(d.options[0], "R" + std::to_string(i)));
      if (r && r->booking == Booking::booked) ++booked;
      if (!r && r.error().fault == PaFault::duplicate) ++duplicate;
    }
  };
  std::thread a([&] { work(*store, 0); });
  std::thread b([&] { work(**second, 100); });
  a.join();
  b.join();
  EXPECT_EQ(booked.load(), 1);
  EXPECT_EQ(duplicate.load(), 19);
}

TEST_F(Store, DataSurvivesReopening) {
  DebtPosition d = create("VGT-1");
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1")));
  create("VGT-2", false);
  ASSERT_TRUE(store->remove(kVigata, "VGT-2"));
  open();
  auto again = store->get(kVigata, "VGT-1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, PositionStatus::paid);
  EXPECT_EQ(again->options[0].receipt_id, "R1");
  EXPECT_EQ(receiptCount(), 1u);
  EXPECT_EQ(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1"))->booking, Booking::duplicate);
  EXPECT_EQ(create("VGT-3").options[0].iuv, vigataNotice(3).iuv) << "the counter survives too";
}

TEST_F(Store, RefusesADamagedFile) {
  store.reset();
  std::string path = dir.path() + "/junk.db";
  { std::ofstream(path) << std::string(8192, 'j'); }
  auto s = DebtPositions::open({path, {demoComune()}, clock, nullptr});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find(path), std::string::npos);
}

TEST_F(Store, SeedingIsIdempotent) {
  auto first = seedDemo(*store, demoComune(), *clock);
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->created, 4);
  EXPECT_EQ(first->existing, 0);
  auto second = seedDemo(*store, demoComune(), *clock);
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->existing, 4);
  EXPECT_EQ(store->list(kVigata, {})->items_found, 4);
  clock->advance(24h);  // a restart the next day finds the same positions
  EXPECT_EQ(seedDemo(*store, demoComune(), *clock)->created, 0);
  open();
  EXPECT_EQ(seedDemo(*store, demoComune(), *clock)->created, 0);
}

TEST_F(Store, SeededChargesAreBelievableAndPayable) {
  ASSERT_TRUE(seedDemo(*store, demoComune(), *clock));
  PositionQuery q;
  q.status = PositionStatus::valid;
  auto page = store->list(kVigata, q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items_found, 4);
  for (const auto& d : page->positions) {
    EXPECT_EQ(d.company_name, "Comune di Vigata");
    if (d.type == 'F') {
      EXPECT_TRUE(identity::validateCodiceFiscale(d.fiscal_code)) << d.fiscal_code;
    } else {
      EXPECT_TRUE(identity::validatePartitaIva(d.fiscal_code)) << d.fiscal_code;
    }
    for (const auto& op : d.options) EXPECT_EQ(lookupFault(op.nav), std::nullopt) << d.iupd << " " << op.nav;
  }
  auto tari = store->get(kVigata, "VGT-TARI-2026-RSSMRA82C15H501O");
  ASSERT_TRUE(tari);
  EXPECT_EQ(tari->full_name, "Mario Rossi");
  ASSERT_EQ(tari->options.size(), 3u);
  EXPECT_EQ(tari->options[0].amount, tari->options[1].amount + tari->options[2].amount);
  for (const auto& op : tari->options) {
    ASSERT_EQ(op.transfers.size(), 2u);
    EXPECT_EQ(op.transfers[0].organization_fiscal_code, kVigata);
    EXPECT_EQ(op.transfers[1].organization_fiscal_code, kMontelusa) << "the TEFA share";
  }
  EXPECT_TRUE(tari->options[1].is_partial_payment);
  for (const auto& d : demoPositions(demoComune(), fixedNow())) {
    EXPECT_TRUE(validatePosition(d, demoComune(), fixedNow()).empty()) << d.iupd;
  }
  EXPECT_TRUE(identity::validatePartitaIva(kVigata));
  EXPECT_TRUE(identity::validatePartitaIva(kMontelusa));
}

TEST_F(Store, ResetForgetsEverything) {
  ASSERT_TRUE(seedDemo(*store, demoComune(), *clock));
  auto tari = store->get(kVigata, "VGT-TARI-2026-RSSMRA82C15H501O");
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(tari->options[0], "R1")));
  ASSERT_TRUE(store->reset());
  EXPECT_EQ(store->list(kVigata, {})->items_found, 0);
  EXPECT_EQ(receiptCount(), 0u);
  EXPECT_EQ(seedDemo(*store, demoComune(), *clock)->created, 4);
}

TEST_F(Store, CountsReceiptsByOutcome) {
  DebtPosition d = create("VGT-1");
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1")));
  ASSERT_TRUE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R1")));
  ASSERT_FALSE(store->bookReceipt(kVigata, receiptFor(d.options[0], "R2")));
  std::string text = metrics->render();
  EXPECT_NE(text.find("sportello_comune_receipts_total{outcome=\"booked\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("sportello_comune_receipts_total{outcome=\"duplicate\"} 1"), std::string::npos);
  EXPECT_NE(text.find("sportello_comune_receipts_total{outcome=\"refused\"} 1"), std::string::npos);
}

}  // namespace
