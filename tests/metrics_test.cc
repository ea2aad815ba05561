// Metrics rendering (Prometheus text format 0.0.4) and structured log line formatting.
#include "http/metrics.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/log.h"

namespace civicgrid::http {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Metrics, CountersWithLabelsAndHelp) {
  Metrics metrics;
  metrics.Describe("app_requests_total", Metrics::Type::kCounter, "Requests.\nSecond line \\ here.");
  metrics.CounterAdd("app_requests_total", {{"route", "a"}, {"status", "200"}});
  metrics.CounterAdd("app_requests_total", {{"route", "a"}, {"status", "200"}}, 2);
  metrics.CounterAdd("app_requests_total", {{"route", "b"}, {"status", "404"}});
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# HELP app_requests_total Requests.\\nSecond line \\\\ here.\n")) << text;
  EXPECT_TRUE(Contains(text, "# TYPE app_requests_total counter\n")) << text;
  EXPECT_TRUE(Contains(text, "app_requests_total{route=\"a\",status=\"200\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "app_requests_total{route=\"b\",status=\"404\"} 1\n")) << text;
  EXPECT_EQ(metrics.Value("app_requests_total", {{"route", "a"}, {"status", "200"}}), 3);
  EXPECT_TRUE(std::isnan(metrics.Value("app_requests_total", {{"route", "zzz"}, {"status", "200"}})));
  EXPECT_THROW(metrics.CounterAdd("app_requests_total", {}, -1), std::invalid_argument);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.GaugeSet("app_gauge", {{"path", "a\"b\\c\nd"}}, 1.5);
  EXPECT_TRUE(Contains(metrics.Render(), "app_gauge{path=\"a\\\"b\\\\c\\nd\"} 1.5\n")) << metrics.Render();
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
}

TEST(Metrics, GaugesSetAndAdd) {
  Metrics metrics;
  metrics.Describe("app_connections", Metrics::Type::kGauge, "Open connections.");
  metrics.GaugeAdd("app_connections", {}, 3);
  metrics.GaugeAdd("app_connections", {}, -1);
  EXPECT_EQ(metrics.Value("app_connections"), 2);
  metrics.GaugeSet("app_connections", {}, 7);
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# TYPE app_connections gauge\napp_connections 7\n")) << text;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInf) {
  Metrics metrics;
  metrics.Describe("app_seconds", Metrics::Type::kHistogram, "Durations.", {0.1, 1, 10});
  metrics.Observe("app_seconds", {{"route", "r"}}, 0.05);
  metrics.Observe("app_seconds", {{"route", "r"}}, 0.1);  // le is inclusive
  metrics.Observe("app_seconds", {{"route", "r"}}, 5);
  metrics.Observe("app_seconds", {{"route", "r"}}, 50);
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text,
                       "# TYPE app_seconds histogram\n"
                       "app_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"
                       "app_seconds_bucket{route=\"r\",le=\"1\"} 2\n"
                       "app_seconds_bucket{route=\"r\",le=\"10\"} 3\n"
                       "app_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
                       "app_seconds_sum{route=\"r\"} "))
      << text;
  size_t sum_at = text.find("app_seconds_sum{route=\"r\"} ");
  EXPECT_NEAR(std::stod(text.substr(sum_at + 27)), 55.15, 1e-9);
  EXPECT_TRUE(Contains(text, "app_seconds_count{route=\"r\"} 4\n")) << text;
  EXPECT_EQ(metrics.HistogramCount("app_seconds", {{"route", "r"}}), 4u);
}

TEST(Metrics, DefaultHistogramBuckets) {
  Metrics metrics;
  metrics.Observe("app_latency_seconds", {}, 0.0001);
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "app_latency_seconds_bucket{le=\"0.0005\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "app_latency_seconds_bucket{le=\"10\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "app_latency_seconds_bucket{le=\"+Inf\"} 1\n")) << text;
  EXPECT_EQ(Metrics::DefaultBuckets().front(), 0.0005);
  EXPECT_EQ(Metrics::DefaultBuckets().back(), 10);
}

TEST(Metrics, GaugeCallbacksAreReadAtRender) {
  Metrics metrics;
  double grids = 12;
  metrics.AddGaugeCallback("app_grids", "Grids in the store.", [&grids] { return grids; }, {{"level", "grid"}});
  // A callback may use the Metrics object itself.
  metrics.AddGaugeCallback("app_self", "Reads another metric.", [&metrics] {
    return metrics.Value("app_grids_seen");
  });
  metrics.GaugeSet("app_grids_seen", {}, 4);
  metrics.AddGaugeCallback("app_broken", "Throws.", []() -> double { throw std::runtime_error("x"); });
  std::string text = metrics.Render();
  EXPECT_TRUE(Contains(text, "# HELP app_grids Grids in the store.\n# TYPE app_grids gauge\n"
                             "app_grids{level=\"grid\"} 12\n"))
      << text;
  EXPECT_TRUE(Contains(text, "app_self 4\n")) << text;
  EXPECT_FALSE(Contains(text, "\napp_broken ")) << text;
  grids = 13;
  EXPECT_TRUE(Contains(metrics.Render(), "app_grids{level=\"grid\"} 13\n"));
  // Same name and labels: replaced, not duplicated.
  metrics.AddGaugeCallback("app_grids", "Grids in the store.", [] { return 1.0; }, {{"level", "grid"}});
  std::string again = metrics.Render();
  EXPECT_TRUE(Contains(again, "app_grids{level=\"grid\"} 1\n")) << again;
  EXPECT_EQ(again.find("app_grids{"), again.rfind("app_grids{"));
}

