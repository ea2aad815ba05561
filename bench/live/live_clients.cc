#include "live/live_clients.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <cctype>
#include <charconv>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

namespace civicgrid::bench::live {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kHello = R"({"type":"hello")";
constexpr std::string_view kCaseEvent = R"({"type":"case_event")";
constexpr std::string_view kBatch = R"({"type":"batch")";
constexpr std::string_view kCaseId = R"("case":{"id":)";

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string QueryEscape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The case id of a case_event message, or nothing. The server writes {"type":..,"case":{"id":N,…}
// (Boost.JSON keeps member order), so a scan finds it; anything else is parsed properly.
std::optional<int64_t> CaseIdOf(std::string_view m) {
  if (auto at = m.find(kCaseId); at != std::string_view::npos) {
    const char* first = m.data() + at + kCaseId.size();
    int64_t id = 0;
    auto [end, ec] = std::from_chars(first, m.data() + m.size(), id);
    if (ec == std::errc() && end != first) return id;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(m, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* c = v.as_object().if_contains("case");
  if (!c || !c->is_object()) return std::nullopt;
  const auto* id = c->as_object().if_contains("id");
  if (!id || !id->is_int64()) return std::nullopt;
  return id->as_int64();
}

}  // namespace

// One WebSocket client. Touched only on its worker's thread, except `closed` and, between runs
// (after LiveClients::Sync), `run`.
struct Client {
  Client(asio::io_context& ioc, size_t index, std::string under) : index(index), socket(ioc) {
    run.under = std::move(under);
  }
  size_t index;
  tcp::socket socket;
  std::vector<char> buf = std::vector<char>(64 * 1024);
  size_t have = 0;               // bytes in buf not yet parsed
  std::string fragments;         // a text message arriving in several frames
  bool hello = false;
  bool writing = false;          // a pong is being written
  std::string pong;
  std::atomic<bool> closed{false};
  ClientRun run;
};

struct Worker {
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{ioc.get_executor()};
  std::thread thread;
};

struct LiveClients::Impl {
  Target target;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<Client>> clients;
  std::atomic<uint64_t>* delivered = nullptr;

  // The run being recorded: `start` and `base` are written before `recording` is set (release).
  std::atomic<bool> recording{false};
  Clock::time_point start;
  int64_t base = 0;

  // Opening.
  std::atomic<size_t> hellos{0}, failures{0};
  std::mutex mu;
  std::string first_error;  // guarded by mu
  bool stopped = false;

  Worker& WorkerOf(const Client& c) { return *workers[c.index % workers.size()]; }

  void Fail(Client& c, const std::string& why) {
    {
      std::lock_guard lock(mu);
      if (first_error.empty()) first_error = "client " + std::to_string(c.index) + ": " + why;
    }
    failures.fetch_add(1);
  }

  asio::awaitable<void> Session(Client& c);
  void Parse(Client& c, Clock::time_point now);
  void OnMessage(Client& c, std::string_view m, bool rec, uint32_t at_us, uint64_t& delivered_now);
  // Records one case event (its id, if it had one).
  void Count(Client& c, std::optional<int64_t> id, uint32_t at_us, uint64_t& delivered_now);
  void SendPong(Client& c, std::string_view payload);
  // Runs an empty task on every worker and waits: afterwards every handler that could have seen
  // the previous recording state has finished.
  void Sync();
};

asio::awaitable<void> LiveClients::Impl::Session(Client& c) {
  boost::system::error_code address_ec;
  auto address = asio::ip::make_address(target.host, address_ec);
  if (address_ec) {
    Fail(c, "bad address " + target.host);
    co_return;
  }
  if (auto [ec] = co_await c.socket.async_connect(tcp::endpoint(address, target.port), kTuple); ec) {
    Fail(c, "connect: " + ec.message());
    co_return;
  }
  c.socket.set_option(tcp::no_delay(true));
  std::string path = "/api/v1/live?access_token=" + QueryEscape(target.live_key);
  if (!c.run.under.empty()) path += "&under=" + QueryEscape(c.run.under);
  if (target.batch) path += "&batch=true";
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, path, 11};
  req.set(bhttp::field::host, target.host + ":" + std::to_string(target.port));
  req.set(bhttp::field::upgrade, "websocket");
  req.set(bhttp::field::connection, "Upgrade");
  req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(bhttp::field::sec_websocket_version, "13");
  if (auto [ec, n] = co_await bhttp::async_write(c.socket, req, kTuple); ec) {
    Fail(c, "upgrade request: " + ec.message());
    co_return;
  }
  beast::flat_buffer head;
  bhttp::response<bhttp::string_body> res;
  if (auto [ec, n] = co_await bhttp::async_read(c.socket, head, res, kTuple); ec) {
    Fail(c, "upgrade answer: " + ec.message());
    co_return;
  }
  if (res.result() != bhttp::status::switching_protocols) {
    Fail(c, "upgrade refused: " + std::to_string(res.result_int()) + " " + res.body());
    co_return;
  }
  // Frames that came with the answer stay in `head`.
  const size_t extra = head.size();
  if (extra > c.buf.size()) c.buf.resize(extra);
  std::memcpy(c.buf.data(), head.data().data(), extra);
  c.have = extra;
  Parse(c, Clock::now());
  while (!c.closed.load(std::memory_order_relaxed)) {
    if (c.have == c.buf.size()) c.buf.resize(c.buf.size() * 2);
    auto [ec, n] = co_await c.socket.async_read_some(asio::buffer(c.buf.data() + c.have, c.buf.size() - c.have), kTuple);
    if (ec) break;
    c.have += n;
    Parse(c, Clock::now());
  }
  if (!c.hello) Fail(c, "connection ended before the hello");
  c.closed.store(true);
}

// Splits the complete frames at the front of c.buf (RFC 6455 §5.2) and keeps the rest.
void LiveClients::Impl::Parse(Client& c, Clock::time_point now) {
  const bool rec = recording.load(std::memory_order_acquire);
  const uint32_t at_us =
      rec && now > start ? static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - start).count())
                         : 0;
  uint64_t delivered_now = 0;
  auto* p = reinterpret_cast<unsigned char*>(c.buf.data());
  size_t pos = 0;
  while (c.have - pos >= 2) {
    const bool fin = p[pos] & 0x80;
    const int opcode = p[pos] & 0x0f;
    const bool masked = p[pos + 1] & 0x80;
    uint64_t len = p[pos + 1] & 0x7f;
    size_t header = 2;
    if (len == 126) {
      if (c.have - pos < 4) break;
      len = (uint64_t{p[pos + 2]} << 8) | p[pos + 3];
      header = 4;
    } else if (len == 127) {
      if (c.have - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[pos + 2 + i];
      header = 10;
    }
    const size_t mask_at = pos + header;
    if (masked) header += 4;
    if (c.have - pos < header + len) {
      if (header + len > c.buf.size()) c.buf.resize(header + len);  // p is re-read next time
      break;
    }
    char* payload = c.buf.data() + pos + header;
    if (masked)
      for (uint64_t i = 0; i < len; ++i) payload[i] = static_cast<char>(payload[i] ^ p[mask_at + i % 4]);
    const std::string_view data(payload, len);
    pos += header + len;
    switch (opcode) {
      case 0x1:
      case 0x2:
        if (fin) OnMessage(c, data, rec, at_us, delivered_now);
        else c.fragments.assign(data);
        break;
      case 0x0:
        c.fragments.append(data);
        if (fin) OnMessage(c, c.fragments, rec, at_us, delivered_now);
        break;
      case 0x9:
        SendPong(c, data);
        break;
      case 0x8:
        c.closed.store(true);
        break;
      default:
        break;
    }
    p = reinterpret_cast<unsigned char*>(c.buf.data());
  }
  if (pos > 0) {
    std::memmove(c.buf.data(), c.buf.data() + pos, c.have - pos);
    c.have -= pos;
  }
  if (delivered_now) delivered->fetch_add(delivered_now, std::memory_order_relaxed);
}

void LiveClients::Impl::OnMessage(Client& c, std::string_view m, bool rec, uint32_t at_us, uint64_t& delivered_now) {
  if (!c.hello) {
    if (m.substr(0, kHello.size()) == kHello) {
      c.hello = true;
      hellos.fetch_add(1);
    }
    return;
  }
  if (!rec) return;
  if (m.substr(0, kBatch.size()) == kBatch) {
    // {"type":"batch","messages":[{"type":"case_event","case":{"id":…},…},…]}
    size_t events = 0;
    for (size_t at = m.find(kCaseEvent); at != std::string_view::npos; at = m.find(kCaseEvent, at + 1), ++events) {
      const size_t next = m.find(kCaseEvent, at + 1);
      Count(c, CaseIdOf(m.substr(at, next == std::string_view::npos ? next : next - at)), at_us, delivered_now);
    }
    if (events == 0) ++c.run.unreadable;
    return;
  }
  if (m.substr(0, kCaseEvent.size()) != kCaseEvent) {
    ++c.run.unreadable;
    return;
  }
  Count(c, CaseIdOf(m), at_us, delivered_now);
}

void LiveClients::Impl::Count(Client& c, std::optional<int64_t> id, uint32_t at_us, uint64_t& delivered_now) {
  if (!id) {
    ++c.run.unreadable;
  } else if (*id > base) {
    c.run.deliveries.push_back({static_cast<uint32_t>(*id - base), at_us});
    ++delivered_now;
  } else {
    ++c.run.other_events;
  }
}

// Answers a ping with a pong carrying its payload (client frames are masked). One at a time: a
// ping that comes while the previous pong is still being written is not answered.
void LiveClients::Impl::SendPong(Client& c, std::string_view payload) {
  if (c.writing || payload.size() > 125) return;
  const unsigned char key[4] = {0x37, 0x13, 0x02, 0x04};
  c.pong.clear();
  c.pong += static_cast<char>(0x8A);
  c.pong += static_cast<char>(0x80 | payload.size());
  c.pong.append(reinterpret_cast<const char*>(key), 4);
  for (size_t i = 0; i < payload.size(); ++i) c.pong += static_cast<char>(payload[i] ^ key[i % 4]);
  c.writing = true;
  asio::async_write(c.socket, asio::buffer(c.pong), [&c](boost::system::error_code, size_t) { c.writing = false; });
}

void LiveClients::Impl::Sync() {
  std::vector<std::future<void>> done;
  for (auto& w : workers) {
    auto promise = std::make_shared<std::promise<void>>();
    done.push_back(promise->get_future());
    asio::post(w->ioc, [promise] { promise->set_value(); });
  }
  for (auto& f : done) f.wait();
}

LiveClients::LiveClients(Target target, std::vector<std::string> unders, unsigned threads)
    : impl_(std::make_unique<Impl>()) {
  impl_->target = std::move(target);
  impl_->delivered = &delivered_;
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) impl_->workers.push_back(std::make_unique<Worker>());
  for (size_t i = 0; i < unders.size(); ++i) {
    auto& w = *impl_->workers[i % threads];
    impl_->clients.push_back(std::make_unique<Client>(w.ioc, i, std::move(unders[i])));
  }
  for (auto& w : impl_->workers) w->thread = std::thread([&ioc = w->ioc] { ioc.run(); });
}

