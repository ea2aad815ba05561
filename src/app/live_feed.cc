#include "app/live_feed.h"

#include <exception>
#include <utility>

#include "common/log.h"

namespace civicgrid::app {

// Publish calls the listeners with mu_ held: that is what makes Unsubscribe's promise hold (it waits
// for a Publish in progress), and it keeps concurrent publishers' messages in one order for every
// listener. The price is that a listener must not call back into the feed, which the contract's
// "only hand the message over" already rules out.

uint64_t LiveFeed::Subscribe(Listener listener) {
  return Subscribe(SharedListener([listener = std::move(listener)](const std::string& territory, const Message& message) {
    listener(territory, *message);
  }));
}

uint64_t LiveFeed::Subscribe(SharedListener listener) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void LiveFeed::Unsubscribe(uint64_t id) {
  SharedListener removed;
  {
    std::lock_guard lock(mu_);
    auto it = listeners_.find(id);
    if (it == listeners_.end()) return;
    removed = std::move(it->second);
    listeners_.erase(it);
  }
  // `removed` (and what it captured) is destroyed here, outside the lock.
}

void LiveFeed::Publish(const std::string& territory, std::string text) {
  const Message message = std::make_shared<const std::string>(std::move(text));
  std::lock_guard lock(mu_);
  // Ids grow with each Subscribe, so map order is subscription order.
  for (auto& [id, listener] : listeners_) {
    try {
      listener(territory, message);
    } catch (const std::exception& e) {
      // One failing listener must not starve the others (nor the publisher).
      log::Error("live.listener_exception", {{"listener", id}, {"error", e.what()}});
    } catch (...) {
      log::Error("live.listener_exception", {{"listener", id}, {"error", "unknown"}});
    }
  }
}

size_t LiveFeed::listeners() const {
  std::lock_guard lock(mu_);
  return listeners_.size();
}

}  // namespace civicgrid::app
