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
#include <memory>
#include <mutex>
#include <string>

namespace civicgrid::app {

class LiveFeed {
 public:
  // One published message text (one JSON object), shared by every listener that keeps it.
  using Message = std::shared_ptr<const std::string>;
  // Called with (territory code of the case, message text).
  using Listener = std::function<void(const std::string& territory, const std::string& message)>;
  // The same, for listeners that keep the message: they hold the one shared copy instead of copying it.
  using SharedListener = std::function<void(const std::string& territory, const Message& message)>;

  // Registers a listener; answers its id for Unsubscribe.
  uint64_t Subscribe(Listener listener);
  uint64_t Subscribe(SharedListener listener);
  // Removes a listener; once this returns, the listener is not called again. Unknown ids are ignored.
  void Unsubscribe(uint64_t id);
  // Calls every listener with the message `text`, in subscription order. The text is stored once,
  // whatever the number of listeners.
  void Publish(const std::string& territory, std::string text);
  // Number of listeners now.
  size_t listeners() const;

 private:
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, SharedListener> listeners_;
};

}  // namespace civicgrid::app
