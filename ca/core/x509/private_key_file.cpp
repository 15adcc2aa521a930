#include "ca/core/x509/private_key_file.h"

#include <cstring>
#include <optional>

#include <openssl/pem.h>

#include "ca/core/common/bytes.h"

namespace sshca::x509 {

namespace {

bool looksLikePem(std::span<const uint8_t> data) {
  return asString(data).find("-----BEGIN ") != std::string_view::npos;
}

// PEM password callback state: the password is fetched on first use only.
struct PemPassword {
  const PasswordSource* source;
  std::optional<Error> error;
};

int pemPasswordCallback(char* buf, int size, int /*rwflag*/, void* u) {
  auto* state = static_cast<PemPassword*>(u);
  Result<SecretBytes> pw = (*state->source)();
  if (!pw.ok()) {
    state->error = pw.error();
    return -1;
  }
  if (pw->size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, pw->data(), pw->size());
  return static_cast<int>(pw->size());
}

Result<PrivateKeyFile> readPem(std::span<const uint8_t> data, const PasswordSource& password) {
  ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  PemPassword state{&password, std::nullopt};
  ossl::EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, pemPasswordCallback, &state));
  if (state.error) return *state.error;
  if (!key)
    return makeError(ErrorCode::InvalidFormat,
                     "cannot read the PEM private key (wrong password?): " + ossl::drainErrors());
  return PrivateKeyFile{std::move(key), nullptr};
}

Result<PrivateKeyFile> readPkcs12(std::span<const uint8_t> data, const PasswordSource& password) {
  const unsigned char* p = data.data();
  ossl::Pkcs12 p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
  if (!p12) return makeError(ErrorCode::InvalidFormat, "neither a PEM private key nor a PKCS#12 file");
  SecretBytes pw;
  // An unencrypted (or empty-password) PKCS#12 needs no prompt.
  if (PKCS12_verify_mac(p12.get(), "", 0) != 1 && PKCS12_verify_mac(p12.get(), nullptr, 0) != 1) {
    SSHCA_ASSIGN_OR_RETURN(pw, password());
    if (PKCS12_verify_mac(p12.get(), reinterpret_cast<const char*>(pw.data()), static_cast<int>(pw.size())) != 1)
      return makeError(ErrorCode::InvalidArgument, "wrong password for the PKCS#12 file");
  }
  std::string pass(pw.view());
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  int rc = PKCS12_parse(p12.get(), pass.c_str(), &key, &cert, nullptr);
  OPENSSL_cleanse(pass.data(), pass.size());
  PrivateKeyFile out{ossl::EvpPkey(key), ossl::X509Ptr(cert)};
  if (rc != 1 || !out.key) return ossl::error("reading the PKCS#12 file");
  return out;
}

}  // namespace

Result<PrivateKeyFile> readPrivateKeyFile(std::span<const uint8_t> data, const PasswordSource& password) {
  ossl::ErrorQueueGuard guard;
  if (data.empty()) return makeError(ErrorCode::InvalidFormat, "the key file is empty");
  return looksLikePem(data) ? readPem(data, password) : readPkcs12(data, password);
}

}  // namespace sshca::x509
