// A small HTTP/1.1 server on one epoll thread: keep-alive, Content-Length
// bodies, query, form and multipart parameters, and delayed answers that do
// not hold up other connections. One thread answering every connection keeps
// the fake cheap under load (a thread per connection costs a context switch
// per request), so benchmarks measure the client, not the fake.
#include "botcore/testing/scripted_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "internal/strings.h"

namespace botcore::testing {

std::optional<std::string> RecordedRequest::Param(std::string_view name) const {
  auto it = params.find(std::string(name));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

namespace {

// Decodes %XX escapes, and '+' as a space when `plus_is_space`.
std::string UrlDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      uint32_t byte;
      absl::SimpleHexAtoi(text.substr(i + 1, 2), &byte);
      out.push_back(static_cast<char>(byte));
      i += 2;
    } else if (text[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// "a=1&b=x%20y" into `params` (the first value of a name wins).
void ParseUrlEncoded(absl::string_view text,
                     std::map<std::string, std::string>* params) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const absl::string_view pair = text.substr(0, amp);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      params->emplace(UrlDecode(pair.substr(0, eq), true),
                      eq == absl::string_view::npos
                          ? std::string()
                          : UrlDecode(pair.substr(eq + 1), true));
    }
    if (amp == absl::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
}

// The parts of a multipart/form-data body into `params`, by their names.
void ParseMultipart(absl::string_view body, absl::string_view boundary,
                    std::map<std::string, std::string>* params) {
  const std::string delimiter = absl::StrCat("--", boundary);
  size_t at = body.find(delimiter);
  while (at != absl::string_view::npos) {
    size_t start = at + delimiter.size();
    if (body.substr(start, 2) == "--") return;  // the closing delimiter
    start = body.find("\r\n", start);
    if (start == absl::string_view::npos) return;
    start += 2;
    const size_t headers_end = body.find("\r\n\r\n", start);
    if (headers_end == absl::string_view::npos) return;
    const absl::string_view headers = body.substr(start, headers_end - start);
    const size_t next = body.find(absl::StrCat("\r\n", delimiter), headers_end);
    if (next == absl::string_view::npos) return;
    const absl::string_view content =
        body.substr(headers_end + 4, next - headers_end - 4);
    const size_t name = headers.find("name=\"");
    if (name != absl::string_view::npos) {
      const size_t name_end = headers.find('"', name + 6);
      params->emplace(
          std::string(headers.substr(name + 6, name_end - name - 6)),
          std::string(content));
    }
    at = next + 2;
  }
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

// One accepted connection. Requests on it are answered in order; a delayed
// answer holds back the ones behind it.
struct Connection {
  int fd = -1;
  int remote_port = 0;
  std::string in;   // bytes received and not yet parsed
  std::string out;  // bytes to send
  size_t out_sent = 0;
  bool watching_out = false;  // EPOLLOUT is on: `out` did not fit at once
  bool close_after = false;   // close once `out` is sent
  // A delayed answer: sent at `ready_at`, then parsing resumes.
  std::optional<absl::Time> ready_at;
  std::string delayed;
  bool delayed_close = false;
};

}  // namespace

class ScriptedHttpServer::Impl {
 public:
  ~Impl() {
    if (thread_.joinable()) {
      const uint64_t one = 1;
      (void)!write(wake_fd_, &one, sizeof(one));
      thread_.join();
    }
    for (auto& [fd, connection] : connections_) close(fd);
    if (listen_fd_ >= 0) close(listen_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  absl::Status Start() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (listen_fd_ < 0 ||
        bind(listen_fd_, reinterpret_cast<sockaddr*>(&address),
             sizeof(address)) != 0 ||
        listen(listen_fd_, SOMAXCONN) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address),
                    &length) != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on 127.0.0.1: ", std::strerror(errno)));
    }
    port_ = ntohs(address.sin_port);
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0 || !Watch(listen_fd_, EPOLLIN) ||
        !Watch(wake_fd_, EPOLLIN)) {
      return absl::UnavailableError(
          absl::StrCat("cannot set up epoll: ", std::strerror(errno)));
    }
    thread_ = std::thread([this] { Loop(); });
    return absl::OkStatus();
  }

  int port() const { return port_; }

  void Script(std::string_view method, std::string_view path,
              ScriptedResponse response) {
    absl::MutexLock lock(&mu_);
    Route& route = routes_[Key(method, path)];
    route.handler = nullptr;
    route.responses.push_back(std::move(response));
  }

  void Handle(std::string_view method, std::string_view path, Handler handler) {
    absl::MutexLock lock(&mu_);
    Route& route = routes_[Key(method, path)];
    route.responses.clear();
    route.handler = std::move(handler);
  }

  void Reset() {
    absl::MutexLock lock(&mu_);
    routes_.clear();
    requests_.clear();
  }

  void Record(bool on) {
    absl::MutexLock lock(&mu_);
    recording_ = on;
  }

  std::vector<RecordedRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

  int64_t connections() const { return connections_accepted_.load(); }

 private:
  struct Route {
    std::deque<ScriptedResponse> responses;
    Handler handler;
  };

  static std::string Key(std::string_view method, std::string_view path) {
    return absl::StrCat(internal::ToAbsl(method), " ", internal::ToAbsl(path));
  }

  bool Watch(int fd, uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  }

  void Rewatch(Connection& c, bool out) {
    c.watching_out = out;
    epoll_event event{};
    event.events = out ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
    event.data.fd = c.fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event);
  }

