// How a certificate's subject alternative names live in one text column,
// the same way in SQLite and PostgreSQL so that records move between them
// unchanged (sshca db migrate): joined by ',' (the --san syntax); the x509
// code never lets a ',' into a DNS name or IP address.
#pragma once

#include <string>
#include <vector>

namespace sshca::store {

inline std::string sansToColumn(const std::vector<std::string>& sans) {
  std::string out;
  for (const auto& s : sans) out += (out.empty() ? "" : ",") + s;
  return out;
}

inline std::vector<std::string> sansFromColumn(const std::string& joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t comma = joined.find(',', start);
    out.push_back(joined.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace sshca::store
