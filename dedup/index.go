package dedup

// This file holds the Index: near-duplicate look-up and atomic admission of
// articles over a Store.
//
// # Admission (CheckAndAdd)
//
// CheckAndAdd must admit exactly one of N copies of a story submitted at
// the same moment by workers that share a store, with no transaction
// spanning keys (so that it runs on Redis Cluster). It claims, inserts,
// then queries:
//
//  1. seq := Store.NextSeq()
//  2. Store.Put(Entry{ID, seq, Pending, sig}, band keys)
//  3. Store.Candidates(band keys), each verified: its similarity to the
//     article must reach the threshold (Similarity, from the signatures).
//  4. If a verified candidate has a lower seq, the article duplicates the
//     lowest-seq one: SetStatus(Duplicate, it) at once, then follow DupOf
//     (waiting while an entry is Pending) to the admitted article it leads
//     to, and record that one.
//  5. Otherwise wait until every verified candidate with a higher seq is
//     decided (poll Get with backoff, bounded by IndexOptions.WaitTimeout).
//     If one was admitted, the article duplicates it (the lowest-seq such).
//     Else the article is admitted.
//
// Why exactly one copy of a story is admitted (copies pairwise similar;
// similarity is symmetric, so they verify each other). Take two copies A
// and B with seq(A) < seq(B). Either B's query saw A: then B has a
// verified lower candidate and is a duplicate (step 4). Or it did not:
// then A's Put landed after B's query, hence after B's Put, and A's query,
// which follows A's Put, sees B; B's seq being higher, A waits for B's
// decision and is a duplicate if B was admitted (step 5). So no two copies
// are both admitted. And one is: the lowest-seq copy has no lower
// candidate, so it is a duplicate only of an admitted higher copy. Waits go
// from a Pending entry to Pending entries of higher seq (step 5), or from
// an already decided entry downwards (step 4 sets its status before it
// waits), so no cycle of waits, and no deadlock, can form.
//
// A worker that dies between Put and SetStatus leaves a Pending entry;
// others that meet it wait WaitTimeout and then fail with ErrWaitTimeout
// until it is removed (newsdedup index remove ID).

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Defaults of IndexOptions.
const (
	// DefaultThreshold is the similarity at or above which two articles
	// are near-duplicates.
	DefaultThreshold = 0.6
	// DefaultMaxBands caps the LSH bands: with 8-bit fingerprints it
	// keeps the memory store under 400 bytes per article at k = 128.
	DefaultMaxBands = 20
	// DefaultWaitTimeout bounds how long CheckAndAdd waits for a
	// concurrent submission to be decided.
	DefaultWaitTimeout = 30 * time.Second
)

// ErrWaitTimeout is returned by CheckAndAdd when a concurrent submission
// of a similar article stays Pending longer than IndexOptions.WaitTimeout
// (its worker may have died; remove its entry).
var ErrWaitTimeout = errors.New("dedup: timed out waiting for a pending article")

// ErrIncompatible is returned when the store holds a signature made with
// other parameters (k, shingle size) than the Index's.
var ErrIncompatible = errors.New("dedup: signature parameters differ from the index's")

// IndexOptions configure an Index. The zero value of each field means its
// default; an Index over a persistent store must be opened with the same
// Signature and LSH options every time.
type IndexOptions struct {
	// Threshold is the similarity (see Similarity) at or above which an
	// article is a near-duplicate of another. 0 means DefaultThreshold.
	Threshold float64
	// Signature says how signatures are made (k, shingle size).
	Signature SignatureOptions
	// LSHThreshold is the Jaccard similarity the banding is tuned for; 0
	// means CandidateJaccard(Threshold). Lower finds more candidates
	// (excerpts, wrapped copies) at more cost.
	LSHThreshold float64
	// MaxBands caps the number of LSH bands, each of which costs the
	// store one entry per article; 0 means DefaultMaxBands.
	MaxBands int
	// FalsePositiveWeight and FalseNegativeWeight weigh the two error
	// areas in OptimalLSH; both 0 means 0.5 and 0.5.
	FalsePositiveWeight, FalseNegativeWeight float64
	// WaitTimeout bounds each wait for a concurrent submission in
	// CheckAndAdd; 0 means DefaultWaitTimeout.
	WaitTimeout time.Duration
}

