#include "store/postgres/pg.h"

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <variant>

namespace civicgrid::store::pg {
namespace {

// One row of a text-format result.
class Row : public sql::RowReader {
 public:
  Row(PGresult* res, int row) : res_(res), row_(row) {}
  std::string Text(int col) const override {
    return std::string(PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  std::string Blob(int col) const override {
    if (IsNull(col)) return {};
    size_t n = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_, row_, col)), &n);
    if (!bytes) return {};
    std::string out(reinterpret_cast<const char*>(bytes), n);
    PQfreemem(bytes);
    return out;
  }
  int64_t Int(int col) const override {
    if (IsNull(col)) return 0;
    const char* v = PQgetvalue(res_, row_, col);
    if (v[0] == 't' && v[1] == 0) return 1;  // a boolean
    return std::strtoll(v, nullptr, 10);
  }
  double Real(int col) const override { return IsNull(col) ? 0.0 : std::strtod(PQgetvalue(res_, row_, col), nullptr); }
  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  sql::Value At(int col) const override {
    if (IsNull(col)) return std::monostate{};
    switch (PQftype(res_, col)) {  // type OIDs of pg_type.dat
      case 16: case 20: case 21: case 23: return Int(col);  // bool, int8, int2, int4
      case 700: case 701: case 1700: return Real(col);      // float4, float8, numeric
      case 17: return sql::Bytes{Blob(col)};                 // bytea
      default: return Text(col);
    }
  }

 private:
  PGresult* res_;
  int row_;
};

// The parameters of one statement in libpq's arrays.
struct Params {
  explicit Params(const sql::Values& values) {
    text.reserve(values.size());
    for (const sql::Value& v : values) {
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              text.emplace_back();
              null.push_back(true);
              format.push_back(0);
            } else if constexpr (std::is_same_v<T, int64_t>) {
              text.push_back(std::to_string(x));
              null.push_back(false);
              format.push_back(0);
            } else if constexpr (std::is_same_v<T, double>) {
              char buf[32];
              std::snprintf(buf, sizeof buf, "%.17g", x);
              text.emplace_back(buf);
              null.push_back(false);
              format.push_back(0);
            } else if constexpr (std::is_same_v<T, std::string>) {
              text.push_back(x);
              null.push_back(false);
              format.push_back(0);
            } else {
              text.push_back(x.data);
              null.push_back(false);
              format.push_back(1);
            }
          },
          v);
    }
    for (size_t i = 0; i < text.size(); ++i) {
      values_.push_back(null[i] ? nullptr : text[i].data());
      lengths.push_back(static_cast<int>(text[i].size()));
    }
  }
  int count() const { return static_cast<int>(text.size()); }
  const char* const* values() const { return values_.data(); }

  std::vector<std::string> text;
  std::vector<bool> null;
  std::vector<int> format, lengths;
  std::vector<const char*> values_;
};

}  // namespace

std::string ToDollarParams(const std::string& sql) {
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& uri) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (!c) return Error::Internal("postgresql: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Error::InvalidArgument("cannot connect to PostgreSQL: " + msg, "db");
  }
  std::unique_ptr<Conn> conn(new Conn(c));
  if (auto r = conn->Exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning"); !r) return r.error();
  return conn;
}

Conn::~Conn() { PQfinish(conn_); }

Result<int64_t> Conn::Finish(PGresult* res, const RowFn& each) {
  const ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    sqlstate_ = state ? state : "";
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    PQclear(res);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Error::Internal("postgresql: " + msg);
  }
  sqlstate_.clear();
  if (each && st == PGRES_TUPLES_OK) {
    const int n = PQntuples(res);
    for (int i = 0; i < n; ++i) each(Row(res, i));
  }
  const char* tuples = PQcmdTuples(res);
  const int64_t changed = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
  PQclear(res);
  return changed;
}

Result<int64_t> Conn::Run(const std::string& sql, const sql::Values& params, const RowFn& each) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size() + 1);
    PGresult* res = PQprepare(conn_, name.c_str(), ToDollarParams(sql).c_str(), 0, nullptr);
    if (auto r = Finish(res, nullptr); !r) return r.error();
    it = prepared_.emplace(sql, name).first;
  }
  const Params p(params);
  PGresult* res = PQexecPrepared(conn_, it->second.c_str(), p.count(), p.values(), p.lengths.data(), p.format.data(), 0);
  return Finish(res, each);
}

Result<int64_t> Conn::RunOnce(const std::string& sql, const sql::Values& params, const RowFn& each) {
  const Params p(params);
  PGresult* res = PQexecParams(conn_, ToDollarParams(sql).c_str(), p.count(), nullptr, p.values(), p.lengths.data(),
                               p.format.data(), 0);
  return Finish(res, each);
}

Result<void> Conn::Exec(const std::string& sql) {
  auto r = Finish(PQexec(conn_, sql.c_str()), nullptr);
  if (!r) return r.error();
  return {};
}

Pool::Lease::~Lease() {
  if (!conn_ || !pool_) return;
  // A connection lost, or left inside a transaction by a failure, is not lent again.
  if (!conn_->healthy() || PQtransactionStatus(conn_->handle()) != PQTRANS_IDLE) return;
  std::lock_guard lock(pool_->mu_);
  if (pool_->idle_.size() < pool_->max_idle_) pool_->idle_.push_back(std::move(conn_));
}

Result<Pool::Lease> Pool::Get() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  auto c = Conn::Open(uri_);
  if (!c) return c.error();
  return Lease(*this, std::move(*c));
}

}  // namespace civicgrid::store::pg
