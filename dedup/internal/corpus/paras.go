package corpus

// paraIndex maps a paragraph key to the bodies it stands in, ascending,
// each once. Most paragraphs stand in one body, so that body is held in
// the map's value itself (12 bytes a paragraph, where a slice per key
// costs 40); a key met in a second body moves to a list. It is not safe
// for concurrent writes; reads may be concurrent once writing is done.
type paraIndex struct {
	// m holds, per key, the one body (>= 0) or -1-i for lists[i].
	m     map[uint64]int32
	lists [][]int32
	// ident[b] is b, so that a key of one body has a one-body slice to
	// return without allocating.
	ident []int32
}

func newParaIndex() paraIndex { return paraIndex{m: make(map[uint64]int32)} }

// add files body (the latest body added, or a later one) under k, and
// reports whether it was not filed there already.
func (p *paraIndex) add(k uint64, body int32) bool {
	for int(body) >= len(p.ident) {
		p.ident = append(p.ident, int32(len(p.ident)))
	}
	v, ok := p.m[k]
	switch {
	case !ok:
		p.m[k] = body
	case v >= 0:
		if v == body {
			return false
		}
		p.m[k] = int32(-1 - len(p.lists))
		p.lists = append(p.lists, []int32{v, body})
	default:
		l := p.lists[-1-v]
		if l[len(l)-1] == body {
			return false
		}
		p.lists[-1-v] = append(l, body)
	}
	return true
}

// get returns the bodies k stands in (nil when none); the caller must not
// change them.
func (p *paraIndex) get(k uint64) []int32 {
	v, ok := p.m[k]
	switch {
	case !ok:
		return nil
	case v >= 0:
		return p.ident[v : v+1 : v+1]
	}
	return p.lists[-1-v]
}

// shared returns the index of the keys that stand in two bodies or more:
// the others tell a body nothing about the rest of the corpus.
func (p *paraIndex) shared() paraIndex {
	q := paraIndex{m: make(map[uint64]int32, len(p.lists)), lists: p.lists}
	for k, v := range p.m {
		if v < 0 {
			q.m[k] = v
		}
	}
	return q
}
