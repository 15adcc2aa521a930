// POST /ssh/config's templates, byte for byte what step-ca 0.19 renders
// from its default templates for the same variables.
#include <catch2/catch.hpp>

#include "ca/service/authority/ssh_config_templates.h"

using namespace sshca;
using namespace sshca::authority;

namespace {

const SshConfigKeys kKeys{"ecdsa-sha2-nistp256 AAAAuser", "ecdsa-sha2-nistp256 AAAAhost"};

const api::SshConfigTemplate& named(const std::vector<api::SshConfigTemplate>& list, const std::string& name) {
  for (const auto& t : list)
    if (t.name == name) return t;
  FAIL("no template " << name);
  return list.front();
}

}  // namespace

TEST_CASE("SshConfigUserTemplatesAsStepCaRendersThem", "[ssh-config]") {
  auto out = renderSshConfig(
      ssh::CertType::User, {{"StepPath", "/home/a/.step"}, {"GOOS", "linux"}, {"StepSSHTemplateVersion", "v2"}}, kKeys);
  REQUIRE(out.ok());
  REQUIRE(out->size() == 4);
  CHECK(named(*out, "config.tpl").content == "Host *\n\tInclude \"/home/a/.step/ssh/includes\"");
  CHECK(named(*out, "config.tpl").path == "~/.ssh/config");
  CHECK(named(*out, "step_includes.tpl").type == "prepend-line");
  CHECK(named(*out, "step_includes.tpl").content == "Include \"/home/a/.step/ssh/config\"");
  CHECK(named(*out, "step_config.tpl").content ==
        "Match exec \"step ssh check-host %h\"\n"
        "\tUserKnownHostsFile \"/home/a/.step/ssh/known_hosts\"\n"
        "\tProxyCommand step ssh proxycommand %r %h %p\n");
  CHECK(named(*out, "known_hosts.tpl").content == "@cert-authority * ecdsa-sha2-nistp256 AAAAhost\n");
  CHECK(named(*out, "known_hosts.tpl").comment == "#");
}

TEST_CASE("SshConfigUserTemplatesTakeContextUserAndOldClients", "[ssh-config]") {
  auto out = renderSshConfig(ssh::CertType::User,
                             {{"StepPath", "/s"}, {"StepBasePath", "/b"}, {"User", "ops"}, {"Context", "prod"}}, kKeys);
  REQUIRE(out.ok());
  CHECK(named(*out, "config.tpl").content == "Host *\n\tInclude \"/b/ssh/includes\"");
  CHECK(named(*out, "step_config.tpl").content ==
        "Match exec \"step ssh check-host --context prod %h\"\n\tUser ops\n"
        "\tUserKnownHostsFile \"/s/ssh/known_hosts\"\n\tProxyCommand step ssh proxycommand --context prod %r %h %p\n");
  // No StepSSHTemplateVersion: a client older than step 0.18.
  CHECK(named(*out, "step_includes.tpl").type == "file");
  CHECK(named(*out, "step_includes.tpl").path == "ssh/includes");
}

TEST_CASE("SshConfigHostTemplatesNeedCertificateAndKey", "[ssh-config]") {
  auto out = renderSshConfig(ssh::CertType::Host,
                             {{"Certificate", "ssh_host_ecdsa_key-cert.pub"}, {"Key", "ssh_host_ecdsa_key"}}, kKeys);
  REQUIRE(out.ok());
  CHECK(named(*out, "sshd_config.tpl").content ==
        "Match all\n\tTrustedUserCAKeys /etc/ssh/ca.pub\n\tHostCertificate /etc/ssh/ssh_host_ecdsa_key-cert.pub\n"
        "\tHostKey /etc/ssh/ssh_host_ecdsa_key");
  CHECK(named(*out, "ca.tpl").content == "ecdsa-sha2-nistp256 AAAAuser\n");
  CHECK(named(*out, "ca.tpl").path == "/etc/ssh/ca.pub");
  auto missing = renderSshConfig(ssh::CertType::Host, {{"Key", "k"}}, kKeys);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::InvalidArgument);
  CHECK_THAT(missing.error().message, Catch::Matchers::Contains("'Certificate' is missing"));
}
