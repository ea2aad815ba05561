// Comparing two subjects' answers for the points of a set.
//
// Subjects may differ only where floating-point predicates may: a point exactly on (within kEdgeDegrees
// of) the boundary of a grid one of them names. Such points are counted apart; any other difference
// means a subject is wrong and the run must fail.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "locate/locate_set.h"

namespace civicgrid::bench::locate {

// A point this close (in degrees, about 0.1 mm) to a grid's boundary is on that boundary.
inline constexpr double kEdgeDegrees = 1e-9;

// How two subjects' answers compare.
struct Agreement {
  size_t points = 0;         // points compared
  size_t differ = 0;         // points with different answers
  size_t differ_on_edge = 0; // of those, points on the boundary of every grid named (allowed)
  std::vector<std::string> examples;  // a few differing points, described, off-edge ones first

  size_t differ_off_edge() const { return differ - differ_on_edge; }
};

// Compares `theirs` with `ours` (civicgrid) for the points of `set`; both must have one answer per point.
Agreement Compare(const LocateSet& set, const Answers& ours, const Answers& theirs);

// Points whose answer is a grid (not kOutside).
size_t CountInside(const Answers& answers);

// An order-dependent checksum of the answers (FNV-1a over the positions), equal for equal answers.
uint64_t Checksum(const Answers& answers);

}  // namespace civicgrid::bench::locate
