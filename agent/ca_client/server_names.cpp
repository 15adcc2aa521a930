#include "agent/ca_client/server_names.h"

#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ca/core/common/ossl.h"

namespace sshca::agent {
namespace {

Result<ossl::X509Ptr> fetchLeaf(const std::string& host, int port) {
  ossl::ErrorQueueGuard guard;
  ossl::SslCtx ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return ossl::error("creating a TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  ossl::Bio bio(BIO_new_ssl_connect(ctx.get()));
  if (!bio) return ossl::error("creating a TLS connection");
  std::string target = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  BIO_set_conn_hostname(bio.get(), target.c_str());
  SSL* ssl = nullptr;
  BIO_get_ssl(bio.get(), &ssl);
  if (ssl == nullptr) return ossl::error("creating a TLS connection");
  SSL_set_tlsext_host_name(ssl, host.c_str());
  if (BIO_do_connect(bio.get()) <= 0 || BIO_do_handshake(bio.get()) <= 0)
    return makeError(ErrorCode::Unavailable, "no TLS answer from " + target + " (" + ossl::drainErrors() +
                                                 "): is sshca serve running, and is this its address and port?");
  ossl::X509Ptr leaf(SSL_get1_peer_certificate(ssl));
  if (!leaf) return makeError(ErrorCode::InvalidFormat, target + " presented no certificate");
  return leaf;
}

std::vector<std::string> namesOf(X509* cert) {
  std::vector<std::string> names;
  ossl::GeneralNames sans(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!sans) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans.get(), i);
    if (n->type == GEN_DNS) {
      const ASN1_IA5STRING* s = n->d.dNSName;
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
    } else if (n->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = n->d.iPAddress;
      const unsigned char* b = ASN1_STRING_get0_data(ip);
      if (ASN1_STRING_length(ip) == 4) {
        names.push_back(std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
                        std::to_string(b[3]));
      } else {
        names.emplace_back("an IPv6 address");
      }
    }
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace

Status checkServerNamesHost(const std::string& host, int port) {
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr leaf, fetchLeaf(host, port));
  bool ok = X509_check_host(leaf.get(), host.c_str(), host.size(), 0, nullptr) == 1 ||
            X509_check_ip_asc(leaf.get(), host.c_str(), 0) == 1;
  if (ok) return okStatus();
  return makeError(ErrorCode::InvalidArgument,
                   "--ca-url names the host '" + host + "', which the CA's TLS certificate does not list (it names " +
                       joined(namesOf(leaf.get())) + "): every later connection would be refused; use one of those");
}

}  // namespace sshca::agent
