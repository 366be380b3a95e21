// tests/fuzz/http_request_fuzz.cpp — libFuzzer target: the http workload's server side
// (bench/workloads/http.hpp: http_protocol, run by net_support::serve_connection), fed raw
// bytes as a client would send them.
//
// The input is what a client sends on one connection. It is written into one end of a
// socketpair, that end is shut down, and the other end is served by serve_connection with
// kernel_threads' blocking stream, as the kernel model's server threads do. The same bytes are
// then fed to a second http_protocol directly, cut in pieces of changing length (1, 7, 64, 3,
// 512 bytes...), as a slow client's reads would be. Checked, beyond the sanitizers: the server
// ends (no hang); every reply is one of the three canned responses, and a 400 is the last;
// and the pieces give the same responses as the whole, but for the closing 400: Beast reads a
// request line at once when the bytes before it came in the same call, and otherwise only once
// the whole header is in, so a malformed request cut short is refused in one case and waited
// for (until end of file, or the header limit) in the other.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/workloads/http.hpp"
#include "bench/workloads/net_support.hpp"
#include "kernel_threads/net.hpp"

namespace {

using threadlab::workloads::http_protocol;

// max_input — the most bytes a run sends: what the socketpair holds, with the replies, without
// a reader on the other side (scripts/fuzz.sh passes it as -max_len).
constexpr std::size_t max_input = 16 * 1024;

// well_formed(replies) — replies is a sequence of hello and not_found, perhaps ending with one
// bad_request.
bool well_formed(std::string_view replies) {
  while (!replies.empty()) {
    if (replies.starts_with(http_protocol::hello)) {
      replies.remove_prefix(http_protocol::hello.size());
    } else if (replies.starts_with(http_protocol::not_found)) {
      replies.remove_prefix(http_protocol::not_found.size());
    } else {
      return replies == http_protocol::bad_request;
    }
  }
  return true;
}

// served(data, size) — what serve_connection answers to data on a socketpair.
std::string served(const char* data, std::size_t size) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  const int big = 1 << 20;  // room for every reply (the kernel caps it at net.core.wmem_max * 2)
  ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  ::setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::write(fds[0], data + done, size - done);
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  ::shutdown(fds[0], SHUT_WR);
  {
    kernel_threads::net::stream server(fds[1]);
    http_protocol protocol;
    threadlab::workloads::net_support::serve_connection(server, protocol);
  }  // closes the server's end: the reads below end
  std::string replies;
  std::array<char, 4096> buf;
  for (;;) {
    const ssize_t n = ::read(fds[0], buf.data(), buf.size());
    if (n < 0) std::abort();
    if (n == 0) break;
    replies.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  return replies;
}

// in_pieces(data, size) — the replies when data arrives in pieces, until on_data says close.
std::string in_pieces(const char* data, std::size_t size) {
  constexpr std::array<std::size_t, 5> lengths{1, 7, 64, 3, 512};
  http_protocol protocol;
  std::string replies;
  std::size_t done = 0;
  for (std::size_t i = 0; done < size; ++i) {
    const std::size_t n = std::min(lengths[i % lengths.size()], size - done);
    std::string reply;
    const bool keep = protocol.on_data(data + done, n, reply);
    replies += reply;
    done += n;
    if (!keep) break;
  }
  return replies;
}

// answered(replies) — replies without a closing 400.
std::string_view answered(std::string_view replies) {
  if (replies.ends_with(http_protocol::bad_request)) {
    replies.remove_suffix(http_protocol::bad_request.size());
  }
  return replies;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size > max_input) return -1;  // not kept in the corpus
  const char* data = reinterpret_cast<const char*>(bytes);
  const std::string whole = served(data, size);
  if (!well_formed(whole)) std::abort();
  if (answered(in_pieces(data, size)) != answered(whole)) std::abort();
  return 0;
}
