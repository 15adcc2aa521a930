// dns-01 (RFC 8555 §8.4): the TXT records of _acme-challenge.NAME through
// libresolv, each lookup with its own resolver state (thread-safe), the
// configured resolver if one is set, one try within the deadline.
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <cstring>
#include <vector>

#include "ca/service/acme/acme_validator.h"

namespace sshca::acme {
namespace {

// "IP" or "IP:port" (IPv4) into the state's one name server.
bool useResolver(res_state state, const std::string& address) {
  std::string host = address;
  int port = 53;
  if (auto colon = address.rfind(':'); colon != std::string::npos) {
    host = address.substr(0, colon);
    try {
      port = std::stoi(address.substr(colon + 1));
    } catch (...) { return false; }
  }
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1) return false;
  state->nscount = 1;
  state->nsaddr_list[0] = sa;
  return true;
}

// The character-strings of every TXT record in the answer, each record's
// strings joined (RFC 8555 §8.4 compares the whole record).
std::vector<std::string> txtRecords(const unsigned char* answer, int length) {
  std::vector<std::string> out;
  ns_msg msg;
  if (ns_initparse(answer, length, &msg) != 0) return out;
  for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_txt) continue;
    const unsigned char* p = ns_rr_rdata(rr);
    const unsigned char* end = p + ns_rr_rdlen(rr);
    std::string record;
    while (p < end) {
      size_t n = *p++;
      if (p + n > end) break;
      record.append(reinterpret_cast<const char*>(p), n);
      p += n;
    }
    out.push_back(record);
  }
  return out;
}

}  // namespace

ValidationOutcome validateDns01(const ValidationTarget& target, const ValidationSettings& settings) {
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return {false, "dns", "dns-01: cannot initialise the resolver"};
  struct Closer {
    res_state s;
    ~Closer() { res_nclose(s); }
  } closer{&state};
  if (!settings.dnsResolver.empty() && !useResolver(&state, settings.dnsResolver))
    return {false, "serverInternal", "dns-01: the configured resolver is not IP or IP:port"};
  int seconds = static_cast<int>((settings.timeoutMs + 999) / 1000);
  state.retrans = seconds > 0 ? seconds : 1;
  state.retry = 1;
  std::string query = "_acme-challenge." + target.name;
  std::vector<unsigned char> answer(settings.maxResponseBytes < 512 ? 512 : settings.maxResponseBytes);
  int n = res_nquery(&state, query.c_str(), ns_c_in, ns_t_txt, answer.data(), static_cast<int>(answer.size()));
  if (n < 0) return {false, "dns", "dns-01: no TXT record for " + query};
  std::string want = dns01Value(target.keyAuthorization);
  for (const std::string& record :
       txtRecords(answer.data(), n < static_cast<int>(answer.size()) ? n : static_cast<int>(answer.size()))) {
    if (record == want) return {true, "", ""};
  }
  return {false, "incorrectResponse", "dns-01: no TXT record of " + query + " holds the key authorization's digest"};
}

}  // namespace sshca::acme
