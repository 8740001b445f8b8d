#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "adapters/moex/iss_blocks.h"
#include "botcore/adapters/http.h"
#include "botcore/adapters/moex.h"
#include "internal/status_macros.h"
#include "internal/strings.h"

namespace botcore {
namespace {

using internal::IssNumber;
using internal::IssTable;
using internal::IssText;
using internal::ToAbsl;

// Moscow time, as ISS writes it. Without tzdata, the fixed UTC+3 Moscow
// has kept since 2014.
const absl::TimeZone& MoscowTime() {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Moscow", tz)) {
      *tz = absl::FixedTimeZone(3 * 60 * 60);
    }
    return tz;
  }();
  return *zone;
}

std::optional<absl::Time> ParseMoscowTime(const std::string& text) {
  absl::Time t;
  std::string error;
  for (const char* format : {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, MoscowTime(), &t, &error)) return t;
  }
  return std::nullopt;
}

// Security and board codes go into the URL path: only what ISS uses.
absl::Status CheckCode(std::string_view what, std::string_view code) {
  const bool ok = !code.empty() && code.size() <= 51 &&
                  std::all_of(code.begin(), code.end(), [](char c) {
                    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                           c == '_' || c == '-' || c == '.';
                  });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(ToAbsl(what), " \"", absl::CHexEscape(ToAbsl(code)),
                   "\" is not a MOEX code (letters, digits, _ - .)"));
}

// A price the exchange sent as a JSON number, at `decimals` places.
absl::StatusOr<Amount> PriceAmount(double value, int decimals,
                                   std::string_view what) {
  if (!std::isfinite(value) || std::fabs(value) > 1e15) {
    return absl::UnavailableError(
        absl::StrCat("ISS sent ", ToAbsl(what), " ", value));
  }
  return Amount::Parse(absl::StrFormat("%.*f", decimals, value), decimals);
}

class MoexMarketData final : public MarketData {
 public:
  explicit MoexMarketData(const MoexOptions& options)
      : options_(options),
        market_url_(absl::StrCat(absl::StripSuffix(options.base_url, "/"),
                                 "/engines/", options.engine, "/markets/",
                                 options.market, "/boards/")) {}

  absl::StatusOr<std::vector<Candle>> GetCandles(
      const CandleQuery& query) override {
    BOTCORE_RETURN_IF_ERROR(CheckCode("security", query.security));
    BOTCORE_RETURN_IF_ERROR(CheckCode("board", query.board));
    BOTCORE_RETURN_IF_ERROR(
        CandleIntervalFromCode(static_cast<int>(query.interval)).status());
    if (query.from > query.till) {
      return absl::InvalidArgumentError(
          absl::StrCat("candles of ", query.security, ": from ",
                       absl::FormatTime(query.from), " is after till ",
                       absl::FormatTime(query.till)));
    }
    const std::string base = absl::StrCat(
        market_url_, query.board, "/securities/", query.security,
        "/candles.json?iss.meta=off&interval=",
        static_cast<int>(query.interval), "&from=",
        absl::FormatTime("%Y-%m-%d%%20%H:%M:%S", query.from, MoscowTime()),
        "&till=",
        absl::FormatTime("%Y-%m-%d%%20%H:%M:%S", query.till, MoscowTime()));
    std::vector<Candle> candles;
    int64_t start = 0;
    for (int page = 0;; ++page) {
      if (page >= options_.max_pages) {
        return absl::UnavailableError(
            absl::StrCat("candles of ", query.security, ": more than ",
                         options_.max_pages, " pages"));
      }
      absl::Time made;
      BOTCORE_ASSIGN_OR_RETURN(
          auto tables, Fetch(absl::StrCat(base, "&start=", start), &made));
      auto it = tables.find("candles");
      if (it == tables.end()) {
        return absl::UnavailableError(absl::StrCat(
            "candles of ", query.security, ": no \"candles\" block"));
      }
      const IssTable& table = it->second;
      if (table.rows.empty()) break;
      for (size_t row = 0; row < table.rows.size(); ++row) {
        absl::Time end;
        BOTCORE_ASSIGN_OR_RETURN(Candle candle, CandleAt(table, row, end));
        // A candle whose last second had not passed in the data when ISS
        // answered is still forming: its close and volume would change. ISS
        // dates its answers (a cached answer keeps its date); its data lags
        // them by data_delay.
        if (end + absl::Seconds(1) > made - options_.data_delay) continue;
        if (!candles.empty() && candle.time <= candles.back().time) {
          // ISS pages never overlap; if one does, `start` was ignored and
          // paging would not end.
          return absl::UnavailableError(absl::StrCat(
              "candles of ", query.security, ": page at start=", start,
              " does not continue the previous one (",
              FormatIsoTime(candle.time), ")"));
        }
        candles.push_back(candle);
      }
      start += static_cast<int64_t>(table.rows.size());
    }
    std::erase_if(candles, [&](const Candle& c) {
      return c.time < query.from || c.time > query.till;
    });
    return candles;
  }

