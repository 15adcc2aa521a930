// The ACME server's state (RFC 8555): accounts, orders, authorizations,
// challenges, issued certificates, and the nonces. Every object is a row
// of its own table with the columns the server looks it up or guards it by
// (id, owner, parent, status, a unique lookup key) and the rest of the
// object as a JSON document the ACME code reads and writes: the store
// knows rows, not the protocol.
//
// Contract of every backend (SQLite, PostgreSQL):
//  - A nonce is consumed by deleting its row: of two requests carrying the
//    same nonce, on one instance or two sharing a PostgreSQL database,
//    exactly one sees it consumed.
//  - insert() writes all its rows in one transaction, or none; a unique
//    lookup key already taken (an account key registered twice) is
//    AlreadyExists.
//  - update() is a compare-and-set on the status: the row changes only if
//    its status is still `expectedStatus`, else AlreadyExists and
//    nothing changes. Two finalize requests for one order cannot both
//    issue, two validations cannot both move a challenge.
//  - completeOrder() is that compare-and-set on an order and the insert of
//    its certificate's row, in one transaction: both are recorded or
//    neither is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::store {

enum class AcmeTable { Account, Order, Authorization, Challenge, Certificate };

struct AcmeRow {
  AcmeTable table = AcmeTable::Account;
  std::string id;           // URL-safe random id, the last segment of the object's URL
  std::string provisioner;  // the ACME provisioner it belongs to
  std::string accountId;    // the owning account (an account: its own id)
  std::string parentId;     // authz: its order; challenge: its authz; certificate: its order; else ""
  std::string status;       // RFC 8555 §7.1.6 ("valid", "pending", ...; certificates: "valid"/"revoked")
  std::string lookupKey;    // account: key thumbprint; certificate: serial hex; else "" (unique when set)
  std::string document;     // the rest, as JSON
  int64_t updatedAt = 0;
};

class AcmeStore {
 public:
  virtual ~AcmeStore() = default;

  // Records a nonce handed out (Replay-Nonce), usable until expiresAt.
  virtual Status addNonce(const std::string& nonce, int64_t expiresAt) = 0;
  // Consumes a nonce: true exactly once for a nonce that was handed out and
  // has not expired; false for an unknown, spent or expired one.
  virtual Result<bool> consumeNonce(const std::string& nonce, int64_t now) = 0;
  // Forgets expired nonces.
  virtual Status pruneNonces(int64_t now) = 0;

  virtual Status insert(const std::vector<AcmeRow>& rows) = 0;
  // NotFound when absent (or of another provisioner).
  virtual Result<AcmeRow> find(AcmeTable table, const std::string& provisioner, const std::string& id) = 0;
  virtual Result<std::optional<AcmeRow>> findByLookupKey(AcmeTable table, const std::string& provisioner,
                                                         const std::string& lookupKey) = 0;
  // The rows whose parentId is `parentId`, in insertion order.
  virtual Result<std::vector<AcmeRow>> children(AcmeTable table, const std::string& provisioner,
                                                const std::string& parentId) = 0;
  // Writes status, lookupKey, document and updatedAt of `row` if the stored
  // status is `expectedStatus` (see the contract above).
  virtual Status update(const AcmeRow& row, const std::string& expectedStatus) = 0;
  // Finalize's last step (RFC 8555 §7.4): writes `order` as update() does
  // if its stored status is `expectedOrderStatus`, and inserts
  // `certificate`, in one transaction. An order is never "valid" without
  // its certificate's row, nor a certificate's row under an order left
  // "processing". AlreadyExists when the order moved on or the serial is
  // recorded already; nothing changes then.
  virtual Status completeOrder(const AcmeRow& order, const std::string& expectedOrderStatus,
                               const AcmeRow& certificate) = 0;
  // How many rows a table holds (for tests and metrics).
  virtual Result<int64_t> count(AcmeTable table) = 0;
};

// The table's name ("acme_accounts", ...).
const char* acmeTableName(AcmeTable table);

}  // namespace sshca::store
