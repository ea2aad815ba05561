// The live feed: case events published in-process to whoever listens (the WebSocket at /api/v1/live,
// later the big screen's aggregator).
//
// Publishing never blocks on a listener: a listener is called on the publisher's thread and must only
// hand the message over (e.g. post it to its own executor). Each message carries the territory code
// of its case so that listeners can keep only a subtree. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace civicgrid::app {

class LiveFeed {
 public:
  // Called with (territory code of the case, message text — one JSON object).
  using Listener = std::function<void(const std::string& territory, const std::string& message)>;

  // Registers a listener; answers its id for Unsubscribe.
  uint64_t Subscribe(Listener listener);
  // Removes a listener; once this returns, the listener is not called again. Unknown ids are ignored.
  void Unsubscribe(uint64_t id);
  // Calls every listener with the message, in subscription order.
  void Publish(const std::string& territory, const std::string& message);
  // Number of listeners now.
  size_t listeners() const;

 private:
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Listener> listeners_;
};

}  // namespace civicgrid::app