  absl::StatusOr<SecurityInfo> GetSecurityInfo(
      std::string_view security, std::string_view board) override {
    BOTCORE_ASSIGN_OR_RETURN(auto tables, FetchSecurity(security, board));
    BOTCORE_ASSIGN_OR_RETURN(size_t row,
                             RowOf(tables, "securities", security, board));
    const IssTable& t = tables.at("securities");
    SecurityInfo info;
    info.security = std::string(security);
    info.board = std::string(board);
    info.short_name = IssText(t, row, "SHORTNAME").value_or("");
    info.isin = IssText(t, row, "ISIN").value_or("");
    info.currency = IssText(t, row, "CURRENCYID").value_or("");
    std::optional<double> lot = IssNumber(t, row, "LOTSIZE");
    std::optional<double> decimals = IssNumber(t, row, "DECIMALS");
    std::optional<double> step = IssNumber(t, row, "MINSTEP");
    if (!lot.has_value() || !decimals.has_value() || !step.has_value() ||
        *lot < 1 || *lot > 1e12 || *decimals < 0 ||
        *decimals > Amount::kMaxScale) {
      return absl::UnavailableError(absl::StrCat(
          "ISS securities of ", ToAbsl(security), "/", ToAbsl(board),
          ": LOTSIZE, DECIMALS or MINSTEP missing or out of range"));
    }
    info.lot_size = static_cast<int64_t>(*lot);
    info.decimals = static_cast<int>(*decimals);
    BOTCORE_ASSIGN_OR_RETURN(info.price_step,
                             PriceAmount(*step, info.decimals, "MINSTEP"));
    return info;
  }

