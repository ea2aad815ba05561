#include "http/api.h"

#include "http/admin_routes.h"
#include "http/attachment_routes.h"
#include "http/auth_routes.h"
#include "http/case_routes.h"
#include "http/open311_routes.h"
#include "http/public_routes.h"
#include "http/server.h"
#include "http/territory_routes.h"

namespace civicgrid::http {

void AddApiRoutes(Router& router, const ApiServices& s) {
  AddStandardRoutes(router, s.metrics);
  AddAuthRoutes(router, s.accounts, s.offload);
  AddTerritoryRoutes(router, s.territory);
  CaseApi case_api{s.cases, s.reference, s.territory, s.offload, &s.accounts};
  AddCaseRoutes(router, case_api);
  AddReferenceRoutes(router, case_api);
  AddAttachmentRoutes(router, s.attachments);
  AddPublicRoutes(router, PublicApi{s.cases, s.reference, s.territory, s.attachments, s.offload, s.public_writes});
  AddAdminRoutes(router, AdminApi{s.accounts, s.reference, s.territory, s.offload});
  AddOpen311Routes(router, Open311Api{s.open311, s.offload});
}

}  // namespace civicgrid::http
