#include "locate/geos_locator.h"

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "geo/wkb.h"
#include "locate/locate_set.h"

namespace civicgrid::bench::locate {

struct GeosLocator::Impl {
  GEOSContextHandle_t ctx = nullptr;
  GEOSSTRtree* tree = nullptr;
  std::vector<GEOSGeometry*> geoms;
  std::vector<const GEOSPreparedGeometry*> prepared;
  std::string error;

  ~Impl() {
    if (!ctx) return;
    if (tree) GEOSSTRtree_destroy_r(ctx, tree);
    for (const GEOSPreparedGeometry* p : prepared) GEOSPreparedGeom_destroy_r(ctx, p);
    for (GEOSGeometry* g : geoms) GEOSGeom_destroy_r(ctx, g);
    GEOS_finish_r(ctx);
  }
};

namespace {

// Keeps the first error message GEOS reports in Impl::error.
void OnGeosError(const char* message, void* userdata) {
  auto* impl = static_cast<GeosLocator::Impl*>(userdata);
  if (impl->error.empty()) impl->error = message ? message : "unknown GEOS error";
}

// One point's query: the best (smallest) grid position covering it so far.
struct Query {
  GeosLocator::Impl* impl;
  const GEOSGeometry* point;
  uint32_t best;
};

void OnCandidate(void* item, void* userdata) {
  auto* q = static_cast<Query*>(userdata);
  const auto i = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(item));
  if (i >= q->best) return;  // a smaller code already covers the point
  if (GEOSPreparedCovers_r(q->impl->ctx, q->impl->prepared[i], q->point) == 1) q->best = i;
}

}  // namespace

GeosLocator::GeosLocator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GeosLocator::~GeosLocator() = default;

const std::string& GeosLocator::error() const { return impl_->error; }

std::string GeosLocator::Version() { return GEOSversion(); }

Result<std::unique_ptr<GeosLocator>> GeosLocator::Build(const std::vector<geo::Grid>& grids) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = GEOS_init_r();
  if (!impl->ctx) return Error::Internal("GEOS: cannot create a context");
  GEOSContext_setErrorMessageHandler_r(impl->ctx, OnGeosError, impl.get());
  GEOSContextHandle_t ctx = impl->ctx;
  GEOSWKBReader* reader = GEOSWKBReader_create_r(ctx);
  impl->tree = GEOSSTRtree_create_r(ctx, 10);
  impl->geoms.reserve(grids.size());
  impl->prepared.reserve(grids.size());
  for (size_t i = 0; i < grids.size(); ++i) {
    const std::string wkb = geo::EncodeWkb(grids[i].shape);
    GEOSGeometry* g =
        GEOSWKBReader_read_r(ctx, reader, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
    if (!g) {
      GEOSWKBReader_destroy_r(ctx, reader);
      return Error::Internal("GEOS cannot read grid " + grids[i].code + ": " + impl->error);
    }
    impl->geoms.push_back(g);
    impl->prepared.push_back(GEOSPrepare_r(ctx, g));
    GEOSSTRtree_insert_r(ctx, impl->tree, g, reinterpret_cast<void*>(static_cast<uintptr_t>(i)));
  }
  GEOSWKBReader_destroy_r(ctx, reader);
  // Warm up: the first query builds the tree; a covers test with a point inside the envelope builds
  // each prepared polygon's point locator.
  for (size_t i = 0; i < grids.size(); ++i) {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    GEOSGeom_getXMin_r(ctx, impl->geoms[i], &x0);
    GEOSGeom_getYMin_r(ctx, impl->geoms[i], &y0);
    GEOSGeom_getXMax_r(ctx, impl->geoms[i], &x1);
    GEOSGeom_getYMax_r(ctx, impl->geoms[i], &y1);
    GEOSGeometry* p = GEOSGeom_createPointFromXY_r(ctx, (x0 + x1) / 2, (y0 + y1) / 2);
    if (i == 0) {
      Query q{impl.get(), p, kOutside};
      GEOSSTRtree_query_r(ctx, impl->tree, p, OnCandidate, &q);
    }
    GEOSPreparedCovers_r(ctx, impl->prepared[i], p);
    GEOSGeom_destroy_r(ctx, p);
  }
  if (!impl->error.empty()) return Error::Internal("GEOS: " + impl->error);
  return std::unique_ptr<GeosLocator>(new GeosLocator(std::move(impl)));
}

uint32_t GeosLocator::Find(double x, double y) {
  GEOSContextHandle_t ctx = impl_->ctx;
  GEOSGeometry* p = GEOSGeom_createPointFromXY_r(ctx, x, y);
  Query q{impl_.get(), p, kOutside};
  GEOSSTRtree_query_r(ctx, impl_->tree, p, OnCandidate, &q);
  GEOSGeom_destroy_r(ctx, p);
  return q.best;
}

}  // namespace civicgrid::bench::locate
