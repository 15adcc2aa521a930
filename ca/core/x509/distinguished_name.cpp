#include "ca/core/x509/distinguished_name.h"

#include <vector>

namespace sshca::x509 {

namespace {

constexpr size_t kMaxAttributes = 32;
// Short names, ", " between attributes, RFC 2253 escaping but UTF-8 kept.
constexpr unsigned long kPrintFlags =
    XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// Splits on unescaped `sep`, removing the escapes.
Result<std::vector<std::string>> splitEscaped(std::string_view text, char sep) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (++i == text.size()) return makeError(ErrorCode::InvalidArgument, "distinguished name ends in '\\'");
      parts.back() += text[i];
    } else if (c == sep) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

Status addAttribute(X509_NAME* name, const std::string& part) {
  size_t eq = part.find('=');
  if (eq == std::string::npos) return makeError(ErrorCode::InvalidArgument, "'" + part + "' is not ATTRIBUTE=value");
  std::string key = trim(part.substr(0, eq));
  std::string value = trim(part.substr(eq + 1));
  int nid = OBJ_txt2nid(key.c_str());
  if (nid == NID_undef) return makeError(ErrorCode::InvalidArgument, "unknown name attribute '" + key + "'");
  if (value.empty()) return makeError(ErrorCode::InvalidArgument, "empty value for '" + key + "'");
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    return ossl::error("bad value for '" + key + "'");
  return okStatus();
}

}  // namespace

Result<ossl::X509Name> parseDistinguishedName(std::string_view text) {
  bool slashForm = text.starts_with('/');
  if (slashForm) text.remove_prefix(1);
  SSHCA_ASSIGN_OR_RETURN(auto parts, splitEscaped(text, slashForm ? '/' : ','));
  if (parts.size() > kMaxAttributes) return makeError(ErrorCode::InvalidArgument, "too many name attributes");
  ossl::X509Name name(X509_NAME_new());
  if (!name) return ossl::error("X509_NAME_new");
  for (const std::string& part : parts) {
    if (trim(part).empty())
      return makeError(ErrorCode::InvalidArgument, "empty attribute in '" + std::string(text) + "'");
    SSHCA_RETURN_IF_ERROR(addAttribute(name.get(), part));
  }
  return name;
}

std::string formatDistinguishedName(const X509_NAME* name) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, kPrintFlags) < 0) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string commonNameOf(const X509_NAME* name) {
  int idx = -1, last = -1;
  while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0) last = idx;
  if (last < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  ossl::OwnedBytes owned(utf8);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  return out;
}

}  // namespace sshca::x509