// Match is an indexed article similar to the one checked.
type Match struct {
	// ID is the indexed article.
	ID string
	// Similarity is the score compared with the threshold (see
	// Similarity); Jaccard and Containment are its parts.
	Similarity, Jaccard, Containment float64
	// Status and DupOf are the indexed article's admission state.
	Status Status
	DupOf  string
	// Seq is the indexed article's claim number.
	Seq uint64
}

// Result is the outcome of CheckAndAdd.
type Result struct {
	// Admitted is true when the article was new and is now the indexed
	// copy of its story.
	Admitted bool
	// DupOf names the admitted article this one duplicates when Admitted
	// is false.
	DupOf string
	// Existing is true when an entry of the same id was already in the
	// index; the index is then unchanged and DupOf names the id itself
	// (or, when that entry is a duplicate, the article it duplicates).
	Existing bool
	// Matches are the verified near-duplicates found, most similar first.
	Matches []Match
}

// IndexStats describe an Index and what its store holds.
type IndexStats struct {
	StoreStats
	// Threshold, LSH, NumHashes and ShingleSize are the index parameters.
	Threshold   float64
	LSH         LSHParams
	NumHashes   int
	ShingleSize int
}

// Index finds near-duplicate articles among those added to its Store. It
// is safe for concurrent use, and several Indexes (in several processes)
// may share one store as long as they use the same options.
type Index struct {
	store   Store
	opts    IndexOptions
	lsh     LSHParams
	signers sync.Pool
}

// CandidateJaccard returns the Jaccard similarity the banding is tuned
// for by default at a similarity threshold t: containment lets articles of
// lower Jaccard reach t (an excerpt, a copy wrapped in other text), so the
// banding aims lower, at ContainmentMinJaccard when that is below t.
func CandidateJaccard(t float64) float64 {
	return min(t, ContainmentMinJaccard)
}

// OpenIndex returns an Index over store (nil opts means the defaults).
// The Index does not own the store: closing it is the caller's business.
func OpenIndex(store Store, opts *IndexOptions) (*Index, error) {
	if store == nil {
		return nil, errors.New("dedup: OpenIndex needs a store")
	}
	var o IndexOptions
	if opts != nil {
		o = *opts
	}
	o.Signature = o.Signature.withDefaults()
	if err := o.Signature.validate(); err != nil {
		return nil, err
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = DefaultWaitTimeout
	}
	lsh, err := lshDefaults(&o.Threshold, &o.LSHThreshold, &o.MaxBands, &o.FalsePositiveWeight, &o.FalseNegativeWeight, o.Signature.NumHashes)
	if err != nil {
		return nil, err
	}
	ix := &Index{store: store, opts: o, lsh: lsh}
	ix.signers.New = func() any {
		s, _ := NewSigner(&ix.opts.Signature) // validated above
		return s
	}
	return ix, nil
}

// Options returns the options of the index, defaults filled in.
func (ix *Index) Options() IndexOptions { return ix.opts }

// LSH returns the banding the index uses.
func (ix *Index) LSH() LSHParams { return ix.lsh }

// Sign returns the signature of doc as the index makes it.
func (ix *Index) Sign(doc *Document) Signature {
	s := ix.signers.Get().(*Signer)
	sig := s.Sign(doc)
	ix.signers.Put(s)
	return sig
}

// Check returns the indexed articles that are near-duplicates of doc,
// most similar first, without changing the index. An entry with doc's id
// is not a match of itself.
func (ix *Index) Check(ctx context.Context, doc *Document) ([]Match, error) {
	return ix.CheckSignature(ctx, doc.ID, ix.Sign(doc))
}

// CheckSignature is Check for an article whose signature is known.
func (ix *Index) CheckSignature(ctx context.Context, id string, sig Signature) ([]Match, error) {
	keys := ix.lsh.AppendBandKeys(nil, sig)
	if len(keys) == 0 {
		return nil, nil
	}
	cands, err := ix.store.Candidates(ctx, keys)
	if err != nil {
		return nil, err
	}
	return ix.verify(id, sig, cands)
}

