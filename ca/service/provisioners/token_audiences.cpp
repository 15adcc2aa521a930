#include "ca/service/provisioners/token_audiences.h"

#include <algorithm>

namespace sshca::provisioners {
namespace {

constexpr std::string_view kVersionPrefix = "/1.0";

std::string stripTrailingSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// An IPv6 address is written in brackets in a URL.
std::string urlHost(const std::string& name) {
  if (name.find(':') != std::string::npos && !name.starts_with("[")) return "[" + name + "]";
  return name;
}

// The paths a token for `endpoint` may name (without "/1.0").
std::vector<std::string> pathsFor(std::string_view endpoint) {
  if (endpoint.starts_with(kVersionPrefix)) endpoint.remove_prefix(kVersionPrefix.size());
  std::vector<std::string> paths{std::string(endpoint)};
  if (endpoint == "/ssh/sign") paths.emplace_back("/sign");
  return paths;
}

void addBoth(std::vector<std::string>& out, const std::string& base, const std::string& path,
             std::string_view fragment) {
  std::string suffix = fragment.empty() ? std::string() : "#" + std::string(fragment);
  for (const std::string& a : {base + std::string(kVersionPrefix) + path + suffix, base + path + suffix})
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
}

}  // namespace

std::vector<std::string> stepAudiences(const std::string& caUrl, const std::vector<std::string>& caNames,
                                       std::string_view endpoint, std::string_view fragment) {
  std::vector<std::string> bases;
  if (!caUrl.empty()) bases.push_back(stripTrailingSlashes(caUrl));
  for (const std::string& name : caNames)
    if (!name.empty()) bases.push_back("https://" + urlHost(name));
  std::vector<std::string> out;
  for (const std::string& path : pathsFor(endpoint))
    for (const std::string& base : bases) addBoth(out, base, path, fragment);
  return out;
}

}  // namespace sshca::provisioners
