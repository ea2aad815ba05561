// The listening side of the live-feed benchmark: many WebSocket clients of GET /api/v1/live, each
// noting when every case event reached it.
//
// Each client does the upgrade with Boost.Beast's HTTP messages, then reads the socket itself and
// splits the server's (unmasked) frames in place, so that one read of many frames costs one system
// call and no per-frame allocation; it answers pings with pongs and ignores everything but the hello
// and the case events (alone, or several in a batch frame). Clients are spread over `threads` io threads (one io_context each).
//
//   LiveClients clients(target, unders, 2);
//   if (auto r = clients.Open(30s); !r) fail(r.error());
//   clients.BeginRun(base_id, start);   // record events of cases with id > base_id
//   ... post cases ...
//   auto per_client = clients.EndRun(); // what each client received
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace civicgrid::bench::live {

using Clock = std::chrono::steady_clock;

// Where the server is and how to sign in.
struct Target {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string live_key;  // bearer with live.read, sent as ?access_token=
  bool batch = false;    // ask for batch frames (?batch=true): several case events per frame
};

// One case event as one client received it.
struct Delivery {
  uint32_t case_offset;  // case id − the run's base id (always > 0)
  uint32_t at_us;        // receive time, µs since the run's start
};

// What one client got during a run.
struct ClientRun {
  std::string under;                 // its filter
  std::vector<Delivery> deliveries;  // in arrival order
  uint64_t other_events = 0;         // case events of cases not posted in this run (older ids)
  uint64_t unreadable = 0;           // text messages that were neither hello nor a case event with an id
  bool closed = false;               // the connection ended (close frame or error)
};

class LiveClients {
 public:
  // Nothing is opened yet. `unders[i]` is client i's `under` filter ("" = the key's territory).
  LiveClients(Target target, std::vector<std::string> unders, unsigned threads);
  ~LiveClients();
  LiveClients(const LiveClients&) = delete;
  LiveClients& operator=(const LiveClients&) = delete;

  // Connects every client (at most `parallel` upgrades at a time) and waits until each has its
  // hello. Fails naming the first client that could not connect or upgrade, or on timeout.
  Result<void> Open(std::chrono::seconds timeout, unsigned parallel = 64);

  // Starts recording: case events whose id is above `base_id`, with times relative to `start`.
  // Clears what the previous run recorded.
  void BeginRun(int64_t base_id, Clock::time_point start);

  // Case events recorded so far in this run, over all clients (approximate while running).
  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

  // Stops recording and answers each client's run (index = client).
  std::vector<ClientRun> EndRun();

  // Clients whose connection has ended.
  size_t closed() const;

  // Closes every connection and stops the io threads. Called by the destructor if needed.
  void Close();

  size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> delivered_{0};
};

}  // namespace civicgrid::bench::live
