// bench/report/output.cpp — atomic file replacement.
#include "bench/report/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <system_error>
#include <vector>

namespace threadlab {

namespace {

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}

}  // namespace

std::optional<std::string> output_path_problem(const std::string& path) {
  if (path.empty()) return "the output path is empty";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return path + " is a directory";
  const std::string dir = directory_of(path);
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return "directory " + dir + " does not exist";
  }
  if (::access(dir.c_str(), W_OK) != 0) return "directory " + dir + " is not writable";
  return std::nullopt;
}

void write_atomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp.XXXXXX";
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) fail("cannot create a temporary file beside", path);
  temp = name.data();
  auto abandon = [&](const char* what) {
    const int saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    errno = saved;
    fail(what, temp);
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) abandon("cannot write");
    done += static_cast<std::size_t>(n);
  }
  // mkstemp creates the file 0600; give it the mode a plain open would (0666 less the umask).
  // umask can only be read by setting it: harmless in the single-threaded harness.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0666 & ~mask) != 0) abandon("cannot set permissions of");
  if (::fsync(fd) != 0) abandon("cannot fsync");
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail("cannot close", temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail("cannot rename the temporary file onto", path);
  }
  // Make the rename itself durable; a failure here leaves the new file in place, so it is
  // not reported.
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

bool write_or_report(const std::string& path, const std::string& content, std::ostream& err) {
  try {
    write_atomically(path, content);
    return true;
  } catch (const std::system_error& e) {
    err << "threadlab: " << e.what() << "\n";
    return false;
  }
}

}  // namespace threadlab
