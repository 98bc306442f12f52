package detect

// automaton is an ASCII-case-insensitive Aho-Corasick automaton compiled to
// a full DFA over byte classes: one table lookup per input byte, no
// allocation except for the hits it returns. It is written here rather than
// taken from a library because the rule set has a few dozen short keywords,
// the whole thing is some eighty lines, and the dense table is what makes
// the keyword pass cheap (see BenchmarkPrefilter).
type automaton struct {
	class  [256]uint8
	nclass int
	// delta maps row+class to the next row, shifted left by one, with the
	// low bit set when the next state ends a keyword (row = state*nclass).
	delta   []uint32
	out     [][]int // state → keyword indexes ending here
	lengths []int
}

// hit is one keyword occurrence: keyword index and [start, end) in the input.
type hit struct {
	kw         int
	start, end int
}

// maxHits bounds the hits kept per scan, so hostile input ("AKIA" ten
// million times) cannot blow memory; rules still see the first ones.
const maxHits = 1 << 15

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

func newAutomaton(keywords []string) *automaton {
	a := &automaton{}
	// Byte classes: one per distinct (lower-cased) keyword byte, 0 for the rest.
	n := 1
	for _, k := range keywords {
		for i := 0; i < len(k); i++ {
			c := lower(k[i])
			if a.class[c] == 0 {
				a.class[c] = uint8(n)
				if c >= 'a' && c <= 'z' {
					a.class[c-32] = uint8(n)
				}
				n++
			}
		}
	}
	a.nclass = n
	// Trie.
	type node struct {
		next map[uint8]int
		fail int
		out  []int
	}
	nodes := []node{{next: map[uint8]int{}}}
	for ki, k := range keywords {
		s := 0
		for i := 0; i < len(k); i++ {
			c := a.class[k[i]]
			nx, ok := nodes[s].next[c]
			if !ok {
				nodes = append(nodes, node{next: map[uint8]int{}})
				nx = len(nodes) - 1
				nodes[s].next[c] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, ki)
		a.lengths = append(a.lengths, len(k))
	}
	// Breadth-first failure links, then the full transition table.
	delta := make([]uint16, len(nodes)*n)
	queue := []int{}
	for c := 0; c < n; c++ {
		if nx, ok := nodes[0].next[uint8(c)]; ok {
			delta[c] = uint16(nx)
			queue = append(queue, nx)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < n; c++ {
			if nx, ok := nodes[s].next[uint8(c)]; ok {
				nodes[nx].fail = int(delta[f*n+c])
				delta[s*n+c] = uint16(nx)
				queue = append(queue, nx)
			} else {
				delta[s*n+c] = delta[f*n+c]
			}
		}
	}
	a.out = make([][]int, len(nodes))
	for i := range nodes {
		a.out[i] = nodes[i].out
	}
	a.delta = make([]uint32, len(delta))
	for i, nx := range delta {
		v := uint32(int(nx)*n) << 1
		if len(nodes[nx].out) > 0 {
			v |= 1
		}
		a.delta[i] = v
	}
	return a
}

// find appends every keyword occurrence in b to hits, in order of end,
// with offsets shifted by base.
func (a *automaton) find(b []byte, base int, hits []hit) []hit {
	row := uint32(0)
	delta, class := a.delta, &a.class
	for i := 0; i < len(b); i++ {
		d := delta[row+uint32(class[b[i]])]
		row = d >> 1
		if d&1 != 0 {
			for _, k := range a.out[int(row)/a.nclass] {
				if len(hits) >= maxHits {
					return hits
				}
				hits = append(hits, hit{kw: k, start: base + i + 1 - a.lengths[k], end: base + i + 1})
			}
		}
	}
	return hits
}