LiveClients::~LiveClients() { Close(); }

size_t LiveClients::size() const { return impl_->clients.size(); }

Result<void> LiveClients::Open(std::chrono::seconds timeout, unsigned parallel) {
  Impl& im = *impl_;
  const auto deadline = Clock::now() + timeout;
  size_t launched = 0;
  for (;;) {
    const size_t settled = im.hellos.load() + im.failures.load();
    if (im.failures.load() > 0) break;
    if (settled == im.clients.size()) return {};
    while (launched < im.clients.size() && launched - std::min(launched, settled) < parallel) {
      Client& c = *im.clients[launched++];
      asio::co_spawn(im.WorkerOf(c).ioc, im.Session(c), asio::detached);
    }
    if (Clock::now() > deadline) {
      return Error::Internal("only " + std::to_string(im.hellos.load()) + " of " + std::to_string(im.clients.size()) +
                             " clients had their hello within " + std::to_string(timeout.count()) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::lock_guard lock(im.mu);
  return Error::Internal(im.first_error);
}

void LiveClients::BeginRun(int64_t base_id, Clock::time_point start) {
  Impl& im = *impl_;
  im.recording.store(false);
  im.Sync();
  for (auto& c : im.clients) {
    std::string under = std::move(c->run.under);
    c->run = ClientRun{};
    c->run.under = std::move(under);
  }
  delivered_.store(0);
  im.base = base_id;
  im.start = start;
  im.recording.store(true, std::memory_order_release);
}

std::vector<ClientRun> LiveClients::EndRun() {
  Impl& im = *impl_;
  im.recording.store(false);
  im.Sync();
  std::vector<ClientRun> out;
  out.reserve(im.clients.size());
  for (auto& c : im.clients) {
    ClientRun r;
    r.under = c->run.under;
    r.deliveries = std::move(c->run.deliveries);
    r.other_events = c->run.other_events;
    r.unreadable = c->run.unreadable;
    r.closed = c->closed.load();
    c->run.deliveries = {};
    out.push_back(std::move(r));
  }
  return out;
}

size_t LiveClients::closed() const {
  size_t n = 0;
  for (auto& c : impl_->clients) n += c->closed.load() ? 1 : 0;
  return n;
}

void LiveClients::Close() {
  Impl& im = *impl_;
  if (im.stopped) return;
  im.stopped = true;
  for (auto& w : im.workers) {
    asio::post(w->ioc, [&im, w = w.get()] {
      for (auto& c : im.clients) {
        if (&im.WorkerOf(*c) != w) continue;
        boost::system::error_code ec;
        c->socket.shutdown(tcp::socket::shutdown_both, ec);
        c->socket.close(ec);
      }
    });
    w->guard.reset();
  }
  for (auto& w : im.workers) {
    // Let the sessions see their sockets closed, then stop whatever is left (e.g. a pong write).
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    w->ioc.stop();
    if (w->thread.joinable()) w->thread.join();
  }
}

}  // namespace civicgrid::bench::live
