#include "lists.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace civicgrid::bench {
namespace {

constexpr int kPageSize = 50;

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

app::Caller OperatorOf(const std::string& territory) {
  app::Caller caller;
  caller.who.name = "bench-operator";
  caller.who.id = 1;
  caller.who.grants = {Grant{Role::kOperator, territory, 0}};
  caller.remote = "127.0.0.1";
  return caller;
}

// "" when `page` is a right page of `s` after `before_id`, else what is wrong.
std::string CheckPage(const ListScenario& s, int64_t before_id, const store::CasePage& page) {
  int64_t previous = before_id ? before_id : INT64_MAX;
  for (const Case& c : page.cases) {
    if (c.id >= previous) return "case " + std::to_string(c.id) + " is out of order";
    previous = c.id;
    if (c.territory.compare(0, s.under.size(), s.under) != 0)
      return "case " + std::to_string(c.id) + " lies in " + c.territory + ", not under " + s.under;
    if (std::find(s.statuses.begin(), s.statuses.end(), c.status) == s.statuses.end())
      return "case " + std::to_string(c.id) + " is " + std::string(CaseStatusName(c.status));
  }
  if (page.next && (page.cases.empty() || page.next != page.cases.back().id)) return "the cursor is not the last id";
  if (page.next && static_cast<int>(page.cases.size()) != kPageSize) return "a page before the last is not full";
  return "";
}

std::vector<int64_t> IdsOf(const store::CasePage& page) {
  std::vector<int64_t> ids;
  for (const Case& c : page.cases) ids.push_back(c.id);
  return ids;
}

}  // namespace

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

Result<store::CasePage> ListBench::Fetch(const ListScenario& s, int64_t before_id) {
  store::CaseFilter f;
  f.under = s.under;
  f.statuses = s.statuses;
  f.before_id = before_id;
  f.limit = kPageSize;
  return cases_.List(std::move(f), OperatorOf(s.grant));
}

Result<void> ListBench::Prepare(const std::vector<ListScenario>& scenarios) {
  scenarios_.clear();
  walked_.clear();
  deep_.clear();
  for (const ListScenario& s : scenarios) {
    scenarios_.push_back(&s);
    Walked w{&s, 0, false};
    Deep d{&s, 0, {}};
    int64_t before = 0;
    for (int page = 1; page <= deep_to_; ++page) {
      if (page == deep_from_) d.cursor = before;
      auto p = Fetch(s, before);
      if (!p) return Error::Internal(s.label + ", page " + std::to_string(page) + ": " + p.error().message);
      if (auto wrong = CheckPage(s, before, *p); !wrong.empty())
        return Error::Internal(s.label + ", page " + std::to_string(page) + ": " + wrong);
      w.pages = page;
      if (page >= deep_from_ && !p->cases.empty()) d.pages.push_back(IdsOf(*p));
      if (!p->next) {
        w.complete = true;
        break;
      }
      before = p->next;
    }
    walked_.push_back(w);
    if (!d.pages.empty()) deep_.push_back(std::move(d));
  }
  return {};
}

size_t ListBench::deep_pages() const {
  size_t n = 0;
  for (const Deep& d : deep_) n += d.pages.size();
  return n;
}

std::vector<std::string> ListBench::Summary() const {
  std::vector<std::string> out;
  for (const Walked& w : walked_)
    out.push_back(w.scenario->label + ": " + std::to_string(w.pages) + (w.complete ? " pages" : "+ pages"));
  return out;
}

Result<std::vector<double>> ListBench::FirstPages(int fetches) {
  std::vector<double> seconds;
  if (scenarios_.empty()) return seconds;
  for (int i = 0; i < fetches; ++i) {
    const ListScenario& s = *scenarios_[static_cast<size_t>(i) % scenarios_.size()];
    const auto t0 = Clock::now();
    auto p = Fetch(s, 0);
    const auto t1 = Clock::now();
    if (!p) return Error::Internal(s.label + ", page 1: " + p.error().message);
    seconds.push_back(Seconds(t0, t1));
  }
  return seconds;
}

