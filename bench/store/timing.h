// The Google Benchmark registrations of bench_store: each benchmark "FIGURE/SUBJECT" runs once per
// repetition (manual time = the mean per query or page), timing many queries or pages inside and
// giving their p50/p99 as counters.
#pragma once

#include <string>
#include <vector>

#include "app/cases.h"
#include "lists.h"
#include "recorder.h"
#include "scenario.h"
#include "sql_peers.h"
#include "stats_sql.h"

namespace civicgrid::bench {

// True once a check failed inside a benchmark (the benchmark is skipped with the message).
bool Failed();

// The statistics figures for each subject.
class StatsTiming {
 public:
  // `sqlite` null: no sqlite subject; `pg` null: no postgresql subject (it needs `sqlite`, its source).
  StatsTiming(app::CaseService& cases, SqlitePeer* sqlite, PgPeer* pg, Recorder& recorder, bool quick)
      : cases_(cases), sqlite_(sqlite), pg_(pg), recorder_(recorder), quick_(quick) {}

  // Answers each figure with every subject once (loading PostgreSQL first, when there is one) and
  // compares them group by group: fails naming the first difference (or when `pg` is given without `sqlite`).
  Result<void> Prepare(const Plan& plan);
  // Registers "FIGURE/SUBJECT" for each figure and subject. A subject runs as many queries per
  // repetition as fit in about a second (at least one), and fewer repetitions when one query takes
  // seconds (about 20 s per subject and figure at most); when the checking query took over 20 s, its time
  // is the one run recorded.
  void Register(int repetitions);

 private:
  struct Subject {
    std::string name;   // civicgrid, sqlite, postgresql
    double first_seconds = 0;
  };
  struct Figure {
    StatsFigure figure;
    StatsAnswer expected;   // civicgrid's answer
    std::vector<Subject> subjects;
  };
  Result<StatsAnswer> Answer(const std::string& subject, const store::StatsQuery& q);

  app::CaseService& cases_;
  SqlitePeer* sqlite_;
  PgPeer* pg_;
  Recorder& recorder_;
  bool quick_;
  std::vector<Figure> figures_;
};

// Registers lists.page1/civicgrid, lists.deep/civicgrid and, with `offset_peer`, lists.deep/sqlite_offset
// (≥ 1,000 pages per repetition for civicgrid, 100 for the offset peer; fewer with `quick`).
void RegisterListBenchmarks(ListBench& lists, const Plan& plan, Recorder& recorder, int repetitions, bool quick,
                            int deep_from, int deep_to, bool offset_peer);

}  // namespace civicgrid::bench
