#include "ca/service/api/tls_context.h"

#include <filesystem>
#include <system_error>

#include "ca/core/common/ossl.h"

namespace sshca::api {
namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

Status requireFile(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (path.empty()) return makeError(ErrorCode::InvalidArgument, std::string(what) + " is not configured");
  if (!std::filesystem::is_regular_file(path, ec)) {
    return makeError(ErrorCode::NotFound, std::string(what) + " '" + path + "' does not exist");
  }
  return okStatus();
}

}  // namespace

Status configureServerTls(SSL_CTX& ctx, const TlsFiles& files) {
  ossl::ErrorQueueGuard guard;
  SSHCA_RETURN_IF_ERROR(requireFile(files.certChainFile, "TLS certificate chain file"));
  SSHCA_RETURN_IF_ERROR(requireFile(files.privateKeyFile, "TLS private key file"));
  // TLS 1.0/1.1 are broken (RFC 8996); no renegotiation or compression (CRIME).
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) return ossl::error("setting TLS 1.2 minimum");
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // TLS 1.2: forward secret AEAD suites only (no CBC, no SHA-1 MAC, no
  // static RSA key exchange). TLS 1.3's suites are all AEAD; OpenSSL's
  // defaults stay.
  if (SSL_CTX_set_cipher_list(&ctx, kTls12Ciphers) != 1) return ossl::error("setting the TLS 1.2 cipher suites");
  // An idle connection keeps no read or write buffer (about 34 KiB each).
  SSL_CTX_set_mode(&ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(&ctx, files.certChainFile.c_str()) != 1) {
    return ossl::error("loading TLS certificate chain '" + files.certChainFile + "'");
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, files.privateKeyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
    return ossl::error("loading TLS private key '" + files.privateKeyFile + "'");
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) return ossl::error("TLS private key does not match the certificate");
  return okStatus();
}

}  // namespace sshca::api
