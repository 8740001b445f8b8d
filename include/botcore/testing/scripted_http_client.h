// File: botcore/testing/scripted_http_client.h
//
// An in-process HttpClient that answers from a script and records what it
// was sent, for unit tests of code that takes an HttpClient (decorators,
// adapters) without any socket. To test over real HTTP, use
// ScriptedHttpServer (scripted_http_server.h) with NewCurlHttpClient.
//
//   auto fake = std::make_unique<ScriptedHttpClient>();
//   fake->Script(HttpResponse{.status = 503});
//   fake->Script(HttpResponse{.status = 200, .body = "{}"});
//   ScriptedHttpClient* script = fake.get();
//   auto http = NewRetryingHttpClient(std::move(fake), {.clock = &clock});
//   ... http->Send(request) ...
//   CHECK(script->requests().size() == 2);

#ifndef BOTCORE_TESTING_SCRIPTED_HTTP_CLIENT_H_
#define BOTCORE_TESTING_SCRIPTED_HTTP_CLIENT_H_

#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "botcore/ports/http_client.h"

namespace botcore::testing {

// Thread-safe.
class ScriptedHttpClient final : public HttpClient {
 public:
  // Appends an answer: a response or an error status. Answers are given in
  // order; the last one repeats. With none scripted, Send returns
  // kFailedPrecondition.
  void Script(absl::StatusOr<HttpResponse> answer) {
    absl::MutexLock lock(&mu_);
    answers_.push_back(std::move(answer));
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    if (answers_.empty()) {
      return absl::FailedPreconditionError("ScriptedHttpClient: no answer");
    }
    absl::StatusOr<HttpResponse> answer = answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    return answer;
  }

  // Every request sent so far, in order.
  std::vector<HttpRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  mutable absl::Mutex mu_;
  std::deque<absl::StatusOr<HttpResponse>> answers_ ABSL_GUARDED_BY(mu_);
  std::vector<HttpRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace botcore::testing

#endif  // BOTCORE_TESTING_SCRIPTED_HTTP_CLIENT_H_
