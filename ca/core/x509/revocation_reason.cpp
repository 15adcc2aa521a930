#include "ca/core/x509/revocation_reason.h"

#include <array>
#include <cctype>
#include <utility>

namespace sshca::x509 {

namespace {

constexpr std::array<std::pair<RevocationReason, std::string_view>, 9> kNames{{
    {RevocationReason::Unspecified, "unspecified"},
    {RevocationReason::KeyCompromise, "keyCompromise"},
    {RevocationReason::CaCompromise, "cACompromise"},
    {RevocationReason::AffiliationChanged, "affiliationChanged"},
    {RevocationReason::Superseded, "superseded"},
    {RevocationReason::CessationOfOperation, "cessationOfOperation"},
    {RevocationReason::CertificateHold, "certificateHold"},
    {RevocationReason::PrivilegeWithdrawn, "privilegeWithdrawn"},
    {RevocationReason::AaCompromise, "aACompromise"},
}};

std::string fold(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<RevocationReason> parseRevocationReason(std::string_view name) {
  for (const auto& [reason, known] : kNames)
    if (fold(known) == fold(name)) return reason;
  std::string all;
  for (const auto& entry : kNames) all += (all.empty() ? "" : ", ") + std::string(entry.second);
  return makeError(ErrorCode::InvalidArgument, "unknown revocation reason '" + std::string(name) + "' (" + all + ")");
}

std::string_view revocationReasonName(RevocationReason reason) {
  for (const auto& [r, name] : kNames)
    if (r == reason) return name;
  return "unspecified";
}

Result<RevocationReason> revocationReasonFromCode(int code) {
  for (const auto& entry : kNames)
    if (static_cast<int>(entry.first) == code) return entry.first;
  return makeError(ErrorCode::InvalidFormat, "unknown CRLReason code " + std::to_string(code));
}

}  // namespace sshca::x509
