// The MarketData, Advisor and Messenger ports, implementable in Python: a
// Python subclass goes wherever C++ takes the port (Backtester.run,
// RecommendationDesk.recommend, the bot runtime). C++ calls the Python
// methods through CallOverride (gil.h): from any thread, with the GIL taken
// for the call, and a Python exception comes back as a Status. The base
// classes' own methods call the implementation through C++ with the GIL
// released, as the engines do.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "botcore/core/candle.h"
#include "botcore/portfolio/book.h"
#include "botcore/portfolio/instrument.h"
#include "botcore/ports/advisor.h"
#include "botcore/ports/market_data.h"
#include "botcore/ports/messenger.h"
#include "botcore/risk/risk_engine.h"
#include "gil.h"
#include "pickling.h"
#include "status.h"
#include "time_caster.h"

namespace botcore::python {

namespace py = pybind11;

namespace {

class AdvisorContextView;

// AdvisorContext.candles: a read-only sequence over the context's candles
// that makes a Candle only for the item read, so reading it costs nothing
// however long the history (a copy per access made a backtest O(n**2)).
// Owned by its AdvisorContextView, whose lifetime rules it shares.
class AdvisorCandles {
 public:
  explicit AdvisorCandles(const AdvisorContextView* context)
      : context_(context) {}

  // Raises botcore.FailedPrecondition once the context is invalidated.
  absl::Span<const Candle> Get() const;

 private:
  const AdvisorContextView* context_;
};

// The AdvisorContext a Python advisor gets. The context borrows from the
// caller, so the view is cut off when advise() returns.
class AdvisorContextView {
 public:
  explicit AdvisorContextView(const AdvisorContext* context)
      : context_(context) {}

  void Invalidate() { context_.store(nullptr); }

  // Raises botcore.FailedPrecondition once invalidated.
  const AdvisorContext& Get() const {
    const AdvisorContext* context = context_.load();
    if (context == nullptr) {
      RaiseStatus(absl::FailedPreconditionError(
          "AdvisorContext used after advise() returned; copy what you need "
          "during the call"));
    }
    return *context;
  }

  const AdvisorCandles* candles() const { return &candles_; }

 private:
  std::atomic<const AdvisorContext*> context_;
  AdvisorCandles candles_{this};
};

absl::Span<const Candle> AdvisorCandles::Get() const {
  return context_->Get().candles;
}

class PyMarketData final : public MarketData {
 public:
  absl::StatusOr<std::vector<Candle>> GetCandles(
      const CandleQuery& query) override {
    return CallOverride<std::vector<Candle>>(Base(), "MarketData.get_candles",
                                             "get_candles", query);
  }
  absl::StatusOr<SecurityInfo> GetSecurityInfo(
      std::string_view security, std::string_view board) override {
    return CallOverride<SecurityInfo>(Base(), "MarketData.get_security_info",
                                      "get_security_info", security, board);
  }
  absl::StatusOr<LastPrice> GetLastPrice(std::string_view security,
                                         std::string_view board) override {
    return CallOverride<LastPrice>(Base(), "MarketData.get_last_price",
                                   "get_last_price", security, board);
  }

 private:
  const MarketData* Base() const { return this; }
};

class PyAdvisor final : public Advisor {
 public:
  std::string_view name() const override {
    name_ = OverriddenName(Base(), "Advisor.name");
    return name_;
  }

  absl::StatusOr<std::optional<Recommendation>> Advise(
      const AdvisorContext& context) override {
    auto view = std::make_shared<AdvisorContextView>(&context);
    absl::StatusOr<std::optional<Recommendation>> result =
        CallOverride<std::optional<Recommendation>>(Base(), "Advisor.advise",
                                                    "advise", view);
    view->Invalidate();
    return result;
  }

 private:
  const Advisor* Base() const { return this; }