  absl::StatusOr<LastPrice> GetLastPrice(std::string_view security,
                                         std::string_view board) override {
    BOTCORE_ASSIGN_OR_RETURN(auto tables, FetchSecurity(security, board));
    BOTCORE_ASSIGN_OR_RETURN(size_t info_row,
                             RowOf(tables, "securities", security, board));
    BOTCORE_ASSIGN_OR_RETURN(size_t row,
                             RowOf(tables, "marketdata", security, board));
    const int decimals = static_cast<int>(std::clamp(
        IssNumber(tables.at("securities"), info_row, "DECIMALS").value_or(2),
        0.0, static_cast<double>(Amount::kMaxScale)));
    const IssTable& t = tables.at("marketdata");
    // LAST is null before the first trade of the day; LCURRENTPRICE is the
    // exchange's current price then.
    std::optional<double> price = IssNumber(t, row, "LAST");
    if (!price.has_value()) price = IssNumber(t, row, "LCURRENTPRICE");
    if (!price.has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "ISS has no last price for ", ToAbsl(security), "/", ToAbsl(board)));
    }
    LastPrice last;
    last.security = std::string(security);
    last.board = std::string(board);
    BOTCORE_ASSIGN_OR_RETURN(last.price, PriceAmount(*price, decimals, "LAST"));
    std::optional<absl::Time> time;
    if (std::optional<std::string> systime = IssText(t, row, "SYSTIME")) {
      time = ParseMoscowTime(*systime);
    }
    if (!time.has_value()) {
      return absl::UnavailableError(absl::StrCat(
          "ISS marketdata of ", ToAbsl(security), ": no readable SYSTIME"));
    }
    last.time = *time;
    return last;
  }

 private:
  // Fetches and parses `url`; `made`, when given, is set to when ISS made
  // the answer: its Date header, or now when that is missing or later.
  absl::StatusOr<std::map<std::string, IssTable>> Fetch(
      const std::string& url, absl::Time* made = nullptr) {
    HttpRequest request;
    request.url = url;
    request.headers = {{"Accept", "application/json"}};
    absl::StatusOr<HttpResponse> sent = options_.http->Send(request);
    if (!sent.ok()) {
      // The HTTP client names only the host; ISS URLs hold no secret.
      return absl::Status(
          sent.status().code(),
          absl::StrCat(sent.status().message(), " (", url, ")"));
    }
    const HttpResponse& response = *sent;
    if (made != nullptr) {
      *made = options_.clock->Now();
      if (std::optional<std::string_view> date =
              FindHeader(response.headers, "Date")) {
        *made = std::min(*made, ParseHttpDate(*date).value_or(*made));
      }
    }
    if (response.status == 404) {
      return absl::NotFoundError(absl::StrCat("ISS: 404 for ", url));
    }
    if (response.status != 200) {
      return absl::UnavailableError(
          absl::StrCat("ISS: HTTP ", response.status, " for ", url));
    }
    absl::StatusOr<std::map<std::string, IssTable>> tables =
        internal::ParseIssBlocks(response.body);
    if (!tables.ok()) {
      return absl::Status(
          tables.status().code(),
          absl::StrCat(tables.status().message(), " (", url, ")"));
    }
    return tables;
  }

  absl::StatusOr<std::map<std::string, IssTable>> FetchSecurity(
      std::string_view security, std::string_view board) {
    BOTCORE_RETURN_IF_ERROR(CheckCode("security", security));
    BOTCORE_RETURN_IF_ERROR(CheckCode("board", board));
    return Fetch(absl::StrCat(
        market_url_, ToAbsl(board), "/securities/", ToAbsl(security),
        ".json?iss.meta=off&iss.only=securities,marketdata"));
  }

  // The row of `block` for security on board: an empty block (how ISS says
  // "unknown") is kNotFound.
  static absl::StatusOr<size_t> RowOf(
      const std::map<std::string, IssTable>& tables, const char* block,
      std::string_view security, std::string_view board) {
    auto it = tables.find(block);
    if (it == tables.end()) {
      return absl::UnavailableError(
          absl::StrCat("ISS answer without a \"", block, "\" block"));
    }
    const IssTable& t = it->second;
    for (size_t row = 0; row < t.rows.size(); ++row) {
      if (IssText(t, row, "SECID") == security &&
          IssText(t, row, "BOARDID") == board) {
        return row;
      }
    }
    return absl::NotFoundError(absl::StrCat("MOEX has no ", ToAbsl(security),
                                            " on board ", ToAbsl(board)));
  }

  // The candle of `row`; `end` is set to its last second.
  static absl::StatusOr<Candle> CandleAt(const IssTable& t, size_t row,
                                         absl::Time& end) {
    std::optional<std::string> begin = IssText(t, row, "begin");
    std::optional<absl::Time> time;
    if (begin.has_value()) time = ParseMoscowTime(*begin);
    std::optional<std::string> end_text = IssText(t, row, "end");
    std::optional<absl::Time> last;
    if (end_text.has_value()) last = ParseMoscowTime(*end_text);
    Candle c;
    std::optional<double> open = IssNumber(t, row, "open");
    std::optional<double> high = IssNumber(t, row, "high");
    std::optional<double> low = IssNumber(t, row, "low");
    std::optional<double> close = IssNumber(t, row, "close");
    std::optional<double> volume = IssNumber(t, row, "volume");
    if (!time.has_value() || !last.has_value() || !open || !high || !low ||
        !close || !volume) {
      return absl::UnavailableError(
          absl::StrCat("ISS candle row ", row,
                       ": begin, end, open, high, low, close or volume "
                       "missing or malformed"));
    }
    end = *last;
    c.time = *time;
    c.open = *open;
    c.high = *high;
    c.low = *low;
    c.close = *close;
    c.volume = *volume;
    return c;
  }

  const MoexOptions options_;
  const std::string market_url_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MarketData>> NewMoexMarketData(
    const MoexOptions& options) {
  if (options.http == nullptr || options.clock == nullptr) {
    return absl::InvalidArgumentError(
        "MoexOptions: http and clock are required");
  }
  if (!absl::StartsWith(options.base_url, "http://") &&
      !absl::StartsWith(options.base_url, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "MoexOptions: base_url \"", options.base_url, "\" is not http(s)"));
  }
  if (options.data_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("MoexOptions: data_delay ",
                     absl::FormatDuration(options.data_delay), " is negative"));
  }
  return std::make_unique<MoexMarketData>(options);
}

absl::StatusOr<std::unique_ptr<HttpClient>> NewMoexHttpClient(
    Clock* clock, const MoexHttpOptions& options) {
  return NewHttpClientStack(
      {.curl = {.connect_timeout = options.connect_timeout,
                .total_timeout = options.total_timeout},
       .rate_limit =
           RateLimitOptions{.clock = clock,
                            .requests_per_second = options.requests_per_second},
       .retry = RetryOptions{.clock = clock},
       .cache = CacheOptions{
           .clock = clock,
           .ttl = options.cache_ttl,
           // Errors ISS reports inside a 200 and unreadable bodies are not
           // kept.
           .cacheable =
               [](const HttpResponse& response) {
                 return internal::ParseIssBlocks(response.body).ok();
               }}});
}

}  // namespace botcore
