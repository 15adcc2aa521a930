#include "ca/service/api/request_log.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace sshca::api {

std::string formatRequestLog(const RequestLogEntry& e) {
  nlohmann::json line = {{"method", e.method},
                         {"path", e.path},
                         {"status", e.status},
                         {"latency_ms", std::round(e.latencyMs * 1000.0) / 1000.0}};
  if (!e.remoteAddress.empty()) line["remote"] = e.remoteAddress;
  if (!e.fields.provisioner.empty()) line["provisioner"] = e.fields.provisioner;
  if (!e.fields.subject.empty()) line["subject"] = e.fields.subject;
  // A string: serials are 64-bit and JSON readers often hold numbers as doubles.
  if (e.fields.serial) line["serial"] = std::to_string(*e.fields.serial);
  if (!e.fields.errorCode.empty()) line["error"] = e.fields.errorCode;
  if (!e.fields.reason.empty()) line["reason"] = e.fields.reason;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sshca::api
