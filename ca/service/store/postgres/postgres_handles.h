// RAII for libpq's handles. No PQfinish / PQclear / PQfreemem call appears
// anywhere else.
#pragma once

#include <memory>

#include <libpq-fe.h>

namespace sshca::store {

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
struct PgMemFreer {
  void operator()(unsigned char* p) const { PQfreemem(p); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;
using PgMem = std::unique_ptr<unsigned char, PgMemFreer>;

}  // namespace sshca::store
