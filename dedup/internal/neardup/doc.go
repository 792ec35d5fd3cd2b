// Package neardup finds near-duplicates among the articles of one run and
// headlines that recur over other stories. The persistent index, which
// finds them across runs, is package dedup's Index; both compare articles
// by the signatures and measure of package minhash.
//
// Reading the source, in the order a caller meets it:
//
//   - New makes a Finder; Finder.Observe takes each model.Doc of the run
//     in input order and returns a near_duplicate hit when it has an
//     earlier near-duplicate; Finder.Prepare does the costly part on any
//     goroutine, Finder.ObservePrepared the rest in order; Finder.Clusters
//     gives the groups (neardup.go).
//   - NewSharedHeadlines makes a SharedHeadlines; its Observe, called
//     after the Finder's, returns a shared_headline hit when an earlier
//     article carried the headline over another story (sharedheadline.go).
//
// Error messages carry the prefix "dedup: ", since they reach callers
// through package dedup.
package neardup
