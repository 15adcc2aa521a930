// kms and key URIs (RFC 7512) through p11-kit's parser, and PIN sources.
#include "ca/core/kms/kms_uri.h"

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca {
namespace {

using pkcs11::UriPtr;

// The URI for messages, without a pin-value (never show a PIN).
std::string redacted(std::string_view text) {
  std::string s(text);
  size_t at = s.find("pin-value=");
  if (at == std::string::npos) return s;
  size_t end = s.find('&', at);
  return s.substr(0, at) + "pin-value=(hidden)" + (end == std::string::npos ? "" : s.substr(end));
}

// RFC 7512 puts module-path in the query ("?module-path=..."), but the form
// with it in the path ("pkcs11:module-path=...;token=...") is common (our own
// our docs use it) and p11-kit would call it unrecognized: move it to the
// query before p11-kit parses the URI.
std::string moveModulePathToQuery(std::string_view text) {
  std::string s(text);
  size_t q = s.find('?');
  std::string path = s.substr(0, q), query = q == std::string::npos ? "" : s.substr(q + 1);
  const std::string key = "module-path=";
  size_t start = path.find(':') + 1;
  size_t at = path.find(key, start);
  if (at == std::string::npos || start == 0 || (at != start && path[at - 1] != ';')) return s;
  size_t end = path.find(';', at);
  std::string attr = path.substr(at, end == std::string::npos ? std::string::npos : end - at);
  path.erase(at, end == std::string::npos ? std::string::npos : end - at + 1);
  if (!path.empty() && path.back() == ';') path.pop_back();
  return path + "?" + attr + (query.empty() ? "" : "&" + query);
}

Result<UriPtr> parseUri(std::string_view text) {
  UriPtr uri(p11_kit_uri_new());
  if (!uri) return makeError(ErrorCode::Internal, "p11_kit_uri_new failed");
  std::string s = moveModulePathToQuery(text);
  int rc = p11_kit_uri_parse(s.c_str(), P11_KIT_URI_FOR_ANY, uri.get());
  if (rc != P11_KIT_URI_OK)
    return makeError(ErrorCode::InvalidArgument,
                     "not a PKCS#11 URI (" + std::string(p11_kit_uri_message(rc)) + "): " + redacted(text));
  if (p11_kit_uri_any_unrecognized(uri.get()))
    return makeError(ErrorCode::InvalidArgument, "PKCS#11 URI has attributes sshca does not know: " + redacted(text));
  return uri;
}

// CK_TOKEN_INFO strings are fixed-size and padded with spaces.
std::string paddedField(const unsigned char* p, size_t n) {
  std::string s(reinterpret_cast<const char*>(p), n);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

std::string attributeString(P11KitUri* uri, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE* a = p11_kit_uri_get_attribute(uri, type);
  if (!a || !a->pValue) return {};
  return {static_cast<const char*>(a->pValue), a->ulValueLen};
}

Bytes attributeBytes(P11KitUri* uri, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE* a = p11_kit_uri_get_attribute(uri, type);
  if (!a || !a->pValue) return {};
  auto* p = static_cast<const uint8_t*>(a->pValue);
  return Bytes(p, p + a->ulValueLen);
}

// The path of a pin-source: "file:PATH" or a plain absolute path. Other
// schemes (commands, env:) are refused rather than guessed at.
Result<std::string> pinSourcePath(const std::string& source) {
  if (source.rfind("file:", 0) == 0) return source.substr(5);
  if (!source.empty() && source[0] == '/') return source;
  return makeError(ErrorCode::Unsupported, "pin-source must be file:PATH or an absolute path");
}

void warnIfReadableByOthers(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
    std::cerr << "sshca: warning: PIN file " << path << " is readable by group or others; chmod 600 it\n";
}

// PINs are short: a file over 1 KiB is not a PIN file.
Result<SecretBytes> readPinFile(const std::string& path) {
  warnIfReadableByOthers(path);
  constexpr size_t kMaxPinFile = 1024;
  auto read = readSecretFile(path, kMaxPinFile, "PIN file");
  if (!read.ok()) {
    Error e = std::move(read).error();
    if (e.code != ErrorCode::PermissionDenied) return e;
    return makeError(ErrorCode::IoError, e.message +
                                             " (it must be readable by the user running sshca: chown that "
                                             "user, chmod 600)");
  }
  SecretBytes pin = std::move(read).value();
  size_t n = pin.size();
  while (n > 0 && (pin.data()[n - 1] == '\n' || pin.data()[n - 1] == '\r')) --n;
  pin.resize(n);
  if (pin.empty()) return makeError(ErrorCode::InvalidArgument, "PIN file " + path + " is empty");
  return pin;
}

}  // namespace

Result<KmsUri> parseKmsUri(std::string_view text) {
  SSHCA_ASSIGN_OR_RETURN(UriPtr uri, parseUri(text));
  KmsUri out;
  const char* module = p11_kit_uri_get_module_path(uri.get());
  out.modulePath = module ? module : kDefaultPkcs11Module;
  CK_TOKEN_INFO* token = p11_kit_uri_get_token_info(uri.get());
  out.tokenLabel = paddedField(token->label, sizeof token->label);
  out.tokenSerial = paddedField(token->serialNumber, sizeof token->serialNumber);
  CK_SLOT_ID slot = p11_kit_uri_get_slot_id(uri.get());
  if (slot != static_cast<CK_SLOT_ID>(-1)) out.slotId = slot;
  if (const char* src = p11_kit_uri_get_pin_source(uri.get())) out.pinSource = src;
  if (const char* val = p11_kit_uri_get_pin_value(uri.get())) out.pinValue = std::string(val);
  if (out.tokenLabel.empty() && out.tokenSerial.empty() && !out.slotId)
    return makeError(ErrorCode::InvalidArgument, "kms URI names no token (give token=LABEL, serial= or slot-id=)");
  return out;
}

Result<KeyRef> parseKeyUri(std::string_view text) {
  SSHCA_ASSIGN_OR_RETURN(UriPtr uri, parseUri(text));
  KeyRef ref;
  ref.label = attributeString(uri.get(), CKA_LABEL);
  ref.id = attributeBytes(uri.get(), CKA_ID);
  if (ref.label.empty() && ref.id.empty())
    return makeError(ErrorCode::InvalidArgument, "key URI names no key (give object=LABEL and/or id=%..)");
  return ref;
}

Result<SecretBytes> resolvePin(const KmsUri& uri) {
  // DESIGN: a PIN never comes from a command line argument. A URI is one
  // (--kms), or is copied into ca.json from one (sshca init).
  if (uri.pinValue)
    return makeError(ErrorCode::InvalidArgument,
                     "pin-value= in a kms URI is not accepted: other users see it (ps, shell history) and "
                     "ca.json would keep it; use ?pin-source=file:PATH or the SSHCA_PIN environment variable");
  if (!uri.pinSource.empty()) {
    SSHCA_ASSIGN_OR_RETURN(std::string path, pinSourcePath(uri.pinSource));
    return readPinFile(path);
  }
  if (const char* env = std::getenv("SSHCA_PIN"); env && *env) return SecretBytes(std::string_view(env));
  return makeError(ErrorCode::NotFound, "no PIN given: add ?pin-source=file:PATH to the kms URI, or set SSHCA_PIN");
}

}  // namespace sshca
