// The server the Open311 conformance tests talk to: `civicgrid serve` over the heating world
// (support/heating_world.h) plus 02 市容环境, a major category without minors, and 0102, an inactive minor
// of 01; three API keys ("fixmystreet" with case.report, "dashboard" with case.read only, "old-client"
// revoked), an administrator "admin", and 0101's description, keywords and attributes (kCategoryExtras) put
// through the administration API once the server runs. Built once per test program.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/case.h"
#include "support/http_client.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"

namespace civicgrid::testing {

// 0101's description, keywords and questions, as an administrator adds them (docs/open311.md: attributes
// are edited with the category over the administration API).
extern const char kCategoryExtras[];

class Open311Server {
 public:
  // Builds the world, starts the server, signs in operator, unit_staff and admin and puts kCategoryExtras.
  // A failure is a fatal test failure; ok() tells whether everything but the PUT worked.
  void Start();
  bool ok() const { return ok_; }

  // One request, from a loopback address of its own: public routes are rate-limited per client address
  // (a burst of 120), and a conformance suite sends many more than that.
  HttpReply Send(const std::string& method, const std::string& target, const std::string& body,
                 const std::map<std::string, std::string>& headers);
  // The platform's own JSON API as `user` (operator, unit_staff, admin): the answer, after checking its status.
  boost::json::value Api(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& user, unsigned expect = 200);
  // `n` reports of 0101 in grid 371302004001001 written in-process beside the running server, one a
  // second from `from` on; answers their ids.
  std::vector<std::string> ReportInProcess(int n, Timestamp from);

  std::string api_key, read_key, revoked_key;  // the secrets of the three keys
  std::map<std::string, std::string> tokens;   // session tokens by user
  HttpReply category_put;                      // the answer to the PUT of kCategoryExtras

 private:
  TempDir dir_;
  std::unique_ptr<ServeProcess> server_;
  unsigned sent_ = 0;
  bool ok_ = false;
};

}  // namespace civicgrid::testing
