// Method and path to handler, free of any HTTP library. A pattern is a path
// whose "{name}" segments match any one segment (handed to the handler in
// order); every route also answers under step-ca's "/1.0" prefix
// (docs/protocol/tokens.md). New routes are one add() in apiRoutes()
// (route_table.cpp).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/service/api/acme_handlers.h"
#include "ca/service/api/api_handlers.h"

namespace sshca::api {

struct RouteRequest {
  std::string_view body;
  const std::string& clientAddress;
  std::vector<std::string> params;  // the "{name}" segments, in order
};

// A handler answers through `reply`, at once or later from another thread
// (a signature's record completes on the database's thread). The request's
// body and address stay valid until it has replied.
using RouteHandler = std::function<void(const RouteRequest&, Reply)>;
// Most handlers answer at once.
using ImmediateRouteHandler = std::function<ApiResponse(const RouteRequest&)>;

class RouteTable {
 public:
  void add(std::string method, std::string pattern, ImmediateRouteHandler handler);
  void addDeferred(std::string method, std::string pattern, RouteHandler handler);
  // The handler for `method` and `path` (no query string), with its
  // parameters in `params`; nullptr when none matches.
  const RouteHandler* match(std::string_view method, std::string_view path, std::vector<std::string>& params) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// The CA's API: every route of docs/protocol, bound to `handlers` (borrowed),
// and the ACME routes under /acme/{provisioner}/ when `acme` is given.
RouteTable apiRoutes(ApiHandlers& handlers, AcmeHandlers* acme = nullptr);

}  // namespace sshca::api
