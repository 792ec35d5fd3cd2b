package dedup

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/internal/residue"
	"github.com/newsdedup/newsdedup/dedup/internal/topic"
)

// Options configure a Pipeline and an Index: which kinds of findings to
// report, how a batch runs, and every detector's threshold.
//
// Every field is used as given, so that any threshold can be set to any
// value it may take, 0 included: Options{} is not the default, and
// NewPipeline rejects it (its Threshold is 0). Start from DefaultOptions and
// change what you need; a nil *Options means DefaultOptions. A detector is
// switched off by leaving its kind out (Only, Skip), which also saves its
// work.
type Options struct {
	// Only, when not empty, are the kinds reported; Skip are kinds not
	// reported. A kind that is not reported is not computed, unless a
	// reported kind needs it (off_topic and headline_mismatch pass over
	// the paragraphs that residue and the repeats explain).
	Only, Skip []Kind
	// MinScore is the score a finding needs to be reported (0..1).
	MinScore float64

	// Corpus makes Run read its input once to learn the corpus (word
	// statistics, shared paragraphs, recurring lines) before it judges
	// any article; Run then ranges over its documents two or three times.
	// Without it each article is judged alone, in one streaming pass, and
	// words are weighed by the embedded background table. Check and
	// CheckAndAdd always judge a page alone.
	Corpus bool
	// Workers is how many articles Run judges in parallel; 0 or less means
	// one per processor (runtime.GOMAXPROCS). Output order and content do
	// not depend on it.
	Workers int
	// Store keeps the near-duplicate index. With one, Run checks every
	// article against it and adds the new ones, so that runs, processes
	// and machines sharing the store agree; without, Run finds
	// near-duplicates within the run, and Check and CheckAndAdd use an
	// index in memory that lives as long as the Pipeline. The caller
	// closes the store.
	Store Store

	// Threshold is the similarity (Jaccard of word 4-gram shingles, or the
	// containment of the shorter article in the longer) from which two
	// articles are one story: near_duplicate. In (0, 1].
	Threshold float64
	// NumHashes (k) and ShingleSize (words) define the signatures. An
	// index over a persistent store must be opened with the same values
	// every time.
	NumHashes, ShingleSize int
	// WaitTimeout bounds how long CheckAndAdd waits for a concurrent
	// submission of a similar article to be decided, past the lease of
	// its writer (twice WaitTimeout, at most 10 s): when the lease runs
	// out first, CheckAndAdd takes the decision over instead.
	WaitTimeout time.Duration
	// TTL, when positive, is how long the index keeps an entry: older
	// ones are forgotten, so that the index answers "seen in the last
	// TTL?". Zero keeps entries for ever.
	TTL time.Duration
	// OnClaim, when set, is told of each batch of claims a Run makes in
	// Options.Store, before any of them reaches the store (Unsettled
	// with N). A caller whose output is committed only at the end keeps
	// them, so that a run killed before then is not lost: a later run
	// given them (Pipeline.Adopt) reports their decisions. An error ends
	// the run as an index failure.
	OnClaim func(Unsettled) error

	// MismatchThreshold is the TF-IDF cosine similarity of headline and
	// body below which the body is not about its headline
	// (headline_mismatch).
	MismatchThreshold float64
	// OffTopicMargin is how much better another article of the corpus
	// must fit a block of shared paragraphs than the article it stands in
	// before the block is off_topic there.
	OffTopicMargin float64
	// OffTopicFloor is the fit below which a block of paragraphs shared
	// with two or more other articles is off_topic even when none of them
	// fits it better: text that travels between unrelated articles.
	OffTopicFloor float64
	// OffTopicSplit is the fit to the headline that one side of an
	// article split in two needs before the single-article off_topic test
	// calls the other side another story.
	OffTopicSplit float64
	// OffTopicCut is the normalised cut (0..2) below which the two sides
	// of an article split in two are apart enough to be two stories.
	OffTopicCut float64
	// ResidueThreshold is the score from which a line is residue.
	ResidueThreshold float64
	// ResiduePatterns adds site-specific residue rules to the built-in
	// ones: one regular expression a line, matched against a whole
	// paragraph; blank lines and lines starting with # are skipped.
	// NewPipeline's errors about a rule read "NAME:LINE: what is wrong",
	// NAME being ResiduePatternsName ("residue patterns" when empty).
	ResiduePatterns, ResiduePatternsName string
}

// DefaultOptions returns the defaults: every kind reported, the corpus
// learnt first, one worker per processor, near-duplicates within the run,
// and the thresholds measured best on the development sets.
func DefaultOptions() Options {
	return Options{
		Corpus:            true,
		Threshold:         0.6,
		NumHashes:         minhash.DefaultNumHashes,
		ShingleSize:       minhash.DefaultShingleSize,
		WaitTimeout:       30 * time.Second,
		MismatchThreshold: 0.09,
		OffTopicMargin:    0.05,
		OffTopicFloor:     0.05,
		OffTopicSplit:     0.03,
		OffTopicCut:       0.15,
		ResidueThreshold:  residue.DefaultThreshold,
	}
}

// Kinds returns every kind of finding, in the order the detectors run.
func Kinds() []Kind {
	return []Kind{KindRepeatedHeadline, KindHeadlineMismatch, KindOffTopic, KindResidue,
		KindRepeatedParagraph, KindNearDuplicate, KindSharedHeadline, KindChangedPage}
}

// check validates o; NewPipeline and OpenIndex call it.
func (o *Options) check() error {
	for _, k := range slices.Concat(o.Only, o.Skip) {
		if !slices.Contains(Kinds(), k) {
			var all []string
			for _, k := range Kinds() {
				all = append(all, string(k))
			}
			return fmt.Errorf("dedup: unknown kind %q (kinds: %s)", k, strings.Join(all, ", "))
		}
	}
	if !(o.Threshold > 0 && o.Threshold <= 1) {
		return fmt.Errorf("dedup: Threshold %v: want a number in (0, 1]", o.Threshold)
	}
	if err := (minhash.Options{NumHashes: o.NumHashes, ShingleSize: o.ShingleSize}).Validate(); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"MinScore", o.MinScore}, {"MismatchThreshold", o.MismatchThreshold},
		{"OffTopicMargin", o.OffTopicMargin}, {"OffTopicFloor", o.OffTopicFloor},
		{"OffTopicSplit", o.OffTopicSplit}, {"ResidueThreshold", o.ResidueThreshold},
	} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			return fmt.Errorf("dedup: %s %v: want a number in 0..1", f.name, f.v)
		}
	}
	if math.IsNaN(o.OffTopicCut) || o.OffTopicCut < 0 || o.OffTopicCut > 2 {
		return fmt.Errorf("dedup: OffTopicCut %v: want a number in 0..2", o.OffTopicCut)
	}
	return nil
}

// reports reports whether findings of kind k are reported.
func (o *Options) reports(k Kind) bool {
	return (len(o.Only) == 0 || slices.Contains(o.Only, k)) && !slices.Contains(o.Skip, k)
}

// topic returns the options of the topic detectors.
func (o *Options) topic() topic.Options {
	return topic.Options{
		MismatchThreshold: o.MismatchThreshold,
		OffTopicMargin:    o.OffTopicMargin,
		OffTopicFloor:     o.OffTopicFloor,
		OffTopicSplit:     o.OffTopicSplit,
		OffTopicCut:       o.OffTopicCut,
	}
}
