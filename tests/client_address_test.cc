// The client address behind trusted reverse proxies: CanonicalIp, TrustedProxies, ClientAddress (the pure
// rule), the [server] trusted_proxies setting (file, environment, errors), and the server applying the
// rule to Request::remote.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/client_ip.h"
#include "common/config.h"
#include "http/server.h"
#include "support/http_client.h"
#include "support/scoped_env.h"
#include "support/temp_dir.h"

namespace civicgrid {
namespace {

using testing::ScopedEnv;
using testing::WriteFile;

TrustedProxies Trust(const std::vector<std::string>& addresses) {
  auto t = TrustedProxies::Parse(addresses);
  EXPECT_TRUE(t.ok()) << t.error().message;
  return t.ok() ? *t : TrustedProxies{};
}

TEST(ClientAddress, CanonicalIpOfEachForm) {
  EXPECT_EQ(CanonicalIp("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(CanonicalIp("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(CanonicalIp("::1"), "::1");
  EXPECT_EQ(CanonicalIp("::ffff:10.0.0.1"), "10.0.0.1");
  for (const char* bad : {"", "unknown", "203.0.113", "203.0.113.7:80", "[::1]", "1.2.3.256", "::1%eth0",
                          " 1.2.3.4", "example.org", "01.2.3.4x"})
    EXPECT_EQ(CanonicalIp(bad), "") << bad;
}

TEST(ClientAddress, TrustedProxiesParseAndContain) {
  auto t = TrustedProxies::Parse({"127.0.0.1", " 10.0.0.2 ", "::1"});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->Contains("127.0.0.1"));
  EXPECT_TRUE(t->Contains("10.0.0.2"));
  EXPECT_TRUE(t->Contains("0:0::1"));
  EXPECT_TRUE(t->Contains("::ffff:127.0.0.1"));
  EXPECT_FALSE(t->Contains("10.0.0.3"));
  EXPECT_FALSE(t->Contains("not an address"));
  EXPECT_TRUE(TrustedProxies{}.empty());
  for (const char* bad : {"10.0.0.0/8", "proxy.internal", "", "127.0.0.1:80"}) {
    auto b = TrustedProxies::Parse({"127.0.0.1", bad});
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.error().field, "trusted_proxies") << bad;
    EXPECT_NE(b.error().message.find("not an IP address"), std::string::npos) << b.error().message;
  }
}

TEST(ClientAddress, PeerUnlessItIsATrustedProxy) {
  const TrustedProxies none;
  const TrustedProxies local = Trust({"127.0.0.1"});
  // No trusted proxies: the header is nobody's word.
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "203.0.113.7", none), "127.0.0.1:4000");
  // A peer that is not trusted may claim anything: it is still the client.
  EXPECT_EQ(ClientAddress("198.51.100.9:4000", "203.0.113.7", local), "198.51.100.9:4000");
  // A trusted peer without the header (a health check of the proxy itself) is the client.
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "", local), "127.0.0.1:4000");
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "  ", local), "127.0.0.1:4000");
}

TEST(ClientAddress, RightMostAddressThatIsNotATrustedProxy) {
  const TrustedProxies proxies = Trust({"127.0.0.1", "10.0.0.2", "2001:db8::10"});
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "203.0.113.7", proxies), "203.0.113.7");
  // What the client wrote itself stands left of what the proxy appended: it is not believed.
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "192.0.2.1, 203.0.113.7", proxies), "203.0.113.7");
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "garbage, 203.0.113.7", proxies), "203.0.113.7");
  // A chain of trusted proxies is skipped from the right.
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "203.0.113.7, 10.0.0.2", proxies), "203.0.113.7");
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "203.0.113.7,10.0.0.2 ,127.0.0.1", proxies), "203.0.113.7");
  // Only proxies: the left-most of them.
  EXPECT_EQ(ClientAddress("127.0.0.1:4000", "10.0.0.2, 127.0.0.1", proxies), "10.0.0.2");
  // IPv6, on either side, in canonical form; a mapped IPv4 peer.
  EXPECT_EQ(ClientAddress("[2001:db8::10]:443", "2001:DB8::7", proxies), "2001:db8::7");
  EXPECT_EQ(ClientAddress("[::ffff:127.0.0.1]:4000", "203.0.113.7", proxies), "203.0.113.7");
}

