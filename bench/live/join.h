// The live-feed benchmark's arithmetic: what each client should have received (every reported case
// under its filter), what it did receive and when, as delivery latencies and misses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "live/live_clients.h"
#include "live/poster.h"

namespace civicgrid::bench::live {

// One run over all (client, case) pairs.
struct RunResult {
  // Delivery latency (receive − scheduled send) over every delivered pair.
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double fanout_p99_ms = 0;           // p99 of (receive − the first receive of the same case by any client)
  double deliveries_per_second = 0;  // delivered pairs / the run's posting time
  uint64_t expected = 0;             // pairs that should have been delivered
  uint64_t delivered = 0;            // of those, received
  uint64_t missing = 0;              // expected − delivered
  uint64_t unexpected = 0;           // received but not due to that client (wrong filter, unknown case)
  uint64_t duplicates = 0;           // received twice by one client
  uint64_t other_events = 0;         // events of older cases (e.g. the overdue job's), not counted
  uint64_t unreadable = 0;           // messages that were not case events
  size_t closed = 0;                 // clients whose connection ended during the run
  size_t posted = 0;                 // reports answered 201
  size_t failed = 0;                 // reports that failed
  size_t unsent = 0;                 // reports not sent: the server had fallen too far behind
  std::string first_failure;
  double intake_p50_ms = 0, intake_p99_ms = 0;  // the 201's round trip
  double send_lag_max_ms = 0;                   // worst delay of a report behind its schedule
};

// Joins the run's reports (ids above `base`) with what the clients received. Sorts each client's
// deliveries in place. `seconds` is the posting time.
RunResult Join(const std::vector<Post>& posts, int64_t base, std::vector<ClientRun>& clients, double seconds);

// The q-quantile (0..1) of `values` (reordered), 0 when empty.
double Quantile(std::vector<double>& values, double q);

}  // namespace civicgrid::bench::live
