#include "core/pki/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace sportello::pki::detail {

namespace {

std::string sysError(std::string_view what, const std::string& path, int err) {
  std::string out(what);
  out += ' ';
  out += path;
  out += ": ";
  out += std::strerror(err);
  return out;
}

}  // namespace

Result<void, std::string> makeDirectories(const std::string& dir) {
  if (dir.empty()) return fail(std::string("the PKI directory is not set"));
  // Walk down from the root so that every directory created on the way gets 0700 from mkdir itself
  // (std::filesystem::create_directories would give 0777 minus umask).
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(dir)) {
    partial /= part;
    const std::string p = partial.string();
    if (::mkdir(p.c_str(), 0700) == 0) continue;
    const int err = errno;
    struct stat st {};
    if (err == EEXIST && ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    if (err == EEXIST) return fail("cannot create directory " + p + ": a file of that name is in the way");
    return fail(sysError("cannot create directory", p, err));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return fail(sysError("cannot write into", dir, errno));
  return {};
}

Result<void, std::string> writeNewFile(const std::string& path, std::string_view bytes, mode_t mode) {
  const std::filesystem::path target(path);
  std::string tmp = (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  // mkostemp opens with O_CREAT|O_EXCL and mode 0600: a key is never visible to others under any name.
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return fail(sysError("cannot create a file next to", path, errno));
  tmp.assign(name.data());

  auto abandon = [&](std::string_view what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(sysError(what, path, err));
  };
  // fchmod is not subject to the umask, so the final mode is exactly `mode`.
  if (::fchmod(fd, mode) != 0) return abandon("cannot set the mode of");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return abandon("cannot write");
    done += static_cast<std::size_t>(n);
  }
  // Without the sync a crash right after the rename can leave an empty file under the final name.
  if (::fsync(fd) != 0) return abandon("cannot sync");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(sysError("cannot write", path, err));
  }

  // RENAME_NOREPLACE keeps "never overwrite" true even if another process creates the file meanwhile;
  // file systems without it get link()+unlink(), which refuses to replace just the same.
  int rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
    rc = ::link(tmp.c_str(), path.c_str());
    if (rc == 0) ::unlink(tmp.c_str());
  }
  if (rc != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(sysError("cannot create", path, err));
  }
  return {};
}

Result<std::string, std::string> readFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(sysError("cannot open", path, errno));
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return fail(sysError("cannot read", path, err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    // Certificates and keys are a few KiB; anything this big is not one of ours.
    if (out.size() > (1u << 20)) {
      ::close(fd);
      return fail("cannot read " + path + ": larger than 1 MiB, not a PEM certificate or key");
    }
  }
  ::close(fd);
  return out;
}

}  // namespace sportello::pki::detail
