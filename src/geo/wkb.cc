#include "geo/wkb.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace civicgrid::geo {
namespace {

constexpr uint32_t kPolygon = 3;
constexpr uint32_t kMultiPolygon = 6;

void PutU32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // little-endian host (static_assert below)
  out.append(b, 4);
}
void PutF64(std::string& out, double v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}
static_assert(std::endian::native == std::endian::little, "WKB writer assumes a little-endian host");

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool U8(uint8_t& v) {
    if (pos_ + 1 > s_.size()) return false;
    v = static_cast<uint8_t>(s_[pos_++]);
    return true;
  }
  bool U32(uint32_t& v, bool little) {
    if (pos_ + 4 > s_.size()) return false;
    std::memcpy(&v, s_.data() + pos_, 4);
    if (!little) v = __builtin_bswap32(v);
    pos_ += 4;
    return true;
  }
  bool F64(double& v, bool little) {
    if (pos_ + 8 > s_.size()) return false;
    uint64_t u;
    std::memcpy(&u, s_.data() + pos_, 8);
    if (!little) u = __builtin_bswap64(u);
    std::memcpy(&v, &u, 8);
    pos_ += 8;
    return true;
  }
  size_t remaining() const { return s_.size() - pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Error Bad(const char* what) { return Error::InvalidArgument(std::string("malformed WKB: ") + what, "shape"); }

Result<Polygon> ReadPolygonBody(Reader& r, bool little) {
  uint32_t rings;
  if (!r.U32(rings, little)) return Bad("truncated ring count");
  if (rings == 0 || rings > r.remaining() / 4) return Bad("impossible ring count");
  Polygon poly;
  poly.inners().resize(rings - 1);
  for (uint32_t i = 0; i < rings; ++i) {
    uint32_t n;
    if (!r.U32(n, little)) return Bad("truncated point count");
    if (n > r.remaining() / 16) return Bad("impossible point count");
    Ring& ring = i == 0 ? poly.outer() : poly.inners()[i - 1];
    ring.reserve(n);
    for (uint32_t k = 0; k < n; ++k) {
      double x, y;
      if (!r.F64(x, little) || !r.F64(y, little)) return Bad("truncated point");
      ring.emplace_back(x, y);
    }
  }
  return poly;
}

Result<uint32_t> ReadHeader(Reader& r, bool& little) {
  uint8_t order;
  if (!r.U8(order) || order > 1) return Bad("bad byte order");
  little = order == 1;
  uint32_t type;
  if (!r.U32(type, little)) return Bad("truncated type");
  return type;
}

}  // namespace

std::string EncodeWkb(const MultiPolygon& shape) {
  std::string out;
  size_t points = 0;
  for (const auto& p : shape) {
    points += p.outer().size();
    for (const auto& h : p.inners()) points += h.size();
  }
  out.reserve(9 + shape.size() * 9 + points * 16 + 64);
  out.push_back(1);
  PutU32(out, kMultiPolygon);
  PutU32(out, static_cast<uint32_t>(shape.size()));
  for (const auto& p : shape) {
    out.push_back(1);
    PutU32(out, kPolygon);
    PutU32(out, static_cast<uint32_t>(1 + p.inners().size()));
    auto ring = [&](const Ring& r) {
      PutU32(out, static_cast<uint32_t>(r.size()));
      for (const auto& pt : r) {
        PutF64(out, pt.x());
        PutF64(out, pt.y());
      }
    };
    ring(p.outer());
    for (const auto& h : p.inners()) ring(h);
  }
  return out;
}

Result<MultiPolygon> DecodeWkb(std::string_view wkb) {
  Reader r(wkb);
  bool little;
  auto type = ReadHeader(r, little);
  if (!type) return type.error();
  MultiPolygon mp;
  if (*type == kPolygon) {
    auto p = ReadPolygonBody(r, little);
    if (!p) return p.error();
    mp.push_back(std::move(*p));
  } else if (*type == kMultiPolygon) {
    uint32_t n;
    if (!r.U32(n, little)) return Bad("truncated polygon count");
    if (n > r.remaining() / 9) return Bad("impossible polygon count");
    for (uint32_t i = 0; i < n; ++i) {
      bool lp;
      auto t = ReadHeader(r, lp);
      if (!t) return t.error();
      if (*t != kPolygon) return Bad("multipolygon member is not a polygon");
      auto p = ReadPolygonBody(r, lp);
      if (!p) return p.error();
      mp.push_back(std::move(*p));
    }
  } else {
    return Bad("not a polygon or multipolygon");
  }
  if (r.remaining() != 0) return Bad("trailing bytes");
  return mp;
}

}  // namespace civicgrid::geo
