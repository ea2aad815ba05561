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

#include <chrono>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
constexpr std::size_t kMaxBatch = 256;  // messages in one batch frame (batch=true)

// The outgoing side of one session. The feed's listener (on a publishing thread) appends to `queue`;
// the writer (on the connection's strand) takes from it. Messages are shared with every other session.
struct Outbox {
  explicit Outbox(const asio::any_io_executor& executor) : executor(executor), wake(executor) {}
  asio::any_io_executor executor;  // the connection's strand
  asio::steady_timer wake;         // strand only: the writer sleeps on it; cancelled to wake the writer
  std::mutex mu;
  std::deque<app::LiveFeed::Message> queue;  // guarded by mu: messages not yet written, oldest first
  bool sleeping = false;     // guarded by mu: the writer waits on `wake` and nobody has woken it yet
  bool reader_done = false;  // guarded by mu: the read loop has ended, the connection is closing or gone
};

// Wakes the writer on its strand.
void Wake(const std::shared_ptr<Outbox>& box) {
  asio::post(box->executor, [box] { box->wake.cancel(); });
}

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
  {
    std::lock_guard lock(box->mu);
    box->reader_done = true;
    box->queue.clear();
  }
  box->wake.cancel();
}

// Appends {"type":"batch","messages":[m1,m2,…]} to `out`.
void AppendBatch(const std::vector<app::LiveFeed::Message>& messages, std::string& out) {
  constexpr std::string_view head = R"({"type":"batch","messages":[)";
  std::size_t size = head.size() + 2 + messages.size();
  for (const auto& m : messages) size += m->size();
  out.reserve(size);
  out += head;
  for (const auto& m : messages) {
    out += *m;
    out += ',';
  }
  out.back() = ']';
  out += '}';
}

asio::awaitable<void> RunSession(WebSocketStream& ws, app::LiveFeed& feed, Metrics& metrics, LiveOptions options,
                                 std::string under, bool batch) {
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
  const std::size_t limit = options.queue_limit > 0 ? options.queue_limit : 1;
  // Runs on the publisher's thread: queue the message (the oldest beyond the limit are dropped) and
  // wake the writer if it sleeps; a writer that is busy finds the message when it next looks.
  const uint64_t id = feed.Subscribe(app::LiveFeed::SharedListener(
      [box, limit, under, &metrics](const std::string& territory, const app::LiveFeed::Message& message) {
        if (!under.empty() && !IsUnder(territory, under)) return;
        std::size_t dropped = 0;
        bool wake = false;
        {
          std::lock_guard lock(box->mu);
          if (box->reader_done) return;
          box->queue.push_back(message);
          for (; box->queue.size() > limit; ++dropped) box->queue.pop_front();
          wake = std::exchange(box->sleeping, false);
        }
        if (dropped) metrics.CounterAdd(kDropped, {}, static_cast<double>(dropped));
        if (wake) Wake(box);
      }));
  struct Subscription {
    app::LiveFeed& feed;
    uint64_t id;
    ~Subscription() { feed.Unsubscribe(id); }
  } subscription{feed, id};

  asio::co_spawn(ws.get_executor(), ReadUntilClosed(ws, box), asio::detached);
  // The hello comes first and alone; what was published meanwhile waits in the queue.
  const std::string hello = ToJson(boost::json::object{{"type", "hello"}, {"under", under}});
  auto [hello_ec, hello_n] = co_await ws.async_write(asio::buffer(hello), kTuple);
  (void)hello_n;
  bool write_failed = false;
  if (hello_ec) {
    write_failed = true;
    beast::get_lowest_layer(ws).cancel();
  }
  // Write until the reader sees the connection end; the stream must not be left to the server (this
  // coroutine returning) before the reader is done with it. Each turn takes one message, or with
  // `batch` everything queued (up to kMaxBatch) but at most one frame per batch_interval.
  std::vector<app::LiveFeed::Message> taken;
  std::string text;
  auto next_frame = std::chrono::steady_clock::now();  // with `batch`: when the next frame may go
  for (;;) {
    bool pause = false;
    {
      std::lock_guard lock(box->mu);
      if (box->reader_done) break;
      if (write_failed || !ws.is_open() || box->queue.empty()) {
        box->sleeping = true;
      } else if (batch && std::chrono::steady_clock::now() < next_frame) {
        pause = true;  // the messages wait for the others that will come meanwhile
      } else {
        const std::size_t n = batch ? std::min(box->queue.size(), kMaxBatch) : 1;
        for (std::size_t i = 0; i < n; ++i) {
          taken.push_back(std::move(box->queue.front()));
          box->queue.pop_front();
        }
      }
    }
    if (!taken.empty()) {
      asio::const_buffer frame = asio::buffer(*taken.front());
      if (taken.size() > 1) {
        text.clear();
        AppendBatch(taken, text);
        frame = asio::buffer(text);
      }
      auto [ec, n] = co_await ws.async_write(frame, kTuple);
      (void)n;
      taken.clear();
      if (batch) next_frame = std::chrono::steady_clock::now() + options.batch_interval;
      if (ec) {
        // The connection is broken: make sure the pending read ends too.
        write_failed = true;
        beast::get_lowest_layer(ws).cancel();
      }
      continue;
    }
    // Nothing to write (or closing): sleep until a message arrives or the reader ends; or, pausing
    // between batch frames, until the next frame may go.
    box->wake.expires_at(pause ? next_frame : asio::steady_timer::time_point::max());
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
                        const std::string batch = request.Query("batch", "false");
                        if (batch != "true" && batch != "false")
                          return Error::InvalidArgument("batch must be true or false", "batch");
                        if (auto who = Subscriber(guard, request, under); !who) return who.error();
                        return WebSocketSession(
                            [&feed, &metrics, options, under, batched = batch == "true"](WebSocketStream& ws) {
                              return RunSession(ws, feed, metrics, options, under, batched);
                            });
                      });
}

}  // namespace civicgrid::http
