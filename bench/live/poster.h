// The publishing side of the live-feed benchmark: cases reported through POST /api/v1/cases at a
// fixed rate, open loop (each request leaves at its scheduled time whatever the answers before it),
// over a few keep-alive connections; and the few plain HTTP requests the benchmark needs besides.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "live/live_clients.h"

namespace civicgrid::bench::live {

// A place to report a case at (WGS84).
struct Point {
  double lon = 0, lat = 0;
};

// One reported case as the poster saw it.
struct Post {
  int64_t id = 0;            // from the 201; 0 if the report failed
  std::string territory;     // from the 201
  int64_t due_us = 0;        // scheduled send time, µs since the run's start: the latency's origin
  int64_t lag_us = 0;        // how late it actually left (a connection was busy)
  int64_t answer_us = 0;     // from leaving to the whole 201
  std::string error;         // why it failed, when it did
};

// Where to post and as whom.
struct PostTarget {
  std::string host;
  unsigned short port = 0;
  std::string report_key;  // bearer with case.report
};

// Reports `count` cases, case i at `start` + i/`rate` s at points[(first_point + i) % size], over
// `connections` keep-alive connections, and answers them in schedule order once every one is
// answered. A case that could not leave before `give_up` (every connection still waiting for an
// answer) is not sent: its error says so. Runs in the calling thread.
std::vector<Post> PostCases(const PostTarget& target, const std::vector<Point>& points, size_t first_point,
                            size_t count, double rate, Clock::time_point start, Clock::time_point give_up,
                            unsigned connections);

// The error of a case that was not sent (see PostCases).
inline constexpr const char* kNotSent = "not sent: the server fell behind the schedule";

// A plain HTTP GET on a new connection; answers the body of a 200, else an error with the status.
Result<std::string> HttpGet(const std::string& host, unsigned short port, const std::string& target,
                            const std::string& bearer = {});

// Reports one case now and answers it (to learn the case id at which a run starts).
Result<Post> PostOneCase(const PostTarget& target, const Point& at);

// The value of counter `name` (summed over its labels) in a Prometheus text page; 0 if absent.
double MetricValue(const std::string& page, const std::string& name);

}  // namespace civicgrid::bench::live
