// sshca backup | restore: a consistent copy of a running CA, and a new CA
// directory made from one. The archive (a tar: `tar tf` lists it) holds
// ca.json, a snapshot of the database (SQLite's online backup API, or
// pg_dump for PostgreSQL), the root, intermediate and TLS certificates and
// the SSH CA public keys; never a PIN, a private key or the token: those
// stay in the HSM and the admin's secret store, and restore says where to
// put them back. No PIN is read: the public keys need no login.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "ca/cli/commands.h"
#include "ca/cli/key_source.h"
#include "ca/cli/pg_dump.h"
#include "ca/core/common/file_io.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/setup/backup_archive.h"
#include "ca/service/setup/backup_config.h"
#include "ca/service/setup/backup_manifest.h"
#include "ca/service/setup/ca_files.h"
#include "ca/service/setup/ca_layout.h"
#include "ca/service/setup/embedded_token.h"
#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/sqlite/sqlite_backup.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

namespace fs = std::filesystem;

struct BackupOptions {
  std::string config, out;
};

struct RestoreOptions {
  std::string from, dir;
};

// A private working directory beside the archive (same file system, 0700),
// removed with everything in it when the command ends, however it ends.
class WorkDir {
 public:
  explicit WorkDir(const std::string& near) {
    fs::path parent = fs::absolute(near).parent_path();
    std::string tmpl = (parent / ".sshca-backup.XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
      fail(makeError(ErrorCode::IoError,
                     "cannot create a working directory in " + parent.string() + ": " + std::strerror(errno)));
    path_ = tmpl;
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// ---- backup -----------------------------------------------------------------

struct DatabaseCopy {
  std::string member, path;
  nlohmann::json manifest;
};

DatabaseCopy copyDatabase(const config::CaConfig& ca, const WorkDir& work) {
  if (ca.db.type == "postgresql") {
    std::string path = work.file("sshca.pgdump");
    orFail(runPgDump(ca.db.dsn, path));
    return {setup::kBackupPgDump, path, {{"type", "postgresql"}, {"server", store::describeDsn(ca.db.dsn)}}};
  }
  std::string path = work.file("sshca.db");
  int version = orFail(store::backupSqliteDatabase(ca.db.path, path));
  return {setup::kBackupSqlite, path, {{"type", "sqlite"}, {"schemaVersion", version}}};
}

// The SSH CA public keys from the token, without a login. A token that
// cannot be reached costs the backup these two files, not the backup.
std::vector<setup::ArchiveMember> sshCaKeys(const config::CaConfig& ca) {
  if (!ca.softhsm2Conf.empty()) ::setenv("SOFTHSM2_CONF", ca.softhsm2Conf.c_str(), 1);
  try {
    std::vector<PublicKey> keys = openPublicKeys(ca.kms, {ca.ssh.userKey, ca.ssh.hostKey});
    return {{setup::kBackupUserCaKey, "", ssh::formatPublicKeyLine(keys[0], ca.name + " user CA") + "\n"},
            {setup::kBackupHostCaKey, "", ssh::formatPublicKeyLine(keys[1], ca.name + " host CA") + "\n"}};
  } catch (const CliExit& e) {
    std::cerr << "sshca: warning: the SSH CA public keys are not in the backup (" << e.error.message << ")\n";
    return {};
  }
}

// What the backup leaves out, as ca.json names it.
std::vector<setup::ToProvide> leftOut(const config::CaConfig& ca) {
  setup::CaLayout anywhere = orFail(setup::caLayoutFor("/"));
  return setup::configForRestore(ca, anywhere).toProvide;
}

void runBackup(const BackupOptions& o) {
  config::CaConfig ca = orFail(config::loadCaConfig(o.config));
  setup::BackupConfig cleaned = orFail(setup::configForBackup(ca));
  if (fs::exists(o.out)) fail(makeError(ErrorCode::AlreadyExists, o.out + " exists: give a new file name"));
  const auto now = static_cast<int64_t>(std::time(nullptr));
  WorkDir work(o.out);
  DatabaseCopy db = copyDatabase(ca, work);
  std::vector<setup::ArchiveMember> members{
      {setup::kBackupConfig, "", cleaned.json},          {db.member, db.path, ""},
      {setup::kBackupRootCert, ca.x509.rootCert, ""},    {setup::kBackupIntermediateCert, ca.x509.intermediateCert, ""},
      {setup::kBackupServerChain, ca.tls.certChain, ""},
  };
  for (auto& key : sshCaKeys(ca)) members.push_back(std::move(key));
  const std::vector<setup::ToProvide> notIncluded = leftOut(ca);
  std::vector<std::string> files;
  for (const auto& m : members) files.push_back(m.name);
  nlohmann::json manifest = setup::backupManifest(
      {ca.name, fs::absolute(o.config).string(), db.manifest, files, cleaned.dropped, notIncluded, now});
  members.insert(members.begin(), {setup::kBackupManifest, "", manifest.dump(2) + "\n"});
  orFail(setup::writeBackupArchive(o.out, members, now));

  std::cout << "backup written to " << o.out << " (mode 0600)\n";
  for (const auto& m : members) std::cout << "  " << setup::kBackupArchiveRoot << "/" << m.name << "\n";
  for (const auto& d : cleaned.dropped) std::cout << "left out of its ca.json: " << d << "\n";
  std::cout << "not in the backup (keep them in your secret store; the CA keys stay on the token):\n";
  for (const auto& t : notIncluded)
    std::cout << "  " << t.what << (t.original.empty() ? "" : ": " + t.original) << "\n";
}

// ---- restore ----------------------------------------------------------------

// The certificates are public: clients may be pointed at certs/.
void makePublic(const setup::CaLayout& l) {
  for (const auto& entry : fs::directory_iterator(l.certsDir)) ::chmod(entry.path().c_str(), 0644);
}

void printDatabaseState(const config::CaConfig& c, const setup::CaLayout& l) {
  if (c.db.type == "sqlite") {
    int version = orFail(store::checkSqliteCopy(l.dbFile));
    std::cout << "database: " << l.dbFile << ", integrity ok, schema version " << version << "\n";
    return;
  }
  // Without the password: the restored ca.json has none either.
  std::string dsn = orFail(store::splitDsnPassword(c.db.dsn)).dsn;
  std::cout << "database: PostgreSQL; restore the dump into the empty database db.dsn names:\n"
            << "  pg_restore --no-owner --dbname \"" << dsn << "\" " << setup::restoredPgDumpPath(l) << "\n";
}

void requireMember(const std::vector<std::string>& members, const std::string& name) {
  if (std::find(members.begin(), members.end(), name) == members.end())
    fail(makeError(ErrorCode::InvalidFormat, "the backup has no " + name));
}

void restoreInto(const setup::CaLayout& l, const std::string& from) {
  orFail(setup::makeCaDirectories(l));
  std::vector<std::string> members = orFail(setup::extractBackupArchive(from, setup::backupDestinations(l)));
  requireMember(members, setup::kBackupManifest);
  requireMember(members, setup::kBackupConfig);
  nlohmann::json manifest = orFail(setup::checkBackupManifest(orFail(readFile(setup::restoredManifestPath(l)))));
  setup::RestoredConfig restored = setup::configForRestore(orFail(config::loadCaConfig(l.configFile)), l);
  // Without the database its ca.json names, the directory is no CA (and a
  // PostgreSQL restore would print a pg_restore line for a missing dump).
  requireMember(members, restored.config.db.type == "postgresql" ? setup::kBackupPgDump : setup::kBackupSqlite);
  orFail(config::saveCaConfig(l.configFile, restored.config));
  if (!restored.config.softhsm2Conf.empty()) orFail(setup::writeSoftHsmConf(l));
  makePublic(l);

  std::cout << "restored the backup of " << manifest.value("created", std::string("?")) << " into " << l.dir << "\n"
            << "config: " << l.configFile << " (its paths now point into " << l.dir << ")\n";
  printDatabaseState(restored.config, l);
  std::cout << "\nthe backup holds no secret; before `sshca serve --config " << l.configFile << "` provide:\n";
  for (const auto& t : restored.toProvide)
    std::cout << "  " << t.what << ": " << t.path << (t.original.empty() ? "" : "  (was " + t.original + ")") << "\n";
  std::cout << "files 0600, directories 0700; the token must hold the same CA keys (compare "
            << "`sshca kms pubkey` with " << l.certsDir << "/ssh_*_ca.pub).\n";
}

void runRestore(const RestoreOptions& o) {
  setup::CaLayout l = orFail(setup::caLayoutFor(o.dir));
  orFail(setup::refuseNonEmptyDir(l, "restore"));
  std::error_code ec;
  const bool existed = fs::exists(l.dir, ec);
  // The directory was new or empty: whatever is in it after a failure is
  // ours, and a half-restored CA must not be left to be served or to block
  // the next attempt.
  try {
    restoreInto(l, o.from);
  } catch (...) {
    for (const auto& entry : fs::directory_iterator(l.dir, ec)) fs::remove_all(entry.path(), ec);
    if (!existed) fs::remove(l.dir, ec);
    throw;
  }
}

}  // namespace

void registerBackupCommands(CLI::App& app) {
  auto b = std::make_shared<BackupOptions>();
  auto* backup = app.add_subcommand(
      "backup", "Write a consistent copy of the CA (database, ca.json, certificates; no PIN, no key) to a tar file");
  backup->add_option("--config", b->config, "the CA's config file (DIR/config/ca.json)")->required();
  backup->add_option("--out", b->out, "the archive to write (mode 0600; an existing file is refused)")->required();
  backup->footer(
      "Safe while `sshca serve` runs: the database is copied as one committed state (SQLite's\n"
      "online backup API; PostgreSQL: pg_dump, from postgresql-client). The archive is a tar:\n"
      "`tar tf FILE` lists it. It holds ca.json (without a pin-value= or a DSN password), the\n"
      "database copy, the root, intermediate and TLS certificates and the SSH CA public keys;\n"
      "never a PIN file, a private key or the token. See docs/storage.md.\n"
      "Example:\n"
      "  sshca backup --config /var/lib/sshca/config/ca.json --out /backup/sshca-$(date +%F).tar");
  backup->callback([b] { runBackup(*b); });

  auto r = std::make_shared<RestoreOptions>();
  auto* restore = app.add_subcommand("restore", "Make a new CA directory from an sshca backup");
  restore->add_option("--from", r->from, "the archive sshca backup wrote")->required();
  restore->add_option("--dir", r->dir, "the new CA directory (new or empty)")->required();
  restore->footer(
      "Unpacks into DIR as sshca init lays it out, points ca.json's paths into DIR, checks the\n"
      "database (integrity, schema version) and prints what the backup does not hold and must\n"
      "be put in place before serving: the token (the CA keys stay in the HSM), its PIN file,\n"
      "the TLS key, provisioner keys. See docs/storage.md.\n"
      "Example:\n"
      "  sshca restore --from /backup/sshca-2026-01-31.tar --dir /var/lib/sshca-restored");
  restore->callback([r] { runRestore(*r); });
}

}  // namespace sshca::cli
