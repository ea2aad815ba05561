#include "http/public_routes.h"

#include <boost/json.hpp>

#include "app/case_json.h"
#include "common/client_ip.h"
#include "http/attachment_routes.h"
#include "http/case_routes.h"
#include "http/json_body.h"

namespace civicgrid::http {
namespace json = boost::json;
namespace {

// The 429 of a client over the public write limit, or nothing.
std::optional<Response> OverLimit(RateLimiter* limit, const Request& req) {
  if (!limit) return std::nullopt;
  const auto d = limit->Take(ClientIp(req.remote));
  if (d.allowed) return std::nullopt;
  return JsonError(Error::TooManyRequests("too many reports from this address; try again later", d.retry_after_seconds));
}

}  // namespace

void AddPublicRoutes(Router& router, PublicApi api) {
  router.Add(Verb::post, "/api/v1/public/reports", "public.report", Permission::kPublic,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               auto in = ParseReport(req, false);
               if (!in) co_return JsonError(in.error());
               if (auto refused = OverLimit(api.limit, req)) co_return std::move(*refused);
               auto work = [api, input = std::move(*in)]() -> Response {
                 auto r = api.cases.ReportPublicly(input);
                 if (!r) return JsonError(r.error());
                 json::object body{{"tracking_code", r->c.tracking_code},
                                   {"status", CaseStatusName(r->c.status)},
                                   {"grid", r->c.grid.empty() ? json::value(nullptr) : json::value(r->c.grid)},
                                   {"territory", r->c.territory},
                                   {"replayed", r->replayed}};
                 Response resp = Json(201, body);
                 resp.With("Location", "/api/v1/track/" + r->c.tracking_code);
                 resp.With("Cache-Control", "no-store");
                 return resp;
               };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/public/attachments", "public.attachments", Permission::kPublic,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               if (auto refused = OverLimit(api.limit, req)) co_return std::move(*refused);
               auto work = [api, &req]() -> Response { return CreateAttachment(api.attachments, req); };
               co_return co_await api.offload.Run(std::move(work));
             }));

  router.Add(Verb::post, "/api/v1/track/{code}/evaluation", "track.evaluate", Permission::kPublic,
             Handler([api](Request& req) -> boost::asio::awaitable<Response> {
               std::string code = req.Param("code");
               if (code.size() != 14)
                 co_return JsonError(Error::NotFound("no case has tracking code '" + code.substr(0, 20) + "'", "code"));
               auto body = JsonObjectBody(req);
               if (!body) co_return JsonError(body.error());
               auto evaluation = OptString(*body, "evaluation", 40);
               if (!evaluation) co_return JsonError(evaluation.error());
               std::optional<Evaluation> e;
               if (*evaluation) e = ParseEvaluation(**evaluation);
               if (!e || *e == Evaluation::kNone)
                 co_return JsonError(Error::InvalidArgument(
                     "evaluation must be satisfied, basically_satisfied or unsatisfied", "evaluation"));
               auto note = OptString(*body, "note", 1000);
               if (!note) co_return JsonError(note.error());
               if (auto refused = OverLimit(api.limit, req)) co_return std::move(*refused);
               auto work = [api, code, e = *e, text = note->value_or("")]() -> Response {
                 auto v = api.cases.RateByTrackingCode(code, e, text);
                 if (!v) return JsonError(v.error());
                 return Json(200, app::TrackingJson(*v, *api.reference.snapshot(), *api.territory.snapshot()));
               };
               co_return co_await api.offload.Run(std::move(work));
             }));
}

}  // namespace civicgrid::http