// verify keeps the candidates similar enough to sig, most similar first
// (ties by seq).
func (ix *Index) verify(id string, sig Signature, cands []Entry) ([]Match, error) {
	var ms []Match
	var other Signature
	for _, e := range cands {
		if e.ID == id {
			continue
		}
		if err := other.UnmarshalBinary(e.Sig); err != nil {
			return nil, fmt.Errorf("dedup: entry %q: %w", e.ID, err)
		}
		if !sig.Compatible(other) {
			return nil, fmt.Errorf("%w: entry %q has k=%d, shingle size %d; index k=%d, shingle size %d",
				ErrIncompatible, e.ID, other.NumHashes(), other.ShingleSize(), sig.NumHashes(), sig.ShingleSize())
		}
		s := Similarity(sig, other)
		if s.Score < ix.opts.Threshold {
			continue
		}
		ms = append(ms, Match{ID: e.ID, Similarity: s.Score, Jaccard: s.Jaccard, Containment: s.Containment,
			Status: e.Status, DupOf: e.DupOf, Seq: e.Seq})
	}
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return ms, nil
}

// Add files doc in the index as admitted, whatever it resembles. Use
// CheckAndAdd to admit only new stories. An entry of the same id is
// replaced.
func (ix *Index) Add(ctx context.Context, doc *Document) error {
	if doc.ID == "" {
		return errors.New("dedup: Add needs an article id")
	}
	sig := ix.Sign(doc)
	seq, err := ix.store.NextSeq(ctx)
	if err != nil {
		return err
	}
	b, _ := sig.MarshalBinary()
	return ix.store.Put(ctx, Entry{ID: doc.ID, Seq: seq, Status: StatusAdmitted, Sig: b}, ix.lsh.AppendBandKeys(nil, sig))
}

// Remove deletes the article id from the index; it returns ErrNotFound
// when there is none.
func (ix *Index) Remove(ctx context.Context, id string) error {
	return ix.store.Remove(ctx, id)
}

// Stats counts what the index holds.
func (ix *Index) Stats(ctx context.Context) (IndexStats, error) {
	st, err := ix.store.Stats(ctx)
	if err != nil {
		return IndexStats{}, err
	}
	return IndexStats{StoreStats: st, Threshold: ix.opts.Threshold, LSH: ix.lsh,
		NumHashes: ix.opts.Signature.NumHashes, ShingleSize: ix.opts.Signature.ShingleSize}, nil
}

// CheckAndAdd checks doc against the index and adds it, atomically with
// respect to every other CheckAndAdd on the same store: of copies of one
// story submitted concurrently exactly one is admitted, and every other
// is told, in Result.DupOf, the admitted article it duplicates (see the
// protocol in the file comment). An article whose id is already indexed is
// reported Existing and not added again.
func (ix *Index) CheckAndAdd(ctx context.Context, doc *Document) (Result, error) {
	if doc.ID == "" {
		return Result{}, errors.New("dedup: CheckAndAdd needs an article id")
	}
	return ix.CheckAndAddSignature(ctx, doc.ID, ix.Sign(doc))
}

