package neardup

// ExactBodies is exactBodies, for the tests.
const ExactBodies = exactBodies

// ExactSets counts the bodies that keep their exact shingle sets.
func (f *Finder) ExactSets() int {
	n := 0
	for b := range f.bodies {
		if f.exactSet(int32(b)) != nil {
			n++
		}
	}
	return n
}
