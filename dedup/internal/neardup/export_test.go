package neardup

// ExactBodies is exactBodies, for the tests.
const ExactBodies = exactBodies

// ExactSets counts the bodies that keep their exact shingle sets.
func (f *Finder) ExactSets() int {
	n := 0
	for _, b := range f.bodies {
		if b.set != nil {
			n++
		}
	}
	return n
}
