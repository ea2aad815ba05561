#include "live/poster.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <cstdio>
#include <sstream>

namespace civicgrid::bench::live {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

int64_t Micros(Clock::duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); }

bhttp::request<bhttp::string_body> ReportRequest(const PostTarget& target, const Point& at, size_t n) {
  char body[256];
  std::snprintf(body, sizeof body,
                R"({"channel":"iot","description":"live feed benchmark %zu","location":{"lon":%.7f,"lat":%.7f}})", n,
                at.lon, at.lat);
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/cases", 11};
  req.set(bhttp::field::host, target.host + ":" + std::to_string(target.port));
  req.set(bhttp::field::authorization, "Bearer " + target.report_key);
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  return req;
}

// Reads the id and territory of a 201 into `post`, or says why not.
void ReadAnswer(const bhttp::response<bhttp::string_body>& res, Post& post) {
  if (res.result() != bhttp::status::created) {
    post.error = std::to_string(res.result_int()) + " " + res.body().substr(0, 300);
    return;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body(), ec);
  const boost::json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  const auto* id = o ? o->if_contains("id") : nullptr;
  const auto* territory = o ? o->if_contains("territory") : nullptr;
  if (!id || !id->is_int64() || !territory || !territory->is_string()) {
    post.error = "201 without id and territory: " + res.body().substr(0, 300);
    return;
  }
  post.id = id->as_int64();
  post.territory = std::string(territory->as_string());
}

struct Run {
  const PostTarget& target;
  const std::vector<Point>& points;
  size_t first_point;
  Clock::time_point start;
  Clock::duration period;
  Clock::time_point give_up;
  std::vector<Post> posts;
  size_t next = 0;  // the next case to send (one thread)
};

asio::awaitable<void> Connection(Run& run) {
  auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  asio::steady_timer timer(executor);
  beast::flat_buffer buffer;
  bool connected = false;
  while (run.next < run.posts.size()) {
    const size_t i = run.next++;
    Post& post = run.posts[i];
    const auto due = run.start + i * run.period;
    post.due_us = Micros(due - run.start);
    timer.expires_at(due);
    co_await timer.async_wait(kTuple);
    if (Clock::now() > run.give_up) {
      post.error = kNotSent;
      continue;
    }
    if (!connected) {
      socket = tcp::socket(executor);
      auto [ec] = co_await socket.async_connect(
          tcp::endpoint(asio::ip::make_address(run.target.host), run.target.port), kTuple);
      if (ec) {
        post.error = "connect: " + ec.message();
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      buffer.clear();
      connected = true;
    }
    const auto left = Clock::now();
    post.lag_us = Micros(left - due);
    auto req = ReportRequest(run.target, run.points[(run.first_point + i) % run.points.size()], i);
    auto [wec, wn] = co_await bhttp::async_write(socket, req, kTuple);
    bhttp::response<bhttp::string_body> res;
    boost::system::error_code rec = wec;
    if (!wec) std::tie(rec, std::ignore) = co_await bhttp::async_read(socket, buffer, res, kTuple);
    post.answer_us = Micros(Clock::now() - left);
    if (rec) {
      post.error = "HTTP: " + rec.message();
      connected = false;
      continue;
    }
    ReadAnswer(res, post);
    if (!res.keep_alive()) connected = false;
  }
}

// One synchronous request on a new connection.
Result<bhttp::response<bhttp::string_body>> Exchange(const std::string& host, unsigned short port,
                                                     bhttp::request<bhttp::string_body> req) {
  try {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address(host), port));
    req.set(bhttp::field::host, host + ":" + std::to_string(port));
    req.keep_alive(false);
    req.prepare_payload();
    bhttp::write(socket, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket, buffer, parser);
    return parser.release();
  } catch (const std::exception& e) {
    return Error::Internal(std::string(req.target()) + ": " + e.what());
  }
}

}  // namespace

std::vector<Post> PostCases(const PostTarget& target, const std::vector<Point>& points, size_t first_point,
                            size_t count, double rate, Clock::time_point start, Clock::time_point give_up,
                            unsigned connections) {
  Run run{target, points, first_point, start,
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate)), give_up, {}, 0};
  run.posts.resize(count);
  asio::io_context ioc{1};
  for (unsigned c = 0; c < std::max(1u, connections); ++c) asio::co_spawn(ioc, Connection(run), asio::detached);
  ioc.run();
  return std::move(run.posts);
}

Result<std::string> HttpGet(const std::string& host, unsigned short port, const std::string& target,
                            const std::string& bearer) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
  if (!bearer.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer);
  auto res = Exchange(host, port, std::move(req));
  if (!res) return res.error();
  if (res->result() != bhttp::status::ok)
    return Error::Internal("GET " + target + ": " + std::to_string(res->result_int()) + " " + res->body().substr(0, 300));
  return std::move(res->body());
}

Result<Post> PostOneCase(const PostTarget& target, const Point& at) {
  const auto left = Clock::now();
  auto res = Exchange(target.host, target.port, ReportRequest(target, at, 0));
  if (!res) return res.error();
  Post post;
  post.answer_us = Micros(Clock::now() - left);
  ReadAnswer(*res, post);
  if (!post.error.empty()) return Error::Internal("POST /api/v1/cases: " + post.error);
  return post;
}

double MetricValue(const std::string& page, const std::string& name) {
  std::istringstream in(page);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.compare(0, name.size(), name) != 0) continue;
    if (line.size() > name.size() && line[name.size()] != ' ' && line[name.size()] != '{') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

}  // namespace civicgrid::bench::live
