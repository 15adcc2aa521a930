#include "ca/core/x509/x509_pem.h"

#include <openssl/pem.h>

namespace sshca::x509 {

namespace {

bool looksLikePem(std::string_view data) { return data.find("-----BEGIN ") != std::string_view::npos; }

Result<ossl::Bio> readBio(std::string_view data) {
  ossl::Bio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) return ossl::error("BIO_new_mem_buf");
  return bio;
}

Result<std::string> bioText(BIO* bio) {
  char* p = nullptr;
  long len = BIO_get_mem_data(bio, &p);
  if (len <= 0) return ossl::error("writing PEM");
  return std::string(p, static_cast<size_t>(len));
}

// Reads one object with `pemRead` (PEM) or `d2i` (DER).
template <class Handle, class PemRead, class D2i>
Result<Handle> readOne(std::string_view data, PemRead pemRead, D2i d2i, std::string_view what) {
  ossl::ErrorQueueGuard guard;
  Handle out;
  if (looksLikePem(data)) {
    SSHCA_ASSIGN_OR_RETURN(ossl::Bio bio, readBio(data));
    out.reset(pemRead(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    out.reset(d2i(nullptr, &p, static_cast<long>(data.size())));
    if (out && p != reinterpret_cast<const unsigned char*>(data.data()) + data.size()) out.reset();
  }
  if (!out) return makeError(ErrorCode::InvalidFormat, "not a readable " + std::string(what) + " (PEM or DER)");
  return out;
}

template <class T, class Write>
Result<std::string> writePem(T* object, Write write) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get(), object) != 1) return ossl::error("writing PEM");
  return bioText(bio.get());
}

}  // namespace

Result<ossl::X509Ptr> certificateFromPemOrDer(std::string_view data) {
  return readOne<ossl::X509Ptr>(data, PEM_read_bio_X509, d2i_X509, "certificate");
}

Result<std::vector<ossl::X509Ptr>> certificatesFromPem(std::string_view pem) {
  SSHCA_ASSIGN_OR_RETURN(ossl::Bio bio, readBio(pem));
  std::vector<ossl::X509Ptr> out;
  while (ossl::X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) out.push_back(std::move(cert));
  ossl::ErrorQueueGuard guard;  // the last read ends with "no start line"
  if (out.empty()) return makeError(ErrorCode::InvalidFormat, "no PEM certificate found");
  return out;
}

Result<ossl::X509Req> requestFromPemOrDer(std::string_view data) {
  return readOne<ossl::X509Req>(data, PEM_read_bio_X509_REQ, d2i_X509_REQ, "certificate request");
}

Result<ossl::X509Crl> crlFromPemOrDer(std::string_view data) {
  return readOne<ossl::X509Crl>(data, PEM_read_bio_X509_CRL, d2i_X509_CRL, "CRL");
}

// OpenSSL's writers take non-const pointers but do not modify the object.
Result<std::string> toPem(const X509& cert) { return writePem(const_cast<X509*>(&cert), PEM_write_bio_X509); }
Result<std::string> toPem(const X509_REQ& req) { return writePem(const_cast<X509_REQ*>(&req), PEM_write_bio_X509_REQ); }
Result<std::string> toPem(const X509_CRL& crl) { return writePem(const_cast<X509_CRL*>(&crl), PEM_write_bio_X509_CRL); }

}  // namespace sshca::x509
