// What `sshca serve` measures (docs/operations.md lists the series and the
// alerts to set on them): every API request from its log entry, and gauges
// read at each scrape from the authority (token and database health, the
// KRL) and from the certificate files ca.json names (their expiry).
#pragma once

#include "ca/service/api/authority_api.h"
#include "ca/service/api/request_log.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/metrics/metrics_registry.h"

namespace sshca::metrics {

// Counts the request by route and status with its latency, and a
// certificate operation (sign, renew, rekey, revoke) as done, by
// provisioner, or refused, by error code.
void countApiRequest(Registry& registry, const api::RequestLogEntry& entry);

// Adds the gauges. `authority` is borrowed until the registry is no
// longer rendered (serve stops the metrics listener first).
void addCaGauges(Registry& registry, api::AuthorityApi& authority, const config::CaConfig& config);

}  // namespace sshca::metrics
