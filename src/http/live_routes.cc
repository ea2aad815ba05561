#include "http/live_routes.h"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json/object.hpp>

#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "common/json.h"
#include "common/log.h"
#include "core/territory.h"

namespace civicgrid::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kDropped = "civicgrid_live_dropped_total";
constexpr std::size_t kMaxClientMessage = 16 * 1024;  // clients have nothing to say; keep them short

// The outgoing side of one session. Touched only on the connection's strand: the feed's listener only
// posts there.
struct Outbox {
  explicit Outbox(const asio::any_io_executor& executor) : wake(executor) {}
  asio::steady_timer wake;         // the writer waits on it; cancelled to wake the writer
  std::deque<std::string> queue;   // messages not yet written, oldest first
  bool reader_done = false;        // the read loop has ended: the connection is closing or gone
};

// Reads (and discards) until the connection closes, which also answers pings and close frames.
asio::awaitable<void> ReadUntilClosed(WebSocketStream& ws, std::shared_ptr<Outbox> box) {
  try {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws.async_read(buffer, kTuple);
      (void)n;
      if (ec) break;
      buffer.consume(buffer.size());
    }
  } catch (const std::exception& e) {
    log::Error("live.read_exception", {{"error", e.what()}});
  }
  box->reader_done = true;
  box->wake.cancel();
}

asio::awaitable<void> RunSession(WebSocketStream& ws, app::LiveFeed& feed, Metrics& metrics, LiveOptions options,
                                 std::string under) {
  ws.text(true);
  ws.read_message_max(kMaxClientMessage);
  // Beast's keep-alive: a ping after half the idle timeout, and a timeout if nothing arrives for the
  // whole of it, so a ping every ping_interval and a client gone quiet is dropped after two.
  websocket::stream_base::timeout timeouts;
  ws.get_option(timeouts);
  timeouts.idle_timeout = 2 * options.ping_interval;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);

  auto box = std::make_shared<Outbox>(ws.get_executor());
  box->queue.push_back(ToJson(boost::json::object{{"type", "hello"}, {"under", under}}));
  const std::size_t limit = options.queue_limit > 0 ? options.queue_limit : 1;
  auto deliver = [box, limit, &metrics](std::string message) {
    if (box->reader_done) return;
    box->queue.push_back(std::move(message));
    if (box->queue.size() > limit) {
      box->queue.pop_front();
      metrics.CounterAdd(kDropped);
    }
    box->wake.cancel();
  };
  const uint64_t id = feed.Subscribe(
      [executor = ws.get_executor(), deliver, under](const std::string& territory, const std::string& message) {
        if (!under.empty() && !IsUnder(territory, under)) return;
        asio::post(executor, [deliver, message] { deliver(message); });
      });
  struct Subscription {
    app::LiveFeed& feed;
    uint64_t id;
    ~Subscription() { feed.Unsubscribe(id); }
  } subscription{feed, id};

  asio::co_spawn(ws.get_executor(), ReadUntilClosed(ws, box), asio::detached);
  // Write until the reader sees the connection end; the stream must not be left to the server (this
  // coroutine returning) before the reader is done with it.
  bool write_failed = false;
  while (!box->reader_done) {
    if (!write_failed && ws.is_open() && !box->queue.empty()) {
      std::string message = std::move(box->queue.front());
      box->queue.pop_front();
      auto [ec, n] = co_await ws.async_write(asio::buffer(message), kTuple);
      (void)n;
      if (ec) {
        // The connection is broken: make sure the pending read ends too.
        write_failed = true;
        beast::get_lowest_layer(ws).cancel();
      }
      continue;
    }
    // Nothing to write (or closing): sleep until a message arrives or the reader ends.
    box->wake.expires_at(asio::steady_timer::time_point::max());
    auto [ec] = co_await box->wake.async_wait(kTuple);
    (void)ec;
  }
}

// Checks the subscriber: signed in (bearer header or ?access_token=), holding live.read, and `under`
// inside their territory ("" becomes their one territory).
Result<void> Subscriber(const Guard& guard, Request& request, std::string& under) {
  if (guard.authenticate) {
    auto who = guard.authenticate(request);
    if (!who) return who.error();
    if (*who) request.principal = std::make_shared<const Principal>(std::move(**who));
  }
  if (!request.principal) return Error::Unauthorized("sign in first: pass access_token=<token>");
  const Principal& p = *request.principal;
  if (!p.Has(Permission::kLiveRead)) {
    if (guard.denied) guard.denied(request, Permission::kLiveRead);
    return Error::Forbidden("your roles do not allow live.read");
  }
  if (under.empty()) {
    const auto roots = TerritoryRoots(p, Permission::kLiveRead);
    if (roots.size() == 1) under = roots.front();
    else if (std::find(roots.begin(), roots.end(), "") == roots.end())
      return Error::InvalidArgument("under is required: your scope has several territories (or none)", "under");
  }
  if (!CoversTerritory(p, Permission::kLiveRead, under)) {
    if (guard.denied) guard.denied(request, Permission::kLiveRead);
    return Error::NotFound("no territory " + under + " in your scope", "under");
  }
  return {};
}

}  // namespace

void AddLiveRoutes(Server& server, app::LiveFeed& feed, Metrics& metrics, Guard guard, LiveOptions options) {
  metrics.Describe(kDropped, Metrics::Type::kCounter,
                   "Live feed messages dropped because a WebSocket client read too slowly.");
  metrics.CounterAdd(kDropped, {}, 0);
  server.AddWebSocket("/api/v1/live", "live",
                      [&feed, &metrics, options, guard](Request& request) -> Result<WebSocketSession> {
                        std::string under = request.Query("under");
                        if (!under.empty()) {
                          if (auto level = ValidateCode(under, "under"); !level) return level.error();
                        }
                        if (auto who = Subscriber(guard, request, under); !who) return who.error();
                        return WebSocketSession([&feed, &metrics, options, under](WebSocketStream& ws) {
                          return RunSession(ws, feed, metrics, options, under);
                        });
                      });
}

}  // namespace civicgrid::http
