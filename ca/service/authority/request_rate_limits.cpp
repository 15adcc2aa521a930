#include "ca/service/authority/request_rate_limits.h"

#include <arpa/inet.h>

#include <array>

namespace sshca::authority {

bool isLoopbackAddress(const std::string& address) {
  std::array<unsigned char, 16> a{};
  if (inet_pton(AF_INET, address.c_str(), a.data()) == 1) return a[0] == 127;
  if (inet_pton(AF_INET6, address.c_str(), a.data()) != 1) return false;
  static constexpr std::array<unsigned char, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (a == kLoopback6) return true;
  static constexpr std::array<unsigned char, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), a.begin()) && a[12] == 127;
}

RequestRateLimits::RequestRateLimits(RateLimit perAddress, RateLimit perProvisioner, bool exemptLoopback)
    : perAddress_(perAddress, "from this address"),
      perProvisioner_(perProvisioner, "for this provisioner"),
      exemptLoopback_(exemptLoopback) {}

Status RequestRateLimits::admitAddress(const std::string& address) {
  if (exempt(address)) return okStatus();
  return perAddress_.admit(address);
}

Status RequestRateLimits::admitProvisioner(const std::string& address, const std::string& provisioner) {
  if (exempt(address)) return okStatus();
  return perProvisioner_.admit(provisioner);
}

}  // namespace sshca::authority
