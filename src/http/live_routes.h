// The live feed over WebSocket: GET /api/v1/live[?under=CODE] streams app::LiveFeed messages.
//
// After the upgrade the client first gets {"type":"hello","under":"<code or empty>"}, then every
// message published to the feed whose territory code starts with `under` (every message without it),
// verbatim, one text frame each, in publish order. A malformed `under` is refused before upgrading
// with a 400 JSON error naming field "under"; an empty one means no filter. With ?batch=true the
// messages queued for the client go out together, at most one frame per batch_interval: a single
// message as itself, several as {"type":"batch","messages":[m1,m2,…]} (any other value of batch is a
// 400 naming "batch"). What the client sends is read and ignored. The server pings every
// ping_interval and drops a client that sends nothing (not even the pong) for two intervals. A client
// that reads too slowly loses the oldest of its unsent messages beyond queue_limit; they are counted
// in civicgrid_live_dropped_total.
//
// Each message is one shared copy for every session. The publisher only queues it for the session
// and wakes the session's writer if it sleeps; a writer that is busy finds it when it next looks.
//
//   app::LiveFeed feed;                          // must outlive the server
//   Server server(options, router, metrics);
//   AddLiveRoutes(server, feed, metrics);        // before server.Start()
#pragma once

#include <chrono>
#include <cstddef>

#include "app/live_feed.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace civicgrid::http {

struct LiveOptions {
  std::size_t queue_limit = 1000;                    // unsent messages kept per client; older ones dropped
  std::chrono::milliseconds ping_interval{30000};    // how often each client is pinged
  std::chrono::milliseconds batch_interval{20};      // batch=true: at most one frame per interval
};

// Registers the WebSocket endpoint /api/v1/live (route "live") on `server` and declares
// civicgrid_live_dropped_total in `metrics`. `feed` and `metrics` must outlive the server. Each session
// subscribes to `feed` when it opens and unsubscribes when it ends.
// Registers GET /api/v1/live?under=CODE&access_token=TOKEN (WebSocket). The subscriber must hold
// live.read and `under` must lie in their territory (default: their one territory); `guard` is the
// router's (it authenticates the token).
void AddLiveRoutes(Server& server, app::LiveFeed& feed, Metrics& metrics, Guard guard, LiveOptions options = {});

}  // namespace civicgrid::http
