// A synchronous WebSocket client for tests against a real server on loopback.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace civicgrid::testing {

// A synchronous WebSocket client whose reads give up after 5 s.
class WsClient {
 public:
  explicit WsClient(unsigned short port, int receive_buffer = 0) : ws_(ioc_) {
    auto& socket = ws_.next_layer();
    socket.open(boost::asio::ip::tcp::v4());
    if (receive_buffer > 0) socket.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    timeval tv{5, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.control_callback([this](boost::beast::websocket::frame_type kind, boost::beast::string_view) {
      if (kind == boost::beast::websocket::frame_type::ping) ++pings_;
    });
  }
  // Upgrades at `target`; answers the handshake error, the HTTP response is in response().
  boost::beast::error_code Handshake(const std::string& target) {
    boost::beast::error_code ec;
    ws_.handshake(response_, "127.0.0.1", target, ec);
    return ec;
  }
  // The next message, or nullopt (with the error in error()) when the read fails.
  std::optional<std::string> Read() {
    boost::beast::flat_buffer buffer;
    ws_.read(buffer, error_);
    if (error_) return std::nullopt;
    return boost::beast::buffers_to_string(buffer.data());
  }
  void Close() {
    boost::beast::error_code ec;
    ws_.close(boost::beast::websocket::close_code::normal, ec);
  }
  const boost::beast::error_code& error() const { return error_; }
  const boost::beast::websocket::response_type& response() const { return response_; }
  boost::beast::websocket::close_reason reason() const { return ws_.reason(); }
  int pings() const { return pings_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::websocket::response_type response_;
  boost::beast::error_code error_;
  int pings_ = 0;
};

}  // namespace civicgrid::testing