TEST(ClientAddress, MalformedHeaderFallsBackToThePeer) {
  const TrustedProxies proxies = Trust({"127.0.0.1"});
  for (const char* bad : {"unknown", "203.0.113.7:5555", "203.0.113.7,", "203.0.113.7, , 127.0.0.1", ",",
                          "[2001:db8::7]", "203.0.113.7 198.51.100.1", "_hidden"})
    EXPECT_EQ(ClientAddress("127.0.0.1:4000", bad, proxies), "127.0.0.1:4000") << bad;
}

TEST(ClientAddress, ConfigFileEnvironmentAndErrors) {
  testing::TempDir dir;
  WriteFile(dir.File("empty.toml"), "");
  auto d = LoadConfig(dir.File("empty.toml"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d->trusted_proxies.empty());

  WriteFile(dir.File("c.toml"), "[server]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n");
  auto f = LoadConfig(dir.File("c.toml"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  {
    ScopedEnv env("CIVICGRID_TRUSTED_PROXIES", " 10.0.0.1,10.0.0.2 ,");
    auto e = LoadConfig(dir.File("c.toml"));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->trusted_proxies, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  }
  {
    ScopedEnv env("CIVICGRID_TRUSTED_PROXIES", "10.0.0.1,nginx");
    auto e = LoadConfig(dir.File("empty.toml"));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().field, "trusted_proxies");
    EXPECT_NE(e.error().message.find("'nginx'"), std::string::npos) << e.error().message;
  }
  for (const char* bad : {"trusted_proxies = \"127.0.0.1\"", "trusted_proxies = [1, 2]",
                          "trusted_proxies = [\"10.0.0.0/8\"]"}) {
    WriteFile(dir.File("bad.toml"), std::string("[server]\n") + bad + "\n");
    auto c = LoadConfig(dir.File("bad.toml"));
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().field, "trusted_proxies") << bad;
  }
  EXPECT_EQ(SplitAddressList(""), std::vector<std::string>{});
  EXPECT_EQ(SplitAddressList("a, b"), (std::vector<std::string>{"a", "b"}));
  // The example configuration parses and states the default.
  auto example = LoadConfig(CIVICGRID_SOURCE_DIR "/config/civicgrid.example.toml");
  ASSERT_TRUE(example.ok()) << example.error().message;
  EXPECT_TRUE(example->trusted_proxies.empty());
}

// The server puts the client address into Request::remote, for every handler downstream.
std::string RemoteSeen(const TrustedProxies& trusted, const std::map<std::string, std::string>& headers) {
  http::Router router;
  http::Metrics metrics;
  router.Add(http::Verb::get, "/api/remote", "remote", Permission::kPublic,
             http::SyncHandler([](http::Request& r) { return http::Text(200, r.remote); }));
  http::ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.log_requests = false;
  options.trusted_proxies = trusted;
  http::Server server(options, router, metrics);
  auto started = server.Start();
  EXPECT_TRUE(started.ok()) << started.error().message;
  if (!started.ok()) return "";
  auto reply = testing::HttpRequest(server.port(), "GET", "/api/remote", "", headers);
  server.Stop();
  EXPECT_EQ(reply.status, 200u) << reply.body;
  return reply.body;
}

TEST(ClientAddress, TheServerSetsRequestRemote) {
  const std::map<std::string, std::string> forwarded{{"X-Forwarded-For", "192.0.2.1, 203.0.113.7"}};
  EXPECT_EQ(RemoteSeen(Trust({"127.0.0.1"}), forwarded), "203.0.113.7");
  const std::string peer = RemoteSeen(TrustedProxies{}, forwarded);
  EXPECT_TRUE(peer.starts_with("127.0.0.1:")) << peer;
  const std::string untrusted = RemoteSeen(Trust({"10.0.0.2"}), forwarded);
  EXPECT_TRUE(untrusted.starts_with("127.0.0.1:")) << untrusted;
  const std::string no_header = RemoteSeen(Trust({"127.0.0.1"}), {});
  EXPECT_TRUE(no_header.starts_with("127.0.0.1:")) << no_header;
}

}  // namespace
}  // namespace civicgrid
