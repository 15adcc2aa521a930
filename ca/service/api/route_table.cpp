#include "ca/service/api/route_table.h"

namespace sshca::api {
namespace {

// Views into `path`: matching a request allocates no string per segment.
std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool isParam(const std::string& s) { return s.size() >= 2 && s.front() == '{' && s.back() == '}'; }

}  // namespace

void RouteTable::add(std::string method, std::string pattern, ImmediateRouteHandler handler) {
  addDeferred(std::move(method), std::move(pattern),
              [handler = std::move(handler)](const RouteRequest& r, Reply reply) { reply(handler(r)); });
}

void RouteTable::addDeferred(std::string method, std::string pattern, RouteHandler handler) {
  std::vector<std::string> segments;
  for (std::string_view s : splitPath(pattern)) segments.emplace_back(s);
  routes_.push_back({std::move(method), std::move(segments), std::move(handler)});
}

const RouteHandler* RouteTable::match(std::string_view method, std::string_view path,
                                      std::vector<std::string>& params) const {
  // A path must be absolute and free of empty segments: "//health" or
  // "/health/" name nothing.
  if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos ||
      (path.size() > 1 && path.back() == '/')) {
    return nullptr;
  }
  if (path.rfind("/1.0/", 0) == 0) path.remove_prefix(4);
  std::vector<std::string_view> segments = splitPath(path);
  for (const Route& r : routes_) {
    if (r.method != method || r.segments.size() != segments.size()) continue;
    std::vector<std::string> found;
    bool ok = true;
    for (size_t i = 0; ok && i < segments.size(); ++i) {
      if (isParam(r.segments[i])) {
        found.emplace_back(segments[i]);
      } else {
        ok = r.segments[i] == segments[i];
      }
    }
    if (ok) {
      params = std::move(found);
      return &r.handler;
    }
  }
  return nullptr;
}

// RFC 8555 §7.1: the directory and new-nonce are read without a JWS; every
// other request is a POST of a JWS (POST-as-GET for reads), up to three
// segments below the provisioner ("order/{id}/finalize").
void addAcmeRoutes(RouteTable& t, AcmeHandlers& a) {
  t.add("GET", "/acme/{provisioner}/directory", [&a](const RouteRequest& r) { return a.directory(r.params[0]); });
  t.add("HEAD", "/acme/{provisioner}/new-nonce", [&a](const RouteRequest& r) { return a.newNonce(r.params[0], true); });
  t.add("GET", "/acme/{provisioner}/new-nonce", [&a](const RouteRequest& r) { return a.newNonce(r.params[0], false); });
  for (const char* pattern :
       {"/acme/{provisioner}/{a}", "/acme/{provisioner}/{a}/{b}", "/acme/{provisioner}/{a}/{b}/{c}"}) {
    t.add("POST", pattern, [&a](const RouteRequest& r) {
      std::vector<std::string> resource(r.params.begin() + 1, r.params.end());
      return a.post(r.params[0], std::move(resource), r.body);
    });
  }
}

RouteTable apiRoutes(ApiHandlers& h, AcmeHandlers* acme) {
  RouteTable t;
  auto get = [&](const char* path, std::function<ApiResponse()> call) {
    t.add("GET", path, [call](const RouteRequest&) { return call(); });
  };
  auto post = [&](const char* path, ApiResponse (ApiHandlers::*call)(std::string_view, const std::string&)) {
    t.add("POST", path, [&h, call](const RouteRequest& r) { return (h.*call)(r.body, r.clientAddress); });
  };
  // Answered once the certificate is durable, from the database's thread.
  auto postDeferred = [&](const char* path, void (ApiHandlers::*call)(std::string_view, const std::string&, Reply)) {
    t.addDeferred("POST", path, [&h, call](const RouteRequest& r, Reply reply) {
      (h.*call)(r.body, r.clientAddress, std::move(reply));
    });
  };
  get("/health", [&h] { return h.health(); });
  get("/roots", [&h] { return h.roots(); });
  get("/ssh/roots", [&h] { return h.sshRoots(); });
  get("/version", [&h] { return h.version(); });
  get("/roots.pem", [&h] { return h.rootsPem(); });
  get("/federation", [&h] { return h.federation(); });
  get("/ssh/federation", [&h] { return h.sshRoots(); });
  t.add("GET", "/root/{sha256}", [&h](const RouteRequest& r) { return h.root(r.params[0]); });
  t.add("GET", "/provisioners/{kid}/encrypted-key",
        [&h](const RouteRequest& r) { return h.provisionerEncryptedKey(r.params[0]); });
  // step-ca also routes /ssh/config/{type}; the body's type decides.
  for (const char* path : {"/ssh/config", "/ssh/config/user", "/ssh/config/host"})
    t.add("POST", path, [&h](const RouteRequest& r) { return h.sshConfig(r.body); });
  get("/ssh/krl", [&h] { return h.krl(); });
  get("/ssh/krl.sig", [&h] { return h.krlSignature(); });
  get("/provisioners", [&h] { return h.provisioners(); });
  post("/ssh/check-host", &ApiHandlers::sshCheckHost);
  postDeferred("/ssh/sign", &ApiHandlers::signSsh);
  postDeferred("/ssh/renew", &ApiHandlers::renewSsh);
  postDeferred("/ssh/rekey", &ApiHandlers::rekeySsh);
  post("/ssh/revoke", &ApiHandlers::revokeSsh);
  post("/x509/sign", &ApiHandlers::signX509);
  if (acme != nullptr) addAcmeRoutes(t, *acme);
  return t;
}

}  // namespace sshca::api