  mutable std::string name_;
};

class PyMessenger final : public Messenger {
 public:
  absl::StatusOr<std::vector<Update>> Receive(absl::Duration wait) override {
    return CallOverride<std::vector<Update>>(Base(), "Messenger.receive",
                                             "receive", wait);
  }
  absl::Status Acknowledge(int64_t update_id) override {
    return CallOverride<void>(Base(), "Messenger.acknowledge", "acknowledge",
                              update_id);
  }
  absl::StatusOr<SentMessage> SendMessage(
      const OutgoingMessage& message) override {
    return CallOverride<SentMessage>(Base(), "Messenger.send_message",
                                     "send_message", message);
  }
  absl::Status EditMessageText(const MessageEdit& edit) override {
    return CallOverride<void>(Base(), "Messenger.edit_message_text",
                              "edit_message_text", edit);
  }
  absl::Status AnswerCallbackQuery(const CallbackAnswer& answer) override {
    return CallOverride<void>(Base(), "Messenger.answer_callback_query",
                              "answer_callback_query", answer);
  }
  absl::StatusOr<SentMessage> SendPhoto(const OutgoingFile& photo) override {
    return CallOverride<SentMessage>(Base(), "Messenger.send_photo",
                                     "send_photo", photo);
  }
  absl::StatusOr<SentMessage> SendDocument(
      const OutgoingFile& document) override {
    return CallOverride<SentMessage>(Base(), "Messenger.send_document",
                                     "send_document", document);
  }
  absl::Status SetCommands(const std::vector<BotCommand>& commands) override {
    return CallOverride<void>(Base(), "Messenger.set_commands", "set_commands",
                              commands);
  }
  absl::StatusOr<std::string> Username() override {
    return CallOverride<std::string>(Base(), "Messenger.username", "username");
  }

