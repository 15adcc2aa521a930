// What `sshca serve` measures (docs/operations.md lists the series and the
// alerts to set on them): every API request from its log entry, and gauges
// read at each scrape from the authority (token and database health, the
// KRL) and from the certificate files ca.json names (their expiry).
#pragma once

#include <functional>
#include <optional>

#include "ca/service/api/authority_api.h"
#include "ca/service/api/https_server.h"
#include "ca/service/api/request_log.h"
#include "ca/service/authority/signature_timings.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/metrics/metrics_registry.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::metrics {

// Counts the request by route and status with its latency, and a
// certificate operation (sign, renew, rekey, revoke) as done, by
// provisioner, or refused, by error code.
void countApiRequest(Registry& registry, const api::RequestLogEntry& entry);

// Adds the gauges. `authority` is borrowed until the registry is no
// longer rendered (serve stops the metrics listener first).
void addCaGauges(Registry& registry, api::AuthorityApi& authority, const config::CaConfig& config);

// The SSH CA keys' signature latency (`timings(host)`: the host key's when
// true, else the user key's) and the latest validBefore each key has
// issued (`newestExpiry(host)`), read at each scrape.
void addSigningMetrics(Registry& registry, std::function<authority::SignatureTimings::Snapshot(bool host)> timings,
                       std::function<Result<std::optional<uint64_t>>(bool host)> newestExpiry);

// Open connections, the authority pool's queue and its shed requests, read
// from the running front door at each scrape.
void addFrontDoorMetrics(Registry& registry, std::function<api::FrontDoorLoad()> load);

// The store's commits, their batch sizes and durations (SQLite's group
// commit), read at each scrape; no series when `counts` gives nullopt.
void addStoreMetrics(Registry& registry, std::function<std::optional<store::CommitCounts>()> counts);

}  // namespace sshca::metrics
