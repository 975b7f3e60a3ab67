// One realistic value of every pagoPA message type: full() with every optional element present (and, for
// choices, each alternative used somewhere), minimal() with every optional element absent.
#pragma once

#include <string>

#include "core/pagopa/messages.hpp"

namespace sportello::pagopa::samples {

inline constexpr const char* kFiscalCode = "77777777777";
std::string noticeNumber();  // a valid aux-3 notice: 301000000000000144

// Overwrites every member of `m`.
void fill(PaVerifyPaymentNoticeReq& m, bool full);
void fill(PaVerifyPaymentNoticeRes& m, bool full);
void fill(PaGetPaymentReq& m, bool full);
void fill(PaGetPaymentRes& m, bool full);
void fill(PaGetPaymentV2Request& m, bool full);
void fill(PaGetPaymentV2Response& m, bool full);
void fill(PaSendRTReq& m, bool full);
void fill(PaSendRTRes& m, bool full);
void fill(PaSendRTV2Request& m, bool full);
void fill(PaSendRTV2Response& m, bool full);
void fill(VerifyPaymentNoticeReq& m, bool full);
void fill(VerifyPaymentNoticeRes& m, bool full);
void fill(ActivatePaymentNoticeReq& m, bool full);
void fill(ActivatePaymentNoticeRes& m, bool full);
void fill(ActivatePaymentNoticeV2Request& m, bool full);
void fill(ActivatePaymentNoticeV2Response& m, bool full);
void fill(SendPaymentOutcomeReq& m, bool full);
void fill(SendPaymentOutcomeRes& m, bool full);
void fill(SendPaymentOutcomeV2Request& m, bool full);
void fill(SendPaymentOutcomeV2Response& m, bool full);

template <class T>
T full() {
  T m;
  fill(m, true);
  return m;
}
template <class T>
T minimal() {
  T m;
  fill(m, false);
  return m;
}

}  // namespace sportello::pagopa::samples
