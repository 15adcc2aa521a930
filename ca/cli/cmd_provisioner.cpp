// sshca provisioner add oidc | list | update | remove: edit the provisioners in
// ca.json safely (validated by building the provisioner, written
// atomically by saveCaConfig). A running `sshca serve` picks the change up
// on SIGHUP. docs/oidc.md.
#include <algorithm>
#include <iostream>

#include "ca/cli/commands.h"
#include "ca/service/authority/provisioner_set.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/provisioners/provisioner.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct OidcAddOptions {
  std::string name, config, issuer, clientId, maxValidity;
  std::vector<std::string> domains, groups, requiredGroups, principalClaims;
  bool allowUnverifiedEmail = false;
};

// GROUP=PRINCIPAL; an empty principal ("ssh-users=") admits the group
// without granting a name (useful with --required-group).
void addGroupRule(policy::PrincipalRules& rules, const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) fail(usage("--group '" + spec + "' is not GROUP=PRINCIPAL"));
  auto& principals = rules.groups[spec.substr(0, eq)];
  std::string principal = spec.substr(eq + 1);
  if (!principal.empty()) principals.push_back(principal);
}

policy::PrincipalRules rulesFrom(const OidcAddOptions& o) {
  policy::PrincipalRules rules;
  rules.requireEmailVerified = !o.allowUnverifiedEmail;
  rules.allowedDomains = o.domains;
  rules.requiredGroups = o.requiredGroups;
  for (const auto& c : o.principalClaims) rules.claims.push_back(orFail(policy::parsePrincipalClaim(c)));
  for (const auto& g : o.groups) addGroupRule(rules, g);
  // Nothing said: the email's local part, the most common mapping.
  if (rules.claims.empty() && rules.groups.empty()) rules.claims.push_back(policy::PrincipalClaim::EmailLocal);
  return rules;
}

config::ProvisionerConfig oidcEntry(const OidcAddOptions& o) {
  config::ProvisionerConfig p;
  p.type = "oidc";
  p.name = o.name;
  orFail(config::checkIssuerUrl(o.issuer));
  p.oidc.issuer = o.issuer;
  p.oidc.clientId = o.clientId;
  p.oidc.rules = rulesFrom(o);
  if (!o.maxValidity.empty()) {
    uint64_t max = orFail(config::parseDuration(o.maxValidity));
    if (max == 0) fail(usage("--max-validity must be positive"));
    p.policy.user.maxValiditySeconds = max;
    p.policy.user.defaultValiditySeconds = std::min(p.policy.user.defaultValiditySeconds, max);
  } else {
    p.policy.user.maxValiditySeconds = 16 * 3600;  // issue 6: 16h by default
  }
  return p;
}

void runAddOidc(const OidcAddOptions& o) {
  config::CaConfig ca = orFail(config::loadCaConfig(o.config));
  if (ca.findProvisioner(o.name))
    fail(makeError(ErrorCode::AlreadyExists, "a provisioner named '" + o.name + "' is already in " + o.config));
  ca.provisioners.push_back(oidcEntry(o));
  // The whole set must build as serve would build it (unique issuer+client).
  auto set = authority::buildProvisionerSet(ca);
  if (!set.ok()) fail(std::move(set).error().context("the new provisioner"));
  orFail(config::saveCaConfig(o.config, ca));
  std::cout << "added oidc provisioner '" << o.name << "' (issuer " << o.issuer << ", client " << o.clientId
            << "); load it into a running sshca serve with: sshca reload --config " << o.config << "\n";
}

// What `provisioner update` was given: only these fields change. A list
// option replaces the whole list; given once as '' it empties it.
struct UpdateOptions {
  std::string name, config, issuer, clientId, maxValidity, allowUnverifiedEmail;
  std::vector<std::string> domains, groups, requiredGroups, principalClaims;
  bool domainsGiven = false, groupsGiven = false, requiredGroupsGiven = false, claimsGiven = false;
};

std::vector<std::string> listValue(const std::vector<std::string>& given) {
  if (given.size() == 1 && given[0].empty()) return {};
  return given;
}

