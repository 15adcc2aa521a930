#include "ca/service/setup/backup_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "ca/core/common/file_io.h"
#include "ca/core/common/unique_fd.h"
#include "ca/service/setup/archive_handles.h"

namespace sshca::setup {

namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 64 * 1024;

Error ioError(const std::string& what, const std::string& path) {
  return makeError(ErrorCode::IoError, what + " " + path + ": " + std::strerror(errno));
}

Error archiveError(archive* a, const std::string& what) {
  const char* detail = archive_error_string(a);
  return makeError(ErrorCode::IoError, what + ": " + (detail ? detail : "libarchive failed"));
}

// ---- writing ----------------------------------------------------------------

Status writeHeader(archive* a, const std::string& name, int64_t size, int64_t mtime) {
  ArchiveEntry entry(archive_entry_new());
  if (!entry) return makeError(ErrorCode::Internal, "out of memory");
  archive_entry_set_pathname(entry.get(), (std::string(kBackupArchiveRoot) + "/" + name).c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);
  archive_entry_set_size(entry.get(), size);
  archive_entry_set_mtime(entry.get(), mtime, 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) return archiveError(a, "writing the entry of " + name);
  return okStatus();
}

Status writeData(archive* a, const char* data, size_t size, const std::string& name) {
  if (size == 0) return okStatus();
  la_ssize_t n = archive_write_data(a, data, size);
  if (n < 0 || static_cast<size_t>(n) != size) return archiveError(a, "writing " + name);
  return okStatus();
}

// Streams a file: its size is taken once, and a file that changes size
// while it is read fails the backup rather than corrupting the archive.
Status writeFileMember(archive* a, const ArchiveMember& m, int64_t mtime) {
  UniqueFd fd(::open(m.sourcePath.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ioError("cannot read", m.sourcePath);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ioError("cannot stat", m.sourcePath);
  if (!S_ISREG(st.st_mode)) return makeError(ErrorCode::InvalidArgument, m.sourcePath + " is not a regular file");
  SSHCA_RETURN_IF_ERROR(writeHeader(a, m.name, st.st_size, mtime));
  std::string buffer(kChunk, '\0');
  int64_t left = st.st_size;
  while (left > 0) {
    ssize_t n = ::read(fd.get(), buffer.data(), std::min<int64_t>(left, kChunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("cannot read", m.sourcePath);
    if (n == 0) return makeError(ErrorCode::IoError, m.sourcePath + " shrank while it was copied");
    SSHCA_RETURN_IF_ERROR(writeData(a, buffer.data(), static_cast<size_t>(n), m.name));
    left -= n;
  }
  return okStatus();
}

Status writeMembers(int fd, const std::vector<ArchiveMember>& members, int64_t mtime) {
  ArchiveWriter a(archive_write_new());
  if (!a) return makeError(ErrorCode::Internal, "out of memory");
  // pax restricted: plain ustar headers unless a value needs pax's
  // extensions; every tar reads it.
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_open_fd(a.get(), fd) != ARCHIVE_OK)
    return archiveError(a.get(), "starting the archive");
  for (const auto& m : members) {
    if (!m.sourcePath.empty()) {
      SSHCA_RETURN_IF_ERROR(writeFileMember(a.get(), m, mtime));
      continue;
    }
    SSHCA_RETURN_IF_ERROR(writeHeader(a.get(), m.name, static_cast<int64_t>(m.content.size()), mtime));
    SSHCA_RETURN_IF_ERROR(writeData(a.get(), m.content.data(), m.content.size(), m.name));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archiveError(a.get(), "finishing the archive");
  return okStatus();
}

// link() refuses an existing name atomically (rename would replace it).
Status publish(const std::string& tmp, const std::string& out) {
  if (::link(tmp.c_str(), out.c_str()) != 0) {
    if (errno == EEXIST) return makeError(ErrorCode::AlreadyExists, out + " exists: give a new file name");
    return ioError("cannot create", out);
  }
  ::unlink(tmp.c_str());
  std::string dir = fs::path(out).parent_path().string();
  UniqueFd dfd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.valid()) ::fsync(dfd.get());
  return okStatus();
}

// ---- reading ----------------------------------------------------------------

// The part of `path` under kBackupArchiveRoot, if it is a plain relative
// name there: no "..", ".", empty or absolute components.
std::optional<std::string> nameUnderRoot(const std::string& path) {
  const std::string prefix = std::string(kBackupArchiveRoot) + "/";
  if (path.rfind(prefix, 0) != 0) return std::nullopt;
  std::string rest = path.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();  // a directory entry
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string::npos) end = rest.size();
    std::string part = rest.substr(start, end - start);
    if (part.empty() && !rest.empty()) return std::nullopt;
    if (part == "." || part == "..") return std::nullopt;
    start = end + 1;
  }
  return rest;
}

Status extractData(archive* a, const std::string& name, const std::string& dest) {
  UniqueFd fd(::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return ioError("cannot create", dest);
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  for (;;) {
    int rc = archive_read_data_block(a, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return archiveError(a, "reading " + name);
    if (::lseek(fd.get(), offset, SEEK_SET) < 0) return ioError("cannot write", dest);
    SSHCA_RETURN_IF_ERROR(writeAll(fd.get(), std::string_view(static_cast<const char*>(block), size), dest));
  }
  if (::fsync(fd.get()) != 0) return ioError("cannot sync", dest);
  return okStatus();
}

Error badMember(const std::string& path, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, "the archive's member \"" + path + "\" " + why);
}

}  // namespace

Status writeBackupArchive(const std::string& out, const std::vector<ArchiveMember>& members, int64_t mtime) {
  std::error_code ec;
  if (fs::exists(out, ec)) return makeError(ErrorCode::AlreadyExists, out + " exists: give a new file name");
  std::string tmpl = out + ".partial.XXXXXX";
  UniqueFd fd(::mkostemp(tmpl.data(), O_CLOEXEC));  // mode 0600
  if (!fd.valid()) return ioError("cannot create a file beside", out);
  Status written = writeMembers(fd.get(), members, mtime);
  if (written.ok() && ::fsync(fd.get()) != 0) written = ioError("cannot sync", tmpl);
  if (written.ok()) written = publish(tmpl, out);
  ::unlink(tmpl.c_str());
  return written;
}

Result<std::vector<std::string>> extractBackupArchive(const std::string& from, const MemberDestination& destination) {
  ArchiveReader a(archive_read_new());
  if (!a) return makeError(ErrorCode::Internal, "out of memory");
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), from.c_str(), kChunk) != ARCHIVE_OK)
    return archiveError(a.get(), "opening " + from);
  std::vector<std::string> names;
  std::set<std::string> seen;
  archive_entry* entry = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return archiveError(a.get(), "reading " + from);
    const char* raw = archive_entry_pathname(entry);
    std::string path = raw ? raw : "";
    std::optional<std::string> name = nameUnderRoot(path);
    if (!name) return badMember(path, "is not under " + std::string(kBackupArchiveRoot) + "/");
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;  // a re-packed archive's directories
    if (archive_entry_filetype(entry) != AE_IFREG) return badMember(path, "is not a regular file");
    std::optional<std::string> dest = destination(*name);
    if (!dest) return badMember(path, "does not belong in an sshca backup");
    if (!seen.insert(*name).second) return badMember(path, "appears twice");
    SSHCA_RETURN_IF_ERROR(extractData(a.get(), path, *dest));
    names.push_back(*name);
  }
  return names;
}

}  // namespace sshca::setup
