// The structured log line written for every request (issue 4): one JSON
// object per line. It has no field for a token, PIN or key, so none can be
// logged by mistake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sshca::api {

// What a handler learned about the caller, for the log line.
struct RequestLogFields {
  std::string provisioner;
  std::string subject;
  std::optional<uint64_t> serial;
  std::string errorCode;  // a non-2xx answer's ErrorCode name ...
  std::string reason;     // ... and its full message (which the body may not carry)
};

struct RequestLogEntry {
  std::string method;
  std::string path;  // without the query string
  int status = 0;
  double latencyMs = 0;
  std::string remoteAddress;
  RequestLogFields fields;
};

// {"method":...,"path":...,"status":...,"latency_ms":...,"remote":...,
//  "provisioner":...,"subject":...,"serial":"<decimal>","error":...,
//  "reason":...}; empty fields omitted.
std::string formatRequestLog(const RequestLogEntry& entry);

}  // namespace sshca::api
