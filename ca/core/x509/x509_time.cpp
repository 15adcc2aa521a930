#include "ca/core/x509/x509_time.h"

namespace sshca::x509 {

Result<std::time_t> toUnixTime(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return makeError(ErrorCode::InvalidFormat, "malformed X.509 time");
  return timegm(&tm);
}

Result<ossl::Asn1Time> fromUnixTime(std::time_t t) {
  // ASN1_TIME_set picks UTCTime or GeneralizedTime as RFC 5280 requires.
  ossl::Asn1Time out(ASN1_TIME_set(nullptr, t));
  if (!out) return ossl::error("encoding an X.509 time");
  return out;
}

}  // namespace sshca::x509