 private:
  const Messenger* Base() const { return this; }
};

// Binds the plain struct T with a keyword-only constructor setting any of
// its fields, e.g. botcore.Chat(id=42, type=botcore.ChatType.PRIVATE).
template <typename T>
py::class_<T> Record(py::module_& m, const char* name, const char* doc) {
  py::class_<T> c(m, name, doc);
  c.def(py::init([](const py::kwargs& fields) {
          T value{};
          py::object view =
              py::cast(&value, py::return_value_policy::reference);
          for (const auto& [field, v] : fields) {
            py::setattr(view, field, v);
          }
          return value;
        }),
        "Keyword arguments set the fields of the same names; the others keep "
        "their defaults.");
  PickleByFields(c);
  return c;
}

void BindMarketData(py::module_& m) {
  py::enum_<CandleInterval>(m, "CandleInterval",
                            "Candle lengths (MOEX ISS interval codes).")
      .value("MINUTE", CandleInterval::kMinute)
      .value("TEN_MINUTES", CandleInterval::kTenMinutes)
      .value("HOUR", CandleInterval::kHour)
      .value("DAY", CandleInterval::kDay)
      .value("WEEK", CandleInterval::kWeek)
      .value("MONTH", CandleInterval::kMonth)
      .value("QUARTER", CandleInterval::kQuarter);

  py::class_<CandleQuery>(
      m, "CandleQuery",
      "Which candles MarketData.get_candles returns: those of `interval` "
      "opening in [since, till], oldest first.")
      .def(py::init([](std::string security, std::string board,
                       CandleInterval interval, absl::Time since,
                       absl::Time till) {
             return CandleQuery{std::move(security), std::move(board), interval,
                                since, till};
           }),
           py::arg("security"), py::kw_only(), py::arg("board") = "TQBR",
           py::arg("interval") = CandleInterval::kDay, py::arg("since"),
           py::arg("till"))
      .def_readwrite("security", &CandleQuery::security)
      .def_readwrite("board", &CandleQuery::board)
      .def_readwrite("interval", &CandleQuery::interval)
      .def_readwrite("since", &CandleQuery::from)
      .def_readwrite("till", &CandleQuery::till);

  Record<SecurityInfo>(m, "SecurityInfo",
                       "Lot size, price step and decimals of a security.")
      .def_readwrite("security", &SecurityInfo::security)
      .def_readwrite("board", &SecurityInfo::board)
      .def_readwrite("short_name", &SecurityInfo::short_name)
      .def_readwrite("isin", &SecurityInfo::isin)
      .def_readwrite("currency", &SecurityInfo::currency)
      .def_readwrite("lot_size", &SecurityInfo::lot_size)
      .def_readwrite("decimals", &SecurityInfo::decimals)
      .def_readwrite("price_step", &SecurityInfo::price_step);

  Record<LastPrice>(m, "LastPrice",
                    "The last trade price of a security and when it was "
                    "published.")
      .def_readwrite("security", &LastPrice::security)
      .def_readwrite("board", &LastPrice::board)
      .def_readwrite("price", &LastPrice::price)
      .def_readwrite("time", &LastPrice::time);

  py::class_<MarketData, PyMarketData>(
      m, "MarketData",
      "The market-data port. Subclass it and define get_candles(query) -> "
      "list[Candle], get_security_info(security, board) -> SecurityInfo and "
      "get_last_price(security, board) -> LastPrice to feed C++ engines "
      "(Backtester.run(market_data=...)). An exception becomes a Status "
      "(botcore.Error subclasses keep their code; OSError means "
      "Unavailable). The methods may be called from any thread.")
      .def(py::init<>())
      .def(
          "get_candles",
          [](MarketData& md, const CandleQuery& query) {
            return WithoutGil([&] { return md.GetCandles(query); });
          },
          py::arg("query"),
          "The candles of query.interval opening in [since, till], oldest "
          "first.")
      .def(
          "get_security_info",
          [](MarketData& md, const std::string& security,
             const std::string& board) {
            return WithoutGil(
                [&] { return md.GetSecurityInfo(security, board); });
          },
          py::arg("security"), py::arg("board") = "TQBR",
          "Lot size, price step and decimals of `security` on `board`.")
      .def(
          "get_last_price",
          [](MarketData& md, const std::string& security,
             const std::string& board) {
            return WithoutGil([&] { return md.GetLastPrice(security, board); });
          },
          py::arg("security"), py::arg("board") = "TQBR",
          "The last trade price of `security` on `board`.");
}

void BindAdvisor(py::module_& m) {
  py::class_<AdvisorCandles>(
      m, "AdvisorCandles",
      "AdvisorContext.candles: the recent candles, oldest first, as a "
      "read-only sequence. Reading it after advise() returned raises "
      "botcore.FailedPrecondition.")
      .def(
          "__len__", [](const AdvisorCandles& c) { return c.Get().size(); },
          "The number of candles.")
      .def(
          "__getitem__",
          [](const AdvisorCandles& c, py::ssize_t index) {
            const absl::Span<const Candle> candles = c.Get();
            const auto size = static_cast<py::ssize_t>(candles.size());
            if (index < 0) index += size;
            if (index < 0 || index >= size) {
              throw py::index_error(
                  absl::StrCat("AdvisorContext.candles index ", index,
                               " out of range for ", size, " candles"));
            }
            return candles[static_cast<size_t>(index)];
          },
          py::arg("index"), "The candle at `index` (negative from the end).")
      .def(
          "__getitem__",
          [](const AdvisorCandles& c, const py::slice& slice) {
            const absl::Span<const Candle> candles = c.Get();
            size_t start = 0, stop = 0, step = 0, length = 0;
            if (!slice.compute(candles.size(), &start, &stop, &step, &length)) {
              throw py::error_already_set();
            }
            std::vector<Candle> items;
            items.reserve(length);
            for (size_t i = 0; i < length; ++i, start += step) {
              items.push_back(candles[start]);
            }
            return items;
          },
          py::arg("slice"), "The candles of `slice`, as a list.");

  py::class_<AdvisorContextView, std::shared_ptr<AdvisorContextView>>(
      m, "AdvisorContext",
      "What an Advisor sees: the symbol, the time, the recent candles, "
      "indicator values, the instrument, the portfolio and the risk limits. "
      "It borrows from the caller: using it after advise() returned raises "
      "botcore.FailedPrecondition.")
      .def_property_readonly(
          "symbol",
          [](const AdvisorContextView& v) {
            return std::string(v.Get().symbol);
          },
          "The symbol to advise on, e.g. 'GAZP'.")
      .def_property_readonly(
          "now", [](const AdvisorContextView& v) { return v.Get().now; },
          "The current time (timezone-aware UTC).")
      .def_property_readonly(
          "candles",
          [](const AdvisorContextView& v) {
            v.Get();  // raises once advise() returned
            return v.candles();
          },
          py::return_value_policy::reference_internal,
          "The recent candles, oldest first; the last one has just closed. "
          "A read-only sequence (len, indexing, slices, iteration) that "
          "makes a Candle only for the item read: the same object on every "
          "access, costing nothing however long the history.")
      .def_property_readonly(
          "indicators",
          [](const AdvisorContextView& v) {
            py::dict values;
            for (const IndicatorValue& i : v.Get().indicators) {
              values[py::str(std::string(i.name))] = i.value;
            }
            return values;
          },
          "Indicator values by name, e.g. {'rsi_14': 61.2}.")
      .def_property_readonly(
          "instrument",
          [](const AdvisorContextView& v) -> std::optional<Instrument> {
            if (v.Get().instrument == nullptr) return std::nullopt;
            return *v.Get().instrument;
          },
          "Lot size and price step of the symbol, or None.")
      .def_property_readonly(
          "portfolio",
          [](const AdvisorContextView& v) -> std::optional<PortfolioBook> {
            if (v.Get().portfolio == nullptr) return std::nullopt;
            return *v.Get().portfolio;
          },
          "A copy of the portfolio the recommendation is for, or None.")
      .def_property_readonly(
          "limits",
          [](const AdvisorContextView& v) -> std::optional<RiskLimits> {
            if (v.Get().limits == nullptr) return std::nullopt;
            return *v.Get().limits;
          },
          "The risk limits the proposal will be checked against, or None.");

  py::class_<Advisor, PyAdvisor>(
      m, "Advisor",
      "The advisor port. Subclass it and define name() -> str and "
      "advise(context: AdvisorContext) -> Recommendation | None to hand it "
      "to C++ engines (Backtester.run, RecommendationDesk.recommend, the "
      "bot). An exception becomes a Status (botcore.Error subclasses keep "
      "their code; OSError means Unavailable). Called from one thread at a "
      "time, not necessarily the main one.")
      .def(py::init<>())
      .def(
          "name", [](const Advisor& a) { return std::string(a.name()); },
          "A short stable name, e.g. 'rules:sma_cross'.")
      .def(
          "advise",
          [](Advisor& a, const AdvisorContextView& context) {
            const AdvisorContext& c = context.Get();
            return WithoutGil([&] { return a.Advise(c); });
          },
          py::arg("context"),
          "A Recommendation, or None when there is nothing to say.");
}

void BindMessenger(py::module_& m) {
  py::enum_<ChatType>(m, "ChatType")
      .value("PRIVATE", ChatType::kPrivate)
      .value("GROUP", ChatType::kGroup)
      .value("SUPERGROUP", ChatType::kSupergroup)
      .value("CHANNEL", ChatType::kChannel)
      .value("OTHER", ChatType::kOther);
  py::enum_<MemberStatus>(m, "MemberStatus")
      .value("CREATOR", MemberStatus::kCreator)
      .value("ADMINISTRATOR", MemberStatus::kAdministrator)
      .value("MEMBER", MemberStatus::kMember)
      .value("RESTRICTED", MemberStatus::kRestricted)
      .value("LEFT", MemberStatus::kLeft)
      .value("KICKED", MemberStatus::kKicked)
      .value("OTHER", MemberStatus::kOther);
  py::enum_<UpdateKind>(m, "UpdateKind")
      .value("MESSAGE", UpdateKind::kMessage)
      .value("EDITED_MESSAGE", UpdateKind::kEditedMessage)
      .value("CALLBACK_QUERY", UpdateKind::kCallbackQuery)
      .value("MY_CHAT_MEMBER", UpdateKind::kMyChatMember)
      .value("OTHER", UpdateKind::kOther);
  py::enum_<ParseMode>(m, "ParseMode")
      .value("PLAIN", ParseMode::kPlain)
      .value("HTML", ParseMode::kHtml)
      .value("MARKDOWN_V2", ParseMode::kMarkdownV2);

  Record<MessengerUser>(m, "MessengerUser", "A user or bot of the messenger.")
      .def_readwrite("id", &MessengerUser::id)
      .def_readwrite("is_bot", &MessengerUser::is_bot)
      .def_readwrite("first_name", &MessengerUser::first_name)
      .def_readwrite("last_name", &MessengerUser::last_name)
      .def_readwrite("username", &MessengerUser::username)
      .def_readwrite("language_code", &MessengerUser::language_code);
  Record<Chat>(m, "Chat", "A private chat, group or channel.")
      .def_readwrite("id", &Chat::id)
      .def_readwrite("type", &Chat::type)
      .def_readwrite("title", &Chat::title)
      .def_readwrite("username", &Chat::username);
  Record<Location>(m, "Location", "A shared location.")
      .def_readwrite("latitude", &Location::latitude)
      .def_readwrite("longitude", &Location::longitude);
  Record<PhotoSize>(m, "PhotoSize", "One size of a photo.")
      .def_readwrite("file_id", &PhotoSize::file_id)
      .def_readwrite("file_unique_id", &PhotoSize::file_unique_id)
      .def_readwrite("width", &PhotoSize::width)
      .def_readwrite("height", &PhotoSize::height)
      .def_readwrite("file_size", &PhotoSize::file_size);
  Record<Message>(m, "Message",
                  "An incoming message; `command` is the command's name "
                  "without '/' and '@bot', `command_bot` the bot it names "
                  "('' for none), `command_args` what follows it.")
      .def_readwrite("message_id", &Message::message_id)
      .def_readwrite("chat", &Message::chat)
      .def_readwrite("sender", &Message::from)
      .def_readwrite("date", &Message::date)
      .def_readwrite("edit_date", &Message::edit_date)
      .def_readwrite("text", &Message::text)
      .def_readwrite("command", &Message::command)
      .def_readwrite("command_bot", &Message::command_bot)
      .def_readwrite("command_args", &Message::command_args)
      .def_readwrite("location", &Message::location)
      .def_readwrite("photo", &Message::photo)
      .def_readwrite("reply_to_message_id", &Message::reply_to_message_id)
      .def_readwrite("message_thread_id", &Message::message_thread_id);
  Record<CallbackQuery>(m, "CallbackQuery",
                        "A press on an inline keyboard button.")
      .def_readwrite("id", &CallbackQuery::id)
      .def_readwrite("sender", &CallbackQuery::from)
      .def_readwrite("message", &CallbackQuery::message)
      .def_readwrite("inline_message_id", &CallbackQuery::inline_message_id)
      .def_readwrite("chat_instance", &CallbackQuery::chat_instance)
      .def_readwrite("data", &CallbackQuery::data);
  Record<ChatMemberUpdate>(m, "ChatMemberUpdate",
                           "The bot's own membership in a chat changed.")
      .def_readwrite("chat", &ChatMemberUpdate::chat)
      .def_readwrite("sender", &ChatMemberUpdate::from)
      .def_readwrite("date", &ChatMemberUpdate::date)
      .def_readwrite("member", &ChatMemberUpdate::member)
      .def_readwrite("old_status", &ChatMemberUpdate::old_status)
      .def_readwrite("new_status", &ChatMemberUpdate::new_status);
  Record<Update>(m, "Update",
                 "One incoming update; `kind` says which of message, "
                 "callback_query and my_chat_member is set.")
      .def_readwrite("id", &Update::id)
      .def_readwrite("kind", &Update::kind)
      .def_readwrite("message", &Update::message)
      .def_readwrite("callback_query", &Update::callback_query)
      .def_readwrite("my_chat_member", &Update::my_chat_member);
  Record<InlineButton>(m, "InlineButton",
                       "An inline keyboard button: exactly one of "
                       "callback_data (1 to 64 bytes) and url is set.")
      .def_readwrite("text", &InlineButton::text)
      .def_readwrite("callback_data", &InlineButton::callback_data)
      .def_readwrite("url", &InlineButton::url);
  Record<OutgoingMessage>(m, "OutgoingMessage",
                          "A text message to send, with an optional inline "
                          "keyboard (rows of InlineButton).")
      .def_readwrite("chat_id", &OutgoingMessage::chat_id)
      .def_readwrite("text", &OutgoingMessage::text)
      .def_readwrite("parse_mode", &OutgoingMessage::parse_mode)
      .def_readwrite("keyboard", &OutgoingMessage::keyboard)
      .def_readwrite("reply_to_message_id",
                     &OutgoingMessage::reply_to_message_id)
      .def_readwrite("disable_link_preview",
                     &OutgoingMessage::disable_link_preview);
  Record<SentMessage>(m, "SentMessage",
                      "Where a message went: one id per part the text was "
                      "split into.")
      .def_readwrite("chat_id", &SentMessage::chat_id)
      .def_readwrite("message_ids", &SentMessage::message_ids);
  Record<MessageEdit>(m, "MessageEdit",
                      "A new text (and keyboard) for a sent message.")
      .def_readwrite("chat_id", &MessageEdit::chat_id)
      .def_readwrite("message_id", &MessageEdit::message_id)
      .def_readwrite("text", &MessageEdit::text)
      .def_readwrite("parse_mode", &MessageEdit::parse_mode)
      .def_readwrite("keyboard", &MessageEdit::keyboard);
  Record<CallbackAnswer>(m, "CallbackAnswer",
                         "The answer to a button press (stops its spinner).")
      .def_readwrite("callback_query_id", &CallbackAnswer::callback_query_id)
      .def_readwrite("text", &CallbackAnswer::text)
      .def_readwrite("show_alert", &CallbackAnswer::show_alert);
  Record<OutgoingFile>(m, "OutgoingFile",
                       "A photo or document to send: new bytes (content), an "
                       "earlier upload (file_id) or a URL.")
      .def_readwrite("chat_id", &OutgoingFile::chat_id)
      .def_readwrite("file_name", &OutgoingFile::file_name)
      .def_property(
          "content", [](const OutgoingFile& f) { return py::bytes(f.content); },
          [](OutgoingFile& f, const py::bytes& b) { f.content = b; })
      .def_readwrite("file_id", &OutgoingFile::file_id)
      .def_readwrite("url", &OutgoingFile::url)
      .def_readwrite("caption", &OutgoingFile::caption)
      .def_readwrite("parse_mode", &OutgoingFile::parse_mode)
      .def_readwrite("keyboard", &OutgoingFile::keyboard);
  Record<BotCommand>(m, "BotCommand",
                     "An entry of the command menu: 'start' (without '/') "
                     "and its description.")
      .def_readwrite("command", &BotCommand::command)
      .def_readwrite("description", &BotCommand::description);

  py::class_<Messenger, PyMessenger>(
      m, "Messenger",
      "The messenger port. Subclass it and define receive(wait: timedelta) "
      "-> list[Update], acknowledge(update_id), send_message(message) -> "
      "SentMessage, edit_message_text(edit), answer_callback_query(answer), "
      "send_photo(file) -> SentMessage, send_document(file) -> SentMessage "
      "and set_commands(commands) to plug another messenger into the bot; "
      "username() -> str (the bot's username, without '@') is optional. "
      "An exception becomes a Status (botcore.PermissionDenied: the user "
      "blocked the bot; botcore.ResourceExhausted: rate limited; OSError: "
      "Unavailable). Called from several threads at once.")
      .def(py::init<>())
      .def(
          "receive",
          [](Messenger& ms, absl::Duration wait) {
            return WithoutGil([&] { return ms.Receive(wait); });
          },
          py::arg("wait"),
          "Waits up to `wait` for new updates and returns them in order.")
      .def(
          "acknowledge",
          [](Messenger& ms, int64_t update_id) {
            WithoutGil([&] { return ms.Acknowledge(update_id); });
          },
          py::arg("update_id"),
          "Records that update_id and every earlier update are handled.")
      .def(
          "send_message",
          [](Messenger& ms, const OutgoingMessage& message) {
            return WithoutGil([&] { return ms.SendMessage(message); });
          },
          py::arg("message"), "Sends a text message.")
      .def(
          "edit_message_text",
          [](Messenger& ms, const MessageEdit& edit) {
            WithoutGil([&] { return ms.EditMessageText(edit); });
          },
          py::arg("edit"), "Replaces the text (and keyboard) of a message.")
      .def(
          "answer_callback_query",
          [](Messenger& ms, const CallbackAnswer& answer) {
            WithoutGil([&] { return ms.AnswerCallbackQuery(answer); });
          },
          py::arg("answer"), "Acknowledges a button press.")
      .def(
          "send_photo",
          [](Messenger& ms, const OutgoingFile& photo) {
            return WithoutGil([&] { return ms.SendPhoto(photo); });
          },
          py::arg("photo"), "Sends a photo.")
      .def(
          "send_document",
          [](Messenger& ms, const OutgoingFile& document) {
            return WithoutGil([&] { return ms.SendDocument(document); });
          },
          py::arg("document"), "Sends a document.")
      .def(
          "set_commands",
          [](Messenger& ms, const std::vector<BotCommand>& commands) {
            WithoutGil([&] { return ms.SetCommands(commands); });
          },
          py::arg("commands"), "Sets the command menu users see.")
      .def(
          "username",
          [](Messenger& ms) {
            return WithoutGil([&] { return ms.Username(); });
          },
          "The bot's own username, without '@'; NotImplementedError when the "
          "messenger has none.");
}

}  // namespace

void BindPorts(py::module_& m) {
  BindMarketData(m);
  BindAdvisor(m);
  BindMessenger(m);
}

}  // namespace botcore::python
