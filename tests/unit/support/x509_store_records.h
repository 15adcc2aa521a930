// A sample TLS certificate record for the X.509 store tests, as
// POST /x509/sign records one: the provisioner and the serial of the SSH
// host certificate that proved the request.
#pragma once

#include <cstdint>
#include <string>

#include "ca/service/store/certificate_store.h"

namespace sshca::test {

inline store::CertificateRecord tlsRecord(std::string serial, uint64_t sshSerial) {
  store::CertificateRecord r;
  r.serialHex = std::move(serial);
  r.issuer = "CN=Test Intermediate CA";
  r.subject = "CN=web1.example.com";
  r.subjectAltNames = {"DNS:web1.example.com", "IP:192.0.2.1"};
  r.notBefore = 1700000000;
  r.notAfter = 4000000000;
  r.profile = "server";
  r.pem = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
  r.provisioner = "sshpop";
  r.sshSerial = sshSerial;
  return r;
}

}  // namespace sshca::test
