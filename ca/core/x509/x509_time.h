// Times in X.509 (RFC 5280 4.1.2.5): UTCTime until 2049, GeneralizedTime
// from 2050. Our code passes time as seconds since the epoch (std::time_t)
// so that callers inject "now" and tests can fix it.
#pragma once

#include <ctime>
#include <string>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/common/utc_time.h"  // formatUtc, for messages about X.509 times

namespace sshca::x509 {

inline constexpr std::time_t kSecondsPerDay = 24 * 60 * 60;
// Validity starts this far in the past, for clients whose clocks lag.
inline constexpr std::time_t kBackdateSeconds = 5 * 60;

Result<std::time_t> toUnixTime(const ASN1_TIME* t);
Result<ossl::Asn1Time> fromUnixTime(std::time_t t);

}  // namespace sshca::x509