  void Loop() {
    epoll_event events[64];
    while (true) {
      int timeout_ms = -1;
      const absl::Time now = absl::Now();
      for (const auto& [fd, c] : connections_) {
        if (!c->ready_at.has_value()) continue;
        const int ms =
            static_cast<int>(absl::ToInt64Milliseconds(*c->ready_at - now) + 1);
        timeout_ms = timeout_ms < 0 ? std::max(ms, 0)
                                    : std::min(timeout_ms, std::max(ms, 0));
      }
      const int n = epoll_wait(epoll_fd_, events, 64, timeout_ms);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd_) return;
        if (fd == listen_fd_) {
          Accept();
          continue;
        }
        auto it = connections_.find(fd);
        if (it == connections_.end()) continue;
        Connection& c = *it->second;
        bool open = true;
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          open = Receive(c);
        }
        if (open) open = Flush(c);
        if (!open) Close(fd);
      }
      ReleaseDelayed();
    }
  }

  void Accept() {
    while (true) {
      sockaddr_in peer{};
      socklen_t length = sizeof(peer);
      const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer),
                             &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      auto c = std::make_unique<Connection>();
      c->fd = fd;
      c->remote_port = ntohs(peer.sin_port);
      if (!Watch(fd, EPOLLIN)) {
        close(fd);
        continue;
      }
      connections_.emplace(fd, std::move(c));
      ++connections_accepted_;
    }
  }

  void Close(int fd) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    connections_.erase(fd);
  }

  // Reads what arrived and answers every complete request. Returns false
  // when the connection is finished.
  bool Receive(Connection& c) {
    char buffer[16384];
    bool eof = false;
    while (true) {
      const ssize_t n = read(c.fd, buffer, sizeof(buffer));
      if (n > 0) {
        c.in.append(buffer, n);
        continue;
      }
      if (n == 0) eof = true;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
      break;
    }
    // HTTP clients do not half-close: one that closed is gone, also with
    // an answer still delayed for it.
    if (eof) return false;
    AnswerComplete(c);
    return true;
  }

  // Parses and answers the complete requests in c.in, stopping at a delayed
  // answer.
  void AnswerComplete(Connection& c) {
    while (!c.ready_at.has_value() && !c.close_after) {
      const size_t headers_end = c.in.find("\r\n\r\n");
      if (headers_end == std::string::npos) return;
      RecordedRequest request;
      request.remote_port = c.remote_port;
      absl::string_view head(c.in.data(), headers_end);
      const size_t line_end = head.find("\r\n");
      const absl::string_view line = head.substr(0, line_end);
      const size_t sp1 = line.find(' ');
      const size_t sp2 = line.rfind(' ');
      if (sp1 == absl::string_view::npos || sp2 <= sp1) {
        c.out.append(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n");
        c.close_after = true;
        return;
      }
      request.method = std::string(line.substr(0, sp1));
      const absl::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      const bool http10 = absl::EndsWith(line, "HTTP/1.0");
      const size_t question = target.find('?');
      request.path = std::string(target.substr(0, question));
      if (question != absl::string_view::npos) {
        ParseUrlEncoded(target.substr(question + 1), &request.params);
      }
      size_t content_length = 0;
      bool close = http10;
      std::string content_type;
      absl::string_view rest = line_end == absl::string_view::npos
                                   ? absl::string_view()
                                   : head.substr(line_end + 2);
      while (!rest.empty()) {
        const size_t end = rest.find("\r\n");
        const absl::string_view header = rest.substr(0, end);
        rest = end == absl::string_view::npos ? absl::string_view()
                                              : rest.substr(end + 2);
        const size_t colon = header.find(':');
        if (colon == absl::string_view::npos) continue;
        const absl::string_view name = header.substr(0, colon);
        const absl::string_view value =
            absl::StripAsciiWhitespace(header.substr(colon + 1));
        if (absl::EqualsIgnoreCase(name, "Content-Length")) {
          absl::SimpleAtoi(value, &content_length);
        } else if (absl::EqualsIgnoreCase(name, "Connection")) {
          close = absl::EqualsIgnoreCase(value, "close");
        } else if (absl::EqualsIgnoreCase(name, "Content-Type")) {
          content_type = std::string(value);
        }
        request.headers.emplace_back(std::string(name), std::string(value));
      }
      if (c.in.size() < headers_end + 4 + content_length) return;
      request.body = c.in.substr(headers_end + 4, content_length);
      c.in.erase(0, headers_end + 4 + content_length);
      if (absl::StartsWith(content_type, "application/x-www-form-urlencoded")) {
        ParseUrlEncoded(request.body, &request.params);
      } else if (absl::StartsWith(content_type, "multipart/form-data")) {
        const size_t boundary = content_type.find("boundary=");
        if (boundary != std::string::npos) {
          ParseMultipart(request.body,
                         absl::StripPrefix(
                             absl::string_view(content_type).substr(boundary),
                             "boundary="),
                         &request.params);
        }
      }
      const ScriptedResponse response = Answer(request);
      std::string bytes = absl::StrCat("HTTP/1.1 ", response.status, " ",
                                       Reason(response.status), "\r\n");
      if (!response.content_type.empty()) {
        absl::StrAppend(&bytes, "Content-Type: ", response.content_type,
                        "\r\n");
      }
      for (const auto& [name, value] : response.headers) {
        absl::StrAppend(&bytes, name, ": ", value, "\r\n");
      }
      absl::StrAppend(&bytes, "Content-Length: ", response.body.size(),
                      close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
      if (request.method != "HEAD") bytes.append(response.body);
      if (response.delay > absl::ZeroDuration()) {
        c.ready_at = absl::Now() + response.delay;
        c.delayed = std::move(bytes);
        c.delayed_close = close;
        return;
      }
      c.out.append(bytes);
      c.close_after = close;
    }
  }

  // Sends what is pending. Returns false when the connection is finished.
  bool Flush(Connection& c) {
    while (c.out_sent < c.out.size()) {
      const ssize_t n = send(c.fd, c.out.data() + c.out_sent,
                             c.out.size() - c.out_sent, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_sent += n;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!c.watching_out) Rewatch(c, true);
        return true;
      }
      return false;
    }
    c.out.clear();
    c.out_sent = 0;
    if (c.watching_out) Rewatch(c, false);
    return !c.close_after;
  }

  // Moves delayed answers whose time has come to their connections.
  void ReleaseDelayed() {
    const absl::Time now = absl::Now();
    std::vector<int> finished;
    for (auto& [fd, c] : connections_) {
      if (!c->ready_at.has_value() || *c->ready_at > now) continue;
      c->ready_at.reset();
      c->out.append(c->delayed);
      c->delayed.clear();
      c->close_after = c->delayed_close;
      AnswerComplete(*c);
      if (!Flush(*c)) finished.push_back(fd);
    }
    for (int fd : finished) Close(fd);
  }

  ScriptedResponse Answer(const RecordedRequest& request) {
    Handler handler;
    std::optional<ScriptedResponse> scripted;
    {
      absl::MutexLock lock(&mu_);
      if (recording_) requests_.push_back(request);
      auto it = routes_.find(Key(request.method, request.path));
      if (it != routes_.end()) {
        Route& route = it->second;
        if (route.handler) {
          handler = route.handler;
        } else if (!route.responses.empty()) {
          scripted = route.responses.front();
          if (route.responses.size() > 1) route.responses.pop_front();
        }
      }
    }
    if (handler) scripted = handler(request);
    if (scripted.has_value()) return *std::move(scripted);
    ScriptedResponse missing;
    missing.status = 404;
    missing.body =
        absl::StrCat("no route for ", request.method, " ", request.path);
    missing.content_type = "text/plain";
    return missing;
  }

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  // Only the loop thread touches the connections.
  absl::flat_hash_map<int, std::unique_ptr<Connection>> connections_;
  std::atomic<int64_t> connections_accepted_{0};

  mutable absl::Mutex mu_;
  std::map<std::string, Route> routes_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  bool recording_ ABSL_GUARDED_BY(mu_) = true;
};