void updateOidcRules(policy::PrincipalRules& rules, const UpdateOptions& o) {
  if (o.domainsGiven) rules.allowedDomains = listValue(o.domains);
  if (o.requiredGroupsGiven) rules.requiredGroups = listValue(o.requiredGroups);
  if (o.claimsGiven) {
    rules.claims.clear();
    for (const auto& c : listValue(o.principalClaims)) rules.claims.push_back(orFail(policy::parsePrincipalClaim(c)));
  }
  if (o.groupsGiven) {
    rules.groups.clear();
    for (const auto& g : listValue(o.groups)) addGroupRule(rules, g);
  }
  if (!o.allowUnverifiedEmail.empty()) {
    if (o.allowUnverifiedEmail != "true" && o.allowUnverifiedEmail != "false")
      fail(usage("--allow-unverified-email must be true or false"));
    rules.requireEmailVerified = o.allowUnverifiedEmail == "false";
  }
}

bool oidcFieldsGiven(const UpdateOptions& o) {
  return !o.issuer.empty() || !o.clientId.empty() || o.domainsGiven || o.groupsGiven || o.requiredGroupsGiven ||
         o.claimsGiven || !o.allowUnverifiedEmail.empty();
}

void updateEntry(config::ProvisionerConfig& p, const UpdateOptions& o) {
  if (oidcFieldsGiven(o) && p.type != "oidc")
    fail(usage("provisioner '" + o.name + "' is of type " + p.type + ": only --max-validity applies to it"));
  if (!o.issuer.empty()) {
    orFail(config::checkIssuerUrl(o.issuer));
    p.oidc.issuer = o.issuer;
  }
  if (!o.clientId.empty()) p.oidc.clientId = o.clientId;
  if (p.type == "oidc") updateOidcRules(p.oidc.rules, o);
  if (!o.maxValidity.empty()) {
    uint64_t max = orFail(config::parseDuration(o.maxValidity));
    if (max == 0) fail(usage("--max-validity must be positive"));
    p.policy.user.maxValiditySeconds = max;
    p.policy.user.defaultValiditySeconds = std::min(p.policy.user.defaultValiditySeconds, max);
  }
}

void runUpdate(const UpdateOptions& o) {
  config::CaConfig ca = orFail(config::loadCaConfig(o.config));
  auto it = std::find_if(ca.provisioners.begin(), ca.provisioners.end(),
                         [&](const config::ProvisionerConfig& p) { return p.name == o.name; });
  if (it == ca.provisioners.end())
    fail(makeError(ErrorCode::NotFound, "no provisioner named '" + o.name + "' in " + o.config));
  if (!oidcFieldsGiven(o) && o.maxValidity.empty()) fail(usage("nothing to change: give at least one option"));
  updateEntry(*it, o);
  // Built as serve would build it: what serve would refuse (a clash with
  // another provisioner's issuer and client) is refused, ca.json unchanged.
  auto set = authority::buildProvisionerSet(ca);
  if (!set.ok()) fail(std::move(set).error().context("the updated provisioner"));
  orFail(config::saveCaConfig(o.config, ca));
  std::cout << "updated provisioner '" << o.name << "'; send SIGHUP to a running sshca serve to load it\n";
}

void addUpdateCommand(CLI::App* prov) {
  auto o = std::make_shared<UpdateOptions>();
  auto* cmd = prov->add_subcommand("update", "Change a provisioner's settings in place (no remove and add)");
  cmd->add_option("NAME", o->name, "provisioner name")->required();
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--issuer", o->issuer, "oidc: the issuer URL");
  cmd->add_option("--client-id", o->clientId, "oidc: the OAuth client ID");
  auto* domains = cmd->add_option("--domain", o->domains, "oidc: accepted email domains (replaces the list)");
  auto* groups = cmd->add_option("--group", o->groups, "oidc: GROUP=PRINCIPAL rules (replaces them all)");
  auto* required = cmd->add_option("--required-group", o->requiredGroups, "oidc: required groups (replaces the list)");
  auto* claims = cmd->add_option("--principal-claim", o->principalClaims, "oidc: principal claims (replaces the list)");
  cmd->add_option("--allow-unverified-email", o->allowUnverifiedEmail, "oidc: true or false");
  cmd->add_option("--max-validity", o->maxValidity, "longest user certificate, e.g. 8h");
  cmd->footer(
      "Only the options given change. A list option given replaces the whole list; given once\n"
      "as '' it empties it. The result is checked as sshca serve would load it; a refused change\n"
      "leaves ca.json as it was.\n"
      "Example:\n"
      "  sshca provisioner update corp --config ca.json --principal-claim email-local --group admins=root\n"
      "  sshca reload --config ca.json");
  cmd->callback([o, domains, groups, required, claims] {
    o->domainsGiven = domains->count() > 0;
    o->groupsGiven = groups->count() > 0;
    o->requiredGroupsGiven = required->count() > 0;
    o->claimsGiven = claims->count() > 0;
    runUpdate(*o);
  });
}

