// HTTPS to the CA. Every call after bootstrap pins the root stored at
// bootstrap: the server must present a chain to exactly that root and a
// certificate for the URL's host name. Only bootstrap fetches /roots without
// trusting the server, and then checks the root by its fingerprint.
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::agent {

class CaClient {
 public:
  // `url`: "https://host[:port][/prefix]" (agent/ca_client/https_url.h); plain http
  // is refused. Verifies the server against the PEM file `rootFile`.
  static Result<CaClient> pinned(const std::string& url, const std::string& rootFile);
  // No server verification at all: only for fetching the root to compare
  // with a fingerprint the admin got out of band.
  static Result<CaClient> unverified(const std::string& url);

  ~CaClient();
  CaClient(CaClient&&) noexcept;
  CaClient& operator=(CaClient&&) noexcept;

  // The body of a 2xx answer; otherwise an Error with the CA's message and
  // a code from the HTTP status (401 unauthenticated, 409 replayed, ...).
  Result<std::string> get(const std::string& path) const;
  Result<std::string> postJson(const std::string& path, const std::string& body) const;

 struct Impl;  // opaque: keeps httplib.h out of every command's includes

 private:
  explicit CaClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshca::agent
