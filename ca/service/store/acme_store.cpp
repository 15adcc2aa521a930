#include "ca/service/store/acme_store.h"

namespace sshca::store {

const char* acmeTableName(AcmeTable table) {
  switch (table) {
    case AcmeTable::Account:
      return "acme_accounts";
    case AcmeTable::Order:
      return "acme_orders";
    case AcmeTable::Authorization:
      return "acme_authorizations";
    case AcmeTable::Challenge:
      return "acme_challenges";
    case AcmeTable::Certificate:
      return "acme_certificates";
  }
  return "acme_accounts";
}

}  // namespace sshca::store