void runList(const std::string& path) {
  config::CaConfig ca = orFail(config::loadCaConfig(path));
  for (const auto& p : ca.provisioners) {
    std::cout << p.name << "\t" << p.type;
    if (p.type == "oidc") std::cout << "\t" << p.oidc.issuer << "\t" << p.oidc.clientId;
    std::cout << "\n";
  }
}

void runRemove(const std::string& path, const std::string& name) {
  config::CaConfig ca = orFail(config::loadCaConfig(path));
  auto it = std::find_if(ca.provisioners.begin(), ca.provisioners.end(),
                         [&](const config::ProvisionerConfig& p) { return p.name == name; });
  if (it == ca.provisioners.end())
    fail(makeError(ErrorCode::NotFound, "no provisioner named '" + name + "' in " + path));
  ca.provisioners.erase(it);
  orFail(config::saveCaConfig(path, ca));
  std::cout << "removed provisioner '" << name << "'; sshca reload --config " << path
            << " makes a running sshca serve forget it\n";
}

void addOidcCommand(CLI::App* add) {
  auto o = std::make_shared<OidcAddOptions>();
  auto* cmd = add->add_subcommand("oidc", "Add an OIDC provisioner: users log in at an identity provider");
  cmd->add_option("NAME", o->name, "provisioner name (shown in certificate key IDs)")->required();
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--issuer", o->issuer, "issuer URL, exactly as in its ID tokens (https; http only on loopback)")
      ->required();
  cmd->add_option("--client-id", o->clientId, "the OAuth client ID; ID tokens must name it in aud")->required();
  cmd->add_option("--domain", o->domains, "accepted email domain (repeat; default: any)");
  cmd->add_option("--group", o->groups, "GROUP=PRINCIPAL: members of GROUP get PRINCIPAL (repeat)");
  cmd->add_option("--required-group", o->requiredGroups, "only members of this group get a certificate (repeat)");
  cmd->add_option("--principal-claim", o->principalClaims,
                  "principal from a claim: email-local, email-local-sanitized, preferred_username, sub (repeat; "
                  "default email-local when no --group is given)");
  cmd->add_flag("--allow-unverified-email", o->allowUnverifiedEmail,
                "accept ID tokens whose email_verified is not true (off by default)");
  cmd->add_option("--max-validity", o->maxValidity, "longest user certificate, e.g. 8h (default 16h)");
  cmd->footer(
      "Example:\n"
      "  sshca provisioner add oidc corp --config /var/lib/sshca/config/ca.json \\\n"
      "      --issuer https://login.example.com --client-id sshca --domain example.com \\\n"
      "      --principal-claim email-local --group admins=root --max-validity 16h\n"
      "  sshca reload --config /var/lib/sshca/config/ca.json");
  cmd->callback([o] { runAddOidc(*o); });
}

}  // namespace

void registerProvisionerCommands(CLI::App& app) {
  auto* prov = app.add_subcommand("provisioner", "List, add, update and remove provisioners in ca.json");
  prov->require_subcommand(1);
  auto* add = prov->add_subcommand("add", "Add a provisioner");
  add->require_subcommand(1);
  addOidcCommand(add);
  auto listConfig = std::make_shared<std::string>();
  auto* list = prov->add_subcommand("list", "List the provisioners: name, type (oidc: issuer, client ID)");
  list->add_option("--config", *listConfig, "the CA's config file (DIR/config/ca.json)")->required();
  list->callback([listConfig] { runList(*listConfig); });
  auto rm = std::make_shared<std::pair<std::string, std::string>>();
  auto* remove = prov->add_subcommand("remove", "Remove a provisioner by name");
  remove->add_option("NAME", rm->second, "provisioner name")->required();
  remove->add_option("--config", rm->first, "the CA's config file (DIR/config/ca.json)")->required();
  remove->callback([rm] { runRemove(rm->first, rm->second); });
  addUpdateCommand(prov);
}

}  // namespace sshca::cli
