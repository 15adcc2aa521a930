// A CK_ATTRIBUTE array that owns its values (cleansed on destruction, since
// an import template holds private key material).
#pragma once

#include <deque>
#include <span>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "ca/core/common/secret.h"

namespace sshca::pkcs11 {

class AttributeTemplate {
 public:
  AttributeTemplate& add(CK_ATTRIBUTE_TYPE type, std::span<const uint8_t> value) {
    auto& v = values_.emplace_back(value);  // deque: earlier values never move
    attrs_.push_back({type, v.data(), v.size()});
    return *this;
  }
  AttributeTemplate& addString(CK_ATTRIBUTE_TYPE type, std::string_view s) {
    return add(type, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }
  AttributeTemplate& addBool(CK_ATTRIBUTE_TYPE type, bool b) {
    CK_BBOOL v = b ? CK_TRUE : CK_FALSE;
    return add(type, {&v, 1});
  }
  AttributeTemplate& addUlong(CK_ATTRIBUTE_TYPE type, CK_ULONG u) {
    return add(type, {reinterpret_cast<const uint8_t*>(&u), sizeof u});
  }

  CK_ATTRIBUTE* data() { return attrs_.data(); }
  CK_ULONG size() const { return attrs_.size(); }

 private:
  std::deque<SecretBytes> values_;
  std::vector<CK_ATTRIBUTE> attrs_;
};

}  // namespace sshca::pkcs11