Result<std::vector<double>> ListBench::DeepPages(int fetches) {
  std::vector<double> seconds;
  if (deep_.empty()) return seconds;
  for (size_t k = 0; static_cast<int>(seconds.size()) < fetches; ++k) {
    const Deep& d = deep_[k % deep_.size()];
    int64_t before = d.cursor;
    for (size_t page = 0; page < d.pages.size() && static_cast<int>(seconds.size()) < fetches; ++page) {
      const auto t0 = Clock::now();
      auto p = Fetch(*d.scenario, before);
      const auto t1 = Clock::now();
      if (!p) return Error::Internal(d.scenario->label + ": " + p.error().message);
      if (IdsOf(*p) != d.pages[page])
        return Error::Internal(d.scenario->label + ", page " + std::to_string(deep_from_ + static_cast<int>(page)) +
                               ": not the page walked before");
      seconds.push_back(Seconds(t0, t1));
      before = p->next;
    }
  }
  return seconds;
}

Result<std::vector<double>> ListBench::DeepPagesByOffset(int fetches) {
  std::vector<double> seconds;
  const size_t total = deep_pages();
  if (total == 0 || fetches <= 0) return seconds;
  // Every step-th deep page, over the scenarios in turn.
  const size_t step = std::max<size_t>(1, total / static_cast<size_t>(fetches));
  for (size_t i = 0; static_cast<int>(seconds.size()) < fetches; i += step) {
    size_t at = i % total;
    const Deep* d = nullptr;
    for (const Deep& x : deep_) {
      if (at < x.pages.size()) {
        d = &x;
        break;
      }
      at -= x.pages.size();
    }
    const int64_t offset = int64_t{deep_from_ - 1 + static_cast<int>(at)} * kPageSize;
    const auto t0 = Clock::now();
    auto ids = peer_.OffsetPage(d->scenario->under, d->scenario->statuses, offset, kPageSize);
    const auto t1 = Clock::now();
    if (!ids) return ids.error();
    if (*ids != d->pages[at])
      return Error::Internal("sqlite_offset differs from civicgrid on " + d->scenario->label + ", page " +
                             std::to_string(deep_from_ + static_cast<int>(at)) + " (first ids " +
                             (ids->empty() ? "none" : std::to_string(ids->front())) + " and " +
                             std::to_string(d->pages[at].front()) + ")");
    seconds.push_back(Seconds(t0, t1));
  }
  return seconds;
}

Result<std::vector<std::string>> ListBench::PerList(int rounds) {
  std::vector<std::string> out;
  char line[256];
  for (const ListScenario* s : scenarios_) {
    std::vector<double> first, deep;
    for (int i = 0; i < rounds; ++i) {
      const auto t0 = Clock::now();
      auto p = Fetch(*s, 0);
      if (!p) return p.error();
      first.push_back(Seconds(t0, Clock::now()) * 1e3);
    }
    for (const Deep& d : deep_) {
      if (d.scenario != s) continue;
      int64_t before = d.cursor;
      for (size_t page = 0; page < d.pages.size(); ++page) {
        const auto t0 = Clock::now();
        auto p = Fetch(*s, before);
        if (!p) return p.error();
        deep.push_back(Seconds(t0, Clock::now()) * 1e3);
        before = p->next;
      }
    }
    std::snprintf(line, sizeof line, "%-45s page 1: p50 %6.2f ms, max %6.2f ms", s->label.c_str(), Quantile(first, 0.5),
                  Quantile(first, 1));
    std::string text = line;
    if (!deep.empty()) {
      std::snprintf(line, sizeof line, "; deep (%zu): p50 %6.2f ms, p99 %6.2f ms", deep.size(), Quantile(deep, 0.5),
                    Quantile(deep, 0.99));
      text += line;
    }
    out.push_back(text);
  }
  return out;
}

}  // namespace civicgrid::bench
