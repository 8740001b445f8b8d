// TLS verification of the curl HttpClient against a local HTTPS server whose
// self-signed certificate is made for the test with the openssl tool.
#include <doctest/doctest.h>
#include <httplib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "botcore/adapters/http.h"
#include "support/status_testing.h"

namespace botcore {
namespace {

// A directory with cert.pem (CN=localhost, for DNS:localhost only) and its
// key, removed at the end of the test.
struct SelfSigned {
  SelfSigned()
      : dir(std::filesystem::temp_directory_path() /
            absl::StrCat("botcore_tls_", getpid())) {
    std::filesystem::create_directories(dir);
    cert = (dir / "cert.pem").string();
    key = (dir / "key.pem").string();
    const std::string command = absl::StrCat(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
        " -addext subjectAltName=DNS:localhost -keyout ",
        key, " -out ", cert, " 2>/dev/null");
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
  }
  ~SelfSigned() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::filesystem::path dir;
  std::string cert;
  std::string key;
};

// An HTTPS server on 127.0.0.1 answering GET /hello.
struct TlsServer {
  explicit TlsServer(const SelfSigned& tls)
      : server(tls.cert.c_str(), tls.key.c_str()) {
    REQUIRE(server.is_valid());
    server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello over TLS", "text/plain");
    });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::yield();
  }
  ~TlsServer() {
    server.stop();
    thread.join();
  }

  httplib::SSLServer server;
  int port = 0;
  std::thread thread;
};

std::unique_ptr<HttpClient> Client(CurlHttpClientOptions options = {}) {
  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      NewCurlHttpClient(options);
  REQUIRE_OK(client.status());
  return *std::move(client);
}

TEST_SUITE("curl_http_client tls") {
  TEST_CASE("an untrusted certificate is refused with a clear error") {
    SelfSigned tls;
    TlsServer server(tls);
    // "localhost" resolves to 127.0.0.1 without leaving the machine.
    const std::string url =
        absl::StrCat("https://localhost:", server.port, "/hello");
    absl::StatusOr<HttpResponse> r = Client()->Send({.url = url});
    CHECK_STATUS_IS(r.status(), kUnavailable);
    CAPTURE(r.status().message());
    CHECK(absl::StrContains(r.status().message(), "SSL certificate problem"));
    // The server is named by its origin only (paths may hold keys).
    CHECK(absl::StrContains(r.status().message(),
                            absl::StrCat("https://localhost:", server.port)));
    CHECK_FALSE(absl::StrContains(r.status().message(), "/hello"));
  }

  TEST_CASE("the certificate is accepted when the CA bundle names it") {
    SelfSigned tls;
    TlsServer server(tls);
    absl::StatusOr<HttpResponse> r =
        Client({.ca_bundle_path = tls.cert})
            ->Send({.url = absl::StrCat("https://localhost:", server.port,
                                        "/hello")});
    REQUIRE_OK(r.status());
    CHECK(r->status == 200);
    CHECK(r->body == "hello over TLS");
  }

  TEST_CASE("a trusted certificate for another host name is refused") {
    SelfSigned tls;
    TlsServer server(tls);
    // The certificate covers localhost, not 127.0.0.1.
    absl::StatusOr<HttpResponse> r =
        Client({.ca_bundle_path = tls.cert})
            ->Send({.url = absl::StrCat("https://127.0.0.1:", server.port,
                                        "/hello")});
    CHECK_STATUS_IS(r.status(), kUnavailable);
    CAPTURE(r.status().message());
    CHECK(absl::StrContains(r.status().message(), "127.0.0.1"));
  }

  TEST_CASE("a CA bundle that is not a readable file") {
    SelfSigned tls;
    for (const std::string& path :
         {(tls.dir / "missing.pem").string(), tls.dir.string()}) {
      CAPTURE(path);
      absl::StatusOr<std::unique_ptr<HttpClient>> client =
          NewCurlHttpClient({.ca_bundle_path = path});
      CHECK_STATUS_IS(client.status(), kInvalidArgument);
      CHECK(absl::StrContains(client.status().message(), path));
    }
  }
}

}  // namespace
}  // namespace botcore