ScriptedHttpServer::ScriptedHttpServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ScriptedHttpServer::~ScriptedHttpServer() = default;

absl::StatusOr<std::unique_ptr<ScriptedHttpServer>>
ScriptedHttpServer::Start() {
  auto impl = std::make_unique<Impl>();
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<ScriptedHttpServer>(
      new ScriptedHttpServer(std::move(impl)));
}

int ScriptedHttpServer::port() const { return impl_->port(); }

std::string ScriptedHttpServer::base_url() const {
  return absl::StrCat("http://127.0.0.1:", impl_->port());
}

void ScriptedHttpServer::Script(std::string_view method, std::string_view path,
                                ScriptedResponse response) {
  impl_->Script(method, path, std::move(response));
}

void ScriptedHttpServer::Handle(std::string_view method, std::string_view path,
                                Handler handler) {
  impl_->Handle(method, path, std::move(handler));
}

void ScriptedHttpServer::Reset() { impl_->Reset(); }

void ScriptedHttpServer::Record(bool on) { impl_->Record(on); }

int64_t ScriptedHttpServer::connections() const { return impl_->connections(); }

std::vector<RecordedRequest> ScriptedHttpServer::requests() const {
  return impl_->requests();
}

std::vector<RecordedRequest> ScriptedHttpServer::requests(
    std::string_view path) const {
  std::vector<RecordedRequest> matching;
  for (RecordedRequest& r : impl_->requests()) {
    if (r.path == path) matching.push_back(std::move(r));
  }
  return matching;
}

}  // namespace botcore::testing
