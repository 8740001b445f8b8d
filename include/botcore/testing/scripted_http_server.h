// File: botcore/testing/scripted_http_server.h
//
// A real HTTP/1.1 server on 127.0.0.1 (a free port) that answers from a
// script, for testing adapters against recorded payloads without touching
// the network. It records every request it receives.
//
//   ASSIGN_OR_REQUIRE(auto server, ScriptedHttpServer::Start());
//   server->Script("GET", "/iss/securities/GAZP.json",
//                  {.status = 200, .body = ReadFile("gazp.json")});
//   server->Script("GET", "/slow", {.body = "{}", .delay = absl::Seconds(2)});
//   // point the adapter at server->base_url() ...
//   CHECK(server->requests().size() == 1);
//
// A route is a method and a path (the query string is not part of it).
// Responses scripted for a route are served in order and the last one
// repeats; a handler computes responses instead. Anything unscripted gets
// 404 with the body "no route for <METHOD> <path>".
//
// It speaks HTTP/1.1 with keep-alive and Content-Length bodies (no chunked
// requests, no compression), decodes query, form and multipart parameters,
// and answers every connection from one thread, so it stays cheap under
// load; a delayed answer holds up only its own connection. Handlers run on
// that thread: keep them quick.
//
// Thread-safe: the server answers on its own thread while the test scripts
// and inspects it.

#ifndef BOTCORE_TESTING_SCRIPTED_HTTP_SERVER_H_
#define BOTCORE_TESTING_SCRIPTED_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "botcore/ports/http_client.h"

namespace botcore::testing {

struct ScriptedResponse {
  // Default: 200.
  int status = 200;
  // Default: none besides Content-Type.
  HttpHeaders headers;
  std::string body;
  // Default: "application/json".
  std::string content_type = "application/json";
  // Real time the server waits before answering, to exercise timeouts.
  // Default: none.
  absl::Duration delay = absl::ZeroDuration();
};

struct RecordedRequest {
  std::string method;
  std::string path;                           // without the query string
  std::map<std::string, std::string> params;  // query and form fields, decoded
  HttpHeaders headers;
  std::string body;
  // The client's port: requests sent over one kept-alive connection share
  // it.
  int remote_port = 0;

  // The decoded query or form parameter `name`, if present.
  std::optional<std::string> Param(std::string_view name) const;
};

class ScriptedHttpServer {
 public:
  using Handler = std::function<ScriptedResponse(const RecordedRequest&)>;

  // Binds a free port on 127.0.0.1 and starts answering.
  // Errors: kUnavailable if no port can be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ScriptedHttpServer>>
  Start();

  // Stops the server, waiting for requests in flight.
  ~ScriptedHttpServer();

  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const;
  // "http://127.0.0.1:<port>".
  std::string base_url() const;

  // Appends `response` to the responses of `method` `path`.
  void Script(std::string_view method, std::string_view path,
              ScriptedResponse response);

  // Answers `method` `path` with `handler`, replacing any script. The
  // handler runs on a server thread.
  void Handle(std::string_view method, std::string_view path, Handler handler);

  // Forgets every script, handler and recorded request.
  void Reset();

  // Whether requests are recorded for requests(). Turn it off under load,
  // so that memory stays flat. Default: on.
  void Record(bool on);

  // Connections accepted so far: with keep-alive, fewer than requests.
  int64_t connections() const;

  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;

  // The requests received for `path`.
  std::vector<RecordedRequest> requests(std::string_view path) const;

 private:
  class Impl;
  explicit ScriptedHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_SCRIPTED_HTTP_SERVER_H_
