#include "locate/postgis_locator.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>

#include "geo/wkb.h"

namespace civicgrid::bench::locate {
namespace {

constexpr uint32_t kSrid = 4326;
constexpr uint32_t kEwkbSridFlag = 0x20000000;

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutDouble(std::string* out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

// Appends `bytes` in hex, the text form of a geometry PostGIS reads (EWKB), bit for bit.
void PutHex(std::string* out, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 15]);
  }
}

// Little-endian WKB (type at bytes 1..4) → EWKB with SRID 4326.
std::string ToEwkb(const std::string& wkb) {
  std::string out;
  out.reserve(wkb.size() + 4);
  out.push_back(1);
  uint32_t type = 0;
  for (int i = 0; i < 4; ++i) type |= static_cast<uint32_t>(static_cast<unsigned char>(wkb[1 + i])) << (8 * i);
  PutU32(&out, type | kEwkbSridFlag);
  PutU32(&out, kSrid);
  out.append(wkb, 5);
  return out;
}

std::string PointEwkb(const geo::Point& p) {
  std::string out;
  out.push_back(1);
  PutU32(&out, 1 | kEwkbSridFlag);
  PutU32(&out, kSrid);
  PutDouble(&out, p.x());
  PutDouble(&out, p.y());
  return out;
}

std::string PgMessage(PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

uint32_t ReadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

}  // namespace

Result<std::unique_ptr<PostgisLocator>> PostgisLocator::Connect(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string m = PgMessage(conn);
    PQfinish(conn);
    return Error::InvalidArgument("cannot connect to " + uri + ": " + m, "pg");
  }
  std::unique_ptr<PostgisLocator> pg(new PostgisLocator(conn));
  if (auto r = pg->Exec("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis; "
                        "SET max_parallel_workers_per_gather = 0; SET jit = off");
      !r)
    return r.error();
  return pg;
}

PostgisLocator::~PostgisLocator() { PQfinish(conn_); }

Result<void> PostgisLocator::Exec(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  const ExecStatusType st = PQresultStatus(res);
  PQclear(res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error::Internal("PostgreSQL: " + PgMessage(conn_));
  return {};
}

Result<void> PostgisLocator::Copy(const std::string& copy_sql, const std::string& data) {
  PGresult* res = PQexec(conn_, copy_sql.c_str());
  const ExecStatusType st = PQresultStatus(res);
  PQclear(res);
  if (st != PGRES_COPY_IN) return Error::Internal("PostgreSQL: " + PgMessage(conn_));
  constexpr size_t kChunk = 1 << 20;
  bool ok = true;
  for (size_t at = 0; at < data.size() && ok; at += kChunk)
    ok = PQputCopyData(conn_, data.data() + at, static_cast<int>(std::min(kChunk, data.size() - at))) == 1;
  ok = PQputCopyEnd(conn_, ok ? nullptr : "client failed to send") == 1 && ok;
  bool done_ok = true;
  while ((res = PQgetResult(conn_)) != nullptr) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) done_ok = false;
    PQclear(res);
  }
  if (!ok || !done_ok) return Error::Internal("PostgreSQL COPY: " + PgMessage(conn_));
  return {};
}

Result<void> PostgisLocator::Load(const LocateSet& set) {
  const std::string grids = "locate_" + set.name + "_grids", points = "locate_" + set.name + "_points";
  if (auto r = Exec("DROP TABLE IF EXISTS " + grids + ", " + points + "; CREATE UNLOGGED TABLE " + grids +
                    " (id integer NOT NULL, code text NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL); "
                    "CREATE UNLOGGED TABLE " + points + " (id integer NOT NULL, geom geometry(Point, 4326) NOT NULL)");
      !r)
    return r;
  std::string data;
  const std::vector<geo::Grid>& all = set.index->grids();
  for (size_t i = 0; i < all.size(); ++i) {
    data += std::to_string(i) + '\t' + all[i].code + '\t';
    PutHex(&data, ToEwkb(geo::EncodeWkb(all[i].shape)));
    data += '\n';
  }
  if (auto r = Copy("COPY " + grids + " (id, code, geom) FROM STDIN", data); !r) return r;
  data.clear();
  data.reserve(set.points.size() * 60);
  for (size_t i = 0; i < set.points.size(); ++i) {
    data += std::to_string(i);
    data += '\t';
    PutHex(&data, PointEwkb(set.points[i]));
    data += '\n';
  }
  if (auto r = Copy("COPY " + points + " (id, geom) FROM STDIN", data); !r) return r;
  return Exec("CREATE INDEX ON " + grids + " USING gist (geom); ANALYZE " + grids + "; ANALYZE " + points);
}

std::string PostgisLocator::JoinSql(const LocateSet& set) {
  return "SELECT p.id, g.id FROM locate_" + set.name + "_points p JOIN locate_" + set.name +
         "_grids g ON ST_Covers(g.geom, p.geom)";
}

Result<void> PostgisLocator::LocateAll(const LocateSet& set, Answers* out) {
  const std::string sql = JoinSql(set);
  // Binary results: two int4 per row, no text parsing on the client.
  PGresult* res = PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    PQclear(res);
    return Error::Internal("PostgreSQL: " + PgMessage(conn_));
  }
  out->assign(set.points.size(), kOutside);
  const int rows = PQntuples(res);
  for (int r = 0; r < rows; ++r) {
    const uint32_t point = ReadBigEndian32(PQgetvalue(res, r, 0)), grid = ReadBigEndian32(PQgetvalue(res, r, 1));
    if (point < out->size()) (*out)[point] = std::min((*out)[point], grid);
  }
  PQclear(res);
  return {};
}

Result<std::string> PostgisLocator::Explain(const LocateSet& set) {
  PGresult* res = PQexec(conn_, ("EXPLAIN " + JoinSql(set)).c_str());
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    PQclear(res);
    return Error::Internal("PostgreSQL: " + PgMessage(conn_));
  }
  std::string plan;
  for (int r = 0; r < PQntuples(res); ++r) plan += std::string(PQgetvalue(res, r, 0)) + "\n";
  PQclear(res);
  return plan;
}

std::string PostgisLocator::Versions() {
  PGresult* res = PQexec(conn_,
                         "SELECT 'PostgreSQL ' || current_setting('server_version') || ', PostGIS ' || "
                         "postgis_lib_version()");
  std::string v = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "";
  PQclear(res);
  return v;
}

}  // namespace civicgrid::bench::locate
