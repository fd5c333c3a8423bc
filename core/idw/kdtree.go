package idw

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/spatial/kdtree"
)

// site is one distinct sample location, the element type of the kd-tree.
type site struct {
	x, y float64
	id   int // index into the merged sites, in order of first sample
}

func (p site) Compare(c kdtree.Comparable, d kdtree.Dim) float64 {
	q := c.(site)
	if d == 0 {
		return p.x - q.x
	}
	return p.y - q.y
}

func (p site) Dims() int { return 2 }

func (p site) Distance(c kdtree.Comparable) float64 {
	q := c.(site)
	dx, dy := p.x-q.x, p.y-q.y
	return dx*dx + dy*dy
}

// sites implements kdtree.Interface.
type sites []site

func (s sites) Index(i int) kdtree.Comparable { return s[i] }
func (s sites) Len() int                      { return len(s) }
func (s sites) Slice(start, end int) kdtree.Interface {
	return s[start:end]
}
func (s sites) Pivot(d kdtree.Dim) int {
	p := plane{sites: s, dim: d}
	return kdtree.Partition(p, kdtree.MedianOfRandoms(p, 100))
}

// plane sorts sites along one dimension (kdtree.SortSlicer).
type plane struct {
	sites
	dim kdtree.Dim
}

func (p plane) Less(i, j int) bool {
	if p.dim == 0 {
		return p.sites[i].x < p.sites[j].x
	}
	return p.sites[i].y < p.sites[j].y
}
func (p plane) Swap(i, j int) { p.sites[i], p.sites[j] = p.sites[j], p.sites[i] }
func (p plane) Slice(start, end int) kdtree.SortSlicer {
	p.sites = p.sites[start:end]
	return p
}

// newTree builds a kd-tree over a copy of s (New reorders its input).
func newTree(s []site) *kdtree.Tree {
	return kdtree.New(append(sites(nil), s...), false)
}

// keeper retains the n nearest sites within a radius offered to it, sorted
// by (squared distance, id) in fixed-size arrays, so it allocates nothing.
// It plays the part of a kdtree.NKeeper whose sentinel distance is the
// radius.
type keeper struct {
	r2 float64 // squared search radius
	n  int     // capacity
	k  int     // sites kept
	d2 []float64
	id []int
}

func newKeeper(n int, r2 float64) keeper {
	return keeper{r2: r2, n: n, d2: make([]float64, n), id: make([]int, n)}
}

// bound is the squared distance a site must not exceed to be kept.
func (k *keeper) bound() float64 {
	if k.k < k.n {
		return k.r2
	}
	return k.d2[k.k-1]
}

// keep offers a site and reports whether it was kept.
func (k *keeper) keep(d2 float64, id int) bool {
	if d2 > k.r2 {
		return false
	}
	if k.k == k.n {
		l := k.k - 1
		if d2 > k.d2[l] || (d2 == k.d2[l] && id > k.id[l]) {
			return false
		}
		k.k--
	}
	i := k.k
	for i > 0 && (k.d2[i-1] > d2 || (k.d2[i-1] == d2 && k.id[i-1] > id)) {
		k.d2[i], k.id[i] = k.d2[i-1], k.id[i-1]
		i--
	}
	k.d2[i], k.id[i] = d2, id
	k.k++
	return true
}

// searcher finds, in one walk of a kd-tree, the nearest sites of a query
// point for several keepers at once: keeper g is offered only the sites s
// with has[g][s] (all sites when has[g] is nil). This is how layers with
// different missing samples share one search per cell.
type searcher struct {
	qx, qy float64
	ks     []keeper
	has    [][]bool
	bound  float64 // largest bound of the keepers
}

func newSearcher(n int, r2 float64, has [][]bool) *searcher {
	s := &searcher{ks: make([]keeper, len(has)), has: has}
	for g := range s.ks {
		s.ks[g] = newKeeper(n, r2)
	}
	return s
}

// find fills the keepers with the nearest sites of the tree to (x, y).
func (s *searcher) find(t *kdtree.Tree, x, y float64) {
	s.qx, s.qy = x, y
	for g := range s.ks {
		s.ks[g].k = 0
	}
	s.bound = s.ks[0].r2
	s.search(t.Root)
}

// search walks the subtree at n: the near side first, the far side only if
// the splitting plane is within the current bound (the pruning of
// kdtree.Tree.NearestSet). Points on the left of a node are <= its point
// along its plane, those on the right > (kdtree.Partition).
func (s *searcher) search(n *kdtree.Node) {
	for n != nil {
		p := n.Point.(site)
		dx, dy := s.qx-p.x, s.qy-p.y
		d2 := dx*dx + dy*dy
		if d2 <= s.bound {
			kept := false
			for g := range s.ks {
				if h := s.has[g]; h == nil || h[p.id] {
					kept = s.ks[g].keep(d2, p.id) || kept
				}
			}
			if kept {
				b := 0.0
				for g := range s.ks {
					b = max(b, s.ks[g].bound())
				}
				s.bound = b
			}
		}
		c := dx
		if n.Plane == 1 {
			c = dy
		}
		near, far := n.Left, n.Right
		if c > 0 {
			near, far = far, near
		}
		s.search(near)
		if c*c > s.bound {
			return
		}
		n = far
	}
}

// merge groups the samples with finite coordinates by exact location. It
// returns the sites, numbered in order of their first sample, and for each
// site the indices of its samples in increasing order.
func merge(x, y []float64) ([]site, [][]int) {
	idx := make([]int, 0, len(x))
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if x[i] != x[j] {
			return x[i] < x[j]
		}
		return y[i] < y[j] // stable: equal locations keep sample order
	})
	var members [][]int
	for a := 0; a < len(idx); {
		b := a + 1
		for b < len(idx) && x[idx[b]] == x[idx[a]] && y[idx[b]] == y[idx[a]] {
			b++
		}
		members = append(members, idx[a:b:b])
		a = b
	}
	sort.Slice(members, func(a, b int) bool { return members[a][0] < members[b][0] })
	ss := make([]site, len(members))
	for k, m := range members {
		ss[k] = site{x: x[m[0]], y: y[m[0]], id: k}
	}
	return ss, members
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// medianSpacing returns the median over the sites of the distance to the
// nearest other site, or 0 with fewer than two sites.
func medianSpacing(ss []site) float64 {
	if len(ss) < 2 {
		return 0
	}
	t := newTree(ss)
	s := newSearcher(2, math.Inf(1), [][]bool{nil})
	d := make([]float64, len(ss))
	for i, p := range ss {
		s.find(t, p.x, p.y)
		// The site itself is first (distance 0, sites are distinct).
		d[i] = math.Sqrt(s.ks[0].d2[1])
	}
	sort.Float64s(d)
	n := len(d)
	if n%2 == 1 {
		return d[n/2]
	}
	return (d[n/2-1] + d[n/2]) / 2
}
