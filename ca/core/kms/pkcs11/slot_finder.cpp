#include "ca/core/kms/pkcs11/slot_finder.h"

#include "ca/core/kms/pkcs11/ck_rv.h"

namespace sshca::pkcs11 {

std::string tokenField(const unsigned char* p, size_t n) {
  std::string s(reinterpret_cast<const char*>(p), n);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

Result<CK_TOKEN_INFO> tokenInfo(const Module& module, CK_SLOT_ID slot) {
  CK_TOKEN_INFO info{};
  CK_RV rv = module.fn()->C_GetTokenInfo(slot, &info);
  if (rv != CKR_OK) return ckError("C_GetTokenInfo", rv);
  return info;
}

Result<std::vector<SlotToken>> listTokens(const Module& module) {
  CK_ULONG n = 0;
  CK_RV rv = module.fn()->C_GetSlotList(CK_TRUE, nullptr, &n);
  if (rv != CKR_OK) return ckError("C_GetSlotList", rv);
  std::vector<CK_SLOT_ID> slots(n);
  rv = module.fn()->C_GetSlotList(CK_TRUE, slots.data(), &n);
  if (rv != CKR_OK) return ckError("C_GetSlotList", rv);
  slots.resize(n);
  std::vector<SlotToken> out;
  for (CK_SLOT_ID s : slots) {
    auto info = tokenInfo(module, s);
    if (info.ok()) out.push_back({s, *info});  // a token that vanished in between is skipped
  }
  return out;
}

static bool matches(const SlotToken& t, const KmsUri& uri) {
  if (uri.slotId && *uri.slotId != t.slot) return false;
  if (!uri.tokenLabel.empty() && SSHCA_TOKEN_FIELD(t.info, label) != uri.tokenLabel) return false;
  if (!uri.tokenSerial.empty() && SSHCA_TOKEN_FIELD(t.info, serialNumber) != uri.tokenSerial) return false;
  return true;
}

Result<SlotToken> findToken(const Module& module, const KmsUri& uri) {
  SSHCA_ASSIGN_OR_RETURN(auto tokens, listTokens(module));
  std::vector<SlotToken> found;
  std::string seen;
  for (const auto& t : tokens) {
    if (matches(t, uri)) found.push_back(t);
    seen += (seen.empty() ? "'" : ", '") + SSHCA_TOKEN_FIELD(t.info, label) + "'";
  }
  std::string wanted = uri.tokenLabel.empty() ? "the token of the kms URI" : "token '" + uri.tokenLabel + "'";
  if (found.empty())
    return makeError(ErrorCode::NotFound, "no " + wanted + " in " + module.path() +
                                              " (tokens present: " + (seen.empty() ? "none" : seen) + ")");
  if (found.size() > 1)
    return makeError(ErrorCode::InvalidArgument, "several tokens match " + wanted + "; add serial= to the kms URI");
  return found.front();
}

}  // namespace sshca::pkcs11
