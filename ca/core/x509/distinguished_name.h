// Distinguished names typed on the command line, in the two forms people
// copy from OpenSSL:
//   "/C=US/O=Example/CN=Example Root CA"   (openssl req -subj)
//   "C=US, O=Example, CN=Example Root CA"   (openssl x509 -subject output)
// Both list attributes in encoding order (most general first). A '\'
// escapes the next character ("O=Example\, Inc."). Values are UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"

namespace sshca::x509 {

Result<ossl::X509Name> parseDistinguishedName(std::string_view text);

// "C=US, O=Example, CN=Example Root CA" (RFC 2253-like, encoding order).
std::string formatDistinguishedName(const X509_NAME* name);

// The last commonName of a name; empty if none.
std::string commonNameOf(const X509_NAME* name);

}  // namespace sshca::x509