// CheckAndAddSignature is CheckAndAdd for an article whose signature is
// known.
func (ix *Index) CheckAndAddSignature(ctx context.Context, id string, sig Signature) (Result, error) {
	if r, ok, err := ix.existing(ctx, id); ok || err != nil {
		return r, err
	}
	seq, err := ix.store.NextSeq(ctx)
	if err != nil {
		return Result{}, err
	}
	enc, _ := sig.MarshalBinary()
	keys := ix.lsh.AppendBandKeys(nil, sig)
	if err := ix.store.Put(ctx, Entry{ID: id, Seq: seq, Status: StatusPending, Sig: enc}, keys); err != nil {
		return Result{}, err
	}
	var ms []Match
	if len(keys) > 0 {
		cands, err := ix.store.Candidates(ctx, keys)
		if err != nil {
			return Result{}, err
		}
		if ms, err = ix.verify(id, sig, cands); err != nil {
			return Result{}, err
		}
	}
	res := Result{Matches: ms}

	// Step 4: a lower-seq near-duplicate decides it.
	var lowest *Match
	for i := range ms {
		if ms[i].Seq < seq && (lowest == nil || ms[i].Seq < lowest.Seq) {
			lowest = &ms[i]
		}
	}
	if lowest != nil {
		if err := ix.store.SetStatus(ctx, id, StatusDuplicate, lowest.ID); err != nil {
			return Result{}, err
		}
		root, err := ix.resolve(ctx, lowest.ID)
		if err != nil {
			return Result{}, err
		}
		if root != lowest.ID {
			if err := ix.store.SetStatus(ctx, id, StatusDuplicate, root); err != nil {
				return Result{}, err
			}
		}
		res.DupOf = root
		return res, nil
	}

	// Step 5: wait for the higher-seq ones still pending.
	higher := make([]Match, 0, len(ms))
	for _, m := range ms {
		if m.Seq > seq {
			higher = append(higher, m)
		}
	}
	slices.SortFunc(higher, func(a, b Match) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, m := range higher {
		st := m.Status
		if st == StatusPending {
			e, err := ix.wait(ctx, m.ID)
			if errors.Is(err, ErrNotFound) {
				continue // removed meanwhile
			}
			if err != nil {
				return Result{}, err
			}
			st = e.Status
		}
		if st == StatusAdmitted {
			if err := ix.store.SetStatus(ctx, id, StatusDuplicate, m.ID); err != nil {
				return Result{}, err
			}
			res.DupOf = m.ID
			return res, nil
		}
	}
	if err := ix.store.SetStatus(ctx, id, StatusAdmitted, ""); err != nil {
		return Result{}, err
	}
	res.Admitted = true
	return res, nil
}

// AddCopy records id as a duplicate of the article of, when the caller
// knows that id's body is an exact copy of a body already decided
// (admitted as of, or found a duplicate of of): a crawl fetches one page
// under many urls. It skips the admission protocol, since an exact copy
// has nothing to decide, and files no band keys, since every article
// similar to the copy is as similar to of, which is filed: the store
// keeps the entry only, so that a later run finds the copy by its id.
// When id is already indexed, AddCopy changes nothing and reports
// existing, with the article it duplicates (or id itself when admitted).
func (ix *Index) AddCopy(ctx context.Context, id string, sig Signature, of string) (res Result, err error) {
	if id == "" {
		return Result{}, errors.New("dedup: AddCopy needs an article id")
	}
	if r, ok, err := ix.existing(ctx, id); ok || err != nil {
		return r, err
	}
	enc, _ := sig.MarshalBinary()
	if err := ix.store.Put(ctx, Entry{ID: id, Status: StatusDuplicate, DupOf: of, Sig: enc}, nil); err != nil {
		return Result{}, err
	}
	return Result{DupOf: of, Matches: []Match{{ID: of, Similarity: 1, Jaccard: 1, Containment: 1, Status: StatusAdmitted}}}, nil
}

// existing reports whether id is indexed already, with the Result that
// says so: DupOf is id itself, or the article it duplicates.
func (ix *Index) existing(ctx context.Context, id string) (Result, bool, error) {
	old, err := ix.store.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return Result{}, false, nil
	case err != nil:
		return Result{}, false, err
	}
	r := Result{Existing: true, DupOf: id}
	if old.Status == StatusDuplicate && old.DupOf != "" {
		r.DupOf = old.DupOf
	}
	return r, true, nil
}

// maxDupChain bounds how many DupOf links resolve follows.
const maxDupChain = 64

// resolve follows DupOf links from id to the admitted article they lead
// to, waiting for pending entries. When the chain breaks (an entry was
// removed) it returns the last article it reached.
func (ix *Index) resolve(ctx context.Context, id string) (string, error) {
	for range maxDupChain {
		e, err := ix.wait(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
		if e.Status != StatusDuplicate || e.DupOf == "" || e.DupOf == id {
			return id, nil
		}
		id = e.DupOf
	}
	return id, nil
}

// wait polls the entry id until it is no longer pending, backing off from
// 1ms to 50ms, for at most WaitTimeout.
func (ix *Index) wait(ctx context.Context, id string) (Entry, error) {
	deadline := time.Now().Add(ix.opts.WaitTimeout)
	delay := time.Millisecond
	for {
		e, err := ix.store.Get(ctx, id)
		if err != nil {
			return Entry{}, err
		}
		if e.Status != StatusPending {
			return e, nil
		}
		if time.Now().After(deadline) {
			return Entry{}, fmt.Errorf("%w: %q", ErrWaitTimeout, id)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return Entry{}, ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}