TEST(Metrics, RejectsInvalidNamesAndTypeClashes) {
  Metrics metrics;
  EXPECT_THROW(metrics.Describe("1bad", Metrics::Type::kCounter, ""), std::invalid_argument);
  EXPECT_THROW(metrics.Describe("bad-name", Metrics::Type::kCounter, ""), std::invalid_argument);
  EXPECT_THROW(metrics.CounterAdd("ok_total", {{"bad-label", "x"}}), std::invalid_argument);
  EXPECT_THROW(metrics.Observe("ok_seconds", {{"le", "x"}}, 1), std::invalid_argument);
  EXPECT_THROW(metrics.Describe("h", Metrics::Type::kHistogram, "", {1, 0.5}), std::invalid_argument);
  metrics.CounterAdd("ok_total");
  EXPECT_THROW(metrics.GaugeSet("ok_total", {}, 1), std::invalid_argument);
  EXPECT_THROW(metrics.Describe("ok_total", Metrics::Type::kGauge, ""), std::invalid_argument);
  metrics.Describe("ok_total", Metrics::Type::kCounter, "Now with help.");
  EXPECT_TRUE(Contains(metrics.Render(), "# HELP ok_total Now with help.\n"));
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.CounterAdd("app_hits_total", {{"route", i % 2 ? "odd" : "even"}});
        metrics.Observe("app_time_seconds", {{"thread", std::to_string(t % 2)}}, 0.001);
        if (i % 1000 == 0) (void)metrics.Render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(metrics.Value("app_hits_total", {{"route", "odd"}}) + metrics.Value("app_hits_total", {{"route", "even"}}),
            kThreads * kPerThread);
  EXPECT_EQ(metrics.HistogramCount("app_time_seconds", {{"thread", "0"}}) +
                metrics.HistogramCount("app_time_seconds", {{"thread", "1"}}),
            static_cast<unsigned long long>(kThreads * kPerThread));
}

TEST(Metrics, SampleValueFormatting) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(42), "42");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(1e20), "1e+20");
  EXPECT_EQ(FormatSampleValue(0.0005), "0.0005");
  EXPECT_EQ(FormatSampleValue(1e-9), "1e-09");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_GT(ProcessStartTimeSeconds(), 1.6e9);
}

}  // namespace
}  // namespace civicgrid::http

namespace civicgrid::log {
namespace {

TEST(LogFormat, JsonLineHasTsLevelEventAndTypedFields) {
  std::string line = FormatLine(Format::kJson, Level::kInfo, "2024-05-01T12:00:00.123Z", "http.request",
                                {{"method", "GET"},
                                 {"path", std::string("/x\"y\n")},
                                 {"status", 200},
                                 {"bytes", static_cast<std::size_t>(12)},
                                 {"ms", 1.5},
                                 {"ok", true},
                                 {"event", "ignored"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto value = boost::json::parse(line);
  const auto& object = value.as_object();
  EXPECT_EQ(object.begin()->key(), "ts");
  EXPECT_EQ(object.at("ts").as_string(), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(object.at("level").as_string(), "info");
  EXPECT_EQ(object.at("event").as_string(), "http.request");
  EXPECT_EQ(object.at("method").as_string(), "GET");
  EXPECT_EQ(object.at("path").as_string(), "/x\"y\n");
  EXPECT_EQ(object.at("status").as_int64(), 200);
  EXPECT_EQ(object.at("bytes").to_number<std::int64_t>(), 12);
  EXPECT_EQ(object.at("ms").as_double(), 1.5);
  EXPECT_EQ(object.at("ok").as_bool(), true);
}

TEST(LogFormat, NonFiniteNumbersBecomeNull) {
  std::string line = FormatLine(Format::kJson, Level::kWarn, "t", "e", {{"x", std::nan("")}});
  EXPECT_TRUE(boost::json::parse(line).as_object().at("x").is_null()) << line;
}

TEST(LogFormat, TextLine) {
  std::string line = FormatLine(Format::kText, Level::kError, "2024-05-01T12:00:00.123Z", "server.error",
                                {{"error", "two words"}, {"code", 7}, {"plain", "x"}});
  EXPECT_EQ(line, "2024-05-01T12:00:00.123Z ERROR server.error error=\"two words\" code=7 plain=x");
}

TEST(LogFormat, InitValidatesNames) {
  EXPECT_FALSE(Init("loud", "json").ok());
  EXPECT_EQ(Init("info", "xml").error().field, "format");
  EXPECT_TRUE(Init("debug", "text").ok());
  EXPECT_TRUE(Enabled(Level::kDebug));
  EXPECT_TRUE(Init("warn", "json").ok());
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  Info("not.written");
  Warn("log.test", {{"written", true}});
  EXPECT_TRUE(Init().ok());
}

TEST(LogFormat, NowIsIso8601UtcWithMilliseconds) {
  std::string now = NowIso8601();
  ASSERT_EQ(now.size(), 24u) << now;
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[19], '.');
  EXPECT_EQ(now.back(), 'Z');
}

}  // namespace
}  // namespace civicgrid::log
